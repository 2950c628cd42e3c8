/** The self-contained HTML report: summary table, charts (inline SVG), and the raw JSON. */
import type { BenchResult } from '../run.ts';
import { lineChart } from './svg.ts';
import { summaryTable } from './summary.ts';

export interface CapacityStep { sessions: number; result: BenchResult; ok: boolean; reason: string }

const esc = (s: string): string => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

export function runCharts(r: BenchResult, gapLimitMs?: number): string[] {
  const sec = (t: number): number => Math.round(t / 100) / 10;
  const tl = r.timeline;
  return [
    lineChart({
      title: 'Picker-perceived gap over time (5 s windows)', xLabel: 'seconds since start', yLabel: 'ms',
      series: [50, 95, 99].map((q, i) => ({
        name: `p${q}`, color: ['#2b7bb9', '#e08a00', '#b22'][i]!,
        points: r.latency_windows.map((w) => [sec(w.t), w.p[i] ?? null] as [number, number | null]),
      })),
      limit: gapLimitMs ? { y: gapLimitMs, label: `limit ${gapLimitMs} ms` } : undefined,
    }),
    lineChart({
      title: 'CPU (% of one core) over time', xLabel: 'seconds since start', yLabel: '% of one core',
      series: [
        { name: 'gateway', color: '#2b7bb9', points: tl.map((p) => [sec(p.t), p.gwCpuPct]) },
        { name: 'load generator', color: '#888', points: tl.map((p) => [sec(p.t), p.lgCpuPct]), dashed: true },
      ],
    }),
    lineChart({
      title: 'Gateway RSS and sessions over time', xLabel: 'seconds since start', yLabel: 'MB / sessions',
      series: [
        { name: 'RSS MB', color: '#6a3d9a', points: tl.map((p) => [sec(p.t), p.gwRssMb]) },
        { name: 'sessions', color: '#33a02c', points: tl.map((p) => [sec(p.t), p.sessions]), dashed: true },
      ],
    }),
    lineChart({
      title: 'Gateway event-loop lag p99', xLabel: 'seconds since start', yLabel: 'ms',
      series: [{ name: 'lag p99', color: '#b15928', points: tl.map((p) => [sec(p.t), p.loopLagP99Ms]) }],
    }),
    lineChart({
      title: 'Recognition accuracy (10 s windows)', xLabel: 'seconds since start', yLabel: 'correct / answered',
      yMin: 0, yMax: 1,
      series: [{ name: 'accuracy', color: '#1f78b4', points: r.accuracy_windows.map((w) => [sec(w.t), w.acc]) }],
    }),
  ];
}

export function capacityCharts(steps: CapacityStep[], gapLimitMs: number): string[] {
  const x = (s: CapacityStep): number => s.sessions;
  return [
    lineChart({
      title: 'Gap p95 against sessions', xLabel: 'sessions', yLabel: 'ms',
      series: [
        { name: 'gap p95', color: '#e08a00', points: steps.map((s) => [x(s), s.result.gap_p95_ms]) },
        { name: 'decision p95', color: '#2b7bb9', points: steps.map((s) => [x(s), s.result.decision_p95_ms]) },
      ],
      limit: { y: gapLimitMs, label: `limit ${gapLimitMs} ms` },
    }),
    lineChart({
      title: 'Gateway CPU against sessions', xLabel: 'sessions', yLabel: '% of one core',
      series: [
        { name: 'gateway', color: '#2b7bb9', points: steps.map((s) => [x(s), s.result.gateway_cpu_pct]) },
        { name: 'load generator', color: '#888', points: steps.map((s) => [x(s), s.result.loadgen_cpu_pct]), dashed: true },
      ],
    }),
    lineChart({
      title: 'Gateway RSS against sessions', xLabel: 'sessions', yLabel: 'MB',
      series: [{ name: 'RSS', color: '#6a3d9a', points: steps.map((s) => [x(s), s.result.gateway_rss_mb]) }],
    }),
    lineChart({
      title: 'Accuracy against sessions', xLabel: 'sessions', yLabel: 'correct / answered', yMin: 0, yMax: 1,
      series: [{ name: 'accuracy', color: '#1f78b4', points: steps.map((s) => [x(s), s.result.accuracy]) }],
    }),
  ];
}

export function htmlReport(title: string, r: BenchResult, extra: { charts?: string[]; notes?: string[]; json?: unknown; gapLimitMs?: number } = {}): string {
  const charts = [...(extra.charts ?? []), ...runCharts(r, extra.gapLimitMs)];
  const { turn_log: _omit, ...shown } = r;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:24px;max-width:1360px}pre{background:#f6f6f6;padding:12px;overflow:auto}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts>div{border:1px solid #ddd;padding:6px}details{margin-top:16px}</style>
</head><body>
<h1>${esc(title)}</h1>
<p>${esc(r.at)} · code ${esc(r.build?.commit ?? '?')}${r.build?.dirty ? ' (with uncommitted changes)' : ''} · ${r.machine.cpus} × ${esc(r.machine.cpu_model)} · Node ${esc(r.machine.node)} · load average at end ${r.machine.loadavg.join(' ')}</p>
${(extra.notes ?? []).map((n) => `<p>${esc(n)}</p>`).join('\n')}
<pre>${esc(summaryTable(r))}</pre>
<div class="charts">${charts.map((c) => `<div>${c}</div>`).join('\n')}</div>
<details><summary>Raw result (JSON)</summary><pre>${esc(JSON.stringify(extra.json ?? shown, null, 2))}</pre></details>
</body></html>
`;
}
