/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random), capped, reset once a
 * session is welcomed. `random` is injectable so the schedule is testable.
 */
export interface BackoffOptions { baseMs: number; maxMs: number; random?: () => number }

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;
  constructor(private readonly opts: BackoffOptions) { this.random = opts.random ?? Math.random; }

  /** Delay before the next attempt; `minDelayMs` is a floor (e.g. 5 s after RATE_LIMITED). */
  next(minDelayMs = 0, immediate = false): number {
    const n = this.attempt++;
    if (immediate && n === 0) return Math.round(this.random() * 250); // server restart: at once, spread out
    const ceiling = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(n, 20));
    return Math.max(minDelayMs, Math.round(ceiling / 2 + this.random() * (ceiling / 2)));
  }

  get attempts(): number { return this.attempt; }
  reset(): void { this.attempt = 0; }
}
