/** POST /auth/signin, POST /auth/signout, GET /auth/me. */
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import {
  clearFailures, deleteWebSession, findUserByName, insertAudit, insertWebSession, listSites, lockedFor, recordFailure,
} from '../../../db/queries/console/index.ts';
import { ApiError } from '../../errors.ts';
import { serializeCookie, type Router, type RequestInfo } from '../../http/index.ts';
import { hashSessionToken, newSessionToken, requireCsrf, requirePrincipal, SESSION_COOKIE, type Principal } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { dummyHash, verifyPassword } from '../passwords.ts';
import { jsonBody } from '../validate.ts';

const SignIn = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false });

const IP_FACTOR = 5;

export async function meBody(deps: ApiDeps, p: Principal): Promise<unknown> {
  const { user } = p;
  return {
    user: { id: user.id, name: user.name, displayName: user.displayName, role: user.role, language: user.language },
    sites: await listSites(deps.pool, user.sites),
    csrfToken: p.csrfToken,
  };
}

function cookie(deps: ApiDeps, req: RequestInfo, value: string, maxAgeS: number): string {
  return serializeCookie(SESSION_COOKIE, value, {
    httpOnly: true, sameSite: 'Strict', path: '/', maxAgeS, secure: req.secure || Boolean(deps.tls),
  });
}

export function authRoutes(r: Router, deps: ApiDeps): void {
  const policy = { maxFailures: deps.cfg.signinMaxFailures, windowS: deps.cfg.signinWindowS, lockS: deps.cfg.signinLockS };

  r.post('/auth/signin', async (input) => {
    const body = jsonBody(input, SignIn);
    const keys = [`user:${body.name.toLowerCase()}`, `ip:${input.req.ip}`];
    const wait = await lockedFor(deps.pool, keys);
    if (wait > 0) {
      deps.logger.warn({ userName: body.name, ip: input.req.ip }, 'console sign-in throttled');
      throw new ApiError('RATE_LIMITED', undefined, { retryAfterS: wait });
    }
    const user = await findUserByName(deps.pool, body.name);
    const ok = user && user.active
      ? await verifyPassword(user.passwordHash, body.password)
      : (await verifyPassword(await dummyHash(), body.password), false);
    if (!user || !ok) {
      await recordFailure(deps.pool, [keys[0]!], policy);
      // one address may be a whole warehouse behind NAT: it gets more attempts than one name
      await recordFailure(deps.pool, [keys[1]!], { ...policy, maxFailures: policy.maxFailures * IP_FACTOR });
      deps.logger.info({ userName: body.name, ip: input.req.ip }, 'console sign-in failed');
      throw new ApiError('BAD_CREDENTIALS');
    }
    await clearFailures(deps.pool, keys[0]!);
    const token = newSessionToken();
    const csrfToken = randomBytes(24).toString('base64url');
    const ttlS = deps.cfg.sessionTtlHours * 3600;
    await insertWebSession(deps.pool, {
      tokenHash: hashSessionToken(token), userId: user.id, csrfToken, ttlS, ip: input.req.ip, userAgent: input.req.userAgent,
    });
    await insertAudit(deps.pool, {
      userId: user.id, userName: user.name, action: 'signin', siteId: null, entity: 'session', entityId: null,
      before: null, after: null, ip: input.req.ip,
    });
    deps.logger.info({ userId: user.id, ip: input.req.ip }, 'console sign-in');
    const { passwordHash: _omit, ...publicUser } = user;
    return {
      body: await meBody(deps, { user: publicUser, csrfToken, tokenHash: '' }),
      headers: [['Set-Cookie', cookie(deps, input.req, token, ttlS)]],
    };
  });

  r.post('/auth/signout', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    requireCsrf(p, input.req);
    await deleteWebSession(deps.pool, p.tokenHash);
    return { status: 204, headers: [['Set-Cookie', cookie(deps, input.req, '', 0)]] };
  });

  r.get('/auth/me', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    return { body: await meBody(deps, p) };
  });
}
