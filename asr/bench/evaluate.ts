/**
 * The accuracy evaluation behind `npm run bench:asr` and the real-speech CI test. Every
 * utterance goes through the real pipeline (stream → batched VAD → endpointing → worker pool →
 * fusion), fed faster than real time, with silence around it as a device would send.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AsrEngine, DIGIT_WORDS, MemoryTemplateStore, type AsrResult, type Expectation, type OogDefer } from '../index.ts';
import { everyDigitOff, FLITE_VOICES, loadDigits, loadOog, OOG_WORDS, oneDigitOff, rng, synth, type Take } from './corpus.ts';
import type { LoopPhones } from '../rescore.ts';

export interface EvalOptions {
  data: string; oog?: string; limitPerSpeaker?: number; checkTrials?: number; workers?: number;
  biasWeight?: number; fillerWeight?: number; seed?: number;
  /** The grammar's command prior and quantity bias (engine defaults when undefined). */
  commandPrior?: number; numberBiasWeight?: number;
  /** Free digit strings per speaker (default: checkTrials). */
  freeTrials?: number;
  decoderConfig?: Record<string, number | string | boolean>;
  /** SoundSwallower settings of the phone-loop decoders (engine default when undefined). */
  loopConfig?: Record<string, number | string | boolean>;
  /** The phone loop's phones (engine default when undefined). */
  loopPhones?: LoopPhones;
  /** The engine's comfortFromSpeech (ASR_COMFORT_FROM_SPEECH). */
  comfortFromSpeech?: boolean;
  /** The engine's sessionComfort (ASR_SESSION_COMFORT); each speaker is one session. */
  sessionComfort?: boolean;
  /** The engine's sessionCmn (ASR_SESSION_CMN); each speaker is one session. */
  sessionCmn?: boolean;
  /** The engine's templatesFirst (ASR_TEMPLATES_FIRST) and decide.templatesFirstRatio. */
  templatesFirst?: boolean; templatesFirstRatio?: number;
  /** The engine's oogDefer (ASR_OOG_DEFER); undefined = the engine's default. */
  oogDefer?: OogDefer;
  /** The engine's oogDeferReady (ASR_OOG_DEFER_READY); undefined = the engine's default. */
  oogDeferReady?: boolean;
  expectedMargin?: number;
  oogThreshold?: number;
  oogExpectedThreshold?: number;
  templateScaleLimit?: number;
  checkTemplateRatio?: number;
  connectedMargin?: number;
}

export const CMDS = ['ready', 'repeat', 'say again', 'skip', 'short', 'help', 'how much more', 'sign off', 'cancel', 'talk louder', 'talk softer', 'talk faster', 'talk slower'];

function frame(audio: Float32Array, leadMs = 300, tailMs = 900): Int16Array {
  const out = new Int16Array(Math.round((leadMs + tailMs) * 16) + audio.length);
  const o = Math.round(leadMs * 16);
  for (let i = 0; i < audio.length; i++) out[o + i] = Math.max(-32768, Math.min(32767, Math.round(audio[i]! * 32768)));
  return out;
}

/** The out-of-grammar set's session: one more speaker, the synthesised voices. */
const OOG_SESSION = 'bench-oog';

/**
 * Runs one utterance through a fresh stream and returns its result (null: no speech found).
 * `sessionId`: with the engine's `sessionCmn`, utterances of one session share its cepstral-mean
 * state (cmn.ts); diag:asr-sessions gives each speaker its own, as each picker has a device session.
 */
export async function recognise(engine: AsrEngine, audio: Float32Array, e: Expectation, operatorId?: number, realTime = false, sessionId = 'bench'): Promise<AsrResult | null> {
  const s = engine.createStream({ sessionId, sampleRate: 16000, language: 'en', operatorId });
  s.setExpectation(e);
  const pcm = frame(audio);
  const done = new Promise<AsrResult | null>((resolve) => {
    s.on('result', resolve);
    s.on('busy', () => resolve({ status: 'nomatch', reason: 'low_confidence', confidence: 0, timing: { speechStartMs: 0, speechEndMs: 0, resultMs: 0 } }));
    s.on('error', () => resolve(null));
    setTimeout(() => resolve(null), 20000).unref();
  });
  const t0 = performance.now();
  for (let i = 0, k = 0; i < pcm.length; i += 320, k++) {
    if (realTime) { const wait = t0 + k * 20 - performance.now(); if (wait > 1) await new Promise((r) => setTimeout(r, wait)); }
    s.pushFrame(pcm.subarray(i, i + 320));
  }
  const r = await done;
  s.close();
  return r;
}

export async function pool<T, R>(items: T[], n: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) { const i = next++; out[i] = await fn(items[i]!, i); } }));
  return out;
}

export function join(parts: Float32Array[], gapsMs: number[]): Float32Array {
  const n = parts.reduce((a, p) => a + p.length, 0) + gapsMs.reduce((a, g) => a + Math.round(g * 16), 0);
  const out = new Float32Array(n);
  let o = 0;
  parts.forEach((p, i) => { out.set(p, o); o += p.length + (i < gapsMs.length ? Math.round(gapsMs[i]! * 16) : 0); });
  return out;
}

/**
 * At most `n` of these takes, the same share of each digit (the lowest take numbers). Files are
 * listed digit by digit, so the first `n` of them were mostly zeros and ones: until 2026-12-01 a
 * `--limit` subsample measured si / sd3 / fused (and enrolled check strings) on those digits only.
 */
export function balanced(takes: Take[], n: number): Take[] {
  if (!Number.isFinite(n) || takes.length <= n) return takes;
  const digits = [...new Set(takes.map((t) => t.digit))];
  const each = Math.ceil(n / digits.length);
  const seen = new Map<number, number>();
  return [...takes].sort((a, b) => a.take - b.take).filter((t) => {
    const k = seen.get(t.digit) ?? 0;
    seen.set(t.digit, k + 1);
    return k < each;
  }).sort((a, b) => a.digit - b.digit || a.take - b.take);
}

/**
 * The engine options of an evaluation: the engine's defaults, overridden by the bench's flags. (No
 * load shedding: the engine's default; only the gateway turns it on, for live audio.)
 */
export function engineOptions(o: Omit<EvalOptions, 'data'>, store: MemoryTemplateStore): Parameters<typeof AsrEngine.load>[0] {
  return { workers: o.workers, templateStore: store, decoderConfig: o.decoderConfig, ...(o.loopConfig ? { loopConfig: o.loopConfig } : {}), loopPhones: o.loopPhones, comfortFromSpeech: o.comfortFromSpeech, ...(o.sessionComfort === undefined ? {} : { sessionComfort: o.sessionComfort }), ...(o.sessionCmn === undefined ? {} : { sessionCmn: o.sessionCmn }), ...(o.templatesFirst === undefined ? {} : { templatesFirst: o.templatesFirst }), ...(o.oogDefer ? { oogDefer: o.oogDefer } : {}), ...(o.oogDeferReady === undefined ? {} : { oogDeferReady: o.oogDeferReady }), decide: { ...(o.expectedMargin === undefined ? {} : { expectedMargin: o.expectedMargin }), ...(o.oogThreshold === undefined ? {} : { oogThreshold: o.oogThreshold }), ...(o.oogExpectedThreshold === undefined ? {} : { oogExpectedThreshold: o.oogExpectedThreshold }), ...(o.templateScaleLimit === undefined ? {} : { templateScaleLimit: o.templateScaleLimit }), ...(o.checkTemplateRatio === undefined ? {} : { checkTemplateRatio: o.checkTemplateRatio }), ...(o.connectedMargin === undefined ? {} : { connectedMargin: o.connectedMargin }), ...(o.templatesFirstRatio === undefined ? {} : { templatesFirstRatio: o.templatesFirstRatio }) }, grammar: { ...(o.biasWeight === undefined ? {} : { biasWeight: o.biasWeight }), fillerWeight: o.fillerWeight ?? 0, ...(o.commandPrior === undefined ? {} : { commandPrior: o.commandPrior }), ...(o.numberBiasWeight === undefined ? {} : { numberBiasWeight: o.numberBiasWeight }) } };
}

export interface SpeakerRow {
  speaker: string; si: number; free: number; pin: number; pinEnrolled: number; checkAccept: number; checkFalseAccept: number; checkFalseAcceptFar: number; qtyAccept: number; qtyFalseAccept: number; sd3: number; fused: number; n: number;
  /** Check strings from takes not used for enrollment, recognised with the operator's templates. */
  checkAcceptEnrolled: number; checkFalseAcceptEnrolled: number;
}

/** 2–3 digit check strings from these takes joined with 100–250 ms gaps, and a string one digit away. */
export function checkTrials(from: Take[], n: number, rand: () => number): { audio: Float32Array; said: string; other: string; len: number }[] {
  return Array.from({ length: n }, () => {
    const len = rand() < 0.5 ? 2 : 3;
    const parts = Array.from({ length: len }, () => from[Math.floor(rand() * from.length)]!);
    const said = parts.map((p) => p.digit).join('');
    const other = oneDigitOff(said, rand);
    return { audio: join(parts.map((p) => p.audio), parts.slice(1).map(() => 100 + rand() * 150)), said, other, len };
  });
}

export async function evaluate(o: EvalOptions): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const takes = loadDigits(o.data);
  const speakers = [...new Set(takes.map((t) => t.speaker))].sort();
  const lim = o.limitPerSpeaker ?? Infinity;
  const store = new MemoryTemplateStore();
  const common = engineOptions(o, store);
  const si = await AsrEngine.load(common);
  const sd = await AsrEngine.load({ ...common, si: false, workers: 1 });
  const conc = 8;
  const digitE: Expectation = { kind: 'digits', length: 1, commands: CMDS };
  const rows: SpeakerRow[] = [];
  const resultMs: number[] = [];
  let inGrammar = 0, falseRej = 0, noResult = 0;
  const rand = rng(o.seed ?? 7);
  for (const [si_, spk] of speakers.entries()) {
    const mine = takes.filter((t) => t.speaker === spk);
    // each speaker speaks in its own session, as a picker's device does
    const say = (engine: AsrEngine, audio: Float32Array, e: Expectation, op?: number): Promise<AsrResult | null> => recognise(engine, audio, e, op, false, `bench-${spk}`);
    const opId = 1000 + si_;
    for (let d = 0; d < 10; d++) {
      const enr = mine.filter((t) => t.digit === d && t.take <= 2);
      if (enr.length) await si.enroll(opId, String(d), enr.map((t) => ({ pcm: t.audio, sampleRate: 16000 })));
    }
    await sd.loadTemplates(opId);
    const test = balanced(mine.filter((t) => t.take > 2), lim);
    const siSet = balanced(mine, lim * 1.06);
    const siRes = await pool(siSet, conc, (t) => say(si, t.audio, digitE));
    siRes.forEach((r) => { if (r) resultMs.push(r.timing.resultMs); });
    const ok = (r: AsrResult | null, t: Take): boolean => r?.status === 'match' && r.text === String(t.digit);
    const siAcc = siRes.filter((r, i) => ok(r, siSet[i]!)).length / siSet.length;
    noResult += siRes.filter((r) => r === null).length;
    inGrammar += siRes.length; falseRej += siRes.filter((r) => !r || r.status === 'nomatch').length;
    const sdRes = await pool(test, conc, (t) => say(sd, t.audio, digitE, opId));
    const fuRes = await pool(test, conc, (t) => say(si, t.audio, digitE, opId));
    // check strings: 2–3 digits of this speaker joined with 100–250 ms gaps
    const trials = checkTrials(mine, o.checkTrials ?? 100, rand);
    const acc = await pool(trials, conc, (t) => say(si, t.audio, { kind: 'digits', length: t.len, expected: t.said, commands: CMDS }));
    const fa = await pool(trials, conc, (t) => say(si, t.audio, { kind: 'digits', length: t.len, expected: t.other, commands: CMDS }));
    // a picker at the wrong slot: the expected string differs in every digit (own random stream)
    const xrand = rng((o.seed ?? 7) * 13 + si_);
    const far = trials.map((t) => everyDigitOff(t.said, xrand));
    const faFar = await pool(trials, conc, (t, i) => say(si, t.audio, { kind: 'digits', length: t.len, expected: far[i]!, commands: CMDS }));
    // quantities (number 0..999 with the expected quantity, as the picking flow asks): one digit
    // 1–9 said, expected = said, and expected = another (a short pick said); own random stream
    const qrand = rng((o.seed ?? 7) * 17 + si_);
    const ones = mine.filter((t) => t.digit > 0);
    const qtys = Array.from({ length: o.checkTrials ?? 100 }, () => {
      const t = ones[Math.floor(qrand() * ones.length)]!;
      return { audio: t.audio, said: t.digit, other: 1 + ((t.digit + Math.floor(qrand() * 8)) % 9) };
    });
    const qtyE = (q: number): Expectation => ({ kind: 'number', min: 0, max: 999, expected: q, commands: CMDS });
    const qAcc = await pool(qtys, conc, (t) => say(si, t.audio, qtyE(t.said)));
    const qFa = await pool(qtys, conc, (t) => say(si, t.audio, qtyE(t.other)));
    // the same check strings for an enrolled operator (templates fused in), built from held-out takes only
    const erand = rng((o.seed ?? 7) * 7919 + si_);
    const eTrials = checkTrials(test, o.checkTrials ?? 100, erand);
    const eAcc = await pool(eTrials, conc, (t) => say(si, t.audio, { kind: 'digits', length: t.len, expected: t.said, commands: CMDS }, opId));
    const eFa = await pool(eTrials, conc, (t) => say(si, t.audio, { kind: 'digits', length: t.len, expected: t.other, commands: CMDS }, opId));
    // free strings (operator number, PIN): 3–4 digits joined with 100–250 ms gaps, freeDigits 1..10;
    // own random stream so the check trials above stay the same as in earlier figures
    const frand = rng((o.seed ?? 7) * 1000 + si_);
    const free = Array.from({ length: o.freeTrials ?? o.checkTrials ?? 100 }, () => {
      const parts = Array.from({ length: frand() < 0.5 ? 3 : 4 }, () => mine[Math.floor(frand() * mine.length)]!);
      return { audio: join(parts.map((p) => p.audio), parts.slice(1).map(() => 100 + frand() * 150)), said: parts.map((p) => p.digit).join('') };
    });
    const freeRes = await pool(free, conc, (t) => say(si, t.audio, { kind: 'freeDigits', minLength: 1, maxLength: 10, commands: CMDS }));
    // PINs of a site with a fixed length (4) from held-out takes: speaker-independent alone, and
    // for the enrolled operator (templates fused in, as after sign-on's identify step)
    const prand = rng((o.seed ?? 7) * 31 + si_);
    const pins = Array.from({ length: o.freeTrials ?? o.checkTrials ?? 100 }, () => {
      const parts = Array.from({ length: 4 }, () => test[Math.floor(prand() * test.length)]!);
      return { audio: join(parts.map((p) => p.audio), parts.slice(1).map(() => 100 + prand() * 150)), said: parts.map((p) => p.digit).join('') };
    });
    const pinE = { kind: 'freeDigits' as const, minLength: 4, maxLength: 4, commands: CMDS };
    const pinSi = await pool(pins, conc, (t) => say(si, t.audio, pinE));
    const pinEnr = await pool(pins, conc, (t) => say(si, t.audio, pinE, opId));
    const pinOk = (rs: (AsrResult | null)[]): number => rs.filter((r, i) => r?.status === 'match' && r.text === pins[i]!.said).length / pins.length;
    rows.push({
      speaker: spk, si: siAcc, n: siSet.length,
      free: freeRes.filter((r, i) => r?.status === 'match' && r.text === free[i]!.said).length / free.length,
      checkAccept: acc.filter((r, i) => r?.status === 'match' && r.text === trials[i]!.said).length / trials.length,
      checkFalseAccept: fa.filter((r, i) => r?.status === 'match' && r.text === trials[i]!.other).length / trials.length,
      qtyAccept: qAcc.filter((r, i) => r?.status === 'match' && r.text === String(qtys[i]!.said)).length / qtys.length,
      qtyFalseAccept: qFa.filter((r, i) => r?.status === 'match' && r.text === String(qtys[i]!.other)).length / qtys.length,
      checkFalseAcceptFar: faFar.filter((r, i) => r?.status === 'match' && r.text === far[i]).length / trials.length,
      checkAcceptEnrolled: eAcc.filter((r, i) => r?.status === 'match' && r.text === eTrials[i]!.said).length / eTrials.length,
      checkFalseAcceptEnrolled: eFa.filter((r, i) => r?.status === 'match' && r.text === eTrials[i]!.other).length / eTrials.length,
      pin: pinOk(pinSi), pinEnrolled: pinOk(pinEnr),
      sd3: sdRes.filter((r, i) => ok(r, test[i]!)).length / test.length,
      fused: fuRes.filter((r, i) => ok(r, test[i]!)).length / test.length,
    });
  }
  // latency: real-time feeding (20 ms frames every 20 ms), 8 concurrent streams
  const lat = takes.filter((_, i) => i % Math.max(1, Math.floor(takes.length / 64)) === 0).slice(0, 64);
  const latRes = await pool(lat, conc, (t) => recognise(si, t.audio, digitE, undefined, true, `bench-${t.speaker}`));
  const rtMs = latRes.filter((r): r is AsrResult => r !== null).map((r) => r.timing.resultMs).sort((a, b) => a - b);
  const oog = loadOog(o.oog);
  const oogRes = await pool(oog, conc, (a) => recognise(si, a, digitE, undefined, false, OOG_SESSION));
  const m = si.metrics();
  // The same out-of-grammar speech where the dialog knows the right answer: a check string
  // (2–3 digits) and a quantity (1–12). Anything accepted is a false accept.
  const krand = rng((o.seed ?? 7) * 104729);
  const known = oog.map(() => {
    const len = krand() < 0.5 ? 2 : 3;
    return { check: Array.from({ length: len }, () => String(Math.floor(krand() * 10))).join(''), qty: 1 + Math.floor(krand() * 12) };
  });
  const oogKnown = oog.map((a, i) => ({ a, k: known[i]! }));
  const oogCheck = await pool(oogKnown, conc, (x) => recognise(si, x.a, { kind: 'digits', length: x.k.check.length, expected: x.k.check, commands: CMDS }, undefined, false, OOG_SESSION));
  const oogQty = await pool(oogKnown, conc, (x) => recognise(si, x.a, { kind: 'number', min: 0, max: 999, expected: x.k.qty, commands: CMDS }, undefined, false, OOG_SESSION));
  // And at a "ready" prompt ("ready" or a command accepted), where the loop may wait for "ready" (oogDeferReady).
  const oogReady = await pool(oog, conc, (a) => recognise(si, a, { kind: 'ready', commands: CMDS }, undefined, false, OOG_SESSION));
  const accepted = (rs: (AsrResult | null)[]): number => rs.filter((r) => r?.status === 'match').length / rs.length;
  const oogEnrolled = o.oog ? null : await enrolledOog(si, conc, oog);
  const { loopPasses, cpuMsTotal, audioMsTotal, templatesFirst } = si.metrics();
  await Promise.all([si.close(), sd.close()]);
  const mean = (k: keyof SpeakerRow): number => rows.reduce((a, r) => a + (r[k] as number), 0) / rows.length;
  resultMs.sort((a, b) => a - b);
  return {
    si_digit_accuracy: mean('si'), check_accept: mean('checkAccept'), check_false_accept: mean('checkFalseAccept'), check_false_accept_far: mean('checkFalseAcceptFar'), qty_accept: mean('qtyAccept'), qty_false_accept: mean('qtyFalseAccept'),
    check_accept_enrolled: mean('checkAcceptEnrolled'), check_false_accept_enrolled: mean('checkFalseAcceptEnrolled'),
    sd3_accuracy: mean('sd3'), fused_accuracy: mean('fused'), free_string_accuracy: mean('free'),
    pin_accuracy: mean('pin'), pin_accuracy_enrolled: mean('pinEnrolled'),
    oog_rejection: oogRes.filter((r) => !r || r.status === 'nomatch').length / oog.length,
    ...(oogEnrolled === null ? {} : { oog_rejection_enrolled: oogEnrolled }),
    oog_check_accept: accepted(oogCheck), oog_qty_accept: accepted(oogQty), oog_ready_accept: accepted(oogReady), loop_passes: loopPasses, templates_first: templatesFirst,
    rtf_all: audioMsTotal ? cpuMsTotal / audioMsTotal : 0,
    false_rejection: falseRej / inGrammar,
    p95_result_ms: rtMs[Math.floor(rtMs.length * 0.95)] ?? 0, p50_result_ms: rtMs[Math.floor(rtMs.length * 0.5)] ?? 0, rtf: m.rtf,
    p95_result_ms_batch: resultMs[Math.floor(resultMs.length * 0.95)] ?? 0, no_result: noResult,
    speakers: rows, oog_files: oog.length, seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The built-in out-of-grammar set said by enrolled operators: each flite voice enrolled on its own
 * ten digits at three speeds (as an operator says each word three times), then its out-of-grammar
 * words at a digit prompt with that operator's templates. The share rejected. (A synthetic voice
 * repeats itself more closely than a person; only the built-in set has the voices' digits.)
 * `builtIn`: loadOog()'s clips, voice by voice in FLITE_VOICES order, OOG_WORDS within each.
 */
async function enrolledOog(engine: AsrEngine, conc: number, builtIn: Float32Array[]): Promise<number> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'vm-oog-enrolled-'));
  const items: { a: Float32Array; op: number; voice: string }[] = [];
  for (const [k, voice] of FLITE_VOICES.entries()) {
    const op = 9000 + k;
    for (let d = 0; d < 10; d++) await engine.enroll(op, String(d), [0.9, 1, 1.15].map((s) => ({ pcm: synth(DIGIT_WORDS[d]!, voice, tmp, s), sampleRate: 16000 })));
    OOG_WORDS.forEach((_, j) => items.push({ a: builtIn[k * OOG_WORDS.length + j]!, op, voice }));
  }
  const res = await pool(items, conc, (x) => recognise(engine, x.a, { kind: 'digits', length: 1, commands: CMDS }, x.op, false, `${OOG_SESSION}-${x.voice}`));
  return res.filter((r) => !r || r.status === 'nomatch').length / res.length;
}
