/** Process settings of the site: typed, bounded, with defaults; admins change them. */
import { useEffect, useState } from 'preact/hooks';
import { get, put } from '../lib/api.ts';
import { canWrite, useApp } from '../lib/context.ts';
import { t } from '../lib/i18n.ts';

interface Setting { key: string; type: 'int' | 'number' | 'bool' | 'string'; doc: string; default: unknown; min?: number; max?: number; values?: string[]; value: unknown; overridden: boolean }

export function Settings() {
  const { siteId, me } = useApp();
  const base = `/sites/${encodeURIComponent(siteId)}/settings`;
  const [items, setItems] = useState<Setting[]>([]);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const writable = canWrite(me, 'admin');
  const reload = (): void => { get(base).then((r) => { setItems(r.items); setDrafts({}); }, (e: Error) => setError(e.message)); };
  useEffect(reload, [siteId]);

  const save = async (s: Setting, raw: string | null): Promise<void> => {
    setError('');
    const value = raw === null ? null : s.type === 'bool' ? raw === 'true' : s.type === 'string' ? raw : Number(raw);
    try { await put(`${base}/${encodeURIComponent(s.key)}`, { value }); reload(); } catch (err) { setError(`${s.key}: ${(err as Error).message}`); }
  };

  return (
    <section>
      <h2>{t('settings')}</h2>
      {error && <p class="error">{error}</p>}
      <table>
        <thead><tr><th>{t('key')}</th><th>{t('value')}</th><th>{t('default')}</th><th></th></tr></thead>
        <tbody>{items.map((s) => {
          const draft = drafts[s.key] ?? String(s.value);
          const setDraft = (v: string): void => setDrafts({ ...drafts, [s.key]: v });
          return (
            <tr key={s.key}>
              <td><code>{s.key}</code><br /><small class="muted">{s.doc}</small></td>
              <td>{!writable ? String(s.value)
                : s.type === 'bool' ? <select value={draft} onChange={(e) => setDraft((e.target as HTMLSelectElement).value)}><option value="true">true</option><option value="false">false</option></select>
                : s.values ? <select value={draft} onChange={(e) => setDraft((e.target as HTMLSelectElement).value)}>{s.values.map((v) => <option value={v}>{v}</option>)}</select>
                : <input type="number" step={s.type === 'int' ? 1 : 'any'} min={s.min} max={s.max} value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />}
              </td>
              <td>{String(s.default)}{s.min !== undefined ? ` (${s.min}–${s.max})` : ''}</td>
              <td>{writable && <>
                <button disabled={draft === String(s.value)} onClick={() => void save(s, draft)}>{t('save')}</button>
                {s.overridden && <button onClick={() => void save(s, null)}>{t('reset')}</button>}
              </>}</td>
            </tr>
          );
        })}</tbody>
      </table>
    </section>
  );
}
