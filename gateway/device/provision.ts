/** Creating and revoking devices: used by `npm run device:add` and the console's device admin. */
import { randomUUID } from 'node:crypto';
import type { Pool } from '../../db/index.ts';
import { hashDeviceToken, newDeviceToken } from './tokens.ts';

export interface ProvisionedDevice { deviceId: string; siteId: string; label: string; token: string }

export class ProvisionError extends Error {
  constructor(readonly code: 'SITE_NOT_FOUND' | 'LABEL_TAKEN', message: string) { super(message); }
}

export async function provisionDevice(
  pool: Pool, secret: string, opts: { siteId: string; label: string; model?: string },
): Promise<ProvisionedDevice> {
  const site = await pool.query('SELECT 1 FROM sites WHERE id = $1', [opts.siteId]);
  if (site.rowCount === 0) throw new ProvisionError('SITE_NOT_FOUND', `site "${opts.siteId}" does not exist`);
  const deviceId = randomUUID();
  const token = newDeviceToken();
  try {
    await pool.query(
      'INSERT INTO devices (id, site_id, label, token_hash, model) VALUES ($1, $2, $3, $4, $5)',
      [deviceId, opts.siteId, opts.label, hashDeviceToken(secret, token), opts.model ?? null]);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new ProvisionError('LABEL_TAKEN', `a device labelled "${opts.label}" already exists at site "${opts.siteId}"`);
    }
    throw err;
  }
  return { deviceId, siteId: opts.siteId, label: opts.label, token };
}

/** Issues a new one-time token for an existing device (the old one stops working). */
export async function reissueDeviceToken(pool: Pool, secret: string, deviceId: string): Promise<string | null> {
  const token = newDeviceToken();
  const r = await pool.query('UPDATE devices SET token_hash = $2, revoked_at = NULL WHERE id = $1',
    [deviceId, hashDeviceToken(secret, token)]);
  return r.rowCount ? token : null;
}

export async function revokeDevice(pool: Pool, deviceId: string): Promise<boolean> {
  const r = await pool.query('UPDATE devices SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [deviceId]);
  return (r.rowCount ?? 0) > 0;
}
