/**
 * Out-of-grammar evidence sweep: `npm run diag:asr-oog -- --data DIR [--n N] [--decoder k=v,...] [--loop-phones full|reduced|AA,AE,...] [--loop-decoder k=v,...]`.
 * Decodes in-grammar single digits (N per speaker) and the flite out-of-grammar words with the
 * phone-loop pass on, and prints, for thresholds of (loop − grammar) score per frame, the share of
 * out-of-grammar words rejected and of right digits rejected (the decision in decide.ts).
 * `--commands`: also the global commands in four flite voices, and for thresholds the share of
 * right commands kept against the share of digits heard as a command that are rejected.
 */
import { cliArgs } from './cli-args.ts';
import { AsrEngine, oogPerFrame, type Expectation } from '../index.ts';
import { FLITE_VOICES, loadDigits, loadOog, parseDecoderArg, parseLoopPhonesArg, synth } from './corpus.ts';
import { recognise, CMDS } from './evaluate.ts';
import { DIGIT_WORDS } from '../grammar.ts';

const HELP = `usage: npm run diag:asr-oog -- --data DIR [options]
Out-of-grammar evidence sweep: for thresholds of (loop - grammar) score per frame, the share of
out-of-grammar words rejected and of right digits rejected.
  --data DIR        labelled WAVs DIGIT_SPEAKER_TAKE.wav (required)
  --n N             right digits per speaker (default 25)
  --decoder k=v,... SoundSwallower settings over the defaults
  --loop-phones full|reduced|AA,AE,...  the phone loop's phones
  --loop-decoder k=v,...  settings of the phone-loop decoders (e.g. cionly=true,ds=2)
  --commands        also the global commands in four flite voices, against digits heard as a command
  --quantity        also quantity prompts (a number 0-999 with the right answer known): digits 1-9
                    said as the expected quantity, and the out-of-grammar words at prompts expecting
                    1..9; where the grammar heard exactly the expected word, right answers the loop
                    rejects against out-of-grammar words it lets through (oogExpectedThreshold)
  --help            this text
`;
const values = cliArgs('diag:asr-oog', HELP, { data: { type: 'string' }, n: { type: 'string' }, decoder: { type: 'string' }, 'loop-phones': { type: 'string' }, 'loop-decoder': { type: 'string' }, commands: { type: 'boolean', default: false }, quantity: { type: 'boolean', default: false } }, ['data']);
let decoder: Record<string, number | string> = {};
let loopConfig: Record<string, number | string> = {};
let loopPhones: ReturnType<typeof parseLoopPhonesArg>;
try { decoder = parseDecoderArg(values.decoder); loopConfig = parseDecoderArg(values['loop-decoder']); loopPhones = parseLoopPhonesArg(values['loop-phones']); } catch (err) { process.stderr.write(`${(err as Error).message}\n`); process.exit(2); }
let ratio: number | null = null;
let heard: string | null = null;
// The loop is decoded (oogTrace) but rejects nothing (threshold 0): "right" below is the decoder's
// answer alone, so right digits the loop would reject at some threshold are counted at every one.
// (Before 2026-12-03 the default threshold applied, and right digits above it were left out.)
const engine = await AsrEngine.load({ decoderConfig: decoder, loopConfig, loopPhones, oogTrace: true, decide: { oogThreshold: 0 }, trace: (t) => { ratio = t.oog ? oogPerFrame(t.oog) : null; heard = t.siWords?.join(' ') ?? null; } });
const n = Number(values.n ?? 25);
const takes = loadDigits(values.data, (m) => m.take >= 3 && m.take % 2 === 1);
const ins = [...new Set(takes.map((t) => t.speaker))].flatMap((s) => takes.filter((t) => t.speaker === s).filter((_, i, a) => i % Math.max(1, Math.floor(a.length / n)) === 0).slice(0, n));
const e: Expectation = { kind: 'digits', length: 1, commands: CMDS };
const inR: (number | null)[] = [], inOk: boolean[] = [], oogR: (number | null)[] = [];
/** Digits heard as a command, and commands said (flite) with whether they were heard as said. */
const asCmd: number[] = [], cmdR: { r: number | null; ok: boolean }[] = [];
for (const t of ins) {
  ratio = null;
  const r = await recognise(engine, t.audio, e);
  inR.push(ratio); inOk.push(r?.status === 'match' && r.text === String(t.digit));
  if (r?.status === 'match' && r.isCommand && ratio !== null) asCmd.push(ratio);
}
if (values.commands) {
  for (const voice of FLITE_VOICES) {
    for (const c of CMDS.filter((c) => c !== 'ready')) {
      ratio = null;
      const r = await recognise(engine, synth(c, voice), e);
      cmdR.push({ r: ratio, ok: r?.status === 'match' && r.text === c });
    }
  }
}
const oogAudio = loadOog();
for (const a of oogAudio) { ratio = null; await recognise(engine, a, e); oogR.push(ratio); }
/** Quantity prompts: loop evidence where the grammar heard exactly the expected quantity. */
const qRight: number[] = [], qOog: number[] = [];
if (values.quantity) {
  const qty = (x: number): Expectation => ({ kind: 'number', min: 0, max: 999, expected: x, commands: CMDS });
  const heardExpected = async (a: Float32Array, x: number, out: number[], session: string): Promise<void> => {
    ratio = null; heard = null;
    await recognise(engine, a, qty(x), undefined, false, session);
    const r = ratio as number | null;
    if (r !== null && heard === DIGIT_WORDS[x]) out.push(r);
  };
  for (const t of ins.filter((x) => x.digit > 0)) await heardExpected(t.audio, t.digit, qRight, `q-${t.speaker}`);
  for (const a of oogAudio) for (let x = 1; x <= 9; x++) await heardExpected(a, x, qOog, 'q-oog');
}
const rtf = engine.metrics().rtf;
await engine.close();
process.stdout.write(`rtf ${rtf.toFixed(3)}\n`);
const q = (xs: number[], p: number): number => xs.sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!;
const okR = inR.filter((r, i): r is number => r !== null && inOk[i]!);
const oR = oogR.filter((r): r is number => r !== null);
process.stdout.write(`in-grammar right: ${okR.length} (p50 ${q(okR, 0.5).toFixed(1)} p90 ${q(okR, 0.9).toFixed(1)} p97 ${q(okR, 0.97).toFixed(1)} max ${q(okR, 1).toFixed(1)}); oog: ${oR.length} of ${oogR.length} (p10 ${q(oR, 0.1).toFixed(1)} p50 ${q(oR, 0.5).toFixed(1)})\n`);
for (const th of [0, 3, 6, 9, 12, 15, 20, 25, 30, 40, 60]) {
  const fr = okR.filter((r) => r > th).length / okR.length;
  const rej = (oogR.filter((r) => r === null || r > th).length) / oogR.length;
  process.stdout.write(`threshold ${th}: oog_rejection ${rej.toFixed(3)} false_rejection(right digits) ${fr.toFixed(3)}\n`);
}
if (values.quantity) {
  process.stdout.write(`quantity prompts, heard as the expected word: ${qRight.length} right answers, ${qOog.length} out-of-grammar words (of ${oogAudio.length * 9} at prompts expecting 1..9)\n`);
  for (const th of [15, 20, 25, 30, 35]) {
    process.stdout.write(`expected threshold ${th}: right rejected ${qRight.filter((r) => r > th).length}, out-of-grammar taken as the quantity ${qOog.filter((r) => r <= th).length}\n`);
  }
}
if (values.commands) {
  const okC = cmdR.filter((c): c is { r: number; ok: boolean } => c.ok && c.r !== null).map((c) => c.r);
  process.stdout.write(`commands heard as said: ${cmdR.filter((c) => c.ok).length} of ${cmdR.length}; digits heard as a command: ${asCmd.length} of ${ins.length} (score p50 ${asCmd.length ? q([...asCmd], 0.5).toFixed(1) : '-'})\n`);
  for (const th of [5, 8, 10, 12, 15, 20]) {
    const kept = okC.filter((r) => r <= th).length / Math.max(1, okC.length);
    const caught = asCmd.filter((r) => r > th).length / Math.max(1, asCmd.length);
    process.stdout.write(`command threshold ${th}: right commands kept ${kept.toFixed(3)}, digits-as-command rejected ${caught.toFixed(3)}\n`);
  }
}
