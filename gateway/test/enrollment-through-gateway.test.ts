/**
 * Voice enrollment through the device: the enrollment flow announces each take, the gateway
 * captures that utterance's audio from the device's stream and, after a word's last take,
 * stores the operator's templates (asr/ features, PostgreSQL).
 */
import t from 'tap';
import { addDevice, startTestGateway, TestDevice, until } from './helpers.ts';
import { createTestDatabase, seedSite } from '../../db/testing.ts';
import { insertFlowDraft, publishFlowVersion } from '../../db/queries/flows.ts';
import { truth, type TruthOperator } from './picker.ts';
import { speak, synth } from './speech.ts';

const TRAIN = {
  name: 'train-short',
  start: 'signon',
  nodes: {
    signon: { type: 'call', flow: 'signon', result: 'operator', next: 'train' },
    train: { type: 'call', flow: 'enrollment', args: { words: "list('yes', 'no')", takes: '2' }, next: 'bye' },
    bye: { type: 'end', reason: 'trained' },
  },
};

t.test('an operator enrolls two words, two takes each, by speaking to the device', async (t) => {
  const db = await createTestDatabase();
  t.teardown(() => db.drop());
  await seedSite(db.pool, 'S1');
  const draft = await insertFlowDraft(db.pool, { name: TRAIN.name, definition: TRAIN });
  await publishFlowVersion(db.pool, TRAIN.name, draft.version);
  const g = await startTestGateway({
    CONVERSATION: 'dialog', SPEECH: 'true', ASR_WORKERS: '1', WMS_SIMULATOR: 'on', DEMO: 'false', DIALOG_START_FLOW: TRAIN.name,
  }, {}, db);
  t.teardown(() => g.stop());
  const [op] = await truth<TruthOperator[]>(g.gw.wmsUrl!, '/truth/operators');
  const dev = await addDevice(g);
  const d = await TestDevice.open(g.wsUrl);
  d.hello(dev);
  await d.waitFor('welcome');
  let cseq = 0;
  await d.waitFor('prompt', (p) => /operator/i.test(p.text));
  d.send({ type: 'text', cseq: ++cseq, text: op!.id });
  await d.waitFor('prompt', (p) => /PIN/.test(p.text));
  d.send({ type: 'text', cseq: ++cseq, text: op!.pin });
  let seen = 0;
  const said: string[] = [];
  for (let guard = 0; guard < 20; guard++) {
    const p = await d.waitFor('prompt', (m) => m.seq > seen && (/^Say: /.test(m.text) || /complete/.test(m.text)), 15000);
    seen = p.seq;
    if (/complete/.test(p.text)) break;
    const word = /^Say: (.+)\.$/.exec(p.text)![1]!;
    said.push(word);
    await speak(d, synth(word, said.length % 2 ? 'slt' : 'kal'));
  }
  t.same(said, ['yes', 'yes', 'no', 'no'], 'each word asked twice, in order');
  const bye = await d.waitFor('bye', () => true, 10000);
  t.equal(bye.reason, 'trained');
  const rows = await until(async () => {
    const r = await db.pool.query<{ token: string; takes: number }>(
      `SELECT token, count(*)::int AS takes FROM voice_templates vt JOIN operators o ON o.id = vt.operator_id
        WHERE o.external_id = $1 GROUP BY token ORDER BY token`, [op!.id]);
    return r.rows.length === 2 && r.rows;
  });
  t.same(rows, [{ token: 'no', takes: 2 }, { token: 'yes', takes: 2 }], 'templates stored per word and take');
});
