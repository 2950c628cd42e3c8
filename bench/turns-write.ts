/**
 * Turn-log write rate, measured with db/'s own code on a fresh database: the gateway's batched
 * TurnLogger against one INSERT per turn (sequential, and 10 at a time over a 10-connection pool).
 * Used by `npm run bench:gateway` when db/bench/turns.ts (the db engineer's benchmark) is absent.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPool, migrate, TurnLogger, insertTurnOne, type TurnRecord } from '../db/index.ts';
import { createBenchDatabase } from './launch.ts';

export interface TurnWriteResult {
  batched: { turns: number; seconds: number; turns_per_s: number; batch_size: number; flush_ms: number; batches: number };
  single: { turns: number; seconds: number; turns_per_s: number };
  single_concurrent: { turns: number; seconds: number; turns_per_s: number; concurrency: number };
}

function makeTurns(n: number, sessions: number): TurnRecord[] {
  const ids = Array.from({ length: sessions }, () => randomUUID());
  const base = Date.now();
  return Array.from({ length: n }, (_, i) => ({
    sessionId: ids[i % sessions]!, siteId: 'BENCH', seq: Math.floor(i / sessions) + 1, at: new Date(base + i),
    kind: i % 2 ? 'utterance' : 'prompt', text: i % 2 ? '42' : 'aisle 12, slot 4', hypothesis: i % 2 ? '42' : null,
    confidence: i % 2 ? 0.93 : null, latencyMs: i % 2 ? 38 : null, flowNode: 'pick.check', operatorId: null,
  }));
}

export async function measureTurnWrites(opts: { databaseUrl: string; batchedTurns?: number; singleTurns?: number }): Promise<TurnWriteResult> {
  const db = await createBenchDatabase(opts.databaseUrl);
  const pool = createPool({ connectionString: db.url, max: 10 });
  const spoolDir = mkdtempSync(path.join(os.tmpdir(), 'vm-bench-spool-'));
  try {
    await migrate(pool);
    const nb = opts.batchedTurns ?? 50000;
    const ns = opts.singleTurns ?? 3000;
    // batched, as the gateway does it
    const logger = new TurnLogger({ pool, spoolDir, batchSize: 500, flushMs: 50, queueMax: 1_000_000 });
    await logger.start();
    const turns = makeTurns(nb, 300);
    let t0 = performance.now();
    for (let i = 0; i < turns.length; i++) {
      logger.log(turns[i]!);
      if (i % 5000 === 4999) await new Promise((r) => setImmediate(r)); // let the writer run, like a live gateway
    }
    await logger.flush();
    const tb = (performance.now() - t0) / 1000;
    const st = logger.stats();
    await logger.close();
    // one INSERT per turn, one after another
    const one = makeTurns(ns, 300);
    t0 = performance.now();
    for (const t of one) await insertTurnOne(pool, t);
    const t1 = (performance.now() - t0) / 1000;
    // one INSERT per turn, 10 in flight
    const conc = makeTurns(ns, 300);
    t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (next < conc.length) await insertTurnOne(pool, conc[next++]!);
    }));
    const t2 = (performance.now() - t0) / 1000;
    return {
      batched: { turns: st.written, seconds: tb, turns_per_s: st.written / tb, batch_size: 500, flush_ms: 50, batches: st.batches },
      single: { turns: ns, seconds: t1, turns_per_s: ns / t1 },
      single_concurrent: { turns: ns, seconds: t2, turns_per_s: ns / t2, concurrency: 10 },
    };
  } finally {
    await pool.end();
    rmSync(spoolDir, { recursive: true, force: true });
    await db.drop();
  }
}
