/**
 * Templates first (verify.ts) on real speech (../shared/speech/fsdd-dev; skipped when absent):
 * an enrolled operator's check digits are confirmed from their templates alone, a string one digit
 * off never is, a string cut short at a pause inside it is held, and through the engine a
 * confirmed string ends early with no speaker-independent decoding while a different string falls
 * back to the decoder.
 */
import t from 'tap';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AsrEngine } from '../index.ts';
import { MemoryTemplateStore } from '../templates.ts';
import { loadDigits, oneDigitOff, rng } from '../bench/corpus.ts';
import { checkTrials, join, recognise } from '../bench/evaluate.ts';
import { extractFeatures, FEAT_DIM, trimSilence } from '../features.ts';
import { alignConnected } from '../connected.ts';
import { checkAtPause, checkExpected } from '../verify.ts';
import { decide, DEFAULT_DECIDE } from '../decide.ts';
import { matchTemplates, type TemplateSet } from '../dtw.ts';

const dir = fileURLToPath(new URL('../../../shared/speech/fsdd-dev', import.meta.url));
if (!existsSync(dir)) {
  t.comment(`real speech folder ${dir} is absent: skipping`);
  process.exit(0);
}

const mine = loadDigits(dir, (m) => m.speaker === 'george');
const enrolled = (d: number) => mine.filter((x) => x.digit === d && x.take <= 2);
const sets: TemplateSet[] = Array.from({ length: 10 }, (_, d) => ({ token: String(d), takes: enrolled(d).map((x) => trimSilence(extractFeatures(x.audio))) }));
const heldOut = mine.filter((x) => x.take > 2);
const O = { maxRatio: DEFAULT_DECIDE.templatesFirstRatio, maxDistance: DEFAULT_DECIDE.maxTemplateDistance, band: 0.3 };
const pad = (a: Float32Array): Float32Array => { const o = new Float32Array(a.length + 4800); o.set(a, 2400); return o; };

t.test('check strings: the said one confirmed, one digit off never, cut short held', async (t) => {
  const r = rng(5);
  const trials = checkTrials(heldOut, 30, r);
  let said = 0, off = 0, cutHeld = 0, cutConfirmed = 0;
  for (const x of trials) {
    if (checkExpected(pad(x.audio), sets, [...x.said], O).confirmed) said++;
    if (checkExpected(pad(x.audio), sets, [...oneDigitOff(x.said, r)], O).confirmed) off++;
  }
  for (let i = 0; i < 30; i++) {
    const parts = Array.from({ length: 3 }, () => heldOut[Math.floor(r() * heldOut.length)]!);
    const cut = join(parts.slice(0, 2).map((p) => p.audio), [100 + r() * 150]);
    const v = checkAtPause(pad(cut), sets, parts.map((p) => String(p.digit)), O).verdict;
    if (v === 'hold') cutHeld++;
    if (v === 'confirmed') cutConfirmed++;
  }
  t.ok(said >= 18, `said strings confirmed: ${said} of 30`);
  t.equal(off, 0, 'no string one digit off is confirmed');
  t.equal(cutConfirmed, 0, 'no string cut short at a pause inside it is confirmed');
  t.ok(cutHeld >= 25, `cut short strings held (not handed to the decoder): ${cutHeld} of 30`);
});

t.test('digit matching that stops early gives the verdict of matching every digit in full', async (t) => {
  const r = rng(9);
  let n = 0, same = 0;
  for (const x of checkTrials(heldOut, 20, r)) {
    for (const tokens of [[...x.said], [...oneDigitOff(x.said, r)]]) {
      const c = checkExpected(pad(x.audio), sets, tokens, O);
      if (!c.whole) continue;
      const probe = trimSilence(extractFeatures(pad(x.audio)));
      const full = alignConnected(probe, sets, tokens)!.segments.map(([a, b]) => {
        const lo = Math.max(0, a - 2), hi = Math.min(probe.frames - 1, b + 2);
        return matchTemplates({ frames: hi - lo + 1, data: probe.data.subarray(lo * FEAT_DIM, (hi + 1) * FEAT_DIM) }, sets, O.band);
      });
      const verdict = full.every((m, i) => m.token === tokens[i] && m.ratio < O.maxRatio && m.distance <= O.maxDistance);
      n++;
      if (verdict === c.confirmed && (!c.confirmed || c.segments.every((m, i) => (m.ratio < 0.84) === (full[i]!.ratio < 0.84) && m.distance === full[i]!.distance))) same++;
    }
  }
  t.ok(n >= 20, `${n} whole strings compared`);
  t.equal(same, n, 'same verdict, same distance and the same confidence band of every confirmed digit');
});

t.test('decide: a confirmed string is the expected answer from the templates alone', async (t) => {
  const seg = (token: string, ratio: number) => ({ token, distance: 5, second: 5 / ratio, ratio });
  const e = { kind: 'digits' as const, length: 2, expected: '47', commands: [] };
  const d = decide({ expectation: e, siWords: null, sd: null, sdSegments: null, templatesFirst: [seg('4', 0.7), seg('7', 0.8)] });
  t.match(d, { status: 'match', text: '47', confidence: 0.9, confirm: false, sd: '47', agree: false });
  t.notOk('si' in d && d.si, 'no decoder hypothesis');
  const weaker = decide({ expectation: e, siWords: null, sd: null, sdSegments: null, templatesFirst: [seg('4', 0.7), seg('7', 0.88)] });
  t.match(weaker, { status: 'match', confidence: 0.85, confirm: false });
});

t.test('through the engine: confirmed without decoding, ends early; a different string falls back', async (t) => {
  const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 2, templateStore: new MemoryTemplateStore(), templatesFirst: true });
  t.teardown(() => engine.close());
  for (let d = 0; d < 10; d++) await engine.enroll(7, String(d), enrolled(d).map((x) => ({ pcm: x.audio, sampleRate: 16000 })));
  const trials = checkTrials(heldOut, 6, rng(9));
  let confirmedEarly = 0;
  for (const x of trials) {
    const before = engine.metrics().templatesFirst.confirmed;
    const r = await recognise(engine, x.audio, { kind: 'digits', length: x.len, expected: x.said, commands: [] }, 7, true, 'tf');
    if (engine.metrics().templatesFirst.confirmed > before && r?.status === 'match' && r.text === x.said && r.engines.si === undefined && r.timing.endedBy === 'early') confirmedEarly++;
  }
  t.ok(confirmedEarly >= 3, `confirmed by the templates alone and ended early: ${confirmedEarly} of 6`);
  const x = trials[0]!;
  const before = engine.metrics().templatesFirst.fallback;
  const r = await recognise(engine, x.audio, { kind: 'digits', length: x.len, expected: x.other, commands: [] }, 7, true, 'tf');
  t.equal(engine.metrics().templatesFirst.fallback, before + 1, 'a different string is handed to the decoder');
  t.not(r?.status === 'match' ? r.text : null, x.other, 'and is not accepted as the expected one');
  t.ok(r?.status !== 'match' || r.engines.si !== undefined, 'the decoder heard it');
});

t.test('a one-word known answer of an enrolled operator: the phone loop waits for the templates', async (t) => {
  const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 2, templateStore: new MemoryTemplateStore() });
  t.teardown(() => engine.close());
  for (let d = 0; d < 10; d++) await engine.enroll(8, String(d), enrolled(d).map((x) => ({ pcm: x.audio, sampleRate: 16000 })));
  const qty = (q: number) => ({ kind: 'number' as const, min: 0, max: 999, expected: q, commands: [] });
  const takes = [3, 5, 7].map((d) => heldOut.find((x) => x.digit === d)!);
  await recognise(engine, takes[0]!.audio, qty(3), undefined, false, 'warm'); // a fresh decoder's first utterance
  const before = engine.metrics().loopPasses;
  await recognise(engine, takes[0]!.audio, qty(3), undefined, false, 'anon');
  const mid = engine.metrics().loopPasses;
  t.equal(mid.streamed, before.streamed + 1, 'not enrolled: the loop streams as before');
  let agreed = 0;
  for (const x of takes) {
    const r = await recognise(engine, x.audio, qty(x.digit), 8, false, 'op');
    if (r?.status === 'match' && r.text === String(x.digit) && r.engines.agree) agreed++;
  }
  const after = engine.metrics().loopPasses;
  t.equal(after.streamed, mid.streamed, 'enrolled: never streamed');
  t.equal(after.skipped - mid.skipped, agreed, `skipped exactly where the decoder and the templates both heard it (${agreed} of 3)`);
  t.ok(agreed >= 2, 'which is most of the time');
});

t.test('a confirmed string leaves its slot clean, with the phone loop streaming (oogDefer off)', async (t) => {
  const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 1, templateStore: new MemoryTemplateStore(), oogDefer: 'off' });
  t.teardown(() => engine.close());
  for (let d = 0; d < 10; d++) await engine.enroll(9, String(d), enrolled(d).map((x) => ({ pcm: x.audio, sampleRate: 16000 })));
  const trials = checkTrials(heldOut, 4, rng(21));
  for (const x of trials) await recognise(engine, x.audio, { kind: 'digits', length: x.len, expected: x.said, commands: [] }, 9, true, 'clean');
  t.ok(engine.metrics().templatesFirst.confirmed >= 1, 'at least one string was confirmed without decoding');
  const take = heldOut.find((x) => x.digit === 4)!;
  const before = engine.metrics().loopPasses.streamed;
  const r = await recognise(engine, take.audio, { kind: 'digits', length: 1, commands: [] }, undefined, false, 'next');
  t.match(r, { status: 'match', text: '4' }, 'the same decoder and loop then hear the next utterance');
  t.equal(engine.metrics().loopPasses.streamed, before + 1, 'its loop streamed');
});
