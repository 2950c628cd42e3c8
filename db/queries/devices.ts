/** Device look-ups for authentication and presence. Creation/revocation: gateway/device/provision.ts. */
import type { Pool } from '../pool.ts';

export interface DeviceRecord {
  id: string;
  siteId: string;
  label: string;
  tokenHash: string;
  model: string | null;
  appVersion: string | null;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

interface DeviceDbRow {
  id: string; site_id: string; label: string; token_hash: string; model: string | null; app_version: string | null;
  last_seen_at: Date | null; revoked_at: Date | null; created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** True for a syntactically valid uuid (so a bad id is "not found", not a database error). */
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

const toDevice = (r: DeviceDbRow): DeviceRecord => ({
  id: r.id, siteId: r.site_id, label: r.label, tokenHash: r.token_hash, model: r.model, appVersion: r.app_version,
  lastSeenAt: r.last_seen_at, revokedAt: r.revoked_at, createdAt: r.created_at,
});

/** The device with this id (revoked ones included: check `revokedAt`), or null. */
export async function findDeviceById(pool: Pool, deviceId: string): Promise<DeviceRecord | null> {
  if (!isUuid(deviceId)) return null;
  const { rows } = await pool.query<DeviceDbRow>('SELECT * FROM devices WHERE id = $1', [deviceId]);
  return rows[0] ? toDevice(rows[0]) : null;
}

/** Records that the device connected now, with its app version (and model when given). */
export async function touchDevice(pool: Pool, deviceId: string, info: { appVersion?: string | null; model?: string | null } = {}): Promise<boolean> {
  if (!isUuid(deviceId)) return false;
  const r = await pool.query(
    'UPDATE devices SET last_seen_at = now(), app_version = coalesce($2, app_version), model = coalesce($3, model) WHERE id = $1',
    [deviceId, info.appVersion ?? null, info.model ?? null]);
  return (r.rowCount ?? 0) > 0;
}

/** Devices of a site, by label. */
export async function listDevices(pool: Pool, siteId: string): Promise<DeviceRecord[]> {
  const { rows } = await pool.query<DeviceDbRow>('SELECT * FROM devices WHERE site_id = $1 ORDER BY label', [siteId]);
  return rows.map(toDevice);
}
