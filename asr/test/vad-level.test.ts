/**
 * The VAD's level normalisation on a gated stream (the device sends only its speech): after a
 * loud word, a quiet speaker's answer seconds later must still start an utterance. Before the
 * envelope decayed with wall time, the gain stayed at 1 for as long as the device sent nothing,
 * and the quiet answer was never heard (docs/performance/asr.md round 11).
 */
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsrEngine, type AsrResult } from '../index.ts';
import { fliteAvailable, synth } from '../bench/corpus.ts';

if (!fliteAvailable()) {
  t.comment('flite is not installed (apt-get install flite); skipping');
  process.exit(0);
}

const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 2 });
t.teardown(() => engine.close());

/** Feeds audio in 20 ms frames, a little faster than real time, then a short tail of silence. */
async function say(s: ReturnType<AsrEngine['createStream']>, x: Float32Array): Promise<void> {
  const all = new Float32Array(x.length + 16 * 300);
  all.set(x);
  for (let i = 0; i < all.length; i += 320) {
    s.pushFrame(Int16Array.from(all.subarray(i, i + 320), (v) => Math.round(v * 32767)));
    if ((i / 320) % 5 === 4) await sleep(50);
  }
}

t.test('a quiet answer after a loud word, with nothing sent in between, starts an utterance', async (t) => {
  const s = engine.createStream({ sessionId: 'gated', sampleRate: 16000, language: 'en' });
  t.teardown(() => s.close());
  let starts = 0;
  const results: AsrResult[] = [];
  s.on('speechStart', () => { starts++; });
  s.on('result', (r: AsrResult) => { results.push(r); });
  s.setExpectation({ kind: 'ready', commands: [] });
  const loud = synth('ready', 'awb');
  let pk = 0;
  for (const v of loud) pk = Math.max(pk, Math.abs(v));
  t.ok(pk > 0.4, `the loud word peaks at ${(20 * Math.log10(pk)).toFixed(1)} dBFS`);
  await say(s, loud);
  await sleep(900);
  t.equal(starts, 1, 'the loud word was heard');
  // a quiet speaker 5 s later (the gated device sent nothing meanwhile): peak about -26 dBFS
  await sleep(5000);
  s.setExpectation({ kind: 'digits', length: 1, commands: [] });
  const quiet = synth('four', 'kal');
  let qp = 0;
  for (const v of quiet) qp = Math.max(qp, Math.abs(v));
  const g = 0.05 / qp;
  await say(s, quiet.map((v) => v * g));
  await sleep(1200);
  t.equal(starts, 2, 'the quiet answer started an utterance');
  t.equal(results.length, 2, 'and got a result');
});
