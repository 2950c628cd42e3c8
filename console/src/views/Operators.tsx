/** Operators: list, create (PIN shown once), language, active, PIN reset. */
import { useEffect, useState } from 'preact/hooks';
import { get, patch, post } from '../lib/api.ts';
import { canWrite, useApp } from '../lib/context.ts';
import { t } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/turns.ts';

interface Operator { id: number; externalId: string; name: string; language: 'en' | 'ru'; active: boolean; hasPin: boolean; lastSessionAt: string | null; voiceWords: number; voiceUpdatedAt: string | null }

export function Operators() {
  const { siteId, me } = useApp();
  const base = `/sites/${encodeURIComponent(siteId)}/operators`;
  const [items, setItems] = useState<Operator[]>([]);
  const [form, setForm] = useState({ externalId: '', name: '', language: 'en' });
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const writable = canWrite(me, 'supervisor');

  const reload = (): void => { get(base).then((r) => setItems(r.items), (e: Error) => setError(e.message)); };
  useEffect(reload, [siteId]);

  const run = async (fn: () => Promise<void>): Promise<void> => {
    setError(''); setNotice('');
    try { await fn(); reload(); } catch (err) { setError((err as Error).message); }
  };

  return (
    <section>
      <h2>{t('operators')}</h2>
      {notice && <p class="notice" role="status">{notice}</p>}
      {error && <p class="error">{error}</p>}
      {writable && (
        <form class="inline" onSubmit={(e) => { e.preventDefault(); void run(async () => {
          const r = await post(base, form);
          setNotice(`${r.operator.name}: ${t('newPinIs', { pin: r.pin })}`);
          setForm({ externalId: '', name: '', language: 'en' });
        }); }}>
          <input placeholder={t('externalId')} value={form.externalId} onInput={(e) => setForm({ ...form, externalId: (e.target as HTMLInputElement).value })} required />
          <input placeholder={t('name')} value={form.name} onInput={(e) => setForm({ ...form, name: (e.target as HTMLInputElement).value })} required />
          <select value={form.language} onChange={(e) => setForm({ ...form, language: (e.target as HTMLSelectElement).value })}><option value="en">English</option><option value="ru">Русский</option></select>
          <button type="submit">{t('create')}</button>
        </form>
      )}
      <table>
        <thead><tr><th>{t('externalId')}</th><th>{t('name')}</th><th>{t('language')}</th><th>{t('enrollment')}</th><th>{t('active')}</th><th>{t('lastSeen')}</th><th></th></tr></thead>
        <tbody>{items.map((o) => (
          <tr key={o.id}>
            <td>{o.externalId}</td><td>{o.name}</td>
            <td>{writable ? <select value={o.language} onChange={(e) => void run(() => patch(`${base}/${o.id}`, { language: (e.target as HTMLSelectElement).value }))}>
              <option value="en">en</option><option value="ru">ru</option></select> : o.language}</td>
            <td>{o.hasPin ? t('enrolled') : t('notEnrolled')} · {o.voiceWords ? t('voiceWords', { n: o.voiceWords }) : t('noVoice')}</td>
            <td>{o.active ? t('yes') : t('no')}</td>
            <td>{fmtDateTime(o.lastSessionAt)}</td>
            <td>{writable && <>
              <button onClick={() => void run(async () => { const r = await post(`${base}/${o.id}/pin`); setNotice(`${o.name}: ${t('newPinIs', { pin: r.pin })}`); })}>{t('pinReset')}</button>
              <button onClick={() => void run(() => patch(`${base}/${o.id}`, { active: !o.active }))}>{o.active ? t('deactivate') : t('activate')}</button>
            </>}</td>
          </tr>
        ))}</tbody>
      </table>
    </section>
  );
}
