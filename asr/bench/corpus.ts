/** Labelled audio for the evaluation: FSDD-style folders and flite-synthesised out-of-grammar words. */
import { readdirSync, mkdtempSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readWav, resample } from '../audio.ts';
import { checkLoopPhones, type LoopPhones } from '../rescore.ts';

export interface Take { digit: number; speaker: string; take: number; audio: Float32Array }

/** Reads `DIGIT_SPEAKER_TAKE.wav` files, resampled to 16 kHz as a device would deliver them. */
export function loadDigits(dir: string, filter: (t: { digit: number; speaker: string; take: number }) => boolean = () => true): Take[] {
  const out: Take[] = [];
  for (const f of readdirSync(dir).sort()) {
    const m = /^(\d)_([A-Za-z0-9-]+)_(\d+)\.wav$/.exec(f);
    if (!m) continue;
    const meta = { digit: Number(m[1]), speaker: m[2]!, take: Number(m[3]) };
    if (!filter(meta)) continue;
    const w = readWav(path.join(dir, f));
    out.push({ ...meta, audio: resample(w.samples, w.sampleRate) });
  }
  return out;
}

export const OOG_WORDS = ['hello', 'banana', 'pallet', 'stop', 'water', 'truck', 'left', 'window', 'purple', 'monday', 'kitchen',
  'orange', 'paper', 'doctor', 'forklift'];
export const FLITE_VOICES = ['kal', 'slt', 'rms', 'awb'];

export function fliteAvailable(): boolean {
  try { execFileSync('flite', ['-lv'], { stdio: 'pipe' }); return true; } catch { return false; }
}

/** Synthesises `text` with flite (8 kHz for kal, 16 kHz others) and returns 16 kHz audio. */
export function synth(text: string, voice: string, dir = mkdtempSync(path.join(tmpdir(), 'vm-flite-')), stretch = 1): Float32Array {
  const file = path.join(dir, `${voice}-${stretch === 1 ? '' : `${stretch}-`}${text.replace(/[^a-z0-9]+/gi, '_')}.wav`);
  const speed = stretch === 1 ? [] : ['--setf', `duration_stretch=${stretch}`];
  if (!existsSync(file)) execFileSync('flite', [...speed, '-voice', voice, '-t', text, '-o', file], { stdio: 'pipe' });
  const w = readWav(file);
  return resample(w.samples, w.sampleRate);
}

/** Out-of-grammar audio: files of a folder (any names), or the built-in flite set. */
export function loadOog(dir?: string): Float32Array[] {
  if (dir) return readdirSync(dir).filter((f) => f.endsWith('.wav')).sort().map((f) => { const w = readWav(path.join(dir, f)); return resample(w.samples, w.sampleRate); });
  const tmp = mkdtempSync(path.join(tmpdir(), 'vm-oog-'));
  return FLITE_VOICES.flatMap((v) => OOG_WORDS.map((w) => synth(w, v, tmp)));
}

/** `--decoder key=value,...` (SoundSwallower settings) of the bench and diagnostic commands. */
export function parseDecoderArg(arg: string | undefined): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const kv of (arg ?? '').split(',').filter(Boolean)) {
    const [k, v] = kv.split('=');
    if (!k || v === undefined) throw new Error(`bad --decoder entry ${JSON.stringify(kv)} (want key=value)`);
    out[k] = Number.isNaN(Number(v)) ? v : Number(v);
  }
  return out;
}

/** An `on|off` flag of the bench and diagnostic commands; undefined (not given) = the engine's default. */
export function parseOnOff(arg: string | undefined, flag: string): boolean | undefined {
  if (arg === undefined) return undefined;
  if (arg !== 'on' && arg !== 'off') throw new Error(`--${flag} must be on or off, got ${JSON.stringify(arg)}`);
  return arg === 'on';
}

/**
 * `--loop-phones full|reduced|A,B,...` of the bench and diagnostic commands: the phone loop's
 * phones (checked by the engine). undefined = the engine's default.
 */
export function parseLoopPhonesArg(arg: string | undefined): LoopPhones | undefined {
  if (arg === undefined || arg === 'full' || arg === 'reduced') return arg;
  return checkLoopPhones(arg.split(',').map((p) => p.trim().toUpperCase()).filter(Boolean));
}

/** A digit other than `d`, uniform over the nine others. */
function otherDigit(d: string, rand: () => number): string {
  return String((Number(d) + 1 + Math.floor(rand() * 9)) % 10);
}

/** The check string one digit away from `said` (position and digit drawn from `rand`). */
export function oneDigitOff(said: string, rand: () => number): string {
  const pos = Math.floor(rand() * said.length);
  const other = [...said];
  other[pos] = otherDigit(said[pos]!, rand);
  return other.join('');
}

/** The string with every digit changed (a picker reading another slot's check digits). */
export function everyDigitOff(said: string, rand: () => number): string {
  return [...said].map((d) => otherDigit(d, rand)).join('');
}

/** Deterministic PRNG for reproducible trials. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}
