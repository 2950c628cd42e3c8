/**
 * TurnFeed: delivers each new turn exactly once, in id order, to subscribers that start from a
 * cursor. NOTIFY only wakes it: it polls every `pollMs` anyway, immediately on a notification,
 * and on a listener reconnect, so nothing depends on a notification arriving.
 *
 * The id gap problem: ids come from a sequence when a row is inserted, but transactions commit in
 * any order, so id 105 can be visible while 104 is still uncommitted; a reader that moved its
 * cursor to 105 would skip 104 forever. The feed therefore advances one global cursor (over all
 * sites, so it sees every id) only through contiguous ids. When it sees a hole it holds back
 * every row above it until the hole fills or `settleMs` has passed since the hole was first seen;
 * then the hole is accepted as permanent (rolled-back insert, or an id consumed by ON CONFLICT DO
 * NOTHING during a spool replay). Our writers commit single-statement batches within
 * milliseconds, so a settle time of ~1 s only costs latency when a hole is real. A transaction
 * that commits a turn later than `settleMs` after a higher id became visible would be missed.
 * Subscribers catch up with filtered reads bounded by that global cursor (the safe horizon),
 * then join the live dispatch.
 *
 * Demand: a subscription may say it wants no rows now (`wants`, e.g. no browser is watching).
 * While no subscription wants rows, the feed keeps only its cursor: it reads ids (no rows to
 * parse), on its poll interval only (notifications do not wake it). A read of ids that returns
 * after demand came back is not used: the feed reads the rows instead, so a subscriber that took
 * the position as its horizon never misses the turns above it.
 */
import type { Pool } from './pool.ts';
import type { DbListener } from './listener.ts';
import { type DbLogger, errFields, silentLogger } from './log.ts';
import { maxTurnId, turnIdsAfter, turnsAfter, type TurnRow } from './readers.ts';

export interface TurnFeedOptions {
  pool: Pool;
  /** Wakes the feed on `turn` notifications and `reconnected`; optional (then it only polls). */
  listener?: DbListener;
  /** Poll interval when nothing wakes the feed; default 1000. */
  pollMs?: number;
  /** How long rows above an id hole are held back; default 1000. */
  settleMs?: number;
  /** Page size of one read; default 1000. */
  batchLimit?: number;
  /** Global cursor to start from; default: the highest id visible at start(). */
  startAfterId?: number;
  logger?: DbLogger;
}

export interface TurnSubscription {
  /** Deliver turns with id > afterId; undefined = only turns after the feed's current cursor. */
  afterId?: number;
  siteIds?: readonly string[];
  sessionId?: string;
  /** Whether it wants rows now (called at each poll); default always. Only a live subscription may decline. */
  wants?: () => boolean;
}

export type TurnHandler = (turns: TurnRow[]) => void;

export interface TurnFeedStats { cursor: number; subscribers: number; polls: number; idPolls: number; delivered: number; holesSkipped: number; pollErrors: number }

interface Sub {
  cursor: number;
  live: boolean;
  closed: boolean;
  sites: ReadonlySet<string> | null;
  sessionId: string | undefined;
  filter: TurnSubscription;
  onTurns: TurnHandler;
}

export class TurnFeed {
  private readonly pool: Pool;
  private readonly log: DbLogger;
  private readonly pollMs: number;
  private readonly settleMs: number;
  private readonly limit: number;
  private cursor = 0;
  private readonly subs = new Set<Sub>();
  private readonly holes = new Map<number, number>();
  private started: Promise<void> | null = null;
  private ready = false;
  private closed = false;
  private polling = false;
  private pollAgain = false;
  private interval: NodeJS.Timeout | null = null;
  private settleTimer: NodeJS.Timeout | null = null;
  private readonly unhook: Array<() => void> = [];
  private readonly s = { polls: 0, idPolls: 0, delivered: 0, holesSkipped: 0, pollErrors: 0 };

  constructor(private readonly opts: TurnFeedOptions) {
    this.pool = opts.pool;
    this.log = opts.logger ?? silentLogger;
    this.pollMs = opts.pollMs ?? 1000;
    this.settleMs = opts.settleMs ?? 1000;
    this.limit = opts.batchLimit ?? 1000;
  }

  /** Reads the starting cursor, hooks the listener and starts polling. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.cursor = this.opts.startAfterId ?? await maxTurnId(this.pool);
      this.ready = true;
      const l = this.opts.listener;
      if (l) {
        const wake = (): void => { if (this.wanted()) this.wake(); };
        l.on('turn', wake).on('reconnected', wake);
        this.unhook.push(() => { l.off('turn', wake).off('reconnected', wake); });
      }
      this.interval = setInterval(() => this.wake(), this.pollMs);
      this.interval.unref();
    })();
    this.started.catch(() => { this.started = null; }); // a failed start may be retried
    return this.started;
  }

  /** The global cursor: every turn with id <= cursor has been dispatched. */
  get position(): number { return this.cursor; }

  stats(): TurnFeedStats { return { ...this.s, cursor: this.cursor, subscribers: this.subs.size }; }

  /** Subscribes; returns the unsubscribe function. `onTurns` gets non-empty arrays in id order. */
  subscribe(filter: TurnSubscription, onTurns: TurnHandler): () => void {
    const sub: Sub = {
      cursor: filter.afterId ?? -1, live: false, closed: false, filter, onTurns,
      sites: filter.siteIds ? new Set(filter.siteIds) : null, sessionId: filter.sessionId,
    };
    this.subs.add(sub);
    void this.catchUp(sub);
    return () => { sub.closed = true; this.subs.delete(sub); };
  }

  close(): void {
    this.closed = true;
    if (this.interval) clearInterval(this.interval);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    for (const u of this.unhook.splice(0)) u();
    for (const s of this.subs) s.closed = true;
    this.subs.clear();
  }

  /** Asks for a poll now (coalesced with one in flight). */
  wake(): void {
    if (this.closed || !this.ready) return;
    if (this.polling) { this.pollAgain = true; return; }
    void this.poll();
  }

  /** Whether any subscription wants rows now (one catching up always does). */
  private wanted(): boolean {
    for (const sub of this.subs) if (!sub.live || sub.filter.wants?.() !== false) return true;
    return false;
  }

  private matches(sub: Sub, r: TurnRow): boolean {
    return (sub.sites === null || sub.sites.has(r.siteId)) && (sub.sessionId === undefined || sub.sessionId === r.sessionId);
  }

  private deliver(sub: Sub, turns: TurnRow[]): void {
    if (turns.length === 0 || sub.closed) return;
    this.s.delivered += turns.length;
    try {
      sub.onTurns(turns);
    } catch (err) {
      this.log.error({ ...errFields(err) }, 'turn feed subscriber threw');
    }
  }

  /** Brings a subscriber from its cursor up to the global cursor, then makes it live. */
  private async catchUp(sub: Sub): Promise<void> {
    for (;;) {
      try {
        await this.start();
        break;
      } catch (err) {
        if (sub.closed || this.closed) return;
        this.log.warn({ ...errFields(err) }, 'turn feed could not read its starting cursor; retrying');
        await new Promise((r) => setTimeout(r, this.pollMs));
      }
    }
    if (sub.cursor < 0) sub.cursor = this.cursor;
    while (!sub.closed && !this.closed) {
      const horizon = this.cursor;
      if (sub.cursor >= horizon) { sub.live = true; return; }
      let rows: TurnRow[];
      try {
        rows = await turnsAfter(this.pool, {
          afterId: sub.cursor, upToId: horizon, limit: this.limit, siteIds: sub.filter.siteIds, sessionId: sub.sessionId,
        });
      } catch (err) {
        this.log.warn({ ...errFields(err), cursor: sub.cursor }, 'turn feed catch-up read failed; retrying');
        await new Promise((r) => setTimeout(r, this.pollMs));
        continue;
      }
      this.deliver(sub, rows.filter((r) => r.id > sub.cursor));
      sub.cursor = rows.length === this.limit ? rows.at(-1)!.id : horizon;
    }
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        if (!this.wanted()) {
          this.s.idPolls++;
          const ids = await turnIdsAfter(this.pool, this.cursor, this.limit);
          if (this.closed) return;
          if (this.wanted()) { this.pollAgain = true; continue; } // demand came back meanwhile: read the rows
          const accepted = this.contiguous(ids);
          if (accepted.length > 0) this.cursor = accepted.at(-1)!;
          if (ids.length === this.limit && accepted.length === ids.length) this.pollAgain = true;
          continue;
        }
        this.s.polls++;
        const rows = await turnsAfter(this.pool, { afterId: this.cursor, limit: this.limit });
        if (this.closed) return;
        const accepted = rows.slice(0, this.contiguous(rows.map((r) => r.id)).length);
        if (accepted.length > 0) this.dispatch(accepted);
        if (rows.length === this.limit && accepted.length === rows.length) this.pollAgain = true;
      } while (this.pollAgain && !this.closed);
    } catch (err) {
      this.s.pollErrors++;
      this.log.warn({ ...errFields(err), cursor: this.cursor }, 'turn feed poll failed; next poll retries');
    } finally {
      this.polling = false;
    }
  }

  /** The prefix of ids the cursor may pass: contiguous ids, or holes older than settleMs. */
  private contiguous(ids: number[]): number[] {
    const now = Date.now();
    let expected = this.cursor + 1;
    let acceptedUpTo = -1;
    let blocked = false;
    let nextDeadline = Infinity;
    ids.forEach((id, i) => {
      if (id > expected) {
        const seen = this.holes.get(expected) ?? now;
        this.holes.set(expected, seen);
        if (now - seen < this.settleMs) { blocked = true; nextDeadline = Math.min(nextDeadline, seen + this.settleMs); }
        else if (!blocked) {
          this.s.holesSkipped++;
          this.log.debug({ from: expected, to: id - 1 }, 'turn id hole accepted after the settle time');
        }
      }
      if (!blocked) acceptedUpTo = i;
      expected = id + 1;
    });
    const accepted = ids.slice(0, acceptedUpTo + 1);
    const newCursor = accepted.at(-1) ?? this.cursor;
    for (const k of this.holes.keys()) if (k <= newCursor) this.holes.delete(k);
    if (blocked && !this.settleTimer) {
      this.settleTimer = setTimeout(() => { this.settleTimer = null; this.wake(); }, Math.max(1, nextDeadline - now));
      this.settleTimer.unref();
    }
    return accepted;
  }

  private dispatch(rows: TurnRow[]): void {
    this.cursor = rows.at(-1)!.id;
    for (const sub of this.subs) {
      if (!sub.live || sub.closed) continue;
      this.deliver(sub, rows.filter((r) => r.id > sub.cursor && this.matches(sub, r)));
      sub.cursor = Math.max(sub.cursor, this.cursor);
    }
  }
}
