/** Builds the frame bank a run uses: real digit recordings plus synthesised command words. */
import { existsSync } from 'node:fs';
import { FrameBank, loadDigitClips } from './bank.ts';
import { DEFAULT_WORDS, synthWords } from './tts.ts';

export class AudioError extends Error {
  constructor(readonly code: 'AUDIO_DIR_MISSING' | 'AUDIO_EMPTY', message: string) { super(message); this.name = 'AudioError'; }
}

export interface LoadedAudio { bank: FrameBank; speakers: string[]; loadMs: number }

/** `heldOut`: take numbers never said (each speaker's enrollment takes, with --enroll). */
export async function loadAudio(dir: string, opts: { takes?: number; words?: string[]; seed?: number; heldOut?: readonly number[] } = {}): Promise<LoadedAudio> {
  const t0 = performance.now();
  if (!existsSync(dir)) throw new AudioError('AUDIO_DIR_MISSING', `audio folder ${dir} does not exist (pass --audio DIR with DIGIT_SPEAKER_TAKE.wav files)`);
  const digits = loadDigitClips(dir, { takes: opts.takes, ...(opts.heldOut ? { skipTakes: opts.heldOut } : {}) });
  if (digits.length === 0) throw new AudioError('AUDIO_EMPTY', `no DIGIT_SPEAKER_TAKE.wav files in ${dir}`);
  const words = await synthWords(opts.words ?? DEFAULT_WORDS);
  const bank = new FrameBank([...digits, ...words], opts.seed ?? 1);
  const speakers = [...new Set(digits.map((d) => d.voice))].sort();
  return { bank, speakers, loadMs: performance.now() - t0 };
}
