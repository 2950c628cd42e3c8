/**
 * npm run bench:console-history -- [--turns 1000000] [--sessions 400]
 *
 * The console's read endpoints on a large dialog log: bulk-loads `--turns` turns (2 sites,
 * `--sessions` sessions over the last 20 days, 200 of them still active) into a fresh database,
 * then times each API call over real HTTP (median and max of 5, after one warm-up).
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import uWS from 'uWebSockets.js';
import pino from 'pino';
import { createTestDatabase, seedSite } from '../../db/testing.ts';
import { insertUser } from '../../db/queries/console/index.ts';
import { loadConfig } from '../../gateway/config/index.ts';
import { mountApi, hashPassword } from '../../gateway/api/index.ts';

const { values: a } = parseArgs({ options: { turns: { type: 'string', default: '1000000' }, sessions: { type: 'string', default: '400' } } });
const TURNS = Number(a.turns);
const SESSIONS = Number(a.sessions);

const db = await createTestDatabase();
try {
  const p = db.pool;
  await seedSite(p, 'A'); await seedSite(p, 'B');
  await insertUser(p, { name: 'u', displayName: 'u', passwordHash: await hashPassword('bench password'), role: 'admin', language: 'en', sites: ['A', 'B'] });
  const t0 = performance.now();
  await p.query(`INSERT INTO operators (site_id, external_id, name) SELECT CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' END, 'op' || i, 'Operator ' || i FROM generate_series(1, 100) i`);
  await p.query(`INSERT INTO devices (id, site_id, label, token_hash) SELECT gen_random_uuid(), CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' END, 'dev-' || i, 'x' FROM generate_series(1, 300) i`);
  await p.query(`INSERT INTO device_sessions (id, site_id, device_id, operator_id, gateway_node, started_at, ended_at)
    SELECT gen_random_uuid(), d.site_id, d.id, (SELECT o.id FROM operators o WHERE o.site_id = d.site_id ORDER BY random() LIMIT 1), 'bench',
           now() - make_interval(days => (20 * (s.i::float / $1))::int) - interval '2 hours',
           CASE WHEN s.i > $1 - 200 THEN NULL ELSE now() - make_interval(days => (20 * (s.i::float / $1))::int) END
      FROM generate_series(1, $1) s(i) JOIN LATERAL (SELECT * FROM devices ORDER BY random() LIMIT 1 OFFSET (s.i % 1)) d ON true`, [SESSIONS]);
  await p.query('ALTER TABLE dialog_turns DISABLE TRIGGER dialog_turns_notify');
  const perSession = Math.ceil(TURNS / SESSIONS);
  await p.query(`INSERT INTO dialog_turns (session_id, site_id, seq, at, kind, text, confidence, latency_ms, flow_node, operator_id)
    SELECT s.id, s.site_id, g.n,
           least(s.started_at + make_interval(secs => g.n * 3), now() - interval '1 second'),
           (ARRAY['prompt','utterance','utterance','event','text'])[1 + g.n % 5],
           CASE g.n % 5 WHEN 0 THEN 'Go to aisle ' || (g.n % 40) || ' slot ' || (g.n % 9)
                        WHEN 1 THEN CASE WHEN g.n % 17 = 0 THEN NULL ELSE (g.n % 100)::text END
                        WHEN 2 THEN 'ready' WHEN 3 THEN CASE WHEN g.n % 50 = 3 THEN 'assignment:ASG-' || (g.n / 50) ELSE 'pick_confirmed' END
                        ELSE 'skip' END,
           CASE WHEN g.n % 5 IN (1, 2) THEN 0.5 + (g.n % 50) / 100.0 END, 200 + g.n % 300, 'node' || (g.n % 7), s.operator_id
      FROM device_sessions s CROSS JOIN generate_series(1, $1) g(n)`, [perSession]);
  await p.query('ALTER TABLE dialog_turns ENABLE TRIGGER dialog_turns_notify');
  await p.query('ANALYZE');
  const { rows: [cnt] } = await p.query<{ n: number }>('SELECT count(*)::int AS n FROM dialog_turns');
  process.stdout.write(`loaded ${cnt!.n} turns, ${SESSIONS} sessions in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

  const app = uWS.App();
  const api = mountApi(app, { pool: p, logger: pino({ level: 'silent' }), cfg: loadConfig({}).console, serverSecret: 'x' });
  const listen = await new Promise<uWS.us_listen_socket>((res, rej) => app.listen('127.0.0.1', 0, (s) => (s ? res(s) : rej(new Error('listen')))));
  const base = `http://127.0.0.1:${uWS.us_socket_local_port(listen)}/api/v1`;
  const si = await fetch(`${base}/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'u', password: 'bench password' }) });
  const cookie = si.headers.get('set-cookie')!.split(';')[0]!;
  const get = async (path: string): Promise<any> => {
    const r = await fetch(`${base}${path}`, { headers: { cookie } });
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  const { rows: [probe] } = await p.query(`SELECT s.operator_id AS op, s.device_id AS dev, s.id AS sess FROM device_sessions s WHERE s.site_id = 'A' LIMIT 1`);
  const from = new Date(Date.now() - 3 * 86400_000).toISOString();
  const to = new Date(Date.now() - 2 * 86400_000).toISOString();
  // a cursor 50 pages deep
  let before: string | null = null;
  for (let i = 0; i < 50; i++) before = (await get(`/sites/A/turns?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`)).next;
  const cases: Array<[string, string]> = [
    ['floor snapshot (100 active sessions at A)', '/sites/A/floor'],
    ['history: newest 50 of a site', '/sites/A/turns?limit=50'],
    ['history: page 51 (keyset)', `/sites/A/turns?limit=50&before=${encodeURIComponent(before!)}`],
    ['history: one operator', `/sites/A/turns?limit=50&operatorId=${probe.op}`],
    ['history: one device', `/sites/A/turns?limit=50&deviceId=${probe.dev}`],
    ['history: one day', `/sites/A/turns?limit=50&from=${from}&to=${to}`],
    ['history: text "aisle 15 slot"', '/sites/A/turns?limit=50&text=aisle%2015%20slot'],
    ['history: absent text "ASG-99999"', '/sites/A/turns?limit=50&text=ASG-99999'],
    ['history: assignment ASG-3', '/sites/A/turns?limit=50&assignment=ASG-3'],
    ['history: operator + text + day', `/sites/A/turns?limit=50&operatorId=${probe.op}&text=aisle&from=${from}&to=${to}`],
    ['transcript of one session', `/sessions/${probe.sess}`],
    ['sessions list', '/sites/A/sessions?limit=50'],
    ['stats: 24 h in 10-min buckets', `/sites/A/stats?from=${new Date(Date.now() - 86400_000).toISOString()}&bucketS=600`],
  ];
  process.stdout.write(`\n| request | median ms | max ms | rows |\n| --- | --- | --- | --- |\n`);
  for (const [name, path] of cases) {
    await get(path);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const body = await get(path);
      times.push(performance.now() - s);
      rows = body.items?.length ?? body.turns?.length ?? body.sessions?.length ?? body.buckets?.length ?? 0;
    }
    times.sort((x, y) => x - y);
    process.stdout.write(`| ${name} | ${times[2]!.toFixed(1)} | ${times[4]!.toFixed(1)} | ${rows} |\n`);
  }
  uWS.us_listen_socket_close(listen);
  await api.close();
} finally {
  await db.drop();
}
