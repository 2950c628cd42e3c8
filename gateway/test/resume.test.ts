/** Resume after a dropped connection, replacement by a second connection, graceful shutdown and restart. */
import t from 'tap';
import { addDevice, startTestGateway, TestDevice, until, type TestGateway } from './helpers.ts';
import { createTestDatabase } from '../../db/testing.ts';

async function turnCount(g: TestGateway, sessionId: string): Promise<number> {
  const r = await g.db.pool.query('SELECT count(*)::int AS n FROM dialog_turns WHERE session_id = $1', [sessionId]);
  return r.rows[0].n as number;
}

t.test('resume: same session, unacknowledged messages again, no turn twice', async (t) => {
  const g = await startTestGateway();
  t.teardown(() => g.stop());
  const dev = await addDevice(g);
  const a = await TestDevice.open(g.wsUrl);
  a.hello(dev);
  const welcome = await a.waitFor('welcome');
  await a.waitFor('prompt');                       // seq 1
  a.send({ type: 'ack', seq: 1 });
  a.send({ type: 'text', cseq: 1, text: 'one' });
  await a.waitFor('prompt', (p) => p.text === 'one'); // seq 2, not acknowledged
  a.terminate();                                   // the Wi-Fi drops
  await a.closed;

  const b = await TestDevice.open(g.wsUrl);
  b.hello(dev, { resume: { sessionId: welcome.sessionId, lastSeq: 1 } });
  const w2 = await b.waitFor('welcome');
  t.equal(w2.resumed, true);
  t.equal(w2.sessionId, welcome.sessionId);
  t.equal(w2.lastCseq, 1, 'the server says which answer it took last');
  const replay = await b.waitFor('prompt', (p) => p.text === 'one');
  t.equal(replay.seq, 2, 'the unacknowledged prompt is sent again with its seq');
  // The device is unsure whether "one" arrived and sends it again: it is not taken twice.
  b.send({ type: 'text', cseq: 1, text: 'one' });
  b.send({ type: 'text', cseq: 2, text: 'two' });
  const p3 = await b.waitFor('prompt', (p) => p.text === 'two');
  t.equal(p3.seq, 3);
  await until(async () => (await turnCount(g, welcome.sessionId)) === 5);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(await turnCount(g, welcome.sessionId), 5, 'prompt, one, prompt, two, prompt — each once');
  b.close();
});

t.test('a resume after the grace period starts a new session and says so', async (t) => {
  const g = await startTestGateway({ RESUME_GRACE_MS: '100' });
  t.teardown(() => g.stop());
  const dev = await addDevice(g);
  const a = await TestDevice.open(g.wsUrl);
  a.hello(dev);
  const welcome = await a.waitFor('welcome');
  a.terminate();
  await a.closed;
  await until(async () => {
    const r = await g.db.pool.query('SELECT end_reason FROM device_sessions WHERE id = $1', [welcome.sessionId]);
    return r.rows[0].end_reason === 'resume_timeout';
  });
  const b = await TestDevice.open(g.wsUrl);
  b.hello(dev, { resume: { sessionId: welcome.sessionId, lastSeq: 1 } });
  const w2 = await b.waitFor('welcome');
  t.equal(w2.resumed, false);
  t.not(w2.sessionId, welcome.sessionId);
  const err = await b.waitFor('error');
  t.equal(err.code, 'SESSION_NOT_FOUND');
  t.equal(err.fatal, false);
  b.close();
});

t.test('a second connection of the same device replaces the first (4104)', async (t) => {
  const g = await startTestGateway();
  t.teardown(() => g.stop());
  const dev = await addDevice(g);
  const a = await TestDevice.open(g.wsUrl);
  a.hello(dev);
  const welcome = await a.waitFor('welcome');
  const b = await TestDevice.open(g.wsUrl);
  b.hello(dev, { resume: { sessionId: welcome.sessionId, lastSeq: 0 } });
  t.equal((await a.closed).code, 4104);
  const w2 = await b.waitFor('welcome');
  t.equal(w2.sessionId, welcome.sessionId);
  b.send({ type: 'text', cseq: 1, text: 'after takeover' });
  await b.waitFor('prompt', (p) => p.text === 'after takeover');
  b.close();
});

t.test('graceful shutdown tells devices to reconnect (4000); the session resumes on the restarted gateway', async (t) => {
  const db = await createTestDatabase();
  t.teardown(() => db.drop());
  const g1 = await startTestGateway({}, {}, db);
  const dev = await addDevice(g1);
  const a = await TestDevice.open(g1.wsUrl);
  a.hello(dev);
  const welcome = await a.waitFor('welcome');
  await a.waitFor('prompt');
  a.send({ type: 'text', cseq: 1, text: 'before restart' });
  const p = await a.waitFor('prompt', (m) => m.text === 'before restart');
  a.send({ type: 'ack', seq: p.seq });
  await new Promise((r) => setTimeout(r, 100));
  await g1.stop();
  const closed = await a.closed;
  t.equal(closed.code, 4000);
  t.equal(a.received.find((m) => m.type === 'error' && m.code === 'SERVER_SHUTDOWN')?.type, 'error');
  t.equal(await turnCount(g1, welcome.sessionId), 3, 'the turn queue was flushed at shutdown');

  const g2 = await startTestGateway({ DATA_DIR: g1.env.DATA_DIR! }, {}, db);
  t.teardown(() => g2.stop());
  const b = await TestDevice.open(g2.wsUrl);
  b.hello(dev, { resume: { sessionId: welcome.sessionId, lastSeq: p.seq } });
  const w2 = await b.waitFor('welcome');
  t.equal(w2.resumed, true, 'rehydrated from the database');
  t.equal(w2.lastCseq, 1);
  b.send({ type: 'text', cseq: 2, text: 'after restart' });
  const p2 = await b.waitFor('prompt', (m) => m.text === 'after restart');
  t.ok(p2.seq > p.seq, 'seq goes on from where it was');
  await until(async () => (await turnCount(g2, welcome.sessionId)) === 5);
  b.close();
});
