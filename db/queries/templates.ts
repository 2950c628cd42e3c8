/**
 * PostgreSQL store of operator voice templates (migration 003). Replacing a word's takes and
 * bumping the operator's version happen in one transaction, so a reader never sees half a word.
 * Structurally implements asr's TemplateStore (db/ does not import asr/).
 */
import type { Pool, PoolClient } from '../pool.ts';

export interface FeatureMatrix { frames: number; data: Float32Array }
export interface StoredTake { token: string; take: number; frames: number; data: Float32Array }

export const TEMPLATE_DIM = 26;

function toBytes(f: FeatureMatrix): Buffer {
  const b = Buffer.alloc(f.data.length * 4);
  for (let i = 0; i < f.data.length; i++) b.writeFloatLE(f.data[i]!, i * 4);
  return b;
}

function fromBytes(b: Buffer): Float32Array {
  const out = new Float32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}

export class PgTemplateStore {
  constructor(private readonly pool: Pool, private readonly dim = TEMPLATE_DIM) {}

  async load(operatorId: number): Promise<{ version: number; takes: StoredTake[] }> {
    const v = await this.pool.query<{ version: number }>('SELECT version FROM voice_template_sets WHERE operator_id = $1', [operatorId]);
    const r = await this.pool.query<{ token: string; take: number; frames: number; dim: number; features: Buffer }>(
      'SELECT token, take, frames, dim, features FROM voice_templates WHERE operator_id = $1 ORDER BY token, take', [operatorId]);
    const takes = r.rows.filter((x) => x.dim === this.dim).map((x) => ({ token: x.token, take: x.take, frames: x.frames, data: fromBytes(x.features) }));
    return { version: v.rows[0]?.version ?? 0, takes };
  }

  async saveWord(operatorId: number, token: string, takes: FeatureMatrix[]): Promise<number> {
    if (takes.length < 1 || takes.length > 10) throw new RangeError('1..10 takes per word');
    for (const t of takes) if (t.data.length !== t.frames * this.dim) throw new RangeError(`take has ${t.data.length} values, expected frames × ${this.dim}`);
    return this.inTransaction(async (c) => {
      await c.query('DELETE FROM voice_templates WHERE operator_id = $1 AND token = $2', [operatorId, token]);
      for (const [i, t] of takes.entries()) {
        await c.query('INSERT INTO voice_templates (operator_id, token, take, frames, dim, features) VALUES ($1, $2, $3, $4, $5, $6)',
          [operatorId, token, i, t.frames, this.dim, toBytes(t)]);
      }
      return this.bump(c, operatorId);
    });
  }

  async deleteWords(operatorId: number, token?: string): Promise<number> {
    return this.inTransaction(async (c) => {
      if (token === undefined) await c.query('DELETE FROM voice_templates WHERE operator_id = $1', [operatorId]);
      else await c.query('DELETE FROM voice_templates WHERE operator_id = $1 AND token = $2', [operatorId, token]);
      return this.bump(c, operatorId);
    });
  }

  private async inTransaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    } finally {
      c.release();
    }
  }

  /** Tokens and take counts (for the console's enrollment status). */
  async summary(operatorId: number): Promise<{ token: string; takes: number }[]> {
    const r = await this.pool.query<{ token: string; takes: number }>(
      'SELECT token, count(*)::int AS takes FROM voice_templates WHERE operator_id = $1 GROUP BY token ORDER BY token', [operatorId]);
    return r.rows;
  }

  private async bump(c: { query: Pool['query'] }, operatorId: number): Promise<number> {
    const r = await c.query<{ version: number }>(
      `INSERT INTO voice_template_sets (operator_id, version) VALUES ($1, 1)
       ON CONFLICT (operator_id) DO UPDATE SET version = voice_template_sets.version + 1, updated_at = now()
       RETURNING version`, [operatorId]);
    return r.rows[0]!.version;
  }
}
