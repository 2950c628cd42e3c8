/**
 * Test support: every test file gets its own fresh, migrated database on the real server named
 * by DATABASE_URL (CI: the machine's PostgreSQL), or on an embedded PostgreSQL when it is unset.
 * Databases are dropped at teardown, so test files can run in parallel.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPool, type Pool } from './pool.ts';
import { migrate } from './migrate.ts';
import { startEmbeddedPostgres } from './embedded.ts';

export interface TestDatabase {
  url: string;
  pool: Pool;
  /** Drops the database (closes the pool first). */
  drop(): Promise<void>;
}

async function serverUrl(): Promise<{ url: string; stop?: () => Promise<void> }> {
  const env = process.env.DATABASE_URL;
  if (env) return { url: env };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vm-pg-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as another user that must enter it
  const port = 20000 + Math.floor(Math.random() * 20000);
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port });
  return { url: db.url, stop: db.stop };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates and migrates a fresh database. Pass `{ migrate: false }` to get it empty. */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const server = await serverUrl();
  const name = `vm_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  await admin.end();
  const url = withDatabase(server.url, name);
  const pool = createPool({ connectionString: url, max: 5 });
  if (opts.migrate !== false) await migrate(pool);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await server.stop?.();
    },
  };
}

/** Inserts a site (idempotent) for tests that need one. */
export async function seedSite(pool: Pool, id = 'S1', name = 'Test site'): Promise<string> {
  await pool.query('INSERT INTO sites (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, name]);
  return id;
}
