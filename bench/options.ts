/** Command-line options of `npm run bench`, parsed and validated with clear errors. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './launch.ts';

export const HELP = `npm run bench -- [options]

Simulated pickers (real WebSocket clients speaking protocol v1, answering with real recorded
speech at real-time pace) against a gateway. Without --target it starts its own gateway process
on 127.0.0.1 (fresh database on the PostgreSQL server of DATABASE_URL, dropped afterwards).

  --sessions N          simulated devices (default 10)
  --duration S          measured seconds, after ramp and warm-up (default 30)
  --warmup S            seconds between the last connection and the measurement (default 5)
  --mode M              echo | picking | idle (default echo; idle = --idle)
  --idle                sessions connect and stay silent; reports rss_per_idle_session_mb
  --answers M           picking: voice (speech only, default) | text (speech, then the same as a text answer)
  --signon M            picking: keypad (operator number and PIN typed, default) | voice (spoken)
  --wms-url URL         picking with --target: the WMS simulator the gateway uses (ground truth)
  --enroll              picking: before the run, enroll each picker's operator through the console
                        API (digits 0-9 from takes 0, 1, 2 of the picker's speaker, held out of its
                        answers; command words are not enrolled: the picker says one flite clip); the bench's
                        own gateway only (not with --target)
  --speech-duty F       fraction of time a picker speaks (default 0.1)
  --audio-mode M        gate (speech + pre-roll + tail only, like the thin client) | continuous
  --audio DIR           labelled digit recordings DIGIT_SPEAKER_TAKE.wav (default ../shared/speech/fsdd-dev)
  --takes N             at most N takes per digit and speaker (default 50)
  --target URL          use a running gateway (http://127.0.0.1:PORT); needs --devices FILE
  --devices FILE        JSON array of {deviceId, token} for --target
  --pid PID             the target gateway's process id, for /proc CPU and RSS
  --gateway-env K=V     extra setting for the started gateway (repeatable)
  --gateway-cpu-prof DIR  V8 CPU profile of the started gateway's event loop (node --cpu-prof),
                        written to DIR when it stops; open it in Chrome DevTools
  --offline-check       picking: after the run, recognise the run's own audio offline with the
                        recogniser's defaults (npm run bench:asr -- --replay) and add live against
                        offline accuracy to the result (accuracy_first_offline, ..._delta_points)
  --keep-db             keep the started gateway's database (its turn log: hypotheses, confidences) and print its URL
  --out DIR             where result.json and report.html go (default bench/results/<time>)
  --json                print the result as one JSON object on stdout
  --compare FILE        compare with a previous result.json; exit 1 on a regression
  --threshold PCT       regression threshold for --compare, percent (default 10)
  --result FILE         with --compare: compare this result.json instead of running
  --find-capacity       ramp sessions until the gap p95 passes --gap-limit or errors appear
  --gap-limit MS        (default 450)   --start N (default 20)   --step N (default 20)
  --max-sessions N      (default 600)   --step-duration S (default 20)
  --connect-rate N      new connections per second (default 100)
  --seed N              random seed (default 1)
  --label TEXT          a name for this run in reports
  --quiet               no progress bar
`;

export interface BenchOptions {
  sessions: number; durationS: number; warmupS: number;
  mode: 'echo' | 'picking' | 'idle';
  answers: 'voice' | 'text'; signOn: 'keypad' | 'voice'; wmsUrl?: string; enroll: boolean;
  speechDuty: number; audioMode: 'gate' | 'continuous';
  audioDir: string; takes: number;
  target?: string; devicesFile?: string; pid?: number;
  gatewayEnv: Record<string, string>;
  /** `--gateway-cpu-prof`: where the started gateway writes its main thread's CPU profile. */
  gatewayCpuProf?: string;
  /** `--offline-check`: the run's audio recognised offline afterwards (bench/offline-check.ts). */
  offlineCheck: boolean;
  out: string; json: boolean; compare?: string; result?: string; threshold: number;
  findCapacity: boolean; gapLimitMs: number; start: number; step: number; maxSessions: number; stepDurationS: number;
  connectRate: number; seed: number; label: string; quiet: boolean; help: boolean; keepDb: boolean;
}

export class OptionError extends Error {
  constructor(message: string) { super(message); this.name = 'OptionError'; }
}

function int(name: string, raw: string | undefined, def: number, min: number, max: number): number {
  if (raw === undefined) return def;
  if (!/^\d+$/.test(raw)) throw new OptionError(`--${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new OptionError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function float(name: string, raw: string | undefined, def: number, min: number, max: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new OptionError(`--${name} must be a number in [${min}, ${max}], got "${raw}"`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions {
  let v;
  try {
    v = parseArgs({
      args: argv, allowPositionals: false, strict: true,
      options: {
        sessions: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' }, mode: { type: 'string' },
        idle: { type: 'boolean' }, answers: { type: 'string' }, signon: { type: 'string' }, 'wms-url': { type: 'string' }, enroll: { type: 'boolean' }, 'speech-duty': { type: 'string' }, 'audio-mode': { type: 'string' },
        audio: { type: 'string' }, takes: { type: 'string' }, target: { type: 'string' }, devices: { type: 'string' },
        pid: { type: 'string' }, 'gateway-env': { type: 'string', multiple: true }, 'gateway-cpu-prof': { type: 'string' }, 'offline-check': { type: 'boolean' }, out: { type: 'string' },
        json: { type: 'boolean' }, compare: { type: 'string' }, result: { type: 'string' }, threshold: { type: 'string' },
        'find-capacity': { type: 'boolean' }, 'gap-limit': { type: 'string' }, start: { type: 'string' },
        step: { type: 'string' }, 'max-sessions': { type: 'string' }, 'step-duration': { type: 'string' },
        'connect-rate': { type: 'string' }, seed: { type: 'string' }, label: { type: 'string' },
        quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, 'keep-db': { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    throw new OptionError((err as Error).message);
  }
  const mode = v.idle ? 'idle' : (v.mode ?? 'echo');
  if (mode !== 'echo' && mode !== 'picking' && mode !== 'idle') throw new OptionError(`--mode must be echo, picking or idle, got "${mode}"`);
  const answers = v.answers ?? 'voice';
  if (answers !== 'voice' && answers !== 'text') throw new OptionError(`--answers must be voice or text, got "${answers}"`);
  const signOn = v.signon ?? 'keypad';
  if (signOn !== 'keypad' && signOn !== 'voice') throw new OptionError(`--signon must be keypad or voice, got "${signOn}"`);
  const audioMode = v['audio-mode'] ?? 'gate';
  if (audioMode !== 'gate' && audioMode !== 'continuous') throw new OptionError(`--audio-mode must be gate or continuous, got "${audioMode}"`);
  if (v.target) {
    let u: URL;
    try { u = new URL(v.target); } catch { throw new OptionError(`--target must be a URL like http://127.0.0.1:8080, got "${v.target}"`); }
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new OptionError('--target must be on this machine (127.0.0.1): the bench only loads local gateways');
    if (!v.devices) throw new OptionError('--target needs --devices FILE (a JSON array of {deviceId, token})');
  }
  if (v.enroll && mode !== 'picking') throw new OptionError('--enroll is for --mode picking (operators sign on and speak)');
  if (v.enroll && v.target) throw new OptionError('--enroll works only with the gateway the bench starts (it creates the operators and a console admin there); drop --target');
  if (v['keep-db'] && v.target) throw new OptionError('--keep-db is for the gateway the bench starts; with --target the database is yours');
  if (v.result && !v.compare) throw new OptionError('--result is only used with --compare');
  if (v['gateway-cpu-prof'] !== undefined && v.target) throw new OptionError('--gateway-cpu-prof is for the gateway the bench starts; profile your own with node --cpu-prof');
  if (v['gateway-cpu-prof'] === '') throw new OptionError('--gateway-cpu-prof needs a folder');
  if (v['offline-check'] && (mode !== 'picking' || v['find-capacity'])) throw new OptionError('--offline-check is for one --mode picking run (its answers are recordings whose truth is known)');
  if (v['offline-check'] && (v['gateway-env'] ?? []).some((kv) => kv.startsWith('ASR_'))) throw new OptionError('--offline-check replays with the recogniser\'s default settings; with ASR_* settings run npm run bench:asr -- --replay OUT/turns.jsonl with the matching flags');
  const gatewayEnv: Record<string, string> = {};
  for (const kv of v['gateway-env'] ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new OptionError(`--gateway-env must be KEY=VALUE, got "${kv}"`);
    gatewayEnv[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return {
    sessions: int('sessions', v.sessions, 10, 1, 5000),
    durationS: int('duration', v.duration, 30, 1, 3600),
    warmupS: int('warmup', v.warmup, 5, 0, 600),
    mode,
    answers,
    signOn,
    wmsUrl: v['wms-url'],
    enroll: v.enroll ?? false,
    speechDuty: float('speech-duty', v['speech-duty'], 0.1, 0.01, 1),
    audioMode,
    audioDir: path.resolve(v.audio ?? path.join(REPO_ROOT, '..', 'shared', 'speech', 'fsdd-dev')),
    takes: int('takes', v.takes, 50, 1, 1000),
    target: v.target, devicesFile: v.devices, pid: v.pid === undefined ? undefined : int('pid', v.pid, 0, 1, 2 ** 31),
    gatewayEnv,
    offlineCheck: v['offline-check'] ?? false,
    gatewayCpuProf: v['gateway-cpu-prof'] === undefined ? undefined : path.resolve(v['gateway-cpu-prof']),
    out: path.resolve(v.out ?? path.join(REPO_ROOT, 'bench', 'results', stamp)),
    json: v.json ?? false,
    compare: v.compare,
    result: v.result,
    threshold: float('threshold', v.threshold, 10, 0, 1000),
    findCapacity: v['find-capacity'] ?? false,
    gapLimitMs: float('gap-limit', v['gap-limit'], 450, 1, 60000),
    start: int('start', v.start, 20, 1, 5000),
    step: int('step', v.step, 20, 1, 5000),
    maxSessions: int('max-sessions', v['max-sessions'], 600, 1, 5000),
    stepDurationS: int('step-duration', v['step-duration'], 20, 3, 3600),
    connectRate: int('connect-rate', v['connect-rate'], 100, 1, 10000),
    seed: int('seed', v.seed, 1, 0, 2 ** 31),
    label: v.label ?? '',
    quiet: v.quiet ?? false,
    keepDb: v['keep-db'] ?? false,
    help: v.help ?? false,
  };
}
