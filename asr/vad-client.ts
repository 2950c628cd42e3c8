/**
 * Batches the windows of all active streams into one Silero run per tick, in a worker. Only one
 * batch is in flight; windows arriving meanwhile wait for the next one, so the lag behind real
 * time is measurable (and exported) instead of hidden in a growing queue.
 */
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { startWorker } from './worker-url.ts';
import { WIN } from './endpointer.ts';
import type { StreamImpl } from './stream.ts';
import type { VadIn, VadOut } from './vad-worker.ts';

export interface VadStats { batches: number; windows: number; lastBatch: number; lagMs: number; runMs: number }

export class VadClient {
  private readonly waiting = new Set<StreamImpl>();
  private inFlight: { id: number; items: { s: StreamImpl; w: { prob: number | null } }[] } | null = null;
  private nextId = 1;
  readonly stats: VadStats = { batches: 0, windows: 0, lastBatch: 0, lagMs: 0, runMs: 0 };

  private constructor(private readonly worker: Worker, private readonly maxBatch: number, private readonly onError: (e: Error) => void) {
    worker.on('message', (m: VadOut) => this.onMessage(m));
  }

  static async start(modelPath: string, maxStreams: number, maxBatch: number, onError: (e: Error) => void): Promise<VadClient> {
    const w = startWorker('./vad-worker.ts', { modelPath, maxStreams });
    await new Promise<void>((resolve, reject) => {
      w.once('error', reject);
      w.once('message', (m: VadOut) => (m.type === 'ready' ? resolve() : reject(new Error(m.type === 'error' ? m.message : 'VAD worker failed'))));
    });
    w.on('error', onError);
    return new VadClient(w, maxBatch, onError);
  }

  enqueue(s: StreamImpl): void {
    this.waiting.add(s);
    if (!this.inFlight) queueMicrotask(() => this.flush());
  }

  reset(slot: number): void { this.worker.postMessage({ type: 'reset', slot } satisfies VadIn); }

  /** Oldest window still waiting for a probability (ms). */
  lag(): number {
    let oldest = Infinity;
    for (const s of this.waiting) for (const w of s.pending) if (w.prob === null) { oldest = Math.min(oldest, w.at); break; }
    if (this.inFlight) for (const it of this.inFlight.items) oldest = Math.min(oldest, (it.w as { at?: number }).at ?? Infinity);
    return Number.isFinite(oldest) ? performance.now() - oldest : 0;
  }

  private flush(): void {
    if (this.inFlight || this.waiting.size === 0) return;
    const items: { s: StreamImpl; w: StreamImpl['pending'][number] }[] = [];
    for (const s of this.waiting) {
      let added = false;
      for (const w of s.pending) {
        if (w.prob !== null) continue;
        if (items.length >= this.maxBatch) break;
        // one window per stream per batch: the next one needs this one's state
        items.push({ s, w });
        added = true;
        break;
      }
      if (!added) this.waiting.delete(s);
      if (items.length >= this.maxBatch) break;
    }
    if (!items.length) return;
    const slots = new Int32Array(items.length);
    const windows = new Float32Array(items.length * WIN);
    items.forEach((it, i) => {
      slots[i] = it.s.vadSlot;
      windows.set(it.w.x, i * WIN);
      const g = it.w.gain;
      if (g !== 1) for (let k = i * WIN, end = k + WIN; k < end; k++) windows[k]! *= g;
    });
    const id = this.nextId++;
    this.inFlight = { id, items };
    this.worker.postMessage({ type: 'batch', id, slots, windows } satisfies VadIn, [windows.buffer]);
  }

  private onMessage(m: VadOut): void {
    if (m.type === 'ready') return;
    const batch = this.inFlight;
    this.inFlight = null;
    if (m.type === 'error') {
      this.onError(new Error(`VAD failed: ${m.message}`));
      // treat the batch as silence so streams keep moving
      if (batch) for (const it of batch.items) it.w.prob = 0;
    } else if (batch && batch.id === m.id) {
      this.stats.batches++; this.stats.windows += batch.items.length; this.stats.lastBatch = batch.items.length; this.stats.runMs = m.ms;
      batch.items.forEach((it, i) => { it.w.prob = m.probs[i]!; });
    }
    if (batch) {
      for (const it of batch.items) {
        if (it.s.isClosed) { this.waiting.delete(it.s); continue; }
        it.s.drain();
        if (it.s.pending.some((w) => w.prob === null)) this.waiting.add(it.s); else this.waiting.delete(it.s);
      }
    }
    this.stats.lagMs = this.lag();
    this.flush();
  }

  async close(): Promise<void> { await this.worker.terminate(); }
}
