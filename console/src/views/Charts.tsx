/** Turns per minute and recognition confidence over the last hour for the site (uPlot), updated live. */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { get, qs } from '../lib/api.ts';
import { useApp } from '../lib/context.ts';
import { t } from '../lib/i18n.ts';
import { live } from '../lib/live.ts';

interface Bucket { t: string; turns: number; avgConfidence: number | null }
const BUCKET_S = 60;

export function Charts() {
  const { siteId } = useApp();
  const turnsEl = useRef<HTMLDivElement>(null);
  const confEl = useRef<HTMLDivElement>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let stopped = false;
    let plots: uPlot[] = [];
    const xs: number[] = [];
    const counts: number[] = [];
    const conf: Array<number | null> = [];
    const confSum: number[] = [];
    const confN: number[] = [];
    const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
    const from = new Date(to.getTime() - 3600_000);
    for (let x = from.getTime() / 1000; x < to.getTime() / 1000 + 900; x += BUCKET_S) {
      xs.push(x); counts.push(0); conf.push(null); confSum.push(0); confN.push(0);
    }
    const redraw = (): void => { plots[0]?.setData([xs, counts]); plots[1]?.setData([xs, conf]); };
    const width = (): number => Math.max(300, (turnsEl.current?.clientWidth ?? 800) - 10);
    let unsub = (): void => undefined;
    get<{ buckets: Bucket[] }>(`/sites/${encodeURIComponent(siteId)}/stats${qs({ from: from.toISOString(), to: to.toISOString(), bucketS: BUCKET_S })}`)
      .then((r) => {
        if (stopped) return;
        for (const b of r.buckets) {
          const i = Math.round((new Date(b.t).getTime() - from.getTime()) / 1000 / BUCKET_S);
          if (i < 0 || i >= xs.length) continue;
          counts[i] = b.turns;
          if (b.avgConfidence !== null) { conf[i] = b.avgConfidence; confSum[i] = b.avgConfidence; confN[i] = 1; }
        }
        const axes = [{}, { size: 50 }];
        plots = [
          new uPlot({ width: width(), height: 220, title: t('turnsPerMinute'), scales: { x: { time: true } }, axes, series: [{}, { label: t('turns'), stroke: '#2a6fdb', fill: 'rgba(42,111,219,0.15)' }] }, [xs, counts], turnsEl.current!),
          new uPlot({ width: width(), height: 220, title: t('avgConfidence'), scales: { x: { time: true }, y: { range: [0, 1] } }, axes, series: [{}, { label: t('confidence'), stroke: '#1b9e4b', spanGaps: false }] }, [xs, conf], confEl.current!),
        ];
        unsub = live.subscribe(`floor/${siteId}`, Number.MAX_SAFE_INTEGER, {
          turn: (turn) => {
            const i = Math.floor((new Date(turn.at).getTime() - from.getTime()) / 1000 / BUCKET_S);
            if (i < 0 || i >= xs.length) return;
            counts[i]!++;
            if (turn.kind === 'utterance' && turn.confidence !== null) {
              confSum[i]! += turn.confidence; confN[i]!++; conf[i] = confSum[i]! / confN[i]!;
            }
            redraw();
          },
        });
      }, (e: Error) => setError(e.message));
    return () => { stopped = true; unsub(); for (const p of plots) p.destroy(); };
  }, [siteId]);

  return (
    <section>
      <h2>{t('charts')} <small class="muted">({t('lastHour')})</small></h2>
      {error && <p class="error">{error}</p>}
      <div ref={turnsEl} class="chart" />
      <div ref={confEl} class="chart" />
    </section>
  );
}
