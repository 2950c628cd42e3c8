/**
 * Who is asking: the session cookie → a signed-in user; role and site checks; CSRF for writes.
 * Used by the API routes and by the console socket's upgrade.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from '../../db/index.ts';
import { lookupWebSession, type ConsoleUser, type Role } from '../../db/queries/console/index.ts';
import { ApiError } from '../errors.ts';
import { parseCookies, type RequestInfo } from '../http/index.ts';

export const SESSION_COOKIE = 'vm_console';

export interface Principal { user: ConsoleUser; csrfToken: string; tokenHash: string }

export const hashSessionToken = (token: string): string => createHash('sha256').update(token).digest('hex');
export const newSessionToken = (): string => randomBytes(32).toString('base64url');

/** The signed-in principal for a Cookie header, or null. */
export async function principalFromCookie(pool: Pool, cookieHeader: string): Promise<Principal | null> {
  const token = parseCookies(cookieHeader).get(SESSION_COOKIE);
  if (!token || token.length > 100) return null;
  const tokenHash = hashSessionToken(token);
  const s = await lookupWebSession(pool, tokenHash);
  return s ? { user: s.user, csrfToken: s.csrfToken, tokenHash } : null;
}

export async function requirePrincipal(pool: Pool, req: RequestInfo): Promise<Principal> {
  const p = await principalFromCookie(pool, req.cookie);
  if (!p) throw new ApiError('UNAUTHENTICATED');
  return p;
}

const RANK: Record<Role, number> = { viewer: 0, supervisor: 1, admin: 2 };

export function requireRole(p: Principal, least: Role): void {
  if (RANK[p.user.role] < RANK[least]) throw new ApiError('FORBIDDEN', `needs the ${least} role`);
}

/** A site outside the user's scope is answered as if it did not exist. */
export function requireSite(p: Principal, siteId: string | undefined): string {
  if (!siteId || !p.user.sites.includes(siteId)) throw new ApiError('SITE_NOT_FOUND');
  return siteId;
}

/**
 * Writes need the session's CSRF token in X-CSRF-Token (the SPA reads it from /auth/me), and,
 * when the browser sends an Origin, it must be this host (SameSite=Strict is the second line).
 */
export function requireCsrf(p: Principal, req: RequestInfo): void {
  const a = Buffer.from(req.csrfToken);
  const b = Buffer.from(p.csrfToken);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new ApiError('CSRF_FAILED');
  if (!sameOrigin(req)) throw new ApiError('CSRF_FAILED', 'request comes from another origin');
}

export function sameOrigin(req: Pick<RequestInfo, 'origin' | 'host'>): boolean {
  if (!req.origin) return true;
  try {
    return new URL(req.origin).host === req.host;
  } catch {
    return false; // "null" or garbage origin: not ours
  }
}
