/**
 * Where the device's identity and options come from, first match wins:
 * 1. the Android shell's provisioning (QR code / deep link, kept by the shell),
 * 2. the page URL's fragment `#d=<deviceId>&t=<token>` (never sent to a server; stored, then
 *    removed from the address bar),
 * 3. localStorage (a previous visit).
 * Options in the fragment or query: `gw` (WebSocket URL), `tts=off`, `gate=off`, `ap=0` (no
 * browser audio processing), `mic=off`, `autostart=1`.
 */
import type { AndroidBridge } from './bridge.ts';
import type { ResumePoint, ResumeStore } from './protocol/session.ts';

export interface Credentials { deviceId: string; token: string }
export interface ClientOptions {
  wsUrl: string;
  tts: boolean;
  gate: boolean;
  audioProcessing: boolean;
  mic: boolean;
  autostart: boolean;
}

const CRED_KEY = 'vm.device';
const RESUME_KEY = 'vm.resume';
const UUID = /^[0-9a-fA-F-]{36}$/;

function params(loc: Location): URLSearchParams {
  const p = new URLSearchParams(loc.search);
  for (const [k, v] of new URLSearchParams(loc.hash.replace(/^#/, ''))) p.set(k, v);
  return p;
}

function readJson(storage: Storage, key: string): unknown {
  const raw = storage.getItem(key);
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch (err) {
    console.warn(`ignoring corrupt ${key} in localStorage`, err);
    storage.removeItem(key);
    return null;
  }
}

function validCreds(v: unknown): v is Credentials {
  const o = v as Partial<Credentials> | null;
  return !!o && typeof o.deviceId === 'string' && UUID.test(o.deviceId) && typeof o.token === 'string' && o.token.length > 0 && o.token.length <= 200;
}

export function loadCredentials(loc: Location, storage: Storage, bridge: AndroidBridge | null): Credentials | null {
  if (bridge) {
    const raw = bridge.getProvisioning();
    if (raw) {
      try {
        const p: unknown = JSON.parse(raw);
        if (validCreds(p)) return { deviceId: p.deviceId, token: p.token };
      } catch (err) {
        console.warn('bad provisioning from the shell', err);
      }
    }
  }
  const p = params(loc);
  const d = p.get('d');
  const tk = p.get('t');
  if (d && tk && validCreds({ deviceId: d, token: tk })) {
    saveCredentials(storage, { deviceId: d, token: tk });
    // Keep the token out of the address bar, history and screenshots.
    const rest = new URLSearchParams(loc.hash.replace(/^#/, ''));
    rest.delete('d'); rest.delete('t');
    history.replaceState(null, '', loc.pathname + loc.search + (rest.size ? '#' + rest.toString() : ''));
    return { deviceId: d, token: tk };
  }
  const stored = readJson(storage, CRED_KEY);
  return validCreds(stored) ? stored : null;
}

export function saveCredentials(storage: Storage, c: Credentials): void {
  storage.setItem(CRED_KEY, JSON.stringify(c));
  storage.removeItem(RESUME_KEY); // a different device never resumes the old one's session
}

export function loadOptions(loc: Location, onAndroid: boolean): ClientOptions {
  const p = params(loc);
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    wsUrl: p.get('gw') ?? `${proto}//${loc.host}/v1/device`,
    tts: p.get('tts') !== 'off',
    gate: p.get('gate') !== 'off',
    audioProcessing: p.get('ap') !== '0',
    mic: p.get('mic') !== 'off',
    autostart: onAndroid || p.get('autostart') === '1',
  };
}

/** Keeps the resume point across page reloads (the WebView may be recreated). */
export function resumeStore(storage: Storage): ResumeStore {
  return {
    load(): ResumePoint | null {
      const v = readJson(storage, RESUME_KEY) as Partial<ResumePoint> | null;
      return v && typeof v.sessionId === 'string' && UUID.test(v.sessionId) && typeof v.lastSeq === 'number' ? { sessionId: v.sessionId, lastSeq: v.lastSeq } : null;
    },
    save(p: ResumePoint | null): void {
      if (p) storage.setItem(RESUME_KEY, JSON.stringify(p)); else storage.removeItem(RESUME_KEY);
    },
  };
}
