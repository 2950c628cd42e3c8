/**
 * Browser-test support: the console build (console/dist, rebuilt when older than its sources;
 * parallel test files take turns through a lock), Debian's headless Chromium (never a downloaded
 * browser), and a real gateway with the console mounted.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { ensureViteBuild } from '../../e2e/support/vite-build.ts';
import { chromiumPath, launchChromium as launchBrowser } from '../../e2e/support/browser.ts';

const CONSOLE_DIR = fileURLToPath(new URL('../', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function ensureConsoleBuild(): Promise<void> {
  return ensureViteBuild('console', CONSOLE_DIR, path.join(CONSOLE_DIR, 'vite.config.ts'));
}

export { chromiumPath };

export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  // playwright gives every launch a fresh temporary profile (its own --user-data-dir)
  const browser = await launchBrowser();
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
