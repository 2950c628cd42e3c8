/** Users and roles (admins), and sites. */
import { useEffect, useState } from 'preact/hooks';
import { get, patch, post } from '../lib/api.ts';
import { useApp } from '../lib/context.ts';
import { t } from '../lib/i18n.ts';

interface User { id: number; name: string; displayName: string; role: string; language: string; active: boolean; sites: string[] }
const ROLES = ['admin', 'supervisor', 'viewer'];

export function Users() {
  const { me, siteId, reloadMe } = useApp();
  const [items, setItems] = useState<User[]>([]);
  const [form, setForm] = useState({ name: '', displayName: '', role: 'supervisor' });
  const [site, setSite] = useState({ id: '', name: '', timezone: 'UTC' });
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const reload = (): void => { get('/users').then((r) => setItems(r.items), (e: Error) => setError(e.message)); };
  useEffect(reload, []);
  const run = async (fn: () => Promise<void>): Promise<void> => {
    setError(''); setNotice('');
    try { await fn(); reload(); } catch (err) { setError((err as Error).message); }
  };

  return (
    <section>
      <h2>{t('users')}</h2>
      {notice && <p class="notice" role="status">{notice}</p>}
      {error && <p class="error">{error}</p>}
      <form class="inline" onSubmit={(e) => { e.preventDefault(); void run(async () => {
        const r = await post('/users', { ...form, sites: [siteId] });
        setNotice(`${r.user.name}: ${t('passwordOnce', { pw: r.password })}`);
        setForm({ name: '', displayName: '', role: 'supervisor' });
      }); }}>
        <input placeholder={t('userName')} value={form.name} onInput={(e) => setForm({ ...form, name: (e.target as HTMLInputElement).value })} required />
        <input placeholder={t('displayName')} value={form.displayName} onInput={(e) => setForm({ ...form, displayName: (e.target as HTMLInputElement).value })} />
        <select value={form.role} onChange={(e) => setForm({ ...form, role: (e.target as HTMLSelectElement).value })}>{ROLES.map((r) => <option value={r}>{r}</option>)}</select>
        <button type="submit">{t('create')} ({siteId})</button>
      </form>
      <table>
        <thead><tr><th>{t('userName')}</th><th>{t('displayName')}</th><th>{t('role')}</th><th>{t('sitesOf')}</th><th>{t('active')}</th><th></th></tr></thead>
        <tbody>{items.map((u) => (
          <tr key={u.id}>
            <td>{u.name}</td><td>{u.displayName}</td>
            <td><select value={u.role} disabled={u.id === me.user.id} onChange={(e) => void run(() => patch(`/users/${u.id}`, { role: (e.target as HTMLSelectElement).value }))}>
              {ROLES.map((r) => <option value={r}>{r}</option>)}</select></td>
            <td>{me.sites.map((s) => (
              <label class="chip"><input type="checkbox" checked={u.sites.includes(s.id)} onChange={(e) => {
                const on = (e.target as HTMLInputElement).checked;
                const sites = on ? [...u.sites, s.id] : u.sites.filter((x) => x !== s.id);
                if (sites.length) void run(() => patch(`/users/${u.id}`, { sites }));
              }} />{s.id}</label>
            ))}</td>
            <td>{u.active ? t('yes') : t('no')}</td>
            <td>{u.id !== me.user.id && <button onClick={() => void run(() => patch(`/users/${u.id}`, { active: !u.active }))}>{u.active ? t('deactivate') : t('activate')}</button>}</td>
          </tr>
        ))}</tbody>
      </table>
      <h2>{t('sites')}</h2>
      <form class="inline" onSubmit={(e) => { e.preventDefault(); void run(async () => { await post('/sites', site); setSite({ id: '', name: '', timezone: 'UTC' }); await reloadMe(); }); }}>
        <input placeholder="ID" value={site.id} onInput={(e) => setSite({ ...site, id: (e.target as HTMLInputElement).value })} required />
        <input placeholder={t('name')} value={site.name} onInput={(e) => setSite({ ...site, name: (e.target as HTMLInputElement).value })} required />
        <input placeholder={t('timezone')} value={site.timezone} onInput={(e) => setSite({ ...site, timezone: (e.target as HTMLInputElement).value })} />
        <button type="submit">{t('create')}</button>
      </form>
      <ul>{me.sites.map((s) => <li>{s.id} — {s.name} ({s.timezone})</li>)}</ul>
    </section>
  );
}
