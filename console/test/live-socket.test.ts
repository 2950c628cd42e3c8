import t from 'tap';
import {
  addDeviceRow, addOperatorRow, addUser, ApiClient, ConsoleClient, consoleDatabase, logTurn, startConsoleServer, startSession,
} from './helpers.ts';

const db = await consoleDatabase();
const server = await startConsoleServer(db);
t.teardown(async () => { await server.close(); await db.drop(); });

await addUser(db, 'sa', 'supervisor', ['A']);
await addUser(db, 'sb', 'supervisor', ['B']);
const devA = await addDeviceRow(db, 'A', 'A-01');
const devB = await addDeviceRow(db, 'B', 'B-01');
const opA = await addOperatorRow(db, 'A', '100', 'Anna');
const sessA = await startSession(db, 'A', devA, opA);
const sessB = await startSession(db, 'B', devB);

const a = new ApiClient(server.url);
await a.signIn('sa');

t.test('the floor snapshot and live turns of my site only', async (t) => {
  await logTurn(db, 'A', sessA, 'prompt', 'Go to aisle 5', { flowNode: 'goto' });
  const snap = await a.get('/sites/A/floor');
  t.equal(snap.status, 200);
  t.equal(snap.body.sessions.length, 1);
  t.equal(snap.body.sessions[0].deviceLabel, 'A-01');
  t.equal(snap.body.sessions[0].operatorName, 'Anna');
  t.equal((await a.get('/sites/B/floor')).body.error.code, 'SITE_NOT_FOUND');

  const c = new ConsoleClient(server.url, a.cookie);
  t.ok(await c.opened());
  await c.waitFor((m) => m.type === 'ready');
  c.send({ type: 'subscribe', topic: 'floor/A', after: snap.body.cursor });
  c.send({ type: 'subscribe', topic: 'floor/B', after: 0 });
  c.send({ type: 'subscribe', topic: `session/${sessB}`, after: 0 });
  await c.waitFor((m) => m.type === 'subscribed' && m.topic === 'floor/A');
  t.equal((await c.waitFor((m) => m.type === 'error' && m.topic === 'floor/B')).code, 'NOT_FOUND');
  t.equal((await c.waitFor((m) => m.type === 'error' && m.topic === `session/${sessB}`)).code, 'NOT_FOUND');

  await logTurn(db, 'B', sessB, 'utterance', 'secret of B', { confidence: 0.9 });
  const mine = await logTurn(db, 'A', sessA, 'utterance', '42', { confidence: 0.87, latencyMs: 310 });
  const got = await c.waitFor((m) => m.type === 'turn' && m.turn.id === mine.id);
  t.equal(got.turn.text, '42');
  t.equal(got.turn.confidence, 0.87);
  t.equal(got.turn.latencyMs, 310);
  await new Promise((r) => setTimeout(r, 300));
  t.notOk(c.received.some((m) => m.type === 'turn' && m.turn.siteId === 'B'), 'nothing of site B');
  c.close();
});

t.test('a reconnecting browser catches up from its cursor, exactly once', async (t) => {
  const c1 = new ConsoleClient(server.url, a.cookie);
  await c1.opened();
  c1.send({ type: 'subscribe', topic: `session/${sessA}`, after: 0 });
  const sub = await c1.waitFor((m) => m.type === 'subscribed');
  const replayed = c1.received.filter((m) => m.type === 'turn');
  t.equal(sub.replayed, replayed.length);
  t.ok(replayed.length >= 2, 'the session so far is replayed');
  const cursor = Math.max(...replayed.map((m) => m.turn.id));
  c1.close();
  await c1.closed;
  const missed = [];
  for (let i = 0; i < 3; i++) missed.push((await logTurn(db, 'A', sessA, 'prompt', `missed ${i}`)).id);
  const c2 = new ConsoleClient(server.url, a.cookie);
  await c2.opened();
  c2.send({ type: 'subscribe', topic: `session/${sessA}`, after: cursor });
  await c2.waitFor((m) => m.type === 'subscribed');
  const after = (await logTurn(db, 'A', sessA, 'prompt', 'live again')).id;
  await c2.waitFor((m) => m.type === 'turn' && m.turn.id === after);
  const ids = c2.received.filter((m) => m.type === 'turn').map((m) => m.turn.id);
  t.same(ids, [...missed, after], 'missed turns replayed, then live, each once, in order');
  c2.close();
});

t.test('a device connecting shows up as a session event with its label', async (t) => {
  const c = new ConsoleClient(server.url, a.cookie);
  await c.opened();
  c.send({ type: 'subscribe', topic: 'floor/A', after: 0 });
  await c.waitFor((m) => m.type === 'subscribed');
  const dev = await addDeviceRow(db, 'A', 'A-02');
  const s = await startSession(db, 'A', dev);
  const ev = await c.waitFor((m) => m.type === 'session' && m.session.sessionId === s);
  t.equal(ev.session.op, 'insert');
  t.equal(ev.session.deviceLabel, 'A-02');
  await db.pool.query(`UPDATE device_sessions SET ended_at = now(), end_reason = 'bye' WHERE id = $1`, [s]);
  const end = await c.waitFor((m) => m.type === 'session' && m.session.sessionId === s && m.session.endedAt);
  t.equal(end.session.endReason, 'bye');
  c.close();
});

t.test('refusals: no cookie, foreign origin, bad messages', async (t) => {
  const anon = new ConsoleClient(server.url, '');
  t.notOk(await anon.opened());
  t.equal(anon.status, 401);
  const evil = new ConsoleClient(server.url, a.cookie, 'http://evil.example');
  t.notOk(await evil.opened());
  t.equal(evil.status, 403);
  const c = new ConsoleClient(server.url, a.cookie);
  await c.opened();
  c.send('{not json');
  t.equal((await c.waitFor((m) => m.type === 'error')).code, 'BAD_JSON');
  t.equal(await c.closed, 4102);
  const c2 = new ConsoleClient(server.url, a.cookie);
  await c2.opened();
  c2.send({ type: 'subscribe', topic: 'floor/A; DROP TABLE', after: 0 });
  t.equal((await c2.waitFor((m) => m.type === 'error')).code, 'BAD_MESSAGE');
  t.equal(await c2.closed, 4102);
});
