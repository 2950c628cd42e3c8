/**
 * Endpointing in real time: `npm run diag:asr-endpoint -- --data DIR [--trials N] [--streams N]
 * [--fixed-early-end off|expected|all] [--pause-flush on|off] [--early-ms N] [--known-ms N] [--trailing-ms N] [--seed N] [--json]`.
 *
 * Check strings (2–3 digits of one speaker joined with 100–250 ms pauses, the expected answer
 * known), fixed-length free strings (3–4 digits, as a PIN) and single digits are streamed at real-time pace, N
 * streams at once, through the real pipeline. Per kind it reports: right, cut (the utterance ended
 * before the audio did), what ended each utterance (silence / early / max / gap), and the latency
 * from the end of the audio to the result, p50 / p95. The end of the audio includes each take's own
 * trailing silence, so the latency is an upper bound on what a picker waits; compare runs, not
 * absolute values.
 */
import { cliArgs, cliNumber } from './cli-args.ts';
import { performance } from 'node:perf_hooks';
import { AsrEngine, type AsrResult, type EndReason, type Expectation } from '../index.ts';
import { FLITE_VOICES, loadDigits, parseOnOff, rng, synth } from './corpus.ts';
import { join, CMDS } from './evaluate.ts';
import { floatToPcm } from '../audio.ts';

const HELP = `usage: npm run diag:asr-endpoint -- --data DIR [options]
  --data DIR              labelled WAVs DIGIT_SPEAKER_TAKE.wav (e.g. ../shared/speech/fsdd-dev)
  --trials N              strings of each kind per speaker (default 25)
  --streams N             streams at once, each at real-time pace (default 8)
  --fixed-early-end off|expected|all  fixed-length strings that may end early: with a known answer, all, none (default: the engine's, expected)
  --pause-flush on|off    a decoder still holding audio for the comfort level decodes it at a pause (ASR_PAUSE_FLUSH; default: the engine's, on)
  --early-ms N            earlyEndSilenceMs (default: the engine's)
  --known-ms N            knownEndSilenceMs: the partial is the known right answer (default: the engine's)
  --trailing-ms N         trailingSilenceMs (default: the engine's)
  --seed N                trial seed (default 5)
  --pause-ms LO-HI        pause between a string's digits, uniform in LO..HI ms (default 100-250;
                          a picker reading a label may pause longer: 300-600 tests the early end's guard)
  --fast                  push audio as fast as it is taken (accuracy only: no early end, latency meaningless)
  --workers N / --decoders N  recogniser threads / decoders per thread (default: the engine's)
  --ready                 before each string the stream says "ready" in a flite voice, as the
                          bench's pickers do (their digits are recorded, their commands synthesised)
  --shuffle               speakers interleaved (as pickers share the decoders), not one after another
  --comfort-from-speech on|off  the comfort level from 600 ms of speech (ASR_COMFORT_FROM_SPEECH; default: the engine's, on)
  --session-cmn           per-session cepstral mean (ASR_SESSION_CMN), one session per speaker
  --json                  one JSON object instead of the table
`;

const values = cliArgs('diag:asr-endpoint', HELP, {
    data: { type: 'string' }, trials: { type: 'string' }, streams: { type: 'string' }, 'fixed-early-end': { type: 'string' },
    'early-ms': { type: 'string' }, 'known-ms': { type: 'string' }, 'pause-ms': { type: 'string' }, 'trailing-ms': { type: 'string' }, seed: { type: 'string' }, fast: { type: 'boolean', default: false }, workers: { type: 'string' }, decoders: { type: 'string' }, 'session-cmn': { type: 'boolean', default: false }, 'pause-flush': { type: 'string' }, ready: { type: 'boolean', default: false }, 'comfort-from-speech': { type: 'string' }, shuffle: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
  }, ['data']);
const num = (v: string | undefined, name: string, dflt: number | undefined): number | undefined => cliNumber('diag:asr-endpoint', HELP, name, v, dflt, true);
const fee = values['fixed-early-end'];
if (fee !== undefined && fee !== 'off' && fee !== 'expected' && fee !== 'all') { process.stderr.write(`--fixed-early-end must be off, expected or all, got ${JSON.stringify(fee)}\n`); process.exit(2); }
let pauseFlush: boolean | undefined, comfortFromSpeech: boolean | undefined;
try { pauseFlush = parseOnOff(values['pause-flush'], 'pause-flush'); comfortFromSpeech = parseOnOff(values['comfort-from-speech'], 'comfort-from-speech'); } catch (err) { process.stderr.write(`${(err as Error).message}\n`); process.exit(2); }
const trials = num(values.trials, 'trials', 25)!;
const streams = Math.max(1, num(values.streams, 'streams', 8)!);
const earlyMs = num(values['early-ms'], 'early-ms', undefined);
const knownMs = num(values['known-ms'], 'known-ms', undefined);
const trailingMs = num(values['trailing-ms'], 'trailing-ms', undefined);

const pauseArg = /^(\d+)-(\d+)$/.exec(values['pause-ms'] ?? '100-250');
if (!pauseArg || Number(pauseArg[1]) > Number(pauseArg[2])) { process.stderr.write(`--pause-ms must be LO-HI in ms (LO <= HI), got ${JSON.stringify(values['pause-ms'])}\n`); process.exit(2); }
const [pauseLo, pauseHi] = [Number(pauseArg[1]), Number(pauseArg[2])];

const takes = loadDigits(values.data);
const rand = rng(num(values.seed, 'seed', 5)!);
interface Trial { kind: 'check' | 'pin' | 'digit'; speaker: string; said: string; audio: Float32Array; e: Expectation }
const list: Trial[] = [];
for (const speaker of [...new Set(takes.map((t) => t.speaker))].sort()) {
  const mine = takes.filter((t) => t.speaker === speaker);
  for (const kind of ['check', 'pin', 'digit'] as const) {
    for (let i = 0; i < trials; i++) {
      const len = kind === 'check' ? (rand() < 0.5 ? 2 : 3) : kind === 'pin' ? (rand() < 0.5 ? 3 : 4) : 1;
      const parts = Array.from({ length: len }, () => mine[Math.floor(rand() * mine.length)]!);
      const said = parts.map((p) => p.digit).join('');
      const audio = join(parts.map((p) => p.audio), parts.slice(1).map(() => pauseLo + rand() * (pauseHi - pauseLo)));
      const e: Expectation = kind === 'pin' ? { kind: 'freeDigits', minLength: len, maxLength: len, commands: CMDS } : { kind: 'digits', length: len, expected: said, commands: CMDS };
      list.push({ kind, speaker, said, audio, e });
    }
  }
}

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p / 100))] ?? 0; };
if (values.shuffle) for (let i = list.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [list[i], list[j]] = [list[j]!, list[i]!]; }
const endpoint = { ...(earlyMs === undefined ? {} : { earlyEndSilenceMs: earlyMs }), ...(knownMs === undefined ? {} : { knownEndSilenceMs: knownMs }), ...(trailingMs === undefined ? {} : { trailingSilenceMs: trailingMs }) };
const engine = await AsrEngine.load({ grammar: { ...(fee ? { fixedEarlyEnd: fee } : {}) }, endpoint, pauseFlush, sessionCmn: values['session-cmn'], comfortFromSpeech, workers: num(values.workers, 'workers', undefined), decodersPerWorker: num(values.decoders, 'decoders', undefined) });
const LEAD_MS = 300, TAIL_MS = 1500;

/** Streams one trial at real-time pace (20 ms frames); the result and when it came, in ms since the first frame. */
const READY = values.ready ? FLITE_VOICES.map((v) => synth('ready', v)) : [];

async function stream(t: Trial, sessionId: string): Promise<{ r: AsrResult | null; atMs: number }> {
  const pcm = new Int16Array(Math.round((LEAD_MS + TAIL_MS) * 16) + t.audio.length);
  pcm.set(floatToPcm(t.audio), Math.round(LEAD_MS * 16));
  const s = engine.createStream({ sessionId, sampleRate: 16000, language: 'en' });
  s.setExpectation(t.e);
  const t0 = performance.now();
  let got: { r: AsrResult | null; atMs: number } | null = null;
  s.on('result', (r) => { got ??= { r, atMs: performance.now() - t0 }; });
  s.on('busy', () => { got ??= { r: null, atMs: performance.now() - t0 }; });
  for (let i = 0, k = 0; i < pcm.length && !got; i += 320, k++) {
    const wait = t0 + k * 20 - performance.now();
    if (wait > 1 && !values.fast) await new Promise((res) => setTimeout(res, wait));
    s.pushFrame(pcm.subarray(i, i + 320));
  }
  const deadline = performance.now() + 10000;
  while (!got && performance.now() < deadline) await new Promise((res) => setTimeout(res, 10));
  s.close();
  return got ?? { r: null, atMs: performance.now() - t0 };
}

interface Row { right: number; rejected: number; cut: number; n: number; endedBy: Record<EndReason | 'none', number>; latency: number[] }
const rows: Record<string, Row> = {};
let next = 0;
await Promise.all(Array.from({ length: streams }, async () => {
  while (next < list.length) {
    const t = list[next++]!;
    const session = values['session-cmn'] ? t.speaker : `s${next}`;
    if (READY.length) await stream({ kind: 'check', speaker: t.speaker, said: 'ready', audio: READY[next % READY.length]!, e: { kind: 'ready', commands: CMDS } }, session);
    const { r, atMs } = await stream(t, session);
    const audioEnd = LEAD_MS + t.audio.length / 16;
    const row = (rows[t.kind] ??= { right: 0, rejected: 0, cut: 0, n: 0, endedBy: { silence: 0, early: 0, max: 0, gap: 0, none: 0 }, latency: [] });
    row.n++;
    if (r?.status === 'match' && r.text === t.said) row.right++;
    if (r?.status === 'nomatch') row.rejected++;
    if (r && r.timing.speechEndMs < audioEnd - 200) row.cut++;
    row.endedBy[r?.timing.endedBy ?? 'none']++;
    if (r) row.latency.push(atMs - audioEnd);
  }
}));
await engine.close();
const out = {
  fixed_early_end: fee ?? 'default', pause_flush: pauseFlush ?? 'default', comfort_from_speech: comfortFromSpeech ?? 'default', fast: values.fast, ready: values.ready, shuffle: values.shuffle, session_cmn: values['session-cmn'], early_ms: earlyMs ?? null, known_ms: knownMs ?? null, pause_ms: [pauseLo, pauseHi], trailing_ms: trailingMs ?? null, streams, trials_per_speaker: trials,
  kinds: Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, {
    n: r.n, right: +(r.right / r.n).toFixed(3), rejected: r.rejected, cut: r.cut, ended_by: r.endedBy,
    latency_p50_ms: Math.round(pct(r.latency, 50)), latency_p95_ms: Math.round(pct(r.latency, 95)),
  }])),
};
if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
else {
  process.stdout.write(`fixed-length early end ${fee ?? 'default'}, pause flush ${pauseFlush ?? 'default'}, ${streams} real-time streams, ${trials} strings per kind per speaker, pauses ${pauseLo}-${pauseHi} ms\n`);
  process.stdout.write('kind   n    right  rej  cut  silence early  max  gap  none  after-audio p50 / p95 ms\n');
  for (const [k, r] of Object.entries(out.kinds)) {
    const e = r.ended_by;
    process.stdout.write(`${k.padEnd(6)} ${String(r.n).padEnd(4)} ${r.right.toFixed(3)}  ${String(r.rejected).padEnd(4)} ${String(r.cut).padEnd(4)} ${String(e.silence).padEnd(7)} ${String(e.early).padEnd(5)} ${String(e.max).padEnd(4)} ${String(e.gap).padEnd(4)} ${String(e.none).padEnd(5)} ${r.latency_p50_ms} / ${r.latency_p95_ms}\n`);
  }
}
