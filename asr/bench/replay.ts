/**
 * The offline figure on the same audio as a live bench run: `npm run bench:asr -- --replay
 * RUN/turns.jsonl --data DIR [--json]`. Every voice answer the bench's pickers said in the
 * measured window (`src`: the recordings, `gaps`: the silences between them) is rebuilt from
 * the same recordings and recognised offline through the same pipeline as bench:asr (fed faster
 * than real time, 300 ms of silence before and 900 ms after), against the expectation the
 * picker was asked (`expect`, with the right answer `expected` where the dialog had one). Each
 * picker's answers go through one stream session, in the order they were said, as on the device.
 * With an enrolled run (`settings.enroll` in the run's result.json) each speaker is enrolled on
 * takes 0–2 of every digit, as `bench --enroll` does.
 *
 * It prints, per question node and in all, live and offline accuracy on first attempts (and on
 * every answer), and the answers only one of the two got right: what issue #7's "accuracy within
 * 1 point of the offline bench:asr figure on the same audio" compares.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AsrEngine, MemoryTemplateStore, type Expectation } from '../index.ts';
import { readWav, resample } from '../audio.ts';
import { synth } from './corpus.ts';
import { engineOptions, join, pool, recognise, type EvalOptions } from './evaluate.ts';

/** A turns.jsonl line, as far as the replay reads it (bench/counters.ts TurnLine). */
export interface ReplayTurn {
  node: string; said: string; recognized: string | null; retry: boolean; typed: boolean;
  src: string[]; gaps: number[]; picker: number; expect: Expectation; line: number;
}

export class ReplayError extends Error {
  constructor(readonly code: 'REPLAY_BAD_LINE' | 'REPLAY_BAD_RESULT' | 'REPLAY_OLD_FORMAT' | 'REPLAY_NO_TURNS' | 'REPLAY_NO_RECORDING', message: string) { super(message); this.name = 'ReplayError'; }
}

const KINDS = new Set(['digits', 'number', 'yesno', 'choice', 'freeDigits', 'ready']);

/**
 * Reads the voice answers of a turns.jsonl (typed answers and timeouts are left out). A line that
 * is not JSON, or a turn without the fields the replay needs (bench code older than the replay),
 * is a ReplayError naming the line.
 */
export function readTurns(text: string): ReplayTurn[] {
  const out: ReplayTurn[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let x: Record<string, unknown>;
    try { x = JSON.parse(raw) as Record<string, unknown>; } catch (err) {
      throw new ReplayError('REPLAY_BAD_LINE', `line ${i + 1}: not JSON (${(err as Error).message})`);
    }
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ReplayError('REPLAY_BAD_LINE', `line ${i + 1}: not an object`);
    if (x.timeout === true || x.typed === true) return;
    if (!Array.isArray(x.src) || x.src.length === 0) return;
    if (typeof x.picker !== 'number' || !('expect' in x)) {
      throw new ReplayError('REPLAY_OLD_FORMAT', `line ${i + 1}: no "picker" / "expect" (turns.jsonl from a bench older than --replay: run the bench again)`);
    }
    const e = x.expect as Record<string, unknown> | null;
    if (!e || typeof e.kind !== 'string' || !KINDS.has(e.kind) || !Array.isArray(e.commands)) throw new ReplayError('REPLAY_BAD_LINE', `line ${i + 1}: bad "expect"`);
    if (typeof x.said !== 'string' || typeof x.node !== 'string') throw new ReplayError('REPLAY_BAD_LINE', `line ${i + 1}: bad "said" / "node"`);
    const gaps = Array.isArray(x.gaps) ? x.gaps : [];
    if (gaps.length !== x.src.length - 1 || !gaps.every((g) => typeof g === 'number' && g >= 0)) {
      throw new ReplayError('REPLAY_BAD_LINE', `line ${i + 1}: "gaps" must hold one silence (ms) between each two recordings of "src"`);
    }
    const expectation = withExpected(e as unknown as Expectation, typeof x.expected === 'string' ? x.expected : undefined);
    out.push({ node: x.node, said: x.said, recognized: typeof x.recognized === 'string' ? x.recognized : null, retry: x.retry === true, typed: false, src: x.src.map(String), gaps: gaps as number[], picker: x.picker, expect: expectation, line: i + 1 });
  });
  return out;
}

/** The expectation the recogniser had: the device's copy with the right answer put back. */
function withExpected(e: Expectation, expected: string | undefined): Expectation {
  if (expected === undefined) return e;
  if (e.kind === 'digits') return { ...e, expected };
  if (e.kind === 'number' && /^\d+$/.test(expected)) return { ...e, expected: Number(expected) };
  return e;
}

/** As the bench compares answers: case and spacing ignored, digit strings without spaces. */
export function normAnswer(s: string): string {
  const t = s.trim().toLowerCase().replace(/\s+/g, ' ');
  return /^[\d ]+$/.test(t) ? t.replace(/ /g, '') : t;
}

/** The recordings, by `src`: `DIGIT_SPEAKER_TAKE` from the data folder, `tts:VOICE:word` from flite. */
class Clips {
  private readonly cache = new Map<string, Float32Array>();
  private readonly tmp = mkdtempSync(path.join(tmpdir(), 'vm-replay-'));
  constructor(private readonly dir: string) {}
  get(src: string): Float32Array {
    let a = this.cache.get(src);
    if (a) return a;
    const tts = /^tts:([a-z0-9_]+):(.+)$/.exec(src);
    if (tts) a = synth(tts[2]!, tts[1]!, this.tmp);
    else {
      const f = path.join(this.dir, `${src}.wav`);
      if (!existsSync(f)) throw new ReplayError('REPLAY_NO_RECORDING', `recording ${src} is not in ${this.dir} (--data: the folder the bench run said its answers from)`);
      const w = readWav(f);
      a = resample(w.samples, w.sampleRate);
    }
    this.cache.set(src, a);
    return a;
  }
}

interface Tally { n: number; live: number; offline: number; liveOnly: number; offlineOnly: number }
const tally = (): Tally => ({ n: 0, live: 0, offline: 0, liveOnly: 0, offlineOnly: 0 });
function add(t: Tally, live: boolean, offline: boolean): void {
  t.n++; if (live) t.live++; if (offline) t.offline++;
  if (live && !offline) t.liveOnly++; if (offline && !live) t.offlineOnly++;
}
const rate = (t: Tally, k: 'live' | 'offline'): number => (t.n ? t[k] / t.n : 0);

/** Whether the bench run beside turns.jsonl enrolled its pickers (`settings.enroll` of its result.json). */
function enrolledRun(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { settings?: { enroll?: boolean } }).settings?.enroll === true;
  } catch (err) {
    throw new ReplayError('REPLAY_BAD_RESULT', `${file}: not the bench's result.json (${(err as Error).message})`);
  }
}

export interface ReplayOptions extends Omit<EvalOptions, 'data'> { turnsFile: string; data: string; enroll?: boolean }

export async function replay(o: ReplayOptions): Promise<Record<string, unknown>> {
  const turns = readTurns(readFileSync(o.turnsFile, 'utf8'));
  if (turns.length === 0) throw new ReplayError('REPLAY_NO_TURNS', `${o.turnsFile}: no voice answers to replay`);
  const resultFile = path.join(path.dirname(o.turnsFile), 'result.json');
  const enroll = o.enroll ?? (existsSync(resultFile) && enrolledRun(resultFile));
  const clips = new Clips(o.data);
  const store = new MemoryTemplateStore();
  const engine = await AsrEngine.load(engineOptions(o, store));
  const speakerOf = (t: ReplayTurn): string | undefined => t.src.map((s) => /^\d_([A-Za-z0-9-]+)_\d+$/.exec(s)?.[1]).find(Boolean);
  const opIds = new Map<string, number>();
  if (enroll) {
    for (const spk of [...new Set(turns.map(speakerOf).filter((s): s is string => s !== undefined))].sort()) {
      const id = 1000 + opIds.size;
      opIds.set(spk, id);
      for (let d = 0; d < 10; d++) await engine.enroll(id, String(d), [0, 1, 2].map((k) => ({ pcm: clips.get(`${d}_${spk}_${k}`), sampleRate: 16000 })));
    }
  }
  const byPicker = new Map<number, ReplayTurn[]>();
  for (const t of turns) { let l = byPicker.get(t.picker); if (!l) byPicker.set(t.picker, (l = [])); l.push(t); }
  const offline = new Map<ReplayTurn, string | null>();
  await pool([...byPicker.entries()], 8, async ([picker, mine]) => {
    for (const t of mine) {
      const audio = join(t.src.map((s) => clips.get(s)), t.gaps);
      const spk = speakerOf(t);
      const r = await recognise(engine, audio, t.expect, spk === undefined ? undefined : opIds.get(spk), false, `replay-${picker}`);
      offline.set(t, r?.status === 'match' ? r.text : null);
    }
  });
  await engine.close();
  const first: Record<string, Tally> = {}, every: Record<string, Tally> = {};
  const allFirst = tally(), all = tally();
  const confusions: Record<string, number> = {};
  const disagreements: { line: number; node: string; said: string; live: string | null; offline: string | null; src: string[] }[] = [];
  for (const t of turns) {
    const off = offline.get(t) ?? null;
    const liveOk = t.recognized !== null && normAnswer(t.recognized) === normAnswer(t.said);
    const offOk = off !== null && normAnswer(off) === normAnswer(t.said);
    add((every[t.node] ??= tally()), liveOk, offOk); add(all, liveOk, offOk);
    if (t.retry) continue;
    add((first[t.node] ??= tally()), liveOk, offOk); add(allFirst, liveOk, offOk);
    if (!offOk) { const k = `${t.said}->${off ?? 'nomatch'}`; confusions[k] = (confusions[k] ?? 0) + 1; }
    if (liveOk !== offOk && disagreements.length < 500) disagreements.push({ line: t.line, node: t.node, said: t.said, live: t.recognized, offline: off, src: t.src });
  }
  const view = (t: Tally): Record<string, number> => ({ n: t.n, live: rate(t, 'live'), offline: rate(t, 'offline'), delta_points: 100 * (rate(t, 'live') - rate(t, 'offline')), live_only: t.liveOnly, offline_only: t.offlineOnly });
  return {
    turns_file: o.turnsFile, enrolled: enroll, pickers: byPicker.size,
    accuracy_first_live: rate(allFirst, 'live'), accuracy_first_offline: rate(allFirst, 'offline'),
    delta_points_first: 100 * (rate(allFirst, 'live') - rate(allFirst, 'offline')),
    first: { all: view(allFirst), ...Object.fromEntries(Object.entries(first).map(([k, v]) => [k, view(v)])) },
    every: { all: view(all), ...Object.fromEntries(Object.entries(every).map(([k, v]) => [k, view(v)])) },
    offline_errors_first: Object.fromEntries(Object.entries(confusions).sort((a, b) => b[1] - a[1])),
    /** First attempts one side got right and the other wrong (the first 500), with their turns.jsonl line. */
    disagreements,
  };
}
