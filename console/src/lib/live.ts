/**
 * The console socket client: one WebSocket per tab, reconnecting with backoff; each topic
 * remembers the last turn id it saw and resubscribes from it, so a reconnect catches up.
 * A `reset` (too much missed) asks the view to reload its snapshot.
 */
import type { ConsoleServerMessage, LiveSession, LiveTurn } from '../../../gateway/console-socket/types.ts';

export type { LiveSession, LiveTurn };

export interface TopicHandlers {
  turn?: (t: LiveTurn) => void;
  session?: (s: LiveSession) => void;
  /** Must reload the snapshot (and call `resubscribe` with its cursor). */
  reset?: () => void;
}

type Status = 'connecting' | 'live' | 'reconnecting' | 'signed-out';

class LiveClient {
  private ws: WebSocket | null = null;
  private readonly topics = new Map<string, { after: number; handlers: TopicHandlers }>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private statusListeners = new Set<(s: Status) => void>();
  status: Status = 'connecting';

  onStatus(fn: (s: Status) => void): () => void { this.statusListeners.add(fn); fn(this.status); return () => this.statusListeners.delete(fn); }

  private setStatus(s: Status): void { this.status = s; for (const fn of this.statusListeners) fn(s); }

  subscribe(topic: string, after: number, handlers: TopicHandlers): () => void {
    this.topics.set(topic, { after, handlers });
    this.ensure();
    this.sendSub(topic);
    return () => {
      this.topics.delete(topic);
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'unsubscribe', topic }));
    };
  }

  /** After a reset, subscribe again from a fresh snapshot's cursor. */
  resubscribe(topic: string, after: number): void {
    const t = this.topics.get(topic);
    if (!t) return;
    t.after = after;
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: 'unsubscribe', topic }));
      this.sendSub(topic);
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.topics.clear();
    this.ws?.close(1000);
    this.ws = null;
  }

  private sendSub(topic: string): void {
    const t = this.topics.get(topic);
    if (t && this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'subscribe', topic, after: t.after }));
  }

  private ensure(): void {
    if (this.ws || this.timer) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/console`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setStatus('live');
      for (const topic of this.topics.keys()) this.sendSub(topic);
    };
    ws.onmessage = (ev) => this.onMessage(String(ev.data));
    ws.onclose = (ev) => {
      this.ws = null;
      if (ev.code >= 4100 && ev.code < 4200) { this.setStatus('signed-out'); return; }
      this.setStatus('reconnecting');
      const delay = Math.min(10_000, 250 * 2 ** this.attempt++) * (0.75 + Math.random() * 0.5);
      this.timer = setTimeout(() => { this.timer = null; if (this.topics.size) this.ensure(); }, delay);
    };
  }

  private onMessage(text: string): void {
    let msg: ConsoleServerMessage;
    try {
      msg = JSON.parse(text) as ConsoleServerMessage;
    } catch (err) {
      console.error('console socket: bad JSON from server', err);
      return;
    }
    if (msg.type === 'turn') {
      const t = this.topics.get(msg.topic);
      if (!t) return;
      if (msg.turn.id > t.after) t.after = msg.turn.id;
      t.handlers.turn?.(msg.turn);
    } else if (msg.type === 'session') {
      this.topics.get(msg.topic)?.handlers.session?.(msg.session);
    } else if (msg.type === 'reset') {
      this.topics.get(msg.topic)?.handlers.reset?.();
    } else if (msg.type === 'error') {
      console.warn('console socket error', msg.code, msg.message);
    }
  }
}

export const live = new LiveClient();
