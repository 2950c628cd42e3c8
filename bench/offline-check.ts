/**
 * `--offline-check` (picking): after the run, the recogniser's offline figure on the run's own
 * audio. Runs `asr/bench/cli.ts --replay OUT/turns.jsonl --data AUDIO --json` as a child process
 * (the bench does not import asr/) with the recogniser's default settings, and returns the
 * figures the bench adds to its result: live and offline accuracy on first attempts, overall and
 * per question node, and their difference in points (issue #7: within 1 point).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'asr', 'bench', 'cli.ts');

export interface OfflineCheck {
  accuracy_first_live: number;
  accuracy_first_offline: number;
  /** live − offline, points. */
  accuracy_first_delta_points: number;
  accuracy_first_by_node: Record<string, { n: number; live: number; offline: number; delta_points: number }>;
  offline_check_s: number;
}

export class OfflineCheckError extends Error {
  constructor(message: string) { super(message); this.name = 'OfflineCheckError'; }
}

export async function offlineCheck(turnsFile: string, audioDir: string): Promise<OfflineCheck> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--replay', turnsFile, '--data', audioDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new OfflineCheckError(`bench:asr --replay exited ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`);
  let r: { accuracy_first_live: number; accuracy_first_offline: number; delta_points_first: number; first: Record<string, { n: number; live: number; offline: number; delta_points: number }> };
  try { r = JSON.parse(out.trim().split('\n').at(-1) ?? '') as typeof r; } catch (e) {
    throw new OfflineCheckError(`bench:asr --replay printed no JSON (${(e as Error).message})`);
  }
  const byNode: OfflineCheck['accuracy_first_by_node'] = {};
  for (const [k, v] of Object.entries(r.first)) if (k !== 'all') byNode[k] = { n: v.n, live: v.live, offline: v.offline, delta_points: v.delta_points };
  return {
    accuracy_first_live: r.accuracy_first_live, accuracy_first_offline: r.accuracy_first_offline,
    accuracy_first_delta_points: r.delta_points_first, accuracy_first_by_node: byNode, offline_check_s: (performance.now() - t0) / 1000,
  };
}
