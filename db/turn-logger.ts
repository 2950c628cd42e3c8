/**
 * TurnLogger: the gateway's write path for the dialog log. `log()` only queues; one background
 * worker writes batches (unnest INSERT ... ON CONFLICT DO NOTHING) and coalesced dialog-state
 * updates. While PostgreSQL is unreachable, or the queue passes `queueMax`, entries go to the
 * on-disk spool (db/spool.ts) and are replayed in order once a probe (with backoff) succeeds.
 * While the spool holds anything, new entries wait behind it, so the log keeps its order.
 */
import type { Pool } from './pool.ts';
import type { TurnRecord } from './turn.ts';
import type { TurnLoggerEvent, TurnLoggerOptions, TurnLoggerStats } from './turn-logger-types.ts';
import { type DbLogger, errFields, silentLogger } from './log.ts';
import { Spool, encodeState, encodeTurn, type SpoolEntry } from './spool.ts';
import { applyStatesSafe, insertTurnsSafe, timed, type RejectedRow, type StateUpdate } from './turn-sql.ts';

export type { TurnLoggerEvent, TurnLoggerOptions, TurnLoggerStats } from './turn-logger-types.ts';

interface TakenStates { updates: StateUpdate[]; version: number }

const isValidTurn = (t: TurnRecord): boolean =>
  typeof t === 'object' && t !== null && typeof t.sessionId === 'string' && typeof t.siteId === 'string'
  && Number.isInteger(t.seq) && t.at instanceof Date && !Number.isNaN(t.at.getTime()) && typeof t.kind === 'string';

export class TurnLogger {
  private readonly pool: Pool;
  private readonly log_: DbLogger;
  private readonly spool: Spool;
  private readonly o: Required<Omit<TurnLoggerOptions, 'pool' | 'logger' | 'onEvent' | 'spoolDir'>>;
  private queue: TurnRecord[] = [];
  private states = new Map<string, StateUpdate>();
  private readonly ready: Promise<void>;
  private spoolOk = true;
  private dbUp = true;
  private running = false;
  private again = false;
  private closing = false;
  private closed = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  /** flush() bookkeeping: turns leave the FIFO queue in order, so counters suffice. */
  private enqueued = 0;
  private settled = 0;
  private stateVersion = 0;
  private statesSettled = 0;
  private waiters: Array<{ turns: number; states: number; resolve: () => void }> = [];
  private readonly s = { written: 0, duplicates: 0, spooled: 0, replayed: 0, batches: 0, failures: 0, rejected: 0, dropped: 0 };

  constructor(private readonly opts: TurnLoggerOptions) {
    this.pool = opts.pool;
    this.log_ = opts.logger ?? silentLogger;
    this.o = {
      batchSize: Math.max(1, opts.batchSize), flushMs: Math.max(1, opts.flushMs), queueMax: Math.max(1, opts.queueMax),
      probeMinMs: opts.probeMinMs ?? 250, probeMaxMs: opts.probeMaxMs ?? 10_000,
      writeTimeoutMs: opts.writeTimeoutMs ?? 10_000, segmentBytes: opts.segmentBytes ?? 8 * 1024 * 1024,
      closeTimeoutMs: opts.closeTimeoutMs ?? 15_000,
    };
    this.backoffMs = this.o.probeMinMs;
    this.spool = new Spool(opts.spoolDir, this.o.segmentBytes);
    this.ready = this.spool.open().then(() => {
      if (this.spool.hasData) this.log_.warn({ spoolDir: opts.spoolDir, segments: this.spool.segments }, 'turn spool found at start; replaying');
    }, (err: unknown) => {
      this.spoolOk = false;
      this.log_.error({ ...errFields(err), spoolDir: opts.spoolDir }, 'turn spool folder unusable; turns are kept in memory only');
    });
    void this.run();
  }

  /** Resolves once the spool folder is open (a left-over spool then replays in the background). */
  start(): Promise<void> { return this.ready; }

  /** Queues a turn. Never blocks, never throws: a bad record is logged and counted as rejected. */
  log(turn: TurnRecord): void {
    if (this.closing) return this.reject('turn logged after close', turn?.sessionId, turn?.seq);
    if (!isValidTurn(turn)) return this.reject('invalid turn record', turn?.sessionId, turn?.seq);
    // Beyond queueMax the worker moves the queue to the spool at its next turn (the excess lives
    // one event-loop turn plus one fsync). Only when the spool cannot be written either is there a
    // hard cap, and turns beyond it are dropped (counted and logged).
    if (!this.spoolOk && this.queue.length >= this.o.queueMax * 2) {
      this.s.dropped++;
      this.emit({ type: 'dropped', rows: 1 });
      if (this.s.dropped % 1000 === 1) this.log_.error({ dropped: this.s.dropped, sessionId: turn.sessionId, seq: turn.seq }, 'turn dropped: queue and spool both full');
      return;
    }
    this.queue.push(turn);
    this.enqueued++;
    this.schedule(this.queue.length >= this.o.batchSize || this.queue.length > this.o.queueMax);
  }

  /**
   * Queues the session's dialog state; updates are coalesced per session (highest lastSeq, then
   * the latest call wins) and written in the next flush cycle. The state is serialised now.
   */
  logState(sessionId: string, state: unknown, lastSeq: number): void {
    if (this.closing) return this.reject('state logged after close', sessionId, lastSeq, 'state');
    let stateJson: string | undefined;
    try {
      stateJson = JSON.stringify(state ?? null);
    } catch (err) {
      this.s.rejected++;
      this.log_.error({ ...errFields(err), sessionId, lastSeq }, 'dialog state rejected: not serialisable');
      return;
    }
    if (typeof sessionId !== 'string' || !Number.isInteger(lastSeq) || stateJson === undefined) {
      return this.reject('invalid dialog state update', sessionId, lastSeq, 'state');
    }
    const prev = this.states.get(sessionId);
    if (!prev || prev.lastSeq <= lastSeq) this.states.set(sessionId, { sessionId, stateJson, lastSeq });
    this.stateVersion++;
    this.schedule(false);
  }

  /** Resolves once everything logged before the call is in the database or in the spool. */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ turns: this.enqueued, states: this.stateVersion, resolve });
      this.schedule(true);
    });
  }

  /**
   * Flushes everything (to the database, or to the spool when it is down or has a backlog) and
   * stops. Bounded by `closeTimeoutMs`: only when neither the database nor the spool can take
   * the turns by then are they given up (logged with their count).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.flush().then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), this.o.closeTimeoutMs); }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.s.dropped += this.queue.length;
      this.log_.error({ code: 'TURNS_LOST_AT_CLOSE', turns: this.queue.length, states: this.states.size },
        'turn logger closed with entries neither the database nor the spool could take');
      this.emit({ type: 'dropped', rows: this.queue.length });
      this.settled += this.queue.length;
      this.statesSettled = this.stateVersion;
      this.queue = [];
      this.states.clear();
      this.settleWaiters();
    }
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.flushTimer = this.retryTimer = null;
    await this.spool.close();
  }

  stats(): TurnLoggerStats {
    return { ...this.s, queued: this.queue.length, statesQueued: this.states.size,
      spoolSegments: this.spool.segments, dbUp: this.dbUp };
  }

  private reject(why: string, sessionId: unknown, seq: unknown, what = 'turn'): void {
    this.s.rejected++;
    this.emit({ type: 'rejected', rows: 1 });
    this.log_.error({ code: 'TURN_REJECTED', what, reason: why, sessionId, seq }, 'dialog log entry rejected');
  }

  private emit(e: TurnLoggerEvent): void {
    if (!this.opts.onEvent) return;
    try {
      this.opts.onEvent(e);
    } catch (err) {
      this.log_.error({ ...errFields(err), event: e.type }, 'turn logger onEvent hook threw');
    }
  }

  private schedule(now: boolean): void {
    if (this.running) { this.again = true; return; }
    if (now) {
      if (this.flushTimer) { clearTimeout(this.flushTimer); this.flushTimer = null; }
      void this.run();
    } else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => { this.flushTimer = null; void this.run(); }, this.o.flushMs);
    }
  }

  /** The single worker: loops over steps until nothing is left it can do now. Never rejects. */
  private async run(): Promise<void> {
    if (this.running) { this.again = true; return; }
    this.running = true;
    try {
      await this.ready;
      for (;;) {
        this.again = false;
        let progressed: boolean;
        try {
          progressed = await this.step();
        } catch (err) {
          this.log_.error({ ...errFields(err) }, 'turn logger step failed unexpectedly; retrying later');
          this.scheduleRetry();
          progressed = false;
        }
        this.settleWaiters();
        if (!progressed && !this.again) break;
        if (!progressed && this.retryTimer) break;
      }
    } finally {
      this.running = false;
      this.settleWaiters();
    }
  }

  /** Resolves the flush() calls whose turns and states are all in the database or the spool. */
  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.settled >= w.turns && this.statesSettled >= w.states) w.resolve();
      else keep.push(w);
    }
    this.waiters = keep;
  }

  private async step(): Promise<boolean> {
    const pending = this.queue.length > 0 || this.states.size > 0;
    if (this.spool.hasData || !this.dbUp) {
      // Spool mode: new entries must stay behind what the spool holds.
      if (pending && this.spoolOk && (!this.dbUp || this.closing || this.waiters.length > 0 || this.queue.length > this.o.queueMax)) {
        const reason = !this.dbUp ? 'db-down' : this.queue.length > this.o.queueMax ? 'queue-full' : 'flush';
        return this.spill(this.queue.splice(0), this.takeStates(), reason);
      }
      if (this.dbUp && this.spool.hasData && !this.closing && !this.retryTimer) return this.replayOne();
      return false;
    }
    if (this.queue.length > this.o.queueMax && this.spoolOk) {
      return this.spill(this.queue.splice(0), this.takeStates(), 'queue-full');
    }
    if (!pending || this.retryTimer) return false;
    return this.write(this.queue.splice(0, this.o.batchSize), this.takeStates());
  }

  /** Takes the coalesced states; `version` covers every logState call so far. */
  private takeStates(): TakenStates {
    const updates = [...this.states.values()];
    this.states.clear();
    return { updates, version: this.stateVersion };
  }

  /** Direct write of one batch, then the coalesced states (one statement each). */
  private async write(batch: TurnRecord[], states: TakenStates): Promise<boolean> {
    let turnsDone = false;
    try {
      await this.insert(batch, 'queue');
      turnsDone = true;
      this.settled += batch.length;
      await this.applyStates(states.updates);
      this.statesSettled = Math.max(this.statesSettled, states.version);
      return true;
    } catch (err) {
      this.s.failures++;
      this.markDown(err);
      const leftTurns = turnsDone ? [] : batch;
      if (this.spoolOk) return this.spill(leftTurns, states, 'db-down');
      this.requeue(leftTurns, states);
      return false;
    }
  }

  private async insert(batch: TurnRecord[], source: 'queue' | 'spool'): Promise<void> {
    if (batch.length === 0) return;
    const t0 = performance.now();
    const r = await insertTurnsSafe(this.pool, batch, this.o.writeTimeoutMs);
    const ms = performance.now() - t0;
    this.s.batches++;
    this.s.written += r.inserted;
    this.s.duplicates += batch.length - r.inserted - r.rejected.length;
    this.emit({ type: 'batch', source, rows: batch.length, inserted: r.inserted, ms });
    this.noteRejected(r.rejected);
  }

  private async applyStates(states: StateUpdate[]): Promise<void> {
    if (states.length === 0) return;
    this.noteRejected((await applyStatesSafe(this.pool, states, this.o.writeTimeoutMs)).rejected);
  }

  private noteRejected(rows: RejectedRow[]): void {
    if (rows.length === 0) return;
    this.s.rejected += rows.length;
    this.emit({ type: 'rejected', rows: rows.length });
    for (const r of rows.slice(0, 20)) {
      this.log_.error({ code: 'TURN_REJECTED', what: r.what, sessionId: r.sessionId, seq: r.seq, sqlstate: r.code, reason: r.message },
        'dialog log entry refused by the database; dropped');
    }
  }

  private requeue(turns: TurnRecord[], states: TakenStates): void {
    this.queue.unshift(...turns);
    for (const u of states.updates) {
      const now = this.states.get(u.sessionId);
      if (!now || now.lastSeq < u.lastSeq) this.states.set(u.sessionId, u);
    }
  }

  /** Appends to the spool; on a disk error puts everything back and retries later. */
  private async spill(turns: TurnRecord[], states: TakenStates, reason: 'db-down' | 'queue-full' | 'flush'): Promise<boolean> {
    const rows = turns.length + states.updates.length;
    try {
      await this.spool.append([...turns.map(encodeTurn), ...states.updates.map(encodeState)]);
    } catch (err) {
      this.log_.error({ ...errFields(err), spoolDir: this.opts.spoolDir, rows: turns.length }, 'turn spool write failed; keeping entries in memory');
      this.spoolOk = false;
      this.requeue(turns, states);
      this.scheduleRetry();
      return false;
    }
    this.settled += turns.length;
    this.statesSettled = Math.max(this.statesSettled, states.version);
    if (rows > 0) {
      this.s.spooled += rows;
      this.emit({ type: 'spooled', rows, reason });
    }
    return true;
  }

  /** Replays the oldest segment; false when the database failed (it stays for the next try). */
  private async replayOne(): Promise<boolean> {
    const file = await this.spool.oldest();
    if (!file) return false;
    const { entries, bad } = await this.spool.read(file);
    for (const b of bad) {
      const fields = { code: 'SPOOL_BAD_LINE', file: b.file, line: b.line, reason: b.reason };
      if (b.truncatedTail) this.log_.warn(fields, 'spool line cut by a crash; skipped');
      else this.log_.error(fields, 'spool line unreadable; skipped');
    }
    this.s.rejected += bad.filter((b) => !b.truncatedTail).length;
    try {
      await this.replayEntries(entries);
    } catch (err) {
      this.s.failures++;
      this.markDown(err);
      return false;
    }
    await this.spool.remove(file);
    this.s.replayed += entries.length;
    this.log_.info({ file, entries: entries.length }, 'turn spool segment replayed');
    return true;
  }

  private async replayEntries(entries: SpoolEntry[]): Promise<void> {
    let turns: TurnRecord[] = [];
    const states = new Map<string, StateUpdate>();
    for (const e of entries) {
      if (e.t === 'turn') {
        turns.push(e.turn);
        if (turns.length >= this.o.batchSize) { await this.insert(turns, 'spool'); turns = []; }
      } else {
        const prev = states.get(e.update.sessionId);
        if (!prev || prev.lastSeq <= e.update.lastSeq) states.set(e.update.sessionId, e.update);
      }
    }
    await this.insert(turns, 'spool');
    await this.applyStates([...states.values()]);
  }

  private markDown(err: unknown): void {
    if (this.dbUp) {
      this.dbUp = false;
      this.emit({ type: 'db-down' });
      this.log_.warn({ ...errFields(err) }, 'dialog log database unavailable; spooling turns');
    }
    this.scheduleRetry();
  }

  /** Waits (with backoff) then probes the database; success resumes the worker. */
  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.o.probeMaxMs, this.backoffMs * 2);
    this.retryTimer = setTimeout(() => void this.probe(), wait);
  }

  private async probe(): Promise<void> {
    try {
      await this.pool.query(timed('SELECT 1', [], this.o.writeTimeoutMs));
    } catch (err) {
      this.log_.debug({ ...errFields(err), nextMs: this.backoffMs }, 'dialog log database probe failed');
      this.retryTimer = null;
      this.scheduleRetry();
      return;
    }
    this.retryTimer = null;
    this.backoffMs = this.o.probeMinMs;
    this.spoolOk = true;
    if (!this.dbUp) {
      this.dbUp = true;
      this.emit({ type: 'db-up' });
      this.log_.info({ spoolSegments: this.spool.segments }, 'dialog log database reachable again; replaying spool');
    }
    this.schedule(true);
  }
}
