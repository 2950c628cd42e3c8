/** Real synthesised speech for tests: Debian's flite, resampled by sox to 16 kHz PCM16 mono. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestDevice } from './helpers.ts';

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
export const spell = (digits: string): string => digits.split('').map((d) => DIGITS[Number(d)]).join(' ');

/** `text` spoken by a flite voice, with silence around it (as a gated device sends it). */
export function synth(text: string, voice = 'slt', padS = [0.3, 0.8] as const): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vm-tts-'));
  try {
    const wav = path.join(dir, 'x.wav');
    execFileSync('flite', ['-voice', voice, '-t', text, '-o', wav]);
    return execFileSync('sox', [wav, '-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', '-', 'pad', String(padS[0]), String(padS[1])]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends PCM as 20 ms frames at real-time pace. */
export async function speak(d: TestDevice, pcm: Buffer): Promise<void> {
  for (let off = 0; off < pcm.length; off += 640) {
    const frame = Buffer.alloc(640);
    pcm.copy(frame, 0, off, Math.min(off + 640, pcm.length));
    d.ws.send(frame);
    await new Promise((r) => setTimeout(r, 20));
  }
}
