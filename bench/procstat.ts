/** CPU time and resident memory of a process, read from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux USER_HZ; 100 on every mainstream kernel build. */
const CLK_TCK = 100;

export interface ProcSample { at: number; cpuS: number; rssBytes: number }

export class ProcError extends Error {
  constructor(readonly code: 'PROC_GONE', message: string) { super(message); this.name = 'ProcError'; }
}

/** user + system CPU seconds from a `/proc/…/stat` line (a process's or one thread's). */
function statCpuS(stat: string): number {
  // fields after the command name, which may itself contain spaces and parentheses
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
}

/** user + system CPU seconds of all the process's threads, and its RSS. */
export function readProc(pid: number): ProcSample {
  let stat: string;
  let status: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch (err) {
    throw new ProcError('PROC_GONE', `process ${pid} is not running (${(err as Error).message})`);
  }
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return { at: performance.now(), cpuS: statCpuS(stat), rssBytes: m ? Number(m[1]) * 1024 : 0 };
}

/** CPU seconds of a process's threads by name (`main` for its first thread), at one moment. */
export interface ThreadSample { at: number; cpuS: Map<string, number> }

/**
 * Reads every thread of `pid` (`/proc/PID/task`); threads of the same name are summed (the
 * gateway names its recogniser and VAD threads: asr/thread-cpu.ts `nameThread`). Null when the
 * process is gone or /proc cannot be read.
 */
export function readThreads(pid: number): ThreadSample | null {
  const at = performance.now();
  const cpuS = new Map<string, number>();
  let tids: string[];
  try { tids = readdirSync(`/proc/${pid}/task`); } catch { return null; }
  for (const tid of tids) {
    let stat: string, comm: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'latin1').trim();
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const name = Number(tid) === pid ? 'main' : comm;
    cpuS.set(name, (cpuS.get(name) ?? 0) + statCpuS(stat));
  }
  return { at, cpuS };
}

/** Each thread name's CPU between two samples, in percent of one core, highest first (names absent from `a` count from 0). */
export function threadsPct(a: ThreadSample, b: ThreadSample): Record<string, number> {
  const wall = (b.at - a.at) / 1000;
  const out: [string, number][] = [];
  for (const [name, s] of b.cpuS) out.push([name, wall > 0 ? Math.round(((s - (a.cpuS.get(name) ?? 0)) / wall) * 1000) / 10 : 0]);
  return Object.fromEntries(out.sort((x, y) => y[1] - x[1]));
}

/** CPU share between two samples in percent of one core (200 = two full cores). */
export function cpuPct(a: ProcSample, b: ProcSample): number {
  const wall = (b.at - a.at) / 1000;
  return wall > 0 ? ((b.cpuS - a.cpuS) / wall) * 100 : 0;
}

/** This process's own CPU (for the load generator), same unit. */
export class SelfCpu {
  private last = process.cpuUsage();
  private at = performance.now();
  sample(): number {
    const now = performance.now();
    const u = process.cpuUsage(this.last);
    this.last = process.cpuUsage();
    const wall = (now - this.at) / 1000;
    this.at = now;
    return wall > 0 ? ((u.user + u.system) / 1e6 / wall) * 100 : 0;
  }
}
