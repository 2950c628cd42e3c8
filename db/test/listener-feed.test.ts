import t from 'tap';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, seedSite } from '../testing.ts';
import { DbListener, type TurnNotification, type SessionNotification } from '../listener.ts';
import { TurnFeed } from '../turn-feed.ts';
import { turnsAfter, sessionsChangedSince, activeSessions, type TurnRow } from '../readers.ts';
import { startTcpProxy, hostPort } from '../tcp-proxy.ts';
import type { DbLogger } from '../log.ts';
import type { Pool } from '../pool.ts';

const db = await createTestDatabase();
t.teardown(() => db.drop());
await seedSite(db.pool, 'S1');
await seedSite(db.pool, 'S2');

let seqNo = 0;
async function insertTurn(pool: Pool, o: { sessionId?: string; siteId?: string; text?: string } = {}): Promise<number> {
  const { rows } = await pool.query(
    `INSERT INTO dialog_turns (session_id, site_id, seq, at, kind, text) VALUES ($1, $2, $3, now(), 'prompt', $4) RETURNING id`,
    [o.sessionId ?? randomUUID(), o.siteId ?? 'S1', ++seqNo, o.text ?? `t${seqNo}`]);
  return rows[0].id;
}
async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
function recordingLogger(): DbLogger & { lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> } {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (obj: object, msg: string): void => { lines.push({ level, obj: obj as Record<string, unknown>, msg }); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

t.test('a NOTIFY payload reaches the listener; long text is cut in the payload but whole in the table', async (t) => {
  const log = recordingLogger();
  const listener = new DbListener({ connectionString: db.url, logger: log });
  t.teardown(() => listener.close());
  await listener.start();
  const turns: TurnNotification[] = [];
  const sessions: SessionNotification[] = [];
  listener.on('turn', (n) => turns.push(n)).on('session', (n) => sessions.push(n));
  const long = 'x'.repeat(5000);
  const sid = randomUUID();
  const id = await insertTurn(db.pool, { sessionId: sid, text: long });
  await until('turn notification', () => turns.length === 1);
  t.match(turns[0], { id, sessionId: sid, siteId: 'S1', kind: 'prompt' });
  t.equal(turns[0]!.text!.length, 200, 'payload text cut');
  const { rows } = await db.pool.query('SELECT text FROM dialog_turns WHERE id = $1', [id]);
  t.equal(rows[0].text.length, 5000, 'table text whole');

  const dev = randomUUID();
  await db.pool.query("INSERT INTO devices (id, site_id, label, token_hash) VALUES ($1, 'S1', 'n1', 'h')", [dev]);
  const sess = randomUUID();
  await db.pool.query("INSERT INTO device_sessions (id, site_id, device_id, gateway_node) VALUES ($1, 'S1', $2, 'g1')", [sess, dev]);
  await db.pool.query("UPDATE device_sessions SET ended_at = now(), end_reason = 'logout' WHERE id = $1", [sess]);
  await until('session notifications', () => sessions.length === 2);
  t.match(sessions, [{ sessionId: sess, op: 'insert', endedAt: null }, { sessionId: sess, op: 'update', endReason: 'logout' }]);
  t.equal((await activeSessions(db.pool, ['S1'])).length, 0);
  const changed = await sessionsChangedSince(db.pool, { since: new Date(Date.now() - 60_000), siteIds: ['S1'] });
  t.same(changed.map((s) => s.id), [sess]);

  await db.pool.query("SELECT pg_notify('vm_turns', 'not json at all')");
  await db.pool.query(`SELECT pg_notify('vm_turns', '{"id":"x"}')`);
  await insertTurn(db.pool);
  await until('next good turn', () => turns.length === 2);
  t.equal(listener.stats().bad, 2, 'bad payloads dropped');
  const errs = log.lines.filter((l) => l.obj.code === 'DB_BAD_NOTIFY_PAYLOAD');
  t.equal(errs.length, 2);
  t.match(errs[0]!.obj, { channel: 'vm_turns', reason: /not JSON/ });
});

t.test('feed: catch-up from a cursor, then live, filtered, exactly once', async (t) => {
  const before = [await insertTurn(db.pool), await insertTurn(db.pool, { siteId: 'S2' }), await insertTurn(db.pool)];
  const listener = new DbListener({ connectionString: db.url });
  await listener.start();
  const feed = new TurnFeed({ pool: db.pool, listener, pollMs: 5000, settleMs: 300 });
  t.teardown(() => { feed.close(); return listener.close(); });
  await feed.start();
  const all: TurnRow[] = [];
  const s1: TurnRow[] = [];
  const live: TurnRow[] = [];
  feed.subscribe({ afterId: before[0]! - 1 }, (rows) => all.push(...rows));
  feed.subscribe({ afterId: 0, siteIds: ['S1'] }, (rows) => s1.push(...rows));
  feed.subscribe({}, (rows) => live.push(...rows));
  await until('catch-up', () => all.length === 3);
  const more: number[] = [];
  for (let i = 0; i < 20; i++) more.push(await insertTurn(db.pool, { siteId: i % 2 ? 'S2' : 'S1' }));
  await until('live delivery by notification', () => all.length === 23);
  t.same(all.map((r) => r.id), [...before, ...more], 'all turns once, in id order');
  t.same(live.map((r) => r.id), more, 'a subscription without cursor gets only new turns');
  const allS1 = await turnsAfter(db.pool, { afterId: 0, siteIds: ['S1'], limit: 1000 });
  await until('site filter', () => s1.length === allS1.length);
  t.same(s1.map((r) => r.id), allS1.map((r) => r.id));
  t.ok(s1.every((r) => r.siteId === 'S1'));
});

t.test('feed holds rows above an uncommitted id, then delivers in order', async (t) => {
  const feed = new TurnFeed({ pool: db.pool, pollMs: 30, settleMs: 3000 });
  t.teardown(() => feed.close());
  await feed.start();
  const got: number[] = [];
  feed.subscribe({}, (rows) => got.push(...rows.map((r) => r.id)));
  const slow = await db.pool.connect();
  t.teardown(() => slow.release());
  await slow.query('BEGIN');
  const { rows } = await slow.query(
    `INSERT INTO dialog_turns (session_id, site_id, seq, at, kind) VALUES ($1, 'S1', 1, now(), 'event') RETURNING id`, [randomUUID()]);
  const early = rows[0].id as number;
  const later = await insertTurn(db.pool);
  t.ok(later > early);
  await new Promise((r) => setTimeout(r, 300));
  t.same(got, [], 'the committed later id is held back');
  await slow.query('COMMIT');
  await until('both delivered', () => got.length === 2);
  t.same(got, [early, later]);

  // A hole that never fills (rolled back) is accepted after the settle time.
  const feed2 = new TurnFeed({ pool: db.pool, pollMs: 30, settleMs: 200 });
  t.teardown(() => feed2.close());
  await feed2.start();
  const got2: number[] = [];
  feed2.subscribe({}, (r) => got2.push(...r.map((x) => x.id)));
  await slow.query('BEGIN');
  await slow.query(`INSERT INTO dialog_turns (session_id, site_id, seq, at, kind) VALUES ($1, 'S1', 1, now(), 'event')`, [randomUUID()]);
  await slow.query('ROLLBACK');
  const after = await insertTurn(db.pool);
  await until('delivered after the settle time', () => got2.length === 1);
  t.same(got2, [after]);
  t.equal(feed2.stats().holesSkipped, 1);
});

t.test('catch-up after a listener reconnect: turns written while disconnected are delivered', async (t) => {
  const { host, port } = hostPort(db.url);
  const proxy = await startTcpProxy(host, port);
  t.teardown(() => proxy.close());
  const listener = new DbListener({ connectionString: proxy.url(db.url), retryMinMs: 50, retryMaxMs: 200, paranoidMs: 500 });
  await listener.start();
  // Polling is slow on purpose: only a notification or the reconnect can wake the feed in time.
  const feed = new TurnFeed({ pool: db.pool, listener, pollMs: 60_000, settleMs: 100 });
  t.teardown(() => { feed.close(); return listener.close(); });
  await feed.start();
  const got: number[] = [];
  const events: string[] = [];
  listener.on('disconnected', () => events.push('disconnected')).on('reconnected', () => events.push('reconnected'));
  feed.subscribe({}, (rows) => got.push(...rows.map((r) => r.id)));
  const first = await insertTurn(db.pool);
  await until('first by notification', () => got.length === 1);
  proxy.cut();
  await until('listener noticed', () => events.includes('disconnected'));
  const missed: number[] = [];
  for (let i = 0; i < 5; i++) missed.push(await insertTurn(db.pool));
  await new Promise((r) => setTimeout(r, 300));
  t.same(got, [first], 'nothing delivered while disconnected');
  proxy.restore();
  await until('reconnect catch-up', () => got.length === 6);
  t.same(got, [first, ...missed]);
  t.same(events, ['disconnected', 'reconnected']);
  t.equal(listener.stats().reconnects, 1);
});

t.test('listener start retries until the database is reachable', async (t) => {
  const { host, port } = hostPort(db.url);
  const proxy = await startTcpProxy(host, port);
  t.teardown(() => proxy.close());
  proxy.cut();
  const listener = new DbListener({ connectionString: proxy.url(db.url), retryMinMs: 20, retryMaxMs: 50 });
  t.teardown(() => listener.close());
  let connected = false;
  const started = listener.start().then(() => { connected = true; });
  await new Promise((r) => setTimeout(r, 300));
  t.equal(connected, false);
  proxy.restore();
  await started;
  t.equal(listener.connected, true);
});

t.test('listener backend killed by the server: reconnects and the feed catches up', async (t) => {
  const app = `vm-test-listener-${randomUUID().slice(0, 8)}`;
  const listener = new DbListener({ connectionString: db.url, applicationName: app, retryMinMs: 50, retryMaxMs: 200 });
  await listener.start();
  const feed = new TurnFeed({ pool: db.pool, listener, pollMs: 60_000, settleMs: 100 });
  t.teardown(() => { feed.close(); return listener.close(); });
  await feed.start();
  const got: number[] = [];
  let reconnected = 0;
  listener.on('reconnected', () => { reconnected++; });
  feed.subscribe({}, (rows) => got.push(...rows.map((r) => r.id)));
  const { rows } = await db.pool.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [app]);
  t.same(rows.map((r: { ok: boolean }) => r.ok), [true], 'one listening backend terminated');
  const written: number[] = [];
  for (let i = 0; i < 5; i++) written.push(await insertTurn(db.pool));
  await until('delivered after reconnect', () => got.length === 5);
  t.same(got, written);
  t.equal(reconnected, 1);
});

t.test('concurrent writers committing out of id order: every committed turn once, in id order', async (t) => {
  const feed = new TurnFeed({ pool: db.pool, pollMs: 20, settleMs: 1500 });
  t.teardown(() => feed.close());
  await feed.start();
  const got: number[] = [];
  feed.subscribe({}, (rows) => got.push(...rows.map((r) => r.id)));
  const committed: number[] = [];
  const writer = async (w: number): Promise<void> => {
    const c = await db.pool.connect();
    try {
      for (let i = 0; i < 15; i++) {
        await c.query('BEGIN');
        const n = 1 + ((i + w) % 3);
        const ids: number[] = [];
        for (let k = 0; k < n; k++) {
          const r = await c.query(
            `INSERT INTO dialog_turns (session_id, site_id, seq, at, kind) VALUES ($1, 'S1', $2, now(), 'event') RETURNING id`,
            [randomUUID(), k]);
          ids.push(r.rows[0].id);
        }
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
        if ((i * 7 + w) % 5 === 0) await c.query('ROLLBACK');
        else { await c.query('COMMIT'); committed.push(...ids); }
      }
    } finally {
      c.release();
    }
  };
  await Promise.all([0, 1, 2, 3].map(writer));
  await until('all committed delivered', () => got.length >= committed.length, 20_000);
  await new Promise((r) => setTimeout(r, 200));
  t.equal(got.length, committed.length, 'nothing twice, nothing extra');
  t.same([...got].sort((a, b) => a - b), got, 'in id order');
  t.same([...got].sort((a, b) => a - b), [...committed].sort((a, b) => a - b), 'exactly the committed turns');
  t.ok(feed.stats().holesSkipped > 0, 'rolled-back ids were settled as holes');
});

t.test('feed without demand keeps only its cursor; demand that returns during a read of ids loses nothing', async (t) => {
  const feed = new TurnFeed({ pool: db.pool, pollMs: 60_000, settleMs: 100 });
  t.teardown(() => feed.close());
  await feed.start();
  let answers: boolean[] = [];
  let want = false;
  const got: number[] = [];
  feed.subscribe({ wants: () => answers.shift() ?? want }, (rows) => got.push(...rows.map((r) => r.id)));
  await until('subscriber live', () => { feed.wake(); return feed.stats().polls > 0 || feed.stats().idPolls > 0; });
  const unseen = [await insertTurn(db.pool), await insertTurn(db.pool)];
  feed.wake();
  await until('cursor past the unwanted turns', () => feed.position >= unseen[1]!);
  t.same(got, [], 'no rows read or delivered while nobody wants them');
  t.ok(feed.stats().idPolls > 0, 'ids only');
  const polls = feed.stats().polls;
  // The first answer (at the start of the poll) says no, the next ones (after the ids came back)
  // yes: the ids read is not used, the rows are read and delivered.
  const raced = await insertTurn(db.pool);
  answers = [false];
  want = true;
  feed.wake();
  await until('raced turn delivered', () => got.length === 1);
  t.same(got, [raced]);
  t.equal(feed.stats().polls, polls + 1, 'one read of rows');
  const later = await insertTurn(db.pool);
  feed.wake();
  await until('wanted turn delivered', () => got.length === 2);
  t.same(got, [raced, later], 'each turn once, none of the unwanted ones');
});
