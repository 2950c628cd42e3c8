/**
 * `--find-capacity`: runs steps of increasing session counts (each a fresh, measured run on the
 * same gateway) until the gap p95 passes the limit or errors appear, then probes once halfway
 * between the last good and the first bad count. Reports the largest count that held.
 */
import { runLoad, type BenchResult, type RunOptions } from './run.ts';
import type { CapacityStep } from './report/html.ts';

export interface CapacityOptions {
  base: Omit<RunOptions, 'creds' | 'durationS'>;
  creds: RunOptions['creds'];
  start: number; step: number; max: number; stepDurationS: number; gapLimitMs: number;
  onStep?: (s: CapacityStep) => void;
}

export interface CapacityResult { capacity_sessions: number; limited_by: string; steps: CapacityStep[] }

export function judge(r: BenchResult, gapLimitMs: number): { ok: boolean; reason: string } {
  if (r.errors > 0) return { ok: false, reason: `${r.errors} errors (${Object.keys(r.error_kinds).slice(0, 3).join('; ')})` };
  if (r.sessions_connected < r.sessions) return { ok: false, reason: `only ${r.sessions_connected}/${r.sessions} sessions connected` };
  if (r.dropped_frames !== null && r.dropped_frames > 0) return { ok: false, reason: `${r.dropped_frames} frames dropped` };
  if (r.gap_p95_ms === null) return { ok: false, reason: 'no turns measured' };
  if (r.gap_p95_ms > gapLimitMs) return { ok: false, reason: `gap p95 ${r.gap_p95_ms} ms > ${gapLimitMs} ms` };
  return { ok: true, reason: `gap p95 ${r.gap_p95_ms} ms` };
}

export async function findCapacity(o: CapacityOptions): Promise<CapacityResult> {
  const steps: CapacityStep[] = [];
  const run = async (n: number): Promise<CapacityStep> => {
    const result = await runLoad({ ...o.base, creds: o.creds.slice(0, n), durationS: o.stepDurationS, label: `${o.base.label ?? ''} ${n} sessions`.trim() });
    const j = judge(result, o.gapLimitMs);
    const s: CapacityStep = { sessions: n, result, ok: j.ok, reason: j.reason };
    steps.push(s);
    o.onStep?.(s);
    return s;
  };
  let good = 0;
  let bad: CapacityStep | null = null;
  for (let n = o.start; n <= Math.min(o.max, o.creds.length); n += o.step) {
    const s = await run(n);
    if (s.ok) good = n; else { bad = s; break; }
  }
  if (bad && bad.sessions - good > 1 && good > 0) {
    const mid = Math.round((good + bad.sessions) / 2);
    if (mid > good && mid < bad.sessions) {
      const s = await run(mid);
      if (s.ok) good = mid; else bad = s;
    }
  }
  steps.sort((a, b) => a.sessions - b.sessions);
  return {
    capacity_sessions: good,
    limited_by: bad ? bad.reason : `not reached: the largest step (${steps.at(-1)?.sessions ?? 0}) held`,
    steps,
  };
}
