/**
 * DbListener: LISTEN on `vm_turns` and `vm_sessions` over one dedicated connection (pg-listen),
 * reconnecting by itself forever with capped exponential backoff. Payloads are parsed and
 * checked here: a bad one is logged (code DB_BAD_NOTIFY_PAYLOAD) and dropped, never turned into
 * `{}`. Notifications sent while disconnected are lost by PostgreSQL's design, so `reconnected`
 * is emitted for readers to catch up from their cursor (see TurnFeed).
 */
import { EventEmitter } from 'node:events';
import pgListen, { type Subscriber } from 'pg-listen';
import type { TurnKind } from './turn.ts';
import { type DbLogger, errFields, silentLogger } from './log.ts';

// pg-listen is CommonJS with `exports.default`; depending on the loader the import is either.
const createPostgresSubscriber = ((pgListen as unknown as { default?: unknown }).default ?? pgListen) as typeof pgListen.default;

export const TURNS_CHANNEL = 'vm_turns';
export const SESSIONS_CHANNEL = 'vm_sessions';

/** The vm_turns payload (see vm_notify_turn in 001_core.sql): text cut to 200 characters. */
export interface TurnNotification {
  id: number; sessionId: string; siteId: string; seq: number; at: string; kind: TurnKind;
  text: string | null; confidence: number | null; latencyMs: number | null; flowNode: string | null;
}

/** The vm_sessions payload (see vm_notify_session). */
export interface SessionNotification {
  sessionId: string; siteId: string; deviceId: string; operatorId: number | null;
  op: 'insert' | 'update'; endedAt: string | null; endReason: string | null;
}

export interface ListenerEvents {
  turn: (n: TurnNotification) => void;
  session: (n: SessionNotification) => void;
  /** First connection established. */
  connected: () => void;
  /** The connection was lost; notifications are missed until `reconnected`. */
  disconnected: () => void;
  /** Listening again after a loss: read from your cursor to catch up. */
  reconnected: () => void;
}

export interface ListenerOptions {
  connectionString: string;
  logger?: DbLogger;
  /** Backoff between reconnection attempts: min doubling to max (with jitter). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Interval of the liveness query on the listening connection (false = none); default 10 s. */
  paranoidMs?: number | false;
  /** application_name of the listening connection; default 'voiceman-listener'. */
  applicationName?: string;
}

export interface ListenerStats { connected: boolean; turns: number; sessions: number; bad: number; reconnects: number }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const numOrNull = (v: unknown): boolean => v === null || typeof v === 'number';

export function parseTurnNotification(v: unknown): TurnNotification | null {
  if (!isObj(v)) return null;
  if (!Number.isSafeInteger(v.id) || typeof v.sessionId !== 'string' || typeof v.siteId !== 'string'
    || !Number.isInteger(v.seq) || typeof v.at !== 'string' || typeof v.kind !== 'string' || !strOrNull(v.text)
    || !numOrNull(v.confidence) || !numOrNull(v.latencyMs) || !strOrNull(v.flowNode)) return null;
  return v as unknown as TurnNotification;
}

export function parseSessionNotification(v: unknown): SessionNotification | null {
  if (!isObj(v)) return null;
  if (typeof v.sessionId !== 'string' || typeof v.siteId !== 'string' || typeof v.deviceId !== 'string'
    || !numOrNull(v.operatorId) || (v.op !== 'insert' && v.op !== 'update') || !strOrNull(v.endedAt)
    || !strOrNull(v.endReason)) return null;
  return v as unknown as SessionNotification;
}

export class DbListener {
  private readonly ee = new EventEmitter();
  private readonly log: DbLogger;
  private sub: Subscriber | null = null;
  private readonly abandoned = new WeakSet<Subscriber>();
  private state: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed' = 'idle';
  private everConnected = false;
  private attempt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private wakeRetry: (() => void) | null = null;
  private firstConnect: Promise<void> | null = null;
  private readonly s = { turns: 0, sessions: 0, bad: 0, reconnects: 0 };

  constructor(private readonly opts: ListenerOptions) {
    this.log = opts.logger ?? silentLogger;
    this.ee.setMaxListeners(0);
  }

  on<K extends keyof ListenerEvents>(event: K, fn: ListenerEvents[K]): this { this.ee.on(event, fn); return this; }
  off<K extends keyof ListenerEvents>(event: K, fn: ListenerEvents[K]): this { this.ee.off(event, fn); return this; }

  get connected(): boolean { return this.state === 'connected'; }

  stats(): ListenerStats { return { ...this.s, connected: this.connected }; }

  /** Connects (retrying forever) and listens; resolves on the first successful connection (or on close). */
  start(): Promise<void> {
    this.firstConnect ??= this.connectLoop();
    return this.firstConnect;
  }

  async close(): Promise<void> {
    this.state = 'closed';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.wakeRetry?.();
    const sub = this.sub;
    this.sub = null;
    if (sub) {
      this.abandoned.add(sub);
      await sub.close().catch((err: unknown) => this.log.debug({ ...errFields(err) }, 'listener close error'));
    }
  }

  private isClosed(): boolean { return this.state === 'closed'; }

  private delay(): number {
    const min = this.opts.retryMinMs ?? 250;
    const max = this.opts.retryMaxMs ?? 10_000;
    const base = Math.min(max, min * 2 ** Math.min(this.attempt, 20));
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  private emit<K extends keyof ListenerEvents>(event: K, ...args: Parameters<ListenerEvents[K]>): void {
    for (const fn of this.ee.listeners(event)) {
      try {
        (fn as (...a: unknown[]) => void)(...args);
      } catch (err) {
        this.log.error({ ...errFields(err), event }, 'listener event handler threw');
      }
    }
  }

  /** Builds a fresh subscriber until one connects and LISTENs; then pg-listen keeps it alive. */
  private async connectLoop(): Promise<void> {
    while (this.state !== 'closed') {
      this.state = this.everConnected ? 'reconnecting' : 'connecting';
      const sub = this.createSubscriber();
      try {
        await sub.connect();
        await sub.listenTo(TURNS_CHANNEL);
        await sub.listenTo(SESSIONS_CHANNEL);
      } catch (err) {
        this.attempt++;
        const wait = this.delay();
        this.log.warn({ ...errFields(err), attempt: this.attempt, retryMs: wait }, 'notification listener could not connect; retrying');
        this.abandon(sub);
        await new Promise<void>((resolve) => {
          this.wakeRetry = resolve;
          this.restartTimer = setTimeout(resolve, wait);
        });
        this.restartTimer = null;
        this.wakeRetry = null;
        continue;
      }
      if (this.isClosed()) { this.abandon(sub); return; }
      this.sub = sub;
      this.onConnected();
      return;
    }
  }

  private onConnected(): void {
    const again = this.everConnected;
    this.state = 'connected';
    this.everConnected = true;
    this.attempt = 0;
    if (again) {
      this.s.reconnects++;
      this.log.info({ reconnects: this.s.reconnects }, 'notification listener reconnected');
      this.emit('reconnected');
    } else {
      this.log.info({}, 'notification listener connected');
      this.emit('connected');
    }
  }

  /**
   * A subscriber we gave up on (failed first connect, restart, close) must stay dead: pg-listen
   * would otherwise keep reconnecting it in the background and leak a connection.
   */
  private abandon(sub: Subscriber): void {
    this.abandoned.add(sub);
    if (this.sub === sub) this.sub = null;
    sub.close().catch((err: unknown) => this.log.debug({ ...errFields(err) }, 'closing an abandoned listener connection failed'));
  }

  private createSubscriber(): Subscriber {
    const sub: Subscriber = createPostgresSubscriber({
      connectionString: this.opts.connectionString, application_name: this.opts.applicationName ?? 'voiceman-listener',
    }, {
      paranoidChecking: this.opts.paranoidMs ?? 10_000,
      retryLimit: Infinity,
      retryTimeout: 0, // 0 = never give up
      retryInterval: (attempt) => {
        if (this.abandoned.has(sub)) throw new Error('listener connection abandoned');
        this.attempt = attempt + 1;
        return this.delay();
      },
      parse: (raw) => raw, // parsed and checked in onNotification
    });
    sub.events.on('notification', (n) => { if (!this.abandoned.has(sub)) this.onNotification(n.channel, n.payload as unknown); });
    sub.events.on('reconnect', (attempt) => {
      if (this.sub !== sub) return;
      if (this.state === 'connected') {
        this.state = 'reconnecting';
        this.log.warn({ attempt }, 'notification listener lost its connection; reconnecting');
        this.emit('disconnected');
      }
    });
    sub.events.on('connected', () => {
      if (this.abandoned.has(sub)) this.abandon(sub);
      else if (this.sub === sub && this.state === 'reconnecting') this.onConnected();
    });
    sub.events.on('error', (err) => {
      if (this.sub !== sub) return;
      this.log.warn({ ...errFields(err) }, 'notification listener error');
      // pg-listen gives up only when re-LISTENing after a reconnect fails: start over ourselves.
      if (this.state !== 'connected' && !this.isClosed()) {
        this.abandon(sub);
        void this.connectLoop();
      }
    });
    return sub;
  }

  private onNotification(channel: string, raw: unknown): void {
    let value: unknown;
    try {
      value = typeof raw === 'string' ? JSON.parse(raw) : raw;
    } catch (err) {
      return this.bad(channel, raw, `payload is not JSON: ${(err as Error).message}`);
    }
    if (channel === TURNS_CHANNEL) {
      const n = parseTurnNotification(value);
      if (!n) return this.bad(channel, raw, 'payload does not match the vm_turns shape');
      this.s.turns++;
      this.emit('turn', n);
    } else if (channel === SESSIONS_CHANNEL) {
      const n = parseSessionNotification(value);
      if (!n) return this.bad(channel, raw, 'payload does not match the vm_sessions shape');
      this.s.sessions++;
      this.emit('session', n);
    } else {
      this.bad(channel, raw, 'notification on a channel this listener does not handle');
    }
  }

  private bad(channel: string, raw: unknown, reason: string): void {
    this.s.bad++;
    this.log.error({ code: 'DB_BAD_NOTIFY_PAYLOAD', channel, reason, payload: String(raw).slice(0, 300) },
      'bad notification payload dropped');
  }
}
