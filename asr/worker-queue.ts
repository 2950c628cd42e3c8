/**
 * The recogniser thread's inbox, in the order that keeps pickers waiting least.
 *
 * Messages of one decoder slot keep their order (audio before the pause or end that follows it).
 * Across slots, a slot whose queue holds an `end` goes first (a picker is waiting for its result),
 * then one holding a `pause` (its partial may end the utterance early), then the oldest message.
 * Live at 100 pickers (2 vCPU), results waited p90 ~250 ms in arrival order, behind other streams'
 * 100 ms audio chunks (docs/performance/bench.md, "Finals first"). Messages without a slot
 * (template matches, enrollment features) keep arrival order among the rest.
 *
 * Bounded by what the engine sends: audio only for utterances holding a slot, so at most the
 * slots' live audio is queued. Single-threaded; `take` is O(queued slots).
 */
import type { MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { ToWorker } from './worker-protocol.ts';

interface Queued { seq: number; m: ToWorker; at: number }

const NO_SLOT = -1;

export class WorkerInbox {
  private readonly bySlot = new Map<number, Queued[]>();
  private seq = 0;
  private size = 0;
  private maxWait = 0;

  get length(): number { return this.size; }

  /**
   * The longest any message taken since the last call waited in the inbox (ms), then reset: how
   * far the thread is behind its audio. The engine sheds work on it (`shedLagMs`).
   */
  takeMaxWait(): number { const w = this.maxWait; this.maxWait = 0; return w; }

  push(m: ToWorker, at = performance.now()): void {
    const slot = 'slot' in m ? m.slot : NO_SLOT;
    let q = this.bySlot.get(slot);
    if (!q) { q = []; this.bySlot.set(slot, q); }
    q.push({ seq: this.seq++, m, at });
    this.size++;
  }

  /** The next message to handle, or undefined when empty. */
  take(now = performance.now()): ToWorker | undefined {
    let best: Queued[] | undefined;
    let bestRank = Infinity;
    let bestSeq = Infinity;
    for (const [slot, q] of this.bySlot) {
      if (q.length === 0) continue;
      const rank = slot === NO_SLOT ? 2 : urgency(q);
      if (rank < bestRank || (rank === bestRank && q[0]!.seq < bestSeq)) { best = q; bestRank = rank; bestSeq = q[0]!.seq; }
    }
    if (!best) return undefined;
    this.size--;
    const x = best.shift()!;
    this.maxWait = Math.max(this.maxWait, now - x.at);
    return x.m;
  }
}

/** 0: an end is queued; 1: a pause; 2: neither. */
function urgency(q: Queued[]): number {
  let rank = 2;
  for (const x of q) {
    if (x.m.type === 'end') return 0;
    if (x.m.type === 'pause') rank = 1;
  }
  return rank;
}

/**
 * Feeds `port`'s messages to `handle` in WorkerInbox order, one per turn of the event loop, so
 * that an end arriving meanwhile goes ahead of other streams' audio.
 */
export function serveInbox(port: MessagePort, handle: (m: ToWorker) => void, inbox = new WorkerInbox()): WorkerInbox {
  let draining = false;
  const drainOne = (): void => {
    const m = inbox.take();
    if (m) handle(m);
    if (inbox.length > 0) setImmediate(drainOne);
    else draining = false;
  };
  port.on('message', (m: ToWorker) => {
    inbox.push(m);
    if (!draining) { draining = true; setImmediate(drainOne); }
  });
  return inbox;
}
