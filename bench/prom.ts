/** A small Prometheus text-format reader for scraping the gateway's `/metrics`. */

export interface PromSample { name: string; labels: Record<string, string>; value: number }

/** Parses exposition text; comment and malformed lines are skipped (they carry no sample). */
export function parseProm(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[3]) {
      for (const l of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    }
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    if (!Number.isNaN(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** Sum of every sample of a metric (over all label sets); undefined when absent. */
export function sumOf(samples: PromSample[], name: string, filter?: Record<string, string>): number | undefined {
  let found = false;
  let s = 0;
  for (const x of samples) {
    if (x.name !== name) continue;
    if (filter && !Object.entries(filter).every(([k, v]) => x.labels[k] === v)) continue;
    found = true;
    s += x.value;
  }
  return found ? s : undefined;
}

/** Gauges that describe queues, lags, load shedding, templates first or VAD batching (name contains queue, depth, lag, backlog, busy, shed, templates_first, vad_batches, vad_windows). */
export function queueGauges(samples: PromSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of samples) {
    if (!/queue|depth|backlog|busy|_lag|_shed|_templates_first_|_vad_batches|_vad_windows/.test(x.name) || /_bucket$|_sum$|_count$|_total$|_created$/.test(x.name)) continue;
    if (x.name.startsWith('nodejs_eventloop_lag') && x.name !== 'nodejs_eventloop_lag_p99_seconds') continue;
    const labels = Object.entries(x.labels).filter(([k]) => k !== 'node').map(([k, v]) => `${k}=${v}`);
    const key = labels.length ? `${x.name}{${labels.join(',')}}` : x.name;
    out[key] = (out[key] ?? 0) + x.value;
  }
  return out;
}

export async function scrape(url: string, timeoutMs = 2000): Promise<PromSample[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return parseProm(await res.text());
}
