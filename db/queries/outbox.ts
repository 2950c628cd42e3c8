/**
 * The transactional WMS outbox (table `wms_outbox`, migration 002). Writes are enqueued in the
 * same transaction as the dialog turn that caused them; a dispatcher claims due items with a
 * lease (several gateway nodes may dispatch), strictly in id order per session.
 */
import type { Pool, PoolClient } from '../pool.ts';
import type { TurnRecord } from '../turn.ts';

export type OutboxOperation = 'confirmPick' | 'reportShort' | 'completeAssignment';
export interface OutboxItem {
  idempotencyKey: string; siteId: string; sessionId: string | null; operatorId: number | null;
  operation: OutboxOperation; payload: Record<string, unknown>;
}
export interface OutboxRow extends OutboxItem { id: number; status: 'pending' | 'delivered' | 'rejected'; attempts: number; lastError: string | null; createdAt: Date; deliveredAt: Date | null }

const COLS = `id, idempotency_key AS "idempotencyKey", site_id AS "siteId", session_id AS "sessionId", operator_id AS "operatorId",
  operation, payload, status, attempts, last_error AS "lastError", created_at AS "createdAt", delivered_at AS "deliveredAt"`;

const COLS_O = `o.id, o.idempotency_key AS "idempotencyKey", o.site_id AS "siteId", o.session_id AS "sessionId",
  o.operator_id AS "operatorId", o.operation, o.payload, o.status, o.attempts, o.last_error AS "lastError",
  o.created_at AS "createdAt", o.delivered_at AS "deliveredAt"`;

/** Inserts the causing turn (a no-op when the gateway already wrote it) — call inside a transaction. */
export async function insertTurnRow(client: PoolClient, t: TurnRecord): Promise<void> {
  await client.query(
    `INSERT INTO dialog_turns (session_id, site_id, seq, at, kind, text, hypothesis, confidence, latency_ms, flow_node, operator_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (session_id, seq, at) DO NOTHING`,
    [t.sessionId, t.siteId, t.seq, t.at, t.kind, t.text, t.hypothesis ?? null, t.confidence ?? null, t.latencyMs ?? null, t.flowNode ?? null, t.operatorId ?? null]);
}

/**
 * Enqueues writes, and the turn that caused them, in one transaction. A repeated idempotency
 * key is a no-op. Returns how many items were new.
 */
export async function enqueueOutbox(pool: Pool, items: OutboxItem[], turn?: TurnRecord): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (turn) await insertTurnRow(client, turn);
    let added = 0;
    for (const it of items) {
      const r = await client.query(
        `INSERT INTO wms_outbox (idempotency_key, site_id, session_id, operator_id, operation, payload)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING`,
        [it.idempotencyKey, it.siteId, it.sessionId, it.operatorId, it.operation, JSON.stringify(it.payload)]);
      added += r.rowCount ?? 0;
    }
    await client.query('COMMIT');
    return added;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Claims due items, oldest first, leased for `leaseMs`. An item is claimable only when no older
 * item of its session is leased (in flight elsewhere) or waiting for a retry, so a session's
 * writes go out in order. `operatorId` limits the claim to one operator.
 */
export async function claimDueOutbox(pool: Pool, opts: { limit: number; leaseMs: number; operatorId?: number }): Promise<OutboxRow[]> {
  const { rows } = await pool.query<OutboxRow>(
    `UPDATE wms_outbox o SET lease_until = now() + make_interval(secs => $2::double precision / 1000)
     WHERE o.id IN (
       SELECT c.id FROM wms_outbox c
       WHERE c.status = 'pending' AND c.next_attempt_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now())
         AND ($3::bigint IS NULL OR c.operator_id = $3::bigint)
         AND NOT EXISTS (SELECT 1 FROM wms_outbox e WHERE e.session_id = c.session_id AND e.status = 'pending' AND e.id < c.id
                         AND (e.next_attempt_at > now() OR e.lease_until >= now()))
       ORDER BY c.id LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLS_O}`,
    [opts.limit, opts.leaseMs, opts.operatorId ?? null]);
  return rows.sort((a, b) => a.id - b.id);
}

/** Marks delivered items (one statement for a whole round). */
export async function markOutboxDelivered(pool: Pool, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await pool.query(
    `UPDATE wms_outbox SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, lease_until = NULL, last_error = NULL
     WHERE id = ANY($1::bigint[])`, [ids]);
}

/** A failed attempt: try again after `delayMs`. Returns the attempts so far. */
export async function markOutboxRetry(pool: Pool, id: number, error: string, delayMs: number): Promise<number> {
  const { rows } = await pool.query<{ attempts: number }>(
    `UPDATE wms_outbox SET attempts = attempts + 1, last_error = left($2, 500), lease_until = NULL,
       next_attempt_at = now() + make_interval(secs => $3::double precision / 1000) WHERE id = $1 RETURNING attempts`,
    [id, error, delayMs]);
  return rows[0]?.attempts ?? 0;
}

/** The host refused the write for good (it will not be retried; a supervisor must look). */
export async function markOutboxRejected(pool: Pool, id: number, error: string): Promise<void> {
  await pool.query(`UPDATE wms_outbox SET status = 'rejected', attempts = attempts + 1, last_error = left($2, 500), lease_until = NULL WHERE id = $1`, [id, error]);
}

export async function releaseOutboxLease(pool: Pool, ids: number[]): Promise<void> {
  if (ids.length) await pool.query('UPDATE wms_outbox SET lease_until = NULL WHERE id = ANY($1::bigint[])', [ids]);
}

export async function countPendingOutbox(pool: Pool, operatorId?: number): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM wms_outbox WHERE status = 'pending' AND ($1::bigint IS NULL OR operator_id = $1::bigint)`, [operatorId ?? null]);
  return rows[0]?.n ?? 0;
}

/** Makes an operator's pending writes due now (the picker asked to try again). */
export async function makeOperatorOutboxDue(pool: Pool, operatorId: number): Promise<number> {
  const r = await pool.query(
    `UPDATE wms_outbox SET next_attempt_at = now()
     WHERE status = 'pending' AND operator_id = $1 AND next_attempt_at > now() AND (lease_until IS NULL OR lease_until < now())`, [operatorId]);
  return r.rowCount ?? 0;
}

/** An operator's pending writes: how many, and how many are waiting for a retry after failing. */
export async function pendingOutboxOfOperator(pool: Pool, operatorId: number): Promise<{ pending: number; failing: number }> {
  const { rows } = await pool.query<{ pending: number; failing: number }>(
    `SELECT count(*)::int AS pending,
       count(*) FILTER (WHERE attempts > 0 AND next_attempt_at > now() AND (lease_until IS NULL OR lease_until < now()))::int AS failing
     FROM wms_outbox WHERE status = 'pending' AND operator_id = $1`, [operatorId]);
  return rows[0] ?? { pending: 0, failing: 0 };
}

/** For metrics and the console: counts by status and the age of the oldest pending item. */
export async function outboxStats(pool: Pool): Promise<{ pending: number; delivered: number; rejected: number; oldestPendingS: number | null }> {
  const { rows } = await pool.query<{ pending: number; delivered: number; rejected: number; oldest: number | null }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
       count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
       extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending'))::float8 AS oldest FROM wms_outbox`);
  const r = rows[0]!;
  return { pending: r.pending, delivered: r.delivered, rejected: r.rejected, oldestPendingS: r.oldest };
}

export async function listOutbox(pool: Pool, opts: { sessionId?: string; limit?: number } = {}): Promise<OutboxRow[]> {
  const { rows } = await pool.query<OutboxRow>(
    `SELECT ${COLS} FROM wms_outbox WHERE ($1::uuid IS NULL OR session_id = $1::uuid) ORDER BY id LIMIT $2`, [opts.sessionId ?? null, opts.limit ?? 1000]);
  return rows;
}
