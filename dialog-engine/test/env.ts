/** Integration-test environment: a fresh database, a WMS simulator, a connector and a runtime. */
import { randomUUID } from 'node:crypto';
import { createTestDatabase, seedSite, type TestDatabase } from '../../db/testing.ts';
import type { TurnRecord } from '../../db/index.ts';
import { DialogRuntime, type DialogSession, type DialogSettings } from '../runtime/runtime.ts';
import { createConnector } from '../wms/connector.ts';
import type { WmsConnector } from '../wms/types.ts';
import { startWmsSim, type WmsSim, type WmsSimOptions } from '../wms-sim/index.ts';
import type { DialogOutput, PromptOutput } from '../types.ts';
import type { Receipt } from '../wms-sim/sim.ts';

export interface Env {
  db: TestDatabase; sim: WmsSim; connector: WmsConnector; rt: DialogRuntime;
  truthOperators: { id: string; pin: string; name: string; language: string }[];
  receipts(): Promise<Receipt[]>;
  faults(f: Record<string, unknown>): Promise<void>;
}

export async function setup(t: { teardown(fn: () => Promise<void>): void }, opts: { kind?: 'rest' | 'lut'; settings?: Partial<DialogSettings>; sim?: Partial<WmsSimOptions> } = {}): Promise<Env> {
  const db = await createTestDatabase();
  await seedSite(db.pool, 'S1');
  const sim = await startWmsSim({ seed: 7, operators: 3, assignmentsPerOperator: 2, ...opts.sim });
  const connector = createConnector({
    wmsKind: opts.kind ?? 'rest', wmsUrl: sim.url, wmsTimeoutMs: 1000,
    wmsLutAddress: `127.0.0.1:${sim.lutPort}`, wmsOdrAddress: `127.0.0.1:${sim.odrPort}`,
  });
  const rt = await DialogRuntime.load({
    pool: db.pool, connector,
    settings: { outboxPollMs: 50, outboxBackoffBaseMs: 30, outboxBackoffMaxMs: 150, signonMaxFailures: 3, ...opts.settings },
  });
  t.teardown(async () => { await rt.close(); await connector.close(); await sim.close(); await db.drop(); });
  const truthOperators = await (await fetch(`${sim.url}/truth/operators`)).json() as Env['truthOperators'];
  return {
    db, sim, connector, rt, truthOperators,
    receipts: async () => (await (await fetch(`${sim.url}/truth/confirmations`)).json()) as Receipt[],
    faults: async (f) => { await fetch(`${sim.url}/control/faults`, { method: 'POST', body: JSON.stringify(f) }); },
  };
}

/** A device session driven with typed answers, each carried by a turn record (as the gateway does). */
export class Picker {
  seq = 0;
  out: DialogOutput[] = [];
  constructor(readonly s: DialogSession, readonly siteId = 'S1') {}
  static async start(rt: DialogRuntime, resumeState?: unknown, sessionId: string = randomUUID()): Promise<Picker> {
    const s = await rt.startSession({ sessionId, siteId: 'S1', deviceId: randomUUID(), ...(resumeState !== undefined ? { resumeState } : {}) });
    const p = new Picker(s);
    p.out = await s.start();
    return p;
  }
  get prompt(): PromptOutput | undefined { return [...this.out].reverse().find((o): o is PromptOutput => o.type === 'prompt'); }
  get node(): string | undefined { return this.prompt?.node; }
  texts(): string[] { return this.out.flatMap((o) => (o.type === 'prompt' ? [o.text] : [])); }
  async type(text: string): Promise<DialogOutput[]> {
    const turn: TurnRecord = { sessionId: this.s.sessionId, siteId: this.siteId, seq: ++this.seq, at: new Date(), kind: 'text', text, confidence: 1, flowNode: this.node ?? null, operatorId: this.s.operatorId };
    this.out = await this.s.handle({ type: 'answer', text, confidence: 1, source: 'text' }, { turn });
    return this.out;
  }
  /** The right answer to the current prompt, from its expectation (the recogniser gets `expected` too). */
  rightAnswer(): string {
    const e = this.prompt?.expect;
    if (!e) throw new Error(`no expectation at ${this.node}`);
    if (e.kind === 'digits' && e.expected) return e.expected;
    if (e.kind === 'number' && e.expected !== undefined) return String(e.expected);
    if (e.kind === 'ready') return 'ready';
    throw new Error(`no right answer known at ${this.node}`);
  }
  async signOn(id: string, pin: string): Promise<void> {
    await this.type(id);
    await this.type(pin);
  }
  /** Answers right until the prompt is at `until` (or the dialog waits for something else). */
  async pickUntil(until: (node: string | undefined) => boolean, max = 200): Promise<void> {
    for (let i = 0; i < max && !until(this.node); i++) await this.type(this.rightAnswer());
  }
}

export async function waitFor(cond: () => Promise<boolean>, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not reached in time');
}
