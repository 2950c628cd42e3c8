/**
 * Console users (admins only) and sites. An admin manages only users whose sites are all within
 * their own, and can give only their own sites; every site keeps at least one active admin.
 */
import { Type } from '@sinclair/typebox';
import {
  countOtherAdmins, deleteUserSessions, getSite, getUser, insertSite, insertUser, listSites, listUsers, setUserSites,
  updateSite, updateUser, type ConsoleUser,
} from '../../../db/queries/console/index.ts';
import { ApiError } from '../../errors.ts';
import type { Router } from '../../http/index.ts';
import { requireCsrf, requirePrincipal, requireRole, requireSite, type Principal } from '../auth.ts';
import { audited, isUniqueViolation, type ApiDeps } from '../context.ts';
import { hashPassword, newPassword } from '../passwords.ts';
import { intParam, jsonBody } from '../validate.ts';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('viewer')]);
const Lang = Type.Union([Type.Literal('en'), Type.Literal('ru')]);
const SiteId = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' });
const Password = Type.String({ minLength: 10, maxLength: 200 });
const NewUser = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,64}$' }),
  displayName: Type.Optional(Type.String({ maxLength: 100 })),
  password: Type.Optional(Password),
  role: Role,
  language: Type.Optional(Lang),
  sites: Type.Array(SiteId, { minItems: 1, maxItems: 100, uniqueItems: true }),
}, { additionalProperties: false });
const UserPatch = Type.Object({
  displayName: Type.Optional(Type.String({ maxLength: 100 })),
  password: Type.Optional(Password),
  role: Type.Optional(Role),
  language: Type.Optional(Lang),
  active: Type.Optional(Type.Boolean()),
  sites: Type.Optional(Type.Array(SiteId, { minItems: 1, maxItems: 100, uniqueItems: true })),
}, { additionalProperties: false });
const NewSite = Type.Object({
  id: SiteId, name: Type.String({ minLength: 1, maxLength: 100 }), timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false });
const SitePatch = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false });

function requireOwnSites(p: Principal, sites: string[]): void {
  const foreign = sites.filter((s) => !p.user.sites.includes(s));
  if (foreign.length) throw new ApiError('SITE_NOT_FOUND', undefined, { sites: foreign });
}

function validTimezone(tz: string): boolean {
  return Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC';
}

export function userRoutes(r: Router, deps: ApiDeps): void {
  r.get('/users', async ({ req }) => {
    const p = await requirePrincipal(deps.pool, req);
    requireRole(p, 'admin');
    const users = await listUsers(deps.pool, p.user.sites);
    return { body: { items: users.filter((u) => u.sites.every((s) => p.user.sites.includes(s))) } };
  });

  r.post('/users', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    requireRole(p, 'admin');
    requireCsrf(p, input.req);
    const body = jsonBody(input, NewUser);
    requireOwnSites(p, body.sites);
    const password = body.password ?? newPassword();
    const passwordHash = await hashPassword(password);
    try {
      return await audited(deps, p, input.req, { action: 'user.create', siteId: null, entity: 'user', entityId: body.name }, async (db) => {
        const id = await insertUser(db, {
          name: body.name, displayName: body.displayName ?? '', passwordHash, role: body.role, language: body.language ?? 'en', sites: body.sites,
        });
        const after = await getUser(db, id);
        return { before: null, after, result: { status: 201, body: { user: after, ...(body.password ? {} : { password }) } } };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('NAME_TAKEN');
      throw err;
    }
  });

  r.patch('/users/:id', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    requireRole(p, 'admin');
    requireCsrf(p, input.req);
    const id = intParam(input.params.id);
    const body = jsonBody(input, UserPatch);
    if (body.sites) requireOwnSites(p, body.sites);
    const passwordHash = body.password ? await hashPassword(body.password) : undefined;
    return audited(deps, p, input.req, { action: 'user.update', siteId: null, entity: 'user', entityId: id }, async (db) => {
      const before = await getUser(db, id);
      if (!before || !before.sites.every((s) => p.user.sites.includes(s))) throw new ApiError('NOT_FOUND', 'no such user');
      await keepAnAdmin(db, before, body);
      await updateUser(db, id, { ...body, passwordHash });
      if (body.sites) await setUserSites(db, id, body.sites);
      if (body.password || body.active === false) await deleteUserSessions(db, id);
      const after = await getUser(db, id);
      return { before, after, result: { body: { user: after } } };
    });
  });

  r.get('/sites', async ({ req }) => {
    const p = await requirePrincipal(deps.pool, req);
    return { body: { items: await listSites(deps.pool, p.user.sites) } };
  });

  r.post('/sites', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    requireRole(p, 'admin');
    requireCsrf(p, input.req);
    const body = jsonBody(input, NewSite);
    const timezone = body.timezone ?? 'UTC';
    if (!validTimezone(timezone)) throw new ApiError('VALIDATION_FAILED', 'unknown time zone', [{ path: '/timezone', message: 'unknown IANA time zone' }]);
    try {
      return await audited(deps, p, input.req, { action: 'site.create', siteId: body.id, entity: 'site', entityId: body.id }, async (db) => {
        await insertSite(db, { id: body.id, name: body.name, timezone });
        await setUserSites(db, p.user.id, [...p.user.sites, body.id]);
        const after = await getSite(db, body.id);
        return { before: null, after, result: { status: 201, body: { site: after } } };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('NAME_TAKEN', `site "${body.id}" already exists`);
      throw err;
    }
  });

  r.patch('/sites/:siteId', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    const siteId = requireSite(p, input.params.siteId);
    requireRole(p, 'admin');
    requireCsrf(p, input.req);
    const body = jsonBody(input, SitePatch);
    if (body.timezone && !validTimezone(body.timezone)) throw new ApiError('VALIDATION_FAILED', 'unknown time zone', [{ path: '/timezone', message: 'unknown IANA time zone' }]);
    return audited(deps, p, input.req, { action: 'site.update', siteId, entity: 'site', entityId: siteId }, async (db) => {
      const before = await getSite(db, siteId);
      await updateSite(db, siteId, body);
      const after = await getSite(db, siteId);
      return { before, after, result: { body: { site: after } } };
    });
  });
}

/** Refuses a change that would leave one of the user's sites without an active admin. */
async function keepAnAdmin(db: Parameters<typeof countOtherAdmins>[0], before: ConsoleUser, patch: { role?: string; active?: boolean; sites?: string[] }): Promise<void> {
  if (before.role !== 'admin' || !before.active) return;
  const losing = patch.role !== undefined && patch.role !== 'admin' || patch.active === false
    ? before.sites
    : before.sites.filter((s) => patch.sites && !patch.sites.includes(s));
  for (const site of losing) {
    if ((await countOtherAdmins(db, site, before.id)) === 0) throw new ApiError('LAST_ADMIN', undefined, { siteId: site });
  }
}
