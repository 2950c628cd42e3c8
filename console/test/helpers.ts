/**
 * Test support for the console: a fresh migrated database, the API and console socket on a
 * real uWS app (port 0), users, and an HTTP client that keeps the session cookie and CSRF token.
 */
import uWS from 'uWebSockets.js';
import pino from 'pino';
import { createTestDatabase, seedSite, type TestDatabase } from '../../db/testing.ts';
import { insertUser, type Role } from '../../db/queries/console/index.ts';
import { loadConfig } from '../../gateway/config/index.ts';
import { mountApi, hashPassword } from '../../gateway/api/index.ts';
import { mountConsoleSocket } from '../../gateway/console-socket/index.ts';

/** A fresh database with every migration (004_console.sql included). */
export async function consoleDatabase(): Promise<TestDatabase> {
  return createTestDatabase();
}

export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface TestServer { url: string; port: number; close(): Promise<void> }

export async function startConsoleServer(db: TestDatabase, env: Record<string, string> = {}): Promise<TestServer> {
  const cfg = loadConfig({ ...env });
  const app = uWS.App();
  const live = await mountConsoleSocket(app, { pool: db.pool, logger: silent, cfg: cfg.console, databaseUrl: db.url });
  const api = mountApi(app, { pool: db.pool, logger: silent, cfg: cfg.console, serverSecret: 'test-secret', livePosition: live.position });
  const listen = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen('127.0.0.1', 0, (s) => (s ? resolve(s) : reject(new Error('listen failed'))));
  });
  const port = uWS.us_socket_local_port(listen);
  return {
    url: `http://127.0.0.1:${port}`, port,
    async close() { uWS.us_listen_socket_close(listen); await live.close(); await api.close(); },
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

// --- dialog data, written as the gateway writes it (the NOTIFY triggers fire) ----------------

import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export async function addDeviceRow(db: TestDatabase, siteId: string, label: string): Promise<string> {
  const id = randomUUID();
  await db.pool.query('INSERT INTO devices (id, site_id, label, token_hash, app_version) VALUES ($1, $2, $3, $4, $5)', [id, siteId, label, 'x', 'test-1']);
  return id;
}

export async function addOperatorRow(db: TestDatabase, siteId: string, externalId: string, name: string): Promise<number> {
  const r = await db.pool.query<{ id: number }>('INSERT INTO operators (site_id, external_id, name) VALUES ($1, $2, $3) RETURNING id', [siteId, externalId, name]);
  return r.rows[0]!.id;
}

export async function startSession(db: TestDatabase, siteId: string, deviceId: string, operatorId: number | null = null): Promise<string> {
  const id = randomUUID();
  await db.pool.query('INSERT INTO device_sessions (id, site_id, device_id, operator_id, gateway_node) VALUES ($1, $2, $3, $4, $5)',
    [id, siteId, deviceId, operatorId, 'test-node']);
  return id;
}

const seqs = new Map<string, number>();
export async function logTurn(db: TestDatabase, siteId: string, sessionId: string, kind: string, text: string | null,
  extra: { confidence?: number; latencyMs?: number; flowNode?: string; operatorId?: number; at?: Date } = {}): Promise<{ id: number; seq: number }> {
  const seq = (seqs.get(sessionId) ?? 0) + 1;
  seqs.set(sessionId, seq);
  const r = await db.pool.query<{ id: number }>(`INSERT INTO dialog_turns (session_id, site_id, seq, at, kind, text, confidence, latency_ms, flow_node, operator_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
  [sessionId, siteId, seq, extra.at ?? new Date(), kind, text, extra.confidence ?? null, extra.latencyMs ?? null, extra.flowNode ?? null, extra.operatorId ?? null]);
  return { id: r.rows[0]!.id, seq };
}

/** A console-socket client speaking exactly what the browser speaks (console/src/lib/live.ts). */
export class ConsoleClient {
  readonly ws: WebSocket;
  readonly received: any[] = [];
  readonly closed: Promise<number>;
  private waiters: Array<() => void> = [];

  constructor(base: string, cookie: string, origin?: string) {
    const headers: Record<string, string> = { cookie };
    if (origin) headers.origin = origin;
    this.ws = new WebSocket(`${base.replace(/^http/, 'ws')}/v1/console`, { headers });
    this.ws.on('message', (d) => { this.received.push(JSON.parse(d.toString())); for (const w of this.waiters.splice(0)) w(); });
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => { resolve(code); for (const w of this.waiters.splice(0)) w(); }));
    this.ws.on('error', () => undefined); // surfaced through `closed` / `opened`
  }

  opened(): Promise<boolean> {
    return new Promise((resolve) => {
      this.ws.once('open', () => resolve(true));
      this.ws.once('unexpected-response', (_req, res) => { resolve(false); this.status = res.statusCode ?? 0; });
    });
  }
  status = 0;

  send(m: unknown): void { this.ws.send(typeof m === 'string' ? m : JSON.stringify(m)); }

  async waitFor(pred: (m: any) => boolean, timeoutMs = 5000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.received.find(pred);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out; received ${JSON.stringify(this.received).slice(0, 800)}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
  }
  close(): void { this.ws.close(); }
}
