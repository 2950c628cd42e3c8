/**
 * One device session: the server's message stream with its seq numbers, the messages the device
 * has not acknowledged (kept for a resume), the device's answer counter (cseq, for de-duplication),
 * and the conversation that runs on it. A session outlives its socket: when the connection drops
 * it waits RESUME_GRACE_MS for the device to come back.
 *
 * Concurrency: everything runs on the event loop. Device inputs are handed to the conversation
 * one at a time (a per-session promise chain), so a conversation never sees two inputs at once.
 */
import type { Logger } from '../logger.ts';
import type { TurnRecord, TurnKind } from '../../db/index.ts';
import type { DeviceSettings, Outgoing, ServerMessage } from '../protocol/messages.ts';
import { DeviceErrors, type DeviceErrorCode } from '../errors.ts';

/** The socket a session is attached to, as the session sees it. */
export interface Transport {
  /** 'ok' sent; 'blocked' queued in the socket but backed up (wait for drain); 'dropped' not sent. */
  send(text: string): 'ok' | 'blocked' | 'dropped';
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

/** What the session offers to the conversation running on it. */
export interface SessionContext {
  readonly sessionId: string;
  readonly siteId: string;
  readonly deviceId: string;
  readonly log: Logger;
  operatorId: number | null;
  settings: DeviceSettings;
  /** Sample rate of the device's audio frames (from its hello). */
  readonly sampleRate: number;
  send(msg: Outgoing): void;
  /** Logs a dialog turn (seq and time are assigned here) and returns it. */
  logTurn(kind: TurnKind, fields: Omit<TurnRecord, 'sessionId' | 'siteId' | 'seq' | 'at' | 'kind'>): TurnRecord;
  /** Persists the conversation's plain-JSON state with the session (coalesced). */
  saveState(state: unknown): void;
  /** Sends a non-fatal error from the catalogue. */
  error(code: DeviceErrorCode, message?: string): void;
  /** Ends the session from the server side (bye, then close 1000). */
  end(reason: string): void;
  /** Runs `fn` after the session's earlier inputs (one at a time); false when the queue is full. */
  enqueue(what: string, fn: () => Promise<void>): boolean;
}

/** A conversation: echo at first, then the dialog with speech recognition. */
export interface Conversation {
  /** Called once for a new session, and again after each resume (`resumed` = true). */
  start(resumed: boolean): Promise<void>;
  onText(text: string): Promise<void>;
  onEvent(name: string, value: string | number | undefined): Promise<void>;
  /** Synchronous: called for every audio frame; the frame is only valid during the call. */
  onAudio(frame: Int16Array): void;
  /**
   * Synchronous, in order with the audio frames: the device's speech gate opened (`speech_start`)
   * or closed (`speech_end`). `onEvent` gets the same events later, through the session's queue.
   */
  onGate?(open: boolean): void;
  close(reason: string): Promise<void>;
}

export interface SessionPersistence {
  logTurn(turn: TurnRecord): void;
  saveState(sessionId: string, envelope: SessionStateEnvelope, lastSeq: number): void;
}

/** What is persisted in device_sessions.dialog_state, so a session can resume on another node. */
export interface SessionStateEnvelope {
  v: 1; turnSeq: number; lastCseq: number; operatorId: number | null; conversation: unknown;
  /** The operator's speech settings (language, rate, volume), so a resumed device speaks as before. */
  settings?: DeviceSettings;
}

export interface SessionInit {
  sessionId: string; siteId: string; deviceId: string; log: Logger; settings: DeviceSettings;
  persistence: SessionPersistence; maxUnacked: number;
  /** Restored counters when a session is rehydrated from the database. */
  restored?: { seq: number; envelope: SessionStateEnvelope };
}

const MAX_PENDING_INPUTS = 32;

export class DeviceSession implements SessionContext {
  readonly sessionId: string;
  readonly siteId: string;
  readonly deviceId: string;
  readonly log: Logger;
  operatorId: number | null = null;
  settings: DeviceSettings;
  sampleRate = 16000;
  conversation: Conversation | null = null;
  /** Highest seq assigned. */
  private seq = 0;
  /** Highest seq written to the current transport. */
  private sentSeq = 0;
  private turnSeq = 0;
  lastCseq = 0;
  private unacked: ServerMessage[] = [];
  private transport: Transport | null = null;
  private blocked = false;
  private inputChain: Promise<void> = Promise.resolve();
  private pendingInputs = 0;
  private conversationState: unknown = null;
  private ended = false;
  graceTimer: NodeJS.Timeout | null = null;
  /** Set by the registry: how the session ends itself. */
  onEnd: (reason: string) => void = () => undefined;

  constructor(private readonly init: SessionInit) {
    this.sessionId = init.sessionId;
    this.siteId = init.siteId;
    this.deviceId = init.deviceId;
    this.log = init.log;
    this.settings = init.settings;
    if (init.restored) {
      this.seq = init.restored.seq;
      this.sentSeq = init.restored.seq;
      this.turnSeq = init.restored.envelope.turnSeq;
      this.lastCseq = init.restored.envelope.lastCseq;
      this.operatorId = init.restored.envelope.operatorId;
      this.conversationState = init.restored.envelope.conversation;
      if (init.restored.envelope.settings) this.settings = { ...this.settings, ...init.restored.envelope.settings };
    }
  }

  get restoredConversationState(): unknown { return this.conversationState; }
  get attached(): boolean { return this.transport !== null; }
  get isEnded(): boolean { return this.ended; }
  get lastSeq(): number { return this.seq; }
  /** The newest sequenced message written to the current socket (the device has at most this). */
  get sentUpTo(): number { return this.sentSeq; }
  get unackedCount(): number { return this.unacked.length; }

  /** Attaches a socket. `lastSeq`: what the device already has (resume); the rest is replayed. */
  attach(transport: Transport, resumed: boolean, lastSeq: number): void {
    this.transport = transport;
    this.blocked = false;
    this.ack(lastSeq);
    this.sentSeq = Math.min(lastSeq, this.seq);
    this.write({
      type: 'welcome', seq: this.seq, v: 1, sessionId: this.sessionId, resumed,
      lastCseq: this.lastCseq, settings: this.settings,
    });
    this.flush();
  }

  detach(transport: Transport): boolean {
    if (this.transport !== transport) return false;
    this.transport = null;
    this.blocked = false;
    return true;
  }

  send(msg: Outgoing): void {
    if (this.ended) return;
    this.seq += 1;
    const full = { ...msg, seq: this.seq } as ServerMessage;
    this.unacked.push(full);
    if (this.unacked.length > this.init.maxUnacked) {
      // The device has stopped acknowledging: keep the newest; it will be told by a resume gap.
      const dropped = this.unacked.shift();
      this.log.warn({ droppedSeq: dropped?.seq }, 'unacknowledged backlog full: oldest message dropped');
    }
    this.flush();
  }

  /** Writes unsent messages in order until the socket backs up. */
  flush(): void {
    if (!this.transport || this.blocked) return;
    for (const msg of this.unacked) {
      if (msg.seq <= this.sentSeq) continue;
      const r = this.write(msg);
      if (r === 'dropped') return;
      this.sentSeq = msg.seq;
      if (r === 'blocked') { this.blocked = true; return; }
    }
  }

  onDrain(): void {
    this.blocked = false;
    this.flush();
  }

  private write(msg: ServerMessage): 'ok' | 'blocked' | 'dropped' {
    if (!this.transport) return 'dropped';
    return this.transport.send(JSON.stringify(msg));
  }

  ack(seq: number): void {
    if (seq <= 0) return;
    let i = 0;
    while (i < this.unacked.length && this.unacked[i]!.seq <= seq) i++;
    if (i) this.unacked.splice(0, i);
  }

  /** Runs device inputs one at a time; a flood beyond the bound is refused (rate limit catches it first). */
  enqueue(what: string, fn: () => Promise<void>): boolean {
    if (this.pendingInputs >= MAX_PENDING_INPUTS) return false;
    this.pendingInputs++;
    this.inputChain = this.inputChain.then(fn).catch((err: unknown) => {
      this.log.error({ err, input: what }, 'conversation failed on input');
      this.error('INTERNAL', 'the server could not handle that; please repeat');
    }).finally(() => { this.pendingInputs--; });
    return true;
  }

  /** Takes a text/event answer once: returns false when this cseq was already taken. */
  takeCseq(cseq: number): boolean {
    if (cseq <= this.lastCseq) return false;
    this.lastCseq = cseq;
    return true;
  }

  logTurn(kind: TurnKind, fields: Omit<TurnRecord, 'sessionId' | 'siteId' | 'seq' | 'at' | 'kind'>): TurnRecord {
    this.turnSeq += 1;
    const turn: TurnRecord = {
      operatorId: this.operatorId, ...fields,
      sessionId: this.sessionId, siteId: this.siteId, seq: this.turnSeq, at: new Date(), kind,
    };
    this.init.persistence.logTurn(turn);
    this.persist();
    return turn;
  }

  saveState(state: unknown): void {
    this.conversationState = state;
    this.persist();
  }

  private persist(): void {
    this.init.persistence.saveState(this.sessionId, {
      v: 1, turnSeq: this.turnSeq, lastCseq: this.lastCseq, operatorId: this.operatorId, settings: this.settings,
      conversation: this.conversationState,
    }, this.seq);
  }

  error(code: DeviceErrorCode, message?: string): void {
    this.send({ type: 'error', code, message: message ?? DeviceErrors[code].message, fatal: false });
  }

  end(reason: string): void {
    if (this.ended) return;
    this.send({ type: 'bye', reason });
    this.ended = true;
    this.transport?.close(1000, reason);
    this.onEnd(reason);
  }

  /** Marks the session ended without messages (registry use: timeout, replaced, shutdown). */
  markEnded(): void { this.ended = true; }
}
