/**
 * Where live data comes from: one source per gateway, fanned out to every browser. The gateway
 * adapts db/'s TurnFeed (turns exactly once, in id order, from a cursor) and DbListener
 * (session changes) to this interface (see `liveSourceFromDb`).
 */
import type { LiveTurn } from './types.ts';

export interface SessionChange {
  sessionId: string; siteId: string; deviceId: string; operatorId: number | null;
  op: 'insert' | 'update'; endedAt: string | null; endReason: string | null;
}

export interface LiveSource {
  /** Every logged turn, exactly once, in increasing id order. */
  onTurn(fn: (t: LiveTurn) => void): void;
  /** Every session start, operator sign-on and end. */
  onSession(fn: (s: SessionChange) => void): void;
  /** Highest turn id delivered so far: everything at or below it has been handed to onTurn. */
  position(): number;
  /** Session changes may have been missed (listener reconnected): browsers must reload. */
  onResync?(fn: () => void): void;
  /**
   * Whether anyone wants turns now; when `fn` says no, the source may skip reading them (it still
   * advances `position`, so a later subscriber's replay, bounded by it, misses nothing).
   */
  setDemand?(fn: () => boolean): void;
}
