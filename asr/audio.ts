/**
 * Audio helpers: PCM16 conversion, windowed-sinc resampling to the 16 kHz the recognisers use,
 * WAV reading (for the bench and tests), padding with silence and dither.
 */
import { readFileSync } from 'node:fs';

export const ASR_RATE = 16000;

/** Int16 PCM → float in [-1, 1). */
export function pcmToFloat(pcm: Int16Array, out = new Float32Array(pcm.length)): Float32Array {
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i]! / 32768;
  return out;
}

/** Copies a Buffer/Int16Array of PCM16LE into a fresh Int16Array (never aliases the caller's memory). */
export function copyPcm(pcm: Int16Array | Buffer): Int16Array {
  if (pcm instanceof Int16Array) return pcm.slice();
  if (pcm.byteLength % 2 !== 0) throw new RangeError('PCM16 buffer must have an even number of bytes');
  const out = new Int16Array(pcm.byteLength / 2);
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2);
  return out;
}

const PHASES = 64;
const tables = new Map<string, Float32Array>();
/** Blackman-windowed sinc taps for PHASES fractional positions (shared by all streams). */
function kernelTable(cutoff: number, half: number): Float32Array {
  const key = `${cutoff}:${half}`;
  const hit = tables.get(key);
  if (hit) return hit;
  const t = new Float32Array(PHASES * 2 * half);
  for (let p = 0; p < PHASES; p++) {
    const frac = p / PHASES;
    for (let i = 0; i < 2 * half; i++) {
      const x = i - half + 1 - frac;
      const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / half) + 0.08 * Math.cos((2 * Math.PI * x) / half);
      t[p * 2 * half + i] = (x === 0 ? cutoff : Math.sin(Math.PI * cutoff * x) / (Math.PI * x)) * w;
    }
  }
  tables.set(key, t);
  return t;
}

/**
 * Streaming windowed-sinc resampler (Blackman window, cut-off at the lower Nyquist). Holds its
 * own history so that consecutive frames join without clicks. One per stream.
 */
export class Resampler {
  private readonly step: number;
  private readonly half = 16;
  private readonly cutoff: number;
  private hist: Float32Array;
  private histLen = 0;
  /** Position of the next output sample, in input samples relative to hist[0]. */
  private pos: number;

  private readonly table: Float32Array;

  constructor(readonly fromRate: number, readonly toRate: number) {
    if (!(fromRate > 0 && toRate > 0)) throw new RangeError('sample rates must be positive');
    this.step = fromRate / toRate;
    this.cutoff = Math.min(1, toRate / fromRate) * 0.95;
    this.table = kernelTable(this.cutoff, this.half);
    this.hist = new Float32Array(4096);
    this.pos = 0;
    // Start with `half` samples of silence so the first outputs have left context.
    this.histLen = this.half;
    this.pos = this.half;
  }

  get identity(): boolean { return this.fromRate === this.toRate; }

  /** Resamples one chunk of float samples; returns the output produced so far (may lag by `half` input samples). */
  process(input: Float32Array): Float32Array {
    if (this.identity) return input.slice();
    const need = this.histLen + input.length;
    if (need > this.hist.length) {
      const h = new Float32Array(Math.max(need, this.hist.length * 2));
      h.set(this.hist.subarray(0, this.histLen));
      this.hist = h;
    }
    this.hist.set(input, this.histLen);
    this.histLen = need;
    const out: number[] = [];
    const { half, hist } = this;
    const table = this.table;
    while (this.pos + half < this.histLen) {
      const c = Math.floor(this.pos);
      const ph = Math.min(PHASES - 1, Math.round((this.pos - c) * PHASES));
      const to = ph * 2 * half;
      let acc = 0;
      const base = c - half + 1;
      for (let k = 0; k < 2 * half; k++) acc += hist[base + k]! * table[to + k]!;
      out.push(acc);
      this.pos += this.step;
    }
    // drop consumed history, keep `half` samples of left context
    const drop = Math.max(0, Math.floor(this.pos) - half);
    if (drop > 0) {
      hist.copyWithin(0, drop, this.histLen);
      this.histLen -= drop;
      this.pos -= drop;
    }
    return Float32Array.from(out);
  }

  /** Flushes the tail (pads with silence). */
  flush(): Float32Array {
    return this.identity ? new Float32Array(0) : this.process(new Float32Array(this.half * 2));
  }
}

/** Whole-buffer resampling (bench, tests, enrollment takes). */
export function resample(input: Float32Array, fromRate: number, toRate = ASR_RATE): Float32Array {
  if (fromRate === toRate) return input.slice();
  const r = new Resampler(fromRate, toRate);
  const a = r.process(input);
  const b = r.flush();
  const want = Math.round((input.length * toRate) / fromRate);
  const out = new Float32Array(want);
  out.set(a.subarray(0, want));
  if (a.length < want) out.set(b.subarray(0, want - a.length), a.length);
  return out;
}

export interface Wav { sampleRate: number; samples: Float32Array }

/** Reads a mono or stereo PCM16 WAV (first channel). Throws a clear error on anything else. */
export function readWav(file: string): Wav {
  const buf = readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file}: not a RIFF/WAVE file`);
  }
  let off = 12;
  let rate = 0, channels = 0, bits = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      const fmt = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
      if ((fmt !== 1 && fmt !== 0xfffe) || bits !== 16) throw new Error(`${file}: only PCM16 WAV is supported`);
    } else if (id === 'data') {
      if (!rate) throw new Error(`${file}: data chunk before fmt chunk`);
      const end = Math.min(buf.length, body + size);
      const n = Math.floor((end - body) / (2 * channels));
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(body + i * 2 * channels) / 32768;
      return { sampleRate: rate, samples };
    }
    off = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

/** Float → PCM16 with clipping. */
export function floatToPcm(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(x[i]! * 32768)));
  return out;
}

/** Deterministic low-level dither (xorshift), so decoders never see digital zeros. */
export function addDither(x: Float32Array, amplitude = 2 / 32768, seed = 0x9e3779b9): Float32Array {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < x.length; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    x[i] = x[i]! + ((s / 4294967296) - 0.5) * 2 * amplitude;
  }
  return x;
}

/** Surrounds speech with `padMs` of silence on both sides. */
export function padSilence(x: Float32Array, padMs: number, rate = ASR_RATE): Float32Array {
  const p = Math.round((padMs * rate) / 1000);
  const out = new Float32Array(x.length + 2 * p);
  out.set(x, p);
  return out;
}
