/** The audit log, newest first: admins and supervisors see their sites' entries (admins also site-less ones). */
import { listAudit } from '../../../db/queries/console/index.ts';
import type { Router } from '../../http/index.ts';
import { requirePrincipal, requireRole, requireSite } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { query as q } from '../validate.ts';

export function auditRoutes(r: Router, deps: ApiDeps): void {
  r.get('/audit', async ({ req }) => {
    const p = await requirePrincipal(deps.pool, req);
    requireRole(p, 'supervisor');
    const siteFilter = q.str(req.query, 'siteId', 64);
    const siteIds = siteFilter ? [requireSite(p, siteFilter)] : p.user.sites;
    const limit = q.int(req.query, 'limit', 1, 500) ?? 100;
    const items = await listAudit(deps.pool, {
      siteIds, includeGlobal: p.user.role === 'admin' && !siteFilter, beforeId: q.int(req.query, 'before', 1, Number.MAX_SAFE_INTEGER), limit,
    });
    return { body: { items, next: items.length === limit ? items.at(-1)!.id : null } };
  });
}
