import t from 'tap';
import {
  addDeviceRow, addOperatorRow, addUser, ApiClient, consoleDatabase, logTurn, startConsoleServer, startSession,
} from './helpers.ts';

const db = await consoleDatabase();
const server = await startConsoleServer(db);
t.teardown(async () => { await server.close(); await db.drop(); });

await addUser(db, 'adminA', 'admin', ['A']);
await addUser(db, 'supA', 'supervisor', ['A']);
await addUser(db, 'viewA', 'viewer', ['A']);
await addUser(db, 'supB', 'supervisor', ['B']);
const devA = await addDeviceRow(db, 'A', 'A-01');
const devB = await addDeviceRow(db, 'B', 'B-01');
const opA = await addOperatorRow(db, 'A', '7', 'Boris');
const sessA = await startSession(db, 'A', devA, opA);
const sessB = await startSession(db, 'B', devB);
await logTurn(db, 'A', sessA, 'event', 'assignment:ASG-9');
await logTurn(db, 'A', sessA, 'prompt', 'Aisle 12 slot 4', { flowNode: 'goto', operatorId: opA });
await logTurn(db, 'A', sessA, 'utterance', null, { confidence: 0.2, operatorId: opA });
await logTurn(db, 'A', sessA, 'utterance', '12', { confidence: 0.93, latencyMs: 250, operatorId: opA });
await logTurn(db, 'B', sessB, 'prompt', 'Aisle 12 at B');

const client = async (name: string): Promise<ApiClient> => { const c = new ApiClient(server.url); await c.signIn(name); return c; };
const supA = await client('supA');
const supB = await client('supB');
const viewA = await client('viewA');
const adminA = await client('adminA');

t.test('a supervisor of site B gets nothing of site A', async (t) => {
  for (const p of ['/sites/A/floor', '/sites/A/turns', '/sites/A/sessions', '/sites/A/devices', '/sites/A/operators', '/sites/A/settings', '/sites/A/stats']) {
    const r = await supB.get(p);
    t.equal(r.status, 404, p);
    t.equal(r.body.error.code, 'SITE_NOT_FOUND', p);
  }
  t.equal((await supB.get(`/sessions/${sessA}`)).status, 404, 'transcript');
  t.equal((await supB.get('/audit?siteId=A')).body.error.code, 'SITE_NOT_FOUND');
  t.equal((await supB.post('/sites/A/devices', { label: 'x' })).body.error.code, 'SITE_NOT_FOUND');
  const sites = (await supB.get('/sites')).body.items.map((s: { id: string }) => s.id);
  t.same(sites, ['B']);
  const own = await supB.get('/sites/B/turns?text=Aisle');
  t.same(own.body.items.map((x: { siteId: string }) => x.siteId), ['B'], 'own site search sees only B');
});

t.test('history search: filters, text, assignment, pagination', async (t) => {
  const all = await supA.get('/sites/A/turns?limit=2');
  t.equal(all.body.items.length, 2);
  t.ok(all.body.next);
  const page2 = await supA.get(`/sites/A/turns?limit=2&before=${encodeURIComponent(all.body.next)}`);
  t.equal(page2.body.items.length, 2);
  t.equal(page2.body.next, null);
  const ids = [...all.body.items, ...page2.body.items].map((x: { id: number }) => x.id);
  t.equal(new Set(ids).size, 4, 'pages do not overlap');
  t.same((await supA.get('/sites/A/turns?text=aisle%2012')).body.items.map((x: { text: string }) => x.text), ['Aisle 12 slot 4']);
  t.equal((await supA.get(`/sites/A/turns?operatorId=${opA}`)).body.items.length, 3);
  t.equal((await supA.get(`/sites/A/turns?deviceId=${devA}`)).body.items.length, 4);
  t.equal((await supA.get('/sites/A/turns?assignment=ASG-9')).body.items.length, 4);
  t.equal((await supA.get('/sites/A/turns?assignment=NOPE')).body.items.length, 0);
  const future = new Date(Date.now() + 3600_000).toISOString();
  t.equal((await supA.get(`/sites/A/turns?from=${future}`)).body.items.length, 0);
  const r = await supA.get(`/sessions/${sessA}`);
  t.same(r.body.turns.map((x: { seq: number }) => x.seq), [1, 2, 3, 4], 'full transcript in order');
  t.equal(r.body.session.deviceLabel, 'A-01');
  const floor = (await supA.get('/sites/A/floor')).body.sessions[0];
  t.equal(floor.noMatches, 1);
  t.equal(floor.answers, 2);
  t.equal(floor.lastAnswer.text, '12');
  t.equal(floor.lastLatencyMs, 250);
  t.equal(floor.flowNode, 'goto');
  const stats = await supA.get('/sites/A/stats?bucketS=60');
  t.equal(stats.body.buckets.reduce((n: number, b: { turns: number }) => n + b.turns, 0), 4);
});

t.test('bad query parameters get BAD_REQUEST with the parameter named', async (t) => {
  for (const q of ['limit=0', 'limit=abc', 'from=yesterday', 'deviceId=nope', 'kind=shout', 'before=garbage', 'operatorId=-1']) {
    const r = await supA.get(`/sites/A/turns?${q}`);
    t.equal(r.status, 400, q);
    t.equal(r.body.error.code, 'BAD_REQUEST', q);
    t.ok(r.body.error.details.param, q);
  }
  t.equal((await supA.get('/sessions/not-a-uuid')).status, 404);
});

t.test('roles: viewers read only, supervisors run the floor, admins the site', async (t) => {
  t.equal((await viewA.post('/sites/A/operators', { externalId: '8', name: 'Vera' })).body.error.code, 'FORBIDDEN');
  t.equal((await viewA.get('/sites/A/operators')).status, 200);
  t.equal((await supA.put('/sites/A/settings/asr.minConfidence', { value: 0.6 })).body.error.code, 'FORBIDDEN');
  t.equal((await supA.get('/users')).body.error.code, 'FORBIDDEN');
  const op = await supA.post('/sites/A/operators', { externalId: '8', name: 'Vera', language: 'ru' });
  t.equal(op.status, 201);
  t.match(op.body.pin, /^\d{4}$/);
  t.equal(op.body.operator.hasPin, true);
  t.equal(op.body.operator.voiceWords, 0, 'enrollment status: no voice templates yet');
  t.equal((await supA.post('/sites/A/operators', { externalId: '8', name: 'Dup' })).body.error.code, 'CONFLICT');
  const bad = await supA.post('/sites/A/operators', { externalId: '', name: 'X', language: 'de', extra: 1 });
  t.equal(bad.body.error.code, 'VALIDATION_FAILED');
  t.ok(bad.body.error.details.length >= 2);
});

t.test('settings are typed and validated', async (t) => {
  t.equal((await adminA.put('/sites/A/settings/asr.minConfidence', { value: 1.5 })).body.error.code, 'VALIDATION_FAILED');
  t.equal((await adminA.put('/sites/A/settings/asr.minConfidence', { value: 'high' })).body.error.code, 'VALIDATION_FAILED');
  t.equal((await adminA.put('/sites/A/settings/no.such', { value: 1 })).body.error.code, 'UNKNOWN_SETTING');
  t.equal((await adminA.put('/sites/A/settings/dialog.maxNoMatch', { value: 2.5 })).body.error.code, 'VALIDATION_FAILED');
  const ok = await adminA.put('/sites/A/settings/asr.minConfidence', { value: 0.65 });
  t.equal(ok.status, 200);
  const list = (await adminA.get('/sites/A/settings')).body.items;
  const s = list.find((x: { key: string }) => x.key === 'asr.minConfidence');
  t.equal(s.value, 0.65);
  t.equal(s.overridden, true);
  const row = await db.pool.query(`SELECT value_type, value FROM process_settings WHERE site_id = 'A' AND key = 'asr.minConfidence'`);
  t.same(row.rows[0], { value_type: 'number', value: 0.65 });
});

t.test('devices: provisioning returns a token and a QR code; revoke; audit entries record before/after', async (t) => {
  const r = await supA.post('/sites/A/devices', { label: 'A-07' });
  t.equal(r.status, 201);
  t.match(r.body.token, /^[A-Za-z0-9_-]{43}$/);
  t.match(r.body.qrSvg, /^<svg/);
  t.equal(r.body.provisioning.deviceId, r.body.device.id);
  t.equal(r.body.provisioning.server, server.url);
  t.equal(r.body.provisioning.link, `voiceman://provision?url=${encodeURIComponent(server.url)}&d=${r.body.device.id}&t=${encodeURIComponent(r.body.token)}`);
  t.equal((await supA.post('/sites/A/devices', { label: 'A-07' })).body.error.code, 'LABEL_TAKEN');
  const rev = await supA.post(`/sites/A/devices/${r.body.device.id}/revoke`);
  t.ok(rev.body.device.revokedAt);
  t.equal((await supB.post(`/sites/B/devices/${r.body.device.id}/revoke`)).status, 404, 'not through another site');
  const audit = (await adminA.get('/audit?siteId=A')).body.items;
  const revoke = audit.find((e: { action: string }) => e.action === 'device.revoke');
  t.equal(revoke.userName, 'supA');
  t.equal(revoke.before.revokedAt, null);
  t.ok(revoke.after.revokedAt);
  const setting = audit.find((e: { action: string }) => e.action === 'setting.set');
  t.same([setting.before, setting.after], [null, 0.65]);
  t.ok(audit.find((e: { action: string }) => e.action === 'operator.create'));
  t.notOk(JSON.stringify(audit).includes('"pin"'), 'PINs never reach the audit log');
  t.equal((await supB.get('/audit')).body.items.filter((e: { siteId: string }) => e.siteId === 'A').length, 0, 'B sees none of A');
});

t.test('users: admins manage their sites only and keep one admin per site', async (t) => {
  const u = await adminA.post('/users', { name: 'newbie', role: 'viewer', sites: ['A'] });
  t.equal(u.status, 201);
  t.ok(u.body.password.length >= 12);
  const c = new ApiClient(server.url);
  t.equal((await c.signIn('newbie', u.body.password)).status, 200);
  t.equal((await adminA.post('/users', { name: 'spy', role: 'admin', sites: ['B'] })).body.error.code, 'SITE_NOT_FOUND');
  t.equal((await adminA.post('/users', { name: 'newbie', role: 'viewer', sites: ['A'] })).body.error.code, 'NAME_TAKEN');
  const me = (await adminA.get('/auth/me')).body.user.id;
  t.equal((await adminA.patch(`/users/${me}`, { role: 'viewer' })).body.error.code, 'LAST_ADMIN');
  await adminA.patch(`/users/${u.body.user.id}`, { active: false });
  t.equal((await c.get('/auth/me')).status, 401, 'deactivation ends the sessions');
  const names = (await adminA.get('/users')).body.items.map((x: { name: string }) => x.name);
  t.notOk(names.includes('supB'), 'users of other sites are not listed');
});
