/**
 * Delivers the WMS outbox: claims due items (in order per session), calls the
 * connector with the item's idempotency key, and marks it delivered, retried later with
 * exponential backoff and jitter (WMS down / timeout / bad reply), or rejected (the host refused
 * it for good — logged as an error for a supervisor). Items are never dropped.
 */
import type { Logger } from 'pino';
import type { Pool } from '../../db/index.ts';
import {
  claimDueOutbox, markOutboxDelivered, markOutboxRejected, markOutboxRetry, pendingOutboxOfOperator, releaseOutboxLease, makeOperatorOutboxDue, type OutboxRow,
} from '../../db/queries/outbox.ts';
import { WmsError, type WmsConnector } from '../wms/types.ts';

export interface OutboxSettings {
  outboxPollMs: number;
  outboxBatch: number;
  outboxBackoffBaseMs: number;
  outboxBackoffMaxMs: number;
  outboxLeaseMs: number;
  /** An item still undelivered after this many attempts is logged as an error (it keeps trying). */
  outboxAlertAttempts: number;
  /** Before handing out new work, how long to wait for the operator's earlier writes to be delivered. */
  outboxFlushMs: number;
}

export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  delivered = 0;
  failures = 0;

  constructor(private readonly pool: Pool, private readonly connector: WmsConnector, private readonly s: OutboxSettings, private readonly log: Logger) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Something was enqueued: deliver soon (coalesced). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = null; this.tick(); }, ms);
    this.timer.unref();
  }

  private tick(): void {
    this.running = this.drain().then(() => undefined, (err: unknown) => {
      this.log.error({ err }, 'outbox dispatch failed');
    }).finally(() => {
      this.running = null;
      const soon = this.again; this.again = false;
      this.schedule(soon ? 0 : this.s.outboxPollMs);
    });
  }

  /** Delivers until nothing is due. Returns how many items were delivered. */
  async drain(operatorId?: number): Promise<number> {
    let total = 0;
    for (let round = 0; round < 1000; round++) {
      const batch = await claimDueOutbox(this.pool, { limit: this.s.outboxBatch, leaseMs: this.s.outboxLeaseMs, ...(operatorId !== undefined ? { operatorId } : {}) });
      if (!batch.length) break;
      // In order within a session (stop at its first failure), sessions side by side.
      const bySession = new Map<string, OutboxRow[]>();
      for (const row of batch) {
        const k = row.sessionId ?? `row:${row.id}`;
        const list = bySession.get(k);
        if (list) list.push(row); else bySession.set(k, [row]);
      }
      const done: number[] = [];
      const unsent: number[] = [];
      await Promise.all([...bySession.values()].map(async (rows) => {
        for (let i = 0; i < rows.length; i++) {
          if (await this.deliver(rows[i]!)) { done.push(rows[i]!.id); continue; }
          unsent.push(...rows.slice(i + 1).map((r) => r.id));
          return;
        }
      }));
      await markOutboxDelivered(this.pool, done);
      await releaseOutboxLease(this.pool, unsent);
      this.delivered += done.length;
      const ok = done.length;
      total += ok;
      if (ok === 0) break; // everything due failed: wait for the backoff
      // A short batch took everything due: no claim that would come back empty. Items enqueued
      // meanwhile kick another round; ones due later are found by the poll.
      if (batch.length < this.s.outboxBatch) break;
    }
    return total;
  }

  /**
   * Tries to deliver an operator's pending writes now, backoff or not (waiting for ones another
   * dispatcher has in flight, up to `waitMs`); true when none is left pending, false as soon as one fails.
   */
  async flushOperator(operatorId: number, waitMs: number): Promise<boolean> {
    const end = Date.now() + waitMs;
    await makeOperatorOutboxDue(this.pool, operatorId); // the picker is waiting: no backoff for these
    for (;;) {
      await this.drain(operatorId);
      const { pending, failing } = await pendingOutboxOfOperator(this.pool, operatorId);
      if (pending === 0) return true;
      const left = end - Date.now();
      if (failing > 0 || left <= 0) return false;
      // Another dispatch has it in flight: wait for this process's round, or a little.
      await Promise.race([this.running ?? new Promise((r) => setTimeout(r, 50)), new Promise((r) => setTimeout(r, Math.min(left, 250)))]);
    }
  }

  private backoff(attempts: number): number {
    const base = Math.min(this.s.outboxBackoffMaxMs, this.s.outboxBackoffBaseMs * 2 ** Math.min(20, attempts - 1));
    return Math.round(base * (0.5 + Math.random() * 0.5));
  }

  /** Delivers one item; true = the host has it (marked delivered with its round), false = marked for retry or rejected. */
  private async deliver(row: OutboxRow): Promise<boolean> {
    const p = row.payload as Record<string, unknown>;
    const base = { idempotencyKey: row.idempotencyKey, operatorId: String(p.operatorId ?? ''), assignmentId: String(p.assignmentId ?? '') };
    try {
      if (row.operation === 'confirmPick') {
        await this.connector.confirmPick(row.siteId, { ...base, lineId: String(p.lineId ?? ''), quantity: Number(p.quantity) });
      } else if (row.operation === 'reportShort') {
        await this.connector.reportShort(row.siteId, {
          ...base, lineId: String(p.lineId ?? ''), quantity: Number(p.quantity), expected: Number(p.expected), reasonCode: String(p.reasonCode ?? ''),
        });
      } else {
        await this.connector.completeAssignment(row.siteId, base);
      }
      return true;
    } catch (err) {
      this.failures++;
      const msg = err instanceof Error ? err.message : String(err);
      if (err instanceof WmsError && !err.retryable) {
        await markOutboxRejected(this.pool, row.id, `${err.code}: ${msg}`);
        this.log.error({ outboxId: row.id, key: row.idempotencyKey, operation: row.operation, code: err.code, err: msg }, 'WMS refused an outbox write');
        return false;
      }
      const attempts = await markOutboxRetry(this.pool, row.id, msg, this.backoff(row.attempts + 1));
      const fields = { outboxId: row.id, key: row.idempotencyKey, operation: row.operation, attempts, err: msg };
      if (attempts >= this.s.outboxAlertAttempts) this.log.error(fields, 'outbox write still undelivered');
      else this.log.warn(fields, 'outbox write failed; will retry');
      return false;
    }
  }
}
