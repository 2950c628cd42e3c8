/**
 * Reads of the dialog log for the console: the live floor snapshot, one session's transcript,
 * the history search (keyset-paginated on the indexed (site_id, at, id)) and per-minute stats.
 *
 * Conventions shared with the browser (console/src/lib/turns.ts) and documented in docs/api.md:
 * a no-match is an `utterance` turn with no accepted text; a pick is an `event` turn whose text
 * starts with `pick_confirmed`; an assignment is announced by an `event` turn `assignment:<id>`.
 */
import type { Pool } from '../../pool.ts';

export const PICK_EVENT_PREFIX = 'pick_confirmed';
export const ASSIGNMENT_EVENT_PREFIX = 'assignment:';

export interface TurnRow {
  id: number;
  sessionId: string;
  siteId: string;
  seq: number;
  at: string;
  kind: string;
  text: string | null;
  hypothesis: string | null;
  confidence: number | null;
  latencyMs: number | null;
  flowNode: string | null;
  operatorId: number | null;
}

const TURN_COLS = `t.id, t.session_id AS "sessionId", t.site_id AS "siteId", t.seq, t.at, t.kind, t.text, t.hypothesis,
  t.confidence, t.latency_ms AS "latencyMs", t.flow_node AS "flowNode", t.operator_id AS "operatorId"`;

/** The highest turn id now: a browser that loaded a snapshot subscribes from here. */
export async function turnCursor(pool: Pool): Promise<number> {
  const r = await pool.query<{ id: number | null }>('SELECT max(id) AS id FROM dialog_turns');
  return r.rows[0]?.id ?? 0;
}

export interface FloorSession {
  sessionId: string; deviceId: string; deviceLabel: string; operatorId: number | null; operatorName: string | null;
  startedAt: string; gatewayNode: string; flowNode: string | null;
  lastPrompt: { text: string | null; at: string } | null;
  lastAnswer: { kind: string; text: string | null; hypothesis: string | null; confidence: number | null; at: string } | null;
  lastLatencyMs: number | null; lastTurnAt: string | null; picks: number; answers: number; noMatches: number;
  /** Highest turn seq counted in this snapshot (a live turn with seq <= maxSeq is already in it). */
  maxSeq: number;
  /** picks/answers/noMatches count the session's last FLOOR_WINDOW_TURNS turns, from this time on. */
  windowStart: string | null;
}

/** Rates on the floor are over each session's most recent turns (bounded work per session). */
export const FLOOR_WINDOW_TURNS = 300;

export async function floorSessions(pool: Pool, siteId: string): Promise<FloorSession[]> {
  // one bounded backward scan per session (its last FLOOR_WINDOW_TURNS turns by the primary key)
  // gives the last prompt/answer/latency/step and the recent counts in a single pass
  const r = await pool.query(`SELECT s.id AS "sessionId", s.device_id AS "deviceId", d.label AS "deviceLabel",
      s.operator_id AS "operatorId", o.name AS "operatorName", s.started_at AS "startedAt", s.gateway_node AS "gatewayNode",
      c.flow_node AS "flowNode", c.last_prompt AS "lastPrompt", c.last_answer AS "lastAnswer", c.last_latency AS "lastLatencyMs",
      c.last_at AS "lastTurnAt", COALESCE(c.max_seq, 0) AS "maxSeq", c.window_start AS "windowStart",
      COALESCE(c.picks, 0) AS picks, COALESCE(c.answers, 0) AS answers, COALESCE(c.no_matches, 0) AS "noMatches"
    FROM device_sessions s
    JOIN devices d ON d.id = s.device_id
    LEFT JOIN operators o ON o.id = s.operator_id
    LEFT JOIN LATERAL (SELECT max(w.at) AS last_at, max(w.seq) AS max_seq, min(w.at) AS window_start,
        (array_agg(w.flow_node ORDER BY w.seq DESC) FILTER (WHERE w.flow_node IS NOT NULL))[1] AS flow_node,
        (array_agg(json_build_object('text', w.text, 'at', w.at) ORDER BY w.seq DESC) FILTER (WHERE w.kind = 'prompt'))[1] AS last_prompt,
        (array_agg(json_build_object('kind', w.kind, 'text', w.text, 'hypothesis', w.hypothesis, 'confidence', w.confidence, 'at', w.at)
          ORDER BY w.seq DESC) FILTER (WHERE w.kind IN ('utterance', 'text')))[1] AS last_answer,
        (array_agg(w.latency_ms ORDER BY w.seq DESC) FILTER (WHERE w.latency_ms IS NOT NULL))[1] AS last_latency,
        (count(*) FILTER (WHERE w.kind = 'event' AND w.text LIKE '${PICK_EVENT_PREFIX}%'))::int AS picks,
        (count(*) FILTER (WHERE w.kind IN ('utterance', 'text')))::int AS answers,
        (count(*) FILTER (WHERE w.kind = 'utterance' AND COALESCE(w.text, '') = ''))::int AS no_matches
      FROM (SELECT t.at, t.seq, t.kind, t.text, t.hypothesis, t.confidence, t.latency_ms, t.flow_node
              FROM dialog_turns t WHERE t.session_id = s.id ORDER BY t.seq DESC LIMIT ${FLOOR_WINDOW_TURNS}) w) c ON true
    WHERE s.site_id = $1 AND s.ended_at IS NULL
    ORDER BY d.label`, [siteId]);
  return r.rows;
}

/** Who and what a session is, for enriching live session events (one lookup per event per gateway). */
export interface SessionInfo {
  sessionId: string; siteId: string; deviceId: string; deviceLabel: string; operatorId: number | null;
  operatorName: string | null; startedAt: string; endedAt: string | null; endReason: string | null; gatewayNode: string; lastSeq: number;
}

const SESSION_COLS = `s.id AS "sessionId", s.site_id AS "siteId", s.device_id AS "deviceId", d.label AS "deviceLabel",
  s.operator_id AS "operatorId", o.name AS "operatorName", s.started_at AS "startedAt", s.ended_at AS "endedAt",
  s.end_reason AS "endReason", s.gateway_node AS "gatewayNode", s.last_seq AS "lastSeq"`;

export async function sessionInfo(pool: Pool, sessionId: string): Promise<SessionInfo | null> {
  const r = await pool.query(`SELECT ${SESSION_COLS} FROM device_sessions s JOIN devices d ON d.id = s.device_id
    LEFT JOIN operators o ON o.id = s.operator_id WHERE s.id = $1`, [sessionId]);
  return r.rows[0] ?? null;
}

export async function sessionTranscript(pool: Pool, sessionId: string, limit: number): Promise<TurnRow[]> {
  const r = await pool.query(`SELECT ${TURN_COLS} FROM dialog_turns t WHERE t.session_id = $1 ORDER BY t.seq LIMIT $2`, [sessionId, limit]);
  return r.rows;
}

export interface SessionFilter { siteId: string; from?: Date; to?: Date; operatorId?: number; deviceId?: string; before?: { at: string; id: string }; limit: number }

/** Rows carry `key`: the exact (microsecond) sort key to pass back as `before` for the next page. */
export async function listSessions(pool: Pool, f: SessionFilter): Promise<Array<SessionInfo & { key: string }>> {
  const r = await pool.query(`SELECT ${SESSION_COLS}, s.started_at::text || '|' || s.id AS key FROM device_sessions s JOIN devices d ON d.id = s.device_id
    LEFT JOIN operators o ON o.id = s.operator_id
    WHERE s.site_id = $1 AND ($2::timestamptz IS NULL OR s.started_at >= $2) AND ($3::timestamptz IS NULL OR s.started_at < $3)
      AND ($4::bigint IS NULL OR s.operator_id = $4) AND ($5::uuid IS NULL OR s.device_id = $5)
      AND ($6::timestamptz IS NULL OR (s.started_at, s.id) < ($6::timestamptz, $7::uuid))
    ORDER BY s.started_at DESC, s.id DESC LIMIT $8`,
  [f.siteId, f.from ?? null, f.to ?? null, f.operatorId ?? null, f.deviceId ?? null, f.before?.at ?? null, f.before?.id ?? null, f.limit]);
  return r.rows;
}

export interface TurnFilter {
  siteId: string; from?: Date; to?: Date; operatorId?: number; deviceId?: string; sessionId?: string;
  kind?: string; text?: string; assignment?: string; before?: { at: string; id: number }; limit: number;
}

/** History search, newest first; pass the last row's `key` as `before` for the next page. */
export async function searchTurns(pool: Pool, f: TurnFilter): Promise<Array<TurnRow & { deviceLabel: string | null; operatorName: string | null; key: string }>> {
  const where: string[] = ['t.site_id = $1'];
  const args: unknown[] = [f.siteId];
  const add = (sql: (p: string) => string, v: unknown): void => { args.push(v); where.push(sql(`$${args.length}`)); };
  if (f.from) add((p) => `t.at >= ${p}`, f.from);
  if (f.to) add((p) => `t.at < ${p}`, f.to);
  if (f.operatorId !== undefined) add((p) => `t.operator_id = ${p}`, f.operatorId);
  if (f.sessionId) add((p) => `t.session_id = ${p}::uuid`, f.sessionId);
  if (f.kind) add((p) => `t.kind = ${p}`, f.kind);
  if (f.deviceId) add((p) => `t.session_id IN (SELECT id FROM device_sessions WHERE device_id = ${p}::uuid)`, f.deviceId);
  if (f.text) add((p) => `t.text ILIKE ${p}`, `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.assignment) {
    add((p) => `t.session_id IN (SELECT a.session_id FROM dialog_turns a WHERE a.site_id = $1 AND a.kind = 'event' AND a.text = ${p})`,
      ASSIGNMENT_EVENT_PREFIX + f.assignment);
  }
  if (f.before) {
    args.push(f.before.at, f.before.id);
    where.push(`(t.at, t.id) < ($${args.length - 1}::timestamptz, $${args.length})`);
  }
  args.push(f.limit);
  const r = await pool.query(`SELECT ${TURN_COLS}, d.label AS "deviceLabel", o.name AS "operatorName", t.at::text || '|' || t.id AS key
    FROM dialog_turns t
    LEFT JOIN device_sessions s ON s.id = t.session_id
    LEFT JOIN devices d ON d.id = s.device_id
    LEFT JOIN operators o ON o.id = t.operator_id
    WHERE ${where.join(' AND ')}
    ORDER BY t.at DESC, t.id DESC LIMIT $${args.length}`, args);
  return r.rows;
}

/** Turns already logged after `afterId` for a site or a session (a reconnecting browser's catch-up). */
export async function turnsAfter(pool: Pool, scope: { siteId?: string; sessionId?: string }, afterId: number, upToId: number, limit: number): Promise<TurnRow[]> {
  const r = await pool.query(`SELECT ${TURN_COLS} FROM dialog_turns t
    WHERE t.id > $1 AND t.id <= $2 AND ($3::text IS NULL OR t.site_id = $3) AND ($4::uuid IS NULL OR t.session_id = $4)
    ORDER BY t.id LIMIT $5`, [afterId, upToId, scope.siteId ?? null, scope.sessionId ?? null, limit]);
  return r.rows;
}

export interface StatBucket { t: string; turns: number; answers: number; noMatches: number; avgConfidence: number | null }

export async function turnStats(pool: Pool, siteId: string, from: Date, to: Date, bucketS: number): Promise<StatBucket[]> {
  const r = await pool.query(`SELECT date_bin(make_interval(secs => $4), t.at, $2::timestamptz) AS t, count(*)::int AS turns,
      (count(*) FILTER (WHERE t.kind IN ('utterance', 'text')))::int AS answers,
      (count(*) FILTER (WHERE t.kind = 'utterance' AND COALESCE(t.text, '') = ''))::int AS "noMatches",
      avg(t.confidence) FILTER (WHERE t.kind = 'utterance' AND t.confidence IS NOT NULL)::real AS "avgConfidence"
    FROM dialog_turns t WHERE t.site_id = $1 AND t.at >= $2 AND t.at < $3
    GROUP BY 1 ORDER BY 1`, [siteId, from, to, bucketS]);
  return r.rows;
}
