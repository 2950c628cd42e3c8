/**
 * Database access for the command-line tools: DATABASE_URL when set; else the embedded
 * PostgreSQL — the running gateway's if it is up, or started here for the duration of the command.
 */
import path from 'node:path';
import pg from 'pg';
import { createPool, migrate, startEmbeddedPostgres, type Pool } from '../../db/index.ts';
import type { Config } from '../config/index.ts';

const EMBEDDED_URL = (port: number): string => `postgres://voiceman:voiceman@127.0.0.1:${port}/voiceman`;

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    return true;
  } catch {
    return false; // not running: the caller starts it
  } finally {
    await c.end().catch(() => undefined); // a probe connection that never opened has nothing to close
  }
}

export async function withDatabase<T>(cfg: Config, fn: (pool: Pool) => Promise<T>): Promise<T> {
  let url = cfg.core.databaseUrl;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    url = EMBEDDED_URL(cfg.core.embeddedPgPort);
    if (!(await reachable(url))) {
      const db = await startEmbeddedPostgres({ dataDir: path.resolve(cfg.core.dataDir, 'pg'), port: cfg.core.embeddedPgPort });
      url = db.url;
      stop = db.stop;
    }
  }
  const pool = createPool({ connectionString: url, max: 2, applicationName: 'voiceman-cli' });
  try {
    await migrate(pool);
    return await fn(pool);
  } finally {
    await pool.end();
    await stop?.();
  }
}

/** Prints a one-line error and exits 1 (or 2 for usage errors). */
export function die(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}
