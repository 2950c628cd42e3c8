/**
 * Benchmark: dialog-turn write throughput against the PostgreSQL of DATABASE_URL, in a database
 * it creates and drops. Compares one INSERT per turn with batched writes (unnest arrays, multi-row
 * VALUES) and the TurnLogger end to end, plus spooling to disk while the database is down and the
 * replay of that spool. Prints turns/s; `npx tsx db/bench/turns.ts --help`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createPool, type Pool } from '../pool.ts';
import { migrate } from '../migrate.ts';
import { insertTurnOne, insertTurnsUnnest, insertTurnsValues } from '../turn-sql.ts';
import { TurnLogger } from '../turn-logger.ts';
import type { TurnRecord } from '../turn.ts';

export interface TurnBenchOptions {
  databaseUrl: string;
  /** Turns per batched mode. */
  turns?: number;
  /** Turns for the one-INSERT-per-turn mode (slow). */
  singleTurns?: number;
  batchSize?: number;
  /** Parallel connections for the single-INSERT mode. */
  concurrency?: number;
  /** Characters of text per turn. */
  textChars?: number;
  /** Which modes to run (default all). */
  modes?: readonly TurnBenchMode[];
  /** Rounds (modes interleaved); the median round of each mode is reported. */
  rounds?: number;
  /** Disable the vm_turns NOTIFY trigger, to see what the notifications cost. */
  noNotify?: boolean;
}

export type TurnBenchMode = 'single' | 'values' | 'unnest' | 'logger' | 'spool' | 'replay';
const ALL_MODES: readonly TurnBenchMode[] = ['single', 'values', 'unnest', 'logger', 'spool', 'replay'];

export interface TurnBenchFigure {
  mode: TurnBenchMode; turns: number; ms: number; turnsPerSec: number; note: string;
  /** turns/s of every round, when more than one. */
  rounds?: number[];
}

function makeTurns(n: number, textChars: number): TurnRecord[] {
  const sessions = Array.from({ length: 100 }, () => randomUUID());
  const t0 = Date.now();
  const text = 'seven two five '.repeat(Math.ceil(textChars / 15)).slice(0, textChars);
  return Array.from({ length: n }, (_, i) => ({
    sessionId: sessions[i % 100]!, siteId: 'BENCH', seq: Math.floor(i / 100) + 1, at: new Date(t0 + i),
    kind: i % 2 ? 'utterance' : 'prompt', text, hypothesis: null, confidence: 0.87, latencyMs: 140,
    flowNode: 'pick.check', operatorId: null,
  }));
}

async function timeIt(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function runMode(pool: Pool, mode: TurnBenchMode, o: Required<Omit<TurnBenchOptions, 'databaseUrl' | 'modes' | 'rounds' | 'noNotify'>>): Promise<TurnBenchFigure> {
  await pool.query('TRUNCATE dialog_turns');
  const n = mode === 'single' ? o.singleTurns : o.turns;
  const turns = makeTurns(n, o.textChars);
  let note = '';
  let ms: number;
  if (mode === 'single') {
    note = `${o.concurrency} connections, one INSERT per turn`;
    let next = 0;
    ms = await timeIt(async () => {
      await Promise.all(Array.from({ length: o.concurrency }, async () => {
        while (next < turns.length) await insertTurnOne(pool, turns[next++]!);
      }));
    });
  } else if (mode === 'values' || mode === 'unnest') {
    note = `batches of ${o.batchSize}, one connection`;
    const write = mode === 'values' ? insertTurnsValues : insertTurnsUnnest;
    ms = await timeIt(async () => {
      for (let i = 0; i < turns.length; i += o.batchSize) await write(pool, turns.slice(i, i + o.batchSize));
    });
  } else if (mode === 'logger') {
    const spoolDir = await mkdtemp(path.join(os.tmpdir(), 'vm-bench-spool-'));
    const logger = new TurnLogger({ pool, spoolDir, batchSize: o.batchSize, flushMs: 20, queueMax: Math.max(o.turns, 100) });
    await logger.start();
    ms = await timeIt(async () => {
      for (const t of turns) logger.log(t);
      await logger.flush();
    });
    const s = logger.stats();
    note = `log() all then flush(); batchSize ${o.batchSize}; ${s.batches} statements, ${s.spooled} spooled`;
    await logger.close();
    await rm(spoolDir, { recursive: true, force: true });
  } else {
    // spool: the database is unreachable (a closed port), turns go to disk as they arrive.
    // replay: a TurnLogger starting on that spool drains it into the database.
    const spoolDir = await mkdtemp(path.join(os.tmpdir(), 'vm-bench-spool-'));
    const dead = createPool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1, onError: () => undefined });
    const down = new TurnLogger({ pool: dead, spoolDir, batchSize: o.batchSize, flushMs: 5, queueMax: Math.max(o.turns, 100), probeMinMs: 60_000 });
    await down.start();
    const chunk = 100;
    const spoolMs = await timeIt(async () => {
      for (let i = 0; i < turns.length; i += chunk) {
        for (const t of turns.slice(i, i + chunk)) down.log(t);
        await new Promise((r) => setImmediate(r));
      }
      await down.flush();
    });
    await down.close();
    await dead.end();
    if (down.stats().spooled !== n) throw new Error(`spool: expected ${n} spooled, got ${down.stats().spooled}`);
    if (mode === 'spool') {
      ms = spoolMs;
      note = `database unreachable; log() in chunks of ${chunk} per event-loop turn, each append fdatasync'd`;
    } else {
      const up = new TurnLogger({ pool, spoolDir, batchSize: o.batchSize, flushMs: 20, queueMax: 100_000 });
      ms = await timeIt(async () => {
        await up.start();
        while (up.stats().spoolSegments > 0) await new Promise((r) => setTimeout(r, 5));
      });
      note = `TurnLogger start-up replay of a ${n}-turn spool, batches of ${o.batchSize}`;
      await up.close();
    }
    await rm(spoolDir, { recursive: true, force: true });
  }
  if (mode === 'spool') return { mode, turns: n, ms: Math.round(ms), turnsPerSec: Math.round((n / ms) * 1000), note };
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM dialog_turns');
  if (rows[0].n !== n) throw new Error(`${mode}: expected ${n} rows, found ${rows[0].n}`);
  return { mode, turns: n, ms: Math.round(ms), turnsPerSec: Math.round((n / ms) * 1000), note };
}

/** Creates a scratch database, runs the modes, drops it. */
export async function benchTurns(opts: TurnBenchOptions): Promise<TurnBenchFigure[]> {
  const o = {
    turns: opts.turns ?? 50_000, singleTurns: opts.singleTurns ?? 5_000, batchSize: opts.batchSize ?? 500,
    concurrency: opts.concurrency ?? 4, textChars: opts.textChars ?? 40,
  };
  const name = `vm_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: opts.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  const u = new URL(opts.databaseUrl);
  u.pathname = `/${name}`;
  const pool = createPool({ connectionString: u.toString(), max: Math.max(o.concurrency, 2) });
  try {
    await migrate(pool);
    await pool.query("INSERT INTO sites (id, name) VALUES ('BENCH', 'Benchmark')");
    if (opts.noNotify) await pool.query('ALTER TABLE dialog_turns DISABLE TRIGGER dialog_turns_notify');
    const modes = opts.modes ?? ALL_MODES;
    const runs = new Map<TurnBenchMode, TurnBenchFigure[]>();
    for (let r = 0; r < Math.max(1, opts.rounds ?? 1); r++) {
      for (const mode of modes) runs.set(mode, [...(runs.get(mode) ?? []), await runMode(pool, mode, o)]);
    }
    return [...runs.values()].map((figs) => {
      const sorted = [...figs].sort((a, b) => a.turnsPerSec - b.turnsPerSec);
      const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
      return figs.length > 1 ? { ...median, rounds: figs.map((f) => f.turnsPerSec) } : median;
    });
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export function formatTurnBench(figures: readonly TurnBenchFigure[]): string {
  return figures.map((f) => `${f.mode.padEnd(7)} ${String(f.turnsPerSec).padStart(8)} turns/s  (${f.turns} turns in ${f.ms} ms; ${f.note})`
    + (f.rounds ? `  rounds: ${f.rounds.join(', ')}` : '')).join('\n');
}

const HELP = `Usage: npx tsx db/bench/turns.ts [options]
Writes dialog turns to a scratch database on DATABASE_URL (created and dropped) and prints turns/s.
  --turns N         turns per batched mode (default 50000)
  --single-turns N  turns for one-INSERT-per-turn (default 5000)
  --batch N         batch size (default 500)
  --concurrency N   connections for the single mode (default 4)
  --text N          characters of text per turn (default 40)
  --modes a,b       any of single,values,unnest,logger,spool,replay (default all)
  --rounds N        run every mode N times, interleaved, and report the median (default 1)
  --no-notify       disable the vm_turns NOTIFY trigger (to see its cost)
  --json            print JSON instead of a table
  --help`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    turns: { type: 'string' }, 'single-turns': { type: 'string' }, batch: { type: 'string' },
    concurrency: { type: 'string' }, text: { type: 'string' }, modes: { type: 'string' }, rounds: { type: 'string' }, 'no-notify': { type: 'boolean' }, json: { type: 'boolean' },
    help: { type: 'boolean' },
  } });
  if (values.help) { console.log(HELP); return; }
  const url = process.env.DATABASE_URL;
  if (!url) { console.error('DATABASE_URL is required (a server where this user may CREATE DATABASE)'); process.exitCode = 2; return; }
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got "${v}"`);
    return n;
  };
  const modes = values.modes?.split(',') as TurnBenchMode[] | undefined;
  const bad = modes?.find((m) => !ALL_MODES.includes(m));
  if (bad) throw new Error(`unknown mode "${bad}"`);
  const figures = await benchTurns({
    databaseUrl: url, turns: num(values.turns, 'turns'), singleTurns: num(values['single-turns'], 'single-turns'),
    batchSize: num(values.batch, 'batch'), concurrency: num(values.concurrency, 'concurrency'), textChars: num(values.text, 'text'), modes,
    rounds: num(values.rounds, 'rounds'), noNotify: values['no-notify'],
  });
  console.log(values.json ? JSON.stringify(figures, null, 2) : formatTurnBench(figures));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => { console.error((err as Error).message); process.exitCode = 1; });
}
