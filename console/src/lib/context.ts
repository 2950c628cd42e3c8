/** Who is signed in and which site is selected, shared by all views. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface Me {
  user: { id: number; name: string; displayName: string; role: 'admin' | 'supervisor' | 'viewer'; language: 'en' | 'ru' };
  sites: Array<{ id: string; name: string; timezone: string }>;
  csrfToken: string;
}

export interface AppCtx { me: Me; siteId: string; reloadMe(): Promise<void> }

export const Ctx = createContext<AppCtx | null>(null);

export function useApp(): AppCtx {
  const c = useContext(Ctx);
  if (!c) throw new Error('useApp outside the signed-in app');
  return c;
}

export const canWrite = (me: Me, least: 'supervisor' | 'admin'): boolean =>
  least === 'admin' ? me.user.role === 'admin' : me.user.role !== 'viewer';
