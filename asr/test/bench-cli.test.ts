import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const run = (script: string, args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, script), ...args], { encoding: 'utf8' });

for (const script of ['cli.ts', 'diagnose.ts', 'diagnose-oog.ts', 'diagnose-templates.ts']) {
  t.test(`${script}: --help, unknown options, missing --data`, async (t) => {
    const help = run(script, ['--help']);
    t.equal(help.status, 0, help.stderr);
    t.match(help.stdout, /^usage: npm run \S+ -- --data DIR/);
    const bogus = run(script, ['--bogus']);
    t.equal(bogus.status, 2);
    t.match(bogus.stderr, /Unknown option '--bogus'/);
    t.match(bogus.stderr, /usage:/, 'the usage follows the error');
    const none = run(script, []);
    t.equal(none.status, 2);
    t.match(none.stderr, /--data is required/);
  });
}

t.test('bench:asr rejects a number that is not one', async (t) => {
  const r = run('cli.ts', ['--data', '/nonexistent', '--limit', 'many']);
  t.equal(r.status, 2);
  t.match(r.stderr, /expected a non-negative number, got "many"/);
});
