/**
 * CPU time of the calling thread, in ms. The rtf is "decode CPU time / audio time" (issue #3):
 * a handler's wall time also counts the time the thread was preempted, which on a loaded machine
 * (two recogniser threads, the VAD thread and the event loop on two cores) is a large share
 * (docs/performance/asr.md round 14). Linux: `/proc/thread-self/schedstat`, whose first field is
 * the thread's time on a CPU in ns (one pread, ~2 µs). Elsewhere, or if it cannot be read: wall time.
 */
import { openSync, readSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface ThreadClock {
  /** Milliseconds: thread CPU time when `cpu`, else wall time (comparable only within one clock). */
  now(): number;
  /** Whether now() is the thread's CPU time. */
  readonly cpu: boolean;
}

/** A clock for the calling thread: call it on the thread that is to be measured. */
export function threadClock(): ThreadClock {
  let fd: number;
  try { fd = openSync('/proc/thread-self/schedstat', 'r'); } catch { return { now: () => performance.now(), cpu: false }; }
  const buf = Buffer.alloc(64);
  const read = (): number => {
    const n = readSync(fd, buf, 0, buf.length, 0);
    const end = buf.indexOf(0x20);
    return Number(buf.toString('latin1', 0, end > 0 && end < n ? end : n)) / 1e6;
  };
  const first = read();
  if (!Number.isFinite(first)) return { now: () => performance.now(), cpu: false };
  return { now: read, cpu: true };
}

/**
 * Names the calling thread for the OS (`/proc/thread-self/comm`, at most 15 bytes; Linux only), so
 * that `top -H`, `ps -L` and the bench (`gateway_threads_cpu_pct`) tell the recogniser and VAD
 * threads apart. Returns whether it could: a thread that cannot be named works the same.
 */
export function nameThread(name: string): boolean {
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
    return true;
  } catch {
    return false; // not Linux, or /proc not mounted: the name is only for observers
  }
}
