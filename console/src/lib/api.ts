/** The JSON API client: same-origin fetch with the session cookie; CSRF token on writes. */

export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) { super(message); }
}

let csrfToken = '';
export const setCsrf = (t: string): void => { csrfToken = t; };

let onUnauthenticated: () => void = () => undefined;
export const setOnUnauthenticated = (fn: () => void): void => { onUnauthenticated = fn; };

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}`, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: any;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiFailure(res.status, 'BAD_RESPONSE', `server answered ${res.status} with a non-JSON body`);
  }
  if (!res.ok) {
    const e = data?.error ?? {};
    if (res.status === 401 && path !== '/auth/signin') onUnauthenticated();
    throw new ApiFailure(res.status, e.code ?? 'UNKNOWN', e.message ?? res.statusText, e.details);
  }
  return data as T;
}

export const get = <T = any>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T = any>(path: string, body?: unknown): Promise<T> => api<T>('POST', path, body ?? {});
export const patch = <T = any>(path: string, body: unknown): Promise<T> => api<T>('PATCH', path, body);
export const put = <T = any>(path: string, body: unknown): Promise<T> => api<T>('PUT', path, body);

export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
