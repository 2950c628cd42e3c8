/**
 * Runs a pending WMS call straight against a connector — no database, no outbox, no lockout.
 * For `npm run flow:sim` and tests of flows against the simulator; the gateway uses the runtime.
 */
import { WmsError, type WmsConnector } from './types.ts';
import type { Json, PendingWms, WmsResultInput } from '../types.ts';

export async function runWmsDirect(c: WmsConnector, p: PendingWms, siteId: string): Promise<WmsResultInput> {
  const a = p.args;
  const s = (v: Json | undefined) => (v === null || v === undefined ? '' : String(v));
  const ok = (data: unknown, warning?: string): WmsResultInput => ({ type: 'wmsResult', status: data === null ? 'empty' : 'ok', data: data as Json, ...(warning ? { warning } : {}) });
  try {
    switch (p.op) {
      case 'validateOperator': {
        const r = await c.validateOperator(siteId, s(a.operatorId), s(a.pin));
        const v = r.value.valid
          ? { valid: true, operator: { id: Number(r.value.operator.externalId) || 0, ...r.value.operator, ttsRate: 1, ttsVolume: 1 } }
          : { valid: false, reason: r.value.reason };
        return ok(v, r.warning);
      }
      // Local reads: without the site's database, nobody is on record.
      case 'identifyOperator': return ok({ known: false, id: null });
      case 'operatorRoster': return ok({ numbers: [] });
      case 'getNextAssignment': { const r = await c.getNextAssignment(siteId, s(a.operatorId)); return ok(r.value, r.warning); }
      case 'getReferenceData': { const r = await c.getReferenceData(siteId); return ok(r.value, r.warning); }
      case 'confirmPick': {
        const r = await c.confirmPick(siteId, { idempotencyKey: s(p.key), operatorId: s(a.operatorId), assignmentId: s(a.assignmentId), lineId: s(a.lineId), quantity: Number(a.quantity) });
        return ok({ delivered: true }, r.warning);
      }
      case 'reportShort': {
        const r = await c.reportShort(siteId, {
          idempotencyKey: s(p.key), operatorId: s(a.operatorId), assignmentId: s(a.assignmentId), lineId: s(a.lineId),
          quantity: Number(a.quantity), expected: Number(a.expected), reasonCode: s(a.reasonCode),
        });
        return ok({ delivered: true }, r.warning);
      }
      case 'completeAssignment': {
        const r = await c.completeAssignment(siteId, { idempotencyKey: s(p.key), operatorId: s(a.operatorId), assignmentId: s(a.assignmentId) });
        return ok({ delivered: true }, r.warning);
      }
    }
  } catch (err) {
    if (!(err instanceof WmsError)) throw err;
    return { type: 'wmsResult', status: err.code === 'WMS_CRITICAL' ? 'critical' : 'error', message: err.message };
  }
}
