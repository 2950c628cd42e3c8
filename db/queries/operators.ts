/** Operator look-ups for sign-on, and the failed-sign-on counter. */
import type { Pool } from '../pool.ts';

export interface OperatorRecord {
  id: number;
  siteId: string;
  externalId: string;
  name: string;
  language: 'en' | 'ru';
  pinHash: string | null;
  ttsRate: number;
  ttsVolume: number;
  ttsPitch: number;
  failedSignons: number;
  lockedUntil: Date | null;
  active: boolean;
  createdAt: Date;
}

interface OperatorDbRow {
  id: number; site_id: string; external_id: string; name: string; language: 'en' | 'ru'; pin_hash: string | null;
  tts_rate: number; tts_volume: number; tts_pitch: number; failed_signons: number; locked_until: Date | null;
  active: boolean; created_at: Date;
}

const toOperator = (r: OperatorDbRow): OperatorRecord => ({
  id: r.id, siteId: r.site_id, externalId: r.external_id, name: r.name, language: r.language, pinHash: r.pin_hash,
  ttsRate: r.tts_rate, ttsVolume: r.tts_volume, ttsPitch: r.tts_pitch, failedSignons: r.failed_signons,
  lockedUntil: r.locked_until, active: r.active, createdAt: r.created_at,
});

export async function findOperatorByExternalId(pool: Pool, siteId: string, externalId: string): Promise<OperatorRecord | null> {
  const { rows } = await pool.query<OperatorDbRow>('SELECT * FROM operators WHERE site_id = $1 AND external_id = $2', [siteId, externalId]);
  return rows[0] ? toOperator(rows[0]) : null;
}

export async function findOperatorById(pool: Pool, operatorId: number): Promise<OperatorRecord | null> {
  if (!Number.isSafeInteger(operatorId)) return null;
  const { rows } = await pool.query<OperatorDbRow>('SELECT * FROM operators WHERE id = $1', [operatorId]);
  return rows[0] ? toOperator(rows[0]) : null;
}

/**
 * Counts a failed sign-on; after `maxFailures` in a row the operator is locked for `lockMs`
 * (and the counter restarts). Returns the new count and the lock, if any.
 */
export async function recordFailedSignon(
  pool: Pool, operatorId: number, maxFailures: number, lockMs: number,
): Promise<{ failedSignons: number; lockedUntil: Date | null } | null> {
  const { rows } = await pool.query<{ failed_signons: number; locked_until: Date | null }>(
    `UPDATE operators SET
       failed_signons = CASE WHEN failed_signons + 1 >= $2 THEN 0 ELSE failed_signons + 1 END,
       locked_until = CASE WHEN failed_signons + 1 >= $2 THEN now() + make_interval(secs => $3::double precision / 1000) ELSE locked_until END
     WHERE id = $1 RETURNING failed_signons, locked_until`, [operatorId, maxFailures, lockMs]);
  const r = rows[0];
  return r ? { failedSignons: r.failed_signons, lockedUntil: r.locked_until } : null;
}

/** Clears the failed-sign-on counter and any lock (after a successful sign-on). */
export async function resetFailedSignons(pool: Pool, operatorId: number): Promise<void> {
  await pool.query('UPDATE operators SET failed_signons = 0, locked_until = NULL WHERE id = $1', [operatorId]);
}
