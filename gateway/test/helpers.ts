/** Test support: a real gateway on port 0 over a fresh database, and a real WebSocket device. */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createTestDatabase, seedSite, type TestDatabase } from '../../db/testing.ts';
import { loadConfig } from '../config/index.ts';
import { startGateway, type GatewayOptions, type RunningGateway } from '../app.ts';
import { provisionDevice, type ProvisionedDevice } from '../device/provision.ts';
import type { ServerMessage } from '../protocol/messages.ts';

export const SECRET = 'test-secret-0123456789-0123456789-abcdef';

export interface TestGateway { gw: RunningGateway; db: TestDatabase; env: Record<string, string>; wsUrl: string; stop(): Promise<void> }

export async function startTestGateway(env: Record<string, string> = {}, opts: GatewayOptions = {}, db?: TestDatabase): Promise<TestGateway> {
  const database = db ?? await createTestDatabase();
  await seedSite(database.pool, 'S1');
  const dataDir = env.DATA_DIR ?? await mkdtemp(path.join(os.tmpdir(), 'vm-gw-'));
  const fullEnv = { PORT: '0', HOST: '127.0.0.1', CONVERSATION: 'echo', WMS_SIMULATOR: 'off', DATABASE_URL: database.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent', SERVER_SECRET: SECRET, ...env };
  const gw = await startGateway(loadConfig(fullEnv), opts);
  return {
    gw, db: database, env: fullEnv, wsUrl: `ws://127.0.0.1:${gw.port}/v1/device`,
    async stop() { await gw.close(); if (!db) await database.drop(); },
  };
}

export async function addDevice(t: TestGateway, label = `dev-${Math.random().toString(36).slice(2, 8)}`): Promise<ProvisionedDevice> {
  return provisionDevice(t.db.pool, SECRET, { siteId: 'S1', label });
}

/** A real WebSocket device that records what it receives. */
export class TestDevice {
  readonly ws: WebSocket;
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data, isBinary) => {
      if (!isBinary) this.received.push(JSON.parse(data.toString()) as ServerMessage);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of this.waiters.splice(0)) w();
    }));
    this.ws.on('error', () => undefined); // surfaced through `closed`
  }

  static async open(url: string): Promise<TestDevice> {
    const d = new TestDevice(url);
    await new Promise<void>((resolve, reject) => { d.ws.once('open', () => resolve()); d.ws.once('error', reject); });
    return d;
  }

  send(msg: unknown): void { this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)); }

  hello(dev: { deviceId: string; token: string }, extra: Record<string, unknown> = {}): void {
    this.send({ type: 'hello', v: 1, deviceId: dev.deviceId, token: dev.token, appVersion: 'test-1', ...extra });
  }

  /** Waits for the first received message (from index `from`) matching `pred`. */
  async waitFor<T extends ServerMessage['type']>(type: T, pred: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true, timeoutMs = 5000, from = 0): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.received.slice(from).find((x) => x.type === type && pred(x as Extract<ServerMessage, { type: T }>));
      if (m) return m as Extract<ServerMessage, { type: T }>;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${type}; got ${JSON.stringify(this.received).slice(0, 500)}`);
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${type}; got ${JSON.stringify(this.received).slice(0, 500)}`);
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 50); });
    }
  }

  close(): void { this.ws.close(); }
  terminate(): void { this.ws.terminate(); }
}

export async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
