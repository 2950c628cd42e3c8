/**
 * The dialog wired into the gateway: a full assignment with typed answers against the WMS
 * simulator (real HTTP), with a WMS outage in the middle: the picker keeps working and the
 * outbox delivers every confirmation exactly once afterwards.
 */
import t from 'tap';
import { addDevice, startTestGateway, TestDevice, until } from './helpers.ts';
import { pickOneAssignment, truth, type TruthAssignment, type TruthOperator } from './picker.ts';

t.test('a whole assignment through the gateway, with the WMS down for part of it', async (t) => {
  const g = await startTestGateway({ CONVERSATION: 'dialog', SPEECH: 'false', WMS_SIMULATOR: 'on', DEMO: 'false', OUTBOX_POLL_MS: '100', OUTBOX_BACKOFF_BASE_MS: '50', OUTBOX_BACKOFF_MAX_MS: '200' });
  t.teardown(() => g.stop());
  const wms = g.gw.wmsUrl!;
  const [op] = await truth<TruthOperator[]>(wms, '/truth/operators');
  const [assignment] = await truth<TruthAssignment[]>(wms, `/truth/assignments?operator=${op!.id}&count=1`);
  const dev = await addDevice(g);
  const d = await TestDevice.open(g.wsUrl);
  d.hello(dev);
  const welcome = await d.waitFor('welcome');
  const setDown = (down: boolean): Promise<Response> =>
    fetch(`${wms}/control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down }) });
  let quantities = 0;
  const run = await pickOneAssignment(d, op!, assignment!, {
    async onPrompt(p) {
      if (p.node?.endsWith('quantity')) {
        quantities++;
        if (quantities === 2) await setDown(true);   // the WMS goes away after the first pick
        if (quantities === 4) await setDown(false);  // and comes back two picks later
      }
    },
  });
  t.equal(run.prompts.at(-1)!.text, 'Assignment complete.');
  const lines = assignment!.lines.length;
  const confirmations = await until(async () => {
    const c = await truth<Array<{ operation: string; key: string; lineId: string | null; quantity: number | null }>>(wms, '/truth/confirmations');
    const picks = c.filter((x) => x.operation === 'confirmPick');
    return picks.length >= lines && c;
  }, 15000);
  const picks = confirmations.filter((x) => x.operation === 'confirmPick');
  t.equal(picks.length, lines, 'every line confirmed once (the simulator keys receipts by idempotency key)');
  t.same(picks.map((x) => x.lineId).sort(), assignment!.lines.map((l) => l.id).sort(), 'each line exactly once');
  t.same(picks.map((x) => x.quantity), picks.map((x) => assignment!.lines.find((l) => l.id === x.lineId)!.qty), 'with the quantity picked');
  t.ok(confirmations.some((x) => x.operation === 'completeAssignment'), 'the assignment was completed at the WMS');
  // The turn log is written in batches: wait for the last turn of the run (the closing prompt).
  const turns = await until(async () => {
    const r = await g.db.pool.query<{ kind: string; flow_node: string | null; text: string | null }>(
      'SELECT kind, flow_node, text FROM dialog_turns WHERE session_id = $1 ORDER BY seq', [welcome.sessionId]);
    return r.rows.some((x) => x.text === 'Assignment complete.') && r;
  });
  t.ok(turns.rows.filter((r) => r.kind === 'text').length >= run.answers.length, 'every answer logged');
  t.ok(turns.rows.every((r) => r.kind !== 'prompt' || r.flow_node), 'prompts carry their flow node');
  const events = await g.db.pool.query<{ text: string }>(
    "SELECT text FROM dialog_turns WHERE session_id = $1 AND kind = 'event' ORDER BY seq", [welcome.sessionId]);
  const texts = events.rows.map((r) => r.text);
  t.ok(texts.includes(`assignment:${assignment!.id}`), 'the assignment is logged as an event');
  t.equal(texts.filter((x) => x.startsWith('pick_confirmed')).length, lines, 'each pick is logged once as an event');
  t.ok(texts.includes(`assignment_complete:${assignment!.id}`));
  const s = await g.db.pool.query('SELECT operator_id FROM device_sessions WHERE id = $1', [welcome.sessionId]);
  t.ok(s.rows[0].operator_id, 'the session records its operator');
  d.close();
});

t.test("a Russian operator's session resumes on a restarted gateway in Russian, where it was", async (t) => {
  const { createTestDatabase } = await import('../../db/testing.ts');
  const db = await createTestDatabase();
  t.teardown(() => db.drop());
  const env = { CONVERSATION: 'dialog', SPEECH: 'false', WMS_SIMULATOR: 'on', DEMO: 'false' };
  const g1 = await startTestGateway(env, {}, db);
  const ops = await truth<Array<TruthOperator & { language: string }>>(g1.gw.wmsUrl!, '/truth/operators');
  const ru = ops.find((o) => o.language === 'ru');
  if (!ru) throw new Error('the simulator seed (1) has no Russian operator: pick a seed that has one');
  const dev = await addDevice(g1);
  const d = await TestDevice.open(g1.wsUrl);
  d.hello(dev);
  const welcome = await d.waitFor('welcome');
  await d.waitFor('prompt', (p) => /operator/i.test(p.text));
  d.send({ type: 'text', cseq: 1, text: ru.id });
  await d.waitFor('prompt', (p) => /PIN/.test(p.text));
  d.send({ type: 'text', cseq: 2, text: ru.pin });
  const aisle = await d.waitFor('prompt', (p) => p.node?.endsWith('goAisle') === true, 10000);
  t.equal(aisle.language, 'ru', 'prompts in the operator\'s language');
  t.equal(d.received.find((m) => m.type === 'settings' && m.settings.language === 'ru')?.type, 'settings', 'the device was told to speak Russian');
  d.send({ type: 'ack', seq: aisle.seq });
  await new Promise((r) => setTimeout(r, 300));
  await g1.stop();
  await d.closed;

  const g2 = await startTestGateway({ ...env, DATA_DIR: g1.env.DATA_DIR! }, {}, db);
  t.teardown(() => g2.stop());
  const d2 = await TestDevice.open(g2.wsUrl);
  d2.hello(dev, { resume: { sessionId: welcome.sessionId, lastSeq: aisle.seq } });
  const w2 = await d2.waitFor('welcome');
  t.equal(w2.resumed, true);
  t.equal(w2.settings.language, 'ru', 'the resumed device still speaks Russian');
  const again = await d2.waitFor('prompt', () => true, 10000);
  t.equal(again.node, aisle.node, 'the open question is asked again');
  t.equal(again.language, 'ru');
  d2.close();
});
