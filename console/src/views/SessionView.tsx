/** One session: its full transcript, then its turns streaming live (no-matches highlighted). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../lib/api.ts';
import { t } from '../lib/i18n.ts';
import { live, type LiveTurn } from '../lib/live.ts';
import { fmtConf, fmtDateTime, fmtMs, fmtTime, isNoMatch } from '../lib/turns.ts';

interface Turn extends LiveTurn { hypothesis?: string | null }
interface SessionInfo {
  sessionId: string; siteId: string; deviceId: string; deviceLabel: string; operatorName: string | null;
  startedAt: string; endedAt: string | null; endReason: string | null;
}

export function SessionView({ sessionId }: { sessionId: string }) {
  const [info, setInfo] = useState<SessionInfo | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [error, setError] = useState('');
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const topic = `session/${sessionId}`;
    let stopped = false;
    const merge = (incoming: Turn[]): void => setTurns((prev) => {
      const bySeq = new Map(prev.map((x) => [x.seq, x]));
      for (const x of incoming) bySeq.set(x.seq, x);
      return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    });
    const load = async (): Promise<number> => {
      const r = await get<{ session: SessionInfo; cursor: number; turns: Turn[] }>(`/sessions/${encodeURIComponent(sessionId)}`);
      if (!stopped) { setInfo(r.session); merge(r.turns); }
      return r.cursor;
    };
    let unsub = (): void => undefined;
    load().then((cursor) => {
      if (stopped) return;
      unsub = live.subscribe(topic, cursor, {
        turn: (turn) => merge([turn]),
        session: (s) => setInfo((prev) => (prev ? { ...prev, endedAt: s.endedAt, endReason: s.endReason, operatorName: s.operatorName ?? prev.operatorName } : prev)),
        reset: () => { void load().then((c) => live.resubscribe(topic, c)); },
      });
    }, (err: Error) => setError(err.message));
    return () => { stopped = true; unsub(); };
  }, [sessionId]);

  useEffect(() => { bottom.current?.scrollIntoView({ block: 'end' }); }, [turns.length]);

  if (error) return <p class="error">{error}</p>;
  return (
    <section>
      <h2>{t('session')} {info?.deviceLabel ?? ''} {info?.operatorName ? `· ${info.operatorName}` : ''}</h2>
      {info && <p class="muted">{t('started')}: {fmtDateTime(info.startedAt)} {info.endedAt ? `· ${t('ended')} ${fmtDateTime(info.endedAt)} (${info.endReason ?? ''})` : `· ${t('live')}`} · {turns.length} {t('turns')} · <a href={`#/history?sessionId=${sessionId}`}>{t('history')}</a></p>}
      <div class="dialog">
        {turns.map((x) => {
          const nm = isNoMatch(x);
          return (
            <div key={x.seq} class={`turn ${x.kind} ${nm ? 'nomatch' : ''}`} data-seq={x.seq}>
              <span class="time">{fmtTime(x.at)}</span>
              <span class="kind">{x.kind}</span>
              <span class="text">{nm ? `${t('noMatch')}${x.hypothesis ? ` (“${x.hypothesis}”)` : ''}` : x.text ?? ''}</span>
              {x.confidence !== null && <span class="conf">{fmtConf(x.confidence)}</span>}
              {x.latencyMs !== null && <span class="lat">{fmtMs(x.latencyMs)}</span>}
              {x.flowNode && <code class="node">{x.flowNode}</code>}
            </div>
          );
        })}
        <div ref={bottom} />
      </div>
    </section>
  );
}
