/** Operators of a site: list, create (with a PIN shown once), edit, PIN reset. */
import { Type } from '@sinclair/typebox';
import { getOperator, insertOperator, listOperators, updateOperator } from '../../../db/queries/console/index.ts';
import { ApiError } from '../../errors.ts';
import type { Router } from '../../http/index.ts';
import { requireCsrf, requirePrincipal, requireRole, requireSite } from '../auth.ts';
import { audited, isUniqueViolation, type ApiDeps } from '../context.ts';
import { hashPassword, newPin } from '../passwords.ts';
import { intParam, jsonBody } from '../validate.ts';

const Lang = Type.Union([Type.Literal('en'), Type.Literal('ru')]);
const Pin = Type.String({ pattern: '^[0-9]{4,8}$' });
const NewOperator = Type.Object({
  externalId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  language: Type.Optional(Lang),
  pin: Type.Optional(Pin),
}, { additionalProperties: false });
const OperatorPatch = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  language: Type.Optional(Lang),
  active: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
const PinReset = Type.Object({ pin: Type.Optional(Pin) }, { additionalProperties: false });

export function operatorRoutes(r: Router, deps: ApiDeps): void {
  r.get('/sites/:siteId/operators', async ({ req, params }) => {
    const p = await requirePrincipal(deps.pool, req);
    return { body: { items: await listOperators(deps.pool, requireSite(p, params.siteId)) } };
  });

  r.post('/sites/:siteId/operators', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    const siteId = requireSite(p, input.params.siteId);
    requireRole(p, 'supervisor');
    requireCsrf(p, input.req);
    const body = jsonBody(input, NewOperator);
    const pin = body.pin ?? newPin();
    const pinHash = await hashPassword(pin);
    try {
      return await audited(deps, p, input.req, { action: 'operator.create', siteId, entity: 'operator', entityId: body.externalId }, async (db) => {
        const id = await insertOperator(db, { siteId, externalId: body.externalId, name: body.name, language: body.language ?? 'en', pinHash });
        const after = await getOperator(db, siteId, id);
        return { before: null, after, result: { status: 201, body: { operator: after, pin } } };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('CONFLICT', `operator "${body.externalId}" already exists at this site`);
      throw err;
    }
  });

  r.patch('/sites/:siteId/operators/:id', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    const siteId = requireSite(p, input.params.siteId);
    requireRole(p, 'supervisor');
    requireCsrf(p, input.req);
    const id = intParam(input.params.id);
    const body = jsonBody(input, OperatorPatch);
    return audited(deps, p, input.req, { action: 'operator.update', siteId, entity: 'operator', entityId: id }, async (db) => {
      const before = await getOperator(db, siteId, id);
      if (!before) throw new ApiError('NOT_FOUND', 'no such operator');
      await updateOperator(db, siteId, id, body);
      const after = await getOperator(db, siteId, id);
      return { before, after, result: { body: { operator: after } } };
    });
  });

  r.post('/sites/:siteId/operators/:id/pin', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    const siteId = requireSite(p, input.params.siteId);
    requireRole(p, 'supervisor');
    requireCsrf(p, input.req);
    const id = intParam(input.params.id);
    const body = jsonBody(input, PinReset);
    const pin = body.pin ?? newPin();
    const pinHash = await hashPassword(pin);
    return audited(deps, p, input.req, { action: 'operator.pin_reset', siteId, entity: 'operator', entityId: id }, async (db) => {
      const before = await getOperator(db, siteId, id);
      if (!before) throw new ApiError('NOT_FOUND', 'no such operator');
      await updateOperator(db, siteId, id, { pinHash });
      // the PIN itself never goes to the audit log
      return { before, after: await getOperator(db, siteId, id), result: { body: { pin } } };
    });
  });
}
