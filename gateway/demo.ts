/**
 * The zero-setup demo: with the in-process WMS simulator, a demo site and device are provisioned
 * (a fresh token at every start) and `npm start` prints the thin client's URL with the device's
 * credentials in its fragment, plus an operator's number and PIN from the simulator.
 */
import type { Pool } from '../db/index.ts';
import type { WmsSim } from '../dialog-engine/index.ts';
import { provisionDevice, reissueDeviceToken } from './device/provision.ts';

export interface DemoInfo { siteId: string; deviceId: string; token: string; deviceUrl: string; operator: { id: string; pin: string; name: string } | null }

const SITE = 'demo';
const LABEL = 'demo-device';

export async function provisionDemo(pool: Pool, secret: string, sim: WmsSim, port: number): Promise<DemoInfo> {
  await pool.query("INSERT INTO sites (id, name) VALUES ($1, 'Demo warehouse') ON CONFLICT (id) DO NOTHING", [SITE]);
  const existing = await pool.query<{ id: string }>('SELECT id FROM devices WHERE site_id = $1 AND label = $2', [SITE, LABEL]);
  let deviceId: string;
  let token: string;
  if (existing.rows[0]) {
    deviceId = existing.rows[0].id;
    token = (await reissueDeviceToken(pool, secret, deviceId))!;
  } else {
    ({ deviceId, token } = await provisionDevice(pool, secret, { siteId: SITE, label: LABEL }));
  }
  const op = sim.sim.warehouse.operators[0];
  return {
    siteId: SITE, deviceId, token,
    deviceUrl: `http://localhost:${port}/device/#d=${deviceId}&t=${encodeURIComponent(token)}`,
    operator: op ? { id: op.id, pin: op.pin, name: op.name } : null,
  };
}
