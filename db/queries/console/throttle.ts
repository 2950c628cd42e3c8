/**
 * Sign-in throttling shared by all gateway nodes: failures per key ('user:<name>', 'ip:<addr>')
 * counted in a fixed window; at the limit the key is locked for a while.
 */
import type { Pool } from '../../pool.ts';

export interface ThrottlePolicy { maxFailures: number; windowS: number; lockS: number }

/** Seconds until the first of `keys` unlocks, or 0 if none is locked. */
export async function lockedFor(pool: Pool, keys: string[]): Promise<number> {
  const r = await pool.query<{ s: number | null }>(`SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int AS s
    FROM console_signin_throttle WHERE key = ANY($1) AND locked_until > now()`, [keys]);
  return r.rows[0]?.s ?? 0;
}

export async function recordFailure(pool: Pool, keys: string[], p: ThrottlePolicy): Promise<void> {
  await pool.query(`INSERT INTO console_signin_throttle AS t (key, failures, window_start)
      SELECT k, 1, now() FROM unnest($1::text[]) AS k
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END,
      window_start = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN now() ELSE t.window_start END,
      locked_until = CASE
        WHEN t.window_start >= now() - make_interval(secs => $2) AND t.failures + 1 >= $3
        THEN now() + make_interval(secs => $4) ELSE t.locked_until END`,
  [keys, p.windowS, p.maxFailures, p.lockS]);
  // a first failure with maxFailures = 1 locks at once
  if (p.maxFailures <= 1) {
    await pool.query(`UPDATE console_signin_throttle SET locked_until = now() + make_interval(secs => $2) WHERE key = ANY($1)`, [keys, p.lockS]);
  }
}

export async function clearFailures(pool: Pool, key: string): Promise<void> {
  await pool.query('DELETE FROM console_signin_throttle WHERE key = $1', [key]);
}
