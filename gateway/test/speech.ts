/** Real synthesised speech for tests: Debian's flite, resampled by sox to 16 kHz PCM16 mono. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** `text` spoken by a flite voice, as the WAV file flite writes (16-bit mono; 16 kHz, kal 8 kHz). */
export function synthWav(text: string, voice = 'slt'): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vm-tts-'));
  try {
    const wav = path.join(dir, 'x.wav');
    execFileSync('flite', ['-voice', voice, '-t', text, '-o', wav]);
    return readFileSync(wav);
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

/** A WAV file: `bits` per sample, `channels`, `format` 1 (PCM) or 0xFFFE (extensible, PCM inside). */
export function wavFile(samples: ArrayLike<number>, rate: number, o: { channels?: number; bits?: number; format?: number; extra?: boolean } = {}): Buffer {
  const channels = o.channels ?? 1;
  const bits = o.bits ?? 16;
  const format = o.format ?? 1;
  const bytes = bits / 8;
  const fmtSize = format === 0xfffe ? 40 : 16;
  const data = Buffer.alloc(samples.length * channels * bytes);
  for (let i = 0; i < samples.length; i++) {
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * bytes;
      if (bits === 16) data.writeInt16LE(samples[i]!, at); else data.writeUInt8((samples[i]! >> 8) + 128, at);
    }
  }
  const list = o.extra ? Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([5, 0, 0, 0]), Buffer.from('INFOx\0', 'latin1')]) : Buffer.alloc(0);
  const fmt = Buffer.alloc(8 + fmtSize);
  fmt.write('fmt ', 0, 'latin1'); fmt.writeUInt32LE(fmtSize, 4);
  fmt.writeUInt16LE(format, 8); fmt.writeUInt16LE(channels, 10); fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE(rate * channels * bytes, 16); fmt.writeUInt16LE(channels * bytes, 20); fmt.writeUInt16LE(bits, 22);
  if (format === 0xfffe) { fmt.writeUInt16LE(22, 24); fmt.writeUInt16LE(bits, 26); fmt.writeUInt16LE(1, 32); }
  const head = Buffer.alloc(8);
  head.write('data', 0, 'latin1'); head.writeUInt32LE(data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, list, head, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1'); riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

export const tone = (seconds: number, rate: number, hz = 300, amp = 8000): Int16Array =>
  Int16Array.from({ length: Math.round(seconds * rate) }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * i) / rate)));
