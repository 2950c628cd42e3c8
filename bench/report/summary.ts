/** The terminal summary of a run. */
import type { BenchResult } from '../run.ts';

const f = (x: number | null | undefined, unit = '', digits = 1): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : `${x.toFixed(digits)}${unit}`;
const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);

export function summaryTable(r: BenchResult): string {
  const rows: Array<[string, string]> = [
    ['code', `${r.build?.commit ?? '?'}${r.build?.dirty ? ' + uncommitted changes' : ''}`],
    ['mode', `${r.mode} (${r.settings.audio} audio, speech duty ${r.settings.speech_duty}${r.settings.enroll ? `, operators enrolled in ${f(r.enroll_s, ' s')}` : ''})`],
    ['sessions (welcomed, connected at end)', `${r.sessions} (${r.sessions_welcomed}, ${r.sessions_connected})`],
    ['measured', `${f(r.duration_s, ' s')} after ${r.settings.warmup_s} s warm-up`],
    ['turns, turns/s', `${r.turns}, ${f(r.turns_per_s, '', 2)}`],
    ['picker-perceived gap p50 / p95 / p99', `${f(r.gap_p50_ms)} / ${f(r.gap_p95_ms)} / ${f(r.gap_p99_ms)} ms`],
    ['server decision p50 / p95', `${f(r.decision_p50_ms)} / ${f(r.decision_p95_ms)} ms`],
    ['recognition accuracy (first attempts)', `${pct(r.accuracy)} (${pct(r.accuracy_first ?? null)})`],
    ['reprompt rate / no-match rate', `${pct(r.reprompt_rate)} / ${pct(r.no_match_rate)}`],
    ['errors (during ramp), timeouts', `${r.errors} (${r.errors_during_ramp}), ${r.timeouts}`],
    ['client socket backlog events', String(r.client_backlog_events)],
    ['silence frames skipped (load generator late)', String(r.loadgen_late_skipped_frames)],
    ['frames sent/s (gateway received/s)', `${f(r.frames_per_s, '', 0)} (${f(r.gateway_frames_per_s, '', 0)})`],
    ['dropped frames (gateway)', r.dropped_frames === null ? '— (no drop counter exported)' : String(r.dropped_frames)],
    ['answers refused by a busy recogniser', r.asr_busy_rejections === null ? '—' : String(r.asr_busy_rejections)],
    ['gateway CPU (mean, % of one core)', f(r.gateway_cpu_pct, ' %')],
    ['  by thread', r.gateway_threads_cpu_pct ? Object.entries(r.gateway_threads_cpu_pct).map(([k, v]) => `${k} ${v} %`).join(', ') : '—'],
    ['gateway RSS end / peak', `${f(r.gateway_rss_mb, ' MB')} / ${f(r.gateway_rss_peak_mb, ' MB')}`],
    ['gateway event-loop lag p99 (max)', f(r.event_loop_lag_p99_ms, ' ms')],
    ['load generator CPU, tick late p99', `${f(r.loadgen_cpu_pct, ' %')}, ${f(r.loadgen_tick_late_p99_ms, ' ms')}`],
  ];
  if (r.rss_per_idle_session_mb !== undefined) rows.push(['RSS per idle session', f(r.rss_per_idle_session_mb, ' MB', 3)]);
  if (r.rss_idle_delta_mb !== undefined && r.rss_idle_delta_mb !== null) rows.push(['RSS change, all idle sessions', f(r.rss_idle_delta_mb, ' MB', 1)]);
  if (r.typed_turns) rows.push(['voice / keypad turns', `${r.voice_turns} / ${r.typed_turns}`]);
  for (const [k, v] of Object.entries(r.accuracy_by_node ?? {})) {
    rows.push([`  ${k}`, `${v.correct}/${v.n} right, ${v.wrong} wrong, ${v.nomatch} no-match; first attempts ${v.first_correct ?? '?'}/${v.first_n ?? '?'}`]);
  }
  for (const [k, v] of Object.entries(r.queues_max)) rows.push([`max ${k}`, f(v, '', 2)]);
  for (const [k, v] of Object.entries(r.error_kinds)) rows.push([`error: ${k}`, String(v)]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}
