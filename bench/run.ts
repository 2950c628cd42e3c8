/**
 * One measured run: connect the sessions (ramp), let them warm up, measure for the duration, and
 * return the result object that the summary, the JSON output and the HTML report are built from.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { REPO_ROOT } from './launch.ts';
import { LoadEngine, sleep, type EngineOptions } from './engine.ts';
import { Sampler, type Point } from './sampler.ts';
import { readThreads, threadsPct } from './procstat.ts';
import { round } from './stats.ts';
import type { DeviceCreds } from './device.ts';
import type { Progress } from './progress.ts';
import type { TurnStats } from './counters.ts';

export interface RunOptions extends EngineOptions {
  creds: DeviceCreds[];
  durationS: number;
  warmupS: number;
  /** stream: no answers, continuous audio (the gateway's raw frame throughput). */
  mode: 'echo' | 'picking' | 'idle' | 'stream';
  /** Gateway process id (for /proc CPU and RSS) and metrics URL, when known. */
  pid?: number;
  metricsUrl?: string;
  progress?: Progress;
  label?: string;
  /** The operators were enrolled before the run (--enroll), taking this long. */
  enroll?: { ms: number };
}

export interface BenchResult {
  version: 1;
  label: string;
  at: string;
  mode: RunOptions['mode'];
  sessions: number;
  sessions_connected: number;
  duration_s: number;
  turns: number;
  turns_per_s: number | null;
  gap_p50_ms: number | null;
  gap_p95_ms: number | null;
  gap_p99_ms: number | null;
  decision_p50_ms: number | null;
  decision_p95_ms: number | null;
  accuracy: number | null;
  /** Accuracy of first attempts only (not retries after a reprompt): what compares with bench:asr. */
  accuracy_first: number | null;
  /** Answers the server replied to before the picker had finished saying them (in the accuracy, not in the gap). */
  interrupted_turns: number;
  reprompt_rate: number | null;
  voice_turns: number;
  typed_turns: number;
  accuracy_by_node: Record<string, { n: number; correct: number; wrong: number; nomatch: number; first_n: number; first_correct: number; accuracy: number | null; accuracy_first: number | null }>;
  no_match_rate: number | null;
  errors: number;
  errors_during_ramp: number;
  error_kinds: Record<string, number>;
  sessions_welcomed: number;
  /** Times a device found its socket backed up (> 256 KiB unsent) and held a frame back. */
  client_backlog_events: number;
  /** Silence frames the load generator skipped because it was itself > 100 ms late. */
  loadgen_late_skipped_frames: number;
  timeouts: number;
  dropped_frames: number | null;
  /** Utterances the recogniser refused as busy during the measurement (whole answers dropped). */
  asr_busy_rejections: number | null;
  /** Utterances whose phone loop the recogniser shed because its thread was behind (ASR_SHED_LAG_MS). */
  asr_loop_shed: number | null;
  /** Enrolled check strings the templates confirmed alone, and those handed to the decoder (ASR_TEMPLATES_FIRST), during the measurement. */
  asr_templates_first: { confirmed: number | null; fallback: number | null };
  /** Mean windows per Silero VAD run over the measured window (each window: 32 ms of one stream). */
  asr_vad_windows_per_batch: number | null;
  frames_sent: number;
  frames_per_s: number | null;
  gateway_frames_per_s: number | null;
  gateway_cpu_pct: number | null;
  /**
   * The gateway's CPU by thread over the measured window, % of one core: `main` (the event loop),
   * `vm-asr-N` (recogniser threads), `vm-vad` (Silero), `node` (V8 and libuv helpers together);
   * null when the gateway is not a local process.
   */
  gateway_threads_cpu_pct: Record<string, number> | null;
  gateway_rss_mb: number | null;
  gateway_rss_peak_mb: number | null;
  /** `--idle`: RSS growth per welcomed session, never below 0 (see `rss_idle_delta_mb`). */
  rss_per_idle_session_mb?: number | null;
  /** `--idle`: RSS after the run minus before the sessions, as read: when the sessions cost less than the gateway's own RSS drift (GC returning memory), it can be negative. */
  rss_idle_delta_mb?: number | null;
  loadgen_cpu_pct: number | null;
  loadgen_tick_late_p99_ms: number | null;
  event_loop_lag_p99_ms: number | null;
  queues_max: Record<string, number>;
  settings: { audio: string; speech_duty: number; warmup_s: number; seed: number; enroll: boolean };
  /** Seconds the enrollment took before the run (--enroll). */
  enroll_s?: number;
  machine: { cpus: number; cpu_model: string; node: string; loadavg: number[] };
  /** The code measured: HEAD and whether the work tree had uncommitted changes (when known). */
  build: { commit: string | null; dirty: boolean | null };
  timeline: Point[];
  latency_windows: Array<{ t: number; n: number; p: Array<number | null> }>;
  accuracy_windows: Array<{ t: number; n: number; acc: number }>;
  /** Measured turns (first 20,000): written to turns.jsonl, not printed. */
  turn_log: TurnStats['log'];
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export async function runLoad(o: RunOptions): Promise<BenchResult> {
  const engine = new LoadEngine(o);
  const sampler = new Sampler({ engine, pid: o.pid, metricsUrl: o.metricsUrl });
  const progress = o.progress;
  sampler.start();
  await sleep(1200); // a baseline sample before any session
  const rssBefore = sampler.rssMb();
  engine.start();
  progress?.update(0, `connecting ${o.creds.length} sessions`);
  const rampTimer = setInterval(() => progress?.update(0, `connecting: ${engine.counters.connected}/${o.creds.length}`), 500);
  const welcomed = await engine.addSessions(o.creds);
  clearInterval(rampTimer);
  progress?.note(`bench: ${welcomed}/${o.creds.length} sessions welcomed; warming up ${o.warmupS} s`);
  await sleep(o.warmupS * 1000);
  engine.turns.reset();
  engine.counters.timeouts = 0;
  const t0 = engine.clock();
  const frames0 = engine.counters.framesSent;
  const errors0 = new Map(engine.counters.errors);
  const pointsFrom = sampler.points.length;
  const threads0 = o.pid ? readThreads(o.pid) : null;
  const dropped0 = sampler.droppedTotal();
  const end = t0 + o.durationS * 1000;
  while (engine.clock() < end) {
    await sleep(250);
    const last = sampler.points.at(-1);
    const el = (engine.clock() - t0) / 1000;
    progress?.update(el / o.durationS,
      `${engine.counters.connected} sess  ${engine.turns.turns} turns  gap p95 ${fmt(engine.turns.gap.count ? engine.turns.gap.p(95) : NaN)} ms`
      + `  gw ${fmt(last?.gwCpuPct)}% ${fmt(last?.gwRssMb)} MB  lg ${fmt(last?.lgCpuPct)}%  err ${engine.counters.errorCount - sum(errors0)}`);
  }
  const t1 = engine.clock();
  const threads1 = o.pid ? readThreads(o.pid) : null;
  const pts = sampler.points.slice(pointsFrom);
  const rssAfter = sampler.rssMb();
  const idleDelta = o.mode === 'idle' && rssBefore !== null && rssAfter !== null ? rssAfter - rssBefore : null;
  progress?.done();
  sampler.stop();
  const framesSent = engine.counters.framesSent - frames0;
  // errors count from the first connection on (a session lost during the ramp is a failure too)
  const errKinds: Record<string, number> = Object.fromEntries(engine.counters.errors);
  const rampErrors = sum(errors0);
  const connectedAtEnd = engine.counters.connected;
  await engine.stop();
  const secs = (t1 - t0) / 1000;
  const ts = engine.turns;
  const queuesMax: Record<string, number> = {};
  for (const p of pts) for (const [k, v] of Object.entries(p.queues)) queuesMax[k] = Math.max(queuesMax[k] ?? -Infinity, v);
  const dropped1 = sampler.droppedTotal();
  const rssValues = pts.map((p) => p.gwRssMb).filter((x): x is number => x !== null);
  return {
    version: 1,
    label: o.label ?? '',
    at: new Date().toISOString(),
    mode: o.mode,
    sessions: o.creds.length,
    sessions_connected: connectedAtEnd,
    duration_s: round(secs, 1) ?? 0,
    turns: ts.turns,
    turns_per_s: round(ts.turns / secs, 2),
    gap_p50_ms: round(ts.gap.p(50)),
    gap_p95_ms: round(ts.gap.p(95)),
    gap_p99_ms: round(ts.gap.p(99)),
    decision_p50_ms: round(ts.decision.p(50)),
    decision_p95_ms: round(ts.decision.p(95)),
    accuracy: o.mode === 'picking' ? round(ts.accuracy(), 4) : null,
    accuracy_first: o.mode === 'picking' ? round(ts.accuracyFirst(), 4) : null,
    interrupted_turns: ts.interrupted,
    reprompt_rate: o.mode === 'picking' && ts.turns ? round(ts.reprompts / ts.turns, 4) : null,
    no_match_rate: o.mode === 'picking' && ts.turns - ts.typed > 0 ? round(ts.noResult / (ts.turns - ts.typed), 4) : null,
    voice_turns: ts.turns - ts.typed,
    typed_turns: ts.typed,
    accuracy_by_node: o.mode !== 'picking' ? {} : Object.fromEntries([...ts.byNode.entries()].sort().map(([k, v]) => [k, { ...v, accuracy: round(v.correct / v.n, 4), accuracy_first: v.first_n ? round(v.first_correct / v.first_n, 4) : null }])),
    errors: Object.values(errKinds).reduce((a, b) => a + b, 0),
    errors_during_ramp: rampErrors,
    error_kinds: errKinds,
    sessions_welcomed: welcomed,
    client_backlog_events: engine.counters.clientBacklog,
    loadgen_late_skipped_frames: engine.counters.lateSkipped,
    timeouts: engine.counters.timeouts,
    dropped_frames: dropped1 === null ? null : dropped1 - (dropped0 ?? 0),
    asr_busy_rejections: deltaOf(pts, 'voiceman_asr_busy_rejections'),
    asr_loop_shed: deltaOf(pts, 'voiceman_asr_loop_shed'),
    asr_templates_first: { confirmed: deltaOf(pts, 'voiceman_asr_templates_first_confirmed'), fallback: deltaOf(pts, 'voiceman_asr_templates_first_fallback') },
    asr_vad_windows_per_batch: ratioOf(deltaOf(pts, 'voiceman_asr_vad_windows'), deltaOf(pts, 'voiceman_asr_vad_batches')),
    frames_sent: framesSent,
    frames_per_s: round(framesSent / secs, 1),
    gateway_frames_per_s: rateOf(pts, (p) => p.framesIn),
    gateway_threads_cpu_pct: threads0 && threads1 ? threadsPct(threads0, threads1) : null,
    gateway_cpu_pct: round(mean(pts.map((p) => p.gwCpuPct).filter((x): x is number => x !== null)) ?? NaN),
    gateway_rss_mb: round(rssValues.at(-1) ?? NaN),
    gateway_rss_peak_mb: round(rssValues.length ? Math.max(...rssValues) : NaN),
    rss_per_idle_session_mb: idleDelta !== null && welcomed > 0 ? round(Math.max(0, idleDelta) / welcomed, 3) : undefined,
    rss_idle_delta_mb: idleDelta !== null ? round(idleDelta, 1) : undefined,
    loadgen_cpu_pct: round(mean(pts.map((p) => p.lgCpuPct)) ?? NaN),
    loadgen_tick_late_p99_ms: round(engine.tickLate.p(99)),
    event_loop_lag_p99_ms: round(Math.max(...pts.map((p) => p.loopLagP99Ms ?? -Infinity))),
    queues_max: queuesMax,
    settings: { audio: o.audio, speech_duty: o.speechDuty, warmup_s: o.warmupS, seed: o.seed ?? 1, enroll: o.enroll !== undefined },
    ...(o.enroll ? { enroll_s: round(o.enroll.ms / 1000, 1) ?? 0 } : {}),
    build: buildInfo(),
    machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? '', node: process.version, loadavg: os.loadavg().map((x) => round(x, 2) ?? 0) },
    timeline: sampler.points,
    latency_windows: ts.gap.windows(5000).map((w) => ({ t: w.t, n: w.n, p: w.p.map((x) => round(x)) })),
    accuracy_windows: ts.accuracyWindows(10000),
    turn_log: ts.log,
  };
}

function buildInfo(): BenchResult['build'] {
  const git = (args: string[]): string | null => {
    const r = spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 5000 });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status === null ? null : status.length > 0 };
}

/** Growth of a gauge that counts since start (e.g. the recogniser's busy rejections). */
function ratioOf(a: number | null, b: number | null): number | null {
  return a === null || !b ? null : Math.round((a / b) * 100) / 100;
}

function deltaOf(pts: Point[], name: string): number | null {
  const withValue = pts.filter((p) => p.queues[name] !== undefined);
  if (withValue.length === 0) return null;
  return withValue.at(-1)!.queues[name]! - withValue[0]!.queues[name]!;
}

/** Per-second rate of a counter over the sampled points (their own timestamps). */
function rateOf(pts: Point[], get: (p: Point) => number | null): number | null {
  const withValue = pts.filter((p) => get(p) !== null);
  const a = withValue[0];
  const b = withValue.at(-1);
  if (!a || !b || b.t <= a.t) return null;
  return round(((get(b)! - get(a)!) / (b.t - a.t)) * 1000, 1);
}

function sum(m: Map<string, number>): number { let s = 0; for (const v of m.values()) s += v; return s; }
function fmt(x: number | null | undefined): string { return x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(0); }
