/**
 * The gateway's one live source: a DbListener (LISTEN vm_turns / vm_sessions, reconnecting) and
 * a TurnFeed subscribed once to every site (turns exactly once, in id order). After the listener
 * reconnects, session changes may have been missed, so browsers are told to reload (resync).
 */
import type { Logger } from 'pino';
import { DbListener, TurnFeed, type Pool } from '../../db/index.ts';
import type { LiveSource, SessionChange } from './source.ts';
import type { LiveTurn } from './types.ts';

export interface DbLiveSource extends LiveSource {
  close(): Promise<void>;
  stats(): { feed: ReturnType<TurnFeed['stats']>; listener: ReturnType<DbListener['stats']> };
}

export async function startDbLiveSource(opts: { pool: Pool; databaseUrl: string; logger: Logger; pollMs?: number }): Promise<DbLiveSource> {
  const listener = new DbListener({ connectionString: opts.databaseUrl, logger: opts.logger.child({ component: 'console-listener' }) });
  const feed = new TurnFeed({ pool: opts.pool, listener, logger: opts.logger.child({ component: 'console-feed' }), pollMs: opts.pollMs ?? 1000 });
  const turnFns: Array<(t: LiveTurn) => void> = [];
  const sessionFns: Array<(s: SessionChange) => void> = [];
  const resyncFns: Array<() => void> = [];
  listener.on('session', (n) => { for (const fn of sessionFns) fn(n); });
  listener.on('reconnected', () => { for (const fn of resyncFns) fn(); });
  await feed.start();
  // LISTEN connects in the background and retries forever; the feed polls meanwhile
  void listener.start();
  let demand: () => boolean = () => true;
  const unsubscribe = feed.subscribe({ wants: () => demand() }, (rows) => {
    for (const r of rows) {
      const turn: LiveTurn = {
        id: r.id, sessionId: r.sessionId, siteId: r.siteId, seq: r.seq, at: r.at.toISOString(), kind: r.kind, text: r.text,
        confidence: r.confidence, latencyMs: r.latencyMs, flowNode: r.flowNode,
      };
      for (const fn of turnFns) fn(turn);
    }
  });
  return {
    onTurn: (fn) => { turnFns.push(fn); },
    onSession: (fn) => { sessionFns.push(fn); },
    onResync: (fn) => { resyncFns.push(fn); },
    position: () => feed.position,
    setDemand: (fn) => { demand = fn; },
    stats: () => ({ feed: feed.stats(), listener: listener.stats() }),
    async close() {
      unsubscribe();
      feed.close();
      await listener.close();
    },
  };
}
