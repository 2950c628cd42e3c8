/**
 * A session's cepstral mean follows the session, not the pooled decoder (cmn.ts): what one
 * session hears does not change what the next utterance of another session is heard as.
 * Real pipeline, one decoder (so every utterance meets the same one), speech from flite.
 */
import t from 'tap';
import { AsrEngine, type Expectation } from '../index.ts';
import type { OogScore } from '../worker-protocol.ts';
import { fliteAvailable, synth } from '../bench/corpus.ts';
import { recognise } from '../bench/evaluate.ts';

if (!fliteAvailable()) {
  t.comment('flite is not installed (apt-get install flite); skipping');
  process.exit(0);
}

const e: Expectation = { kind: 'digits', length: 3, expected: '427', commands: ['repeat'] };
const mine = [synth('four two seven', 'slt'), synth('four two seven', 'slt')];
const others = [synth('nine nine one', 'awb'), synth('three three three', 'rms'), synth('eight oh five', 'kal')];

/** Runs `order` (session id + audio) on a fresh one-decoder engine; returns the decoder's path score of each. */
async function run(order: Array<[string, Float32Array]>, opts: { sessionCmn: boolean } = { sessionCmn: true }): Promise<Array<{ words: string[] | null; score: number | null }>> {
  const out: Array<{ words: string[] | null; score: number | null }> = [];
  let last: { words: string[] | null; oog: OogScore | null } = { words: null, oog: null };
  // The path score is read from the out-of-grammar evidence, so the loop must run even for the known answer.
  const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 1, sessionCmn: opts.sessionCmn, oogDefer: 'off', trace: (x) => { last = { words: x.siWords, oog: x.oog }; } });
  try {
    for (const [session, audio] of order) {
      last = { words: null, oog: null };
      await recognise(engine, audio, e, undefined, false, session);
      out.push({ words: last.words, score: last.oog?.constrained ?? null });
    }
  } finally { await engine.close(); }
  return out;
}

t.test("another session's speech in between leaves a session's next utterance exactly as it was", async (t) => {
  const alone = await run([['picker-a', mine[0]!], ['picker-a', mine[1]!]]);
  const between = await run([['picker-a', mine[0]!], ...others.map((o): [string, Float32Array] => ['picker-b', o]), ['picker-a', mine[1]!]]);
  t.ok(alone[1]!.score !== null, 'the decoder scored the utterance');
  t.same(between.at(-1), alone[1], 'same words and the same path score');
  // The decoder's own (pooled) mean would have moved: without the session's state the score differs.
  const pooled = await run([['one', mine[0]!], ...others.map((o): [string, Float32Array] => ['two', o]), ['three', mine[1]!]]);
  t.not(pooled.at(-1)!.score, alone[1]!.score, 'a new session meets the decoder as the last one left it (carried over, as before)');
  const off = await run([['picker-a', mine[0]!], ...others.map((o): [string, Float32Array] => ['picker-b', o]), ['picker-a', mine[1]!]], { sessionCmn: false });
  t.same(off.at(-1), pooled.at(-1), 'sessionCmn off (the default): the decoder carries its own mean, whoever spoke');
});
