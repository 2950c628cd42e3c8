/** Dialog history: search by operator, device, dates, assignment, text; server-side pages. */
import { useEffect, useState } from 'preact/hooks';
import { get, qs } from '../lib/api.ts';
import { useApp } from '../lib/context.ts';
import { t } from '../lib/i18n.ts';
import { fmtConf, fmtDateTime, isNoMatch } from '../lib/turns.ts';

interface Row {
  id: number; sessionId: string; seq: number; at: string; kind: string; text: string | null; confidence: number | null;
  latencyMs: number | null; deviceLabel: string | null; operatorName: string | null;
}

const FIELDS = ['operatorId', 'deviceId', 'from', 'to', 'assignment', 'text', 'kind', 'sessionId'] as const;
type Filter = Partial<Record<(typeof FIELDS)[number], string>>;

export function History({ query }: { query: URLSearchParams }) {
  const { siteId } = useApp();
  const initial: Filter = {};
  for (const f of FIELDS) { const v = query.get(f); if (v) initial[f] = v; }
  const [filter, setFilter] = useState<Filter>(initial);
  const [rows, setRows] = useState<Row[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [operators, setOperators] = useState<Array<{ id: number; name: string; externalId: string }>>([]);
  const [devices, setDevices] = useState<Array<{ id: string; label: string }>>([]);

  useEffect(() => {
    void get(`/sites/${encodeURIComponent(siteId)}/operators`).then((r) => setOperators(r.items), (e: Error) => setError(e.message));
    void get(`/sites/${encodeURIComponent(siteId)}/devices`).then((r) => setDevices(r.items), (e: Error) => setError(e.message));
    void search(false);
  }, [siteId]);

  const toIso = (v: string | undefined): string | undefined => (v ? new Date(v).toISOString() : undefined);

  async function search(more: boolean): Promise<void> {
    setError('');
    try {
      const r = await get<{ items: Row[]; next: string | null }>(`/sites/${encodeURIComponent(siteId)}/turns${qs({
        ...filter, from: toIso(filter.from), to: toIso(filter.to), limit: 50, before: more ? next : undefined,
      })}`);
      setRows(more ? [...rows, ...r.items] : r.items);
      setNext(r.next);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const set = (k: keyof Filter) => (e: Event): void => setFilter({ ...filter, [k]: (e.target as HTMLInputElement).value });
  return (
    <section>
      <h2>{t('history')}</h2>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); void search(false); }}>
        <label>{t('operator')}<select name="operatorId" value={filter.operatorId ?? ''} onChange={set('operatorId')}>
          <option value="">{t('all')}</option>{operators.map((o) => <option value={o.id}>{o.name} ({o.externalId})</option>)}
        </select></label>
        <label>{t('device')}<select name="deviceId" value={filter.deviceId ?? ''} onChange={set('deviceId')}>
          <option value="">{t('all')}</option>{devices.map((d) => <option value={d.id}>{d.label}</option>)}
        </select></label>
        <label>{t('from')}<input type="datetime-local" name="from" value={filter.from ?? ''} onInput={set('from')} /></label>
        <label>{t('to')}<input type="datetime-local" name="to" value={filter.to ?? ''} onInput={set('to')} /></label>
        <label>{t('assignment')}<input name="assignment" value={filter.assignment ?? ''} onInput={set('assignment')} /></label>
        <label>{t('text')}<input name="text" value={filter.text ?? ''} onInput={set('text')} /></label>
        <label>{t('kind')}<select name="kind" value={filter.kind ?? ''} onChange={set('kind')}>
          <option value="">{t('allKinds')}</option>{['prompt', 'utterance', 'text', 'event', 'error'].map((k) => <option value={k}>{k}</option>)}
        </select></label>
        <button type="submit">{t('search')}</button>
      </form>
      {error && <p class="error">{error}</p>}
      {rows.length === 0 ? <p class="muted">{t('noResults')}</p> : (
        <table class="history">
          <thead><tr><th>{t('time')}</th><th>{t('device')}</th><th>{t('operator')}</th><th>{t('kind')}</th><th>{t('text')}</th><th>{t('confidence')}</th><th>{t('session')}</th></tr></thead>
          <tbody>{rows.map((r) => (
            <tr key={r.id} class={isNoMatch(r) ? 'nomatch' : ''}>
              <td>{fmtDateTime(r.at)}</td><td>{r.deviceLabel ?? '—'}</td><td>{r.operatorName ?? '—'}</td><td>{r.kind}</td>
              <td>{isNoMatch(r) ? t('noMatch') : r.text}</td><td>{fmtConf(r.confidence)}</td>
              <td><a href={`#/session/${r.sessionId}`}>{t('transcript')}</a></td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {next && <button onClick={() => void search(true)}>{t('more')}</button>}
    </section>
  );
}
