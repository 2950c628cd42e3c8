/**
 * Dynamic time warping with a Sakoe-Chiba band (a fraction of the longer sequence), Euclidean
 * frame distance, normalised by the sum of lengths. Returns Infinity when the lengths are too
 * different for the band to join the ends.
 */
import { FEAT_DIM, type Features } from './features.ts';

let rowA = new Float64Array(0), rowB = new Float64Array(0);

export function dtwDistance(a: Features, b: Features, band = 0.3): number {
  const n = a.frames, m = b.frames;
  if (n === 0 || m === 0) return Infinity;
  const w = Math.max(Math.ceil(band * Math.max(n, m)), Math.abs(n - m) + 1);
  if (rowA.length < m + 1) { rowA = new Float64Array(m + 1); rowB = new Float64Array(m + 1); }
  let prev = rowA, cur = rowB;
  prev.fill(Infinity, 0, m + 1);
  prev[0] = 0;
  const A = a.data, B = b.data;
  for (let i = 1; i <= n; i++) {
    cur.fill(Infinity, 0, m + 1);
    const center = Math.round((i * m) / n);
    const lo = Math.max(1, center - w), hi = Math.min(m, center + w);
    const ao = (i - 1) * FEAT_DIM;
    for (let j = lo; j <= hi; j++) {
      const bo = (j - 1) * FEAT_DIM;
      let d = 0;
      for (let k = 0; k < FEAT_DIM; k++) { const t = A[ao + k]! - B[bo + k]!; d += t * t; }
      d = Math.sqrt(d);
      const best = Math.min(prev[j]! + d, cur[j - 1]! + d, prev[j - 1]! + 2 * d);
      cur[j] = best;
    }
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
}

/** Matches a probe against templates of the allowed tokens (best take per token). */
export function matchTemplates(probe: Features, sets: TemplateSet[], band = 0.3): TemplateMatch {
  let best = Infinity, second = Infinity, token: string | null = null;
  for (const s of sets) {
    let d = Infinity;
    for (const t of s.takes) d = Math.min(d, dtwDistance(probe, t, band));
    if (d < best) { second = best; best = d; token = s.token; } else if (d < second) second = d;
  }
  const ratio = Number.isFinite(second) && second > 0 ? best / second : 1;
  return { token: Number.isFinite(best) ? token : null, distance: best, second, ratio };
}
