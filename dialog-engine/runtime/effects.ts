/**
 * Runs the WMS call a flow is waiting for (`state.pending`) and turns its outcome into the
 * `wmsResult` input of the next step. Reads go to the connector now (with its timeout); writes
 * go to the transactional outbox (with the turn that caused them) and succeed at once, so the
 * picker keeps working while the WMS is down.
 */
import type { Logger } from 'pino';
import type { Pool, TurnRecord } from '../../db/index.ts';
import { enqueueOutbox, type OutboxOperation } from '../../db/queries/outbox.ts';
import { WmsError, type WmsConnector } from '../wms/types.ts';
import { identifyOperator, operatorRoster, validateOperator, type SignonSettings } from './signon.ts';
import type { OutboxDispatcher } from './outbox.ts';
import type { Json, PendingWms, WmsResultInput } from '../types.ts';

export interface EffectContext { siteId: string; sessionId: string; operatorId: number | null; turn?: TurnRecord }

export class Effects {
  constructor(
    private readonly pool: Pool, private readonly connector: WmsConnector, private readonly outbox: OutboxDispatcher,
    private readonly signon: SignonSettings & { outboxFlushMs: number }, private readonly log: Logger,
  ) {}

  async run(p: PendingWms, ctx: EffectContext): Promise<WmsResultInput> {
    try {
      return await this.dispatch(p, ctx);
    } catch (err) {
      if (err instanceof WmsError) {
        this.log.warn({ op: p.op, node: p.node, sessionId: ctx.sessionId, code: err.code, hostCode: err.hostCode, err: err.message }, 'WMS call failed');
        return { type: 'wmsResult', status: err.code === 'WMS_CRITICAL' ? 'critical' : 'error', message: err.message };
      }
      this.log.error({ op: p.op, node: p.node, sessionId: ctx.sessionId, err }, 'dialog effect failed');
      return { type: 'wmsResult', status: 'error', message: 'internal error' };
    }
  }

  private async dispatch(p: PendingWms, ctx: EffectContext): Promise<WmsResultInput> {
    const a = p.args;
    const s = (v: Json | undefined) => (v === null || v === undefined ? '' : String(v));
    switch (p.op) {
      case 'validateOperator':
        return validateOperator(this.pool, this.connector, this.signon, ctx.siteId, s(a.operatorId), s(a.pin));
      case 'identifyOperator':
        return identifyOperator(this.pool, ctx.siteId, s(a.operatorId));
      case 'operatorRoster':
        return operatorRoster(this.pool, ctx.siteId);
      case 'getNextAssignment': {
        // Writes of this operator go first: an undelivered "complete" must not hand out the same work twice.
        if (ctx.operatorId !== null && !(await this.outbox.flushOperator(ctx.operatorId, this.signon.outboxFlushMs))) {
          return { type: 'wmsResult', status: 'error', message: 'earlier confirmations are not delivered yet' };
        }
        const r = await this.connector.getNextAssignment(ctx.siteId, s(a.operatorId));
        return { type: 'wmsResult', status: r.value ? 'ok' : 'empty', data: r.value as unknown as Json, ...(r.warning ? { warning: r.warning } : {}) };
      }
      case 'getReferenceData': {
        const r = await this.connector.getReferenceData(ctx.siteId);
        return { type: 'wmsResult', status: 'ok', data: r.value as unknown as Json, ...(r.warning ? { warning: r.warning } : {}) };
      }
      case 'confirmPick': case 'reportShort': case 'completeAssignment': {
        if (!p.key) return { type: 'wmsResult', status: 'error', message: `${p.op} without an idempotency key` };
        const payload: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(a)) payload[k] = v;
        const added = await enqueueOutbox(this.pool, [{
          idempotencyKey: p.key, siteId: ctx.siteId, sessionId: ctx.sessionId, operatorId: ctx.operatorId,
          operation: p.op satisfies OutboxOperation, payload,
        }], ctx.turn);
        if (added) this.outbox.kick();
        return { type: 'wmsResult', status: 'ok', data: { queued: true, duplicate: added === 0 } };
      }
    }
  }
}
