/**
 * The dialog runtime: loads flows (built-in JSON + published versions from PostgreSQL), starts
 * sessions, runs their WMS effects and the outbox dispatcher. A session's state is plain JSON
 * (`session.state`), persisted by the gateway with every turn and passed back as `resumeState`.
 */
import pino, { type Logger } from 'pino';
import type { Pool, TurnRecord } from '../../db/index.ts';
import { getFlowVersion, insertFlowDraft, latestPublishedFlows, publishFlowVersion } from '../../db/queries/flows.ts';
import { FlowRegistry, loadBuiltinFlows } from '../registry.ts';
import { validateFlow, FlowError } from '../schema.ts';
import { initialState, step } from '../step.ts';
import { isDialogState } from '../state.ts';
import { Effects } from './effects.ts';
import { OutboxDispatcher, type OutboxSettings } from './outbox.ts';
import { saveOperatorTts, type SignonSettings } from './signon.ts';
import { syncReferenceData, type SyncResult } from './reference.ts';
import type { WmsConnector } from '../wms/types.ts';
import type { DialogInput, DialogOutput, DialogState, Flow, Json, Language, PendingWms, StepInput, StepOptions, WmsResultInput } from '../types.ts';

/** Settings (the same names as the `dialog` config section: pass `config.dialog`). */
export interface DialogSettings extends SignonSettings, OutboxSettings {
  startFlow: string;
  defaultLanguage: Language;
  confidenceReject: number;
  confidenceAccept: number;
  alertAfter: number;
  /** Run the outbox dispatcher in this process. */
  outboxDispatch: boolean;
}

export const DEFAULT_DIALOG_SETTINGS: DialogSettings = {
  startFlow: 'main', defaultLanguage: 'en', confidenceReject: 0.3, confidenceAccept: 0.7, alertAfter: 3,
  pinAuthority: 'wms', signonMaxFailures: 3, signonLockMinutes: 5,
  outboxDispatch: true, outboxPollMs: 1000, outboxBatch: 50, outboxBackoffBaseMs: 500, outboxBackoffMaxMs: 60000,
  outboxLeaseMs: 30000, outboxAlertAttempts: 20, outboxFlushMs: 3000,
};

export interface RuntimeOptions {
  pool: Pool;
  connector: WmsConnector;
  logger?: Logger;
  settings?: Partial<DialogSettings>;
  /** Folder of built-in flows (default dialog-engine/flows). */
  flowsDir?: string;
}

export interface SessionContext {
  sessionId: string; siteId: string; deviceId: string; language?: Language;
  /** device_sessions.dialog_state of the session being resumed (ignored when not a valid state). */
  resumeState?: unknown;
}

export interface HandleOptions {
  /** The turn that carries this input: inserted in the same transaction as any WMS write it causes. */
  turn?: TurnRecord;
}

export interface DialogSession {
  readonly sessionId: string;
  /** Plain JSON; persist it with every turn (device_sessions.dialog_state). */
  readonly state: DialogState;
  readonly operatorId: number | null;
  readonly language: Language;
  readonly resumed: boolean;
  /** The first prompt(s); when resumed, the current prompt again (or the pending WMS call is redone). */
  start(): Promise<DialogOutput[]>;
  /** One input; calls of one session are serialised. */
  handle(input: DialogInput, opts?: HandleOptions): Promise<DialogOutput[]>;
  /** The site's process settings the flows see as `site` (nested by key dots), from the next step on. */
  setSite(site: { [key: string]: Json }): void;
}

export class DialogRuntime {
  private constructor(
    private readonly pool: Pool, private readonly connector: WmsConnector, readonly registry: FlowRegistry, private readonly effects: Effects,
    readonly outbox: OutboxDispatcher, readonly settings: DialogSettings, private readonly log: Logger,
  ) {}

  static async load(opts: RuntimeOptions): Promise<DialogRuntime> {
    const settings = { ...DEFAULT_DIALOG_SETTINGS, ...opts.settings };
    const log = opts.logger ?? pino({ level: 'silent' });
    const registry = new FlowRegistry(await loadBuiltinFlows(opts.flowsDir));
    const outbox = new OutboxDispatcher(opts.pool, opts.connector, settings, log);
    const rt = new DialogRuntime(opts.pool, opts.connector, registry, new Effects(opts.pool, opts.connector, outbox, settings, log), outbox, settings, log);
    await rt.refreshFlows();
    if (!registry.current(settings.startFlow)) throw new FlowError(settings.startFlow, [{ path: '/', message: 'start flow not found' }]);
    if (settings.outboxDispatch) outbox.start();
    return rt;
  }

  /** Makes the newest published versions current (call after a publish, e.g. on NOTIFY). */
  async refreshFlows(): Promise<void> {
    const rows = await latestPublishedFlows(this.pool);
    const names = new Set([...this.registry.names(), ...rows.map((r) => r.name)]);
    for (const row of rows) {
      try {
        this.registry.add({ ...validateFlow(row.definition, names), version: row.version }, true);
      } catch (err) {
        this.log.error({ flow: row.name, version: row.version, err: (err as Error).message }, 'published flow is not valid; keeping the previous version');
      }
    }
  }

  /** Copies the WMS's locations, items and reason codes into the site's tables. Throws WmsError. */
  syncReferenceData(siteId: string): Promise<SyncResult> {
    return syncReferenceData(this.pool, this.connector, siteId);
  }

  /** Validates and stores a new draft version; returns its number. */
  async saveDraft(doc: unknown, meta: { comment?: string; createdBy?: string } = {}): Promise<number> {
    const flow = validateFlow(doc, new Set([...this.registry.names(), (doc as { name?: string }).name ?? '']));
    const row = await insertFlowDraft(this.pool, { name: flow.name, definition: { ...flow, version: undefined }, ...meta });
    return row.version;
  }

  /** Publishes a draft: new sessions get it, running sessions keep their version. */
  async publish(name: string, version: number): Promise<boolean> {
    const row = await publishFlowVersion(this.pool, name, version);
    if (row) await this.refreshFlows();
    return row !== null;
  }

  private async ensurePinned(state: DialogState): Promise<boolean> {
    const wanted = [...Object.entries(state.pins), ...state.stack.map((f) => [f.flow, f.version] as const)];
    for (const [name, version] of wanted) {
      if (this.registry.has(name, version)) continue;
      if (version === 0) return false;
      const row = await getFlowVersion(this.pool, name, version);
      if (!row) return false;
      try {
        this.registry.add({ ...validateFlow(row.definition), version }, false);
      } catch (err) {
        this.log.error({ flow: name, version, err: (err as Error).message }, 'stored flow version is not valid');
        return false;
      }
    }
    return true;
  }

  async startSession(ctx: SessionContext): Promise<DialogSession> {
    let state: DialogState | null = null;
    if (ctx.resumeState !== undefined && ctx.resumeState !== null) {
      if (isDialogState(ctx.resumeState) && (await this.ensurePinned(ctx.resumeState))) state = ctx.resumeState;
      else this.log.warn({ sessionId: ctx.sessionId }, 'persisted dialog state is not usable; starting anew');
    }
    const resumed = state !== null;
    if (!state) state = initialState(this.registry.current(this.settings.startFlow)!, { language: ctx.language ?? this.settings.defaultLanguage });
    return new Session(this, ctx, state, resumed);
  }

  /** @internal */ stepOptions(): StepOptions {
    return { resolve: this.registry.resolve, reject: this.settings.confidenceReject, accept: this.settings.confidenceAccept, alertAfter: this.settings.alertAfter };
  }
  /** @internal */ rootOf(state: DialogState): Flow {
    const root = state.stack[0]!;
    return this.registry.get(root.flow, root.version)!;
  }
  /** @internal */ get fx(): Effects { return this.effects; }
  /** @internal */ async saveTts(operatorId: number, tts: { ttsRate?: number; ttsVolume?: number }): Promise<void> {
    await saveOperatorTts(this.pool, operatorId, tts).catch((err: unknown) => this.log.warn({ operatorId, err }, 'could not keep speech settings'));
  }

  async close(): Promise<void> {
    await this.outbox.stop();
  }
}

/**
 * The business event a WMS call stands for, logged as an `event` turn (docs/api.md conventions):
 * `assignment:<id>` when work is handed out, `pick_confirmed …` / `short_reported …` when a
 * write is queued, `assignment_complete:<id>`.
 */
export function businessEvent(p: PendingWms, res: WmsResultInput): DialogOutput | null {
  if (res.status !== 'ok') return null;
  const a = p.args;
  const v = (k: string): string => (a[k] === null || a[k] === undefined ? '' : String(a[k]));
  switch (p.op) {
    case 'getNextAssignment': {
      const id = (res.data as { id?: unknown } | null)?.id;
      return id === undefined || id === null ? null : { type: 'event', text: `assignment:${String(id)}`, node: p.node };
    }
    case 'confirmPick':
      return { type: 'event', text: `pick_confirmed line=${v('lineId')} qty=${v('quantity')}`, node: p.node };
    case 'reportShort':
      return { type: 'event', text: `short_reported line=${v('lineId')} qty=${v('quantity')} reason=${v('reasonCode')}`, node: p.node };
    case 'completeAssignment':
      return { type: 'event', text: `assignment_complete:${v('assignmentId')}`, node: p.node };
    default:
      return null;
  }
}

/** Most WMS calls one input may chain (a guard; flows normally need one or two). */
const MAX_EFFECTS_PER_INPUT = 20;

class Session implements DialogSession {
  private queue: Promise<unknown> = Promise.resolve();
  private site: { [key: string]: Json } = {};
  constructor(private readonly rt: DialogRuntime, private readonly ctx: SessionContext, public state: DialogState, readonly resumed: boolean) {}

  get sessionId(): string { return this.ctx.sessionId; }
  get operatorId(): number | null { return this.state.operatorId; }
  get language(): Language { return this.state.language; }

  start(): Promise<DialogOutput[]> {
    return this.serial(() => this.run(this.resumed ? { type: 'resume' } : { type: 'start' }, undefined));
  }

  handle(input: DialogInput, opts: HandleOptions = {}): Promise<DialogOutput[]> {
    return this.serial(() => this.run(input, opts.turn));
  }

  setSite(site: { [key: string]: Json }): void { this.site = site; }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async run(input: StepInput, turn: TurnRecord | undefined): Promise<DialogOutput[]> {
    const opts = { ...this.rt.stepOptions(), site: this.site };
    const out: DialogOutput[] = [];
    let r = step(this.rt.rootOf(this.state), this.state, input, opts);
    out.push(...r.outputs);
    for (let i = 0; r.state.pending?.kind === 'wms' && i < MAX_EFFECTS_PER_INPUT; i++) {
      this.state = r.state; // a crash mid-call resumes with the call pending (redone on start())
      const res = await this.rt.fx.run(r.state.pending, {
        siteId: this.ctx.siteId, sessionId: this.ctx.sessionId, operatorId: r.state.operatorId, ...(turn ? { turn } : {}),
      });
      const ev = businessEvent(r.state.pending, res);
      if (ev) out.push(ev);
      r = step(this.rt.rootOf(r.state), r.state, res, opts);
      out.push(...r.outputs);
    }
    this.state = r.state;
    for (const o of out) {
      if (o.type === 'settings' && this.state.operatorId !== null) {
        await this.rt.saveTts(this.state.operatorId, { ...(o.ttsRate !== undefined ? { ttsRate: o.ttsRate } : {}), ...(o.ttsVolume !== undefined ? { ttsVolume: o.ttsVolume } : {}) });
      }
    }
    return out;
  }
}
