import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare } from '../report/compare.ts';

const base = { gap_p95_ms: 300, decision_p95_ms: 40, turns_per_s: 50, accuracy: 0.95, errors: 0, gateway_cpu_pct: 100, dropped_frames: 0 };

t.test('compare: within threshold is not a regression', async (t) => {
  const d = compare(base, { ...base, gap_p95_ms: 320, accuracy: 0.945, gateway_cpu_pct: 105 });
  t.notOk(d.some((x) => x.regression), JSON.stringify(d));
});

t.test('compare: each kind of regression', async (t) => {
  const reg = (cur: Record<string, unknown>): string[] => compare(base, { ...base, ...cur }).filter((x) => x.regression).map((x) => x.key);
  t.same(reg({ gap_p95_ms: 400 }), ['gap_p95_ms']);
  t.same(reg({ turns_per_s: 40 }), ['turns_per_s']);
  t.same(reg({ accuracy: 0.93 }), ['accuracy']);
  t.same(reg({ errors: 1 }), ['errors']);
  t.same(reg({ dropped_frames: 3 }), ['dropped_frames']);
  t.same(reg({ decision_p95_ms: 1 }), [], 'better is never a regression');
  // tiny latencies: a few ms more is noise
  t.same(compare({ gap_p95_ms: 2 }, { gap_p95_ms: 5 }).filter((x) => x.regression), []);
});

t.test('the CLI exits 1 on a regression and 0 otherwise', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vm-bench-cmp-'));
  const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
  const b = path.join(dir, 'base.json');
  const good = path.join(dir, 'good.json');
  const bad = path.join(dir, 'bad.json');
  writeFileSync(b, JSON.stringify(base));
  writeFileSync(good, JSON.stringify({ ...base, gap_p95_ms: 290 }));
  writeFileSync(bad, JSON.stringify({ ...base, gap_p95_ms: 600 }));
  const run = (cur: string, extra: string[] = []) => spawnSync(process.execPath, ['--import', 'tsx', cli, '--compare', b, '--result', cur, ...extra], { encoding: 'utf8' });
  const ok = run(good);
  t.equal(ok.status, 0, ok.stderr);
  const no = run(bad, ['--json']);
  t.equal(no.status, 1, no.stderr);
  t.match(JSON.parse(no.stdout.trim().split('\n').at(-1)!), { regression: true });
  const loose = run(bad, ['--threshold', '200']);
  t.equal(loose.status, 0, 'a looser threshold lets it pass');
  const badOpt = spawnSync(process.execPath, ['--import', 'tsx', cli, '--sessions', 'many'], { encoding: 'utf8' });
  t.equal(badOpt.status, 2);
  t.match(badOpt.stderr, /--sessions must be a whole number/);
});
