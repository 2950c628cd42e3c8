/**
 * `--compare base.json`: the deltas of the figures that matter, and whether any got worse than
 * the threshold allows. Relative for latencies, CPU, RSS and throughput; absolute points for
 * rates; any new error is a regression.
 */
export type Figures = Record<string, unknown>;

interface Rule { key: string; better: 'lower' | 'higher'; kind: 'rel' | 'abs' | 'count' }

export const RULES: Rule[] = [
  { key: 'gap_p95_ms', better: 'lower', kind: 'rel' },
  { key: 'gap_p50_ms', better: 'lower', kind: 'rel' },
  { key: 'decision_p95_ms', better: 'lower', kind: 'rel' },
  { key: 'turns_per_s', better: 'higher', kind: 'rel' },
  { key: 'gateway_cpu_pct', better: 'lower', kind: 'rel' },
  { key: 'gateway_rss_mb', better: 'lower', kind: 'rel' },
  { key: 'rss_per_idle_session_mb', better: 'lower', kind: 'rel' },
  { key: 'capacity_sessions', better: 'higher', kind: 'rel' },
  { key: 'accuracy', better: 'higher', kind: 'abs' },
  { key: 'accuracy_first', better: 'higher', kind: 'abs' },
  { key: 'reprompt_rate', better: 'lower', kind: 'abs' },
  { key: 'errors', better: 'lower', kind: 'count' },
  { key: 'dropped_frames', better: 'lower', kind: 'count' },
  { key: 'asr_busy_rejections', better: 'lower', kind: 'count' },
];

export interface Delta { key: string; base: number; current: number; change: string; regression: boolean }

export interface CompareOptions {
  /** Relative threshold for 'rel' figures, e.g. 0.1 = 10 % worse. */
  relThreshold: number;
  /** Absolute threshold for rates, e.g. 0.01 = one point. */
  absThreshold: number;
  /** Latencies below this many ms are noise: a change smaller than this never counts. */
  msFloor: number;
}

export const DEFAULT_COMPARE: CompareOptions = { relThreshold: 0.1, absThreshold: 0.01, msFloor: 5 };

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

export function compare(base: Figures, current: Figures, o: CompareOptions = DEFAULT_COMPARE): Delta[] {
  const out: Delta[] = [];
  for (const r of RULES) {
    const b = num(base[r.key]);
    const c = num(current[r.key]);
    if (b === null || c === null) continue;
    const worse = r.better === 'lower' ? c - b : b - c;
    let regression: boolean;
    let change: string;
    if (r.kind === 'rel') {
      const rel = b !== 0 ? (c - b) / Math.abs(b) : c === 0 ? 0 : Infinity;
      change = `${rel >= 0 ? '+' : ''}${(rel * 100).toFixed(1)} %`;
      const floor = r.key.endsWith('_ms') ? o.msFloor : 0;
      regression = worse > floor && worse / Math.max(Math.abs(b), 1e-9) > o.relThreshold;
    } else if (r.kind === 'abs') {
      change = `${c - b >= 0 ? '+' : ''}${((c - b) * 100).toFixed(2)} pt`;
      regression = worse > o.absThreshold;
    } else {
      change = `${c - b >= 0 ? '+' : ''}${c - b}`;
      regression = worse > 0;
    }
    out.push({ key: r.key, base: b, current: c, change, regression });
  }
  return out;
}

export function formatDeltas(deltas: Delta[]): string {
  if (deltas.length === 0) return '  (no figures in common)';
  const w = Math.max(...deltas.map((d) => d.key.length));
  return deltas.map((d) =>
    `  ${d.key.padEnd(w)}  ${String(d.base).padStart(10)} → ${String(d.current).padEnd(10)} ${d.change.padStart(10)}${d.regression ? '  REGRESSION' : ''}`,
  ).join('\n');
}
