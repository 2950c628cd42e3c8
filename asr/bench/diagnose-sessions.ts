/**
 * Does one picker's speech change how another's is heard? `npm run diag:asr-sessions -- --data DIR [--n N] [--decoders K] [--ready]`.
 *
 * N check strings (2–3 digits joined with 100–250 ms gaps, expected = said) per speaker, recognised
 * one at a time through the real pipeline in three orders: each speaker's in a row with a session
 * per speaker; all speakers interleaved with a session per speaker (as on a shared server); and
 * interleaved through one session for everybody (what a pooled decoder did before the session's
 * cepstral mean was kept per session, cmn.ts; `sessionCmn` on). Prints check_accept per order and speaker.
 * `--ready`: each check string follows a flite "ready" in the same session (a voice per speaker),
 * as in the load bench, where command words are synthesised and digits recorded.
 */
import { cliArgs, cliNumber } from './cli-args.ts';
import { AsrEngine } from '../index.ts';
import { FLITE_VOICES, loadDigits, rng, synth } from './corpus.ts';
import { recognise, checkTrials, CMDS } from './evaluate.ts';

const HELP = 'usage: npm run diag:asr-sessions -- --data DIR [--n N (60)] [--decoders K (1)] [--ready]\n';
const values = cliArgs('diag:asr-sessions', HELP, { data: { type: 'string' }, n: { type: 'string' }, decoders: { type: 'string' }, ready: { type: 'boolean' } }, ['data']);
const n = cliNumber('diag:asr-sessions', HELP, 'n', values.n, 60, true)!;
const takes = loadDigits(values.data);
const speakers = [...new Set(takes.map((t) => t.speaker))].sort();
const rand = rng(7);
type Trial = ReturnType<typeof checkTrials>[number] & { speaker: string };
const per = new Map<string, Trial[]>(speakers.map((speaker) => [speaker,
  checkTrials(takes.filter((t) => t.speaker === speaker), n, rand).map((t) => ({ ...t, speaker }))]));
const inRow = speakers.flatMap((s) => per.get(s)!);
const interleaved = Array.from({ length: n }, (_, i) => speakers.map((s) => per.get(s)![i]!)).flat();
const orders: Array<[string, Trial[], (t: Trial) => string]> = [
  ['in a row, a session per speaker', inRow, (t) => `s-${t.speaker}`],
  ['interleaved, a session per speaker', interleaved, (t) => `s-${t.speaker}`],
  ['interleaved, one session for all', interleaved, () => 'shared'],
];
const ready = new Map(speakers.map((s, i) => [s, values.ready ? synth('ready', FLITE_VOICES[i % FLITE_VOICES.length]!) : null]));
for (const [label, order, session] of orders) {
  const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: cliNumber('diag:asr-sessions', HELP, 'decoders', values.decoders, 1, true), sessionCmn: true });
  const right = new Map<string, number>();
  for (const t of order) {
    const word = ready.get(t.speaker);
    if (word) await recognise(engine, word, { kind: 'ready', commands: CMDS }, undefined, false, session(t));
    const r = await recognise(engine, t.audio, { kind: 'digits', length: t.len, expected: t.said, commands: CMDS }, undefined, false, session(t));
    if (r?.status === 'match' && r.text === t.said) right.set(t.speaker, (right.get(t.speaker) ?? 0) + 1);
  }
  await engine.close();
  const all = [...right.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`${label.padEnd(36)} check_accept ${(all / order.length).toFixed(3)}  ${speakers.map((s) => `${s} ${((right.get(s) ?? 0) / n).toFixed(2)}`).join('  ')}\n`);
}
process.exit(0);
