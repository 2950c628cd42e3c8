/**
 * npm run bench:gateway — the foundation's gateway benchmark:
 *  1. audio frames/s one gateway process accepts from C local WebSocket clients sending 50 frames/s
 *     each (20 ms PCM16 frames, continuous), with the gateway's CPU share (/proc) and event-loop lag;
 *  2. turns/s written to PostgreSQL in batches (the TurnLogger) vs one INSERT per turn.
 * Prints a table (or --json). The gateway runs in its own process, on 127.0.0.1, port 0.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchGateway, REPO_ROOT, DEFAULT_DATABASE_URL } from './launch.ts';
import { FrameBank, loadDigitClips } from './audio/bank.ts';
import { runLoad, type BenchResult } from './run.ts';
import { IdleScript } from './scripts.ts';
import { Progress } from './progress.ts';
import { benchTurns, formatTurnBench, type TurnBenchFigure } from '../db/bench/turns.ts';

const HELP = `npm run bench:gateway -- [--clients 200[,400,...]] [--duration 20] [--batched-turns 50000]
       [--single-turns 5000] [--skip-frames] [--skip-turns] [--speech] [--json] [--quiet]
Frames: C clients × 50 frames/s of continuous audio for --duration seconds per client count.
The gateway runs the echo conversation with SPEECH=false (the socket/session frame path); --speech
turns the recogniser on (every frame goes through the VAD), for comparison.
Turns: batched TurnLogger vs one INSERT per turn, on a fresh database of the DATABASE_URL server.
`;

let v;
try {
  v = parseArgs({
    args: process.argv.slice(2), strict: true, allowPositionals: false,
    options: {
      clients: { type: 'string' }, duration: { type: 'string' }, 'batched-turns': { type: 'string' }, 'single-turns': { type: 'string' },
      'skip-frames': { type: 'boolean' }, 'skip-turns': { type: 'boolean' }, json: { type: 'boolean' }, quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }, audio: { type: 'string' }, speech: { type: 'boolean' },
    },
  }).values;
} catch (err) {
  process.stderr.write(`bench:gateway: ${(err as Error).message}\n\n${HELP}`);
  process.exit(2);
}
if (v.help) { process.stdout.write(HELP); process.exit(0); }
const posInt = (name: string, raw: string | undefined, def: number, max: number): number => {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) {
    process.stderr.write(`bench:gateway: --${name} must be a whole number in [1, ${max}], got "${raw}"\n`);
    process.exit(2);
  }
  return n;
};
const clientSteps = (v.clients ?? '200').split(',').map((c) => posInt('clients', c.trim(), 200, 3000));
const durationS = posInt('duration', v.duration, 20, 600);
const progress = new Progress(v.quiet ?? false);
const out = (s: string): void => { (v.json ? process.stderr : process.stdout).write(`${s}\n`); };

interface FrameStep {
  clients: number; offered_frames_per_s: number | null; accepted_frames_per_s: number | null;
  gateway_cpu_pct: number | null; cpu_pct_per_1000_fps: number | null; gateway_rss_mb: number | null;
  event_loop_lag_p99_ms: number | null; loadgen_cpu_pct: number | null; loadgen_tick_late_p99_ms: number | null;
  sessions_welcomed: number; sessions_connected: number; client_backlog_events: number; loadgen_late_skipped_frames: number;
  errors: number; error_kinds: Record<string, number>;
}

const report: { frames?: FrameStep[]; turns?: TurnBenchFigure[]; machine: BenchResult['machine'] | null; duration_s: number } = { machine: null, duration_s: durationS };

if (!v['skip-frames']) {
  const dir = path.resolve(v.audio ?? path.join(REPO_ROOT, '..', 'shared', 'speech', 'fsdd-dev'));
  const clips = existsSync(dir) ? loadDigitClips(dir, { takes: 1 }) : [];
  const bank = new FrameBank(clips);
  const max = Math.max(...clientSteps);
  progress.note(`bench:gateway: starting a gateway with ${max} devices`);
  const logFile = path.join(os.tmpdir(), `vm-bench-gateway-${process.pid}.log`);
  progress.note(`bench:gateway: gateway log ${logFile}`);
  // the raw frame path: echo conversation, no recogniser (the ASR has its own benchmark)
  const gw = await launchGateway({ devices: max, logFile, logLevel: 'info', env: { CONVERSATION: 'echo', SPEECH: v.speech ? 'true' : 'false' } });
  const onSignal = (): void => { void gw.close().then(() => process.exit(130)); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  report.frames = [];
  try {
    for (const c of clientSteps) {
      const r = await runLoad({
        wsUrl: gw.wsUrl, metricsUrl: gw.metricsUrl, pid: gw.pid, creds: gw.devices.slice(0, c), bank, voices: ['-'],
        script: new IdleScript(), audio: 'continuous', speechDuty: 1, durationS, warmupS: 3, mode: 'stream', progress,
        connectRate: 200,
      });
      report.machine = r.machine;
      const step: FrameStep = {
        clients: c, offered_frames_per_s: r.frames_per_s, accepted_frames_per_s: r.gateway_frames_per_s,
        gateway_cpu_pct: r.gateway_cpu_pct,
        cpu_pct_per_1000_fps: r.gateway_cpu_pct !== null && r.gateway_frames_per_s ? Math.round((r.gateway_cpu_pct / r.gateway_frames_per_s) * 1000 * 100) / 100 : null,
        gateway_rss_mb: r.gateway_rss_mb, event_loop_lag_p99_ms: r.event_loop_lag_p99_ms, loadgen_cpu_pct: r.loadgen_cpu_pct,
        loadgen_tick_late_p99_ms: r.loadgen_tick_late_p99_ms, sessions_welcomed: r.sessions_welcomed, sessions_connected: r.sessions_connected,
        client_backlog_events: r.client_backlog_events, loadgen_late_skipped_frames: r.loadgen_late_skipped_frames, errors: r.errors, error_kinds: r.error_kinds,
      };
      report.frames.push(step);
      out(`frames: ${c} clients × 50/s: offered ${step.offered_frames_per_s}/s, accepted ${step.accepted_frames_per_s}/s, `
        + `gateway CPU ${step.gateway_cpu_pct} % of a core (${step.cpu_pct_per_1000_fps} % per 1000 frames/s), RSS ${step.gateway_rss_mb} MB, `
        + `loop lag p99 ${step.event_loop_lag_p99_ms} ms, load generator ${step.loadgen_cpu_pct} % (tick late p99 ${step.loadgen_tick_late_p99_ms} ms), `
        + `sessions ${step.sessions_welcomed} welcomed / ${step.sessions_connected} at end, backlog events ${step.client_backlog_events}, skipped late ${step.loadgen_late_skipped_frames}, errors ${step.errors}`);
    }
  } finally {
    await gw.close();
  }
}

if (!v['skip-turns']) {
  progress.note('bench:gateway: turn-log writes');
  // db/'s own benchmark (db/bench/turns.ts): one INSERT per turn vs batched (VALUES, unnest) vs the TurnLogger
  report.turns = await benchTurns({
    databaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    turns: posInt('batched-turns', v['batched-turns'], 50000, 10_000_000),
    singleTurns: posInt('single-turns', v['single-turns'], 5000, 1_000_000),
  });
  out(`turns written to PostgreSQL:\n${formatTurnBench(report.turns)}`);
}

if (v.json) process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
