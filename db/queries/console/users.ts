/** Console users, their site scopes and web sessions. */
import type { Pool, PoolClient } from '../../pool.ts';

export type Role = 'admin' | 'supervisor' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'supervisor', 'viewer'];
type Db = Pool | PoolClient;

export interface ConsoleUser {
  id: number;
  name: string;
  displayName: string;
  role: Role;
  language: 'en' | 'ru';
  active: boolean;
  sites: string[];
  createdAt: string;
}

const USER_COLS = `u.id, u.name, u.display_name AS "displayName", u.role, u.language, u.active,
  u.created_at AS "createdAt",
  COALESCE((SELECT array_agg(s.site_id ORDER BY s.site_id) FROM console_user_sites s WHERE s.user_id = u.id), '{}') AS sites`;

export async function findUserByName(db: Db, name: string): Promise<(ConsoleUser & { passwordHash: string }) | null> {
  const r = await db.query(`SELECT ${USER_COLS}, u.password_hash AS "passwordHash" FROM console_users u WHERE u.name = $1`, [name]);
  return r.rows[0] ?? null;
}

export async function getUser(db: Db, id: number): Promise<ConsoleUser | null> {
  const r = await db.query(`SELECT ${USER_COLS} FROM console_users u WHERE u.id = $1`, [id]);
  return r.rows[0] ?? null;
}

/** Users sharing at least one site with `siteIds`. */
export async function listUsers(db: Db, siteIds: string[]): Promise<ConsoleUser[]> {
  const r = await db.query(`SELECT ${USER_COLS} FROM console_users u
    WHERE EXISTS (SELECT 1 FROM console_user_sites s WHERE s.user_id = u.id AND s.site_id = ANY($1))
       OR NOT EXISTS (SELECT 1 FROM console_user_sites s WHERE s.user_id = u.id)
    ORDER BY u.name`, [siteIds]);
  return r.rows;
}

export interface NewUser { name: string; displayName: string; passwordHash: string; role: Role; language: 'en' | 'ru'; sites: string[] }

export async function insertUser(db: Db, u: NewUser): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO console_users (name, display_name, password_hash, role, language) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [u.name, u.displayName, u.passwordHash, u.role, u.language]);
  const id = r.rows[0]!.id;
  await setUserSites(db, id, u.sites);
  return id;
}

export interface UserPatch { displayName?: string; role?: Role; language?: 'en' | 'ru'; active?: boolean; passwordHash?: string }

export async function updateUser(db: Db, id: number, p: UserPatch): Promise<void> {
  await db.query(`UPDATE console_users SET
      display_name = COALESCE($2, display_name), role = COALESCE($3, role), language = COALESCE($4, language),
      active = COALESCE($5, active), password_hash = COALESCE($6, password_hash), updated_at = now()
    WHERE id = $1`,
  [id, p.displayName ?? null, p.role ?? null, p.language ?? null, p.active ?? null, p.passwordHash ?? null]);
}

export async function setUserSites(db: Db, id: number, sites: string[]): Promise<void> {
  await db.query('DELETE FROM console_user_sites WHERE user_id = $1', [id]);
  await db.query('INSERT INTO console_user_sites (user_id, site_id) SELECT $1, unnest($2::text[])', [id, sites]);
}

/** Active admins of a site other than `exceptUserId`. */
export async function countOtherAdmins(db: Db, siteId: string, exceptUserId: number): Promise<number> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM console_users u
    JOIN console_user_sites s ON s.user_id = u.id
    WHERE s.site_id = $1 AND u.role = 'admin' AND u.active AND u.id <> $2`, [siteId, exceptUserId]);
  return r.rows[0]!.n;
}

export async function userCount(db: Db): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM console_users');
  return r.rows[0]!.n;
}

// --- web sessions -------------------------------------------------------------------------

export interface WebSession { userId: number; csrfToken: string; expiresAt: Date }

export async function insertWebSession(db: Db, s: { tokenHash: string; userId: number; csrfToken: string; ttlS: number; ip: string; userAgent: string }): Promise<Date> {
  const r = await db.query<{ expires_at: Date }>(`INSERT INTO console_sessions (token_hash, user_id, csrf_token, expires_at, ip, user_agent)
    VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5, $6) RETURNING expires_at`,
  [s.tokenHash, s.userId, s.csrfToken, s.ttlS, s.ip, s.userAgent]);
  return r.rows[0]!.expires_at;
}

/** The live session for a token hash with its (active) user, touching last_seen_at. */
export async function lookupWebSession(db: Db, tokenHash: string): Promise<(WebSession & { user: ConsoleUser }) | null> {
  const r = await db.query(`UPDATE console_sessions cs SET last_seen_at = now()
    FROM console_users u
    WHERE cs.token_hash = $1 AND cs.expires_at > now() AND u.id = cs.user_id AND u.active
    RETURNING cs.user_id AS "userId", cs.csrf_token AS "csrfToken", cs.expires_at AS "expiresAt"`, [tokenHash]);
  const row = r.rows[0] as WebSession | undefined;
  if (!row) return null;
  const user = await getUser(db, row.userId);
  return user ? { ...row, user } : null;
}

export async function deleteWebSession(db: Db, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM console_sessions WHERE token_hash = $1', [tokenHash]);
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.query('DELETE FROM console_sessions WHERE user_id = $1', [userId]);
}

export async function purgeExpiredSessions(db: Db): Promise<number> {
  const r = await db.query('DELETE FROM console_sessions WHERE expires_at < now()');
  return r.rowCount ?? 0;
}
