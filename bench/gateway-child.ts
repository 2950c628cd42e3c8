/**
 * The gateway as the bench runs it: its own process (so the load generator measures it, not
 * itself), started through the same `startGateway` as `npm start`, on port 0. It provisions the
 * bench's devices, then tells the parent its port over IPC. It stops on SIGTERM, or by itself
 * when the parent goes away.
 *
 * Environment: the gateway's own settings, plus BENCH_DEVICES (how many devices to provision),
 * BENCH_SITE (their site, created if missing) and, optionally, BENCH_ADMIN_NAME and
 * BENCH_ADMIN_PASSWORD (a console admin of that site, for the bench's API calls: --enroll).
 */
import { loadConfig } from '../gateway/config/index.ts';
import { startGateway } from '../gateway/app.ts';
import { provisionDevice } from '../gateway/device/provision.ts';
import { createLogger } from '../gateway/logger.ts';
import { hashPassword } from '../gateway/api/index.ts';
import { insertUser } from '../db/queries/console/index.ts';

export interface ChildReady { type: 'ready'; port: number; pid: number; devices: Array<{ deviceId: string; token: string }> }
export interface ChildFailed { type: 'failed'; message: string }

const send = (m: ChildReady | ChildFailed): void => { process.send?.(m); };

const cfg = loadConfig(process.env);
const log = createLogger(cfg.core.logLevel, { node: cfg.core.nodeId });
const n = Number(process.env.BENCH_DEVICES ?? '0');
const site = process.env.BENCH_SITE ?? 'BENCH';

try {
  const gw = await startGateway(cfg, { logger: log });
  await gw.pool.query('INSERT INTO sites (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [site, 'Bench site']);
  const adminName = process.env.BENCH_ADMIN_NAME;
  const adminPassword = process.env.BENCH_ADMIN_PASSWORD;
  if (adminName && adminPassword) {
    await insertUser(gw.pool, { name: adminName, displayName: 'bench', passwordHash: await hashPassword(adminPassword), role: 'admin', language: 'en', sites: [site] });
  }
  const devices: ChildReady['devices'] = [];
  const stamp = Date.now().toString(36);
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, n - i) }, (_, k) =>
      provisionDevice(gw.pool, gw.serverSecret, { siteId: site, label: `bench-${stamp}-${i + k}` })));
    for (const d of batch) devices.push({ deviceId: d.deviceId, token: d.token });
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    gw.close().then(() => process.exit(0), (err: unknown) => { log.error({ err }, 'bench gateway: close failed'); process.exit(1); });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  send({ type: 'ready', port: gw.port, pid: process.pid, devices });
} catch (err) {
  log.fatal({ err }, 'bench gateway failed to start');
  send({ type: 'failed', message: (err as Error).message });
  process.exit(1);
}
