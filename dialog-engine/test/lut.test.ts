/** The LUT/ODR connector end to end over real TCP against the simulator (and REST error paths). */
import t from 'tap';
import { setup, Picker, waitFor } from './env.ts';
import { countPendingOutbox } from '../../db/queries/outbox.ts';
import { encodeRecord, parseRecord, LineReader, splitReply, LutFormatError } from '../wms/lut-codec.ts';
import { createConnector } from '../wms/connector.ts';
import { WmsError } from '../wms/types.ts';
import net from 'node:net';

t.test('framing: quoting, CRLF inside quotes, reply splitting', async (t) => {
  const rec = encodeRecord(['a', 'b,c', 'say "hi"', 12, 'x\r\ny']);
  t.equal(rec, 'a,"b,c","say ""hi""",12,"x\r\ny"\r\n');
  const r = new LineReader();
  t.same(r.push(rec.slice(0, 10)), []);
  const lines = r.push(`${rec.slice(10)}\r\n`);
  t.same(lines.map((l) => l === '' ? [] : parseRecord(l)), [['a', 'b,c', 'say "hi"', '12', 'x\r\ny'], []]);
  t.throws(() => parseRecord('"open'), LutFormatError);
  t.throws(() => parseRecord('"a"b'), LutFormatError);
  t.same(splitReply(['1', '2', '99', 'low battery'], 2), { fields: ['1', '2'], code: 99, message: 'low battery' });
  t.throws(() => splitReply(['1', '2', '0', ''], 3), /expected 5 fields/);
  t.throws(() => splitReply(['1', 'x', ''], 1), /not a number/);
});

const doneOrWait = (n: string | undefined) => n === 'picking.noWork' || n === 'picking.getAssignment';

t.test('a full assignment over LUT + ODR, each confirmation exactly once', async (t) => {
  const env = await setup(t, { kind: 'lut', sim: { assignmentsPerOperator: 1 } });
  const op = env.truthOperators[0]!;
  const p = await Picker.start(env.rt);
  await p.signOn(op.id, op.pin);
  t.match(p.texts()[0], /^Welcome/);
  await p.pickUntil(doneOrWait);
  t.same(p.texts().at(-1), 'No work. Say ready.');
  await waitFor(async () => (await countPendingOutbox(env.db.pool)) === 0);
  const receipts = await env.receipts();
  t.ok(receipts.length >= 4);
  t.ok(receipts.every((r) => r.via === 'odr' && r.receipts === 1));
});

t.test('LUT 99: the warning is spoken and the operator goes on; LUT 98: signed off', async (t) => {
  const env = await setup(t, { kind: 'lut' });
  const op = env.truthOperators[0]!;
  const p = await Picker.start(env.rt);
  await env.faults({ lutError: { command: 'prTaskLUTGetAssignment', code: 99, message: 'Battery change at noon', times: 1 } });
  await p.signOn(op.id, op.pin);
  t.same(p.texts().slice(1, 3), ['Battery change at noon', p.texts()[2]]);
  t.match(p.texts()[2], /^Assignment /, 'work goes on after the warning');
  await env.faults({ lutError: { command: 'prTaskLUTValidateOperator', code: 98, message: 'Operator suspended', times: 1 } });
  const q = await Picker.start(env.rt);
  await q.signOn(env.truthOperators[1]!.id, env.truthOperators[1]!.pin);
  t.same(q.texts().slice(0, 2), ['Operator suspended. You are signed off.', 'Say your operator number.']);
  t.ok(q.out.some((o) => o.type === 'operator' && o.operatorId === null));
  // 98 in the middle of work: signed off, back to sign-on
  await p.pickUntil((n) => n === 'picking.drop');
  await p.type(p.rightAnswer());
  await env.faults({ lutError: { command: 'prTaskLUTGetAssignment', code: 98, message: 'Shift closed', times: 1 } });
  await p.pickUntil((n) => doneOrWait(n) || n === 'signon.askOperator', 60);
  t.same(p.texts().slice(-2), ['Shift closed. You are signed off.', 'Say your operator number.'], 'signed off on 98');
  t.ok(p.out.some((o) => o.type === 'operator' && o.operatorId === null));
  t.equal(p.s.operatorId, null);
  t.same(p.texts().at(-1), 'Say your operator number.');
});

t.test('malformed host replies: a clear error, "please wait", no crash, then recovery', async (t) => {
  const env = await setup(t, { kind: 'lut' });
  const op = env.truthOperators[0]!;
  const p = await Picker.start(env.rt);
  await env.faults({ malformed: { protocol: 'lut', times: 1 } });
  await p.signOn(op.id, op.pin);
  t.match(p.texts()[0], /not answering/, 'malformed validate reply → please wait');
  await p.type('ready');
  t.match(p.texts()[0], /^Welcome/, 'the retry works');
  await env.faults({ malformed: { protocol: 'odr', times: 1 } });
  await p.pickUntil((n) => n === 'picking.quantity');
  await p.type(p.rightAnswer());
  await waitFor(async () => (await countPendingOutbox(env.db.pool)) === 0);
  t.equal((await env.receipts()).length, 1, 'the bad ODR ack was retried; delivered once');

  // the connector's own errors, directly
  const rest = createConnector({ wmsKind: 'rest', wmsUrl: env.sim.url, wmsTimeoutMs: 500 });
  await env.faults({ malformed: { protocol: 'http', times: 1 } });
  await t.rejects(rest.getNextAssignment('S1', op.id), { code: 'WMS_BAD_REPLY' });
  await t.rejects(rest.confirmPick('S1', { idempotencyKey: 'k', operatorId: op.id, assignmentId: '1', lineId: 'x', quantity: 1 }), { code: 'WMS_REJECTED' });
  const dead = createConnector({ wmsKind: 'rest', wmsUrl: 'http://127.0.0.1:1', wmsTimeoutMs: 500 });
  await t.rejects(dead.getNextAssignment('S1', op.id), { code: 'WMS_UNAVAILABLE' });
  // a LUT host that answers garbage, and one that never answers
  const garbage = net.createServer((s) => s.on('data', () => s.write('1,2\r\n\r\n')));
  const silent = net.createServer(() => undefined);
  await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.teardown(() => { garbage.close(); silent.close(); });
  const port = (s: net.Server) => (s.address() as net.AddressInfo).port;
  const g = createConnector({ wmsKind: 'lut', wmsUrl: '', wmsTimeoutMs: 300, wmsLutAddress: `127.0.0.1:${port(garbage)}`, wmsOdrAddress: `127.0.0.1:${port(silent)}` });
  t.teardown(() => g.close());
  const err = await g.validateOperator('S1', '1', '2').catch((e: unknown) => e);
  t.ok(err instanceof WmsError && err.code === 'WMS_BAD_REPLY', `garbage → ${String(err)}`);
  await t.rejects(g.confirmPick('S1', { idempotencyKey: 'k', operatorId: '1', assignmentId: '1', lineId: 'x', quantity: 1 }), { code: 'WMS_TIMEOUT' });
});

t.test('ODR outage and a restart: the writes wait in the outbox and are replayed by the next process', async (t) => {
  const env = await setup(t, { kind: 'lut' });
  const op = env.truthOperators[2]!;
  const p = await Picker.start(env.rt);
  await p.signOn(op.id, op.pin);
  await env.faults({ down: true });
  await p.pickUntil((n) => n === 'picking.drop');
  t.equal((await env.receipts()).length, 0);
  const pending = await countPendingOutbox(env.db.pool);
  t.ok(pending > 0);
  await env.rt.close(); // the gateway restarts while the host is down
  await env.faults({ down: false });
  const { DialogRuntime } = await import('../runtime/runtime.ts');
  const restarted = await DialogRuntime.load({ pool: env.db.pool, connector: env.connector, settings: { outboxPollMs: 50 } });
  t.teardown(() => restarted.close());
  await waitFor(async () => (await countPendingOutbox(env.db.pool)) === 0);
  const receipts = await env.receipts();
  t.equal(receipts.length, pending);
  t.ok(receipts.every((r) => r.receipts === 1));
});
