/**
 * bench:asr --replay (asr/bench/replay.ts): reading a bench run's turns.jsonl, and a replay of
 * real recordings (../shared/speech/fsdd-dev; the replay part is skipped when it is absent).
 */
import t from 'tap';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTurns, replay, ReplayError } from '../bench/replay.ts';

const CMDS = ['repeat', 'say again', 'help', 'short', 'skip', 'sign off'];
const line = (o: Record<string, unknown>): string => JSON.stringify({
  t: 1, node: 'picking.checkDigits', said: '42', recognized: '42', gap: 300, decision: 20, reprompt: false, retry: false, typed: false,
  src: ['4_jackson_10', '2_jackson_11'], gaps: [160], next: 'Pick 3.', picker: 7, expect: { kind: 'digits', length: 2, commands: CMDS }, expected: '42', ...o,
});

t.test('readTurns: voice answers with their expectation and the right answer put back', async (t) => {
  const turns = readTurns([
    line({}),
    line({ node: 'picking.quantity', said: '3', src: ['3_lucas_20'], gaps: undefined, expect: { kind: 'number', min: 0, max: 999, commands: CMDS }, expected: '3' }),
    line({ node: 'picking.goAisle', said: 'ready', src: ['tts:slt:ready'], gaps: undefined, expect: { kind: 'ready', commands: CMDS }, expected: undefined }),
    line({ typed: true, src: [] }),
    JSON.stringify({ t: 2, node: 'picking.checkDigits', said: '42', typed: false, src: ['4_jackson_10'], timeout: true }),
    '',
  ].join('\n'));
  t.equal(turns.length, 3, 'typed answers and timeouts are left out');
  t.same(turns[0]!.expect, { kind: 'digits', length: 2, commands: CMDS, expected: '42' });
  t.same(turns[1]!.expect, { kind: 'number', min: 0, max: 999, commands: CMDS, expected: 3 }, 'a quantity: the number');
  t.same(turns[2]!.expect, { kind: 'ready', commands: CMDS }, 'no right answer: none added');
  t.same(turns[0]!.gaps, [160]);
  t.equal(turns[0]!.picker, 7);
});

t.test('readTurns: bad lines are errors naming the line', async (t) => {
  t.throws(() => readTurns(`${line({})}\n{not json`), { code: 'REPLAY_BAD_LINE', message: /line 2: not JSON/ });
  t.throws(() => readTurns(line({ picker: undefined })), { code: 'REPLAY_OLD_FORMAT', message: /line 1: .*run the bench again/ });
  t.throws(() => readTurns(line({ gaps: [] })), { code: 'REPLAY_BAD_LINE', message: /"gaps"/ });
  t.throws(() => readTurns(line({ expect: { kind: 'bogus', commands: [] } })), { code: 'REPLAY_BAD_LINE', message: /"expect"/ });
  t.throws(() => readTurns('[1]'), ReplayError);
});

t.test('bench:asr --replay: a file that is not a run is a clear error, exit 2', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vm-replay-'));
  const f = path.join(dir, 'turns.jsonl');
  writeFileSync(f, '{"t":1}\n{oops\n');
  const cli = fileURLToPath(new URL('../bench/cli.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--data', dir, '--replay', f], { encoding: 'utf8' });
  t.equal(r.status, 2, r.stderr);
  t.match(r.stderr, /bench:asr --replay: line 2: not JSON/);
  writeFileSync(f, `${line({})}\n`);
  writeFileSync(path.join(dir, 'result.json'), '{truncated');
  const badResult = spawnSync(process.execPath, ['--import', 'tsx', cli, '--data', dir, '--replay', f], { encoding: 'utf8' });
  t.equal(badResult.status, 2, badResult.stderr);
  t.match(badResult.stderr, /bench:asr --replay: .*result\.json: not the bench's result\.json/);
  const missing = spawnSync(process.execPath, ['--import', 'tsx', cli, '--data', dir, '--replay', path.join(dir, 'nope.jsonl')], { encoding: 'utf8' });
  t.equal(missing.status, 2);
  t.match(missing.stderr, /bench:asr --replay: .*no such file/i);
});

const data = fileURLToPath(new URL('../../../shared/speech/fsdd-dev', import.meta.url));
t.test('a replay of real recordings: live against offline, per node', { skip: existsSync(data) ? false : `real speech folder ${data} is absent` }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vm-replay-'));
  const f = path.join(dir, 'turns.jsonl');
  // jackson's takes that bench:asr hears right (checked once, 160 ms gaps); "live" is what the file says
  writeFileSync(f, [
    line({ picker: 1 }),
    line({ picker: 1, node: 'picking.quantity', said: '7', recognized: null, src: ['7_jackson_12'], gaps: undefined, expect: { kind: 'number', min: 0, max: 999, commands: CMDS }, expected: '7' }),
    line({ picker: 2, said: '19', recognized: '19', src: ['1_jackson_22', '9_jackson_23'], gaps: [160], expected: '19' }),
    line({ picker: 2, said: '19', recognized: '19', retry: true, src: ['1_jackson_24', '9_jackson_25'], gaps: [160], expected: '19' }),
  ].join('\n'));
  const r = await replay({ turnsFile: f, data, workers: 1 }) as { pickers: number; enrolled: boolean; first: Record<string, { n: number; live: number; offline: number; live_only: number; offline_only: number }>; every: Record<string, { n: number }> };
  t.equal(r.pickers, 2);
  t.equal(r.enrolled, false, 'no result.json beside it: not enrolled');
  t.same(r.first.all!.n, 3, 'first attempts only');
  t.equal(r.every.all!.n, 4, 'and every answer');
  t.equal(r.first['picking.quantity']!.live, 0, 'live: the file says the quantity was not heard');
  t.equal(r.first['picking.checkDigits']!.live, 1);
  t.equal(r.first['picking.checkDigits']!.offline, 1, 'offline: the same check strings are heard');
  t.equal(r.first['picking.quantity']!.offline, 1, 'offline: the quantity is heard');
  t.equal(r.first.all!.offline_only, 1, 'the answer only the replay got right');
});
