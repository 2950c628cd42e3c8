/**
 * `npm run bench:dialog -- [--pickers 50] [--seconds 20] [--kind rest|lut] [--think-ms 0]`
 * 1. The pure interpreter: steps per second through the picking flow (in-memory WMS).
 * 2. The runtime against real PostgreSQL (DATABASE_URL, a scratch database) and the simulator
 *    (its own process, `npm run wms-sim`):
 *    N pickers answering right, as fast as they can or after a think time (0.5–1.5 × think-ms);
 *    answers per second, handle() latency,
 *    outbox lag (enqueue → delivered). Prints figures; asserts nothing.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { Driver, fakeWms } from '../test/driver.ts';
import { Picker } from '../test/env.ts';
import { createTestDatabase, seedSite } from '../../db/testing.ts';
import { createPool } from '../../db/index.ts';
import { DialogRuntime } from '../runtime/runtime.ts';
import { createConnector } from '../wms/connector.ts';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { pickers: { type: 'string' }, seconds: { type: 'string' }, kind: { type: 'string' }, 'think-ms': { type: 'string' } } });
const thinkMs = Number(values['think-ms'] ?? 0);
const pickers = Number(values.pickers ?? 50);
const seconds = Number(values.seconds ?? 20);
const kind = values.kind === 'lut' ? 'lut' : 'rest';
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0; };

// 1. pure step
{
  const d = await Driver.builtin('main', fakeWms({ assignments: 1e9 }));
  d.start(); d.type('12'); d.type('1234');
  const answers = ['ready', '42', '3', '57', '2', 'ready', '305', '5', '99'];
  const n = 30000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) { d.type(answers[i % answers.length]!); if (d.log.length > 1000) d.log = []; }
  const ms = performance.now() - t0;
  process.stdout.write(`step: ${n} answers in ${ms.toFixed(0)} ms = ${(n / ms * 1000).toFixed(0)} steps/s (${(ms / n * 1000).toFixed(1)} µs each), state ${JSON.stringify(d.state).length} bytes\n`);
}

// 2. runtime + PostgreSQL + simulator
const db = await createTestDatabase();
await seedSite(db.pool, 'S1');
// The simulator runs as its own process, as a real WMS would.
const child = spawn(process.execPath, ['--import=tsx', fileURLToPath(new URL('../wms-sim/cli.ts', import.meta.url)), '--seed', '1', '--operators', String(pickers)], { stdio: ['ignore', 'pipe', 'inherit'] });
const sim = JSON.parse(await new Promise<string>((r) => readline.createInterface({ input: child.stdout! }).once('line', r))) as { http: number; lut: number; odr: number; url: string };
const sim2 = { url: sim.url, lutPort: sim.lut, odrPort: sim.odr };
const connector = createConnector({ wmsKind: kind, wmsUrl: sim2.url, wmsTimeoutMs: 5000, wmsLutAddress: `127.0.0.1:${sim2.lutPort}`, wmsOdrAddress: `127.0.0.1:${sim2.odrPort}` });
const pool = createPool({ connectionString: db.url, max: 20 }); // the gateway's pool size, not the test default of 5
const rt = await DialogRuntime.load({ pool, connector, settings: { outboxPollMs: 100 } });
const ops = (await (await fetch(`${sim.url}/truth/operators`)).json()) as { id: string; pin: string }[];
const lat: number[] = [];
let answers = 0;
const ts = performance.now();
const sessions = await Promise.all(ops.map(async (op) => {
  const p = await Picker.start(rt, undefined, randomUUID());
  await p.signOn(op.id, op.pin);
  return p;
}));
process.stdout.write(`sign-on (WMS check + argon2id hash/verify of the PIN): ${pickers} operators at once in ${(performance.now() - ts).toFixed(0)} ms\n`);
const end = Date.now() + seconds * 1000;
const t0 = performance.now();
await Promise.all(sessions.map(async (p) => {
  while (Date.now() < end) {
    const a = p.rightAnswer();
    const s = performance.now();
    await p.type(a);
    lat.push(performance.now() - s);
    answers++;
    if (thinkMs) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random())));
  }
}));
const elapsed = (performance.now() - t0) / 1000;
const drainStart = performance.now();
for (;;) {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM wms_outbox WHERE status = 'pending'");
  if (rows[0]!.n === 0) break;
  await new Promise((r) => setTimeout(r, 50));
}
const drainMs = performance.now() - drainStart;
const lag = await pool.query<{ p50: number; p99: number; n: number }>(
  `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at) * 1000) AS p50,
          percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at) * 1000) AS p99, count(*)::int AS n
   FROM wms_outbox WHERE status = 'delivered'`);
const dup = ((await (await fetch(`${sim.url}/truth/confirmations`)).json()) as { receipts: number }[]).filter((r) => r.receipts > 1).length;
process.stdout.write(`runtime (${kind}, ${pickers} pickers, think ${thinkMs} ms, ${elapsed.toFixed(1)} s): ${answers} answers = ${(answers / elapsed).toFixed(0)} answers/s; handle() p50 ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms, max ${pct(lat, 1).toFixed(1)} ms\n`);
process.stdout.write(`outbox: ${lag.rows[0]!.n} writes delivered, lag p50 ${Number(lag.rows[0]!.p50).toFixed(0)} ms, p99 ${Number(lag.rows[0]!.p99).toFixed(0)} ms; drained ${drainMs.toFixed(0)} ms after the end; duplicate receipts at the host: ${dup}\n`);
await rt.close(); await connector.close(); child.kill('SIGTERM'); await pool.end(); await db.drop();
