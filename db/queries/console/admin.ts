/** Sites, operators, devices and process settings as the console reads and edits them. */
import type { Pool, PoolClient } from '../../pool.ts';

type Db = Pool | PoolClient;

export interface Site { id: string; name: string; timezone: string; createdAt: string }

export async function listSites(db: Db, ids: string[]): Promise<Site[]> {
  const r = await db.query(`SELECT id, name, timezone, created_at AS "createdAt" FROM sites WHERE id = ANY($1) ORDER BY id`, [ids]);
  return r.rows;
}

export async function getSite(db: Db, id: string): Promise<Site | null> {
  const r = await db.query(`SELECT id, name, timezone, created_at AS "createdAt" FROM sites WHERE id = $1`, [id]);
  return r.rows[0] ?? null;
}

export async function insertSite(db: Db, s: { id: string; name: string; timezone: string }): Promise<void> {
  await db.query('INSERT INTO sites (id, name, timezone) VALUES ($1, $2, $3)', [s.id, s.name, s.timezone]);
}

export async function updateSite(db: Db, id: string, p: { name?: string; timezone?: string }): Promise<void> {
  await db.query('UPDATE sites SET name = COALESCE($2, name), timezone = COALESCE($3, timezone) WHERE id = $1',
    [id, p.name ?? null, p.timezone ?? null]);
}

export interface Operator {
  id: number; siteId: string; externalId: string; name: string; language: 'en' | 'ru'; active: boolean;
  hasPin: boolean; lockedUntil: string | null; createdAt: string; lastSessionAt: string | null;
  /** Voice enrollment (asr's templates, migration 003): distinct words trained and when. */
  voiceWords: number; voiceUpdatedAt: string | null;
}

const OP_COLS = `o.id, o.site_id AS "siteId", o.external_id AS "externalId", o.name, o.language, o.active,
  (o.pin_hash IS NOT NULL) AS "hasPin", o.locked_until AS "lockedUntil", o.created_at AS "createdAt",
  (SELECT max(s.started_at) FROM device_sessions s WHERE s.operator_id = o.id) AS "lastSessionAt",
  (SELECT count(DISTINCT v.token)::int FROM voice_templates v WHERE v.operator_id = o.id) AS "voiceWords",
  (SELECT vs.updated_at FROM voice_template_sets vs WHERE vs.operator_id = o.id) AS "voiceUpdatedAt"`;

export async function listOperators(db: Db, siteId: string): Promise<Operator[]> {
  const r = await db.query(`SELECT ${OP_COLS} FROM operators o WHERE o.site_id = $1 ORDER BY o.external_id`, [siteId]);
  return r.rows;
}

export async function getOperator(db: Db, siteId: string, id: number): Promise<Operator | null> {
  const r = await db.query(`SELECT ${OP_COLS} FROM operators o WHERE o.site_id = $1 AND o.id = $2`, [siteId, id]);
  return r.rows[0] ?? null;
}

export async function insertOperator(db: Db, o: { siteId: string; externalId: string; name: string; language: string; pinHash: string }): Promise<number> {
  const r = await db.query<{ id: number }>(`INSERT INTO operators (site_id, external_id, name, language, pin_hash)
    VALUES ($1, $2, $3, $4, $5) RETURNING id`, [o.siteId, o.externalId, o.name, o.language, o.pinHash]);
  return r.rows[0]!.id;
}

export async function updateOperator(db: Db, siteId: string, id: number, p: { name?: string; language?: string; active?: boolean; pinHash?: string }): Promise<void> {
  await db.query(`UPDATE operators SET name = COALESCE($3, name), language = COALESCE($4, language),
      active = COALESCE($5, active), pin_hash = COALESCE($6, pin_hash),
      failed_signons = CASE WHEN $6::text IS NULL THEN failed_signons ELSE 0 END,
      locked_until = CASE WHEN $6::text IS NULL THEN locked_until ELSE NULL END
    WHERE site_id = $1 AND id = $2`,
  [siteId, id, p.name ?? null, p.language ?? null, p.active ?? null, p.pinHash ?? null]);
}

export interface DeviceRow {
  id: string; siteId: string; label: string; model: string | null; appVersion: string | null;
  lastSeenAt: string | null; revokedAt: string | null; createdAt: string; activeSessionId: string | null;
}

const DEV_COLS = `d.id, d.site_id AS "siteId", d.label, d.model, d.app_version AS "appVersion", d.last_seen_at AS "lastSeenAt",
  d.revoked_at AS "revokedAt", d.created_at AS "createdAt",
  (SELECT s.id FROM device_sessions s WHERE s.device_id = d.id AND s.ended_at IS NULL ORDER BY s.started_at DESC LIMIT 1) AS "activeSessionId"`;

export async function listDevices(db: Db, siteId: string): Promise<DeviceRow[]> {
  const r = await db.query(`SELECT ${DEV_COLS} FROM devices d WHERE d.site_id = $1 ORDER BY d.label`, [siteId]);
  return r.rows;
}

export async function getDevice(db: Db, siteId: string, id: string): Promise<DeviceRow | null> {
  const r = await db.query(`SELECT ${DEV_COLS} FROM devices d WHERE d.site_id = $1 AND d.id = $2::uuid`, [siteId, id]);
  return r.rows[0] ?? null;
}

export interface SettingRow { key: string; valueType: string; value: unknown; updatedAt: string }

export async function listSettings(db: Db, siteId: string): Promise<SettingRow[]> {
  const r = await db.query(`SELECT key, value_type AS "valueType", value, updated_at AS "updatedAt"
    FROM process_settings WHERE site_id = $1 ORDER BY key`, [siteId]);
  return r.rows;
}

export async function upsertSetting(db: Db, siteId: string, key: string, valueType: string, value: unknown): Promise<void> {
  await db.query(`INSERT INTO process_settings (site_id, key, value_type, value) VALUES ($1, $2, $3, $4)
    ON CONFLICT (site_id, key) DO UPDATE SET value_type = EXCLUDED.value_type, value = EXCLUDED.value, updated_at = now()`,
  [siteId, key, valueType, JSON.stringify(value)]);
}

export async function deleteSetting(db: Db, siteId: string, key: string): Promise<void> {
  await db.query('DELETE FROM process_settings WHERE site_id = $1 AND key = $2', [siteId, key]);
}
