/**
 * Features for the speaker-dependent template matcher: MFCC13 with c0 replaced by the frame's
 * log energy, plus deltas (26 values per 10 ms frame), no mean normalisation (measured best).
 * 16 kHz input, 25 ms Hamming window, 24 mel filters over 100–4000 Hz (the band any device
 * delivers, including 8 kHz sources), pre-emphasis 0.97.
 */
export const FEAT_DIM = 26;
const RATE = 16000, WIN = 400, HOP = 160, NFFT = 512, NMEL = 24, NCEP = 13;
const LO = 100, HI = 4000;

const hamming = Float64Array.from({ length: WIN }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (WIN - 1)));
const mel = (f: number): number => 2595 * Math.log10(1 + f / 700);
const imel = (m: number): number => 700 * (10 ** (m / 2595) - 1);

/** Triangular filters as [startBin, weights[]]. */
const filters: { start: number; w: Float64Array }[] = (() => {
  const pts = Array.from({ length: NMEL + 2 }, (_, i) => imel(mel(LO) + ((mel(HI) - mel(LO)) * i) / (NMEL + 1)));
  const bin = pts.map((f) => (f * NFFT) / RATE);
  const out: { start: number; w: Float64Array }[] = [];
  for (let m = 1; m <= NMEL; m++) {
    const a = bin[m - 1]!, b = bin[m]!, c = bin[m + 1]!;
    const start = Math.floor(a), end = Math.ceil(c);
    const w = new Float64Array(end - start + 1);
    for (let k = start; k <= end; k++) {
      w[k - start] = k < a || k > c ? 0 : k <= b ? (k - a) / (b - a) : (c - k) / (c - b);
    }
    out.push({ start, w });
  }
  return out;
})();

const dct = Float64Array.from({ length: NCEP * NMEL }, (_, i) => {
  const k = Math.floor(i / NMEL), n = i % NMEL;
  return Math.cos((Math.PI * k * (n + 0.5)) / NMEL) * Math.sqrt(2 / NMEL);
});

// radix-2 FFT tables
const LOG2 = Math.log2(NFFT);
const rev = Uint16Array.from({ length: NFFT }, (_, i) => {
  let r = 0; for (let b = 0; b < LOG2; b++) r |= ((i >> b) & 1) << (LOG2 - 1 - b); return r;
});
const cosT = Float64Array.from({ length: NFFT / 2 }, (_, i) => Math.cos((-2 * Math.PI * i) / NFFT));
const sinT = Float64Array.from({ length: NFFT / 2 }, (_, i) => Math.sin((-2 * Math.PI * i) / NFFT));

/** In-place radix-2 FFT of the complex signal (re, im). */
function fft(re: Float64Array, im: Float64Array): void {
  for (let i = 0; i < NFFT; i++) {
    const j = rev[i]!;
    if (j > i) { let t = re[i]!; re[i] = re[j]!; re[j] = t; t = im[i]!; im[i] = im[j]!; im[j] = t; }
  }
  for (let size = 2; size <= NFFT; size <<= 1) {
    const half = size >> 1, step = NFFT / size;
    for (let s = 0; s < NFFT; s += size) {
      for (let k = 0; k < half; k++) {
        const c = cosT[k * step]!, sn = sinT[k * step]!;
        const a = s + k, b = a + half;
        const tr = re[b]! * c - im[b]! * sn, ti = re[b]! * sn + im[b]! * c;
        re[b] = re[a]! - tr; im[b] = im[a]! - ti; re[a] = re[a]! + tr; im[a] = im[a]! + ti;
      }
    }
  }
}

export interface Features { frames: number; data: Float32Array }

/** How many feature frames `samples` of 16 kHz audio give. */
export function featureFrames(samples: number): number {
  return samples < WIN ? 0 : 1 + Math.floor((samples - WIN) / HOP);
}

/**
 * The static coefficients of frames already computed for a growing signal: templates first checks
 * the utterance so far at every pause, and a frame's coefficients depend only on its own samples.
 * Valid only for one signal whose later versions extend the earlier ones.
 */
export interface FeatureCache { frames: number; base: Float32Array }

export function newFeatureCache(): FeatureCache { return { frames: 0, base: new Float32Array(0) }; }

/** Pre-emphasised, Hamming-windowed frame `f` of `x` into `out`; returns its energy. */
function windowFrame(x: Float32Array, f: number, out: Float64Array): number {
  const o = f * HOP;
  let energy = 0;
  let prev = o > 0 ? x[o - 1]! : 0;
  for (let i = 0; i < WIN; i++) {
    const s = x[o + i]!;
    energy += s * s;
    out[i] = (s - 0.97 * prev) * hamming[i]!;
    prev = s;
  }
  out.fill(0, WIN);
  return energy;
}

/** Log mel energies → cepstra c1..c12 of frame `f` (c0 is the log energy). */
function cepstra(pw: Float64Array, energy: number, base: Float32Array, f: number, lm: Float64Array): void {
  for (let m = 0; m < NMEL; m++) {
    const { start, w } = filters[m]!;
    let acc = 0;
    for (let k = 0; k < w.length; k++) acc += w[k]! * pw[start + k]!;
    lm[m] = Math.log(acc + 1e-8);
  }
  for (let k = 1; k < NCEP; k++) {
    let acc = 0;
    for (let m = 0; m < NMEL; m++) acc += dct[k * NMEL + m]! * lm[m]!;
    base[f * NCEP + k] = acc;
  }
  base[f * NCEP] = Math.log(energy + 1e-8);
}

/**
 * Static coefficients of frames [from, to) of `x` into `base`. Two real frames share one complex
 * FFT (the first as the real part, the second as the imaginary part, separated by symmetry):
 * half the FFTs, the same spectra to rounding.
 */
function staticFrames(x: Float32Array, base: Float32Array, from: number, to: number): void {
  const re = new Float64Array(NFFT), im = new Float64Array(NFFT);
  const pa = new Float64Array(NFFT / 2 + 1), pb = new Float64Array(NFFT / 2 + 1), lm = new Float64Array(NMEL);
  for (let f = from; f < to; f += 2) {
    const pair = f + 1 < to;
    const ea = windowFrame(x, f, re);
    let eb = 0;
    if (pair) eb = windowFrame(x, f + 1, im); else im.fill(0);
    fft(re, im);
    for (let k = 0; k <= NFFT / 2; k++) {
      const j = (NFFT - k) % NFFT;
      const sr = re[k]! + re[j]!, di = im[k]! - im[j]!, si = im[k]! + im[j]!, dr = re[k]! - re[j]!;
      pa[k] = (sr * sr + di * di) / 4;
      pb[k] = (si * si + dr * dr) / 4;
    }
    cepstra(pa, ea, base, f, lm);
    if (pair) cepstra(pb, eb, base, f + 1, lm);
  }
}

/** MFCC13 (c0 → log energy) + deltas of 16 kHz float audio; `cache`: reuse the frames computed for a shorter version of it. */
export function extractFeatures(x: Float32Array, cache?: FeatureCache): Features {
  const n = featureFrames(x.length);
  let base: Float32Array, from = 0;
  if (cache) {
    if (cache.base.length < n * NCEP) {
      const b = new Float32Array(Math.max(n * NCEP, cache.base.length * 2));
      b.set(cache.base.subarray(0, cache.frames * NCEP));
      cache.base = b;
    }
    base = cache.base;
    from = Math.min(cache.frames, n);
  } else base = new Float32Array(n * NCEP);
  staticFrames(x, base, from, n);
  if (cache) cache.frames = Math.max(cache.frames, n);
  const data = new Float32Array(n * FEAT_DIM);
  for (let f = 0; f < n; f++) {
    for (let k = 0; k < NCEP; k++) {
      data[f * FEAT_DIM + k] = base[f * NCEP + k]!;
      let num = 0;
      for (let d = 1; d <= 2; d++) {
        const a = base[Math.min(n - 1, f + d) * NCEP + k]!, b = base[Math.max(0, f - d) * NCEP + k]!;
        num += d * (a - b);
      }
      data[f * FEAT_DIM + NCEP + k] = num / 10;
    }
  }
  return { frames: n, data };
}

/**
 * Trims leading/trailing frames whose log energy is far below the utterance's peak, so
 * templates and probes compare speech with speech (pre-roll and silence are not matched).
 */
export function trimSilence(f: Features, dropDb = 35): Features {
  if (f.frames === 0) return f;
  let peak = -Infinity;
  for (let i = 0; i < f.frames; i++) peak = Math.max(peak, f.data[i * FEAT_DIM]!);
  const floor = peak - (dropDb / 10) * Math.LN10;
  let a = 0, b = f.frames - 1;
  while (a < b && f.data[a * FEAT_DIM]! < floor) a++;
  while (b > a && f.data[b * FEAT_DIM]! < floor) b--;
  a = Math.max(0, a - 2); b = Math.min(f.frames - 1, b + 2);
  return { frames: b - a + 1, data: f.data.slice(a * FEAT_DIM, (b + 1) * FEAT_DIM) };
}

/** An enrollment take must hold at least this many frames (100 ms) above its silence. */
export const MIN_TAKE_FRAMES = 10;

/** Silence put around an enrollment take (ms each side) and its level (uniform, ±4 LSB of PCM16: about −78 dBFS). */
export const TAKE_PAD_MS = 150;
const TAKE_PAD_AMP = 4 / 32768;

/**
 * Features of an enrollment take, as an utterance's are: the take is first put between
 * TAKE_PAD_MS of quiet noise on each side, so a take cut tight around its speech (an imported
 * WAV, FSDD's files) keeps the same silent margin frames as one recorded through the device's
 * gate, whose utterances always reach the matcher with pre-roll around them. Without it, takes
 * cut tight and probes with silence around them disagreed at the edges: held-out fsdd-dev
 * digits matched with ratio < 0.97 fell from 0.982 (tight probes) to 0.972 (probes in 150 ms of
 * silence); with padded takes 0.979 / 0.983 (docs/performance/asr.md round 17). Deterministic:
 * the same take always gives the same template.
 */
export function takeFeatures(x: Float32Array): Features {
  // too little sound to be a word is judged on the take as sent (the engine refuses it)
  const bare = trimSilence(extractFeatures(x));
  if (bare.frames < MIN_TAKE_FRAMES) return bare;
  const pad = Math.round(TAKE_PAD_MS * 16);
  const y = new Float32Array(x.length + 2 * pad);
  let seed = 0x9e3779b9;
  for (let i = 0; i < y.length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    y[i] = TAKE_PAD_AMP * (2 * (seed / 4294967296) - 1);
  }
  y.set(x, pad);
  return trimSilence(extractFeatures(y));
}
