/** Process settings of a site: the typed catalogue with current values; admins change them. */
import { listSettings, upsertSetting, deleteSetting } from '../../../db/queries/console/index.ts';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../../errors.ts';
import type { Router } from '../../http/index.ts';
import { requireCsrf, requirePrincipal, requireRole, requireSite } from '../auth.ts';
import { audited, type ApiDeps } from '../context.ts';
import { SETTINGS, SETTINGS_BY_KEY } from '../settings-catalogue.ts';
import { check, jsonBody } from '../validate.ts';

const SetValue = Type.Object({ value: Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 200 }), Type.Null()]) }, { additionalProperties: false });

export function settingRoutes(r: Router, deps: ApiDeps): void {
  r.get('/sites/:siteId/settings', async ({ req, params }) => {
    const p = await requirePrincipal(deps.pool, req);
    const siteId = requireSite(p, params.siteId);
    const stored = new Map((await listSettings(deps.pool, siteId)).map((s) => [s.key, s]));
    const items = SETTINGS.map((d) => {
      const s = stored.get(d.key);
      return {
        key: d.key, type: d.type, doc: d.doc, default: d.default, min: d.min, max: d.max, values: d.values,
        value: s ? s.value : d.default, overridden: Boolean(s), updatedAt: s?.updatedAt ?? null,
      };
    });
    return { body: { items } };
  });

  /** `{ value: null }` removes the override (back to the default). */
  r.put('/sites/:siteId/settings/:key', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    const siteId = requireSite(p, input.params.siteId);
    requireRole(p, 'admin');
    requireCsrf(p, input.req);
    const def = SETTINGS_BY_KEY.get(input.params.key ?? '');
    if (!def) throw new ApiError('UNKNOWN_SETTING', undefined, { key: input.params.key });
    const { value } = jsonBody(input, SetValue);
    if (value !== null) check(def.schema, value);
    return audited(deps, p, input.req, { action: 'setting.set', siteId, entity: 'setting', entityId: def.key }, async (db) => {
      const before = (await listSettings(db, siteId)).find((s) => s.key === def.key)?.value ?? null;
      if (value === null) await deleteSetting(db, siteId, def.key);
      else await upsertSetting(db, siteId, def.key, def.type, value);
      return { before, after: value, result: { body: { key: def.key, value: value ?? def.default, overridden: value !== null } } };
    });
  });
}
