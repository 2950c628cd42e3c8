/**
 * Streaming conversion of float samples at the capture rate (typically 48 kHz or 44.1 kHz, or
 * already 16 kHz) to 16 kHz PCM16 frames of 20 ms (320 samples). Down-sampling first low-passes
 * with a short windowed-sinc FIR (cut-off just under 8 kHz) so speech is not aliased, then
 * interpolates linearly at the fractional positions. Pure: runs in the AudioWorklet and in tests.
 */
export const OUT_RATE = 16000;
export const FRAME_SAMPLES = 320;

function lowPassTaps(inRate: number, taps: number): Float32Array {
  const cutoff = Math.min(0.45 * OUT_RATE, 0.45 * inRate) / inRate; // normalised to inRate
  const h = new Float32Array(taps);
  const mid = (taps - 1) / 2;
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const x = i - mid;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const w = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (taps - 1)); // Hamming
    h[i] = sinc * w;
    sum += h[i]!;
  }
  for (let i = 0; i < taps; i++) h[i]! /= sum;
  return h;
}

export class Resampler {
  private readonly step: number;
  private readonly taps: Float32Array | null;
  private ext: Float32Array;
  private out = new Float32Array(0);
  /** Position of the next output sample, in input samples, relative to the current block start. */
  private pos = 0;
  private prev = 0; // last filtered sample of the previous block (for interpolation across blocks)
  private readonly frame = new Int16Array(FRAME_SAMPLES);
  private frameFill = 0;

  constructor(readonly inRate: number, private readonly onFrame: (frame: Int16Array) => void) {
    if (!(inRate >= 8000 && inRate <= 192000)) throw new RangeError(`unsupported capture rate ${inRate}`);
    this.step = inRate / OUT_RATE;
    this.taps = inRate > OUT_RATE ? lowPassTaps(inRate, inRate >= 44100 ? 31 : 15) : null;
    this.ext = new Float32Array(this.taps ? this.taps.length - 1 + 128 : 0);
  }

  /** Feed one block of mono float samples in [-1, 1]. Emits every completed frame (the array is reused: copy it). */
  push(input: Float32Array): void {
    const f = this.taps ? this.filter(input) : input;
    const last = f.length - 1;
    // Output positions are in input samples from f[0]; position -1 is `prev` (end of the last block).
    while (this.pos <= last) {
      const i = Math.floor(this.pos);
      const frac = this.pos - i;
      const a = i < 0 ? this.prev : f[i]!;
      this.emit(frac === 0 ? a : a + (f[i + 1]! - a) * frac);
      this.pos += this.step;
    }
    if (f.length) this.prev = f[last]!;
    this.pos -= f.length;
  }

  /** FIR over [history, input]; keeps the last taps-1 inputs for the next block. */
  private filter(input: Float32Array): Float32Array {
    const taps = this.taps!;
    const n = taps.length;
    const need = n - 1 + input.length;
    if (this.ext.length < need) {
      const bigger = new Float32Array(need);
      bigger.set(this.ext.subarray(0, n - 1));
      this.ext = bigger;
    }
    const ext = this.ext;
    ext.set(input, n - 1);
    if (this.out.length < input.length) this.out = new Float32Array(input.length);
    const out = this.out.subarray(0, input.length);
    for (let j = 0; j < input.length; j++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += ext[j + k]! * taps[k]!; // symmetric taps: no reversal needed
      out[j] = acc;
    }
    ext.copyWithin(0, input.length, input.length + n - 1);
    return out;
  }

  private emit(v: number): void {
    const s = v >= 1 ? 32767 : v <= -1 ? -32768 : Math.round(v * 32767);
    this.frame[this.frameFill++] = s;
    if (this.frameFill === FRAME_SAMPLES) {
      this.onFrame(this.frame);
      this.frameFill = 0;
    }
  }
}
