/**
 * Flow versions (table `flows`, migration 002): drafts are editable, published versions are
 * immutable (a trigger refuses changes); new sessions take the newest published version.
 */
import type { Pool } from '../pool.ts';

export type FlowStatus = 'draft' | 'published' | 'retired';
export interface FlowRow {
  name: string; version: number; status: FlowStatus; definition: unknown;
  comment: string | null; createdBy: string | null; createdAt: Date; publishedAt: Date | null;
}

const COLS = `name, version, status, definition, comment, created_by AS "createdBy", created_at AS "createdAt", published_at AS "publishedAt"`;

/** Stores a new draft version (number = highest + 1) and returns it. */
export async function insertFlowDraft(pool: Pool, f: { name: string; definition: unknown; comment?: string; createdBy?: string }): Promise<FlowRow> {
  // Serialise version numbering per name with a transaction-level advisory lock.
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`flow:${f.name}`]);
    const { rows } = await client.query<FlowRow>(
      `INSERT INTO flows (name, version, definition, comment, created_by)
       SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4 FROM flows WHERE name = $1
       RETURNING ${COLS}`, [f.name, JSON.stringify(f.definition), f.comment ?? null, f.createdBy ?? null]);
    await client.query('COMMIT');
    return rows[0]!;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** Publishes a draft; returns null when there is no such draft. */
export async function publishFlowVersion(pool: Pool, name: string, version: number): Promise<FlowRow | null> {
  const { rows } = await pool.query<FlowRow>(
    `UPDATE flows SET status = 'published', published_at = now() WHERE name = $1 AND version = $2 AND status = 'draft'
     RETURNING ${COLS}`, [name, version]);
  return rows[0] ?? null;
}

export async function getFlowVersion(pool: Pool, name: string, version: number): Promise<FlowRow | null> {
  const { rows } = await pool.query<FlowRow>(`SELECT ${COLS} FROM flows WHERE name = $1 AND version = $2`, [name, version]);
  return rows[0] ?? null;
}

/** The newest published version of every flow name. */
export async function latestPublishedFlows(pool: Pool): Promise<FlowRow[]> {
  const { rows } = await pool.query<FlowRow>(
    `SELECT DISTINCT ON (name) ${COLS} FROM flows WHERE status = 'published' ORDER BY name, version DESC`);
  return rows;
}

/** Every version of one flow, newest first (without definitions). */
export async function listFlowVersions(pool: Pool, name: string): Promise<Omit<FlowRow, 'definition'>[]> {
  const { rows } = await pool.query<FlowRow>(
    `SELECT name, version, status, comment, created_by AS "createdBy", created_at AS "createdAt", published_at AS "publishedAt"
     FROM flows WHERE name = $1 ORDER BY version DESC`, [name]);
  return rows;
}
