/** Read-only views of the dialog log: live floor snapshot, stats, session list and transcript, history search. */
import {
  floorSessions, listSessions, searchTurns, sessionInfo, sessionTranscript, turnCursor, turnStats,
} from '../../../db/queries/console/index.ts';
import { ApiError } from '../../errors.ts';
import type { Router } from '../../http/index.ts';
import { requirePrincipal, requireSite } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { query as q, uuidParam } from '../validate.ts';

const KINDS = ['prompt', 'utterance', 'text', 'event', 'error'] as const;
const TRANSCRIPT_MAX = 10000;

/** `before` cursors are the opaque `next` of the previous page: "<timestamptz>|<id>". */
function parseBefore<T>(raw: string | undefined, idOf: (s: string) => T | null): { at: string; id: T } | undefined {
  if (!raw) return undefined;
  const [at, id, extra] = raw.split('|');
  const parsed = id ? idOf(id) : null;
  if (!at || extra !== undefined || !/^\d{4}-\d{2}-\d{2}[ T][0-9:.]+([+-]\d{2}(:?\d{2})?|Z)?$/.test(at) || parsed === null) {
    throw new ApiError('BAD_REQUEST', 'query parameter "before" is not a cursor from a previous page', { param: 'before' });
  }
  return { at, id: parsed };
}

export function dialogRoutes(r: Router, deps: ApiDeps): void {
  r.get('/sites/:siteId/floor', async ({ req, params }) => {
    const p = await requirePrincipal(deps.pool, req);
    const siteId = requireSite(p, params.siteId);
    // the cursor is read first: a turn logged while the snapshot is built is replayed, never lost
    const cursor = deps.livePosition ? deps.livePosition() : await turnCursor(deps.pool);
    return { body: { siteId, cursor, sessions: await floorSessions(deps.pool, siteId) } };
  });

  r.get('/sites/:siteId/stats', async ({ req, params }) => {
    const p = await requirePrincipal(deps.pool, req);
    const siteId = requireSite(p, params.siteId);
    const to = q.date(req.query, 'to') ?? new Date();
    const from = q.date(req.query, 'from') ?? new Date(to.getTime() - 3600_000);
    const bucketS = q.int(req.query, 'bucketS', 10, 86400) ?? 60;
    if (from >= to) throw new ApiError('BAD_REQUEST', '"from" must be before "to"', { param: 'from' });
    if ((to.getTime() - from.getTime()) / 1000 / bucketS > 5000) {
      throw new ApiError('BAD_REQUEST', 'at most 5000 buckets per request: widen bucketS', { param: 'bucketS' });
    }
    return { body: { siteId, from, to, bucketS, buckets: await turnStats(deps.pool, siteId, from, to, bucketS) } };
  });

  r.get('/sites/:siteId/sessions', async ({ req, params }) => {
    const p = await requirePrincipal(deps.pool, req);
    const siteId = requireSite(p, params.siteId);
    const limit = q.int(req.query, 'limit', 1, deps.cfg.historyPageMax) ?? 50;
    const rows = await listSessions(deps.pool, {
      siteId, limit: limit + 1, from: q.date(req.query, 'from'), to: q.date(req.query, 'to'),
      operatorId: q.int(req.query, 'operatorId', 1, Number.MAX_SAFE_INTEGER), deviceId: q.uuid(req.query, 'deviceId'),
      before: parseBefore(q.str(req.query, 'before'), (s) => (/^[0-9a-f-]{36}$/i.test(s) ? s : null)),
    });
    const items = rows.slice(0, limit).map(({ key: _key, ...row }) => row);
    const next = rows.length > limit ? rows[limit - 1]!.key : null;
    return { body: { items, next } };
  });

  r.get('/sessions/:sessionId', async ({ req, params }) => {
    const p = await requirePrincipal(deps.pool, req);
    const sessionId = uuidParam(params.sessionId, 'sessionId');
    const info = await sessionInfo(deps.pool, sessionId);
    if (!info || !p.user.sites.includes(info.siteId)) throw new ApiError('NOT_FOUND', 'no such session');
    const cursor = deps.livePosition ? deps.livePosition() : await turnCursor(deps.pool);
    const turns = await sessionTranscript(deps.pool, sessionId, TRANSCRIPT_MAX);
    return { body: { session: info, cursor, turns, truncated: turns.length === TRANSCRIPT_MAX } };
  });

  r.get('/sites/:siteId/turns', async ({ req, params }) => {
    const p = await requirePrincipal(deps.pool, req);
    const siteId = requireSite(p, params.siteId);
    const limit = q.int(req.query, 'limit', 1, deps.cfg.historyPageMax) ?? 50;
    const rows = await searchTurns(deps.pool, {
      siteId, limit: limit + 1,
      from: q.date(req.query, 'from'), to: q.date(req.query, 'to'),
      operatorId: q.int(req.query, 'operatorId', 1, Number.MAX_SAFE_INTEGER),
      deviceId: q.uuid(req.query, 'deviceId'), sessionId: q.uuid(req.query, 'sessionId'),
      kind: q.oneOf(req.query, 'kind', KINDS), text: q.str(req.query, 'text', 100),
      assignment: q.str(req.query, 'assignment', 64),
      before: parseBefore(q.str(req.query, 'before'), (s) => (/^\d{1,15}$/.test(s) ? Number(s) : null)),
    });
    const items = rows.slice(0, limit).map(({ key: _key, ...row }) => row);
    const next = rows.length > limit ? rows[limit - 1]!.key : null;
    return { body: { items, next } };
  });
}
