/**
 * npm run bench:console -- [--sessions 200] [--watchers 20] [--duration 30] [--interval-ms 2000] [--json]
 *
 * Notification-to-browser latency of the live console path:
 *   device answer → gateway turn logger → PostgreSQL INSERT → NOTIFY vm_turns → the gateway's
 *   DbListener/TurnFeed → console hub (uWS publish) → /v1/console socket → watcher.
 * A real gateway (startGateway) runs as a child process (gateway-child.ts) on a fresh database
 * (DATABASE_URL's server). `--sessions` device sockets (protocol v1, echo mode: each text answer
 * logs 2 turns) answer every `--interval-ms`; `--watchers` console clients — WebSocket clients
 * speaking the console protocol exactly as console/src/lib/live.ts does, each signed in with its
 * own session cookie — watch the site's floor. A helper process LISTENs on vm_turns and stamps
 * each NOTIFY's arrival (t0) with the wall clock; latency = watcher receipt (same clock) − t0.
 * The devices run in another helper process, so the measuring process carries only the watchers.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createTestDatabase, seedSite } from '../../db/testing.ts';
import { insertUser } from '../../db/queries/console/index.ts';
import { hashPassword } from '../../gateway/api/index.ts';
import { provisionDevice } from '../../gateway/device/provision.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECRET = 'bench-console-secret-0123456789-0123456789';
const { values: a } = parseArgs({ options: {
  sessions: { type: 'string', default: '200' }, watchers: { type: 'string', default: '20' },
  duration: { type: 'string', default: '30' }, 'interval-ms': { type: 'string', default: '2000' },
  warmup: { type: 'string', default: '5' }, json: { type: 'boolean' },
} });
const N = Number(a.sessions);
const W = Number(a.watchers);
const DURATION_S = Number(a.duration);
const INTERVAL = Number(a['interval-ms']);
const WARMUP_S = Number(a.warmup);
if (!process.env.DATABASE_URL) { process.stderr.write('set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)\n'); process.exit(2); }

const pct = (xs: number[], p: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const wall = (): number => performance.timeOrigin + performance.now();

/** Starts a helper process (roles.ts) with an IPC channel. */
function role(name: string, env: Record<string, string>, onMessage: (m: any) => void): { ready: Promise<void>; stop(): void; exited: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'console/bench/roles.ts', name], {
    cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean }) => { if (m.ready) resolve(); else onMessage(m); });
    child.once('exit', (code) => reject(new Error(`bench helper ${name} exited with ${code}`)));
  });
  return { ready, exited, stop: () => { child.send({ stop: true }); } };
}

async function startGatewayProcess(databaseUrl: string, dataDir: string): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'console/bench/gateway-child.ts'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, SERVER_SECRET: SECRET, LOG_LEVEL: 'warn', DEMO: 'false' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const rec = JSON.parse(line) as { msg?: string; port?: number };
          if (rec.msg === 'gateway listening' && rec.port) resolve(rec.port);
        } catch (err) {
          process.stderr.write(`gateway printed a non-JSON line (${(err as Error).message}): ${line}\n`);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
  child.stdout!.resume();
  return {
    port,
    stop: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }),
  };
}

async function signIn(base: string, name: string, password: string): Promise<string> {
  const r = await fetch(`${base}/api/v1/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${await r.text()}`);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vm-bench-console-'));
  await seedSite(db.pool, 'S1', 'Bench site');
  await insertUser(db.pool, { name: 'bench', displayName: 'bench', passwordHash: await hashPassword('bench password 1'), role: 'supervisor', language: 'en', sites: ['S1'] });
  const devices = [];
  for (let i = 0; i < N; i++) devices.push(await provisionDevice(db.pool, SECRET, { siteId: 'S1', label: `bench-${String(i).padStart(3, '0')}` }));
  const gw = await startGatewayProcess(db.url, dataDir);
  const base = `http://127.0.0.1:${gw.port}`;

  // t0: a helper process LISTENs on vm_turns and stamps each NOTIFY with the wall clock
  const notifyAt = new Map<number, number>();
  const listener = role('listen', { BENCH_DB_URL: db.url }, (m: { notified?: Array<[number, number]> }) => {
    for (const [id, t] of m.notified ?? []) notifyAt.set(id, t);
  });
  await listener.ready;

  // watchers (in this process): receipt stamped with the same wall clock
  let measuring = false;
  const receipts: Array<[number, number]> = [];
  const e2e: number[] = [];
  const received = Array.from({ length: W }, () => new Set<number>());
  const watchers: WebSocket[] = [];
  for (let w = 0; w < W; w++) {
    const cookie = await signIn(base, 'bench', 'bench password 1');
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/v1/console`, { headers: { cookie } });
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    ws.on('message', (d) => {
      const now = wall();
      const m = JSON.parse(d.toString()) as { type: string; turn?: { id: number; at: string } };
      if (m.type !== 'turn' || !m.turn || !measuring) return;
      received[w]!.add(m.turn.id);
      receipts.push([m.turn.id, now]);
      e2e.push(Date.now() - Date.parse(m.turn.at));
    });
    ws.send(JSON.stringify({ type: 'subscribe', topic: 'floor/S1', after: Number.MAX_SAFE_INTEGER }));
    watchers.push(ws);
  }

  // devices (a helper process)
  const load = role('devices', { BENCH_DEVICES: JSON.stringify({ port: gw.port, devices, intervalMs: INTERVAL }) }, () => undefined);
  await load.ready;

  await sleep(WARMUP_S * 1000);
  const t0 = Date.now();
  measuring = true;
  await sleep(DURATION_S * 1000);
  measuring = false;
  load.stop();
  await sleep(1500); // the last notifications reach the listener process
  listener.stop();
  await Promise.all([load.exited, listener.exited]);
  const lat = receipts.filter(([id]) => notifyAt.has(id)).map(([id, t]) => t - notifyAt.get(id)!);
  const notified = [...new Set(receipts.map(([id]) => id))];
  const result = {
    sessions: N, watchers: W, durationS: DURATION_S, answerIntervalMs: INTERVAL,
    turnsDuringMeasurement: notified.length, turnsPerSecond: +(notified.length / DURATION_S).toFixed(1),
    messagesDelivered: receipts.length, withoutNotify: receipts.length - lat.length,
    notifyToClientMs: { p50: +pct(lat, 50).toFixed(1), p95: +pct(lat, 95).toFixed(1), p99: +pct(lat, 99).toFixed(1), max: +pct(lat, 100).toFixed(1) },
    turnTimeToClientMs: { p50: pct(e2e, 50), p95: pct(e2e, 95), p99: pct(e2e, 99) },
    minTurnsPerWatcher: Math.min(...received.map((x) => x.size)),
    elapsedS: (Date.now() - t0) / 1000,
  };
  for (const ws of watchers) ws.close();
  await gw.stop();
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
  if (a.json) { process.stdout.write(`${JSON.stringify(result)}\n`); return; }
  process.stdout.write([
    `console live path: ${N} sessions answering every ${INTERVAL} ms (2 turns per answer), ${W} watchers, ${DURATION_S} s measured`,
    `  turns: ${result.turnsDuringMeasurement} (${result.turnsPerSecond}/s); turn messages delivered to watchers: ${result.messagesDelivered}`,
    `  NOTIFY → watcher    p50 ${result.notifyToClientMs.p50} ms   p95 ${result.notifyToClientMs.p95} ms   p99 ${result.notifyToClientMs.p99} ms   max ${result.notifyToClientMs.max} ms`,
    `  turn time → watcher p50 ${result.turnTimeToClientMs.p50} ms   p95 ${result.turnTimeToClientMs.p95} ms   p99 ${result.turnTimeToClientMs.p99} ms (includes the turn logger's batching)`,
    `  every watcher saw ≥ ${result.minTurnsPerWatcher} of ${result.turnsDuringMeasurement} turns (edges of the window differ by a few)`,
    '',
  ].join('\n'));
}

main().catch((err: unknown) => { process.stderr.write(`${(err as Error).stack ?? String(err)}\n`); process.exit(1); });
