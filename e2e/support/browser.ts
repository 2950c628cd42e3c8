/**
 * Headless Chromium for the browser tests: Debian's `chromium` (never a downloaded browser),
 * driven by playwright-core, with a fake microphone that plays a WAV file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export function chromiumPath(): string | null {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    const p = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    return p && existsSync(p) ? p : null;
  } catch (err) {
    if ((err as { status?: number }).status === 1) return null; // `which` found nothing
    throw err;
  }
}

export interface LaunchOptions {
  /** WAV the fake microphone plays (16-bit PCM); with `loop: false` it plays once, then silence. */
  fakeAudio?: string;
  loop?: boolean;
}

export async function launchChromium(o: LaunchOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('chromium not found: apt-get install chromium, or set CHROMIUM_PATH');
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (o.fakeAudio) args.push(`--use-file-for-fake-audio-capture=${o.fakeAudio}${o.loop === false ? '%noloop' : ''}`);
  return chromium.launch({ executablePath, headless: true, args });
}
