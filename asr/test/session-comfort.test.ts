/**
 * `sessionComfort`: a session's later utterances take the comfort-noise level of its last one, so
 * their audio goes to the decoder as it comes instead of being held back until 600 ms of speech
 * give the level. Real pipeline, speech synthesised with Debian's flite.
 */
import t from 'tap';
import { AsrEngine } from '../index.ts';
import { fliteAvailable, synth } from '../bench/corpus.ts';
import { recognise } from '../bench/evaluate.ts';

if (!fliteAvailable()) {
  t.comment('flite is not installed (apt-get install flite); skipping');
  process.exit(0);
}

const CMDS = ['repeat', 'say again', 'skip', 'how much more', 'sign off'];
const check = { kind: 'digits' as const, length: 3, expected: '427', commands: CMDS };

t.test('on: the first utterance of a session holds its audio back, later ones do not', async (t) => {
  const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 2, sessionComfort: true });
  t.teardown(() => engine.close());
  const said = synth('four two seven', 'slt');
  t.match(await recognise(engine, said, check, undefined, true, 'a'), { status: 'match', text: '427' });
  t.equal(engine.metrics().sessionComfort, 0, "a session's first utterance has no level yet");
  t.match(await recognise(engine, said, check, undefined, true, 'a'), { status: 'match', text: '427' }, 'recognised the same with the level carried over');
  t.equal(engine.metrics().sessionComfort, 1, 'its second takes the level of the first');
  await recognise(engine, said, check, undefined, true, 'b');
  t.equal(engine.metrics().sessionComfort, 1, 'another session starts without one');
});

t.test('off (the default): every utterance waits for its own level', async (t) => {
  const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 2 });
  t.teardown(() => engine.close());
  const said = synth('four two seven', 'kal');
  for (let i = 0; i < 2; i++) t.match(await recognise(engine, said, check, undefined, false, 'a'), { status: 'match', text: '427' });
  t.equal(engine.metrics().sessionComfort, 0);
});
