/**
 * Test support for the console: a fresh migrated database, the API and console socket on a
 * real uWS app (port 0), users, and an HTTP client that keeps the session cookie and CSRF token.
 */
import { copyFile, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import uWS from 'uWebSockets.js';
import pino from 'pino';
import { migrate } from '../../db/migrate.ts';
import { createTestDatabase, seedSite, type TestDatabase } from '../../db/testing.ts';
import { insertUser, type Role } from '../../db/queries/console/index.ts';
import { loadConfig } from '../../gateway/config/index.ts';
import { mountApi, hashPassword } from '../../gateway/api/index.ts';

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations/', import.meta.url));
const OWN_MIGRATION = fileURLToPath(new URL('./004_console.sql', import.meta.url));

/**
 * A fresh database with every migration. While another part's migration number is still missing
 * from db/migrations, a stub stands in for it so 004 can be applied (test-only).
 */
export async function consoleDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: false });
  const files = (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql')).sort();
  if (files.some((f) => f.startsWith('004_'))) {
    await migrate(db.pool);
    return db;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vm-console-mig-'));
  for (const f of files) await copyFile(path.join(MIGRATIONS, f), path.join(dir, f));
  for (let v = 1; v < 4; v++) {
    const tag = String(v).padStart(3, '0');
    if (!files.some((f) => f.startsWith(`${tag}_`))) await writeFile(path.join(dir, `${tag}_stub.sql`), 'SELECT 1;');
  }
  await copyFile(OWN_MIGRATION, path.join(dir, '004_console.sql'));
  await migrate(db.pool, dir);
  return db;
}

export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface TestServer { url: string; port: number; close(): Promise<void> }

export async function startConsoleServer(db: TestDatabase, env: Record<string, string> = {}): Promise<TestServer> {
  const cfg = loadConfig({ ...env });
  const app = uWS.App();
  const api = mountApi(app, { pool: db.pool, logger: silent, cfg: cfg.console, serverSecret: 'test-secret' });
  const listen = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen('127.0.0.1', 0, (s) => (s ? resolve(s) : reject(new Error('listen failed'))));
  });
  const port = uWS.us_socket_local_port(listen);
  return {
    url: `http://127.0.0.1:${port}`, port,
    async close() { uWS.us_listen_socket_close(listen); await api.close(); },
  };
}

export async function addUser(db: TestDatabase, name: string, role: Role, sites: string[], password = 'correct horse battery'): Promise<number> {
  for (const s of sites) await seedSite(db.pool, s, `Site ${s}`);
  return insertUser(db.pool, { name, displayName: name, passwordHash: await hashPassword(password), role, language: 'en', sites });
}

export interface Reply { status: number; body: any; headers: Headers }

/** A browser-like client: keeps the session cookie; sends the CSRF token on writes. */
export class ApiClient {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async request(method: string, p: string, body?: unknown, extra: Record<string, string> = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...extra };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}/api/v1${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }
  get(p: string): Promise<Reply> { return this.request('GET', p); }
  post(p: string, body?: unknown): Promise<Reply> { return this.request('POST', p, body); }
  patch(p: string, body?: unknown): Promise<Reply> { return this.request('PATCH', p, body); }
  put(p: string, body?: unknown): Promise<Reply> { return this.request('PUT', p, body); }

  async signIn(name: string, password = 'correct horse battery'): Promise<Reply> {
    const r = await this.post('/auth/signin', { name, password });
    if (r.status === 200) this.csrf = r.body.csrfToken;
    return r;
  }
}
