/**
 * Makes sure the thin client is built (android-shell/web/dist) and newer than its sources before a
 * browser test starts a gateway (the gateway reads the static files once at start-up). Test files
 * run in parallel: a lock directory makes one of them build and the others wait.
 */
import { mkdir, rm, stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('../../android-shell/web/', import.meta.url));
const DIST_INDEX = path.join(WEB_DIR, 'dist', 'index.html');

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'test' || e.name === 'node_modules') continue;
    const full = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? await newestSource(full) : (await stat(full)).mtimeMs);
  }
  return newest;
}

async function builtAt(): Promise<number> {
  try {
    return (await stat(DIST_INDEX)).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

export async function ensureDeviceBuild(): Promise<void> {
  if ((await builtAt()) >= (await newestSource(WEB_DIR))) return;
  const lock = path.join(os.tmpdir(), 'vm-device-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() > deadline) throw new Error(`stale build lock ${lock}: remove it`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if ((await builtAt()) >= (await newestSource(WEB_DIR))) return; // another test file built it meanwhile
    const { build } = await import('vite');
    await build({ configFile: path.join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
