/**
 * Fan-out of live data to console sockets. Turns and session changes are serialised once per
 * topic and published with uWS pub/sub (native fan-out). A new subscription first replays from
 * the database what its browser missed (id > after, up to the source's position), while live
 * events for it are buffered; then the buffer is flushed and the socket joins the topic, all in
 * one synchronous step, so nothing is lost or repeated.
 */
import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import type { Logger } from 'pino';
import type { Pool } from '../../db/index.ts';
import { sessionInfo, turnsAfter } from '../../db/queries/console/index.ts';
import type { Principal } from '../api/index.ts';
import { floorTopic, sessionTopic, type Topic } from './protocol.ts';
import type { LiveSource, SessionChange } from './source.ts';
import { ConsoleClose, type ConsoleServerMessage, type LiveSession, type LiveTurn } from './types.ts';

export interface SocketData { principal: Principal; closed: boolean; topics: Set<string> }

interface Pending { ws: WebSocket<SocketData>; buffer: string[] }

export interface HubOptions { catchupMax: number; maxBackpressureBytes: number; maxTopicsPerSocket: number }

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

export class ConsoleHub {
  private readonly pending = new Map<string, Set<Pending>>();
  private sessionChain: Promise<void> = Promise.resolve();
  private readonly counters = { turns: 0, sessions: 0, replayed: 0, resets: 0 };

  constructor(
    private readonly app: TemplatedApp,
    private readonly pool: Pool,
    private readonly source: LiveSource,
    private readonly log: Logger,
    private readonly opts: HubOptions,
    private readonly sockets: () => Iterable<WebSocket<SocketData>>,
  ) {
    source.onTurn((t) => this.publishTurn(t));
    source.onSession((s) => { this.sessionChain = this.sessionChain.then(() => this.publishSession(s)); });
    source.onResync?.(() => this.resyncAll());
    source.setDemand?.(() => this.watched());
  }

  /** Whether any browser watches a topic or is catching up on one (else turns need not be read). */
  watched(): boolean {
    if (this.pending.size > 0) return true;
    for (const ws of this.sockets()) if (ws.getUserData().topics.size > 0) return true;
    return false;
  }

  /** Tells every browser watching a floor to reload its snapshot (session changes were missed). */
  resyncAll(): void {
    const floors = new Set<string>();
    for (const ws of this.sockets()) for (const topic of ws.getUserData().topics) if (topic.startsWith('floor/')) floors.add(topic);
    for (const topic of floors) {
      this.counters.resets++;
      this.app.publish(topic, JSON.stringify({ type: 'reset', topic, reason: 'live source reconnected: reload' } satisfies ConsoleServerMessage), false);
    }
  }

  stats(): typeof this.counters & { pending: number } {
    let pending = 0;
    for (const s of this.pending.values()) pending += s.size;
    return { ...this.counters, pending };
  }

  position(): number { return this.source.position(); }

  private publishTurn(t: LiveTurn): void {
    this.counters.turns++;
    const turn: LiveTurn = {
      id: t.id, sessionId: t.sessionId, siteId: t.siteId, seq: t.seq, at: iso(t.at)!, kind: t.kind, text: t.text,
      confidence: t.confidence, latencyMs: t.latencyMs, flowNode: t.flowNode,
    };
    this.publish(floorTopic(t.siteId), { type: 'turn', topic: floorTopic(t.siteId), turn });
    this.publish(sessionTopic(t.sessionId), { type: 'turn', topic: sessionTopic(t.sessionId), turn });
  }

  private async publishSession(s: SessionChange): Promise<void> {
    this.counters.sessions++;
    if (!this.isWatched(floorTopic(s.siteId)) && !this.isWatched(sessionTopic(s.sessionId))) return; // nobody to tell: no lookup
    let info: Awaited<ReturnType<typeof sessionInfo>> = null;
    try {
      info = await sessionInfo(this.pool, s.sessionId);
    } catch (err) {
      this.log.warn({ err, sessionId: s.sessionId }, 'session lookup for the console failed; sending it unenriched');
    }
    const session: LiveSession = {
      op: s.op, sessionId: s.sessionId, siteId: s.siteId, deviceId: s.deviceId,
      deviceLabel: info?.deviceLabel ?? null, operatorId: s.operatorId, operatorName: info?.operatorName ?? null,
      startedAt: iso(info?.startedAt), endedAt: iso(s.endedAt), endReason: s.endReason,
    };
    this.publish(floorTopic(s.siteId), { type: 'session', topic: floorTopic(s.siteId), session });
    this.publish(sessionTopic(s.sessionId), { type: 'session', topic: sessionTopic(s.sessionId), session });
  }

  /** A socket subscribed to the topic, or one catching up on it. */
  private isWatched(topic: string): boolean { return this.pending.has(topic) || this.app.numSubscribers(topic) > 0; }

  private publish(topic: string, msg: ConsoleServerMessage): void {
    if (!this.isWatched(topic)) return;
    const text = JSON.stringify(msg);
    for (const p of this.pending.get(topic) ?? []) p.buffer.push(text);
    this.app.publish(topic, text, false);
  }

  /** Access to a topic: a floor of one of the user's sites, or a session at one of them. */
  async authorize(principal: Principal, topic: Topic): Promise<boolean> {
    if (topic.kind === 'floor') return principal.user.sites.includes(topic.siteId);
    const info = await sessionInfo(this.pool, topic.sessionId);
    return info !== null && principal.user.sites.includes(info.siteId);
  }

  /** Replays what the socket missed and joins it to the topic. Call after `authorize`. */
  async subscribe(ws: WebSocket<SocketData>, topic: Topic, after: number): Promise<void> {
    const data = ws.getUserData();
    if (data.topics.has(topic.name)) { send(ws, { type: 'subscribed', topic: topic.name, position: this.source.position(), replayed: 0 }); return; }
    if (data.topics.size >= this.opts.maxTopicsPerSocket) {
      send(ws, { type: 'error', code: 'TOO_MANY_TOPICS', message: `at most ${this.opts.maxTopicsPerSocket} topics per socket`, topic: topic.name });
      return;
    }
    data.topics.add(topic.name);
    const pending: Pending = { ws, buffer: [] };
    let set = this.pending.get(topic.name);
    if (!set) { set = new Set(); this.pending.set(topic.name, set); }
    set.add(pending);
    const upTo = this.source.position();
    try {
      const rows = after >= upTo ? [] : await turnsAfter(this.pool,
        topic.kind === 'floor' ? { siteId: topic.siteId } : { sessionId: topic.sessionId }, after, upTo, this.opts.catchupMax + 1);
      if (data.closed) return;
      if (rows.length > this.opts.catchupMax) {
        this.counters.resets++;
        data.topics.delete(topic.name);
        send(ws, { type: 'reset', topic: topic.name, reason: `more than ${this.opts.catchupMax} turns missed: reload` });
        return;
      }
      this.counters.replayed += rows.length;
      ws.cork(() => {
        for (const r of rows) {
          const turn: LiveTurn = {
            id: r.id, sessionId: r.sessionId, siteId: r.siteId, seq: r.seq, at: iso(r.at)!, kind: r.kind, text: r.text,
            confidence: r.confidence, latencyMs: r.latencyMs, flowNode: r.flowNode,
          };
          ws.send(JSON.stringify({ type: 'turn', topic: topic.name, turn } satisfies ConsoleServerMessage), false);
        }
        for (const text of pending.buffer) ws.send(text, false);
        ws.subscribe(topic.name);
        send(ws, { type: 'subscribed', topic: topic.name, position: upTo, replayed: rows.length });
      });
      if (ws.getBufferedAmount() > this.opts.maxBackpressureBytes) ws.end(ConsoleClose.SLOW_CONSUMER, 'slow consumer');
    } finally {
      set.delete(pending);
      if (set.size === 0) this.pending.delete(topic.name);
    }
  }

  unsubscribe(ws: WebSocket<SocketData>, topic: string): void {
    ws.getUserData().topics.delete(topic);
    ws.unsubscribe(topic);
    send(ws, { type: 'unsubscribed', topic });
  }
}

export function send(ws: WebSocket<SocketData>, msg: ConsoleServerMessage): void {
  if (ws.getUserData().closed) return;
  ws.send(JSON.stringify(msg), false);
}
