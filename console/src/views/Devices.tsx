/** Devices: list (online, last seen, app version), provision with a one-time token + QR code, re-issue, revoke. */
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../lib/api.ts';
import { canWrite, useApp } from '../lib/context.ts';
import { t } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/turns.ts';

interface Device { id: string; label: string; model: string | null; appVersion: string | null; lastSeenAt: string | null; revokedAt: string | null; activeSessionId: string | null }
interface Issued { device: Device; token: string; qrSvg: string; provisioning: { server: string; deviceId: string; token: string } }

export function Devices() {
  const { siteId, me } = useApp();
  const base = `/sites/${encodeURIComponent(siteId)}/devices`;
  const [items, setItems] = useState<Device[]>([]);
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<Issued | null>(null);
  const [error, setError] = useState('');
  const writable = canWrite(me, 'supervisor');

  const reload = (): void => { get(base).then((r) => setItems(r.items), (e: Error) => setError(e.message)); };
  useEffect(reload, [siteId]);
  const run = async (fn: () => Promise<void>): Promise<void> => {
    setError('');
    try { await fn(); reload(); } catch (err) { setError((err as Error).message); }
  };

  return (
    <section>
      <h2>{t('devices')}</h2>
      {error && <p class="error">{error}</p>}
      {writable && (
        <form class="inline" onSubmit={(e) => { e.preventDefault(); void run(async () => { setIssued(await post(base, { label })); setLabel(''); }); }}>
          <input name="label" placeholder={t('label')} value={label} onInput={(e) => setLabel((e.target as HTMLInputElement).value)} required />
          <button type="submit">{t('provision')}</button>
        </form>
      )}
      {issued && (
        <div class="issued" data-device={issued.device.id}>
          <p>{issued.device.label}: {t('tokenOnce')}</p>
          <p>Device ID: <code class="device-id">{issued.device.id}</code></p>
          <p>Token: <code class="token">{issued.token}</code></p>
          <img class="qr" alt="QR" width={220} height={220} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(issued.qrSvg)}`} />
          <button onClick={() => setIssued(null)}>OK</button>
        </div>
      )}
      <table>
        <thead><tr><th>{t('label')}</th><th>{t('model')}</th><th>{t('appVersion')}</th><th>{t('lastSeen')}</th><th></th><th></th></tr></thead>
        <tbody>{items.map((d) => (
          <tr key={d.id} class={d.revokedAt ? 'revoked' : ''}>
            <td>{d.label}</td><td>{d.model ?? '—'}</td><td>{d.appVersion ?? '—'}</td><td>{fmtDateTime(d.lastSeenAt)}</td>
            <td>{d.revokedAt ? t('revoked') : d.activeSessionId ? <a href={`#/session/${d.activeSessionId}`}>{t('online')}</a> : t('offline')}</td>
            <td>{writable && <>
              <button onClick={() => void run(async () => setIssued(await post(`${base}/${d.id}/token`)))}>{t('newToken')}</button>
              {!d.revokedAt && <button onClick={() => void run(async () => { await post(`${base}/${d.id}/revoke`); })}>{t('revoke')}</button>}
            </>}</td>
          </tr>
        ))}</tbody>
      </table>
    </section>
  );
}
