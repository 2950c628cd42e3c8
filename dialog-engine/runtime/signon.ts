/**
 * Operator sign-on: PIN check and lockout. The WMS is asked first (PIN_AUTHORITY=wms); a good PIN
 * is kept locally as an argon2id hash (@node-rs/argon2), so sign-on still works during a WMS
 * outage. With PIN_AUTHORITY=local only the local hash counts. Lockout is always local:
 * `signonMaxFailures` failures in a row lock the operator for `signonLockMinutes`.
 */
import { hash, verify } from '@node-rs/argon2';
import type { Pool } from '../../db/index.ts';
import { WmsError, type OperatorInfo, type WmsConnector } from '../wms/types.ts';
import type { Json, WmsResultInput } from '../types.ts';
import { MAX_KNOWN } from '../context.ts';

export interface SignonSettings { pinAuthority: 'wms' | 'local'; signonMaxFailures: number; signonLockMinutes: number }

interface OperatorRow {
  id: number; name: string; language: 'en' | 'ru'; pinHash: string | null; lockedMinutes: number | null;
  active: boolean; ttsRate: number; ttsVolume: number;
}

async function findOperator(pool: Pool, siteId: string, externalId: string): Promise<OperatorRow | null> {
  const { rows } = await pool.query<OperatorRow>(
    `SELECT id, name, language, pin_hash AS "pinHash", active, tts_rate AS "ttsRate", tts_volume AS "ttsVolume",
       CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()) / 60)::int END AS "lockedMinutes"
     FROM operators WHERE site_id = $1 AND external_id = $2`, [siteId, externalId]);
  return rows[0] ?? null;
}

async function pinMatches(pinHash: string | null, pin: string): Promise<boolean> {
  if (!pinHash) return false;
  try {
    return await verify(pinHash, pin);
  } catch {
    // A malformed stored hash counts as "no local PIN": the WMS decides, or the PIN is refused.
    return false;
  }
}

function result(data: Json, warning?: string): WmsResultInput {
  return { type: 'wmsResult', status: 'ok', data, ...(warning ? { warning } : {}) };
}

/** Validates an operator number and PIN; the result's data is what the sign-on flow branches on. */
export async function validateOperator(
  pool: Pool, connector: WmsConnector, s: SignonSettings, siteId: string, externalId: string, pin: string,
): Promise<WmsResultInput> {
  const row = await findOperator(pool, siteId, externalId);
  if (row?.lockedMinutes) return result({ valid: false, reason: 'locked', lockedMinutes: row.lockedMinutes });
  if (row && !row.active) return result({ valid: false, reason: 'inactive' });

  let verdict: 'ok' | 'bad' | 'unknown';
  let info: OperatorInfo | null = null;
  let warning: string | undefined;
  if (s.pinAuthority === 'wms') {
    try {
      const r = await connector.validateOperator(siteId, externalId, pin);
      warning = r.warning;
      if (r.value.valid) { verdict = 'ok'; info = r.value.operator; } else verdict = r.value.reason === 'unknown' ? 'unknown' : 'bad';
    } catch (err) {
      if (!(err instanceof WmsError)) throw err;
      if (err.code === 'WMS_CRITICAL') return { type: 'wmsResult', status: 'critical', message: err.message };
      if (err.code === 'WMS_REJECTED' || !row?.pinHash) return { type: 'wmsResult', status: 'error', message: err.message };
      verdict = (await pinMatches(row.pinHash, pin)) ? 'ok' : 'bad'; // WMS down: the locally kept PIN decides
    }
  } else {
    verdict = !row ? 'unknown' : (await pinMatches(row.pinHash, pin)) ? 'ok' : 'bad';
  }

  if (verdict === 'ok') {
    const keep = row && (await pinMatches(row.pinHash, pin)) ? row.pinHash : await hash(pin);
    const { rows } = await pool.query<{ id: number; name: string; language: 'en' | 'ru'; ttsRate: number; ttsVolume: number }>(
      `INSERT INTO operators (site_id, external_id, name, language, pin_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (site_id, external_id) DO UPDATE SET name = EXCLUDED.name, language = EXCLUDED.language,
         pin_hash = EXCLUDED.pin_hash, failed_signons = 0, locked_until = NULL
       RETURNING id, name, language, tts_rate AS "ttsRate", tts_volume AS "ttsVolume"`,
      [siteId, externalId, info?.name ?? row?.name ?? externalId, info?.language ?? row?.language ?? 'en', keep]);
    const op = rows[0]!;
    return result({ valid: true, operator: { id: op.id, externalId, name: op.name, language: op.language, ttsRate: op.ttsRate, ttsVolume: op.ttsVolume } }, warning);
  }
  if (verdict === 'unknown' && !row) return result({ valid: false, reason: 'unknown' }, warning);
  // A wrong PIN for an operator the WMS or we know: count it (a row is created to hold the count).
  const { rows } = await pool.query<{ failed: number; locked: boolean }>(
    `INSERT INTO operators (site_id, external_id, name, failed_signons) VALUES ($1, $2, $2, 1)
     ON CONFLICT (site_id, external_id) DO UPDATE SET failed_signons = operators.failed_signons + 1
     RETURNING failed_signons AS failed, false AS locked`, [siteId, externalId]);
  if ((rows[0]?.failed ?? 0) >= s.signonMaxFailures) {
    await pool.query(
      `UPDATE operators SET failed_signons = 0, locked_until = now() + make_interval(mins => $3) WHERE site_id = $1 AND external_id = $2`,
      [siteId, externalId, s.signonLockMinutes]);
    return result({ valid: false, reason: 'locked', lockedMinutes: s.signonLockMinutes }, warning);
  }
  return result({ valid: false, reason: 'bad-pin' }, warning);
}

/**
 * The site's record of an operator number, before the PIN is checked: only so that the
 * recogniser can use that operator's voice templates for the PIN. Says nothing about the PIN.
 */
export async function identifyOperator(pool: Pool, siteId: string, externalId: string): Promise<WmsResultInput> {
  const row = await findOperator(pool, siteId, externalId);
  return result(row?.active ? { known: true, id: Number(row.id) } : { known: false, id: null });
}

/** The site's active operator numbers (digit strings only), for a sign-on that hears only those. */
export async function operatorRoster(pool: Pool, siteId: string): Promise<WmsResultInput> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT external_id AS n FROM operators WHERE site_id = $1 AND active AND external_id ~ '^[0-9]{1,20}$'
     ORDER BY external_id LIMIT $2`, [siteId, MAX_KNOWN + 1]);
  // A longer roster is not used (any number is heard): the grammar would grow past what decodes in time.
  return result({ numbers: rows.length > MAX_KNOWN ? [] : rows.map((r) => r.n) });
}

/** Keeps the operator's speech settings (talk louder / softer / faster / slower). */
export async function saveOperatorTts(pool: Pool, operatorId: number, tts: { ttsRate?: number; ttsVolume?: number }): Promise<void> {
  await pool.query(
    'UPDATE operators SET tts_rate = COALESCE($2, tts_rate), tts_volume = COALESCE($3, tts_volume) WHERE id = $1',
    [operatorId, tts.ttsRate ?? null, tts.ttsVolume ?? null]);
}
