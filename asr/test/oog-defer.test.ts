/**
 * The deferred out-of-grammar phone loop (`oogDefer`): where the dialog knows the right answer,
 * the loop is decoded at the end and only when the grammar's winner is not that answer. Real
 * pipeline, speech synthesised with Debian's flite.
 */
import t from 'tap';
import { AsrEngine, type AsrResult } from '../index.ts';
import { deferredLoopWords } from '../decide.ts';
import { fliteAvailable, synth } from '../bench/corpus.ts';
import { recognise } from '../bench/evaluate.ts';
import type { OogScore } from '../worker-protocol.ts';

t.test('which answers defer the loop', async (t) => {
  const cmds: string[] = [];
  t.same(deferredLoopWords({ kind: 'digits', length: 3, expected: '427', commands: cmds }, 'strings'), ['four', 'two', 'seven']);
  t.equal(deferredLoopWords({ kind: 'digits', length: 1, expected: '4', commands: cmds }, 'strings'), null, 'one word: only with all');
  t.same(deferredLoopWords({ kind: 'digits', length: 1, expected: '4', commands: cmds }, 'all'), ['four']);
  t.same(deferredLoopWords({ kind: 'number', min: 0, max: 999, expected: 42, commands: cmds }, 'strings'), ['forty', 'two']);
  t.equal(deferredLoopWords({ kind: 'number', min: 0, max: 999, expected: 42, commands: cmds }, 'off'), null);
  t.equal(deferredLoopWords({ kind: 'number', min: 0, max: 999, commands: cmds }, 'all'), null, 'no known answer');
  t.same(deferredLoopWords({ kind: 'ready', commands: cmds }, 'strings'), ['ready'], 'a ready prompt waits for "ready" (oogDeferReady)');
  t.same(deferredLoopWords({ kind: 'ready', commands: cmds }, 'all'), ['ready']);
  t.equal(deferredLoopWords({ kind: 'ready', commands: cmds }, 'strings', false), null, 'oogDeferReady off: the loop streams');
  t.equal(deferredLoopWords({ kind: 'ready', commands: cmds }, 'off'), null);
  t.equal(deferredLoopWords(null, 'all'), null);
});

if (!fliteAvailable()) {
  t.comment('flite is not installed (apt-get install flite); skipping the recognition part');
  process.exit(0);
}

const CMDS = ['repeat', 'say again', 'skip', 'how much more', 'sign off'];
const traces: (OogScore | null)[] = [];
const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 2, oogDefer: 'all', trace: (x) => traces.push(x.oog) });
t.teardown(() => engine.close());

/** One utterance; returns its result, the phone-loop evidence it produced and how the loop took part. */
async function run(audio: Float32Array, e: Parameters<typeof recognise>[2]): Promise<{ r: AsrResult | null; oog: OogScore | null; pass: string }> {
  const before = engine.metrics().loopPasses;
  traces.length = 0;
  const r = await recognise(engine, audio, e);
  const after = engine.metrics().loopPasses;
  const pass = (['streamed', 'deferred', 'skipped'] as const).find((k) => after[k] > before[k]) ?? 'none';
  return { r, oog: traces[0] ?? null, pass };
}

t.test('the known answer said: accepted without the phone loop', async (t) => {
  const x = await run(synth('four two seven', 'slt'), { kind: 'digits', length: 3, expected: '427', commands: CMDS });
  t.match(x.r, { status: 'match', text: '427' });
  t.equal(x.pass, 'skipped');
  t.equal(x.oog, null, 'no out-of-grammar evidence was needed');
});

t.test('another answer heard: the loop is decoded at the end, and a different string is still not accepted as the known one', async (t) => {
  const x = await run(synth('four two seven', 'slt'), { kind: 'digits', length: 3, expected: '421', commands: CMDS });
  t.not((x.r as { text?: string } | null)?.text, '421');
  t.equal(x.pass, 'deferred');
  t.ok(x.oog && x.oog.frames > 0 && Number.isFinite(x.oog.loop), 'the deferred loop scored the utterance');
});

t.test('out-of-grammar words against a known answer: the loop scores whatever is not the known answer', async (t) => {
  let rejected = 0, deferred = 0, scored = 0, n = 0;
  for (const w of ['banana', 'window', 'kitchen', 'forklift']) {
    const x = await run(synth(w, 'kal'), { kind: 'number', min: 0, max: 999, expected: 3, commands: CMDS });
    n++;
    if (x.pass !== 'deferred') continue;
    deferred++;
    if (x.oog) scored++;
    if (x.r?.status === 'nomatch') rejected++;
  }
  t.ok(deferred >= 1, `${deferred}/${n} were heard as something other than the known answer`);
  t.equal(scored, deferred, 'each of those has the deferred loop\'s evidence');
  t.comment(`${rejected}/${deferred} of them rejected at the default threshold`);
});

t.test('no known answer: the loop is fed as audio comes', async (t) => {
  const x = await run(synth('twenty three', 'kal'), { kind: 'number', min: 1, max: 40, commands: CMDS });
  t.match(x.r, { status: 'match', text: '23' });
  t.equal(x.pass, 'streamed');
  t.ok(x.oog, 'the streamed loop scored it');
});

t.test('load shedding: a thread behind its audio defers the loop for one-word known answers too', async (t) => {
  // A lag limit of 1 µs: every message waits longer than that, so after the first result the
  // thread counts as behind. (shedLagMs 0 = never, as the second engine shows.)
  for (const shedLagMs of [0.001, 0]) {
    const e = await AsrEngine.load({ workers: 1, decodersPerWorker: 2, oogDefer: 'strings', shedLagMs });
    const four = synth('four', 'slt');
    const qty = { kind: 'number' as const, min: 0, max: 999, expected: 4, commands: CMDS };
    const first = await recognise(e, four, qty);
    t.match(first, { status: 'match', text: '4' });
    t.equal(e.metrics().loopPasses.streamed, 1, 'before any result the thread is not known to be behind: the loop streams');
    const second = await recognise(e, four, qty);
    t.match(second, { status: 'match', text: '4' });
    if (shedLagMs > 0) {
      t.equal(e.metrics().loopPasses.skipped, 1, 'behind: the loop waited for the known answer, which won');
      t.equal(e.metrics().loopShed, 1);
      t.ok(e.metrics().workerWaitMs > 0);
    } else {
      t.equal(e.metrics().loopPasses.streamed, 2, 'shedding off: the loop streams as configured');
      t.equal(e.metrics().loopShed, 0);
    }
    await e.close();
  }
});

t.test('a ready prompt: "ready" skips the loop, a command said there still has it decoded', async (t) => {
  const ready = await run(synth('ready', 'slt'), { kind: 'ready', commands: CMDS });
  t.match(ready.r, { status: 'match', text: 'ready' });
  t.equal(ready.pass, 'skipped');
  const cmd = await run(synth('repeat', 'slt'), { kind: 'ready', commands: CMDS });
  t.match(cmd.r, { status: 'match', text: 'repeat', isCommand: true });
  t.equal(cmd.pass, 'deferred', 'not "ready": the deferred loop was decoded');
  t.ok(cmd.oog, 'and scored it');
});
