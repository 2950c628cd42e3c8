/**
 * Recognition through the real pipeline on speech synthesised with Debian's flite (voices kal,
 * slt, rms, awb), enrollment of templates, overload, and event-loop responsiveness.
 */
import t from 'tap';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AsrEngine, MemoryTemplateStore, type AsrResult } from '../index.ts';
import { fliteAvailable, synth, OOG_WORDS, FLITE_VOICES } from '../bench/corpus.ts';
import { recognise, join } from '../bench/evaluate.ts';
import { DIGIT_WORDS } from '../grammar.ts';
import { resample } from '../audio.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

if (!fliteAvailable()) {
  t.comment('flite is not installed (apt-get install flite); skipping recognition tests');
  process.exit(0);
}

const CMDS = ['repeat', 'say again', 'skip', 'how much more', 'sign off'];
const store = new MemoryTemplateStore();
const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 4, templateStore: store, pauseFlush: true });
t.teardown(() => engine.close());

const match = (r: AsrResult | null): { text?: string; status?: string } => (r ?? {}) as { text?: string; status?: string };

t.test('single digits, yes/no and commands from four flite voices', async (t) => {
  let ok = 0, n = 0;
  for (const voice of ['kal', 'slt', 'rms', 'awb']) {
    for (const d of [3, 7, 9]) {
      const r = await recognise(engine, synth(DIGIT_WORDS[d]!, voice), { kind: 'digits', length: 1, commands: CMDS });
      n++; if (match(r).text === String(d)) ok++;
    }
    const y = await recognise(engine, synth('yes', voice), { kind: 'yesno', commands: CMDS });
    n++; if (match(y).text === 'yes') ok++;
    const c = await recognise(engine, synth('say again', voice), { kind: 'digits', length: 3, commands: CMDS });
    n++; if (match(c).text === 'say again' && (c as { isCommand?: boolean }).isCommand) ok++;
  }
  t.ok(ok / n >= 0.85, `${ok}/${n} recognised`);
});

t.test('check digits with the expected answer: accepted when said, not turned into it when different', async (t) => {
  const said = synth('four two seven', 'slt');
  const r = await recognise(engine, said, { kind: 'digits', length: 3, expected: '427', commands: CMDS });
  t.match(r, { status: 'match', text: '427' });
  const other = await recognise(engine, said, { kind: 'digits', length: 3, expected: '421', commands: CMDS });
  t.not(match(other).text, '421', 'a different string is not accepted as the expected one');
  const n = await recognise(engine, synth('twenty three', 'kal'), { kind: 'number', min: 1, max: 40, commands: CMDS });
  t.match(n, { status: 'match', text: '23' });
});

t.test("grammar-aware early end (fixedEarlyEnd 'expected', the default): check digits end after the short silence once all are heard, not at a pause after two; a PIN waits out the silence", async (t) => {
  const e = { kind: 'digits' as const, length: 3, expected: '427', commands: CMDS };
  const full = await recognise(engine, synth('four two seven', 'slt'), e, undefined, true);
  t.match(full, { status: 'match', text: '427', timing: { endedBy: 'early' } });
  // flite's own silences make the pause ~0.5 s: longer than the early-end silence (250 ms)
  const paused = join([synth('four two', 'slt'), synth('seven', 'slt')], [100]);
  const r = await recognise(engine, paused, e, undefined, true);
  t.match(r, { status: 'match', text: '427' }, 'two digits heard are not a complete answer: the pause does not end it');
  const pin = await recognise(engine, synth('four two seven one', 'slt'), { kind: 'freeDigits', minLength: 4, maxLength: 4, commands: CMDS }, undefined, true);
  t.match(pin, { timing: { endedBy: 'silence' } }, 'a fixed-length string without a known answer (a PIN) waits out the full silence: a pause between its digits must not end it');
});

t.test('enrolled templates fuse with the decoder; retraining one word works', async (t) => {
  const op = 42;
  for (const d of [1, 2, 3, 4, 5]) {
    await engine.enroll(op, String(d), ['slt', 'slt', 'slt'].map((v, i) => ({ pcm: synth(DIGIT_WORDS[d]!, v, undefined), sampleRate: 16000 + 0 * i })));
  }
  t.same(await engine.enrolledTokens(op), ['1', '2', '3', '4', '5']);
  const r = await recognise(engine, synth('three', 'slt'), { kind: 'digits', length: 1, commands: [] }, op);
  t.match(r, { status: 'match', text: '3', engines: { sd: '3', si: '3', agree: true } });
  t.ok((r as { confidence: number }).confidence >= 0.9);
  await engine.enroll(op, '3', [{ pcm: synth('three', 'kal'), sampleRate: 16000 }]);
  t.same(await engine.enrolledTokens(op), ['1', '2', '3', '4', '5']);
  await t.rejects(engine.enroll(op, '3', []), { code: 'ASR_BAD_ENROLLMENT' });
  await t.rejects(engine.enroll(op, '3', [{ pcm: new Float32Array(200), sampleRate: 16000 }]), { code: 'ASR_BAD_ENROLLMENT' });
});

t.test('an 8 kHz PCM16 take: converted and resampled in the worker, the same features as resampled beforehand', async (t) => {
  const at16 = synth('seven', 'kal');
  const at8 = new Int16Array(Math.floor(at16.length / 2)); // every other sample (flite's kal speaks at 8 kHz, below 4 kHz)
  for (let i = 0; i < at8.length; i++) at8[i] = Math.round(Math.max(-1, Math.min(1, at16[2 * i]!)) * 32767);
  const mine = await engine.features(at8, 8000);
  const before = await engine.features(resample(Float32Array.from(at8, (v) => v / 32768), 8000), 16000);
  t.ok(mine.frames > 10, `${mine.frames} frames`);
  t.same(mine, before);
  t.equal(at8.length, Math.floor(at16.length / 2), "the caller's array is left whole (the worker gets a copy)");
  await t.rejects(engine.features(at8, 0), { code: 'ASR_BAD_ENROLLMENT' });
  await t.rejects(engine.enroll(43, '7', [{ pcm: at8, sampleRate: Number.NaN }]), { code: 'ASR_BAD_ENROLLMENT' });
});

t.test('bad input: unsupported sample rate and bad expectation are clear errors', async (t) => {
  t.throws(() => engine.createStream({ sessionId: 's', sampleRate: 12345, language: 'en' }), { code: 'ASR_BAD_AUDIO' });
  const s = engine.createStream({ sessionId: 's', sampleRate: 16000, language: 'en' });
  t.throws(() => s.setExpectation({ kind: 'digits', length: 0, commands: [] }), { code: 'ASR_BAD_EXPECTATION' });
  t.throws(() => s.pushFrame(Buffer.alloc(3)), RangeError);
  s.close();
});

t.test('event loop stays responsive while 50 utterances decode at once; metrics report', async (t) => {
  const audio = synth('eight', 'awb');
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const rs = await Promise.all(Array.from({ length: 50 }, () => recognise(engine, audio, { kind: 'digits', length: 1, commands: CMDS })));
  h.disable();
  const p99 = h.percentile(99) / 1e6;
  t.comment(`event-loop delay p99 ${p99.toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`);
  t.ok(p99 < 150, 'event loop delay stays small (no decoding on the main thread)');
  t.ok(rs.filter((r) => r && (r.status === 'match' || r.status === 'nomatch')).length >= 45, 'results (or busy) for the utterances');
  const m = engine.metrics();
  t.equal(m.decodersTotal, 4);
  t.ok(m.utterances >= 50);
  t.ok(m.resultMsP95 >= 0);
});

t.test('overload: with no queue and one decoder, concurrent utterances get busy', async (t) => {
  const small = await AsrEngine.load({ workers: 1, decodersPerWorker: 1, maxQueue: 0 });
  t.teardown(() => small.close());
  const audio = synth('five', 'kal');
  const busy: number[] = [];
  const streams = Array.from({ length: 4 }, (_, i) => {
    const s = small.createStream({ sessionId: `b${i}`, sampleRate: 16000, language: 'en' });
    s.setExpectation({ kind: 'digits', length: 1, commands: [] });
    s.on('busy', () => busy.push(i));
    return s;
  });
  const pcm = new Int16Array(4800 + audio.length + 16000);
  audio.forEach((v, i) => { pcm[4800 + i] = Math.round(v * 32767); });
  for (let i = 0; i < pcm.length; i += 320) for (const s of streams) s.pushFrame(pcm.subarray(i, i + 320));
  await new Promise((r) => setTimeout(r, 1500));
  t.ok(busy.length >= 1, `${busy.length} streams told busy`);
  t.ok(small.metrics().busyRejections >= 1);
  for (const s of streams) s.close();
});

t.test('an enrolled operator\'s out-of-vocabulary words are rejected, their digits are not (templateScaleLimit)', async (t) => {
  // Each flite voice enrolled on its own digits at three speeds, as an operator says each word three
  // times; then its digits at a fourth speed and the built-in out-of-grammar words, at a digit prompt.
  const dir = mkdtempSync(path.join(tmpdir(), 'vm-oov-'));
  let digits = 0, rejected = 0, oov = 0;
  for (const [k, voice] of FLITE_VOICES.entries()) {
    const op = 500 + k;
    for (let d = 0; d < 10; d++) await engine.enroll(op, String(d), [0.9, 1, 1.15].map((s) => ({ pcm: synth(DIGIT_WORDS[d]!, voice, dir, s), sampleRate: 16000 })));
    for (const d of [2, 5, 8]) if (match(await recognise(engine, synth(DIGIT_WORDS[d]!, voice, dir, 1.05), { kind: 'digits', length: 1, commands: CMDS }, op, false, `oov-${voice}`)).text === String(d)) digits++;
    for (const w of OOG_WORDS) {
      oov++;
      if (match(await recognise(engine, synth(w, voice, dir), { kind: 'digits', length: 1, commands: CMDS }, op, false, `oov-${voice}`)).status === 'nomatch') rejected++;
    }
  }
  t.equal(digits, 12, 'the operators\' own digits are recognised');
  t.ok(rejected / oov >= 0.9, `${rejected} of ${oov} out-of-vocabulary words rejected`);
});
