/** The runtime end to end over real HTTP against the simulator, with real PostgreSQL. */
import t from 'tap';
import { setup, Picker, waitFor } from './env.ts';
import { listOutbox, countPendingOutbox } from '../../db/queries/outbox.ts';

const isDone = (n: string | undefined) => n === 'picking.noWork' || n === 'picking.getAssignment';

t.test('a full assignment with typed answers: every confirmation delivered exactly once', async (t) => {
  const env = await setup(t);
  const op = env.truthOperators[0]!;
  const truth = (await (await fetch(`${env.sim.url}/truth/assignments?operator=${op.id}`)).json()) as { id: string; lines: { id: string; qty: number; checkDigits: string }[] }[];
  const p = await Picker.start(env.rt);
  t.same(p.texts(), ['Say your operator number.']);
  await p.signOn(op.id, op.pin);
  t.match(p.texts()[0], `Welcome, ${op.name}.`);
  t.equal(p.s.operatorId !== null, true);
  const a1 = truth[0]!;
  t.match(p.texts()[1], `Assignment ${a1.id.split('').join(' ')}`);
  // wrong check digits first, then everything right
  await p.pickUntil((n) => n === 'picking.checkDigits');
  const right = p.rightAnswer();
  t.equal(right, a1.lines[0]!.checkDigits, 'the expectation carries the ground-truth check digits');
  await p.type(right === '00' ? '11' : String(Number(right[0]) === 9 ? 0 : Number(right[0]) + 1) + right.slice(1));
  t.match(p.texts()[0], /^Wrong\. Slot/);
  await p.pickUntil((n) => n === 'picking.drop');
  await p.type(p.rightAnswer());
  t.same(p.texts().slice(0, 2), ['Assignment complete.', `Assignment ${truth[1]!.id.split('').join(' ')}, ${truth[1]!.lines.length} lines.`]);
  await p.pickUntil(isDone);
  t.same(p.texts().at(-1), 'No work. Say ready.');
  await waitFor(async () => (await countPendingOutbox(env.db.pool)) === 0);
  const receipts = await env.receipts();
  const expected = truth.flatMap((a) => [...a.lines.map((l) => `pick:${a.id}:${l.id}`), `complete:${a.id}`]).sort();
  t.same(receipts.map((r) => r.key).sort(), expected, 'every line and completion, once');
  t.ok(receipts.every((r) => r.receipts === 1), 'no duplicate deliveries');
  for (const a of truth) for (const l of a.lines) t.equal(receipts.find((r) => r.key === `pick:${a.id}:${l.id}`)?.quantity, l.qty);
  // the causing turns were written with the outbox rows
  const turns = await env.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dialog_turns WHERE session_id = $1', [p.s.sessionId]);
  t.ok(turns.rows[0]!.n >= expected.length, 'turn rows of the answers that caused writes');
  const rows = await listOutbox(env.db.pool);
  t.ok(rows.every((r) => r.status === 'delivered' && r.operatorId === p.s.operatorId));
  t.ok(p.s.state && JSON.stringify(p.s.state).length < 20000, 'state stays small');
});

t.test('a WMS outage mid-assignment: the picker goes on, the outbox delivers afterwards, once each', async (t) => {
  const env = await setup(t, { settings: { outboxBackoffBaseMs: 20000, outboxBackoffMaxMs: 60000 } });
  const op = env.truthOperators[1]!;
  const p = await Picker.start(env.rt);
  await p.signOn(op.id, op.pin);
  await p.pickUntil((n) => n === 'picking.quantity');
  await p.type(p.rightAnswer()); // line 1 confirmed while the WMS is up
  await waitFor(async () => (await env.receipts()).length === 1);
  await env.faults({ down: true });
  await p.pickUntil((n) => n === 'picking.drop');
  await p.type(p.rightAnswer());
  t.same(p.texts()[0], 'Assignment complete.');
  t.match(p.texts()[1], /not answering.*say ready/i, 'the next assignment waits for the WMS');
  t.equal(p.prompt?.expect?.kind, 'ready');
  const pending = await countPendingOutbox(env.db.pool);
  t.ok(pending >= 2, `writes wait in the outbox (${pending})`);
  t.equal((await env.receipts()).length, 1, 'nothing reached the host during the outage');
  await p.type('ready');
  t.match(p.texts()[0], /not answering/, 'still down');
  await env.faults({ down: false });
  await p.type('ready');
  t.match(p.texts()[0], /^Assignment /, 'ready right after the outage: the writes go out at once (no 20 s backoff), then new work');
  t.equal(await countPendingOutbox(env.db.pool), 0);
  const receipts = await env.receipts();
  t.equal(receipts.length, pending + 1);
  t.ok(receipts.every((r) => r.receipts === 1), 'each confirmation exactly once');
  const rows = await listOutbox(env.db.pool);
  t.ok(rows.some((r) => r.attempts > 1), 'some writes needed retries');
});

t.test('sign-on: lockout after N wrong PINs, argon2 hash kept, sign-on during a WMS outage', async (t) => {
  const env = await setup(t, { settings: { signonMaxFailures: 2, signonLockMinutes: 7 } });
  const op = env.truthOperators[2]!;
  const p = await Picker.start(env.rt);
  await p.signOn(op.id, '0000');
  t.same(p.texts(), ['Wrong operator number or PIN.', 'Say your operator number.']);
  await p.signOn(op.id, '0001');
  t.match(p.texts()[0], /is locked for 7 minutes/);
  await p.signOn(op.id, op.pin);
  t.match(p.texts()[0], /is locked/, 'the right PIN does not help while locked');
  await env.db.pool.query('UPDATE operators SET locked_until = now() WHERE external_id = $1', [op.id]);
  await p.signOn(op.id, op.pin);
  t.match(p.texts()[0], /^Welcome/);
  const row = await env.db.pool.query<{ pin_hash: string; failed_signons: number }>('SELECT pin_hash, failed_signons FROM operators WHERE external_id = $1', [op.id]);
  t.match(row.rows[0]!.pin_hash, /^\$argon2id\$/);
  t.equal(row.rows[0]!.failed_signons, 0);
  t.notOk(row.rows[0]!.pin_hash.includes(op.pin));
  // WMS down: the kept hash decides
  await env.faults({ down: true });
  const q = await Picker.start(env.rt);
  await q.signOn(op.id, '1111');
  t.same(q.texts()[0], 'Wrong operator number or PIN.');
  await q.signOn(op.id, op.pin);
  t.match(q.texts()[0], /^Welcome/, 'signed on from the local hash');
  const unknown = await Picker.start(env.rt);
  await unknown.signOn('999', '1234');
  t.match(unknown.texts()[0], /not answering/, 'an operator never seen cannot sign on while the WMS is down');
});

t.test('resume on another runtime from the persisted state; talk louder kept per operator', async (t) => {
  const env = await setup(t);
  const op = env.truthOperators[0]!;
  const p = await Picker.start(env.rt);
  await p.signOn(op.id, op.pin);
  await p.pickUntil((n) => n === 'picking.quantity');
  await p.type('talk louder');
  await p.type('talk softer');
  const row = await env.db.pool.query<{ tts_volume: number }>('SELECT tts_volume FROM operators WHERE external_id = $1', [op.id]);
  t.equal(Math.round(row.rows[0]!.tts_volume * 10) / 10, 0.9);
  const persisted = JSON.parse(JSON.stringify(p.s.state));
  const expected = p.rightAnswer();
  const other = await (await import('../runtime/runtime.ts')).DialogRuntime.load({ pool: env.db.pool, connector: env.connector, settings: { outboxDispatch: false } });
  t.teardown(() => other.close());
  const q = await Picker.start(other, persisted, p.s.sessionId);
  t.equal(q.s.resumed, true);
  t.match(q.texts()[0], /^Pick /, 'the current prompt again');
  t.equal(q.rightAnswer(), expected);
  t.equal(q.s.operatorId, p.s.operatorId);
  const bad = await Picker.start(other, { v: 99 });
  t.equal(bad.s.resumed, false, 'an unusable state starts anew');
  t.same(bad.texts(), ['Say your operator number.']);
});

t.test('flow versions: publishing never changes a running session', async (t) => {
  const env = await setup(t);
  const op = env.truthOperators[0]!;
  const old = await Picker.start(env.rt);
  await old.signOn(op.id, op.pin);
  const { loadBuiltinFlows } = await import('../registry.ts');
  const picking = structuredClone((await loadBuiltinFlows()).find((f) => f.name === 'picking')!);
  (picking.nodes.goAisle as { prompt: unknown }).prompt = { en: 'Go to aisle {{line.aisle}}.' };
  const v = await env.rt.saveDraft(picking, { comment: 'test' });
  t.equal(v, 1);
  t.equal(await env.rt.publish('picking', v), true);
  t.equal(await env.rt.publish('picking', v), false, 'already published');
  await t.rejects(env.db.pool.query(`UPDATE flows SET definition = '{}' WHERE name = 'picking'`), /cannot change/);
  await t.rejects(env.rt.saveDraft({ name: 'picking', start: 'nope', nodes: {} }), { code: 'FLOW_INVALID' });
  const fresh = await Picker.start(env.rt);
  await fresh.signOn(env.truthOperators[1]!.id, env.truthOperators[1]!.pin);
  t.match(fresh.texts().at(-1), /^Go to aisle/, 'new session: new version');
  await old.pickUntil((n) => n === 'picking.drop');
  t.ok(!old.out.some((o) => o.type === 'prompt' && o.text.startsWith('Go to aisle')), 'old session keeps version 0');
  t.same(old.s.state.pins.picking, 0);
  t.same(fresh.s.state.pins.picking, 1);
});

t.test('reference data sync into the site tables', async (t) => {
  const env = await setup(t);
  const r = await env.rt.syncReferenceData('S1');
  t.same(r, { locations: 484, items: 480, reasonCodes: 3 });
  const { rows } = await env.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM locations WHERE site_id = 'S1'");
  t.equal(rows[0]!.n, 484);
  await env.rt.syncReferenceData('S1');
  const again = await env.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM reason_codes WHERE site_id = 'S1'");
  t.equal(again.rows[0]!.n, 3, 'idempotent');
  await env.faults({ down: true });
  await t.rejects(env.rt.syncReferenceData('S1'), { code: 'WMS_UNAVAILABLE' });
});
