/**
 * The simulator's host logic, shared by its three front ends (HTTP, LUT, ODR): operators and
 * assignments from the seeded warehouse, writes recorded once per idempotency key (receipts of
 * the same key are counted, so tests can see "delivered exactly once"), and fault injection.
 */
import { prng, Warehouse, type WarehouseOptions } from './warehouse.ts';
import type { Assignment } from '../wms/types.ts';

export interface Faults {
  /** Added to every reply. */
  latencyMs: number;
  /** Share of requests that fail (HTTP 503, LUT/ODR connection dropped). */
  failRate: number;
  /** Outage: every request fails (HTTP 503; LUT/ODR connections are closed at once). */
  down: boolean;
  /** The next `times` LUT replies (of `command`, or any) carry this error code and message. */
  lutError: { command?: string; code: number; message: string; times: number } | null;
  /** The next `times` replies of that protocol are malformed. */
  malformed: { protocol: 'http' | 'lut' | 'odr'; times: number } | null;
}

export type WriteOp = 'confirmPick' | 'reportShort' | 'completeAssignment';
export interface Receipt {
  key: string; operation: WriteOp; operatorId: string; assignmentId: string; lineId: string | null;
  quantity: number | null; reasonCode: string | null; receipts: number; firstAt: string; via: string;
}
export type WriteOutcome = { ok: true; duplicate: boolean } | { ok: false; code: string; message: string };

export interface SimOptions extends WarehouseOptions {
  /** Assignments per operator; 0 = unlimited (a new one is always there). */
  assignmentsPerOperator?: number;
  faults?: Partial<Faults>;
}

export class SimCore {
  readonly warehouse: Warehouse;
  faults: Faults;
  readonly assignmentsPerOperator: number;
  private readonly completed = new Set<string>();
  readonly receipts = new Map<string, Receipt>();
  private readonly rand: () => number;
  requests = 0;

  constructor(o: SimOptions) {
    this.warehouse = new Warehouse(o);
    this.assignmentsPerOperator = o.assignmentsPerOperator ?? 0;
    this.faults = { latencyMs: 0, failRate: 0, down: false, lutError: null, malformed: null, ...o.faults };
    this.rand = prng(o.seed ^ 0x5a5a);
  }

  setFaults(f: Partial<Faults>): Faults { this.faults = { ...this.faults, ...f }; return this.faults; }

  /** Whether this request fails by injection (outage or random failure). */
  failNow(): boolean {
    this.requests++;
    return this.faults.down || (this.faults.failRate > 0 && this.rand() < this.faults.failRate);
  }

  takeMalformed(protocol: 'http' | 'lut' | 'odr'): boolean {
    const m = this.faults.malformed;
    if (!m || m.protocol !== protocol || m.times <= 0) return false;
    m.times -= 1;
    if (m.times === 0) this.faults.malformed = null;
    return true;
  }

  takeLutError(command: string): { code: number; message: string } | null {
    const e = this.faults.lutError;
    if (!e || e.times <= 0 || (e.command && e.command !== command)) return null;
    e.times -= 1;
    if (e.times === 0) this.faults.lutError = null;
    return { code: e.code, message: e.message };
  }

  validate(operatorId: string, pin: string): { valid: true; operator: { externalId: string; name: string; language: 'en' | 'ru' } } | { valid: false; reason: 'bad-pin' | 'unknown' } {
    const op = this.warehouse.operator(operatorId);
    if (!op) return { valid: false, reason: 'unknown' };
    if (op.pin !== pin) return { valid: false, reason: 'bad-pin' };
    return { valid: true, operator: { externalId: op.id, name: op.name, language: op.language } };
  }

  private limit(): number { return this.assignmentsPerOperator > 0 ? this.assignmentsPerOperator : Number.MAX_SAFE_INTEGER; }

  /** The operator's first assignment not completed yet, or null (no work / unknown operator). */
  nextAssignment(operatorId: string): Assignment | null {
    if (!this.warehouse.operator(operatorId)) return null;
    for (let k = 0; k < this.limit(); k++) {
      const a = this.warehouse.assignment(operatorId, k);
      if (!this.completed.has(a.id)) return a;
    }
    return null;
  }

  /** The operator's first `count` assignments (ground truth). */
  assignments(operatorId: string, count: number): (Assignment & { operatorId: string; completed: boolean })[] {
    if (!this.warehouse.operator(operatorId)) return [];
    return Array.from({ length: Math.min(count, this.limit()) }, (_x, k) => {
      const a = this.warehouse.assignment(operatorId, k);
      return { ...a, operatorId, completed: this.completed.has(a.id) };
    });
  }

  findAssignment(id: string): { operatorId: string; assignment: Assignment } | null {
    if (!/^[0-9]{5,9}$/.test(id)) return null;
    const n = Number(id);
    const op = this.warehouse.operators[Math.floor(n / 10000) - 1];
    const k = (n % 10000) - 1;
    if (!op || k < 0 || k >= this.limit()) return null;
    return { operatorId: op.id, assignment: this.warehouse.assignment(op.id, k) };
  }

  write(op: WriteOp, key: string, f: { operatorId: string; assignmentId: string; lineId?: string; quantity?: number; reasonCode?: string }, via: string): WriteOutcome {
    if (!key) return { ok: false, code: 'NO_KEY', message: 'idempotency key missing' };
    const seen = this.receipts.get(key);
    if (seen) { seen.receipts += 1; return { ok: true, duplicate: true }; }
    const found = this.findAssignment(f.assignmentId);
    if (!found) return { ok: false, code: 'UNKNOWN_ASSIGNMENT', message: `no assignment ${f.assignmentId}` };
    let line = null;
    if (op !== 'completeAssignment') {
      line = found.assignment.lines.find((l) => l.id === f.lineId);
      if (!line) return { ok: false, code: 'UNKNOWN_LINE', message: `no line ${f.lineId ?? ''}` };
      const q = f.quantity ?? -1;
      if (!Number.isInteger(q) || q < 0 || q > line.qty || (op === 'reportShort' && q >= line.qty)) {
        return { ok: false, code: 'BAD_QUANTITY', message: `quantity ${q} not allowed for line ${line.id}` };
      }
      if (op === 'reportShort' && !f.reasonCode) return { ok: false, code: 'NO_REASON', message: 'reason code missing' };
    } else {
      this.completed.add(found.assignment.id);
    }
    this.receipts.set(key, {
      key, operation: op, operatorId: f.operatorId, assignmentId: f.assignmentId, lineId: f.lineId ?? null,
      quantity: f.quantity ?? null, reasonCode: f.reasonCode ?? null, receipts: 1, firstAt: new Date().toISOString(), via,
    });
    return { ok: true, duplicate: false };
  }
}
