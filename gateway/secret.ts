/**
 * The server secret (device-token HMAC key). SERVER_SECRET wins; otherwise one is generated on
 * first start and kept in DATA_DIR/secret (mode 0600), so tokens survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function loadServerSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'secret');
  try {
    const s = (await readFile(file, 'utf8')).trim();
    if (s.length >= 32) return s;
    throw new Error(`${file} holds a secret shorter than 32 characters; remove it or set SERVER_SECRET`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // 'wx': never overwrite a secret another process wrote a moment ago
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return (await readFile(file, 'utf8')).trim();
}
