/**
 * One device session over a WebSocket, kept alive across network loss: hello (with resume),
 * in-order de-duplicated server messages, cumulative acks, the device's own `cseq` with an
 * outbox re-sent after a resume (the server drops what it already took), reconnect with backoff
 * honouring the close codes, and a watchdog for sockets that die silently (Wi-Fi gone: the send
 * buffer stops draining). No DOM here: the socket and the resume store are injected.
 */
import { Backoff } from './backoff.ts';
import {
  PROTOCOL_VERSION, closeAction, parseServerMessage,
  type EventName, type HelloMsg, type ServerMessage, type WelcomeMsg, type CloseAction,
} from './types.ts';

/** The part of a browser WebSocket the session uses. */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface ResumePoint { sessionId: string; lastSeq: number }
export interface ResumeStore { load(): ResumePoint | null; save(p: ResumePoint | null): void }

export type ConnState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

export interface SessionOptions {
  url: string;
  deviceId: string;
  token: string;
  appVersion: string;
  model?: string;
  openSocket?: (url: string) => SocketLike;
  store?: ResumeStore;
  backoff?: { baseMs: number; maxMs: number };
  /** Close and retry when no welcome arrives this long after the socket opened. */
  welcomeTimeoutMs?: number;
  /** A socket whose send buffer has not drained for this long is taken as dead. */
  stallTimeoutMs?: number;
  /** Most text/event messages kept for re-sending after a resume. */
  outboxMax?: number;
}

export interface SessionListener {
  state?(state: ConnState, info: { attempt: number; delayMs?: number; stop?: CloseAction; closeCode?: number }): void;
  welcome?(msg: WelcomeMsg): void;
  /** Every server message after the welcome, once each, in seq order (replays removed). */
  message?(msg: ServerMessage): void;
  /** A message the client could not understand (reported, then ignored). */
  protocolError?(detail: string): void;
}

type Outgoing = { type: 'text'; cseq: number; text: string } | { type: 'event'; cseq: number; name: EventName; value?: string | number };

const OPEN = 1;

export class DeviceSession {
  private socket: SocketLike | null = null;
  private stateValue: ConnState = 'stopped';
  private resume: ResumePoint | null;
  private lastSeq = 0;
  private ackedSeq = 0;
  private cseq = 0;
  private welcomed = false;
  private outbox: Outgoing[] = [];
  private ackEveryMs = 1000;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private welcomeTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private stalledSince = 0;
  private lastBuffered = 0;
  private readonly backoff: Backoff;
  private readonly listeners: SessionListener[] = [];
  /** Bytes of audio sent (for the bandwidth figures). */
  audioBytesSent = 0;
  audioFramesSent = 0;

  constructor(private readonly opts: SessionOptions) {
    this.backoff = new Backoff(opts.backoff ?? { baseMs: 500, maxMs: 15000 });
    this.resume = opts.store?.load() ?? null;
  }

  get state(): ConnState { return this.stateValue; }
  get sessionId(): string | null { return this.resume?.sessionId ?? null; }
  get lastServerSeq(): number { return this.lastSeq; }

  on(l: SessionListener): () => void {
    this.listeners.push(l);
    return () => { const i = this.listeners.indexOf(l); if (i >= 0) this.listeners.splice(i, 1); };
  }

  start(): void {
    if (this.stateValue !== 'stopped') return;
    this.connect('connecting');
  }

  /** Ends the session for good (no reconnect). */
  stop(): void {
    this.clearTimers();
    this.setState('stopped', {});
    this.dropSocket(1000, 'device stopped');
  }

  /** Skip the current backoff wait (e.g. the browser says the network is back). */
  retryNow(): void {
    if (this.stateValue !== 'reconnecting' || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect('reconnecting');
  }

  /** A typed or button answer. Queued while offline and sent after the resume. Returns its cseq. */
  sendText(text: string): number {
    return this.enqueue({ type: 'text', cseq: ++this.cseq, text: text.slice(0, 200) });
  }

  sendEvent(name: EventName, value?: string | number): number {
    return this.enqueue(value === undefined ? { type: 'event', cseq: ++this.cseq, name } : { type: 'event', cseq: ++this.cseq, name, value });
  }

  /** One PCM16 frame. Dropped (returns false) unless a welcomed connection is open: audio is never queued. */
  sendAudio(frame: ArrayBufferView): boolean {
    const s = this.socket;
    if (!s || !this.welcomed || s.readyState !== OPEN) return false;
    s.send(frame);
    this.audioBytesSent += frame.byteLength;
    this.audioFramesSent++;
    return true;
  }

  // ---- internals ----

  private enqueue(m: Outgoing): number {
    this.outbox.push(m);
    const max = this.opts.outboxMax ?? 200;
    if (this.outbox.length > max) this.outbox.splice(0, this.outbox.length - max);
    if (this.socket && this.welcomed && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(m));
    return m.cseq;
  }

  private connect(state: ConnState): void {
    this.setState(state, { attempt: this.backoff.attempts });
    const open = this.opts.openSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let s: SocketLike;
    try {
      s = open(this.opts.url);
    } catch (err) {
      this.notifyError(`cannot open socket: ${(err as Error).message}`);
      this.scheduleReconnect({ kind: 'reconnect', minDelayMs: 0, immediate: false }, 1006);
      return;
    }
    this.socket = s;
    this.welcomed = false;
    s.binaryType = 'arraybuffer';
    s.onopen = () => this.onOpen(s);
    s.onmessage = (ev) => this.onMessage(s, ev.data);
    s.onclose = (ev) => this.onClose(s, ev.code);
    s.onerror = () => { /* always followed by onclose, which decides what to do */ };
  }

  private onOpen(s: SocketLike): void {
    if (s !== this.socket) return;
    const hello: HelloMsg = {
      type: 'hello', v: PROTOCOL_VERSION, deviceId: this.opts.deviceId, token: this.opts.token,
      appVersion: this.opts.appVersion, audio: { encoding: 'pcm16le', sampleRate: 16000, frameMs: 20 },
      ...(this.opts.model ? { model: this.opts.model } : {}),
      ...(this.resume ? { resume: { sessionId: this.resume.sessionId, lastSeq: this.resume.lastSeq } } : {}),
    };
    s.send(JSON.stringify(hello));
    this.welcomeTimer = setTimeout(() => {
      this.notifyError('no welcome in time');
      this.lose(s);
    }, this.opts.welcomeTimeoutMs ?? 8000);
  }

  private onMessage(s: SocketLike, data: unknown): void {
    if (s !== this.socket) return;
    if (typeof data !== 'string') { this.notifyError('unexpected binary message from server'); return; }
    const parsed = parseServerMessage(data);
    if (!parsed.ok) { this.notifyError(parsed.error); return; }
    const msg = parsed.msg;
    if (msg.type === 'welcome') { this.onWelcome(s, msg); return; }
    if (this.welcomed && msg.seq <= this.lastSeq) return; // replayed after a resume: already handled
    if (this.welcomed) this.lastSeq = msg.seq;
    this.saveResume();
    this.scheduleAck();
    for (const l of this.listeners) l.message?.(msg);
  }

  private onWelcome(s: SocketLike, w: WelcomeMsg): void {
    if (this.welcomeTimer) { clearTimeout(this.welcomeTimer); this.welcomeTimer = null; }
    const resumed = w.resumed && this.resume !== null && this.resume.sessionId === w.sessionId;
    if (!resumed) {
      // A new session: old answers belong to prompts that no longer exist.
      this.outbox = [];
      this.cseq = 0;
      this.lastSeq = w.seq;
      this.ackedSeq = 0;
    }
    this.cseq = Math.max(this.cseq, w.lastCseq);
    this.outbox = this.outbox.filter((m) => m.cseq > w.lastCseq);
    this.resume = { sessionId: w.sessionId, lastSeq: this.lastSeq };
    this.saveResume();
    this.ackEveryMs = Math.max(50, w.settings.ackEveryMs || 1000);
    this.welcomed = true;
    this.backoff.reset();
    this.startWatchdog(s);
    for (const m of this.outbox) s.send(JSON.stringify(m));
    this.setState('connected', { attempt: 0 });
    for (const l of this.listeners) l.welcome?.(w);
    this.scheduleAck();
  }

  private onClose(s: SocketLike, code: number): void {
    if (s !== this.socket) return;
    this.socket = null;
    this.welcomed = false;
    this.clearConnTimers();
    if (this.stateValue === 'stopped') return;
    const action = closeAction(code);
    if (action.kind === 'stop') {
      if (action.reason !== 'ended') this.resume = null;
      this.opts.store?.save(action.reason === 'ended' ? null : this.resume);
      this.setState('stopped', { attempt: this.backoff.attempts, stop: action, closeCode: code });
      return;
    }
    this.scheduleReconnect(action, code);
  }

  /** Treat the socket as lost (as if closed with 1006) and reconnect. */
  private lose(s: SocketLike): void {
    if (s !== this.socket) return;
    this.dropSocket(4000, 'client: connection lost');
    this.welcomed = false;
    this.clearConnTimers();
    this.scheduleReconnect({ kind: 'reconnect', minDelayMs: 0, immediate: false }, 1006);
  }

  private scheduleReconnect(action: Extract<CloseAction, { kind: 'reconnect' }>, code: number): void {
    const delayMs = this.backoff.next(action.minDelayMs, action.immediate);
    this.setState('reconnecting', { attempt: this.backoff.attempts, delayMs, closeCode: code });
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.connect('reconnecting'); }, delayMs);
  }

  private scheduleAck(): void {
    if (this.ackTimer || !this.welcomed) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null;
      const s = this.socket;
      if (s && this.welcomed && s.readyState === OPEN && this.lastSeq > this.ackedSeq) {
        s.send(JSON.stringify({ type: 'ack', seq: this.lastSeq }));
        this.ackedSeq = this.lastSeq;
      }
    }, this.ackEveryMs);
  }

  private startWatchdog(s: SocketLike): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.stalledSince = 0;
    this.lastBuffered = 0;
    const stallMs = this.opts.stallTimeoutMs ?? 5000;
    this.watchdog = setInterval(() => {
      const now = Date.now();
      const b = s.bufferedAmount;
      if (b > 0 && b >= this.lastBuffered) {
        if (!this.stalledSince) this.stalledSince = now;
        if (now - this.stalledSince >= stallMs) { this.notifyError('send buffer stalled; reconnecting'); this.lose(s); }
      } else {
        this.stalledSince = 0;
      }
      this.lastBuffered = b;
    }, 500);
  }

  private saveResume(): void {
    if (!this.resume) return;
    this.resume = { sessionId: this.resume.sessionId, lastSeq: this.lastSeq };
    this.opts.store?.save(this.resume);
  }

  private dropSocket(code: number, reason: string): void {
    const s = this.socket;
    this.socket = null;
    if (!s) return;
    s.onopen = null; s.onmessage = null; s.onclose = null; s.onerror = null;
    try {
      s.close(code, reason);
    } catch (err) {
      this.notifyError(`close failed: ${(err as Error).message}`);
    }
  }

  private clearConnTimers(): void {
    if (this.welcomeTimer) { clearTimeout(this.welcomeTimer); this.welcomeTimer = null; }
    if (this.ackTimer) { clearTimeout(this.ackTimer); this.ackTimer = null; }
    if (this.watchdog) { clearInterval(this.watchdog); this.watchdog = null; }
  }

  private clearTimers(): void {
    this.clearConnTimers();
    if (this.retryTimer) { clearTimeout(this.retryTimer); this.retryTimer = null; }
  }

  private setState(state: ConnState, info: { attempt?: number; delayMs?: number; stop?: CloseAction; closeCode?: number }): void {
    this.stateValue = state;
    for (const l of this.listeners) l.state?.(state, { attempt: info.attempt ?? 0, ...info });
  }

  private notifyError(detail: string): void {
    for (const l of this.listeners) l.protocolError?.(detail);
  }
}
