/**
 * Reading the dialog log and sessions from a cursor. `turnsAfter` pages by the global turn id;
 * `TurnFeed` (db/turn-feed.ts) builds live delivery on it.
 */
import type { Pool } from './pool.ts';
import type { TurnKind } from './turn.ts';
import { listActiveSessions, toSession, type SessionDbRow, type SessionRecord } from './queries/sessions.ts';

/** A stored turn; `id` is the global cursor (bigserial, increasing in insertion order). */
export interface TurnRow {
  id: number;
  sessionId: string;
  siteId: string;
  seq: number;
  at: Date;
  kind: TurnKind;
  text: string | null;
  hypothesis: string | null;
  confidence: number | null;
  latencyMs: number | null;
  flowNode: string | null;
  operatorId: number | null;
}

interface TurnDbRow {
  id: number; session_id: string; site_id: string; seq: number; at: Date; kind: TurnKind; text: string | null;
  hypothesis: string | null; confidence: number | null; latency_ms: number | null; flow_node: string | null;
  operator_id: number | null;
}

export const toTurnRow = (r: TurnDbRow): TurnRow => ({
  id: r.id, sessionId: r.session_id, siteId: r.site_id, seq: r.seq, at: r.at, kind: r.kind, text: r.text,
  hypothesis: r.hypothesis, confidence: r.confidence, latencyMs: r.latency_ms, flowNode: r.flow_node, operatorId: r.operator_id,
});

export interface TurnsAfterQuery {
  /** Return turns with id > afterId (0 = from the beginning). */
  afterId: number;
  /** Only these sites (undefined = all). */
  siteIds?: readonly string[];
  sessionId?: string;
  /** Page size (capped at 10,000). */
  limit: number;
  /** Only turns with id <= upToId (the feed's safe horizon). */
  upToId?: number;
}

/** Turns after a cursor, ordered by id. */
export async function turnsAfter(pool: Pool, q: TurnsAfterQuery): Promise<TurnRow[]> {
  const limit = Math.max(1, Math.min(10_000, Math.floor(q.limit)));
  const { rows } = await pool.query<TurnDbRow>(
    `SELECT id, session_id, site_id, seq, at, kind, text, hypothesis, confidence, latency_ms, flow_node, operator_id
       FROM dialog_turns
      WHERE id > $1 AND ($2::text[] IS NULL OR site_id = ANY($2::text[]))
        AND ($3::uuid IS NULL OR session_id = $3::uuid) AND ($4::bigint IS NULL OR id <= $4::bigint)
      ORDER BY id LIMIT $5`,
    [q.afterId, q.siteIds ?? null, q.sessionId ?? null, q.upToId ?? null, limit]);
  return rows.map(toTurnRow);
}

/** Only the ids of the turns after a cursor, in order: what keeps a cursor without reading the rows. */
export async function turnIdsAfter(pool: Pool, afterId: number, limit: number): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>('SELECT id FROM dialog_turns WHERE id > $1 ORDER BY id LIMIT $2',
    [afterId, Math.max(1, Math.min(10_000, Math.floor(limit)))]);
  return rows.map((r) => r.id);
}

/** The highest turn id now visible (0 for an empty log). */
export async function maxTurnId(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ m: number | null }>('SELECT max(id) AS m FROM dialog_turns');
  return rows[0]?.m ?? 0;
}

/** Open sessions of these sites (the console's starting picture). */
export function activeSessions(pool: Pool, siteIds: readonly string[]): Promise<SessionRecord[]> {
  return listActiveSessions(pool, siteIds);
}

/**
 * Catch-up for sessions after a listener gap: sessions of these sites that started or ended at
 * or after `since` (pass the time of the last notification minus a margin; device_sessions has
 * no change counter, so operator sign-ons are caught up by re-reading `activeSessions`).
 */
export async function sessionsChangedSince(pool: Pool, q: { since: Date; siteIds: readonly string[]; limit?: number }): Promise<SessionRecord[]> {
  const { rows } = await pool.query<SessionDbRow>(
    `SELECT * FROM device_sessions
      WHERE site_id = ANY($1::text[]) AND (started_at >= $2 OR ended_at >= $2)
      ORDER BY greatest(started_at, coalesce(ended_at, started_at)), id LIMIT $3`,
    [q.siteIds, q.since, Math.max(1, Math.min(10_000, q.limit ?? 1000))]);
  return rows.map(toSession);
}
