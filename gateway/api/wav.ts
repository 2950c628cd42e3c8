/**
 * The WAV files of voice-template takes (PUT /sites/:siteId/operators/:id/voice/:word): RIFF/WAVE,
 * 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE), mono, 8–48 kHz, at most 3 s, not silent.
 * Anything else is a WavTakeError whose `reason` the API reports in `details.reason`.
 */

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
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavTakeError('not_wav', 'not a RIFF/WAVE file');
  }
  let rate = 0;
  for (let off = 12; off + 8 <= buf.length;) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new WavTakeError('not_wav', 'fmt chunk truncated');
      let format = buf.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID
      if (format === 0xfffe && size >= 40 && body + 26 <= buf.length) format = buf.readUInt16LE(body + 24);
      const channels = buf.readUInt16LE(body + 2);
      const bits = buf.readUInt16LE(body + 14);
      if (format !== 1 || bits !== 16 || channels !== 1) {
        throw new WavTakeError('format', `need 16-bit PCM mono (got format ${format}, ${bits} bits, ${channels} channels)`);
      }
      rate = buf.readUInt32LE(body + 4);
      if (rate < TAKE_MIN_RATE || rate > TAKE_MAX_RATE) {
        throw new WavTakeError('rate', `sample rate ${rate} Hz is outside ${TAKE_MIN_RATE}-${TAKE_MAX_RATE} Hz`);
      }
    } else if (id === 'data') {
      if (!rate) throw new WavTakeError('not_wav', 'data chunk before the fmt chunk');
      // streamed writers leave the size at 0 or 0xFFFFFFFF: the data runs to the end of the file
      const end = size === 0 || size === 0xffffffff ? buf.length : Math.min(buf.length, body + size);
      const n = Math.floor((end - body) / 2);
      if (n <= 0) throw new WavTakeError('empty', 'no samples');
      if (n > rate * TAKE_MAX_S) throw new WavTakeError('too_long', `${(n / rate).toFixed(2)} s is longer than ${TAKE_MAX_S} s`);
      const pcm = new Int16Array(n);
      let peak = 0;
      for (let i = 0; i < n; i++) {
        const v = buf.readInt16LE(body + 2 * i);
        pcm[i] = v;
        if (v > peak) peak = v; else if (-v > peak) peak = -v;
      }
      if (peak < SILENT_PEAK) throw new WavTakeError('silent', 'the take is silent');
      return { pcm, sampleRate: rate };
    }
    off = body + size + (size & 1);
  }
  throw new WavTakeError('not_wav', rate ? 'no data chunk' : 'no fmt chunk');
}
