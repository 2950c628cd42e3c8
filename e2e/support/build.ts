/** Makes sure the thin client (android-shell/web/dist) is built and newer than its sources. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureViteBuild } from './vite-build.ts';

export const WEB_DIR = fileURLToPath(new URL('../../android-shell/web/', import.meta.url));

export function ensureDeviceBuild(): Promise<void> {
  return ensureViteBuild('device', WEB_DIR, path.join(WEB_DIR, 'vite.config.ts'));
}
