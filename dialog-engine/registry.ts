/**
 * Flow registry: the built-in flows (JSON files in dialog-engine/flows, version 0) and the
 * versions stored in PostgreSQL. `current(name)` is the newest published version (or the
 * built-in when none is published); `get(name, version)` is an exact version (sessions pin it).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlowError, validateFlow } from './schema.ts';
import type { Flow, FlowResolver } from './types.ts';

export const BUILTIN_FLOWS_DIR = fileURLToPath(new URL('./flows/', import.meta.url));

/** Reads and validates every `*.json` flow in `dir` (calls are checked across the set). */
export async function loadBuiltinFlows(dir = BUILTIN_FLOWS_DIR): Promise<Flow[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const docs: unknown[] = [];
  for (const f of files) {
    const raw = await readFile(path.join(dir, f), 'utf8');
    try {
      docs.push(JSON.parse(raw));
    } catch (err) {
      throw new FlowError(f, [{ path: '/', message: `not valid JSON: ${(err as Error).message}` }]);
    }
  }
  const names = new Set(docs.map((d) => (d as { name?: string }).name ?? ''));
  return docs.map((d) => ({ ...validateFlow(d, names), version: 0 }));
}

export class FlowRegistry {
  private readonly versions = new Map<string, Map<number, Flow>>();
  private readonly currentVersion = new Map<string, number>();

  constructor(builtins: Flow[] = []) {
    for (const f of builtins) this.add({ ...f, version: 0 }, true);
  }

  /** Adds a version; `current` makes it the one new sessions get. */
  add(flow: Flow, current: boolean): void {
    const v = flow.version ?? 0;
    let m = this.versions.get(flow.name);
    if (!m) { m = new Map(); this.versions.set(flow.name, m); }
    m.set(v, flow);
    if (current) this.currentVersion.set(flow.name, v);
  }

  names(): Set<string> { return new Set(this.versions.keys()); }

  has(name: string, version: number): boolean { return this.versions.get(name)?.has(version) ?? false; }

  current(name: string): Flow | undefined {
    const v = this.currentVersion.get(name);
    return v === undefined ? undefined : this.versions.get(name)?.get(v);
  }

  get(name: string, version?: number): Flow | undefined {
    return version === undefined ? this.current(name) : this.versions.get(name)?.get(version);
  }

  readonly resolve: FlowResolver = (name, version) => this.get(name, version);
}
