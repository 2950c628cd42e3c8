/**
 * Templates and their fusion with the decoder, on held-out takes (3 enrollment takes per digit,
 * every other take tested): `npm run diag:asr-templates -- --data DIR [--every N] [--fused]`.
 * Prints the template matcher's accuracy alone (features + DTW, no pipeline) and how many answers
 * a confidence cut on its best/second ratio keeps; with `--fused`, every test take also goes
 * through the real pipeline with the operator enrolled, and the engines' agreement and
 * disagreements are counted against the truth.
 */
import { cliArgs } from './cli-args.ts';
import { AsrEngine, MemoryTemplateStore, type AsrResult } from '../index.ts';
import { extractFeatures, trimSilence } from '../features.ts';
import { matchTemplates, type TemplateSet } from '../dtw.ts';
import { DIGIT_WORDS } from '../grammar.ts';
import type { SdMatch } from '../worker-protocol.ts';
import { loadDigits } from './corpus.ts';
import { recognise, CMDS } from './evaluate.ts';

const HELP = `usage: npm run diag:asr-templates -- --data DIR [--every N] [--fused]
Templates alone (features + DTW, 3 enrollment takes per digit, the other takes tested), and with
--fused every test take through the real pipeline with the operator enrolled.
  --data DIR   labelled WAVs DIGIT_SPEAKER_TAKE.wav (required)
  --every N    test every Nth held-out take (default 1)
  --fused      also the pipeline's fusion of templates and decoder
  --help       this text
`;
const values = cliArgs('diag:asr-templates', HELP, { data: { type: 'string' }, every: { type: 'string' }, fused: { type: 'boolean', default: false } }, ['data']);
const every = Math.max(1, Number(values.every ?? 1));
const takes = loadDigits(values.data);
const speakers = [...new Set(takes.map((t) => t.speaker))].sort();
const pct = (a: number, b: number): string => (b ? (a / b).toFixed(4) : '-');

const alone: { ok: boolean; ratio: number }[] = [];
for (const spk of speakers) {
  const mine = takes.filter((t) => t.speaker === spk);
  const sets: TemplateSet[] = Array.from({ length: 10 }, (_, d) => ({
    token: String(d), takes: mine.filter((t) => t.digit === d && t.take <= 2).map((t) => trimSilence(extractFeatures(t.audio))),
  }));
  let ok = 0, n = 0;
  for (const t of mine.filter((x) => x.take > 2).filter((_, i) => i % every === 0)) {
    const m = matchTemplates(trimSilence(extractFeatures(t.audio)), sets);
    alone.push({ ok: m.token === String(t.digit), ratio: m.ratio });
    n++; if (m.token === String(t.digit)) ok++;
  }
  process.stdout.write(`templates alone, ${spk}: ${pct(ok, n)} of ${n}\n`);
}
const wrong = alone.filter((r) => !r.ok).length;
process.stdout.write(`templates alone, all: ${pct(alone.length - wrong, alone.length)} of ${alone.length}\n`);
for (const th of [0.75, 0.8, 0.84, 0.88, 0.9, 0.94, 0.97, 1.01]) {
  const kept = alone.filter((r) => r.ratio < th);
  process.stdout.write(`  ratio < ${th}: keeps ${pct(kept.length, alone.length)}, right among kept ${pct(kept.filter((r) => r.ok).length, kept.length)}, wrong kept ${kept.filter((r) => !r.ok).length} of ${wrong}\n`);
}

if (values.fused) {
  let trace: { siWords: string[] | null; sd: SdMatch | null } | null = null;
  const engine = await AsrEngine.load({ templateStore: new MemoryTemplateStore(), trace: (t) => { trace = t; } });
  const c = { n: 0, right: 0, wrongMatch: 0, rejected: 0, none: 0, agree: 0, agreeRight: 0, disagree: 0, siRight: 0, sdRight: 0 };
  for (const [k, spk] of speakers.entries()) {
    const mine = takes.filter((t) => t.speaker === spk);
    for (let d = 0; d < 10; d++) await engine.enroll(100 + k, String(d), mine.filter((t) => t.digit === d && t.take <= 2).map((t) => ({ pcm: t.audio, sampleRate: 16000 })));
    for (const t of mine.filter((x) => x.take > 2).filter((_, i) => i % every === 0)) {
      trace = null;
      const r: AsrResult | null = await recognise(engine, t.audio, { kind: 'digits', length: 1, commands: CMDS }, 100 + k);
      const tr = trace as { siWords: string[] | null; sd: SdMatch | null } | null;
      const truth = String(t.digit);
      const si = tr?.siWords?.length === 1 ? String((DIGIT_WORDS as readonly string[]).indexOf(tr.siWords[0]!)) : null;
      const sd = tr?.sd?.token ?? null;
      c.n++;
      if (!r) c.none++;
      else if (r.status === 'nomatch') c.rejected++;
      else if (r.text === truth) c.right++;
      else c.wrongMatch++;
      if (si !== null && si === sd) { c.agree++; if (si === truth) c.agreeRight++; } else {
        c.disagree++; if (si === truth) c.siRight++; if (sd === truth) c.sdRight++;
      }
    }
  }
  await engine.close();
  process.stdout.write(`fused through the pipeline: right ${pct(c.right, c.n)}, wrong answers accepted or confirmed ${c.wrongMatch}, rejected ${c.rejected}, no result ${c.none} (of ${c.n})\n`);
  process.stdout.write(`  engines agree ${pct(c.agree, c.n)} (right ${pct(c.agreeRight, c.agree)}); disagree ${c.disagree}: decoder right ${c.siRight}, templates right ${c.sdRight}\n`);
}
