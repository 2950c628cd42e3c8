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
  /**
   * This answer was to a reprompt of the same question (the last one was misheard or rejected).
   * A picker repeats a string the recogniser got wrong until it gets it right, so retries weigh
   * hard strings more than an offline evaluation does; first attempts compare with bench:asr.
   */
  retry: boolean;
  interrupted: boolean;
  /** Answered on the keypad (no speech): not in the voice latency or accuracy figures. */
  typed: boolean;
  /** The recordings said (clip sources: `DIGIT_SPEAKER_TAKE`, `tts:VOICE:word`); none for a keypad answer. */
  sources?: string[];
  /** Silence between those recordings, ms. */
  gapsMs?: number[];
  /** The simulated picker (its index in the run). */
  picker: number;
  /** The dialog's right answer at this question, when the script knows there is one (check digits, quantity). */
  expected?: string;
  /** The prompt that was answered, and the one that came back. */
  asked: PromptMsg | null;
  prompt: PromptMsg;
}

/**
 * One measured turn in turns.jsonl. `expect` is the expectation as the device received it (no
 * right answer), `expected` the right answer when the script knows one, `gaps` the silences
 * between the recordings of `src` (ms): with them `npm run bench:asr -- --replay` rebuilds the audio.
 */
export interface TurnLine {
  t: number; node: string; said: string; recognized: string | null; gap: number; decision: number; reprompt: boolean; retry: boolean; typed: boolean; src: string[]; next: string;
  picker: number; expect: PromptMsg['expect']; expected?: string; gaps?: number[];
}

export interface NodeStats { n: number; correct: number; wrong: number; nomatch: number; first_n: number; first_correct: number }

/** An answer that got no prompt back within the turn timeout (the picker says it again). */
export interface TimeoutRecord { at: number; node: string; said: string; sources: string[]; typed: boolean }

export interface TurnSink { turn(t: TurnRecordB): void; timeout(t: TimeoutRecord): void }

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
  typed = 0;
  /** First attempts at a question (not retries after a reprompt), and how many of them were right. */
  firstN = 0;
  firstCorrect = 0;
  /** Per question node: answers, correct, wrong, no-match, and first attempts (voice answers only). */
  byNode = new Map<string, NodeStats>();
  private window: Array<{ t: number; ok: boolean }> = [];
  /** The first `keep` measured turns, for turns.jsonl (what was said, what was understood). */
  readonly log: Array<TurnLine | { t: number; node: string; said: string; typed: boolean; src: string[]; timeout: true }> = [];
  keep = 20000;

  /** Forgets everything (the ramp and warm-up are not measured). */
  reset(): void {
    this.gap = new Samples();
    this.decision = new Samples();
    this.turns = this.withResult = this.correct = this.wrong = this.noResult = this.reprompts = this.interrupted = this.typed = 0;
    this.firstN = this.firstCorrect = 0;
    this.byNode = new Map();
    this.window = [];
    this.log.length = 0;
  }

  /** Logged in turns.jsonl (`timeout: true`); counted by Counters.timeouts, not in the turn figures. */
  timeout(t: TimeoutRecord): void {
    if (this.log.length < this.keep) this.log.push({ t: Math.round(t.at), node: t.node, said: t.said, typed: t.typed, src: t.sources, timeout: true });
  }

  turn(t: TurnRecordB): void {
    this.turns += 1;
    if (this.log.length < this.keep) {
      this.log.push({
        t: Math.round(t.at), node: t.asked?.node ?? '', said: t.said, recognized: t.recognized,
        gap: Math.round(t.gapMs), decision: Math.round(t.decisionMs), reprompt: t.reprompt, retry: t.retry, typed: t.typed, src: t.sources ?? [], next: t.prompt.text.slice(0, 80),
        picker: t.picker, expect: t.asked?.expect ?? null, ...(t.expected === undefined ? {} : { expected: t.expected }), ...(t.gapsMs?.length ? { gaps: t.gapsMs } : {}),
      });
    }
    // A prompt that came while the picker was still speaking: the server decided on part of the
    // answer. Its recognition counts (the picker heard that prompt); it has no gap or decision time.
    if (t.interrupted) this.interrupted += 1;
    if (t.reprompt) this.reprompts += 1;
    if (t.typed) { this.typed += 1; return; }
    if (!t.interrupted) {
      this.gap.add(t.gapMs, t.at);
      this.decision.add(t.decisionMs, t.at);
    }
    const key = t.asked?.node ?? '?';
    const nodeStats = this.byNode.get(key) ?? { n: 0, correct: 0, wrong: 0, nomatch: 0, first_n: 0, first_correct: 0 };
    this.byNode.set(key, nodeStats);
    nodeStats.n += 1;
    const ok = t.recognized !== null && normAnswer(t.recognized) === normAnswer(t.said);
    if (!t.retry) {
      this.firstN += 1; nodeStats.first_n += 1;
      if (ok) { this.firstCorrect += 1; nodeStats.first_correct += 1; }
    }
    if (t.recognized === null) { this.noResult += 1; nodeStats.nomatch += 1; return; }
    this.withResult += 1;
    if (ok) { this.correct += 1; nodeStats.correct += 1; } else { this.wrong += 1; nodeStats.wrong += 1; }
    this.window.push({ t: t.at, ok });
  }

  /** Correct / first attempts at a question (retries after a reprompt left out). */
  accuracyFirst(): number { return this.firstN ? this.firstCorrect / this.firstN : NaN; }

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
