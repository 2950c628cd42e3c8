/** The simulator: reproducible from its seed, ground truth over HTTP, and the `npm run wms-sim` process. */
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';
import { startWmsSim } from '../wms-sim/index.ts';
import { Warehouse } from '../wms-sim/warehouse.ts';

t.test('the same seed gives the same warehouse; another seed another', async (t) => {
  const a = new Warehouse({ seed: 5, operators: 4 });
  const b = new Warehouse({ seed: 5, operators: 4 });
  const c = new Warehouse({ seed: 6, operators: 4 });
  t.same(a.operators, b.operators);
  t.same(a.assignment('102', 3), b.assignment('102', 3));
  t.notSame(a.assignment('102', 3), c.assignment('102', 3));
  t.notSame(a.operators.map((o) => o.pin), c.operators.map((o) => o.pin));
  const asg = a.assignment('101', 0);
  t.ok(asg.lines.every((l) => /^[0-9]{2,3}$/.test(l.checkDigits) && l.qty >= 1));
  t.same(asg.lines.map((l) => l.locationId), [...asg.lines.map((l) => l.locationId)].sort((x, y) => a.locations.findIndex((q) => q.id === x) - a.locations.findIndex((q) => q.id === y)), 'lines in walking order');
});

t.test('ground truth and fault control over HTTP; bad requests get clear errors', async (t) => {
  const sim = await startWmsSim({ seed: 1, operators: 2, assignmentsPerOperator: 2, token: 'tok' });
  t.teardown(() => sim.close());
  const get = async (p: string, init?: RequestInit) => { const r = await fetch(`${sim.url}${p}`, init); return { status: r.status, body: r.status === 204 ? null : await r.json() as Record<string, unknown> }; };
  const ops = (await get('/truth/operators')).body as unknown as { id: string; pin: string }[];
  t.equal(ops.length, 2);
  const truth = (await get(`/truth/assignments?operator=${ops[0]!.id}`)).body as unknown as { id: string; completed: boolean }[];
  t.equal(truth.length, 2);
  t.equal((await get('/api/v1/reference')).status, 401, 'token required');
  const auth = { authorization: 'Bearer tok', 'content-type': 'application/json' };
  t.same((await get('/api/v1/operators/validate', { method: 'POST', headers: auth, body: '{bad' })).body, { error: { code: 'BAD_JSON', message: 'body is not valid JSON' } });
  t.equal((await get('/api/v1/picks', { method: 'POST', headers: auth, body: '{}' })).status, 400, 'no idempotency key');
  t.same((await get('/api/v1/operators/validate', { method: 'POST', headers: auth, body: JSON.stringify({ operatorId: ops[0]!.id, pin: ops[0]!.pin }) })).body?.valid, true);
  await get('/control/faults', { method: 'POST', body: JSON.stringify({ down: true }) });
  t.equal((await get('/api/v1/reference', { headers: auth })).status, 503);
  await get('/control/faults', { method: 'POST', body: JSON.stringify({ down: false }) });
  for (const a of truth) {
    t.equal((await get(`/api/v1/assignments/${a.id}/complete`, { method: 'POST', headers: { ...auth, 'idempotency-key': `c${a.id}` }, body: JSON.stringify({ operatorId: ops[0]!.id }) })).status, 200);
  }
  t.equal((await get(`/api/v1/operators/${ops[0]!.id}/assignment`, { headers: auth })).status, 204, 'no work after both');
  t.ok(((await get(`/truth/assignments?operator=${ops[0]!.id}`)).body as unknown as { completed: boolean }[]).every((a) => a.completed));
});

t.test('npm run wms-sim prints its ports as one JSON line', async (t) => {
  const cli = fileURLToPath(new URL('../wms-sim/cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import=tsx', cli, '--seed', '3', '--operators', '2', '--http-port', '0', '--lut-port', '0', '--odr-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { child.kill('SIGTERM'); });
  const line = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
  const ports = JSON.parse(line) as { http: number; lut: number; odr: number; url: string };
  t.ok(ports.http > 0 && ports.lut > 0 && ports.odr > 0);
  const ops = await (await fetch(`${ports.url}/truth/operators`)).json() as unknown[];
  t.same(ops, new Warehouse({ seed: 3, operators: 2 }).operators);
  const bad = spawn(process.execPath, ['--import=tsx', cli, '--operators', 'many'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  bad.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await new Promise<number | null>((r) => bad.on('exit', r));
  t.equal(code, 2);
  t.match(err, /--operators must be a number/);
});
