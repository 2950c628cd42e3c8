/**
 * Connected-word template matching (one-pass DTW over levels, after Ney 1984): the best sequence
 * of exactly `length` enrolled words that covers the whole utterance, with optional pauses
 * between them. It finds the word boundaries from the operator's own templates, so a digit
 * string can be read per word even when the speaker-independent decoder's segmentation is wrong
 * (measured: docs/performance/asr.md, round 5).
 *
 * Every probe frame is used exactly once (template frames may repeat or be skipped one at a time),
 * so path costs of different word sequences are comparable. A word must last 0.5–2× its take
 * (0.7–1.5 measured no better). Pauses — before, between and after the words — cost the distance
 * to the utterance's own quiet frames (none quiet: no pauses). The leading and trailing pauses
 * matter for quiet speakers, whose noise floor survives the 35 dB silence trim (fsdd-dev yweweler:
 * 9 → 30 of 40 PINs). Cost: ~25–40 ms for a 4-digit PIN against 30 takes (worker thread).
 */
import { FEAT_DIM, type Features } from './features.ts';
import { frameDistance, peakEnergy, type TemplateSet } from './dtw.ts';
import { digitOf } from './grammar.ts';

export interface ConnectedMatch {
  tokens: string[];
  /** First and last probe frame of each word. */
  segments: [number, number][];
  /** Path cost per probe frame. */
  score: number;
}

/**
 * Quiet frames (natural-log energy): at least QUIET_BELOW_PEAK (≈ 17 dB) below the peak and at
 * most QUIET_ABOVE_FLOOR (≈ 10 dB) above the utterance's floor (its 10th-percentile frame).
 */
const QUIET_BELOW_PEAK = 4;
const QUIET_ABOVE_FLOOR = 2.3;

/** The pause cost of every probe frame, or null when the utterance has no quiet frames. */
function pauseCosts(p: Features, peak: number): Float64Array | null {
  const energies = Array.from({ length: p.frames }, (_, t) => p.data[t * FEAT_DIM]!).sort((a, b) => a - b);
  const floor = energies[Math.floor(energies.length * 0.1)]!;
  const quiet = Math.min(peak - QUIET_BELOW_PEAK, floor + QUIET_ABOVE_FLOOR);
  const mean = new Float32Array(FEAT_DIM);
  let n = 0;
  for (let t = 0; t < p.frames; t++) {
    if (p.data[t * FEAT_DIM]! > quiet) continue;
    for (let k = 0; k < FEAT_DIM; k++) mean[k]! += p.data[t * FEAT_DIM + k]!;
    n++;
  }
  if (n < 3) return null;
  for (let k = 0; k < FEAT_DIM; k++) mean[k]! /= n;
  const out = new Float64Array(p.frames);
  for (let t = 0; t < p.frames; t++) out[t] = frameDistance(p.data, t * FEAT_DIM, mean, 0, 0);
  return out;
}

/** A word lasts DUR_MIN–DUR_MAX times the take it is matched with. */
const DUR_MIN = 0.5;
const DUR_MAX = 2;

interface Take { token: string; f: Features; off: number }

interface Prepared { T: number; takes: Take[]; local: Float64Array[]; pause: Float64Array | null }

/** Best sequence of exactly `length` words of `sets` over `probe`; null when none fits. */
export function matchConnected(probe: Features, sets: TemplateSet[], length: number): ConnectedMatch | null {
  const p = prepare(probe, sets, length);
  return p && search(p, length, null);
}

/**
 * The best reading, and the path cost per frame of each of `sequences` forced onto the same
 * probe (null where it cannot be aligned): how much worse another engine's string fits the
 * operator's templates than their own best reading.
 */
export function readConnected(probe: Features, sets: TemplateSet[], length: number, sequences: string[][]): { best: ConnectedMatch | null; scores: (number | null)[] } {
  const p = prepare(probe, sets, length);
  if (!p) return { best: null, scores: sequences.map(() => null) };
  return { best: search(p, length, null), scores: sequences.map((q) => (q.length === length ? search(p, length, q)?.score ?? null : null)) };
}

/**
 * `tokens` forced onto the probe as connected words (only their takes compared: a few ms): where
 * each word lies, or null when the sequence cannot be aligned. Templates-first (verify.ts) then
 * reads each word on its own against every digit.
 */
export function alignConnected(probe: Features, sets: TemplateSet[], tokens: string[]): ConnectedMatch | null {
  const want = new Set(tokens);
  const p = prepare(probe, sets.filter((s) => want.has(s.token)), tokens.length);
  return p && search(p, tokens.length, tokens);
}

function prepare(probe: Features, sets: TemplateSet[], length: number): Prepared | null {
  const T = probe.frames;
  if (length < 1 || T < length * 5) return null;
  const peak = peakEnergy(probe);
  const takes: Take[] = sets.flatMap((s) => s.takes.filter((f) => f.frames > 1).map((f) => ({ token: s.token, f, off: peak - peakEnergy(f) })));
  if (!takes.length) return null;
  // Local distances, probe frame × take frame, computed once for all levels and sequences.
  const local = takes.map((k) => {
    const m = k.f.frames, out = new Float64Array(T * m);
    for (let t = 0; t < T; t++) for (let j = 0; j < m; j++) out[t * m + j] = frameDistance(probe.data, t * FEAT_DIM, k.f.data, j * FEAT_DIM, k.off);
    return out;
  });
  return { T, takes, local, pause: pauseCosts(probe, peak) };
}

/** One-pass DP over `length` levels; `only[level]` limits a level to one token. */
function search(p: Prepared, length: number, only: string[] | null): ConnectedMatch | null {
  const { T, takes, local, pause } = p;
  // Per level: best cost of a path whose last word ends at t, its take and where that word began.
  const endCost: Float64Array[] = [], endTake: Int32Array[] = [], endStart: Int32Array[] = [];
  // Where the words before a level's entry at t ended (through a pause or directly).
  const entryFrom: Int32Array[] = [];
  let prevEnd: Float64Array | null = null;
  for (let level = 0; level < length; level++) {
    // entry[t]: best cost of having finished the previous words before frame t (frame t starts this word).
    const entry = new Float64Array(T).fill(Infinity), from = new Int32Array(T).fill(-1);
    if (level === 0) {
      // A pause may lead the first word (what the silence trim kept of a noisy floor).
      entry[0] = 0;
      let lead = 0;
      for (let t = 1; t < T && pause; t++) { lead += pause[t - 1]!; entry[t] = lead; }
    } else {
      let pc = Infinity, pFrom = -1; // best cost of being in a pause up to frame t - 1
      for (let t = 1; t < T; t++) {
        const direct = prevEnd![t - 1]!;
        if (direct <= pc) { entry[t] = direct; from[t] = t - 1; } else { entry[t] = pc; from[t] = pFrom; }
        if (pause) {
          const stay = pc + pause[t]!, enter = direct + pause[t]!;
          if (enter <= stay) { pc = enter; pFrom = t - 1; } else pc = stay;
        }
      }
    }
    const cost = new Float64Array(T).fill(Infinity), take = new Int32Array(T).fill(-1), start = new Int32Array(T).fill(-1);
    for (let ki = 0; ki < takes.length; ki++) {
      if (only && takes[ki]!.token !== only[level]) continue;
      const m = takes[ki]!.f.frames, L = local[ki]!;
      let prevD = new Float64Array(m).fill(Infinity), curD = new Float64Array(m);
      let prevS = new Int32Array(m).fill(-1), curS = new Int32Array(m);
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < m; j++) {
          let best = prevD[j]!, s = prevS[j]!;
          if (j >= 1 && prevD[j - 1]! < best) { best = prevD[j - 1]!; s = prevS[j - 1]!; }
          if (j >= 2 && prevD[j - 2]! < best) { best = prevD[j - 2]!; s = prevS[j - 2]!; }
          if (j === 0 && entry[t]! < best) { best = entry[t]!; s = t; }
          curD[j] = best + L[t * m + j]!; curS[j] = s;
        }
        const dur = t - curS[m - 1]! + 1;
        if (curS[m - 1]! >= 0 && curD[m - 1]! < cost[t]! && dur >= m * DUR_MIN && dur <= m * DUR_MAX) {
          cost[t] = curD[m - 1]!; take[t] = ki; start[t] = curS[m - 1]!;
        }
        const d = prevD; prevD = curD; curD = d;
        const s = prevS; prevS = curS; curS = s;
      }
    }
    endCost.push(cost); endTake.push(take); endStart.push(start); entryFrom.push(from);
    prevEnd = cost;
  }
  // A pause may follow the last word: the best end over every frame plus the pause after it.
  const last = length - 1;
  let t = T - 1, total = endCost[last]![T - 1]!, tail = 0;
  for (let e = T - 2; e >= 0 && pause; e--) {
    tail += pause[e + 1]!;
    if (endCost[last]![e]! + tail < total) { total = endCost[last]![e]! + tail; t = e; }
  }
  if (!Number.isFinite(total)) return null;
  const tokens: string[] = [], segments: [number, number][] = [];
  for (let level = last; level >= 0; level--) {
    const ki = endTake[level]![t]!, s = endStart[level]![t]!;
    if (ki < 0 || s < 0) return null;
    tokens.unshift(takes[ki]!.token);
    segments.unshift([s, t]);
    t = entryFrom[level]![s]!;
    if (level > 0 && t < 0) return null;
  }
  return { tokens, segments, score: total / T };
}

/**
 * The templates' reading of a `count`-digit string (all ten digits enrolled), with the cost of
 * the decoder's string (`siWords`) forced onto the same templates; null without a reading.
 */
export function connectedReading(probe: Features, sets: TemplateSet[], count: number, siWords: string[]): { tokens: string[]; score: number; siScore: number | null } | null {
  const digits = sets.filter((x) => /^[0-9]$/.test(x.token));
  if (digits.length !== 10) return null;
  const siTokens = siWords.map(digitOf);
  const forced = siTokens.length === count && siTokens.every((d) => /^[0-9]$/.test(d)) ? [siTokens] : [];
  const r = readConnected(probe, digits, count, forced);
  return r.best ? { tokens: r.best.tokens, score: r.best.score, siScore: r.scores[0] ?? null } : null;
}
