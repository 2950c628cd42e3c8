import t from 'tap';
import { extractFeatures, FEAT_DIM, newFeatureCache, takeFeatures, trimSilence, TAKE_PAD_MS } from '../features.ts';
import { dtwDistance, frameDistance, FRAME_WEIGHTS, matchTemplates, templateScale } from '../dtw.ts';
import { Resampler, resample } from '../audio.ts';
import { audibleSamples, comfortLevel, fillSilence, newNoise } from '../comfort.ts';
import { decide, templatesOutvote, DEFAULT_DECIDE } from '../decide.ts';
import type { Expectation } from '../types.ts';

const tone = (f: number, ms: number, amp = 0.3): Float32Array => Float32Array.from({ length: ms * 16 }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / 16000));

t.test('MFCC: 26 values per 10 ms frame, c0 is log energy, finite', async (t) => {
  const f = extractFeatures(tone(440, 500));
  t.equal(f.frames, 1 + Math.floor((8000 - 400) / 160));
  t.equal(f.data.length, f.frames * FEAT_DIM);
  t.ok(f.data.every(Number.isFinite));
  const quiet = extractFeatures(tone(440, 500, 0.01));
  t.ok(quiet.data[0]! < f.data[0]!, 'c0 follows energy');
  t.equal(extractFeatures(new Float32Array(100)).frames, 0, 'shorter than a window: no frames');
});

t.test('trimSilence drops silent edges', async (t) => {
  const x = new Float32Array(16000); x.set(tone(300, 400), 4800);
  const f = trimSilence(extractFeatures(x));
  t.ok(f.frames < 50 && f.frames > 35, `${f.frames} frames`);
});

t.test('an enrollment take: the same template cut tight or with quiet around it, and the same every time', async (t) => {
  // a word-like sound (a tone with an onset and a decay), cut tight, then with 300 ms of quiet around it
  const word = Float32Array.from({ length: 6400 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 350 * i) / 16000) * Math.min(1, i / 800) * Math.min(1, (6400 - i) / 1600));
  const quiet = new Float32Array(word.length + 9600);
  for (let i = 0; i < quiet.length; i++) quiet[i] = ((i * 7919) % 9 - 4) / 32768;
  quiet.set(word, 4800);
  const tight = takeFeatures(word), roomy = takeFeatures(quiet);
  t.same(Array.from(takeFeatures(word).data), Array.from(tight.data), 'deterministic');
  const bareTight = trimSilence(extractFeatures(word)), bareRoomy = trimSilence(extractFeatures(quiet));
  t.equal(tight.frames, roomy.frames, 'the same frames kept, tight or roomy');
  t.equal(tight.frames, bareRoomy.frames, 'as many as an utterance with quiet around it keeps');
  t.ok(bareTight.frames < tight.frames, `without the padding a tight take loses its quiet margin frames: ${bareTight.frames} frames, padded ${tight.frames} (${TAKE_PAD_MS} ms each side before the trim)`);
  t.ok(dtwDistance(tight, roomy) < dtwDistance(bareTight, bareRoomy), 'and the two are closer than unpadded');
});

t.test('features of a growing signal: the cache gives the same values as computing afresh', async (t) => {
  const x = Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 300 * i) / 16000) * Math.sin(i / 900) + 0.01 * Math.sin(i * 7.1));
  const cache = newFeatureCache();
  for (const n of [3000, 3001, 9000, 16000]) {
    const a = extractFeatures(x.subarray(0, n), cache), b = extractFeatures(x.subarray(0, n));
    t.equal(a.frames, b.frames);
    t.same([...a.data], [...b.data], `${n} samples: identical`);
  }
  t.equal(cache.frames, extractFeatures(x).frames, 'the cache holds every frame computed');
});

t.test('DTW: zero to itself, tolerant to time stretch, separates different sounds', async (t) => {
  const a = extractFeatures(tone(300, 400)), b = extractFeatures(tone(300, 480)), c = extractFeatures(tone(2000, 400));
  t.equal(dtwDistance(a, a), 0);
  t.ok(dtwDistance(a, b) < dtwDistance(a, c));
  const m = matchTemplates(b, [{ token: 'low', takes: [a] }, { token: 'high', takes: [c] }]);
  t.equal(m.token, 'low');
  t.ok(m.ratio < 1);
  t.equal(matchTemplates(b, []).token, null);
  t.same(Object.keys(m.distances).sort(), ['high', 'low'], 'every token\'s distance is reported');
  const loud = extractFeatures(tone(300, 400, 0.9));
  t.ok(dtwDistance(loud, a) < dtwDistance(c, a) / 4, 'log energy is compared relative to the peak: a louder take of the same sound stays close');
  const twoTakes = matchTemplates(b, [{ token: 'low', takes: [a, c] }, { token: 'high', takes: [c] }]);
  t.ok(twoTakes.distances.low! > m.distances.low!, 'a token scores the mean of its two closest takes, so one near take is not enough');
});

t.test('DTW with a cap: exact at or under it, a lower bound above it, stopping early', async (t) => {
  const a = extractFeatures(tone(300, 400)), b = extractFeatures(tone(300, 480)), c = extractFeatures(tone(2000, 400));
  const near = dtwDistance(a, b), far = dtwDistance(a, c);
  t.equal(dtwDistance(a, b, 0.3, undefined, undefined, near), near, 'a distance at the cap is exact');
  t.equal(dtwDistance(a, b, 0.3, undefined, undefined, far), near, 'under the cap: exact');
  const bound = dtwDistance(a, c, 0.3, undefined, undefined, near);
  t.ok(bound > near && bound <= far, `over the cap: a bound between the cap and the distance (${near} < ${bound} <= ${far})`);
  t.ok(bound < far, 'the search stopped before the last row');
});

t.test('frame distance: HTK lifter (L = 22) on the cepstra and their deltas, energy compared after the offset', async (t) => {
  const at = (k: number, v: number): Float32Array => { const f = new Float32Array(FEAT_DIM); f[k] = v; return f; };
  const zero = new Float32Array(FEAT_DIM);
  t.equal(frameDistance(zero, 0, zero, 0, 0), 0);
  const d = (k: number): number => frameDistance(at(k, 1), 0, zero, 0, 0);
  t.ok(d(11) > 4 * d(1), `c11 (${d(11)}) weighs far more than c1 (${d(1)})`);
  t.equal(d(11 + FEAT_DIM / 2), d(11), 'a delta weighs as its cepstrum');
  t.equal(frameDistance(at(0, 3), 0, zero, 0, 3), 0, 'the energy offset is removed before comparing');
  t.ok(Math.abs(d(12) ** 2 - FRAME_WEIGHTS[12]!) < 1e-9, 'weights scale the squared difference');
});

t.test('resampler keeps a tone and the length, streaming equals whole-buffer', async (t) => {
  const x8 = Float32Array.from({ length: 8000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 500 * i) / 8000));
  const y = resample(x8, 8000);
  t.equal(y.length, 16000);
  let e = 0; for (let i = 1000; i < 15000; i++) e += y[i]! * y[i]!;
  t.ok(Math.abs(Math.sqrt(e / 14000) - 0.5 / Math.SQRT2) < 0.02, 'RMS preserved');
  const r = new Resampler(8000, 16000);
  const parts: number[] = [];
  for (let i = 0; i < 8000; i += 160) parts.push(...r.process(x8.subarray(i, i + 160)));
  t.ok(parts.length > 15900);
  t.ok(Math.abs(parts[5000]! - y[5000]!) < 1e-5, 'same samples when streamed');
});

t.test('comfort noise level stays far under speech', async (t) => {
  const x = tone(300, 1000, 0.3);
  t.ok(comfortLevel(x) < 0.3 * 0.06);
});

t.test('audible samples: digital silence does not count towards the comfort level\'s window', async (t) => {
  const x = new Float32Array(16000);
  x.set(tone(300, 300, 0.3), 6400);
  t.equal(audibleSamples(x), 4800, '300 ms of tone in 1 s of zeros');
  for (let i = 0; i < 1600; i++) x[i] = ((i % 7) - 3) / 32768;
  t.equal(audibleSamples(x), 4800, 'a few LSB of dither are still digital silence');
  t.equal(audibleSamples(new Float32Array(100).fill(0.1)), 0, 'a partial 10 ms block is not counted');
});

t.test('comfort noise depends only on the audio: not on how it is chunked or which utterance it is', async (t) => {
  const x = new Float32Array(16000);
  x.set(tone(300, 300, 0.3), 6400);
  const whole = x.slice();
  fillSilence(whole, 0.001, newNoise());
  const chunked = x.slice();
  const noise = newNoise();
  for (const [a, b] of [[0, 6400], [6400, 8000], [8000, 16000]] as const) fillSilence(chunked.subarray(a, b), 0.001, noise);
  t.same(chunked, whole, 'chunks of 400, 100 and 500 ms: the same samples');
  const again = x.slice();
  fillSilence(again, 0.001, newNoise());
  t.same(again, whole, 'a later utterance with the same audio gets the same noise');
  t.not(whole[100], 0, 'silence is filled');
});

t.test('decide: agreement is confident, disagreement confirms, fillers and weak templates reject', async (t) => {
  const e: Expectation = { kind: 'digits', length: 1, commands: ['repeat'] };
  const good = { token: '4', distance: 10, second: 20, ratio: 0.5 };
  const agree = decide({ expectation: e, siWords: ['four'], sd: good, sdSegments: null });
  t.match(agree, { status: 'match', text: '4', agree: true, confirm: false });
  t.ok(agree.confidence >= 0.9);
  const dis = decide({ expectation: e, siWords: ['five'], sd: { ...good, ratio: 0.97 }, sdSegments: null });
  t.match(dis, { status: 'match', text: '5', confirm: true, agree: false }, 'an unsure template defers to the decoder, with confirmation');
  const mid = decide({ expectation: e, siWords: ['five'], sd: { ...good, ratio: 0.85, distances: { 4: 10, 5: 20 } }, sdSegments: null });
  t.match(mid, { status: 'match', text: '4', confirm: true, agree: false }, 'disagreement: the templates win when the decoder\'s token is clearly further, and the dialog confirms');
  const near = decide({ expectation: e, siWords: ['five'], sd: { ...good, ratio: 0.85, distances: { 4: 10, 5: 10.5 } }, sdSegments: null });
  t.match(near, { status: 'match', text: '5', confirm: true, agree: false }, 'disagreement too close to call: the decoder\'s token, confirmed');
  const cmd: Expectation = { kind: 'digits', length: 1, commands: ['say again'] };
  const sure3 = { token: '3', distance: 5, second: 7, ratio: 0.7, distances: { 3: 5, 8: 7 } };
  t.match(decide({ expectation: cmd, siWords: ['say', 'again'], sd: sure3, sdSegments: [sure3, { ...sure3, token: '8' }] }),
    { status: 'match', text: '3', confirm: true }, 'a command the operator never enrolled yields to sure templates, confirmed');
  t.match(decide({ expectation: cmd, siWords: ['say', 'again'], sd: { ...sure3, ratio: 0.9 }, sdSegments: null }),
    { status: 'match', text: 'say again', isCommand: true }, 'unsure templates: the command stands');
  const fairlySureSegments = decide({ expectation: { kind: 'digits', length: 2, commands: [] }, siWords: ['five', 'two'], sd: null, sdSegments: [{ ...good, ratio: 0.85 }, { ...good, token: '2', ratio: 0.85 }] });
  t.equal(fairlySureSegments.status, 'nomatch', 'digit strings: fairly sure templates that disagree reject, the dialog reprompts');
  const sure = decide({ expectation: e, siWords: ['five'], sd: good, sdSegments: null });
  t.match(sure, { status: 'match', text: '4', confirm: true });
  t.match(decide({ expectation: e, siWords: ['filler_hello'], sd: null, sdSegments: null }), { status: 'nomatch', reason: 'out_of_grammar' });
  t.match(decide({ expectation: e, siWords: null, sd: { ...good, distance: DEFAULT_DECIDE.maxTemplateDistance + 1 }, sdSegments: null }), { status: 'nomatch' });
  t.match(decide({ expectation: e, siWords: ['repeat'], sd: null, sdSegments: null }), { status: 'match', isCommand: true, text: 'repeat' });
  const seg = decide({ expectation: { kind: 'digits', length: 2, commands: [] }, siWords: ['four', 'two'], sd: null, sdSegments: [good, { ...good, token: '2' }] });
  t.match(seg, { status: 'match', text: '42', agree: true });
});

t.test('an operator\'s own scale: the median of each take\'s mean distance to its token\'s other takes', async (t) => {
  const f = (hz: number, ms: number) => trimSilence(extractFeatures(tone(hz, ms)));
  const sets = [{ token: 'a', takes: [f(300, 400), f(300, 440), f(300, 480)] }, { token: 'b', takes: [f(900, 400), f(900, 460)] }];
  const loo: number[] = [];
  for (const s of sets) s.takes.forEach((x, i) => { const o = s.takes.filter((_, j) => j !== i); loo.push(o.reduce((a, y) => a + dtwDistance(x, y), 0) / o.length); });
  loo.sort((a, b) => a - b);
  t.equal(templateScale(sets), loo[Math.floor(loo.length / 2)], 'over both tokens\' takes');
  t.ok(templateScale(sets) < dtwDistance(sets[0]!.takes[0]!, sets[1]!.takes[0]!), 'repetitions lie closer than different sounds');
  t.ok(Number.isNaN(templateScale([{ token: 'a', takes: [f(300, 400)] }])), 'no token with two takes: unknown');
});

t.test('decide: a one-word answer too far from all of an enrolled operator\'s templates is out of their vocabulary', async (t) => {
  const e: Expectation = { kind: 'digits', length: 1, commands: ['repeat'] };
  const m = { token: '3', distance: 7, second: 8, ratio: 0.875, distances: { 3: 7, 8: 8 }, scale: 4 };
  t.match(decide({ expectation: e, siWords: ['three'], sd: m, sdSegments: null }), { status: 'nomatch', reason: 'out_of_grammar' }, `7 > ${DEFAULT_DECIDE.templateScaleLimit} × 4: rejected even where the engines agree`);
  t.match(decide({ expectation: e, siWords: ['three'], sd: { ...m, distance: 6, distances: { 3: 6, 8: 8 } }, sdSegments: null }), { status: 'match', text: '3' }, 'within the limit: as before');
  t.match(decide({ expectation: e, siWords: null, sd: m, sdSegments: null }), { status: 'nomatch', reason: 'out_of_grammar' }, 'templates alone (no decoder) too');
  t.match(decide({ expectation: e, siWords: ['repeat'], sd: m, sdSegments: null }), { status: 'match', text: 'repeat', isCommand: true }, 'a command the operator never enrolled is not judged by the digits\' templates');
  const { scale: _, ...noScale } = m;
  t.match(decide({ expectation: e, siWords: ['three'], sd: noScale, sdSegments: null }), { status: 'match', text: '3' }, 'no scale known: no limit');
  t.match(decide({ expectation: e, siWords: ['three'], sd: m, sdSegments: null }, { ...DEFAULT_DECIDE, templateScaleLimit: 0 }), { status: 'match', text: '3' }, '0 = off');
  const two: Expectation = { kind: 'digits', length: 2, commands: [] };
  t.match(decide({ expectation: two, siWords: ['three', 'eight'], sd: m, sdSegments: [{ ...m, distance: 4 }, { ...m, token: '8', distance: 4 }] }), { status: 'match' }, 'strings: not this rule');
});

t.test('decide: phone-loop evidence rejects out-of-grammar speech; rescoring accepts the expected string within the margin', async (t) => {
  const e: Expectation = { kind: 'digits', length: 2, expected: '42', commands: [] };
  const o = { ...DEFAULT_DECIDE, oogThreshold: 12, expectedMargin: 300 };
  const oog = decide({ expectation: e, siWords: ['four', 'two'], sd: null, sdSegments: null, oog: { constrained: -50000, loop: -45000, frames: 100 } }, o);
  t.match(oog, { status: 'nomatch', reason: 'out_of_grammar' });
  const fine = decide({ expectation: e, siWords: ['four', 'two'], sd: null, sdSegments: null, oog: { constrained: -50000, loop: -49500, frames: 100 } }, o);
  t.match(fine, { status: 'match', text: '42' });
  t.match(decide({ expectation: e, siWords: ['four', 'two'], sd: null, sdSegments: null, oog: { constrained: -50000, loop: -45000, frames: 100 } }, { ...DEFAULT_DECIDE, oogThreshold: 0 }), { status: 'match' }, '0 = off');
  const one: Expectation = { kind: 'digits', length: 1, commands: [] };
  const loud = { constrained: -50000, loop: -45000, frames: 100 };
  t.match(decide({ expectation: one, siWords: ['four'], sd: { token: '4', distance: 10, second: 20, ratio: 0.5 }, sdSegments: null, oog: loud }, o),
    { status: 'match', text: '4', agree: true }, 'templates agreeing with the decoder overrule the phone loop');
  t.match(decide({ expectation: one, siWords: ['four'], sd: { token: '5', distance: 10, second: 20, ratio: 0.5 }, sdSegments: null, oog: loud }, o),
    { status: 'nomatch', reason: 'out_of_grammar' });
  const near = decide({ expectation: e, siWords: ['four', 'three'], sd: null, sdSegments: null, rescore: { best: -1000, expected: -1200 } }, o);
  t.match(near, { status: 'match', text: '42', words: ['four', 'two'] });
  const far = decide({ expectation: e, siWords: ['four', 'three'], sd: null, sdSegments: null, rescore: { best: -1000, expected: -2000 } }, o);
  t.match(far, { status: 'match', text: '43' });
});

t.test('decide: the loop must beat a heard known answer by more (oogExpectedThreshold)', async (t) => {
  const q: Expectation = { kind: 'number', min: 0, max: 999, expected: 6, commands: [] };
  const o = { ...DEFAULT_DECIDE, oogThreshold: 20, oogExpectedThreshold: 25 };
  const at = (perFrame: number) => ({ constrained: -50000, loop: -50000 + perFrame * 100, frames: 100 });
  t.match(decide({ expectation: q, siWords: ['six'], sd: null, sdSegments: null, oog: at(22) }, o), { status: 'match', text: '6' }, 'the expected quantity, loop 22 per frame: kept');
  t.match(decide({ expectation: q, siWords: ['eight'], sd: null, sdSegments: null, oog: at(22) }, o), { status: 'nomatch', reason: 'out_of_grammar' }, 'another number with the same evidence: rejected');
  t.match(decide({ expectation: q, siWords: ['six'], sd: null, sdSegments: null, oog: at(30) }, o), { status: 'nomatch', reason: 'out_of_grammar' }, 'past 25: rejected');
  t.match(decide({ expectation: q, siWords: ['six'], sd: null, sdSegments: null, oog: at(22) }, { ...o, oogExpectedThreshold: 10 }), { status: 'match' }, 'never stricter than oogThreshold');
  t.match(decide({ expectation: { kind: 'number', min: 0, max: 999, expected: 16, commands: [] }, siWords: ['six'], sd: null, sdSegments: null, oog: at(22) }, o), { status: 'nomatch' }, 'a word of the known answer is not the known answer');
});

t.test('decide: an enrolled operator\'s templates settle a check digit the decoder heard as a neighbour', async (t) => {
  const e: Expectation = { kind: 'digits', length: 3, expected: '742', commands: [] };
  // per-segment best/second ratios of 0.98: on their own too weak to overrule the decoder
  const seg = (token: string, distances: Record<string, number>) => ({ token, distance: Math.min(...Object.values(distances)), second: 30, ratio: 0.98, distances });
  const spelled = [seg('7', { 7: 10, 1: 20 }), seg('4', { 4: 10, 1: 25 }), seg('2', { 2: 10, 3: 14 })];
  const r = decide({ expectation: e, siWords: ['seven', 'four', 'three'], sd: null, sdSegments: spelled });
  t.match(r, { status: 'match', text: '742', confirm: false }, 'templates spell 742 and prefer two over three clearly');
  const close = [spelled[0]!, spelled[1]!, seg('2', { 2: 10, 3: 10.2 })];
  t.match(decide({ expectation: e, siWords: ['seven', 'four', 'three'], sd: null, sdSegments: close }), { status: 'match', text: '743' }, 'too close to call: the decoder\'s string stands');
  const other = [spelled[0]!, seg('1', { 1: 8, 4: 10 }), spelled[2]!];
  const notSpelled = decide({ expectation: e, siWords: ['seven', 'four', 'three'], sd: null, sdSegments: other });
  t.notMatch(notSpelled, { text: '742' }, 'templates that do not spell the expected string never turn it into the expected one');
  // (sdOverSiRatio 0 too: otherwise the per-digit outvote rule, below, reads 742 from the templates)
  t.match(decide({ expectation: e, siWords: ['seven', 'four', 'three'], sd: null, sdSegments: spelled }, { ...DEFAULT_DECIDE, checkTemplateRatio: 0, sdOverSiRatio: 0 }), { text: '743' }, '0 = off');
  t.match(decide({ expectation: e, siWords: ['seven', 'three'], sd: null, sdSegments: spelled.slice(0, 2) }), { status: 'nomatch' }, 'a different length is never rescued');
});

t.test('decide: a PIN where the templates clearly outvote the decoder on a digit is the templates\' string, confirmed', async (t) => {
  const e: Expectation = { kind: 'freeDigits', minLength: 4, maxLength: 4, commands: [] };
  const seg = (token: string, distances: Record<string, number>) => ({ token, distance: Math.min(...Object.values(distances)), second: 30, ratio: 0.98, distances });
  const sd = [seg('4', { 4: 10 }), seg('9', { 9: 10 }), seg('0', { 0: 10, 4: 16 }), seg('3', { 3: 10, 0: 15 })];
  const heard = ['four', 'nine', 'four', 'zero'];
  t.match(decide({ expectation: e, siWords: heard, sd: null, sdSegments: sd }), { status: 'match', text: '4903', confirm: true, agree: false });
  const near = [sd[0]!, sd[1]!, seg('0', { 0: 10, 4: 10.5 }), sd[3]!];
  t.match(decide({ expectation: e, siWords: heard, sd: null, sdSegments: near }), { status: 'match', text: '4940', confirm: true }, 'one digit too close to call: the decoder\'s string, low confidence (as before)');
  t.equal(templatesOutvote(heard, sd.slice(0, 3), 0.9), false, 'segment counts must match');
});

t.test('decide: the templates\' connected reading of a fixed-length string wins when the decoder\'s string fits them clearly worse', async (t) => {
  const e: Expectation = { kind: 'freeDigits', minLength: 4, maxLength: 4, commands: [] };
  const heard = ['four', 'nine', 'four', 'zero'];
  const seg = (token: string) => ({ token, distance: 10, second: 11, ratio: 0.95, distances: { [token]: 10 } });
  const segs = [seg('4'), seg('9'), seg('4'), seg('0')];
  const cd = (siScore: number | null) => ({ tokens: ['4', '9', '0', '3'], score: 4.0, siScore });
  t.match(decide({ expectation: e, siWords: heard, sd: null, sdSegments: segs, sdConnected: cd(4.5) }), { status: 'match', text: '4903', confidence: 0.6, agree: false }, 'margin 0.5 > 0.3: the templates\' reading');
  t.match(decide({ expectation: e, siWords: heard, sd: null, sdSegments: segs, sdConnected: cd(4.1) }), { text: '4940' }, 'within the margin: as before');
  t.match(decide({ expectation: e, siWords: heard, sd: null, sdSegments: segs, sdConnected: cd(null) }), { text: '4940' }, 'the decoder\'s string could not be aligned: as before');
  t.match(decide({ expectation: e, siWords: heard, sd: null, sdSegments: segs, sdConnected: cd(4.5) }, { ...DEFAULT_DECIDE, connectedMargin: 0 }), { text: '4940' }, '0 = off');
  const agreeing = { tokens: ['4', '9', '4', '0'], score: 4.0, siScore: 4.0 };
  const other = [seg('4'), seg('9'), seg('1'), seg('0')];
  t.match(decide({ expectation: e, siWords: heard, sd: null, sdSegments: other, sdConnected: agreeing }), { status: 'match', text: '4940', confidence: 0.9, agree: true },
    'the connected reading agrees with the decoder where the per-segment one did not: two engines agree');
});
