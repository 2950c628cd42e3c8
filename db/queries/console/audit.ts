/** The console's audit log: who changed what, when, with the row before and after. */
import type { Pool, PoolClient } from '../../pool.ts';

export interface AuditEntry {
  userId: number | null;
  userName: string;
  action: string;
  siteId: string | null;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export async function insertAudit(db: Pool | PoolClient, e: AuditEntry): Promise<void> {
  await db.query(`INSERT INTO console_audit (user_id, user_name, action, site_id, entity, entity_id, before, after, ip)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  [e.userId, e.userName, e.action, e.siteId, e.entity, e.entityId,
    e.before === undefined ? null : JSON.stringify(e.before), e.after === undefined ? null : JSON.stringify(e.after), e.ip]);
}

export interface AuditRow extends AuditEntry { id: number; at: string }

/** Newest first, keyset-paginated by id; `siteIds` limits to entries of those sites (and the user's own site-less ones when `includeGlobal`). */
export async function listAudit(db: Pool, opts: { siteIds: string[]; includeGlobal: boolean; beforeId?: number; limit: number }): Promise<AuditRow[]> {
  const r = await db.query(`SELECT id, at, user_id AS "userId", user_name AS "userName", action, site_id AS "siteId",
      entity, entity_id AS "entityId", before, after, ip
    FROM console_audit
    WHERE (site_id = ANY($1) OR ($2 AND site_id IS NULL)) AND ($3::bigint IS NULL OR id < $3)
    ORDER BY id DESC LIMIT $4`, [opts.siteIds, opts.includeGlobal, opts.beforeId ?? null, opts.limit]);
  return r.rows;
}
