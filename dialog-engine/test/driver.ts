/** Test helper: drives the pure interpreter with an in-memory WMS (no runtime, no database). */
import { step, initialState } from '../step.ts';
import { FlowRegistry, loadBuiltinFlows } from '../registry.ts';
import type { DialogOutput, DialogState, Flow, Json, PendingWms, StepInput, StepOptions, WmsResultInput } from '../types.ts';

export type FakeWms = (p: PendingWms) => Omit<WmsResultInput, 'type'>;

export const ASSIGNMENT = {
  id: '501',
  lines: [
    { id: 'L1', locationId: 'A1-01', aisle: '1', slot: '11', checkDigits: '42', itemId: 'I1', description: 'soap', qty: 3 },
    { id: 'L2', locationId: 'A1-02', aisle: '1', slot: '12', checkDigits: '57', itemId: 'I2', description: 'tea', qty: 2 },
    { id: 'L3', locationId: 'A2-01', aisle: '2', slot: '21', checkDigits: '305', itemId: 'I3', description: 'rice', qty: 5 },
  ],
  drop: { locationId: 'D1', name: 'dock 1', checkDigits: '99' },
  reasons: [{ code: '1', description: 'empty' }, { code: '2', description: 'damaged' }],
};

export function fakeWms(opts: { assignments?: number; calls?: PendingWms[] } = {}): FakeWms {
  let left = opts.assignments ?? 1;
  return (p): Omit<WmsResultInput, 'type'> => {
    opts.calls?.push(p);
    switch (p.op) {
      case 'validateOperator':
        return p.args.pin === '1234'
          ? { status: 'ok', data: { valid: true, operator: { id: 7, externalId: String(p.args.operatorId), name: 'Ann', language: 'en', ttsRate: 1, ttsVolume: 1 } } }
          : { status: 'ok', data: { valid: false, reason: 'bad-pin' } };
      case 'getNextAssignment':
        if (left <= 0) return { status: 'empty', data: null };
        left -= 1;
        return { status: 'ok', data: ASSIGNMENT as unknown as Json };
      default:
        return { status: 'ok', data: { queued: true } };
    }
  };
}

export class Driver {
  state: DialogState;
  log: DialogOutput[] = [];
  constructor(readonly flow: Flow, readonly registry: FlowRegistry, public wms: FakeWms, readonly opts: StepOptions = {}) {
    this.state = initialState(flow);
  }
  static async builtin(name: string, wms: FakeWms = fakeWms(), opts: StepOptions = {}): Promise<Driver> {
    const reg = new FlowRegistry(await loadBuiltinFlows());
    return new Driver(reg.current(name)!, reg, wms, { resolve: reg.resolve, ...opts });
  }
  send(input: StepInput): DialogOutput[] {
    const out: DialogOutput[] = [];
    let r = step(this.flow, this.state, input, this.opts);
    out.push(...r.outputs);
    for (let i = 0; i < 100 && r.state.pending?.kind === 'wms'; i++) {
      const res = this.wms(r.state.pending);
      r = step(this.flow, r.state, { type: 'wmsResult', ...res }, this.opts);
      out.push(...r.outputs);
    }
    this.state = r.state;
    this.log.push(...out);
    return out;
  }
  start(): DialogOutput[] { return this.send({ type: 'start' }); }
  say(text: string, confidence = 0.95): DialogOutput[] { return this.send({ type: 'answer', text, confidence, source: 'voice' }); }
  type(text: string): DialogOutput[] { return this.send({ type: 'answer', text, confidence: 1, source: 'text' }); }
  /** Texts of the prompts among outputs. */
  static texts(out: DialogOutput[]): string[] { return out.flatMap((o) => (o.type === 'prompt' ? [o.text] : [])); }
  get node(): string | undefined { return this.state.lastPrompt?.node; }
}
