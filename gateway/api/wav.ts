/**
 * The WAV files of voice-template takes (PUT /sites/:siteId/operators/:id/voice/:word): RIFF/WAVE,
 * 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE), mono, 8–48 kHz, at most 3 s, not silent.
 * Anything else is a WavTakeError whose `reason` the API reports in `details.reason`. Parsing is
 * the recogniser's (`parseWav`, a pure function); this adds what a take must be.
 */
import { parseWav, WavError, type Pcm16Wav } from '../../asr/index.ts';

export const TAKE_MIN_RATE = 8000;
export const TAKE_MAX_RATE = 48000;
export const TAKE_MAX_S = 3;
/** A take whose loudest sample is under this (about −50 dBFS) holds no speech. */
const SILENT_PEAK = 100;

export type WavProblem = 'not_wav' | 'format' | 'rate' | 'too_long' | 'empty' | 'silent';

export class WavTakeError extends Error {
  constructor(readonly reason: WavProblem, message: string) { super(message); this.name = 'WavTakeError'; }
}

export interface TakePcm { pcm: Int16Array; sampleRate: number }

export function parseTakeWav(buf: Buffer): TakePcm {
  let w: Pcm16Wav;
  try {
    w = parseWav(buf);
  } catch (err) {
    if (err instanceof WavError) throw new WavTakeError(err.code === 'WAV_UNSUPPORTED' ? 'format' : 'not_wav', err.message);
    throw err;
  }
  if (w.channels !== 1) throw new WavTakeError('format', `need mono (got ${w.channels} channels)`);
  const rate = w.sampleRate, n = w.samples.length;
  if (rate < TAKE_MIN_RATE || rate > TAKE_MAX_RATE) {
    throw new WavTakeError('rate', `sample rate ${rate} Hz is outside ${TAKE_MIN_RATE}-${TAKE_MAX_RATE} Hz`);
  }
  if (n === 0) throw new WavTakeError('empty', 'no samples');
  if (n > rate * TAKE_MAX_S) throw new WavTakeError('too_long', `${(n / rate).toFixed(2)} s is longer than ${TAKE_MAX_S} s`);
  let peak = 0;
  for (const v of w.samples) if (Math.abs(v) > peak) peak = Math.abs(v);
  if (peak < SILENT_PEAK) throw new WavTakeError('silent', 'the take is silent');
  return { pcm: w.samples, sampleRate: rate };
}
