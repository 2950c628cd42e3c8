/** Latency statistics: a growable sample store, percentiles, and per-window series for charts. */

/** p in [0, 100] of ascending-sorted values, linear interpolation between ranks (numpy default). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 100) return sorted[n - 1]!;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Time-stamped samples in preallocated, doubling typed arrays. */
export class Samples {
  private t = new Float64Array(1024);
  private v = new Float64Array(1024);
  private n = 0;
  private sorted: Float64Array | null = null;

  add(value: number, at = 0): void {
    if (this.n === this.v.length) {
      const t = new Float64Array(this.n * 2); t.set(this.t); this.t = t;
      const v = new Float64Array(this.n * 2); v.set(this.v); this.v = v;
    }
    this.t[this.n] = at;
    this.v[this.n] = value;
    this.n += 1;
    this.sorted = null;
  }

  get count(): number { return this.n; }

  values(): Float64Array { return this.v.subarray(0, this.n); }

  private sortedValues(): Float64Array {
    if (!this.sorted) this.sorted = this.v.slice(0, this.n).sort();
    return this.sorted;
  }

  p(pct: number): number { return percentile(this.sortedValues(), pct); }
  max(): number { return this.n ? this.sortedValues()[this.n - 1]! : NaN; }
  mean(): number {
    if (!this.n) return NaN;
    let s = 0;
    for (let i = 0; i < this.n; i++) s += this.v[i]!;
    return s / this.n;
  }

  /** Percentiles per window of `windowMs` over sample times (for "latency over time" charts). */
  windows(windowMs: number, pcts: number[] = [50, 95, 99]): Array<{ t: number; n: number; p: number[] }> {
    const byWin = new Map<number, number[]>();
    for (let i = 0; i < this.n; i++) {
      const w = Math.floor(this.t[i]! / windowMs);
      let list = byWin.get(w);
      if (!list) byWin.set(w, (list = []));
      list.push(this.v[i]!);
    }
    return [...byWin.entries()].sort((a, b) => a[0] - b[0]).map(([w, list]) => {
      const s = Float64Array.from(list).sort();
      return { t: (w + 0.5) * windowMs, n: s.length, p: pcts.map((q) => percentile(s, q)) };
    });
  }
}

/** Rounds for reports: NaN/Infinity become null so JSON stays valid. */
export function round(x: number, digits = 1): number | null {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
