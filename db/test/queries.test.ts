import t from 'tap';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, seedSite } from '../testing.ts';
import { findDeviceById, touchDevice, listDevices } from '../queries/devices.ts';
import {
  createSession, endSession, endSessionsOfNode, findSession, listActiveSessions, setSessionOperator, updateSessionState,
} from '../queries/sessions.ts';
import { findOperatorByExternalId, findOperatorById, recordFailedSignon, resetFailedSignons } from '../queries/operators.ts';
import { ensureTurnPartitions, startPartitionMaintenance } from '../partitions.ts';

const db = await createTestDatabase();
t.teardown(() => db.drop());
await seedSite(db.pool, 'S1');
const dev = randomUUID();
await db.pool.query("INSERT INTO devices (id, site_id, label, token_hash) VALUES ($1, 'S1', 'HS-01', 'hash')", [dev]);
const { rows: [op] } = await db.pool.query(
  "INSERT INTO operators (site_id, external_id, name, language) VALUES ('S1', '1234', 'Ann', 'ru') RETURNING id");

t.test('devices', async (t) => {
  t.equal(await findDeviceById(db.pool, 'not-a-uuid'), null, 'bad id is not found, not an error');
  t.equal(await findDeviceById(db.pool, randomUUID()), null);
  t.match(await findDeviceById(db.pool, dev), { id: dev, siteId: 'S1', label: 'HS-01', tokenHash: 'hash', revokedAt: null, lastSeenAt: null });
  t.equal(await touchDevice(db.pool, dev, { appVersion: '1.2.0' }), true);
  const d = await findDeviceById(db.pool, dev);
  t.equal(d?.appVersion, '1.2.0');
  t.ok(d?.lastSeenAt instanceof Date);
  t.same((await listDevices(db.pool, 'S1')).map((x) => x.label), ['HS-01']);
});

t.test('sessions', async (t) => {
  const s = await createSession(db.pool, { siteId: 'S1', deviceId: dev, gatewayNode: 'n1' });
  t.match(s, { siteId: 'S1', deviceId: dev, gatewayNode: 'n1', endedAt: null, lastSeq: 0, operatorId: null });
  t.equal(await setSessionOperator(db.pool, s.id, op.id), true);
  t.equal(await updateSessionState(db.pool, s.id, { node: 'pick' }, 5), true);
  t.equal(await updateSessionState(db.pool, s.id, { node: 'old' }, 4), false, 'never backwards');
  t.match(await findSession(db.pool, s.id), { operatorId: op.id, dialogState: { node: 'pick' }, lastSeq: 5 });
  t.same((await listActiveSessions(db.pool, ['S1'])).map((x) => x.id), [s.id]);
  t.equal(await endSession(db.pool, s.id, 'logout'), true);
  t.equal(await endSession(db.pool, s.id, 'again'), false);
  t.match(await findSession(db.pool, s.id), { endReason: 'logout' });
  t.same(await listActiveSessions(db.pool, ['S1']), []);
  await createSession(db.pool, { siteId: 'S1', deviceId: dev, gatewayNode: 'n2' });
  await createSession(db.pool, { siteId: 'S1', deviceId: dev, gatewayNode: 'n2' });
  t.equal(await endSessionsOfNode(db.pool, 'n2', 'node restarted'), 2);
  t.equal(await findSession(db.pool, 'nope'), null);
});

t.test('operators', async (t) => {
  t.match(await findOperatorByExternalId(db.pool, 'S1', '1234'), { id: op.id, name: 'Ann', language: 'ru', failedSignons: 0 });
  t.equal(await findOperatorByExternalId(db.pool, 'S1', '9999'), null);
  t.match(await findOperatorById(db.pool, op.id), { externalId: '1234' });
  t.match(await recordFailedSignon(db.pool, op.id, 3, 60_000), { failedSignons: 1, lockedUntil: null });
  await recordFailedSignon(db.pool, op.id, 3, 60_000);
  const locked = await recordFailedSignon(db.pool, op.id, 3, 60_000);
  t.equal(locked?.failedSignons, 0);
  t.ok(locked?.lockedUntil && locked.lockedUntil.getTime() > Date.now() + 50_000, 'locked for a minute');
  await resetFailedSignons(db.pool, op.id);
  t.match(await findOperatorById(db.pool, op.id), { failedSignons: 0, lockedUntil: null });
});

t.test('partitions', async (t) => {
  t.equal(await ensureTurnPartitions(db.pool, 2), 0, 'migration already made them');
  t.equal(await ensureTurnPartitions(db.pool, 4), 2);
  const stop = startPartitionMaintenance(db.pool, { monthsAhead: 5, intervalMs: 60_000 });
  const count = async (): Promise<number> => (await db.pool.query(
    "SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'dialog_turns'::regclass")).rows[0].n;
  const end = Date.now() + 5000;
  while ((await count()) < 7 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  t.equal(await count(), 7, 'default + this month + 5 ahead');
  stop();
});
