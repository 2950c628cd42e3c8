/**
 * Dynamic time warping with a Sakoe-Chiba band (a fraction of the longer sequence), weighted
 * Euclidean frame distance (`frameDistance`), normalised by the sum of lengths. Returns Infinity
 * when the lengths are too different for the band to join the ends.
 *
 * Log energy (feature 0) is compared relative to each sequence's peak, so the same word said
 * louder or into a closer microphone matches its template; stored features stay absolute.
 * Measured on fsdd-dev (3 enrollment takes, 1,880 held-out takes, `.exp`-style sweep recorded in
 * docs/performance/asr.md): best take per token 0.971 → mean of the two best 0.980 → with
 * peak-relative energy 0.982.
 */
import { FEAT_DIM, type Features } from './features.ts';

let rowA = new Float64Array(0), rowB = new Float64Array(0);

/**
 * Weight of each feature in the frame distance: c1..c12 and their deltas through HTK's sinusoidal
 * cepstral lifter (L = 22, `1 + 11·sin(πk/22)`, squared since it scales a squared difference),
 * log energy and its delta 1. The lifter lifts the higher cepstra, which carry the vowel and
 * consonant detail, over c1–c3, which mostly follow the channel and the speaker's level. Measured
 * (docs/performance/asr.md round 12, 3 enrollment takes, 1,880 held-out fsdd-dev takes):
 * templates alone 0.982 → 0.989, and at the same 10 wrong answers kept, 0.949 → 0.980 of all
 * answers kept and right. The scale keeps a typical best distance where it was (median 4.6 per
 * frame), so absolute limits (`maxTemplateDistance`, `connectedMargin`) keep their meaning.
 */
export const FRAME_WEIGHTS: Float64Array = (() => {
  const w = new Float64Array(FEAT_DIM).fill(1);
  const half = FEAT_DIM / 2, L = 22, scale = 1 / (1 + L / 4) ** 2 / 1.32;
  for (let k = 1; k < half; k++) {
    const l = 1 + (L / 2) * Math.sin((Math.PI * k) / L);
    w[k] = w[k + half] = l * l * scale;
  }
  w[0] = w[half] = 1 / 1.32;
  return w;
})();

/**
 * Weighted Euclidean distance between frame `ao` of `a` and `bo` of `b`; `off` is subtracted from
 * a's log energy. Every DTW cell calls it: four partial sums instead of one chain of additions
 * halve its time (52 against 106 ns per call, the same sums to rounding; docs/performance/asr.md round 14).
 */
export function frameDistance(a: Float32Array, ao: number, b: Float32Array, bo: number, off: number): number {
  const W = FRAME_WEIGHTS;
  const e = a[ao]! - b[bo]! - off;
  let d0 = W[0]! * e * e, d1 = 0, d2 = 0, d3 = 0;
  let k = 1;
  for (; k + 3 < FEAT_DIM; k += 4) {
    const t0 = a[ao + k]! - b[bo + k]!, t1 = a[ao + k + 1]! - b[bo + k + 1]!;
    const t2 = a[ao + k + 2]! - b[bo + k + 2]!, t3 = a[ao + k + 3]! - b[bo + k + 3]!;
    d0 += W[k]! * t0 * t0; d1 += W[k + 1]! * t1 * t1; d2 += W[k + 2]! * t2 * t2; d3 += W[k + 3]! * t3 * t3;
  }
  for (; k < FEAT_DIM; k++) { const t = a[ao + k]! - b[bo + k]!; d0 += W[k]! * t * t; }
  return Math.sqrt(d0 + d1 + d2 + d3);
}

/** Highest log energy (feature 0) of a sequence. */
export function peakEnergy(f: Features): number {
  let mx = -Infinity;
  for (let i = 0; i < f.frames; i++) mx = Math.max(mx, f.data[i * FEAT_DIM]!);
  return mx;
}

/**
 * DTW distance of `a` and `b`. With a finite `cap` the search stops once every path is already
 * costlier than `cap` (each row's cheapest cell bounds the final cost from below: every path
 * crosses every row, and no cell costs less than nothing); it then returns that bound, a value
 * above `cap` and at most the true distance. Values at most `cap` are always exact.
 */
export function dtwDistance(a: Features, b: Features, band = 0.3, peakA = peakEnergy(a), peakB = peakEnergy(b), cap = Infinity): number {
  const off = peakA - peakB;
  const n = a.frames, m = b.frames;
  if (n === 0 || m === 0) return Infinity;
  const w = Math.max(Math.ceil(band * Math.max(n, m)), Math.abs(n - m) + 1);
  if (rowA.length < m + 1) { rowA = new Float64Array(m + 1); rowB = new Float64Array(m + 1); }
  let prev = rowA, cur = rowB;
  prev.fill(Infinity, 0, m + 1);
  prev[0] = 0;
  const A = a.data, B = b.data;
  const limit = cap * (n + m);
  for (let i = 1; i <= n; i++) {
    cur.fill(Infinity, 0, m + 1);
    const center = Math.round((i * m) / n);
    const lo = Math.max(1, center - w), hi = Math.min(m, center + w);
    const ao = (i - 1) * FEAT_DIM;
    let rowMin = Infinity;
    for (let j = lo; j <= hi; j++) {
      const d = frameDistance(A, ao, B, (j - 1) * FEAT_DIM, off);
      const best = Math.min(prev[j]! + d, cur[j - 1]! + d, prev[j - 1]! + 2 * d);
      cur[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > limit) return rowMin / (n + m);
    const t = prev; prev = cur; cur = t;
  }
  return prev[m]! / (n + m);
}

export interface TemplateSet { token: string; takes: Features[] }

export interface TemplateMatch {
  /** Best token, or null when nothing could be compared. */
  token: string | null;
  distance: number;
  /** Best distance of a different token. */
  second: number;
  /** best / second (lower = more certain); 1 when only one token. */
  ratio: number;
  /** Distance of every token compared. */
  distances: Record<string, number>;
}

/**
 * Matches a probe against templates of the allowed tokens. A token's distance is the mean of its
 * two closest takes (its only take when it has one): one lucky take no longer decides alone.
 */
export function matchTemplates(probe: Features, sets: TemplateSet[], band = 0.3): TemplateMatch {
  let best = Infinity, second = Infinity, token: string | null = null;
  const peak = peakEnergy(probe);
  const distances: Record<string, number> = {};
  for (const s of sets) {
    let d1 = Infinity, d2 = Infinity;
    for (const t of s.takes) {
      const x = dtwDistance(probe, t, band, peak);
      if (x < d1) { d2 = d1; d1 = x; } else if (x < d2) d2 = x;
    }
    const d = Number.isFinite(d2) ? (d1 + d2) / 2 : d1;
    distances[s.token] = d;
    if (d < best) { second = best; best = d; token = s.token; } else if (d < second) second = d;
  }
  const ratio = Number.isFinite(second) && second > 0 ? best / second : 1;
  return { token: Number.isFinite(best) ? token : null, distance: best, second, ratio, distances };
}

/**
 * An operator's own scale: over every take of a token with at least two takes, its mean distance
 * to the token's other takes; the median of those. How far the operator's own repetitions of a
 * word lie apart, so that a distance can be judged against this voice, microphone and floor rather
 * than a fixed number (a synthetic voice repeats itself at ~2, a real speaker at ~4–5: fsdd-dev).
 * NaN when no token has two takes. ~60 matches for ten tokens of three takes, 2–5 ms on fsdd-dev's
 * speakers: once per template set and recogniser thread (worker.ts caches it with the set).
 */
export function templateScale(sets: TemplateSet[], band = 0.3): number {
  const d: number[] = [];
  for (const s of sets) {
    if (s.takes.length < 2) continue;
    for (let i = 0; i < s.takes.length; i++) {
      let sum = 0;
      for (let j = 0; j < s.takes.length; j++) if (j !== i) sum += dtwDistance(s.takes[i]!, s.takes[j]!, band);
      d.push(sum / (s.takes.length - 1));
    }
  }
  if (!d.length) return NaN;
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)]!;
}
