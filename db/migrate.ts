/**
 * Versioned, gap-free migrations: `migrations/NNN_name.sql`, applied in order, each in its own
 * transaction, serialised across processes by an advisory lock, recorded in `schema_migrations`.
 * Re-running is a no-op. A gap in the files or a database newer than the code is an error.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type pg from 'pg';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Arbitrary constant: the advisory lock key that serialises migrators. */
const LOCK_KEY = 727_001;

export interface Migration { version: number; name: string; sql: string }

export class MigrationError extends Error {
  constructor(message: string) { super(message); this.name = 'MigrationError'; }
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = /^(\d{3,})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new MigrationError(`migration file name "${file}" must look like 001_name.sql`);
    const version = Number(m[1]);
    if (version !== out.length + 1) {
      throw new MigrationError(`migrations are not gap-free: expected version ${out.length + 1}, found ${file}`);
    }
    out.push({ version, name: m[2]!, sql: await readFile(path.join(dir, file), 'utf8') });
  }
  return out;
}

export interface MigrateResult { applied: number[]; current: number }

export async function migrate(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = await loadMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version');
    const latest = migrations.length;
    for (const row of rows) {
      if (row.version > latest) {
        throw new MigrationError(
          `database is at migration ${rows.at(-1)!.version} but this code knows only ${latest}: upgrade the code`);
      }
      const known = migrations[row.version - 1];
      if (!known || known.name !== row.name) {
        throw new MigrationError(`migration ${row.version} in the database ("${row.name}") does not match the code`);
      }
    }
    const applied: number[] = [];
    for (const mig of migrations.slice(rows.length)) {
      try {
        await client.query('BEGIN');
        await client.query(mig.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [mig.version, mig.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${mig.version}_${mig.name} failed: ${(err as Error).message}`);
      }
      applied.push(mig.version);
    }
    return { applied, current: latest };
  } finally {
    // A failed unlock needs no handling: the session-level lock goes with the connection.
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/** For /readyz: true when the database has exactly the migrations this code knows. */
export async function migrationsCurrent(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<boolean> {
  const expected = (await loadMigrations(dir)).length;
  const exists = await pool.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS ok");
  if (!exists.rows[0]?.ok) return false;
  const { rows } = await pool.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return rows[0]?.v === expected;
}
