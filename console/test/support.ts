/**
 * Browser-test support: the console build (console/dist, rebuilt when older than its sources;
 * parallel test files take turns through a lock), Debian's headless Chromium (never a downloaded
 * browser), and a real gateway with the console mounted.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

const CONSOLE_DIR = fileURLToPath(new URL('../', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function newest(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (['dist', 'test', 'node_modules'].includes(e.name)) continue;
    const full = path.join(dir, e.name);
    n = Math.max(n, e.isDirectory() ? await newest(full) : (await stat(full)).mtimeMs);
  }
  return n;
}

async function builtAt(): Promise<number> {
  try {
    return (await stat(path.join(CONSOLE_DIR, 'dist', 'index.html'))).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

export async function ensureConsoleBuild(): Promise<void> {
  if ((await builtAt()) >= (await newest(CONSOLE_DIR))) return;
  const lock = path.join(os.tmpdir(), 'vm-console-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() > deadline) throw new Error(`console build lock ${lock} held for 2 min; remove it if stale`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if ((await builtAt()) < (await newest(CONSOLE_DIR))) {
      await promisify(execFile)('npx', ['vite', 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT });
    }
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

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

export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('chromium not found: apt-get install chromium, or set CHROMIUM_PATH');
  // playwright gives every launch a fresh temporary profile (its own --user-data-dir)
  const browser = await chromium.launch({
    executablePath, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  return { browser, close: () => browser.close() };
}

/** Why the browser tests cannot run here, or false when they can. */
export async function browserSkipReason(): Promise<string | false> {
  if (!process.env.DATABASE_URL) return 'DATABASE_URL is not set';
  if (!chromiumPath()) return 'chromium is not installed';
  const migrations = await readdir(path.join(ROOT, 'db', 'migrations'));
  if (!migrations.some((f) => f.startsWith('004_'))) return 'migration 004_console.sql is not in db/migrations yet (waiting for 003)';
  return false;
}
