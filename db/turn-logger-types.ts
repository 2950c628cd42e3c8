/** Options, events and statistics of the TurnLogger (db/turn-logger.ts). */
import type { Pool } from './pool.ts';
import type { DbLogger } from './log.ts';

export interface TurnLoggerOptions {
  pool: Pool;
  /** Folder of the spool segments (created when missing); one TurnLogger per folder. */
  spoolDir: string;
  /** Most turns per INSERT. */
  batchSize: number;
  /** Longest a logged turn waits before the worker starts writing. */
  flushMs: number;
  /** Turns kept in memory; beyond this the queue goes to the spool. */
  queueMax: number;
  logger?: DbLogger;
  /** Metric hook: called synchronously for every event (map them to prom-client counters). */
  onEvent?: (e: TurnLoggerEvent) => void;
  /** First and longest wait between database probes while it is unreachable. */
  probeMinMs?: number;
  probeMaxMs?: number;
  /** Client-side timeout of one write; a timed-out write counts as "unavailable". */
  writeTimeoutMs?: number;
  /** Spool segment size at which a new file is started. */
  segmentBytes?: number;
  /** Longest `close()` waits for the database or the spool; default 15 s. */
  closeTimeoutMs?: number;
}

export type TurnLoggerEvent =
  | { type: 'batch'; source: 'queue' | 'spool'; rows: number; inserted: number; ms: number }
  | { type: 'spooled'; rows: number; reason: 'db-down' | 'queue-full' | 'flush' }
  | { type: 'rejected'; rows: number }
  | { type: 'dropped'; rows: number }
  | { type: 'db-down' }
  | { type: 'db-up' };

export interface TurnLoggerStats {
  /** Turns waiting in memory. */
  queued: number;
  /** Sessions with a dialog-state update waiting in memory. */
  statesQueued: number;
  /** Turns inserted (new rows). */
  written: number;
  /** Turns that were already in the table (replays, retries). */
  duplicates: number;
  /** Entries written to the spool. */
  spooled: number;
  /** Entries read back from the spool and applied. */
  replayed: number;
  /** Successful INSERT statements. */
  batches: number;
  /** Writes that failed because the database was unavailable (and went to the spool). */
  failures: number;
  /** Turns/states refused for their content (invalid record, bad uuid, unknown kind...). */
  rejected: number;
  /** Turns dropped because neither the database nor the spool could take them. */
  dropped: number;
  spoolSegments: number;
  dbUp: boolean;
}
