import t from 'tap';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, seedSite } from '../testing.ts';
import { createPool, type Pool } from '../pool.ts';
import { TurnLogger, type TurnLoggerOptions } from '../turn-logger.ts';
import { encodeTurn } from '../spool.ts';
import { startTcpProxy, hostPort } from '../tcp-proxy.ts';
import type { TurnRecord } from '../turn.ts';

const db = await createTestDatabase();
t.teardown(() => db.drop());
await seedSite(db.pool);

const tmp = (): Promise<string> => mkdtemp(path.join(os.tmpdir(), 'vm-spool-'));
const T0 = Date.now();
function turns(sessionId: string, from: number, n: number, extra: Partial<TurnRecord> = {}): TurnRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    sessionId, siteId: 'S1', seq: from + i, at: new Date(T0 + from + i), kind: 'utterance' as const,
    text: `say ${from + i}`, confidence: 0.9, latencyMs: 120, flowNode: 'pick.confirm', ...extra,
  }));
}
async function count(pool: Pool, sessionId: string): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM dialog_turns WHERE session_id = $1', [sessionId]);
  return rows[0].n;
}
async function seqsInIdOrder(pool: Pool, sessionId: string): Promise<number[]> {
  const { rows } = await pool.query('SELECT seq FROM dialog_turns WHERE session_id = $1 ORDER BY id', [sessionId]);
  return rows.map((r: { seq: number }) => r.seq);
}
async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const base = (pool: Pool, spoolDir: string): TurnLoggerOptions =>
  ({ pool, spoolDir, batchSize: 500, flushMs: 10, queueMax: 10_000, probeMinMs: 20, probeMaxMs: 200 });

t.test('writes in batches, all rows, in order', async (t) => {
  const logger = new TurnLogger(base(db.pool, await tmp()));
  await logger.start();
  const sid = randomUUID();
  for (const turn of turns(sid, 1, 1200)) logger.log(turn);
  await logger.flush();
  t.equal(await count(db.pool, sid), 1200);
  const s = logger.stats();
  t.equal(s.written, 1200);
  t.ok(s.batches >= 3 && s.batches < 1200, `batched (${s.batches} statements)`);
  t.equal(s.spooled, 0);
  const seqs = await seqsInIdOrder(db.pool, sid);
  t.same(seqs, [...seqs].sort((a, b) => a - b), 'ids follow the logged order');
  const { rows } = await db.pool.query('SELECT * FROM dialog_turns WHERE session_id = $1 AND seq = 7', [sid]);
  t.match(rows[0], { site_id: 'S1', kind: 'utterance', text: 'say 7', latency_ms: 120, flow_node: 'pick.confirm' });
  t.equal(rows[0].at.getTime(), T0 + 7);
  await logger.close();
});

t.test('bad records are rejected without stopping the rest', async (t) => {
  const logger = new TurnLogger(base(db.pool, await tmp()));
  const sid = randomUUID();
  const good = turns(sid, 1, 10);
  good[3] = { ...good[3]!, kind: 'nonsense' as TurnRecord['kind'] };
  good[5] = { ...good[5]!, text: 'nul \u0000 byte' };
  for (const turn of good) logger.log(turn);
  logger.log({ ...good[0]!, seq: 99, at: new Date('nope') });
  logger.log(null as unknown as TurnRecord);
  await logger.flush();
  t.equal(await count(db.pool, sid), 8);
  t.equal(logger.stats().rejected, 4);
  await logger.close();
  logger.log(turns(sid, 50, 1)[0]!);
  t.equal(logger.stats().rejected, 5, 'log after close is rejected, not thrown');
});

t.test('dialog state: coalesced per session, never backwards', async (t) => {
  const dev = randomUUID();
  await db.pool.query("INSERT INTO devices (id, site_id, label, token_hash) VALUES ($1, 'S1', $2, 'x')", [dev, `d-${dev}`]);
  const s1 = randomUUID();
  const s2 = randomUUID();
  for (const s of [s1, s2]) {
    await db.pool.query("INSERT INTO device_sessions (id, site_id, device_id, gateway_node) VALUES ($1, 'S1', $2, 'n1')", [s, dev]);
  }
  await db.pool.query('UPDATE device_sessions SET last_seq = 10 WHERE id = $1', [s2]);
  const logger = new TurnLogger(base(db.pool, await tmp()));
  const state = { node: 'a', n: 1 };
  logger.logState(s1, state, 1);
  state.n = 2; // snapshot taken at logState
  logger.logState(s1, { node: 'c' }, 3);
  logger.logState(s1, { node: 'b' }, 2);
  logger.logState(s2, { node: 'old' }, 4);
  logger.logState(randomUUID(), { node: 'ghost' }, 1);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  logger.logState(s1, cyclic, 9);
  await logger.flush();
  const { rows } = await db.pool.query('SELECT id, dialog_state, last_seq FROM device_sessions WHERE id = ANY($1) ORDER BY id', [[s1, s2]]);
  const byId = new Map(rows.map((r: { id: string }) => [r.id, r]));
  t.match(byId.get(s1), { dialog_state: { node: 'c' }, last_seq: 3 });
  t.match(byId.get(s2), { dialog_state: null, last_seq: 10 }, 'older update did not overwrite');
  t.equal(logger.stats().rejected, 1, 'unserialisable state rejected');
  await logger.close();
});

t.test('spool left by a crash is replayed at start, idempotently, skipping a cut last line', async (t) => {
  const dir = await tmp();
  const sid = randomUUID();
  const all = turns(sid, 1, 150);
  const first = new TurnLogger(base(db.pool, await tmp()));
  for (const turn of all.slice(0, 100)) first.log(turn);
  await first.close();
  const lines = all.map(encodeTurn);
  await writeFile(path.join(dir, 'turns-000000000001.jsonl'), `${lines.slice(0, 80).join('\n')}\n{"t":"turn","broken\n`);
  await writeFile(path.join(dir, 'turns-000000000002.jsonl'), `${lines.slice(80).join('\n')}\n{"t":"turn","sessionId":"cut-by-cra`);
  const logger = new TurnLogger(base(db.pool, dir));
  await logger.start();
  await until('spool replayed', () => logger.stats().spoolSegments === 0);
  t.equal(await count(db.pool, sid), 150, 'every turn once');
  const s = logger.stats();
  t.equal(s.written, 50);
  t.equal(s.duplicates, 100);
  t.equal(s.replayed, 150);
  t.equal(s.rejected, 1, 'the broken middle line; the cut tail is only a warning');
  t.same(await readdir(dir), [], 'segments deleted');
  await logger.close();
});

t.test('queue beyond queueMax goes to the spool and still arrives in order', async (t) => {
  const logger = new TurnLogger({ ...base(db.pool, await tmp()), queueMax: 100, batchSize: 50 });
  await logger.start();
  const sid = randomUUID();
  for (const turn of turns(sid, 1, 1000)) logger.log(turn);
  t.ok(logger.stats().queued <= 1000);
  await until('all written', async () => (await count(db.pool, sid)) === 1000);
  const s = logger.stats();
  t.ok(s.spooled > 0, `spooled ${s.spooled}`);
  const seqs = await seqsInIdOrder(db.pool, sid);
  t.same(seqs, [...seqs].sort((a, b) => a - b), 'order kept through the spool');
  await logger.close();
});

t.test('turn logging through a PostgreSQL outage: every turn exactly once', async (t) => {
  const { host, port } = hostPort(db.url);
  const proxy = await startTcpProxy(host, port);
  const pool = createPool({ connectionString: proxy.url(db.url), max: 3, onError: () => undefined });
  t.teardown(async () => { await pool.end(); await proxy.close(); });
  const events: string[] = [];
  const logger = new TurnLogger({ ...base(pool, await tmp()), batchSize: 40, onEvent: (e) => events.push(e.type) });
  await logger.start();
  const sid = randomUUID();
  const all = turns(sid, 1, 3000);
  for (let tick = 0; tick < 30; tick++) {
    if (tick === 10) proxy.cut();
    if (tick === 20) proxy.restore();
    for (const turn of all.slice(tick * 100, tick * 100 + 100)) logger.log(turn);
    await new Promise((r) => setTimeout(r, 25));
  }
  await logger.flush();
  await until('spool drained', () => logger.stats().spoolSegments === 0 && logger.stats().queued === 0);
  t.equal(await count(db.pool, sid), 3000, 'all 3000 turns, none twice');
  const s = logger.stats();
  t.ok(s.spooled > 0 && s.failures > 0 && s.replayed > 0, `spooled ${s.spooled}, failures ${s.failures}, replayed ${s.replayed}`);
  t.ok(events.includes('db-down') && events.includes('db-up'));
  const seqs = await seqsInIdOrder(db.pool, sid);
  t.same(seqs, [...seqs].sort((a, b) => a - b), 'replayed in order');
  await logger.close();
});

t.test('close while the database is down leaves a spool the next start replays', async (t) => {
  const { host, port } = hostPort(db.url);
  const proxy = await startTcpProxy(host, port);
  const pool = createPool({ connectionString: proxy.url(db.url), max: 2, onError: () => undefined });
  t.teardown(async () => { await pool.end(); await proxy.close(); });
  const dir = await tmp();
  const sid = randomUUID();
  proxy.cut();
  const logger = new TurnLogger(base(pool, dir));
  for (const turn of turns(sid, 1, 300)) logger.log(turn);
  await logger.close();
  t.equal(await count(db.pool, sid), 0);
  t.equal(logger.stats().spooled, 300);
  t.ok((await readdir(dir)).length > 0, 'spool on disk');
  const next = new TurnLogger(base(db.pool, dir));
  await next.start();
  await until('replayed', () => next.stats().spoolSegments === 0);
  t.equal(await count(db.pool, sid), 300);
  await next.close();
});

t.test('unusable spool folder: writes still go to the database; close is bounded when both are gone', async (t) => {
  const notADir = path.join(await tmp(), 'file');
  await writeFile(notADir, 'x');
  const { host, port } = hostPort(db.url);
  const proxy = await startTcpProxy(host, port);
  const pool = createPool({ connectionString: proxy.url(db.url), max: 2, onError: () => undefined });
  t.teardown(async () => { await pool.end(); await proxy.close(); });
  const logger = new TurnLogger({ ...base(pool, path.join(notADir, 'spool')), closeTimeoutMs: 300 });
  await logger.start();
  const sid = randomUUID();
  for (const turn of turns(sid, 1, 20)) logger.log(turn);
  await logger.flush();
  t.equal(await count(db.pool, sid), 20, 'database path works without a spool');
  proxy.cut();
  for (const turn of turns(sid, 21, 10)) logger.log(turn);
  const t0 = Date.now();
  await logger.close();
  t.ok(Date.now() - t0 < 3000, 'close returned');
  t.equal(logger.stats().dropped, 10, 'the lost turns are counted');
});

t.test('flush() waits only for what was logged before it, even under continuous logging', async (t) => {
  const logger = new TurnLogger({ ...base(db.pool, await tmp()), batchSize: 20 });
  await logger.start();
  const sid = randomUUID();
  const all = turns(sid, 1, 5000);
  for (const turn of all.slice(0, 100)) logger.log(turn);
  let next = 100;
  const feeder = setInterval(() => { for (let i = 0; i < 10 && next < all.length; i++) logger.log(all[next++]!); }, 1);
  t.teardown(() => clearInterval(feeder));
  await logger.flush();
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM dialog_turns WHERE session_id = $1 AND seq <= 100', [sid]);
  t.equal(rows[0].n, 100, 'the first 100 are in the table when flush resolves');
  clearInterval(feeder);
  await logger.close();
  t.equal(await count(db.pool, sid), next, 'and everything logged later once closed');
});

t.test('dialog state logged during an outage is spooled and applied after it', async (t) => {
  const dev = randomUUID();
  await db.pool.query("INSERT INTO devices (id, site_id, label, token_hash) VALUES ($1, 'S1', $2, 'x')", [dev, `d-${dev}`]);
  const sess = randomUUID();
  await db.pool.query("INSERT INTO device_sessions (id, site_id, device_id, gateway_node) VALUES ($1, 'S1', $2, 'n1')", [sess, dev]);
  const { host, port } = hostPort(db.url);
  const proxy = await startTcpProxy(host, port);
  const pool = createPool({ connectionString: proxy.url(db.url), max: 2, onError: () => undefined });
  t.teardown(async () => { await pool.end(); await proxy.close(); });
  const logger = new TurnLogger(base(pool, await tmp()));
  await logger.start();
  proxy.cut();
  for (const turn of turns(sess, 1, 5)) logger.log(turn);
  logger.logState(sess, { node: 'during-outage' }, 5);
  await logger.flush();
  t.ok(logger.stats().spooled >= 6, 'turns and state spooled');
  proxy.restore();
  await until('replayed', () => logger.stats().spoolSegments === 0 && logger.stats().dbUp);
  const { rows } = await db.pool.query('SELECT dialog_state, last_seq FROM device_sessions WHERE id = $1', [sess]);
  t.match(rows[0], { dialog_state: { node: 'during-outage' }, last_seq: 5 });
  t.equal(await count(db.pool, sess), 5);
  await logger.close();
});
