/** The device protocol against a real gateway and real WebSocket clients: happy path and bad input. */
import t from 'tap';
import { addDevice, startTestGateway, TestDevice, until, type TestGateway } from './helpers.ts';
import { revokeDevice } from '../device/provision.ts';

let g: TestGateway;
t.before(async () => { g = await startTestGateway({ HELLO_TIMEOUT_MS: '400', MAX_MESSAGES_PER_SECOND: '100' }); });
t.teardown(() => g.stop());

t.test('hello → welcome; a text answer is echoed as a prompt and both are logged as turns', async (t) => {
  const dev = await addDevice(g);
  const d = await TestDevice.open(g.wsUrl);
  d.hello(dev);
  const welcome = await d.waitFor('welcome');
  t.equal(welcome.resumed, false);
  t.equal(welcome.seq, 0, 'a new session starts at seq 0');
  const first = await d.waitFor('prompt');
  t.equal(first.seq, 1);
  d.send({ type: 'text', cseq: 1, text: 'forty two' });
  const echo = await d.waitFor('prompt', (p) => p.text === 'forty two');
  t.equal(echo.seq, 2);
  d.send({ type: 'ack', seq: 2 });
  const rows = await until(async () => {
    const r = await g.db.pool.query('SELECT seq, kind, text FROM dialog_turns WHERE session_id = $1 ORDER BY seq', [welcome.sessionId]);
    return r.rowCount === 3 && r.rows;
  });
  t.same(rows.map((r: { kind: string }) => r.kind), ['prompt', 'text', 'prompt']);
  const dev2 = await g.db.pool.query('SELECT app_version, last_seen_at FROM devices WHERE id = $1', [dev.deviceId]);
  t.equal(dev2.rows[0].app_version, 'test-1');
  d.close();
});

interface BadCase { name: string; act: (d: TestDevice, dev: { deviceId: string; token: string }) => void | Promise<void>; code: string; close: number }
const cases: BadCase[] = [
  { name: 'no hello in time', act: () => undefined, code: 'HELLO_TIMEOUT', close: 4001 },
  { name: 'wrong token', act: (d, dev) => d.hello({ ...dev, token: 'nope' }), code: 'AUTH_FAILED', close: 4100 },
  { name: 'unknown device', act: (d, dev) => d.hello({ ...dev, deviceId: '00000000-0000-0000-0000-000000000000' }), code: 'AUTH_FAILED', close: 4100 },
  { name: 'malformed JSON', act: (d) => d.send('{"type": "hello",'), code: 'BAD_JSON', close: 4102 },
  { name: 'not an object', act: (d) => d.send('[1,2]'), code: 'BAD_MESSAGE', close: 4102 },
  { name: 'unknown type', act: (d) => d.send({ type: 'sing' }), code: 'UNKNOWN_TYPE', close: 4102 },
  { name: 'hello missing a field', act: (d, dev) => d.send({ type: 'hello', v: 1, deviceId: dev.deviceId }), code: 'BAD_MESSAGE', close: 4102 },
  { name: 'unsupported version', act: (d, dev) => d.hello(dev, { v: 2 }), code: 'UNSUPPORTED_VERSION', close: 4103 },
  { name: 'binary frame before hello', act: (d) => d.ws.send(Buffer.alloc(640)), code: 'AUDIO_BEFORE_HELLO', close: 4102 },
  { name: 'text before welcome', act: (d) => d.send({ type: 'text', cseq: 1, text: 'x' }), code: 'BAD_MESSAGE', close: 4102 },
  { name: 'frame over the size limit', act: (d) => d.ws.send(Buffer.alloc(20000)), code: 'FRAME_TOO_LARGE', close: 4102 },
  {
    name: 'odd-sized audio frame', code: 'BAD_AUDIO_FRAME', close: 4102,
    act: async (d, dev) => { d.hello(dev); await d.waitFor('welcome'); d.ws.send(Buffer.alloc(641)); },
  },
  {
    name: 'flood beyond the rate limit', code: 'RATE_LIMITED', close: 4002,
    act: async (d, dev) => { d.hello(dev); await d.waitFor('welcome'); for (let i = 0; i < 150; i++) d.send({ type: 'ack', seq: 0 }); },
  },
];

t.test('bad input: an error with a stable code, then the documented close code; others untouched', async (t) => {
  const bystanderDev = await addDevice(g);
  const bystander = await TestDevice.open(g.wsUrl);
  bystander.hello(bystanderDev);
  await bystander.waitFor('welcome');
  for (const c of cases) {
    const dev = await addDevice(g);
    const d = await TestDevice.open(g.wsUrl);
    await c.act(d, dev);
    const closed = await d.closed;
    const err = d.received.find((m) => m.type === 'error');
    t.equal(err?.type === 'error' && err.code, c.code, `${c.name}: error code`);
    t.equal(err?.type === 'error' && err.fatal, true, `${c.name}: fatal`);
    t.equal(closed.code, c.close, `${c.name}: close code`);
  }
  bystander.send({ type: 'text', cseq: 1, text: 'still here' });
  await bystander.waitFor('prompt', (p) => p.text === 'still here');
  t.pass('the bystander session kept working');
  bystander.close();
});

t.test('a revoked device is refused', async (t) => {
  const dev = await addDevice(g);
  await revokeDevice(g.db.pool, dev.deviceId);
  const d = await TestDevice.open(g.wsUrl);
  d.hello(dev);
  t.equal((await d.closed).code, 4101);
});

t.test('health, readiness and metrics', async (t) => {
  const health = await fetch(`${g.gw.url}/healthz`);
  t.equal(health.status, 200);
  const ready = await fetch(`${g.gw.url}/readyz`);
  t.equal(ready.status, 200);
  t.same(await ready.json(), { status: 'ready' });
  const dev = await addDevice(g);
  const d = await TestDevice.open(g.wsUrl);
  d.hello(dev);
  await d.waitFor('welcome');
  for (let i = 0; i < 10; i++) d.ws.send(Buffer.alloc(640));
  const text = await until(async () => {
    const m = await (await fetch(`${g.gw.url}/metrics`)).text();
    const frames = /voiceman_audio_frames_total\{[^}]*\} (\d+)/.exec(m);
    return frames && Number(frames[1]) >= 10 && m;
  });
  t.match(text, /nodejs_eventloop_lag_seconds/);
  t.match(text, /voiceman_sessions\{[^}]*\} \d+/);
  t.match(text, /voiceman_turn_queue_depth/);
  t.match(text, /voiceman_audio_frames_dropped_total\{[^}]*reason="before_welcome"[^}]*\} 0/, 'the drop counter is exported as 0 before any drop');
  d.close();
});

t.test('revoking a connected device in the console closes it at once (4101) and ends its session', async (t) => {
  const { ApiClient, addUser } = await import('../../console/test/helpers.ts');
  await addUser(g.db, 'sup-revoke', 'supervisor', ['S1']);
  const api = new ApiClient(g.gw.url);
  t.equal((await api.signIn('sup-revoke')).status, 200);
  const dev = await addDevice(g);
  const d = await TestDevice.open(g.wsUrl);
  d.hello(dev);
  const welcome = await d.waitFor('welcome');
  const r = await api.post(`/sites/S1/devices/${dev.deviceId}/revoke`);
  t.equal(r.status, 200);
  t.equal((await d.closed).code, 4101);
  const s = await until(async () => {
    const q = await g.db.pool.query('SELECT end_reason FROM device_sessions WHERE id = $1', [welcome.sessionId]);
    return q.rows[0].end_reason && q.rows[0];
  });
  t.equal(s.end_reason, 'revoked');
});
