/**
 * A real gateway for the browser tests: port 0, a fresh migrated database, a provisioned device,
 * and (optionally) a TCP proxy in front of it that a test can cut to simulate walking out of
 * Wi-Fi. Skips cleanly while the gateway is not there yet.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, seedSite, type TestDatabase } from '../../db/testing.ts';
import type { Pool } from '../../db/index.ts';

export const GATEWAY_APP = fileURLToPath(new URL('../../gateway/app.ts', import.meta.url));
export const SECRET = 'e2e-secret-0123456789-0123456789-abcdef';

/** Why the browser tests cannot run here, or null when they can. */
export function e2eSkipReason(): string | false {
  if (!existsSync(GATEWAY_APP)) return 'gateway/app.ts (startGateway) has not landed yet';
  if (!process.env.DATABASE_URL) return 'DATABASE_URL is not set (export DATABASE_URL=postgres://postgres@127.0.0.1:5432/test)';
  return false;
}

export interface E2EGateway {
  url: string;
  port: number;
  pool: Pool;
  db: TestDatabase;
  device: { deviceId: string; token: string };
  /** Provisions another device at the same site. */
  addDevice(label: string): Promise<{ deviceId: string; token: string }>;
  stop(): Promise<void>;
}

// Loaded lazily so this file type-checks and imports before the gateway exists.
type GatewayModule = typeof import('../../gateway/app.ts');

export async function startE2EGateway(opts: { env?: Record<string, string>; gatewayOptions?: Parameters<GatewayModule['startGateway']>[1] } = {}): Promise<E2EGateway> {
  const { startGateway } = await import('../../gateway/app.ts');
  const { loadConfig } = await import('../../gateway/config/index.ts');
  const { provisionDevice } = await import('../../gateway/device/provision.ts');
  const db = await createTestDatabase();
  await seedSite(db.pool, 'S1');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vm-e2e-'));
  const env = {
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, DATA_DIR: dataDir, LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
    SERVER_SECRET: SECRET, DEMO: 'false', ...opts.env,
  };
  const gw = await startGateway(loadConfig(env), opts.gatewayOptions);
  const dev = await provisionDevice(db.pool, SECRET, { siteId: 'S1', label: `e2e-${Math.random().toString(36).slice(2, 8)}` });
  return {
    url: gw.url, port: gw.port, pool: db.pool, db, device: { deviceId: dev.deviceId, token: dev.token },
    async addDevice(label) {
      const d = await provisionDevice(db.pool, SECRET, { siteId: 'S1', label });
      return { deviceId: d.deviceId, token: d.token };
    },
    async stop() {
      await gw.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
