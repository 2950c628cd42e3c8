/** The audit log: who changed what, when, before and after. */
import { useEffect, useState } from 'preact/hooks';
import { get, qs } from '../lib/api.ts';
import { t } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/turns.ts';

interface Entry { id: number; at: string; userName: string; action: string; siteId: string | null; entity: string; entityId: string | null; before: unknown; after: unknown }

export function Audit() {
  const [items, setItems] = useState<Entry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState('');
  const load = (before?: number): void => {
    get(`/audit${qs({ before })}`).then((r) => { setItems(before ? [...items, ...r.items] : r.items); setNext(r.next); }, (e: Error) => setError(e.message));
  };
  useEffect(() => load(), []);
  return (
    <section>
      <h2>{t('audit')}</h2>
      {error && <p class="error">{error}</p>}
      <table class="audit">
        <thead><tr><th>{t('time')}</th><th>{t('who')}</th><th>{t('action')}</th><th>{t('site')}</th><th>{t('entity')}</th><th>before → after</th></tr></thead>
        <tbody>{items.map((e) => (
          <tr key={e.id}>
            <td>{fmtDateTime(e.at)}</td><td>{e.userName}</td><td>{e.action}</td><td>{e.siteId ?? '—'}</td><td>{e.entity} {e.entityId}</td>
            <td><details><summary>…</summary><pre>{JSON.stringify(e.before, null, 1)}</pre><pre>{JSON.stringify(e.after, null, 1)}</pre></details></td>
          </tr>
        ))}</tbody>
      </table>
      {next && <button onClick={() => load(next)}>{t('more')}</button>}
    </section>
  );
}
