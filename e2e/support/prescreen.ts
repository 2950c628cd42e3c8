/**
 * Picks, for each spoken answer, a recording the recogniser gets right on its own (through the
 * real asr/ engine, fed like a device would), so the browser test exercises the loop rather than
 * the recogniser's accuracy on one unlucky take. Tries candidates in a fixed order (deterministic).
 *
 * Speech: Debian's flite voices (kal, slt, rms, awb) by default, for every answer: digit strings
 * are spelled ("one zero one"), quantities read as numbers ("eight"). The recogniser handles them
 * reliably, also free multi-digit answers (operator number, PIN), which real FSDD recordings do not
 * yet survive through the browser (digits inserted). `fsddBiased: true` uses FSDD recordings (real
 * speakers, digits joined with short gaps) for the answers the recogniser is biased towards (check
 * digits, quantities) when they pass this pre-screen, flite otherwise.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AsrEngine, MemoryTemplateStore, KNOWN_COMMANDS, DIGIT_WORDS, oogPerFrame, type Expectation, type AsrResult } from '../../asr/index.ts';
import { FSDD_DIR } from './audio.ts';

const SPEAKERS = ['jackson', 'george', 'lucas', 'yweweler'];
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
  /** FSDD recordings for check digits and quantities when they pass (flite otherwise). */
  fsddBiased?: boolean;
  /**
   * Highest out-of-grammar score (phone loop − grammar, per 10 ms) a clip may have in the
   * pre-screen; the recogniser rejects above its threshold, so a margin below it keeps clips
   * that would flip with a different padding out of the track.
   */
  maxOog?: number;
}

export class Prescreen {
  private n = 0;
  /** Out-of-grammar score of the last result (the engine traces it just before delivering). */
  private lastOog: number | null = null;
  private constructor(private engine: AsrEngine | null, private readonly work: string, private readonly opts: PrescreenOptions) {}

  static async open(work: string, opts: PrescreenOptions = {}): Promise<Prescreen> {
    await mkdir(work, { recursive: true });
    const p = new Prescreen(null, work, opts);
    p.engine = await AsrEngine.load({
      workers: 1, templateStore: new MemoryTemplateStore(),
      trace: ({ oog }) => { p.lastOog = oog && oog.frames > 0 ? oogPerFrame(oog) : null; },
    });
    return p;
  }

  async close(): Promise<void> { await this.engine?.close(); }

  /** Right under three different paddings: the recogniser is sensitive to context, so one hit is luck. */
  private async robust(file: string, e: Expectation, answer: string): Promise<boolean> {
    for (const [lead, tail] of [[16000, 16000], [8000, 32000], [4000, 24000]] as const) {
      this.lastOog = null;
      const r = await this.recognise(file, e, lead, tail);
      if (r?.status !== 'match' || r.text !== answer) return false;
      // Near the out-of-grammar threshold a clip passes here and is rejected live (or the reverse).
      if (this.opts.maxOog !== undefined && this.lastOog !== null && this.lastOog > this.opts.maxOog) return false;
    }
    return true;
  }

  private async recognise(file: string, e: Expectation, lead = 16000, tail = 16000): Promise<AsrResult | null> {
    if (!this.engine) throw new Error('prescreen engine not loaded');
    const s = this.engine.createStream({ sessionId: `pre-${this.n}`, sampleRate: 16000, language: 'en' });
    s.setExpectation(e);
    const audio = pcm16(file);
    const all = new Int16Array(lead + tail + audio.length);
    all.set(audio, lead);
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
    execFileSync('sox', [...args, '-r', '16000', '-c', '1', '-b', '16', out, 'norm', '-3']);
    return out;
  }

  private silence(seconds: number): string {
    const out = path.join(this.work, `c${this.n++}.wav`);
    execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', out, 'trim', '0', String(seconds)]);
    return out;
  }

  /**
   * A clip of `answer` (digits or a command word) that is recognised as `answer` under `e`.
   * `voice` is the flite voice tried first (one picker, one voice); the others follow.
   */
  async clipFor(answer: string, e: Expectation, seed: number, voice = VOICES[0]!): Promise<{ file: string; tries: number; source: string }> {
    let tries = 0;
    if (this.opts.fsddBiased && /^\d+$/.test(answer) && (e.kind === 'digits' || e.kind === 'number')) {
      for (let attempt = 0; attempt < 8; attempt++) {
        const speaker = SPEAKERS[attempt % SPEAKERS.length]!;
        const parts: string[] = [];
        [...answer].forEach((d, i) => {
          if (i > 0) parts.push(this.silence(0.15));
          parts.push(path.join(FSDD_DIR, `${d}_${speaker}_${(seed + attempt * 5 + i * 11) % 50}.wav`));
        });
        const clip = this.sox(parts.map((p) => (p.includes(`${path.sep}c`) ? p : this.sox([p]))));
        tries++;
        if (await this.robust(clip, e, answer)) return { file: clip, tries, source: `fsdd:${speaker}` };
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
        if (await this.robust(clip, e, answer)) return { file: clip, tries, source: `flite:${v}${i ? ':paused' : ''}` };
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
