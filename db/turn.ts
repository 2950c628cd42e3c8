/** One row of the dialog log, as the gateway produces it. `at` is set when the turn happened. */
export type TurnKind = 'prompt' | 'utterance' | 'text' | 'event' | 'error';

export interface TurnRecord {
  sessionId: string;
  siteId: string;
  /** Per-session sequence number; (sessionId, seq, at) is the idempotency key. */
  seq: number;
  at: Date;
  kind: TurnKind;
  text: string | null;
  hypothesis?: string | null;
  confidence?: number | null;
  latencyMs?: number | null;
  flowNode?: string | null;
  operatorId?: number | null;
}
