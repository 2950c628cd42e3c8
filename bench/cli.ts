/**
 * npm run bench: simulated pickers against a gateway; summary, JSON, HTML report, --compare,
 * --idle, --find-capacity. See `npm run bench -- --help` and bench/README.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HELP, OptionError, parseOptions, type BenchOptions } from './options.ts';
import { launchGateway, launchWmsSim, type LocalGateway, type LocalWmsSim } from './launch.ts';
import { fetchTruth, PickingScript, type Truth } from './picking.ts';
import { ENROLL_TAKES, enrollPickers } from './enroll.ts';
import { pickerVoice } from './engine.ts';
import { loadAudio } from './audio/load.ts';
import { runLoad, type BenchResult } from './run.ts';
import { findCapacity } from './capacity.ts';
import { Progress } from './progress.ts';
import { summaryTable } from './report/summary.ts';
import { capacityCharts, htmlReport } from './report/html.ts';
import { compare, formatDeltas, DEFAULT_COMPARE } from './report/compare.ts';
import { EchoScript, IdleScript } from './scripts.ts';
import { offlineCheck } from './offline-check.ts';
import type { DeviceCreds, Script } from './device.ts';

function fail(msg: string, code = 2): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(code);
}

let o: BenchOptions;
try {
  o = parseOptions(process.argv.slice(2));
} catch (err) {
  if (err instanceof OptionError) fail(`${err.message}\n\n${HELP}`);
  throw err;
}
if (o.help) { process.stdout.write(HELP); process.exit(0); }

const progress = new Progress(o.quiet);
const say = (s: string): void => { (o.json ? process.stderr : process.stdout).write(`${s}\n`); };

let base: Record<string, unknown> | undefined;
if (o.compare) {
  try {
    base = JSON.parse(readFileSync(o.compare, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    fail(`cannot read --compare ${o.compare}: ${(err as Error).message}`);
  }
}

if (base && o.result) {
  // compare two finished runs, no load
  let current: Record<string, unknown>;
  try {
    current = JSON.parse(readFileSync(o.result, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    fail(`cannot read --result ${o.result}: ${(err as Error).message}`);
  }
  const deltas = compare(base, current, { ...DEFAULT_COMPARE, relThreshold: o.threshold / 100 });
  say(`Compared ${o.result} with ${o.compare} (threshold ${o.threshold} %):\n${formatDeltas(deltas)}`);
  const regressed = deltas.some((d) => d.regression);
  if (regressed) say('bench: REGRESSION');
  if (o.json) process.stdout.write(`${JSON.stringify({ regression: regressed, deltas })}\n`);
  process.exit(regressed ? 1 : 0);
}

// with --enroll, each speaker's enrollment takes are never said in the run (held out)
const audio = await loadAudio(o.audioDir, { takes: o.takes, seed: o.seed, ...(o.enroll ? { heldOut: ENROLL_TAKES } : {}) });
progress.note(`bench: ${audio.bank.frameCount} audio frames from ${audio.speakers.length} speakers ready in ${Math.round(audio.loadMs)} ms`);

const needed = o.findCapacity ? o.maxSessions : o.sessions;
mkdirSync(o.out, { recursive: true });
let gw: LocalGateway | null = null;
let wms: LocalWmsSim | null = null;
let truth: Truth | null = null;
if (o.mode === 'picking') {
  if (o.target && !o.wmsUrl) fail('--mode picking with --target needs --wms-url (the WMS simulator the gateway uses, for its ground truth)');
  if (o.wmsUrl) {
    truth = await fetchTruth(o.wmsUrl);
  } else {
    // one English-speaking operator per session (a quarter of the simulator's operators speak Russian)
    const operators = Math.ceil((needed * 4) / 3) + 4;
    wms = await launchWmsSim({ operators, seed: o.seed, logFile: path.join(o.out, 'wms-sim.log') });
    progress.note(`bench: WMS simulator at ${wms.url} with ${operators} operators`);
    truth = await fetchTruth(wms.url);
    o.gatewayEnv = { WMS_KIND: 'rest', WMS_URL: wms.url, ...o.gatewayEnv };
  }
}
let creds: DeviceCreds[];
let wsUrl: string;
let metricsUrl: string;
let pid: number | undefined;
if (o.target) {
  try {
    creds = JSON.parse(readFileSync(o.devicesFile!, 'utf8')) as DeviceCreds[];
  } catch (err) {
    fail(`cannot read --devices ${o.devicesFile}: ${(err as Error).message}`);
  }
  if (!Array.isArray(creds) || creds.length < needed) fail(`--devices has ${Array.isArray(creds) ? creds.length : 0} devices; ${needed} needed`);
  const u = new URL(o.target);
  wsUrl = `ws://${u.host}/v1/device`;
  metricsUrl = `http://${u.host}/metrics`;
  pid = o.pid;
} else {
  progress.note(`bench: starting a gateway with ${needed} devices (log: ${path.join(o.out, 'gateway.log')})`);
  // echo: the protocol path only; picking and idle: the product as configured (dialog, speech)
  const modeEnv: Record<string, string> = o.mode === 'echo' ? { CONVERSATION: 'echo', SPEECH: 'false' }
    : o.mode === 'picking' ? { CONVERSATION: 'dialog', WMS_SIMULATOR: 'off' } : {};
  gw = await launchGateway({ devices: needed, logFile: path.join(o.out, 'gateway.log'), env: { ...modeEnv, ...o.gatewayEnv }, keepDatabase: o.keepDb, admin: o.enroll, ...(o.gatewayCpuProf ? { cpuProfDir: o.gatewayCpuProf } : {}) });
  if (o.keepDb) progress.note(`bench: the gateway's database is kept: ${gw.databaseUrl}`);
  creds = gw.devices;
  wsUrl = gw.wsUrl;
  metricsUrl = gw.metricsUrl;
  pid = gw.pid;
}

const stopAll = async (): Promise<void> => {
  await gw?.close(); gw = null;
  await wms?.close(); wms = null;
};
process.on('SIGINT', () => { void stopAll().then(() => process.exit(130)); });

const script: Script = o.mode === 'idle' ? new IdleScript()
  : o.mode === 'picking' ? new PickingScript(truth!, needed, o.answers === 'text', o.signOn) : new EchoScript();
let enrolled: { ms: number } | undefined;
if (o.enroll && gw?.admin && script instanceof PickingScript) {
  // every picker that may run (all --find-capacity steps too): its operator and its speaker, as the engine assigns them
  const pickers = Array.from({ length: needed }, (_, i) => ({ op: script.operatorOf(i), speaker: pickerVoice(audio.speakers, i) }));
  // Digits only: a command word is one synthesised clip per voice, the very clip the picker says,
  // so enrolling it would measure a template matched against itself.
  progress.note(`bench: enrolling ${needed} operators through the console API`);
  try {
    const s = await enrollPickers({ httpUrl: gw.httpUrl, siteId: gw.siteId, admin: gw.admin, pickers, audioDir: o.audioDir, bank: audio.bank, words: [] });
    enrolled = { ms: s.ms };
    progress.note(`bench: enrolled ${s.operators} operators (${s.words} words, ${s.takes} takes) in ${(s.ms / 1000).toFixed(1)} s`);
    if (s.missing.length) progress.note(`bench: no enrollment audio for ${s.missing.slice(0, 10).join(', ')}${s.missing.length > 10 ? ' …' : ''}`);
  } catch (err) {
    await stopAll();
    fail(`enrollment failed: ${(err as Error).message}`, 1);
  }
}
const runBase = {
  wsUrl, bank: audio.bank, script, audio: o.audioMode, speechDuty: o.speechDuty, seed: o.seed,
  connectRate: o.connectRate, voices: audio.speakers, warmupS: o.warmupS, mode: o.mode, pid, metricsUrl, progress,
  label: o.label, ...(enrolled ? { enroll: enrolled } : {}),
} as const;

let exitCode = 0;
try {
  let result: BenchResult;
  let figures: Record<string, unknown>;
  let html: string;
  if (o.findCapacity) {
    const cap = await findCapacity({
      base: runBase, creds, start: o.start, step: o.step, max: o.maxSessions, stepDurationS: o.stepDurationS, gapLimitMs: o.gapLimitMs,
      onStep: (s) => progress.note(`bench: ${s.sessions} sessions: ${s.ok ? 'held' : 'FAILED'} (${s.reason}); gateway CPU ${s.result.gateway_cpu_pct} %, RSS ${s.result.gateway_rss_mb} MB`),
    });
    const best = cap.steps.filter((s) => s.ok).at(-1) ?? cap.steps[0]!;
    result = best.result;
    figures = {
      ...strip(result), capacity_sessions: cap.capacity_sessions, capacity_limited_by: cap.limited_by, gap_limit_ms: o.gapLimitMs,
      steps: cap.steps.map((s) => ({ sessions: s.sessions, ok: s.ok, reason: s.reason, ...strip(s.result) })),
    };
    html = htmlReport(`Voiceman capacity: ${cap.capacity_sessions} sessions`, result, {
      charts: capacityCharts(cap.steps, o.gapLimitMs), gapLimitMs: o.gapLimitMs, json: figures,
      notes: [`Largest session count that held: ${cap.capacity_sessions}. Limited by: ${cap.limited_by}. The detailed charts below are of that step.`],
    });
    say(`\nCapacity: ${cap.capacity_sessions} sessions (limit: ${cap.limited_by})`);
    for (const s of cap.steps) say(`  ${String(s.sessions).padStart(5)} sessions  ${s.ok ? 'ok  ' : 'FAIL'}  gap p95 ${s.result.gap_p95_ms} ms  decision p95 ${s.result.decision_p95_ms} ms  gw CPU ${s.result.gateway_cpu_pct} %  RSS ${s.result.gateway_rss_mb} MB  lg CPU ${s.result.loadgen_cpu_pct} %`);
  } else {
    result = await runLoad({ ...runBase, creds: creds.slice(0, o.sessions), durationS: o.durationS });
    figures = strip(result);
    html = htmlReport(`Voiceman bench: ${o.sessions} sessions, ${o.mode}`, result, { json: figures });
  }
  say('\nSummary');
  say(summaryTable(result));
  const writeResult = (): void => writeFileSync(path.join(o.out, 'result.json'), `${JSON.stringify({ ...figures, timeline: result.timeline, latency_windows: result.latency_windows, accuracy_windows: result.accuracy_windows }, null, 2)}\n`);
  writeResult();
  writeFileSync(path.join(o.out, 'report.html'), html);
  writeFileSync(path.join(o.out, 'turns.jsonl'), result.turn_log.map((x) => JSON.stringify(x)).join('\n') + '\n');
  if (o.offlineCheck) {
    await stopAll();
    progress.note('bench: recognising the run\'s audio offline (bench:asr --replay) ...');
    try {
      const oc = await offlineCheck(path.join(o.out, 'turns.jsonl'), o.audioDir);
      figures = { ...figures, ...oc };
      say(`\nOffline on the same audio: first attempts live ${oc.accuracy_first_live.toFixed(3)}, offline ${oc.accuracy_first_offline.toFixed(3)} (${oc.accuracy_first_delta_points >= 0 ? '+' : ''}${oc.accuracy_first_delta_points.toFixed(1)} points)`);
      for (const [k, v] of Object.entries(oc.accuracy_first_by_node)) say(`  ${k.padEnd(24)} n ${String(v.n).padStart(5)}  live ${v.live.toFixed(3)}  offline ${v.offline.toFixed(3)}  ${v.delta_points >= 0 ? '+' : ''}${v.delta_points.toFixed(1)}`);
      writeResult();
    } catch (err) {
      progress.note(`bench: --offline-check failed: ${(err as Error).message}`);
      exitCode = 1;
    }
  }
  say(`\nWrote ${path.join(o.out, 'result.json')}, report.html and turns.jsonl`);
  if (base) {
    const deltas = compare(base, figures, { ...DEFAULT_COMPARE, relThreshold: o.threshold / 100 });
    say(`\nCompared with ${o.compare} (threshold ${o.threshold} %):\n${formatDeltas(deltas)}`);
    if (deltas.some((d) => d.regression)) { say('bench: REGRESSION'); exitCode = 1; }
  }
  if (o.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  await stopAll();
}
process.exit(exitCode);

/** The result without its per-second arrays (what --json prints). */
function strip(r: BenchResult): Record<string, unknown> {
  const { timeline: _t, latency_windows: _l, accuracy_windows: _a, turn_log: _g, ...rest } = r;
  return rest;
}
