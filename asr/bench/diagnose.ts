/**
 * Failure causes of digit strings through the real pipeline: `npm run diag:asr -- --data DIR
 * [--trials N] [--free N] [--fixed] [--decoder key=value,...]`. For check strings (expected = what was said)
 * and free strings (freeDigits 1..10; with --fixed, exactly the length said, as a site with
 * fixed operator-number / PIN lengths asks) it counts: right, substitution (same length, other digits),
 * insertion / deletion (digit count differs), rejected (low confidence / out of grammar), no
 * result, and whether the endpointer cut the utterance before the audio ended.
 */
import { cliArgs } from './cli-args.ts';
import { AsrEngine, type AsrResult, type Expectation } from '../index.ts';
import { loadDigits, oneDigitOff, parseDecoderArg, rng } from './corpus.ts';
import { recognise, join, CMDS } from './evaluate.ts';

const HELP = `usage: npm run diag:asr -- --data DIR [options]
Failure causes of digit strings through the real pipeline (right, substitution, insertion,
deletion, rejected, no result, cut by the endpointer).
  --data DIR        labelled WAVs DIGIT_SPEAKER_TAKE.wav (required)
  --trials N        check strings per speaker (expected = what was said; default 40)
  --free N          free strings per speaker (freeDigits 1..10; default 40)
  --fixed           free strings of exactly the length said (operator numbers, PINs)
  --decoder k=v,... SoundSwallower settings over the defaults
  --margin M        expected answer accepted within M of the winner's path score (default 0)
  --show            print every miss
  --help            this text
`;
const values = cliArgs('diag:asr', HELP, { data: { type: 'string' }, trials: { type: 'string' }, free: { type: 'string' }, decoder: { type: 'string' }, margin: { type: 'string' }, show: { type: 'boolean', default: false }, fixed: { type: 'boolean', default: false } }, ['data']);
const decoder = parseDecoderArg(values.decoder);
const takes = loadDigits(values.data);
let last: { siWords: string[] | null; rescore: { best: number; expected: number | null } | null } | null = null;
const deltas: { truth: boolean; delta: number | null }[] = [];
const engine = await AsrEngine.load({ trace: (t) => { last = t; }, decoderConfig: decoder, decide: { expectedMargin: Number(values.margin ?? 0) } });
const rand = rng(11);
type Cause = 'false_accept' | 'right' | 'substitution' | 'insertion' | 'deletion' | 'rejected' | 'out_of_grammar' | 'no_result';
function cause(r: AsrResult | null, said: string): Cause {
  if (!r) return 'no_result';
  if (r.status === 'nomatch') return r.reason === 'low_confidence' ? 'rejected' : r.reason === 'out_of_grammar' ? 'out_of_grammar' : 'no_result';
  if (r.text === said) return 'right';
  return r.text.length > said.length ? 'insertion' : r.text.length < said.length ? 'deletion' : 'substitution';
}
const out: Record<string, Record<string, Record<Cause | 'cut', number>>> = {};
for (const spk of [...new Set(takes.map((t) => t.speaker))].sort()) {
  const mine = takes.filter((t) => t.speaker === spk);
  for (const [kind, n, lens] of [['check', Number(values.trials ?? 40), [2, 3]], ['free', Number(values.free ?? 40), [3, 4]]] as const) {
    const counts = { false_accept: 0, right: 0, substitution: 0, insertion: 0, deletion: 0, rejected: 0, out_of_grammar: 0, no_result: 0, cut: 0 };
    for (let i = 0; i < n; i++) {
      const len = lens[Math.floor(rand() * lens.length)]!;
      const parts = Array.from({ length: len }, () => mine[Math.floor(rand() * mine.length)]!);
      const said = parts.map((p) => p.digit).join('');
      const audio = join(parts.map((p) => p.audio), parts.slice(1).map(() => 100 + rand() * 150));
      const e: Expectation = kind === 'check' ? { kind: 'digits', length: len, expected: said, commands: CMDS } : { kind: 'freeDigits', minLength: values.fixed ? len : 1, maxLength: values.fixed ? len : 10, commands: CMDS };
      last = null;
      const r = await recognise(engine, audio, e);
      if (kind === 'check' && last) { const rs = (last as { rescore: { best: number; expected: number | null } | null }).rescore; deltas.push({ truth: true, delta: rs ? (rs.expected === null ? null : rs.expected - rs.best) : r?.status === 'match' && r.text === said ? 0 : null }); }
      const c = cause(r, said);
      counts[c]++;
      if (kind === 'check') {
        const other = oneDigitOff(said, rand);
        last = null;
        const f = await recognise(engine, audio, { kind: 'digits', length: len, expected: other, commands: CMDS });
        if (last) { const rs = (last as { rescore: { best: number; expected: number | null } | null }).rescore; deltas.push({ truth: false, delta: rs ? (rs.expected === null ? null : rs.expected - rs.best) : f?.status === 'match' && f.text === other ? 0 : null }); }
        if (f?.status === 'match' && f.text === other) counts.false_accept++;
      }
      const audioEnd = 300 + audio.length / 16;
      if (r && r.timing.speechEndMs < audioEnd - 200) counts.cut++;
      if (values.show && c !== 'right') process.stdout.write(`${spk} ${kind} said=${said} ${c} ${r?.status === 'match' ? r.text : r?.hypothesis ?? ''} end=${r?.timing.speechEndMs.toFixed(0)}/${audioEnd.toFixed(0)}\n`);
    }
    (out[spk] ??= {})[kind] = counts;
  }
}
await engine.close();
process.stdout.write(`${JSON.stringify({ decoder, margin: values.margin, speakers: out })}\n`);
const tot = (k: string): string => { const s = Object.values(out).map((x) => x[k]!); const n = s.reduce((a, c) => a + Object.entries(c).filter(([q]) => q !== 'cut' && q !== 'false_accept').reduce((b, [, v]) => b + v, 0), 0); return `${k}: right ${(s.reduce((a, c) => a + c.right, 0) / n).toFixed(3)} ` + (['false_accept', 'substitution', 'insertion', 'deletion', 'rejected', 'out_of_grammar', 'no_result', 'cut'] as const).map((q) => `${q} ${s.reduce((a, c) => a + c[q], 0)}`).join(' ') + ` of ${n}`; };
process.stdout.write(`${tot('check')}\n${tot('free')}\n`);
// Margin sweep from the recorded deltas (0 = the decoder already chose the expected answer).
const nT = deltas.filter((d) => d.truth).length, nF = deltas.filter((d) => !d.truth).length;
for (const m of [0, 500, 1000, 2000, 3000, 5000, 8000, 12000, 20000]) {
  const acc = deltas.filter((d) => d.truth && d.delta !== null && d.delta >= -m).length / nT;
  const fa = deltas.filter((d) => !d.truth && d.delta !== null && d.delta >= -m).length / nF;
  process.stdout.write(`margin ${m}: check_accept ${acc.toFixed(3)} false_accept ${fa.toFixed(3)} (${nT}/${nF})\n`);
}
if (values.show) process.stdout.write(`${JSON.stringify(deltas.map((d) => `${d.truth ? 'T' : 'F'}${d.delta}`))}\n`);
