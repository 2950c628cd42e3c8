/**
 * Picks, for each spoken answer, a recording the recogniser gets right on its own (through the
 * real asr/ engine, fed like a device would), so the browser test exercises the loop rather than
 * the recogniser's accuracy on one unlucky take. Tries candidates in a fixed order (deterministic).
 *
 * Speech: Debian's flite voices (kal, slt, rms, awb) by default, for every answer: digit strings
 * are spelled ("one zero one"), quantities read as numbers ("eight"). `speech: 'fsdd'`: real FSDD
 * recordings for every digit answer (one speaker per picker, digits joined with short gaps, other
 * takes and then other speakers when a take fails; flite only where none of 12 passes), screened
 * under more placements and with the track's noise floor, because they are far more fragile.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AsrEngine, MemoryTemplateStore, KNOWN_COMMANDS, DIGIT_WORDS, oogPerFrame, type Expectation, type AsrResult, type TemplateStore } from '../../asr/index.ts';
import { FSDD_DIR } from './audio.ts';

const SPEAKERS = ['jackson', 'george', 'lucas', 'yweweler'];
/**
 * FSDD takes 0..46 of each digit may be answers; 47..49 are what the operator enrolled (three
 * takes per word, as the enrollment flow asks), so no answer is one of its own templates.
 */
const ANSWER_TAKES = 47;
const ENROLL_TAKES = [47, 48, 49];
const VOICES = ['slt', 'kal', 'rms', 'awb'];

/** What flite is asked to say for `answer` under `e`: spelled digits, a number read as one, or the word. */
export function fliteText(answer: string, e: Expectation): string {
  if (!/^\d+$/.test(answer)) return answer;
  return e.kind === 'number' ? String(Number(answer)) : [...answer].map((d) => DIGIT_WORDS[Number(d)]).join(' ');
}

function pcm16(file: string): Int16Array {
  const buf = readFileSync(file);
  const data = buf.subarray(44); // sox writes a plain 44-byte header for 16-bit mono
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length - (data.length % 2)));
}

export interface PrescreenOptions {
  /** 'flite' (default): flite for every answer; 'fsdd': recordings for digit answers, flite for words. */
  speech?: 'fsdd' | 'flite';
  /**
   * Highest out-of-grammar score (phone loop − grammar, per 10 ms) a clip may have in the
   * pre-screen; the recogniser rejects above its threshold, so a margin below it keeps clips
   * that would flip with a different padding out of the track.
   */
  maxOog?: number;
  /** Where enrolled templates go (the gateway's PostgreSQL, so live and pre-screen hear with the same templates). */
  templateStore?: TemplateStore;
}

/** Who says an answer: a flite voice and an FSDD speaker tried first, and whose templates apply. */
export interface Speaker { voice?: string; speaker?: string; operatorId?: number }

export class Prescreen {
  private n = 0;
  /** Out-of-grammar score of the last result (the engine traces it just before delivering). */
  private lastOog: number | null = null;
  private constructor(private engine: AsrEngine | null, private readonly work: string, private readonly opts: PrescreenOptions) {}

  static async open(work: string, opts: PrescreenOptions = {}): Promise<Prescreen> {
    await mkdir(work, { recursive: true });
    const p = new Prescreen(null, work, opts);
    p.engine = await AsrEngine.load({
      // Recordings: one decoder, so its carried-over cepstral mean follows the track's clips in
      // order, as live (docs/performance/asr.md, round 4).
      workers: 1, ...(opts.speech === 'fsdd' ? { decodersPerWorker: 1 } : {}), templateStore: opts.templateStore ?? new MemoryTemplateStore(),
      trace: ({ oog }) => { p.lastOog = oog && oog.frames > 0 ? oogPerFrame(oog) : null; },
    });
    return p;
  }

  async close(): Promise<void> { await this.engine?.close(); }

  /** Enrolls the ten digits for `operatorId` from `speaker`'s reserved FSDD takes (ENROLL_TAKES). */
  async enrollDigits(operatorId: number, speaker: string): Promise<void> {
    if (!this.engine) throw new Error('prescreen engine not loaded');
    for (let d = 0; d < 10; d++) {
      const takes = ENROLL_TAKES.map((k) => ({ pcm: pcm16(this.sox([path.join(FSDD_DIR, `${d}_${speaker}_${k}.wav`)])), sampleRate: 16000 }));
      await this.engine.enroll(operatorId, String(d), takes);
    }
  }

  /**
   * Right under several placements: the recogniser is sensitive to context, so one hit is luck.
   * flite: three paddings under the track's noise floor.
   * Recordings (far more fragile): live, the clip lands at an arbitrary offset against the 20 ms
   * frames and the VAD's windows, after seconds of room noise, at a level the browser may change
   * slightly; each placement varies one of these (the track's own lead silence first, sub-frame
   * offsets, trailing silence, ±2 dB, a 10 dB higher noise floor), so only clips with a margin pass.
   */
  private async robust(file: string, e: Expectation, answer: string, leadSeconds: number, operatorId?: number): Promise<boolean> {
    type Placement = [lead: number, tail: number, gain: number, noise: number];
    const placements: Placement[] = this.opts.speech === 'fsdd'
      ? [[Math.round(leadSeconds * 16000), 16000, 1, 33], [16000 + 97, 16000, 1, 33], [8000 + 211, 32000, 1, 33],
        [4000 + 53, 24000, 1, 33], [12000 + 149, 20000, 0.8, 33], [16000 + 31, 16000, 1.25, 33], [16000 + 181, 20000, 1, 100]]
      // Under the track's noise floor: in digital silence a flite "six" passed that CI then heard as "sixty".
      : [[16000, 16000, 1, 33], [8000, 32000, 1, 33], [4000, 24000, 1, 33]];
    for (const [lead, tail, gain, noise] of placements) {
      this.lastOog = null;
      const r = await this.recognise(file, e, lead, tail, gain, noise, operatorId);
      if (r?.status !== 'match' || r.text !== answer) return false;
      // Near the out-of-grammar threshold a clip passes here and is rejected live (or the reverse).
      if (this.opts.maxOog !== undefined && this.lastOog !== null && this.lastOog > this.opts.maxOog) return false;
    }
    return true;
  }

  /** `noise`: peak of a uniform noise floor in 16-bit units (33 ≈ the track's −60 dBFS; 0 = none). */
  private async recognise(file: string, e: Expectation, lead: number, tail: number, gain: number, noise: number, operatorId?: number): Promise<AsrResult | null> {
    if (!this.engine) throw new Error('prescreen engine not loaded');
    const s = this.engine.createStream({ sessionId: `pre-${this.n}`, sampleRate: 16000, language: 'en', ...(operatorId !== undefined ? { operatorId } : {}) });
    s.setExpectation(e);
    const audio = pcm16(file);
    const all = new Int16Array(lead + tail + audio.length);
    all.set(gain === 1 ? audio : audio.map((v) => Math.round(v * gain)), lead);
    // A noise floor like the track's (assembleTrack: white noise at -60 dBFS): the comfort level
    // and the endpoints depend on it.
    let seed = 12345;
    for (let i = 0; noise > 0 && i < all.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      all[i] = Math.max(-32768, Math.min(32767, all[i]! + ((seed >> 8) % (2 * noise + 1)) - noise));
    }
    const done = new Promise<AsrResult | null>((resolve) => {
      s.on('result', resolve);
      s.on('busy', () => resolve(null));
      s.on('error', () => resolve(null));
      setTimeout(() => resolve(null), 20000).unref();
    });
    for (let i = 0; i + 320 <= all.length; i += 320) s.pushFrame(all.subarray(i, i + 320));
    const r = await done;
    s.close();
    return r;
  }

  private sox(args: string[]): string {
    const out = path.join(this.work, `c${this.n++}.wav`);
    execFileSync('sox', ['-R', ...args, '-r', '16000', '-c', '1', '-b', '16', out, 'norm', '-3']);
    return out;
  }

  private silence(seconds: number): string {
    const out = path.join(this.work, `c${this.n++}.wav`);
    execFileSync('sox', ['-R', '-n', '-r', '16000', '-c', '1', '-b', '16', out, 'trim', '0', String(seconds)]);
    return out;
  }

  /**
   * A clip of `answer` (digits or a command word) that is recognised as `answer` under `e`.
   * `who.speaker` is the FSDD speaker tried first and `who.voice` the flite voice tried first (one
   * picker, one voice); the others follow; `who.operatorId`: the templates that apply (as live).
   * `lead`: seconds of silence before it in the track.
   */
  async clipFor(answer: string, e: Expectation, seed: number, lead: number, who: Speaker = {}): Promise<{ file: string; tries: number; source: string }> {
    const { voice = VOICES[0]!, speaker = SPEAKERS[0]!, operatorId } = who;
    let tries = 0;
    if (this.opts.speech !== 'flite' && /^\d+$/.test(answer)) {
      const order = [speaker, ...SPEAKERS.filter((x) => x !== speaker)];
      for (let attempt = 0; attempt < 12; attempt++) {
        const speaker = order[Math.floor(attempt / 3) % order.length]!; // three takes of each speaker in turn
        // Every part at 16 kHz before they are joined (sox joins only equal rates): the 8 kHz
        // recordings are converted one by one, the gaps are made at 16 kHz.
        const parts: string[] = [];
        [...answer].forEach((d, i) => {
          if (i > 0) parts.push(this.silence(0.15));
          parts.push(this.sox([path.join(FSDD_DIR, `${d}_${speaker}_${(seed + attempt * 5 + i * 11) % ANSWER_TAKES}.wav`)]));
        });
        const clip = this.sox(parts);
        tries++;
        if (await this.robust(clip, e, answer, lead, operatorId)) return { file: clip, tries, source: `fsdd:${speaker}` };
      }
    }
    // Each voice as one phrase, then digit by digit with short pauses ("one, zero, one").
    const text = fliteText(answer, e);
    const texts = text.includes(' ') ? [text, text.split(' ').join(', ')] : [text];
    for (const v of [voice, ...VOICES.filter((x) => x !== voice)]) {
      for (const [i, t] of texts.entries()) {
        const raw = path.join(this.work, `w${this.n++}.wav`);
        execFileSync('flite', ['-voice', v, '-t', t, '-o', raw]);
        const clip = this.sox([raw]);
        tries++;
        if (await this.robust(clip, e, answer, lead, operatorId)) return { file: clip, tries, source: `flite:${v}${i ? ':paused' : ''}` };
      }
    }
    throw new PrescreenError(`no recording of "${answer}" is recognised under ${JSON.stringify(e)} after ${tries} tries`);
  }
}

/** No candidate recording of an answer passed the pre-screen (the caller may choose another operator). */
export class PrescreenError extends Error {
  override readonly name = 'PrescreenError';
}

export const COMMANDS = [...KNOWN_COMMANDS];
