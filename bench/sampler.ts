/**
 * Once a second: the gateway's CPU and RSS from /proc/<pid>, the load generator's own CPU, and
 * the gateway's `/metrics` (event-loop lag, queue depths, frames, drops). One scrape at a time;
 * a failed scrape is counted, not fatal.
 */
import { cpuPct, readProc, SelfCpu, type ProcSample } from './procstat.ts';
import { queueGauges, scrape, sumOf, type PromSample } from './prom.ts';
import type { LoadEngine } from './engine.ts';

export interface Point {
  t: number;
  sessions: number;
  turns: number;
  framesSent: number;
  gwCpuPct: number | null;
  gwRssMb: number | null;
  lgCpuPct: number;
  loopLagP99Ms: number | null;
  framesIn: number | null;
  dropped: number | null;
  queues: Record<string, number>;
}

export interface SamplerOptions { engine: LoadEngine; pid?: number; metricsUrl?: string; periodMs?: number }

/** Metric names whose counters mean "frames or work dropped" (summed). */
const DROP_RE = /drop|overflow|shed|rejected_busy/;

export class Sampler {
  readonly points: Point[] = [];
  scrapeFailures = 0;
  lastProm: PromSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastProc: ProcSample | null = null;
  private readonly self = new SelfCpu();
  private scraping = false;
  private droppedBase: number | null = null;

  constructor(private readonly o: SamplerOptions) {}

  start(): void {
    if (this.o.pid) this.lastProc = readProc(this.o.pid);
    this.self.sample();
    if (this.o.metricsUrl) void this.scrapeOnce(true);
    this.timer = setInterval(() => void this.sample(), this.o.periodMs ?? 1000);
  }

  stop(): void { if (this.timer) clearInterval(this.timer); this.timer = null; }

  /** Gateway RSS now (MB), or null. */
  rssMb(): number | null {
    if (!this.o.pid) return null;
    return readProc(this.o.pid).rssBytes / 1048576;
  }

  private async scrapeOnce(baseline = false): Promise<void> {
    if (!this.o.metricsUrl || this.scraping) return;
    this.scraping = true;
    try {
      this.lastProm = await scrape(this.o.metricsUrl);
      if (baseline) this.droppedBase = this.droppedTotal();
    } catch (err) {
      this.scrapeFailures += 1;
      if (this.scrapeFailures === 1) process.stderr.write(`bench: /metrics scrape failed: ${(err as Error).message}\n`);
    } finally {
      this.scraping = false;
    }
  }

  /** Sum of the gateway's drop counters since the run started. */
  droppedTotal(): number | null {
    let s = 0;
    let found = false;
    for (const x of this.lastProm) if (x.name.endsWith('_total') && DROP_RE.test(x.name)) { s += x.value; found = true; }
    if (!found) return null;
    return this.droppedBase === null ? s : s - this.droppedBase;
  }

  private async sample(): Promise<void> {
    const e = this.o.engine;
    let gwCpuPct: number | null = null;
    let gwRssMb: number | null = null;
    if (this.o.pid) {
      try {
        const p = readProc(this.o.pid);
        if (this.lastProc) gwCpuPct = cpuPct(this.lastProc, p);
        gwRssMb = p.rssBytes / 1048576;
        this.lastProc = p;
      } catch (err) {
        e.counters.error(`gateway process: ${(err as Error).message.slice(0, 60)}`);
      }
    }
    const lgCpuPct = this.self.sample();
    await this.scrapeOnce();
    const prom = this.lastProm;
    const lag = sumOf(prom, 'nodejs_eventloop_lag_p99_seconds');
    this.points.push({
      t: e.clock(),
      sessions: e.counters.connected,
      turns: e.turns.turns,
      framesSent: e.counters.framesSent,
      gwCpuPct, gwRssMb, lgCpuPct,
      loopLagP99Ms: lag === undefined ? null : lag * 1000,
      framesIn: sumOf(prom, 'voiceman_audio_frames_total') ?? null,
      dropped: this.droppedTotal(),
      queues: queueGauges(prom),
    });
  }
}
