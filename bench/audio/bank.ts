/**
 * The frame bank: every recording the simulated pickers can say, resampled to 16 kHz once at
 * start and cut into pre-encoded 640-byte frames (20 ms of PCM16LE) held in one Buffer. Sending
 * a frame is handing an existing Buffer view to the socket: nothing is allocated per frame.
 *
 * An utterance ("42", "ready") is a playlist of frame indices: pre-roll, the clips of its words
 * with short gaps, trailing silence. Silence frames are low-level noise, like a real headset.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseWav, resample, speechEnd } from './wav.ts';

export const RATE = 16000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (RATE * FRAME_MS) / 1000;
export const FRAME_BYTES = FRAME_SAMPLES * 2;
const NOISE_FRAMES = 64;

export interface Clip {
  label: string; voice: string; first: number; count: number;
  /** Where the audio came from: `DIGIT_SPEAKER_TAKE` (a recording's file name) or `tts:VOICE:word`. */
  source: string;
  /** Index (within the clip) of the frame holding the last sample of speech (40 dB below peak). */
  speechEndFrame: number;
}

export interface RawClip { label: string; voice: string; pcm: Int16Array; sampleRate: number; source?: string }

/** A picker's spoken answer: frame indices into the bank, and where the speech ends. */
export interface Utterance {
  text: string;
  frames: Int32Array;
  /** Index in `frames` of the frame holding the last speech sample (the recording may go on a little). */
  speechEndIndex: number;
  /** Speech (pre-roll to speech end), ms. */
  speechMs: number;
  /** Frames of silence before the speech (the thin client's pre-roll). */
  preRollFrames: number;
  /** The clips said, in order (their `source`). */
  sources: string[];
  /** Silence between consecutive clips, ms (one fewer than `sources`). */
  gapsMs: number[];
}

/** Small deterministic PRNG (mulberry32) so runs are reproducible from a seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Cuts long leading/trailing silence (synthesised words carry ~0.3 s of it) at 50 dB below the
 * peak with a 100 ms margin. Recordings that are already trimmed (FSDD) lose nothing: weak onsets
 * such as the "s" of "six" or the "th" of "three" sit well above that level.
 */
function trimSilence(pcm: Int16Array, rate: number): Int16Array {
  const end = speechEnd(pcm, rate, 50);
  const rev = pcm.slice().reverse();
  const start = pcm.length - speechEnd(rev, rate, 50);
  const m = Math.round(rate * 0.1);
  return pcm.subarray(Math.max(0, start - m), Math.min(pcm.length, end + m));
}

export class FrameBank {
  /** All frames, back to back. */
  readonly data: Buffer;
  /** One Buffer view per frame (created once). */
  readonly frames: Buffer[];
  private readonly clips = new Map<string, Clip[]>();
  readonly noiseFirst: number;

  constructor(raw: RawClip[], seed = 1) {
    const prepared = raw.map((r) => {
      const t = trimSilence(r.pcm, r.sampleRate);
      return { ...r, pcm: r.sampleRate === RATE ? t : resample(t, r.sampleRate, RATE) };
    });
    const total = NOISE_FRAMES + prepared.reduce((n, c) => n + Math.ceil(c.pcm.length / FRAME_SAMPLES), 0);
    this.data = Buffer.alloc(total * FRAME_BYTES);
    const rand = rng(seed);
    // little-endian host (x86/ARM): the Int16Array view writes PCM16LE directly
    const view = new Int16Array(this.data.buffer, this.data.byteOffset, total * FRAME_SAMPLES);
    // noise frames: about -78 dBFS, like a quiet headset microphone
    for (let i = 0; i < NOISE_FRAMES * FRAME_SAMPLES; i++) view[i] = Math.round((rand() - 0.5) * 8);
    this.noiseFirst = 0;
    let frame = NOISE_FRAMES;
    for (const c of prepared) {
      const count = Math.ceil(c.pcm.length / FRAME_SAMPLES);
      view.set(c.pcm, frame * FRAME_SAMPLES);
      const key = c.label;
      let list = this.clips.get(key);
      if (!list) this.clips.set(key, (list = []));
      const endSample = speechEnd(c.pcm, RATE, 40);
      list.push({ label: c.label, voice: c.voice, source: c.source ?? `${c.voice}:${c.label}`, first: frame, count, speechEndFrame: Math.min(count - 1, Math.max(0, Math.ceil(endSample / FRAME_SAMPLES) - 1)) });
      frame += count;
    }
    this.frames = new Array<Buffer>(total);
    for (let i = 0; i < total; i++) this.frames[i] = this.data.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES);
  }

  get frameCount(): number { return this.frames.length; }
  get labels(): string[] { return [...this.clips.keys()].sort(); }
  voicesOf(label: string): string[] { return [...new Set((this.clips.get(label) ?? []).map((c) => c.voice))]; }
  has(label: string): boolean { return this.clips.has(label); }

  /**
   * The voice a picker speaking in `voice` says `label` in: its own when the bank has it (digits),
   * else (a command word) one synthetic voice fixed per picker voice. Null when no clip has the label.
   */
  voiceFor(label: string, voice: string): string | null {
    const voices = this.voicesOf(label).sort();
    if (voices.length === 0) return null;
    return voices.includes(voice) ? voice : voices[hash(voice) % voices.length]!;
  }

  /** A silence (noise) frame index; cycles through the noise frames. */
  silence(i: number): number { return this.noiseFirst + (i % NOISE_FRAMES); }

  /**
   * Builds the playlist for an answer. Digit strings are said digit by digit with 100–250 ms
   * gaps (one voice per picker, a random take each time); other text is looked up as a word clip.
   * Defaults follow the thin client's voice gate: 300 ms pre-roll, 800 ms hangover.
   * Returns null when the bank has no recording for some part of it.
   */
  utterance(text: string, voice: string, rand: () => number, preRollMs = 300, tailMs = 800): Utterance | null {
    const parts = /^\d+$/.test(text) ? [...text] : [text];
    const clips: Clip[] = [];
    for (const p of parts) {
      const v = this.voiceFor(p, voice);
      if (v === null) return null;
      // no recording in this picker's voice (a command word): a fixed synthetic voice per picker
      const pool = this.clips.get(p)!.filter((c) => c.voice === v);
      clips.push(pool[Math.floor(rand() * pool.length)]!);
    }
    const idx: number[] = [];
    let s = Math.floor(rand() * NOISE_FRAMES);
    const preRollFrames = Math.round(preRollMs / FRAME_MS);
    for (let i = 0; i < preRollFrames; i++) idx.push(this.silence(s++));
    let speechEndIndex = 0;
    const gapsMs: number[] = [];
    clips.forEach((c, k) => {
      if (k > 0) {
        const gap = Math.round((100 + rand() * 150) / FRAME_MS);
        gapsMs.push(gap * FRAME_MS);
        for (let i = 0; i < gap; i++) idx.push(this.silence(s++));
      }
      speechEndIndex = idx.length + c.speechEndFrame;
      for (let i = 0; i < c.count; i++) idx.push(c.first + i);
    });
    for (let i = 0; i < Math.round(tailMs / FRAME_MS); i++) idx.push(this.silence(s++));
    return { text, frames: Int32Array.from(idx), speechEndIndex, speechMs: (speechEndIndex + 1 - preRollFrames) * FRAME_MS, preRollFrames, sources: clips.map((c) => c.source), gapsMs };
  }
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Reads `DIGIT_SPEAKER_TAKE.wav` files; `speakers` limits which; `takes` caps takes per digit and
 * speaker; `skipTakes` leaves those take numbers out (held out: they were used for enrollment).
 */
export function loadDigitClips(dir: string, opts: { speakers?: string[]; takes?: number; skipTakes?: readonly number[] } = {}): RawClip[] {
  const out: RawClip[] = [];
  const seen = new Map<string, number>();
  for (const f of readdirSync(dir).sort()) {
    const m = /^(\d)_([A-Za-z]+)_(\d+)\.wav$/.exec(f);
    if (!m) continue;
    const [, digit, speaker, take] = m as unknown as [string, string, string, string];
    if (opts.speakers && !opts.speakers.includes(speaker)) continue;
    if (opts.skipTakes?.includes(Number(take))) continue;
    const k = `${digit}_${speaker}`;
    const n = seen.get(k) ?? 0;
    if (opts.takes !== undefined && n >= opts.takes) continue;
    seen.set(k, n + 1);
    const wav = parseWav(readFileSync(path.join(dir, f)));
    out.push({ label: digit, voice: speaker, pcm: wav.samples, sampleRate: wav.sampleRate, source: `${digit}_${speaker}_${take}` });
  }
  return out;
}
