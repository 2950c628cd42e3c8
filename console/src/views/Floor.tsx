/** Live floor: every active session of the site, updated from the console socket. */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../lib/api.ts';
import { useApp } from '../lib/context.ts';
import { t } from '../lib/i18n.ts';
import { live, type LiveSession, type LiveTurn } from '../lib/live.ts';
import { fmtConf, fmtMs, fmtTime, isAnswer, isNoMatch, isPick } from '../lib/turns.ts';

export interface FloorRow {
  sessionId: string; deviceId: string; deviceLabel: string | null; operatorId: number | null; operatorName: string | null;
  startedAt: string | null; flowNode: string | null;
  lastPrompt: { text: string | null; at: string } | null;
  lastAnswer: { kind: string; text: string | null; confidence: number | null; at: string } | null;
  lastLatencyMs: number | null; lastTurnAt: string | null; picks: number; answers: number; noMatches: number;
  /** Highest seq applied (dedups a turn seen in the snapshot and again live). */
  maxSeq: number;
  /** Counts run from here (the server counts each session's recent turns only). */
  windowStart: string | null;
}

export function applyTurn(row: FloorRow, turn: LiveTurn): FloorRow {
  if (turn.seq <= row.maxSeq) return row;
  const r = { ...row, maxSeq: turn.seq, lastTurnAt: turn.at };
  if (turn.flowNode) r.flowNode = turn.flowNode;
  if (turn.latencyMs !== null) r.lastLatencyMs = turn.latencyMs;
  if (turn.kind === 'prompt') r.lastPrompt = { text: turn.text, at: turn.at };
  if (isAnswer(turn)) { r.lastAnswer = { kind: turn.kind, text: turn.text, confidence: turn.confidence, at: turn.at }; r.answers++; }
  if (isNoMatch(turn)) r.noMatches++;
  if (isPick(turn)) r.picks++;
  return r;
}

function emptyRow(s: Pick<LiveSession, 'sessionId' | 'deviceId' | 'deviceLabel' | 'operatorId' | 'operatorName' | 'startedAt'>): FloorRow {
  return { ...s, flowNode: null, lastPrompt: null, lastAnswer: null, lastLatencyMs: null, lastTurnAt: null, picks: 0, answers: 0, noMatches: 0, maxSeq: 0, windowStart: s.startedAt };
}

const picksPerHour = (r: FloorRow): string => {
  const since = r.windowStart ?? r.startedAt;
  if (!since) return '—';
  const hours = Math.max(1 / 60, (Date.now() - new Date(since).getTime()) / 3600_000);
  return (r.picks / hours).toFixed(0);
};

export function Floor() {
  const { siteId } = useApp();
  const [rows, setRows] = useState<Map<string, FloorRow>>(new Map());
  const [error, setError] = useState('');

  useEffect(() => {
    const topic = `floor/${siteId}`;
    let stopped = false;
    const load = async (): Promise<number> => {
      const snap = await get<{ cursor: number; sessions: FloorRow[] }>(`/sites/${encodeURIComponent(siteId)}/floor`);
      if (!stopped) setRows(new Map(snap.sessions.map((s) => [s.sessionId, s])));
      return snap.cursor;
    };
    let unsub = (): void => undefined;
    load().then((cursor) => {
      if (stopped) return;
      unsub = live.subscribe(topic, cursor, {
        turn: (turn) => setRows((prev) => {
          const next = new Map(prev);
          const row = next.get(turn.sessionId) ?? emptyRow({ sessionId: turn.sessionId, deviceId: '', deviceLabel: null, operatorId: null, operatorName: null, startedAt: turn.at });
          next.set(turn.sessionId, applyTurn(row, turn));
          return next;
        }),
        session: (s) => setRows((prev) => {
          const next = new Map(prev);
          if (s.endedAt) { next.delete(s.sessionId); return next; }
          const row = next.get(s.sessionId);
          next.set(s.sessionId, row ? { ...row, operatorId: s.operatorId, operatorName: s.operatorName, deviceLabel: s.deviceLabel ?? row.deviceLabel, deviceId: s.deviceId } : emptyRow(s));
          return next;
        }),
        reset: () => { void load().then((c) => live.resubscribe(topic, c)); },
      });
    }, (err: Error) => setError(err.message));
    return () => { stopped = true; unsub(); };
  }, [siteId]);

  const list = [...rows.values()].sort((a, b) => (a.deviceLabel ?? '').localeCompare(b.deviceLabel ?? ''));
  return (
    <section>
      <h2>{t('floor')} <small>({list.length})</small></h2>
      {error && <p class="error">{error}</p>}
      {list.length === 0 ? <p class="muted">{t('noSessions')}</p> : (
        <table class="floor">
          <thead><tr>
            <th>{t('device')}</th><th>{t('operator')}</th><th>{t('step')}</th><th>{t('lastPrompt')}</th><th>{t('lastAnswer')}</th>
            <th>{t('confidence')}</th><th>{t('latency')}</th><th>{t('picksPerHour')}</th><th>{t('noMatchRate')}</th><th></th>
          </tr></thead>
          <tbody>
            {list.map((r) => {
              const nm = r.lastAnswer ? isNoMatch(r.lastAnswer) : false;
              return (
                <tr key={r.sessionId} data-session={r.sessionId}>
                  <td>{r.deviceLabel ?? r.deviceId.slice(0, 8)}</td>
                  <td>{r.operatorName ?? '—'}</td>
                  <td><code>{r.flowNode ?? '—'}</code></td>
                  <td class="prompt">{r.lastPrompt?.text ?? '—'}</td>
                  <td class={nm ? 'nomatch' : 'answer'}>{nm ? t('noMatch') : r.lastAnswer?.text ?? '—'}</td>
                  <td>{fmtConf(r.lastAnswer?.confidence)}</td>
                  <td>{fmtMs(r.lastLatencyMs)}</td>
                  <td>{picksPerHour(r)}</td>
                  <td>{r.answers ? `${Math.round((100 * r.noMatches) / r.answers)}%` : '—'}</td>
                  <td><a href={`#/session/${r.sessionId}`}>{t('open')}</a> <small class="muted">{fmtTime(r.lastTurnAt)}</small></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
