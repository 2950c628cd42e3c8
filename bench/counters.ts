/** What the simulated devices count while a run goes: connections, turns, errors. */
import { Samples } from './stats.ts';
import type { PromptMsg } from './device.ts';

export interface TurnRecordB {
  at: number;
  said: string;
  recognized: string | null;
  gapMs: number;
  decisionMs: number;
  reprompt: boolean;
  interrupted: boolean;
  prompt: PromptMsg;
}

export interface TurnSink { turn(t: TurnRecordB): void }

export class Counters {
  connecting = 0;
  connected = 0;
  welcomed = 0;
  prompts = 0;
  recognized = 0;
  byes = 0;
  timeouts = 0;
  clientBacklog = 0;
  unexpectedBinary = 0;
  framesSent = 0;
  /** Silence frames not sent because the load generator fell > 100 ms behind (its own overload). */
  lateSkipped = 0;
  stopping = false;
  readonly errors = new Map<string, number>();

  error(kind: string): void { this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1); }
  get errorCount(): number { let n = 0; for (const v of this.errors.values()) n += v; return n; }
}

/** Normalises a recognised or spoken answer for comparison ("4 2" → "42", case, spaces). */
export function normAnswer(s: string): string {
  const t = s.trim().toLowerCase().replace(/\s+/g, ' ');
  return /^[\d ]+$/.test(t) ? t.replace(/ /g, '') : t;
}

export class TurnStats implements TurnSink {
  gap = new Samples();
  decision = new Samples();
  turns = 0;
  /** Turns whose answer was spoken and got a `recognized` back. */
  withResult = 0;
  correct = 0;
  wrong = 0;
  /** A prompt came back without a `recognized`: the server rejected the answer (no-match). */
  noResult = 0;
  reprompts = 0;
  interrupted = 0;
  private window: Array<{ t: number; ok: boolean }> = [];

  /** Forgets everything (the ramp and warm-up are not measured). */
  reset(): void {
    this.gap = new Samples();
    this.decision = new Samples();
    this.turns = this.withResult = this.correct = this.wrong = this.noResult = this.reprompts = this.interrupted = 0;
    this.window = [];
  }

  turn(t: TurnRecordB): void {
    this.turns += 1;
    if (t.interrupted) { this.interrupted += 1; return; }
    this.gap.add(t.gapMs, t.at);
    this.decision.add(t.decisionMs, t.at);
    if (t.reprompt) this.reprompts += 1;
    if (t.recognized === null) { this.noResult += 1; return; }
    this.withResult += 1;
    const ok = normAnswer(t.recognized) === normAnswer(t.said);
    if (ok) this.correct += 1; else this.wrong += 1;
    this.window.push({ t: t.at, ok });
  }

  /** Correct / answers that got a recognition result or a rejection. */
  accuracy(): number {
    const n = this.correct + this.wrong + this.noResult;
    return n ? this.correct / n : NaN;
  }

  accuracyWindows(windowMs: number): Array<{ t: number; n: number; acc: number }> {
    const m = new Map<number, { n: number; ok: number }>();
    for (const x of this.window) {
      const w = Math.floor(x.t / windowMs);
      const e = m.get(w) ?? { n: 0, ok: 0 };
      e.n += 1; if (x.ok) e.ok += 1;
      m.set(w, e);
    }
    return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([w, e]) => ({ t: (w + 0.5) * windowMs, n: e.n, acc: e.ok / e.n }));
  }
}
