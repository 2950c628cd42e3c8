/**
 * Command words ("ready", "yes", "say again", …) for the simulated pickers, synthesised once with
 * Debian's `flite` and cached under the OS temp folder. Digits come from real recordings instead.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseWav } from './wav.ts';
import type { RawClip } from './bank.ts';

const run = promisify(execFile);

export const DEFAULT_WORDS = ['ready', 'yes', 'no', 'say again', 'repeat', 'skip', 'short', 'help', 'sign off', 'cancel'];
export const DEFAULT_VOICES = ['kal', 'slt', 'rms', 'awb'];

export class TtsError extends Error {
  constructor(readonly code: 'TTS_UNAVAILABLE', message: string) { super(message); this.name = 'TtsError'; }
}

export const TTS_CACHE = path.join(os.tmpdir(), 'voiceman-bench-tts');

/** The cached WAV file of `word` in a flite voice (`kal`, or the bank's `tts:kal`); synthWords writes it. */
export function ttsFile(word: string, voice: string, cacheDir = TTS_CACHE): string {
  return path.join(cacheDir, `${voice.replace(/^tts:/, '')}_${word.replace(/[^a-z0-9]+/gi, '-')}.wav`);
}

export async function synthWords(words: string[], voices: string[] = DEFAULT_VOICES, cacheDir = TTS_CACHE): Promise<RawClip[]> {
  mkdirSync(cacheDir, { recursive: true });
  const jobs: Array<{ word: string; voice: string; file: string }> = [];
  for (const voice of voices) {
    for (const word of words) jobs.push({ word, voice, file: ttsFile(word, voice, cacheDir) });
  }
  const missing = jobs.filter((j) => !existsSync(j.file));
  const width = 4;
  for (let i = 0; i < missing.length; i += width) {
    await Promise.all(missing.slice(i, i + width).map(async (j) => {
      const tmp = `${j.file}.${process.pid}.tmp.wav`;
      try {
        await run('flite', ['-voice', j.voice, '-t', j.word, '-o', tmp]);
      } catch (err) {
        throw new TtsError('TTS_UNAVAILABLE', `flite could not synthesise "${j.word}" with voice ${j.voice}: ${(err as Error).message}`);
      }
      renameSync(tmp, j.file);
    }));
  }
  return jobs.map((j) => {
    const wav = parseWav(readFileSync(j.file));
    return { label: j.word, voice: `tts:${j.voice}`, pcm: wav.samples, sampleRate: wav.sampleRate, source: `tts:${j.voice}:${j.word}` };
  });
}
