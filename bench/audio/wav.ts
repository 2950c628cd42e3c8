/**
 * WAV reading and the one resampling step the bench needs: the 8 kHz FSDD recordings delivered at
 * the 16 kHz a device sends (windowed-sinc, Blackman window, cut-off just under the 4 kHz Nyquist
 * of the source — the same kind of filter the recogniser's own bench uses). Runs once at start.
 */

export class WavError extends Error {
  constructor(readonly code: 'WAV_NOT_RIFF' | 'WAV_UNSUPPORTED' | 'WAV_TRUNCATED', message: string) {
    super(message);
    this.name = 'WavError';
  }
}

export interface Pcm { sampleRate: number; samples: Int16Array }

/** Parses a RIFF/WAVE file holding 16-bit PCM, mono or stereo (stereo is mixed down). */
export function parseWav(buf: Buffer): Pcm {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavError('WAV_NOT_RIFF', 'not a RIFF/WAVE file');
  }
  let off = 12;
  let channels = 0;
  let rate = 0;
  let bits = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (body + 16 > buf.length) throw new WavError('WAV_TRUNCATED', 'fmt chunk truncated');
      const format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
      if ((format !== 1 && format !== 0xfffe) || bits !== 16 || channels < 1 || channels > 2) {
        throw new WavError('WAV_UNSUPPORTED', `only 16-bit PCM mono/stereo is supported (format ${format}, ${bits} bits, ${channels} channels)`);
      }
    } else if (id === 'data') {
      if (!rate) throw new WavError('WAV_UNSUPPORTED', 'data chunk before fmt chunk');
      const end = Math.min(buf.length, body + size);
      const frames = Math.floor((end - body) / (2 * channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        if (channels === 1) samples[i] = buf.readInt16LE(body + i * 2);
        else samples[i] = (buf.readInt16LE(body + i * 4) + buf.readInt16LE(body + i * 4 + 2)) >> 1;
      }
      return { sampleRate: rate, samples };
    }
    off = body + size + (size & 1);
  }
  throw new WavError('WAV_TRUNCATED', 'no data chunk');
}

/** Resamples a whole clip (not streaming) with a windowed-sinc interpolator. */
export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return input.slice();
  const step = fromRate / toRate;
  const half = 16;
  const taps = 2 * half;
  const cutoff = Math.min(1, toRate / fromRate) * 0.95;
  // polyphase: the fractional positions repeat every toRate/gcd outputs; one kernel per phase
  const g = gcd(fromRate, toRate);
  const phases = toRate / g;
  const kernels = phases <= 4096 ? new Float64Array(phases * taps) : null;
  const kernel = (frac: number, out: Float64Array, at: number): void => {
    for (let j = 0; j < taps; j++) {
      const x = j - half + 1 - frac;
      const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / half) + 0.08 * Math.cos((2 * Math.PI * x) / half);
      out[at + j] = (x === 0 ? cutoff : Math.sin(Math.PI * cutoff * x) / (Math.PI * x)) * w;
    }
  };
  if (kernels) for (let ph = 0; ph < phases; ph++) kernel((ph * fromRate / toRate) % 1, kernels, ph * taps);
  const scratch = new Float64Array(taps);
  const outLen = Math.floor(input.length / step);
  const out = new Int16Array(outLen);
  for (let n = 0; n < outLen; n++) {
    const c = Math.floor((n * fromRate) / toRate);
    let k: Float64Array;
    let base = 0;
    if (kernels) { k = kernels; base = (n % phases) * taps; } else { kernel(n * step - c, scratch, 0); k = scratch; }
    let acc = 0;
    const i0 = c - half + 1;
    if (i0 >= 0 && i0 + taps <= input.length) {
      for (let j = 0; j < taps; j++) acc += input[i0 + j]! * k[base + j]!;
    } else {
      for (let j = 0; j < taps; j++) {
        const i = i0 + j;
        if (i >= 0 && i < input.length) acc += input[i]! * k[base + j]!;
      }
    }
    out[n] = Math.max(-32768, Math.min(32767, Math.round(acc)));
  }
  return out;
}

function gcd(a: number, b: number): number { return b === 0 ? a : gcd(b, a % b); }

/**
 * Index just past the last sample of speech: the end of the last 10 ms window whose RMS is within
 * `belowPeakDb` of the loudest window. Recordings are trimmed close to the speech, but not exactly.
 */
export function speechEnd(samples: Int16Array, sampleRate: number, belowPeakDb = 35): number {
  const win = Math.max(1, Math.round(sampleRate / 100));
  const n = Math.floor(samples.length / win);
  if (n === 0) return samples.length;
  const rms = new Float64Array(n);
  let peak = 0;
  for (let w = 0; w < n; w++) {
    let acc = 0;
    for (let i = w * win; i < (w + 1) * win; i++) acc += samples[i]! * samples[i]!;
    rms[w] = Math.sqrt(acc / win);
    if (rms[w]! > peak) peak = rms[w]!;
  }
  const floor = peak * 10 ** (-belowPeakDb / 20);
  for (let w = n - 1; w >= 0; w--) if (rms[w]! >= floor && rms[w]! > 0) return Math.min(samples.length, (w + 1) * win);
  return samples.length;
}
