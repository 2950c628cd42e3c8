/**
 * The /v1/console WebSocket protocol (docs/api.md#console-socket), as plain types with no runtime
 * code so the browser bundle can `import type` them.
 *
 * Topics: `floor/<siteId>` (every turn and session change of a site) and `session/<sessionId>`
 * (one session's turns and its end). A subscriber says the last turn id it has (`after`); the
 * server replays what was logged since, then streams live, each turn exactly once, in id order.
 */

export interface LiveTurn {
  id: number; sessionId: string; siteId: string; seq: number; at: string; kind: string;
  text: string | null; confidence: number | null; latencyMs: number | null; flowNode: string | null;
}

export interface LiveSession {
  op: 'insert' | 'update';
  sessionId: string; siteId: string; deviceId: string; deviceLabel: string | null;
  operatorId: number | null; operatorName: string | null; startedAt: string | null;
  endedAt: string | null; endReason: string | null;
}

export type ConsoleClientMessage =
  | { type: 'subscribe'; topic: string; after: number }
  | { type: 'unsubscribe'; topic: string }
  | { type: 'ping'; t?: number };

export type ConsoleServerMessage =
  | { type: 'ready'; userId: number; position: number }
  | { type: 'subscribed'; topic: string; position: number; replayed: number }
  | { type: 'unsubscribed'; topic: string }
  | { type: 'turn'; topic: string; turn: LiveTurn }
  | { type: 'session'; topic: string; session: LiveSession }
  /** Too much was missed (or the feed restarted): reload the snapshot over HTTP and subscribe again. */
  | { type: 'reset'; topic: string; reason: string }
  | { type: 'pong'; t?: number; serverTime: number }
  | { type: 'error'; code: string; message: string; topic?: string };

/** Close codes of the console socket: 4000-4099 reconnect, 4100-4199 do not (as on the device socket). */
export const ConsoleClose = {
  SERVER_SHUTDOWN: 4000,
  SLOW_CONSUMER: 4003,
  UNAUTHENTICATED: 4100,
  PROTOCOL_ERROR: 4102,
} as const;
