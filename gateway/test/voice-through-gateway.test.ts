/**
 * The voice loop through the gateway: real audio frames over a real WebSocket → VAD →
 * recogniser (biased to the expected check digits) → dialog → next prompt; the utterance is
 * logged with its confidence and latency. Speech is synthesised with flite.
 */
import t from 'tap';
import { addDevice, startTestGateway, TestDevice, until } from './helpers.ts';
import { truth, type TruthAssignment, type TruthOperator } from './picker.ts';
import { speak, spell, synth } from './speech.ts';

t.test('check digits and a quantity answered by voice', async (t) => {
  const g = await startTestGateway({ CONVERSATION: 'dialog', SPEECH: 'true', ASR_WORKERS: '1', WMS_SIMULATOR: 'on', DEMO: 'false' });
  t.teardown(() => g.stop());
  const wms = g.gw.wmsUrl!;
  const [op] = await truth<TruthOperator[]>(wms, '/truth/operators');
  const [a] = await truth<TruthAssignment[]>(wms, `/truth/assignments?operator=${op!.id}&count=1`);
  const line = a!.lines[0]!;
  const dev = await addDevice(g);
  const d = await TestDevice.open(g.wsUrl);
  d.hello(dev);
  const welcome = await d.waitFor('welcome');
  let cseq = 0;
  const answer = (text: string): void => d.send({ type: 'text', cseq: ++cseq, text });
  await d.waitFor('prompt', (p) => /operator/i.test(p.text));
  answer(op!.id);
  await d.waitFor('prompt', (p) => /PIN/.test(p.text));
  answer(op!.pin);
  await d.waitFor('prompt', (p) => p.node?.endsWith('goAisle') === true, 10000);
  answer('ready');
  const slot = await d.waitFor('prompt', (p) => p.node?.endsWith('checkDigits') === true);
  t.equal(slot.expect?.kind, 'digits');
  t.notMatch(JSON.stringify(slot.expect), line.checkDigits, 'the device is not told the check digits');

  // A wrong check string first: it must not be accepted as the expected one.
  const wrong = line.checkDigits.split('').map((c) => String((Number(c) + 5) % 10)).join('');
  await speak(d, synth(spell(wrong)));
  const afterWrong = await d.waitFor('prompt', (p) => p.seq > slot.seq, 10000);
  t.ok(afterWrong.node?.endsWith('checkDigits'), `still at the slot after "${spell(wrong)}" (${afterWrong.text})`);

  await speak(d, synth(spell(line.checkDigits)));
  const rec = await d.waitFor('recognized', (r) => r.text === line.checkDigits, 10000);
  t.ok(rec.confidence > 0 && rec.confidence <= 1);
  const pick = await d.waitFor('prompt', (p) => p.node?.endsWith('quantity') === true, 10000);
  t.match(pick.text, String(line.qty));

  await speak(d, synth(spell(String(line.qty))));
  await d.waitFor('recognized', (r) => r.text === String(line.qty), 10000);
  await d.waitFor('prompt', (p) => p.seq > pick.seq && !p.node?.endsWith('quantity'), 10000);

  const utterances = await until(async () => {
    const r = await g.db.pool.query<{ text: string | null; confidence: number | null; latency_ms: number | null }>(
      "SELECT text, confidence, latency_ms FROM dialog_turns WHERE session_id = $1 AND kind = 'utterance' ORDER BY seq", [welcome.sessionId]);
    return r.rows.length >= 3 && r.rows;
  });
  const right = utterances.find((u) => u.text === line.checkDigits);
  t.ok(right, 'the recognised check digits are logged');
  t.type(right?.latency_ms, 'number', 'with the recogniser latency');
  d.close();
});
