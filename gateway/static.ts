/**
 * Static files: the built console at /console/ and the thin client at /device/. Files are read
 * once at start-up into memory (they are small); hashed assets are cached for a year, index.html
 * never (so a new build is picked up by the next load).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type uWS from 'uWebSockets.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.wasm': 'application/wasm', '.webmanifest': 'application/manifest+json', '.txt': 'text/plain; charset=utf-8',
  '.apk': 'application/vnd.android.package-archive',
};

interface StaticFile { body: Buffer; type: string; immutable: boolean }

async function walk(dir: string, prefix = ''): Promise<Map<string, StaticFile>> {
  const out = new Map<string, StaticFile>();
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out; // not built yet: served as 404 with a hint
    throw err;
  }
  for (const e of entries) {
    const rel = prefix + e.name;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      for (const [k, v] of await walk(full, `${rel}/`)) out.set(k, v);
    } else if ((await stat(full)).size < 20 * 1024 * 1024) {
      out.set(rel, {
        body: await readFile(full),
        type: TYPES[path.extname(e.name).toLowerCase()] ?? 'application/octet-stream',
        immutable: rel.startsWith('assets/'),
      });
    }
  }
  return out;
}

/** Serves `dir` under `/mount/`; unknown paths without an extension fall back to index.html (SPA). */
export async function mountStatic(app: uWS.TemplatedApp, mount: string, dir: string): Promise<number> {
  const files = await walk(dir);
  app.get(`/${mount}`, (res) => { res.writeStatus('301 Moved Permanently').writeHeader('Location', `/${mount}/`).end(); });
  app.get(`/${mount}/*`, (res, req) => {
    const url = req.getUrl();
    let rel: string;
    try {
      rel = decodeURIComponent(url.slice(mount.length + 2));
    } catch {
      res.writeStatus('400 Bad Request').end('bad path');
      return;
    }
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    let f = files.get(rel);
    if (!f && !path.extname(rel)) f = files.get('index.html');
    if (!f) {
      res.writeStatus('404 Not Found').writeHeader('Content-Type', 'text/plain').end(files.size ? 'not found' : `${mount} is not built: run npm run build`);
      return;
    }
    res.cork(() => {
      res.writeHeader('Content-Type', f.type)
        .writeHeader('Cache-Control', f.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .writeHeader('X-Content-Type-Options', 'nosniff')
        .end(f.body);
    });
  });
  return files.size;
}
