import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ApiClient, consoleDatabase, startConsoleServer } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const db = await consoleDatabase();
const server = await startConsoleServer(db);
t.teardown(async () => { await server.close(); await db.drop(); });

function run(args: string[], stdin: string | null): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/api/user-add-cli.ts', ...args], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.once('exit', (code) => resolve({ code: code ?? -1, out, err }));
    if (stdin !== null) child.stdin.end(`${stdin}\n`);
    else child.stdin.end();
  });
}

t.test('the first admin, password from stdin', async (t) => {
  const r = await run(['--admin', '--name', 'root', '--site', 'HQ', '--create-site'], 'a long enough password');
  t.equal(r.code, 0, r.err);
  t.match(r.out, /User root \(admin\) created for sites HQ/);
  t.notMatch(r.out, /password:/);
  const c = new ApiClient(server.url);
  const s = await c.signIn('root', 'a long enough password');
  t.equal(s.status, 200);
  t.equal(s.body.user.role, 'admin');
  t.same(s.body.sites.map((x: { id: string }) => x.id), ['HQ']);
});

t.test('a generated password is printed once; errors are clear', async (t) => {
  const r = await run(['--name', 'sup', '--site', 'HQ', '--role', 'supervisor', '--json'], '');
  t.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  t.equal(out.role, 'supervisor');
  t.ok(out.password.length >= 12);
  t.equal((await new ApiClient(server.url).signIn('sup', out.password)).status, 200);
  const dup = await run(['--name', 'sup', '--site', 'HQ'], 'another long password');
  t.equal(dup.code, 1);
  t.match(dup.err, /already exists/);
  const noSite = await run(['--name', 'x', '--site', 'NOPE'], 'another long password');
  t.match(noSite.err, /site "NOPE" does not exist/);
  const usage = await run(['--name', 'y'], null);
  t.equal(usage.code, 2);
  const short = await run(['--name', 'z', '--site', 'HQ'], 'short');
  t.match(short.err, /at least 10/);
});
