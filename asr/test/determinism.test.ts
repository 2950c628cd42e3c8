/**
 * The same audio is recognised the same, whatever the pooled decoders heard before: PocketSphinx
 * carries its cepstral mean (and noise estimate) from one utterance to the next, and the comfort
 * noise used to be seeded by the utterance number, so one session's audio changed the next
 * session's results. Compared exactly: the decoder's path scores, not only the text.
 */
import t from 'tap';
import { AsrEngine, MemoryTemplateStore, type AsrResult } from '../index.ts';
import { fliteAvailable, synth } from '../bench/corpus.ts';
import { recognise } from '../bench/evaluate.ts';

if (!fliteAvailable()) {
  t.comment('flite is not installed (apt-get install flite); skipping');
  process.exit(0);
}

let last: unknown = null;
const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 2, templateStore: new MemoryTemplateStore(), trace: (x) => { last = { si: x.siWords, oog: x.oog }; } });
t.teardown(() => engine.close());

const expect = { kind: 'freeDigits', minLength: 4, maxLength: 4, commands: ['repeat'] } as const;
async function heard(audio: Float32Array): Promise<{ r: AsrResult | null; trace: unknown }> {
  last = null;
  const r = await recognise(engine, audio, expect);
  return { r, trace: last };
}
const summary = (x: { r: AsrResult | null; trace: unknown }) => ({
  status: x.r?.status, text: x.r?.status === 'match' ? x.r.text : null, confidence: x.r?.confidence, trace: x.trace,
});

t.test('a clip gives identical results before and after other voices and loud noise', async (t) => {
  const clip = synth('five zero four one', 'rms');
  const first = summary(await heard(clip));
  t.ok(first.trace, 'the trace carries the path scores');
  // Other speech and noise through both decoders of the pool, with other lengths and levels.
  const loud = synth('eight eight two nine', 'kal').map((v) => Math.max(-1, Math.min(1, v * 4)));
  const noise = new Float32Array(16000).map((_, i) => Math.sin(i * 0.3) * 0.2 + ((i * 7919) % 13) / 130);
  for (const other of [loud, synth('three one', 'awb'), noise, synth('nine nine nine nine', 'slt')]) await heard(other);
  t.same(summary(await heard(clip)), first, 'same text, confidence and path scores');
  t.same(summary(await heard(clip)), first, 'and again on the other decoder of the pool');
});
