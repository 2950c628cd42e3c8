/**
 * The sessions of this gateway node, by session id and by device. Owns session lifecycle:
 * creation (or rehydration from the database on a resume), the resume grace period, and the end.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { DeviceSettings } from '../protocol/messages.ts';
import { DeviceSession, type Conversation, type SessionContext, type SessionPersistence } from './session.ts';
import type { DeviceStore } from './store.ts';
import type { Cluster } from '../cluster.ts';

export type ConversationFactory = (ctx: SessionContext, restoredState: unknown) => Conversation;

export interface RegistryOptions {
  nodeId: string;
  resumeGraceMs: number;
  maxUnacked: number;
  store: DeviceStore;
  persistence: SessionPersistence;
  metrics: GatewayMetrics;
  log: Logger;
  createConversation: ConversationFactory;
  defaultSettings: DeviceSettings;
  cluster: Cluster;
}

export class SessionRegistry {
  private readonly byId = new Map<string, DeviceSession>();
  private readonly byDevice = new Map<string, DeviceSession>();

  constructor(private readonly o: RegistryOptions) {
    o.metrics.gauge('voiceman_sessions_detached', 'Sessions waiting for their device to resume', () => {
      let n = 0;
      for (const s of this.byId.values()) if (!s.attached) n++;
      return n;
    });
  }

  get size(): number { return this.byId.size; }
  sessions(): IterableIterator<DeviceSession> { return this.byId.values(); }
  forDevice(deviceId: string): DeviceSession | undefined { return this.byDevice.get(deviceId); }

  /**
   * Finds the session a resume names: in memory, or an open one in the database (after a
   * restart, or from another node). Returns null when it cannot be resumed.
   */
  async findForResume(sessionId: string, deviceId: string): Promise<{ session: DeviceSession; fresh: boolean } | null> {
    const live = this.byId.get(sessionId);
    if (live) return live.deviceId === deviceId && !live.isEnded ? { session: live, fresh: false } : null;
    const stored = await this.o.store.findOpenSession(sessionId, deviceId);
    if (!stored || !stored.state) return null;
    // A concurrent resume of the same session may have rehydrated it during the await.
    const raced = this.byId.get(sessionId);
    if (raced) return { session: raced, fresh: false };
    await this.o.store.claimSession(sessionId, this.o.nodeId);
    const session = this.build(sessionId, stored.siteId, deviceId, { seq: stored.lastSeq, envelope: stored.state });
    return { session, fresh: true };
  }

  async create(deviceId: string, siteId: string): Promise<DeviceSession> {
    const id = randomUUID();
    await this.o.store.createSession({ id, deviceId, siteId, node: this.o.nodeId });
    return this.build(id, siteId, deviceId, undefined);
  }

  private build(id: string, siteId: string, deviceId: string, restored: ConstructorParameters<typeof DeviceSession>[0]['restored']): DeviceSession {
    const session = new DeviceSession({
      sessionId: id, siteId, deviceId,
      log: this.o.log.child({ sessionId: id, deviceId, siteId }),
      settings: { ...this.o.defaultSettings },
      persistence: this.o.persistence,
      maxUnacked: this.o.maxUnacked,
      restored,
    });
    session.conversation = this.o.createConversation(session, session.restoredConversationState);
    session.onEnd = (reason) => this.finish(session, reason);
    this.byId.set(id, session);
    const previous = this.byDevice.get(deviceId);
    if (previous && previous !== session) this.finish(previous, 'replaced');
    this.byDevice.set(deviceId, session);
    this.o.metrics.sessions.set(this.byId.size);
    return session;
  }

  /** The socket dropped: wait for a resume, then end. */
  detached(session: DeviceSession): void {
    if (session.isEnded) return;
    this.clearGrace(session);
    session.graceTimer = setTimeout(() => this.finish(session, 'resume_timeout'), this.o.resumeGraceMs);
    session.graceTimer.unref();
  }

  attached(session: DeviceSession): void { this.clearGrace(session); }

  private clearGrace(session: DeviceSession): void {
    if (session.graceTimer) { clearTimeout(session.graceTimer); session.graceTimer = null; }
  }

  /** Takes a session out of this node's maps; false when it was not (or no longer) here. */
  private forget(session: DeviceSession): boolean {
    if (this.byId.get(session.sessionId) !== session) return false;
    this.clearGrace(session);
    session.markEnded();
    this.byId.delete(session.sessionId);
    if (this.byDevice.get(session.deviceId) === session) this.byDevice.delete(session.deviceId);
    this.o.metrics.sessions.set(this.byId.size);
    return true;
  }

  private closeConversation(session: DeviceSession, reason: string): Promise<void> {
    return session.conversation?.close(reason).catch((err: unknown) => session.log.error({ err }, 'conversation close failed')) ?? Promise.resolve();
  }

  /** Ends a session: conversation closed, row marked ended, maps cleared. Idempotent. */
  finish(session: DeviceSession, reason: string): void {
    if (!this.forget(session)) return;
    session.log.info({ reason }, 'session ended');
    void this.closeConversation(session, reason);
    this.o.store.endSession(session.sessionId, reason, session.operatorId);
    this.o.cluster.released(session.deviceId, session.sessionId);
  }

  /**
   * Another node takes this device over: the session leaves this node without ending (its
   * state is in the database and the other node resumes it).
   */
  async release(session: DeviceSession): Promise<void> {
    if (!this.forget(session)) return;
    session.log.info('session moved to another node');
    await this.closeConversation(session, 'moved');
  }

  /**
   * Shutdown: sessions are NOT ended — their state is in the database, so devices resume them
   * on the restarted gateway (or another node). Conversations are closed so their work stops.
   */
  async shutdown(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const s of this.byId.values()) {
      this.clearGrace(s);
      s.markEnded();
      closing.push(this.closeConversation(s, 'shutdown'));
    }
    await Promise.all(closing);
    this.byId.clear();
    this.byDevice.clear();
  }
}
