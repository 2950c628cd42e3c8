/** Two gateway nodes sharing PostgreSQL and Redis: a device moving between them keeps its session. */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '../../db/testing.ts';
import { addDevice, startTestGateway, TestDevice, until } from './helpers.ts';
import { addUser, ApiClient } from '../../console/test/helpers.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

t.test('a device that reconnects to another node is released by the first and resumes there', async (t) => {
  const db = await createTestDatabase();
  t.teardown(() => db.drop());
  const a = await startTestGateway({ REDIS_URL, NODE_ID: `a-${randomUUID()}` }, {}, db);
  t.teardown(() => a.stop());
  const b = await startTestGateway({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', REDIS_URL, NODE_ID: `b-${randomUUID()}` }, {}, db);
  t.teardown(() => b.stop());
  const dev = await addDevice(a);

  const onA = await TestDevice.open(a.wsUrl);
  onA.hello(dev);
  const welcome = await onA.waitFor('welcome');
  await onA.waitFor('prompt');
  onA.send({ type: 'text', cseq: 1, text: 'on node a' });
  const pa = await onA.waitFor('prompt', (p) => p.text === 'on node a');

  // The picker walks to another access point: the load balancer sends the new connection to B
  // while A still holds the old one open.
  const onB = await TestDevice.open(b.wsUrl);
  onB.hello(dev, { resume: { sessionId: welcome.sessionId, lastSeq: pa.seq } });
  const wb = await onB.waitFor('welcome');
  t.equal((await onA.closed).code, 4104, 'node A closed its connection as replaced');
  t.equal(wb.resumed, true);
  t.equal(wb.sessionId, welcome.sessionId);
  t.equal(wb.lastCseq, 1, 'node B read the state node A flushed');
  onB.send({ type: 'text', cseq: 1, text: 'on node a' }); // a retry of the old answer: not taken again
  onB.send({ type: 'text', cseq: 2, text: 'on node b' });
  const pb = await onB.waitFor('prompt', (p) => p.text === 'on node b');
  t.ok(pb.seq > pa.seq);
  const n = await until(async () => {
    const r = await db.pool.query('SELECT count(*)::int AS n FROM dialog_turns WHERE session_id = $1', [welcome.sessionId]);
    return r.rows[0].n === 5 && 5;
  });
  t.equal(n, 5, 'prompt, answer, prompt on A; answer, prompt on B; nothing twice');
  const s = await db.pool.query('SELECT gateway_node, ended_at FROM device_sessions WHERE id = $1', [welcome.sessionId]);
  t.equal(s.rows[0].gateway_node, b.env.NODE_ID);
  t.equal(s.rows[0].ended_at, null, 'the session did not end when it moved');
  onB.close();
});

t.test('a device revoked in the console of one node is closed on the node that holds it', async (t) => {
  const db = await createTestDatabase();
  t.teardown(() => db.drop());
  const a = await startTestGateway({ REDIS_URL, NODE_ID: `a-${randomUUID()}` }, {}, db);
  t.teardown(() => a.stop());
  const b = await startTestGateway({ REDIS_URL, NODE_ID: `b-${randomUUID()}` }, {}, db);
  t.teardown(() => b.stop());
  await addUser(db, 'sup', 'supervisor', ['S1']);
  const dev = await addDevice(b);
  const onB = await TestDevice.open(b.wsUrl);
  onB.hello(dev);
  const welcome = await onB.waitFor('welcome');

  const console = new ApiClient(a.gw.url);
  t.equal((await console.signIn('sup')).status, 200);
  const r = await console.post(`/sites/S1/devices/${dev.deviceId}/revoke`);
  t.equal(r.status, 200, 'revoked through node A');
  const closed = await Promise.race([onB.closed, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 5000))]);
  t.equal(closed.code, 4101, 'node B closed the device at once (DEVICE_REVOKED: do not reconnect)');
  const ended = await until(async () => {
    const s = await db.pool.query('SELECT ended_at FROM device_sessions WHERE id = $1', [welcome.sessionId]);
    return s.rows[0].ended_at !== null;
  });
  t.ok(ended, 'its session ended on node B');
  const again = await TestDevice.open(b.wsUrl);
  again.hello(dev);
  t.equal((await again.closed).code, 4101, 'and a new hello is refused');
});
