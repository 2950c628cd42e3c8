/**
 * Fake-microphone audio for the browser tests: WAV writing, and answer tracks assembled with sox
 * from the real recorded digits of ../shared/speech/fsdd-dev and flite-synthesised command words.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export function wavBytes(samples: Int16Array, rate: number): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8);
  h.write('fmt ', 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24); h.writeUInt32LE(rate * 2, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** A WAV of low background noise (about -60 dBFS), like a quiet room. */
export async function writeQuietWav(file: string, seconds: number, rate = 16000): Promise<string> {
  const s = new Int16Array(Math.round(seconds * rate));
  let seed = 12345;
  for (let i = 0; i < s.length; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; s[i] = ((seed >> 16) % 65) - 32; }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, wavBytes(s, rate));
  return file;
}

export const FSDD_DIR = process.env.FSDD_DIR ?? path.resolve('..', 'shared', 'speech', 'fsdd-dev');

export function toolsMissing(): string | null {
  for (const tool of ['sox', 'flite']) {
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
    } catch (err) {
      return `${tool} is not installed (${(err as Error).message.split('\n')[0]})`;
    }
  }
  if (!existsSync(FSDD_DIR)) return `speech folder ${FSDD_DIR} is absent (set FSDD_DIR)`;
  return null;
}

/** One spoken answer: digits come from recordings (`speaker`, `take`), words from flite. */
export type Piece = { digits: string; speaker?: string; take?: number } | { word: string } | { silence: number } | { file: string };

/**
 * Builds `out` (16 kHz mono PCM16; sox in repeatable mode): each piece normalised to -3 dB peak
 * (`file` pieces are taken as they are), digits of one answer
 * joined with 0.15 s gaps, `silence` pieces as written (with a -60 dBFS noise floor throughout).
 */
export async function assembleTrack(out: string, pieces: Piece[], work: string): Promise<{ file: string; seconds: number; marks: { at: number; piece: Piece }[] }> {
  await mkdir(work, { recursive: true });
  const parts: string[] = [];
  const marks: { at: number; piece: Piece }[] = [];
  let at = 0;
  let n = 0;
  const norm = (src: string): string => {
    const dst = path.join(work, `p${n++}.wav`);
    execFileSync('sox', ['-R', src, '-r', '16000', '-c', '1', '-b', '16', dst, 'norm', '-3']);
    return dst;
  };
  const len = (f: string): number => Number(execFileSync('soxi', ['-D', f], { encoding: 'utf8' }).trim());
  const silence = (sec: number): string => {
    const dst = path.join(work, `p${n++}.wav`);
    execFileSync('sox', ['-R', '-n', '-r', '16000', '-c', '1', '-b', '16', dst, 'trim', '0', String(sec)]);
    return dst;
  };
  for (const p of pieces) {
    marks.push({ at, piece: p });
    if ('silence' in p) { const f = silence(p.silence); parts.push(f); at += p.silence; continue; }
    // A pre-screened clip is used as it is (16 kHz, normalised): the samples the recogniser was checked on.
    if ('file' in p) { parts.push(p.file); at += len(p.file); continue; }
    if ('word' in p) {
      const raw = path.join(work, `w${n++}.wav`);
      execFileSync('flite', ['-t', p.word, '-o', raw]);
      const f = norm(raw);
      parts.push(f); at += len(f);
      continue;
    }
    const digits = [...p.digits];
    digits.forEach((d, i) => {
      const take = (p.take ?? 0) + i;
      const f = norm(path.join(FSDD_DIR, `${d}_${p.speaker ?? 'jackson'}_${take % 50}.wav`));
      parts.push(f); at += len(f);
      if (i < digits.length - 1) { const g = silence(0.15); parts.push(g); at += 0.15; }
    });
  }
  const joined = path.join(work, 'joined.wav');
  execFileSync('sox', ['-R', ...parts, joined]);
  // A faint noise floor, so the track sounds like a room and not digital silence.
  const noise = path.join(work, 'noise.wav');
  execFileSync('sox', ['-R', '-n', '-r', '16000', '-c', '1', '-b', '16', noise, 'synth', String(at), 'whitenoise', 'vol', '0.001']);
  await mkdir(path.dirname(out), { recursive: true });
  execFileSync('sox', ['-R', '-m', '-v', '1', joined, '-v', '1', noise, out]);
  return { file: out, seconds: at, marks };
}
