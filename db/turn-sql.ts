/**
 * SQL that writes the dialog log and per-session dialog state. All writes are idempotent:
 * turns on (session_id, seq, at) with ON CONFLICT DO NOTHING, states guarded by last_seq.
 */
import type { QueryConfig } from 'pg';
import type { Pool } from './pool.ts';
import type { TurnRecord } from './turn.ts';
import { isDataError } from './log.ts';

/** A coalesced dialog-state update; `stateJson` is the state already serialised (a snapshot). */
export interface StateUpdate { sessionId: string; stateJson: string; lastSeq: number }

/** A row the database refused for its content (bad uuid, unknown kind...): logged and dropped. */
export interface RejectedRow { what: 'turn' | 'state'; sessionId: string; seq: number; code: string; message: string }

const COLUMNS = 'session_id, site_id, seq, at, kind, text, hypothesis, confidence, latency_ms, flow_node, operator_id';

/** One statement, 11 array parameters whatever the batch size (chosen by measurement, see db/bench). */
const INSERT_UNNEST = `INSERT INTO dialog_turns (${COLUMNS})
SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::text[], $6::text[],
                     $7::text[], $8::real[], $9::int[], $10::text[], $11::bigint[])
ON CONFLICT (session_id, seq, at) DO NOTHING`;

const INSERT_ONE = `INSERT INTO dialog_turns (${COLUMNS})
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (session_id, seq, at) DO NOTHING`;

const APPLY_STATES = `UPDATE device_sessions d SET dialog_state = v.state, last_seq = v.last_seq
FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, state jsonb, last_seq integer)
WHERE d.id = v.id AND d.last_seq <= v.last_seq`;

/** A query with pg's per-query client-side timeout (supported by pg, missing from its types). */
export function timed(text: string, values: unknown[], timeoutMs?: number): QueryConfig {
  const cfg: QueryConfig & { query_timeout?: number } = { text, values, query_timeout: timeoutMs };
  return cfg;
}

function rowValues(t: TurnRecord): unknown[] {
  return [t.sessionId, t.siteId, t.seq, t.at, t.kind, t.text ?? null, t.hypothesis ?? null,
    t.confidence ?? null, t.latencyMs ?? null, t.flowNode ?? null, t.operatorId ?? null];
}

/** Batched insert via unnest(). Returns how many rows were new (the rest were already there). */
export async function insertTurnsUnnest(pool: Pool, turns: readonly TurnRecord[], timeoutMs?: number): Promise<number> {
  if (turns.length === 0) return 0;
  const cols: unknown[][] = Array.from({ length: 11 }, () => new Array<unknown>(turns.length));
  turns.forEach((t, i) => rowValues(t).forEach((v, c) => { cols[c]![i] = v; }));
  const r = await pool.query(timed(INSERT_UNNEST, cols, timeoutMs));
  return r.rowCount ?? 0;
}

/** Batched insert as one multi-row VALUES list (kept for the benchmark comparison). */
export async function insertTurnsValues(pool: Pool, turns: readonly TurnRecord[], timeoutMs?: number): Promise<number> {
  if (turns.length === 0) return 0;
  const values: unknown[] = [];
  const tuples = turns.map((t) => {
    const base = values.length;
    values.push(...rowValues(t));
    return `(${Array.from({ length: 11 }, (_, c) => `$${base + c + 1}`).join(', ')})`;
  });
  const text = `INSERT INTO dialog_turns (${COLUMNS}) VALUES ${tuples.join(', ')} ON CONFLICT (session_id, seq, at) DO NOTHING`;
  const r = await pool.query(timed(text, values, timeoutMs));
  return r.rowCount ?? 0;
}

/** One INSERT for one turn. */
export async function insertTurnOne(pool: Pool, turn: TurnRecord, timeoutMs?: number): Promise<number> {
  const r = await pool.query(timed(INSERT_ONE, rowValues(turn), timeoutMs));
  return r.rowCount ?? 0;
}

function rejection(what: RejectedRow['what'], sessionId: string, seq: number, err: unknown): RejectedRow {
  const e = err as { code?: string; message?: string };
  return { what, sessionId, seq, code: e.code ?? 'UNKNOWN', message: e.message ?? String(err) };
}

/**
 * Writes a batch; when the database refuses the batch for its data, retries row by row and
 * returns the rows it refused. Errors that mean "unavailable" are thrown to the caller.
 */
export async function insertTurnsSafe(
  pool: Pool, turns: readonly TurnRecord[], timeoutMs?: number,
): Promise<{ inserted: number; rejected: RejectedRow[] }> {
  try {
    return { inserted: await insertTurnsUnnest(pool, turns, timeoutMs), rejected: [] };
  } catch (err) {
    if (!isDataError(err)) throw err;
  }
  let inserted = 0;
  const rejected: RejectedRow[] = [];
  for (const t of turns) {
    try {
      inserted += await insertTurnOne(pool, t, timeoutMs);
    } catch (err) {
      if (!isDataError(err)) throw err;
      rejected.push(rejection('turn', t.sessionId, t.seq, err));
    }
  }
  return { inserted, rejected };
}

function statesJson(updates: readonly StateUpdate[]): string {
  return `[${updates.map((u) => `{"id":${JSON.stringify(u.sessionId)},"last_seq":${u.lastSeq},"state":${u.stateJson}}`).join(',')}]`;
}

/**
 * Applies dialog-state updates in one statement. An update never moves a session's last_seq
 * backwards (a replayed older update is a no-op); unknown sessions are ignored.
 */
export async function applyStatesSafe(
  pool: Pool, updates: readonly StateUpdate[], timeoutMs?: number,
): Promise<{ rejected: RejectedRow[] }> {
  if (updates.length === 0) return { rejected: [] };
  try {
    await pool.query(timed(APPLY_STATES, [statesJson(updates)], timeoutMs));
    return { rejected: [] };
  } catch (err) {
    if (!isDataError(err)) throw err;
  }
  const rejected: RejectedRow[] = [];
  for (const u of updates) {
    try {
      await pool.query(timed(APPLY_STATES, [statesJson([u])], timeoutMs));
    } catch (err) {
      if (!isDataError(err)) throw err;
      rejected.push(rejection('state', u.sessionId, u.lastSeq, err));
    }
  }
  return { rejected };
}
