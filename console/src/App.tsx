/** The shell: sign-in gate, top bar (site, views, language, sign-out) and the current view. */
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, get, post, setCsrf, setOnUnauthenticated } from './lib/api.ts';
import { Ctx, type Me } from './lib/context.ts';
import { getLang, setLang, t, type Lang } from './lib/i18n.ts';
import { live } from './lib/live.ts';
import { useRoute } from './lib/router.ts';
import { SignIn } from './views/SignIn.tsx';
import { Floor } from './views/Floor.tsx';
import { SessionView } from './views/SessionView.tsx';
import { History } from './views/History.tsx';
import { Operators } from './views/Operators.tsx';
import { Devices } from './views/Devices.tsx';
import { Settings } from './views/Settings.tsx';
import { Users } from './views/Users.tsx';
import { Audit } from './views/Audit.tsx';
import { Charts } from './views/Charts.tsx';

const VIEWS = [
  ['floor', 'floor'], ['charts', 'charts'], ['history', 'history'], ['operators', 'operators'], ['devices', 'devices'],
  ['settings', 'settings'], ['users', 'users'], ['audit', 'audit'],
] as const;

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [siteId, setSiteId] = useState<string>(localStorage.getItem('vm.site') ?? '');
  const [, setLangState] = useState<Lang>(getLang());
  const [liveStatus, setLiveStatus] = useState(live.status);
  const route = useRoute();

  const reloadMe = async (): Promise<void> => {
    try {
      const m = await get<Me>('/auth/me');
      setCsrf(m.csrfToken);
      setMe(m);
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 401) setMe(null);
      else throw err;
    }
  };

  useEffect(() => {
    setOnUnauthenticated(() => { live.stop(); setMe(null); });
    void reloadMe();
    return live.onStatus(setLiveStatus);
  }, []);

  if (me === undefined) return <div class="loading">…</div>;
  if (me === null) return <SignIn onSignedIn={(m) => { setCsrf(m.csrfToken); setMe(m); if (!localStorage.getItem('vm.lang')) setLang(m.user.language); }} />;

  const site = me.sites.find((s) => s.id === siteId) ?? me.sites[0];
  const view = route.path[0] ?? 'floor';
  const changeLang = (l: Lang): void => { setLang(l); setLangState(l); };
  const signOut = async (): Promise<void> => { await post('/auth/signout'); live.stop(); setMe(null); };

  return (
    <Ctx.Provider value={{ me, siteId: site?.id ?? '', reloadMe }}>
      <header class="top">
        <strong>{t('appName')}</strong>
        <select aria-label={t('site')} value={site?.id} onChange={(e) => { const v = (e.target as HTMLSelectElement).value; localStorage.setItem('vm.site', v); setSiteId(v); }}>
          {me.sites.map((s) => <option value={s.id}>{s.name} ({s.id})</option>)}
        </select>
        <nav>
          {VIEWS.filter(([v]) => v !== 'users' || me.user.role === 'admin').filter(([v]) => v !== 'audit' || me.user.role !== 'viewer')
            .map(([v, key]) => <a href={`#/${v}`} class={view === v ? 'on' : ''}>{t(key)}</a>)}
        </nav>
        <span class={`live-dot ${liveStatus}`} title={liveStatus}>{liveStatus === 'live' ? t('live') : liveStatus === 'reconnecting' ? t('reconnecting') : ''}</span>
        <select aria-label={t('language')} value={getLang()} onChange={(e) => changeLang((e.target as HTMLSelectElement).value as Lang)}>
          <option value="en">EN</option><option value="ru">RU</option>
        </select>
        <span class="who">{me.user.displayName || me.user.name} · {me.user.role}</span>
        <button onClick={() => void signOut()}>{t('signOut')}</button>
      </header>
      <main key={site?.id}>
        {!site ? <p>—</p>
          : view === 'session' ? <SessionView sessionId={route.path[1] ?? ''} />
          : view === 'history' ? <History query={route.query} />
          : view === 'operators' ? <Operators />
          : view === 'devices' ? <Devices />
          : view === 'settings' ? <Settings />
          : view === 'users' ? <Users />
          : view === 'audit' ? <Audit />
          : view === 'charts' ? <Charts />
          : <Floor />}
      </main>
    </Ctx.Provider>
  );
}
