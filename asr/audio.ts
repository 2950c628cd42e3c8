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

export class WavError extends Error {
  constructor(readonly code: 'WAV_NOT_RIFF' | 'WAV_UNSUPPORTED', message: string) { super(message); this.name = 'WavError'; }
}

/** A parsed PCM16 WAV: the first channel's samples, and how many channels the file had. */
export interface Pcm16Wav { sampleRate: number; channels: number; samples: Int16Array }

/**
 * Parses a PCM16 RIFF/WAVE file (plain or WAVE_FORMAT_EXTENSIBLE; any channel count, the first
 * kept; a data size of 0 or 0xFFFFFFFF, as streaming writers leave it, runs to the end).
 * Anything else is a WavError: WAV_NOT_RIFF (not RIFF/WAVE, truncated, chunks missing) or
 * WAV_UNSUPPORTED (another sample format).
 */
export function parseWav(buf: Buffer): Pcm16Wav {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavError('WAV_NOT_RIFF', 'not a RIFF/WAVE file');
  }
  let rate = 0, channels = 0;
  for (let off = 12; off + 8 <= buf.length;) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new WavError('WAV_NOT_RIFF', 'fmt chunk truncated');
      let format = buf.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID
      if (format === 0xfffe && size >= 40 && body + 26 <= buf.length) format = buf.readUInt16LE(body + 24);
      channels = buf.readUInt16LE(body + 2);
      const bits = buf.readUInt16LE(body + 14);
      if (format !== 1 || bits !== 16 || channels < 1) {
        throw new WavError('WAV_UNSUPPORTED', `only 16-bit PCM is supported (format ${format}, ${bits} bits, ${channels} channels)`);
      }
      rate = buf.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (!rate) throw new WavError('WAV_NOT_RIFF', 'data chunk before the fmt chunk');
      const end = size === 0 || size === 0xffffffff ? buf.length : Math.min(buf.length, body + size);
      const n = Math.max(0, Math.floor((end - body) / (2 * channels)));
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(body + i * 2 * channels);
      return { sampleRate: rate, channels, samples };
    }
    off = body + size + (size & 1);
  }
  throw new WavError('WAV_NOT_RIFF', rate ? 'no data chunk' : 'no fmt chunk');
}

/** Reads a PCM16 WAV file (its first channel) as float. Throws a WavError naming the file on anything else. */
export function readWav(file: string): Wav {
  try {
    const w = parseWav(readFileSync(file));
    return { sampleRate: w.sampleRate, samples: pcmToFloat(w.samples) };
  } catch (err) {
    if (err instanceof WavError) throw new WavError(err.code, `${file}: ${err.message}`);
    throw err;
  }
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

/** The parts joined into one array of `n` samples (their total length). */
export function concat(parts: Float32Array[], n: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
