/** Device-session rows: create, end, find, dialog state, and the active sessions of sites. */
import { randomUUID } from 'node:crypto';
import type { Pool } from '../pool.ts';
import { isUuid } from './devices.ts';

export interface SessionRecord {
  id: string;
  siteId: string;
  deviceId: string;
  operatorId: number | null;
  gatewayNode: string;
  startedAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  dialogState: unknown;
  lastSeq: number;
}

export interface SessionDbRow {
  id: string; site_id: string; device_id: string; operator_id: number | null; gateway_node: string; started_at: Date;
  ended_at: Date | null; end_reason: string | null; dialog_state: unknown; last_seq: number;
}

export const toSession = (r: SessionDbRow): SessionRecord => ({
  id: r.id, siteId: r.site_id, deviceId: r.device_id, operatorId: r.operator_id, gatewayNode: r.gateway_node,
  startedAt: r.started_at, endedAt: r.ended_at, endReason: r.end_reason, dialogState: r.dialog_state, lastSeq: r.last_seq,
});

export interface NewSession { id?: string; siteId: string; deviceId: string; gatewayNode: string; operatorId?: number | null }

export async function createSession(pool: Pool, s: NewSession): Promise<SessionRecord> {
  const { rows } = await pool.query<SessionDbRow>(
    `INSERT INTO device_sessions (id, site_id, device_id, gateway_node, operator_id) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [s.id ?? randomUUID(), s.siteId, s.deviceId, s.gatewayNode, s.operatorId ?? null]);
  return toSession(rows[0]!);
}

/** Ends an open session; false when it does not exist or had already ended. */
export async function endSession(pool: Pool, sessionId: string, reason: string): Promise<boolean> {
  if (!isUuid(sessionId)) return false;
  const r = await pool.query('UPDATE device_sessions SET ended_at = now(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL',
    [sessionId, reason]);
  return (r.rowCount ?? 0) > 0;
}

/** Ends every open session a gateway node held (run at that node's start after a crash). */
export async function endSessionsOfNode(pool: Pool, gatewayNode: string, reason: string): Promise<number> {
  const r = await pool.query('UPDATE device_sessions SET ended_at = now(), end_reason = $2 WHERE gateway_node = $1 AND ended_at IS NULL',
    [gatewayNode, reason]);
  return r.rowCount ?? 0;
}

export async function findSession(pool: Pool, sessionId: string): Promise<SessionRecord | null> {
  if (!isUuid(sessionId)) return null;
  const { rows } = await pool.query<SessionDbRow>('SELECT * FROM device_sessions WHERE id = $1', [sessionId]);
  return rows[0] ? toSession(rows[0]) : null;
}

export async function setSessionOperator(pool: Pool, sessionId: string, operatorId: number | null): Promise<boolean> {
  if (!isUuid(sessionId)) return false;
  const r = await pool.query('UPDATE device_sessions SET operator_id = $2 WHERE id = $1', [sessionId, operatorId]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * Writes the dialog state now (the TurnLogger's `logState` is the batched way). Never moves
 * last_seq backwards: returns false when the stored state is newer or the session is unknown.
 */
export async function updateSessionState(pool: Pool, sessionId: string, state: unknown, lastSeq: number): Promise<boolean> {
  if (!isUuid(sessionId)) return false;
  const r = await pool.query('UPDATE device_sessions SET dialog_state = $2::jsonb, last_seq = $3 WHERE id = $1 AND last_seq <= $3',
    [sessionId, JSON.stringify(state ?? null), lastSeq]);
  return (r.rowCount ?? 0) > 0;
}

/** Open sessions of these sites, oldest first. */
export async function listActiveSessions(pool: Pool, siteIds: readonly string[]): Promise<SessionRecord[]> {
  const { rows } = await pool.query<SessionDbRow>(
    'SELECT * FROM device_sessions WHERE site_id = ANY($1::text[]) AND ended_at IS NULL ORDER BY started_at, id', [siteIds]);
  return rows.map(toSession);
}
