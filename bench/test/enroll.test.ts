/**
 * `--enroll`: a tiny picking bench (2 sessions) whose operators are enrolled through the console
 * API before the run; their templates are in the database, the keypad sign-on used the same
 * operator rows, and the digits said in the run came only from held-out takes.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadDigitClips } from '../audio/bank.ts';
import { loadAudio } from '../audio/load.ts';
import { ENROLL_TAKES, enrollPlan } from '../enroll.ts';
import { parseOptions } from '../options.ts';
import { DEFAULT_DATABASE_URL, REPO_ROOT } from '../launch.ts';

const FSDD = path.join(REPO_ROOT, '..', 'shared', 'speech', 'fsdd-dev');
const takeOf = (src: string): number => Number(/^\d_[A-Za-z]+_(\d+)$/.exec(src)![1]);

t.test('--enroll is for picking with the bench\'s own gateway', async (t) => {
  t.equal(parseOptions(['--mode', 'picking', '--enroll']).enroll, true);
  t.equal(parseOptions(['--mode', 'picking']).enroll, false, 'off by default');
  t.equal(parseOptions(['--mode', 'picking', '--offline-check']).offlineCheck, true);
  t.throws(() => parseOptions(['--offline-check']), /--offline-check is for one --mode picking run/);
  t.throws(() => parseOptions(['--mode', 'picking', '--offline-check', '--gateway-env', 'ASR_TOPN=4']), /with ASR_\* settings run npm run bench:asr -- --replay/);
  t.throws(() => parseOptions(['--enroll']), /--mode picking/);
  t.throws(() => parseOptions(['--mode', 'picking', '--enroll', '--target', 'http://127.0.0.1:8080', '--devices', 'd.json', '--wms-url', 'http://127.0.0.1:1']), /only with the gateway the bench starts/);
});

t.test('held-out takes and the enrollment plan', { skip: !existsSync(FSDD) && `${FSDD} absent` }, async (t) => {
  const clips = loadDigitClips(FSDD, { takes: 5, skipTakes: ENROLL_TAKES, speakers: ['george'] });
  t.equal(clips.length, 50, 'five takes of each digit are left');
  t.ok(clips.every((c) => takeOf(c.source!) >= 3), 'none of takes 0-2');
  const audio = await loadAudio(FSDD, { takes: 4, heldOut: ENROLL_TAKES });
  const missing: string[] = [];
  const plan = enrollPlan({ op: { id: '1', pin: '1234', name: 'A', language: 'en' }, speaker: 'lucas' }, { audioDir: FSDD, bank: audio.bank, words: ['ready', 'yes'] }, missing);
  t.same(missing, []);
  t.same(plan.map((w) => w.word), ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ready', 'yes']);
  t.same(plan[7]!.files.map((f) => path.basename(f)), ['7_lucas_0.wav', '7_lucas_1.wav', '7_lucas_2.wav']);
  const voice = audio.bank.voiceFor('ready', 'lucas')!;
  t.match(plan[10]!.files, [new RegExp(`${voice.replace('tts:', '')}_ready\\.wav$`)], 'the synthesised clip the picker says');
  const said = audio.bank.utterance('ready', 'lucas', () => 0.5)!;
  t.same(said.sources, [`${voice}:ready`]);
});

t.test('a 2-session picking bench with --enroll', { skip: !existsSync(FSDD) && `${FSDD} absent` }, async (t) => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'vm-bench-enroll-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const args = ['--import', 'tsx', path.join(REPO_ROOT, 'bench', 'cli.ts'), '--mode', 'picking', '--enroll', '--sessions', '2',
    '--duration', '20', '--warmup', '0', '--speech-duty', '0.5', '--takes', '8', '--keep-db', '--offline-check', '--out', out];
  const run = await new Promise<{ code: number; stderr: string; stdout: string }>((resolve) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT, timeout: 240_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
  const dbUrl = /database is kept: (\S+)/.exec(run.stderr)?.[1];
  t.teardown(async () => {
    if (!dbUrl) return;
    const server = new URL(dbUrl);
    const name = server.pathname.slice(1);
    server.pathname = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL).pathname;
    const c = new pg.Client({ connectionString: server.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  t.equal(run.code, 0, run.stderr.slice(-2000));
  t.match(run.stderr, /enrolled 2 operators \(20 words, 60 takes\) in \d+\.\d s/, 'enrollment time printed');
  t.ok(dbUrl, 'the database was kept');

  const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
  t.equal(result.settings.enroll, true);
  t.type(result.enroll_s, 'number');
  t.equal(result.errors, 0, JSON.stringify(result.error_kinds));
  // --offline-check: the run's own audio recognised offline (enrolled, as the run was)
  t.type(result.accuracy_first_offline, 'number');
  t.ok(result.accuracy_first_offline >= 0 && result.accuracy_first_offline <= 1, `offline ${result.accuracy_first_offline}`);
  t.equal(result.accuracy_first_live, result.accuracy_first, 'the replay counts first attempts as the bench does');
  t.ok(result.accuracy_first_by_node['picking.checkDigits']?.n > 0, 'per question node');

  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  t.teardown(() => db.end());
  const templates = await db.query<{ externalId: string; token: string; takes: number }>(
    `SELECT o.external_id AS "externalId", vt.token, count(*)::int AS takes FROM voice_templates vt JOIN operators o ON o.id = vt.operator_id
      GROUP BY 1, 2 ORDER BY 1, 2`);
  const ops = [...new Set(templates.rows.map((r) => r.externalId))];
  t.equal(ops.length, 2, 'both operators have templates');
  for (const op of ops) {
    const mine = templates.rows.filter((r) => r.externalId === op);
    t.same(mine.map((r) => [r.token, r.takes]), [...'0123456789'].map((d) => [d, 3]), `operator ${op}: digits, 3 takes each (command words are not enrolled: the picker says the very clip)`);
  }
  const signedOn = await db.query<{ externalId: string }>(
    `SELECT DISTINCT o.external_id AS "externalId" FROM device_sessions s JOIN operators o ON o.id = s.operator_id ORDER BY 1`);
  t.same(signedOn.rows.map((r) => r.externalId), ops.sort(), 'the pickers signed on (keypad, WMS PIN) as the enrolled operator rows');

  const turns = readFileSync(path.join(out, 'turns.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { typed: boolean; src: string[]; node: string; said: string; picker: number; expect: { kind: string } | null; expected?: string; gaps?: number[]; timeout?: true });
  // what bench:asr --replay reads: the picker, the expectation asked, the right answer, the gaps
  const voice = turns.filter((x) => !x.typed && !x.timeout);
  t.ok(voice.every((x) => typeof x.picker === 'number' && x.expect !== null && (x.src.length < 2 || x.gaps?.length === x.src.length - 1)), 'every voice answer: picker, expect, and a gap between each two recordings');
  const checks = voice.filter((x) => x.node === 'picking.checkDigits' && x.expect?.kind === 'digits');
  t.ok(checks.length > 0 && checks.every((x) => x.expected === x.said), 'check digits carry their right answer');
  t.ok(voice.filter((x) => x.node === 'picking.goAisle').every((x) => x.expected === undefined), '"ready" has none');
  const digitSources = turns.filter((x) => !x.typed).flatMap((x) => x.src).filter((s) => /^\d_/.test(s));
  t.ok(digitSources.length > 0, `digits were said (${digitSources.length} clips)`);
  t.same(digitSources.filter((s) => takeOf(s) < 3), [], 'no digit from an enrolled take');
});
