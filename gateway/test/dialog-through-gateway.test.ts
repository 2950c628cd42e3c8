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
