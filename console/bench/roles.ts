/**
 * Helper processes of the console benchmark, so the measuring process does not share its event
 * loop with the load: `devices` (the device sockets answering on a timer) and `listen` (LISTEN
 * vm_turns; timestamps each NOTIFY with the wall clock, performance.timeOrigin + now()).
 * Run as `node --import tsx console/bench/roles.ts <role>`; talks to its parent over IPC.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import WebSocket from 'ws';

const wall = (): number => performance.timeOrigin + performance.now();
const send = (m: unknown): void => { process.send!(m); };
const role = process.argv[2];

if (role === 'listen') {
  const c = new pg.Client({ connectionString: process.env.BENCH_DB_URL });
  await c.connect();
  let batch: Array<[number, number]> = [];
  c.on('notification', (n) => {
    const t = wall();
    const id = Number(/"id"\s*:\s*(\d+)/.exec(n.payload ?? '')?.[1]);
    if (id) batch.push([id, t]);
  });
  await c.query('LISTEN vm_turns');
  const flush = setInterval(() => { if (batch.length) { send({ notified: batch }); batch = []; } }, 200);
  send({ ready: true });
  process.on('message', (m: { stop?: boolean }) => {
    if (!m.stop) return;
    clearInterval(flush);
    if (batch.length) send({ notified: batch });
    void c.end().then(() => process.exit(0));
  });
} else if (role === 'devices') {
  const { port, devices, intervalMs } = JSON.parse(process.env.BENCH_DEVICES!) as { port: number; devices: Array<{ deviceId: string; token: string }>; intervalMs: number };
  const sockets: WebSocket[] = [];
  const timers: NodeJS.Timeout[] = [];
  for (const d of devices) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/device`);
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    ws.send(JSON.stringify({ type: 'hello', v: 1, deviceId: d.deviceId, token: d.token, appVersion: 'bench' }));
    ws.on('message', (data, bin) => {
      if (bin) return;
      const m = JSON.parse(data.toString()) as { seq?: number };
      if (typeof m.seq === 'number') ws.send(JSON.stringify({ type: 'ack', seq: m.seq }));
    });
    sockets.push(ws);
  }
  let n = 0;
  sockets.forEach((ws, i) => {
    let cseq = 0;
    const tick = (): void => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'text', cseq: ++cseq, text: `pick ${i} ${++n}` })); };
    timers.push(setTimeout(() => { tick(); timers.push(setInterval(tick, intervalMs)); }, Math.random() * intervalMs));
  });
  send({ ready: true });
  process.on('message', (m: { stop?: boolean }) => {
    if (!m.stop) return;
    for (const t of timers) clearTimeout(t);
    for (const ws of sockets) ws.close();
    setTimeout(() => process.exit(0), 200);
  });
} else {
  process.stderr.write('usage: roles.ts listen|devices\n');
  process.exit(2);
}
