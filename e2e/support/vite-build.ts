/**
 * Builds a Vite app (the thin client, the console) when its dist/index.html is older than its
 * sources, before a browser test starts a gateway (the gateway reads static files once at
 * start-up). Test files run in parallel: a lock directory makes one build and the others wait.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'test' || e.name === 'node_modules') continue;
    const full = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? await newestSource(full) : (await stat(full)).mtimeMs);
  }
  return newest;
}

async function builtAt(appDir: string): Promise<number> {
  try {
    return (await stat(path.join(appDir, 'dist', 'index.html'))).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

/** `appDir` holds index.html, the sources and `configFile`; the build goes to `appDir/dist`. */
export async function ensureViteBuild(name: string, appDir: string, configFile: string): Promise<void> {
  if ((await builtAt(appDir)) >= (await newestSource(appDir))) return;
  const lock = path.join(os.tmpdir(), `vm-${name}-build.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() > deadline) throw new Error(`build lock ${lock} held for 2 min: remove it if stale`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if ((await builtAt(appDir)) >= (await newestSource(appDir))) return; // another test file built it meanwhile
    const { build } = await import('vite');
    await build({ configFile, logLevel: 'warn' });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
