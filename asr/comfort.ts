/**
 * Comfort noise: decoders measured better when the silence around speech carries the speaker's
 * own noise floor instead of digital zeros (a gated device sends none; files are trimmed).
 * The floor is the 10th percentile RMS of the 10 ms blocks that are not digital silence.
 */
const BLOCK = 160;
const ZERO = 3 / 32768;

export function comfortLevel(x: Float32Array): number {
  const rms: number[] = [];
  for (let i = 0; i + BLOCK <= x.length; i += BLOCK) {
    let e = 0;
    for (let j = 0; j < BLOCK; j++) e += x[i + j]! * x[i + j]!;
    const r = Math.sqrt(e / BLOCK);
    if (r > ZERO) rms.push(r);
  }
  if (rms.length === 0) return 2 / 32768;
  rms.sort((a, b) => a - b);
  // never louder than 26 dB under the median block: with little real silence the 10th
  // percentile is speech, and noise at that level would drown the weaker phones
  const cap = rms[Math.floor(rms.length * 0.5)]! * 0.05;
  return Math.max(2 / 32768, Math.min(cap, rms[Math.floor(rms.length * 0.1)]! * 1.7));
}

/** Samples of `x` in 10 ms blocks that are not digital silence (what `comfortLevel` measures). */
export function audibleSamples(x: Float32Array): number {
  let n = 0;
  for (let i = 0; i + BLOCK <= x.length; i += BLOCK) {
    let e = 0;
    for (let j = 0; j < BLOCK; j++) e += x[i + j]! * x[i + j]!;
    if (Math.sqrt(e / BLOCK) > ZERO) n += BLOCK;
  }
  return n;
}

/** A noise generator's state: start each utterance from `newNoise()` so that equal audio gets equal noise. */
export interface NoiseState { s: number }
export const newNoise = (): NoiseState => ({ s: 2654435761 });

/**
 * Fills 10 ms blocks quieter than `level` with noise of that level. The noise continues from
 * `noise` (updated), so an utterance fed in chunks gets the same noise however it is chunked.
 */
export function fillSilence(x: Float32Array, level: number, noise: NoiseState): void {
  let s = noise.s;
  const amp = level * Math.sqrt(3);
  for (let i = 0; i < x.length; i += BLOCK) {
    const end = Math.min(x.length, i + BLOCK);
    let e = 0;
    for (let j = i; j < end; j++) e += x[j]! * x[j]!;
    const quiet = Math.sqrt(e / (end - i)) < level * 0.5;
    for (let j = i; j < end; j++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      const n = ((s / 4294967296) - 0.5) * 2 * (quiet ? amp : 2 / 32768);
      x[j] = x[j]! + n;
    }
  }
  noise.s = s;
}
