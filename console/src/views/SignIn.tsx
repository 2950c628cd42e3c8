import { useState } from 'preact/hooks';
import { ApiFailure, post } from '../lib/api.ts';
import type { Me } from '../lib/context.ts';
import { t } from '../lib/i18n.ts';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await post<Me>('/auth/signin', { name, password }));
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'RATE_LIMITED') setError(t('rateLimited', { s: (err.details as { retryAfterS?: number })?.retryAfterS ?? 60 }));
      else if (err instanceof ApiFailure && (err.code === 'BAD_CREDENTIALS' || err.code === 'VALIDATION_FAILED')) setError(t('badCredentials'));
      else setError(`${t('error')}: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="signin" onSubmit={(e) => void submit(e)}>
      <h1>{t('appName')}</h1>
      <label>{t('userName')}<input name="name" autocomplete="username" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} required /></label>
      <label>{t('password')}<input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} required /></label>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>{t('signIn')}</button>
    </form>
  );
}
