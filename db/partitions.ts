/**
 * Monthly partitions of dialog_turns: `vm_ensure_turn_partitions(months)` (idempotent) is called
 * at start-up and then on an unref'd timer (daily by default), so next month's partition always
 * exists before the first turn lands in it. Rows outside every partition go to the default one.
 */
import type { Pool } from './pool.ts';
import { type DbLogger, errFields, silentLogger } from './log.ts';

/** Creates the partitions from this month to `monthsAhead` ahead; returns how many were new. */
export async function ensureTurnPartitions(pool: Pool, monthsAhead: number): Promise<number> {
  const { rows } = await pool.query<{ created: number }>('SELECT vm_ensure_turn_partitions($1) AS created', [monthsAhead]);
  return rows[0]?.created ?? 0;
}

export interface PartitionMaintenanceOptions {
  monthsAhead?: number;
  /** Time between runs; default one day. */
  intervalMs?: number;
  logger?: DbLogger;
}

/**
 * Runs the maintenance now (in the background: a failure is logged and retried at the next tick)
 * and then every `intervalMs`. Returns the stop function.
 */
export function startPartitionMaintenance(pool: Pool, opts: PartitionMaintenanceOptions = {}): () => void {
  const monthsAhead = opts.monthsAhead ?? 2;
  const log = opts.logger ?? silentLogger;
  let stopped = false;
  const tick = (): void => {
    ensureTurnPartitions(pool, monthsAhead).then((created) => {
      if (created > 0) log.info({ created, monthsAhead }, 'dialog_turns partitions created');
    }, (err: unknown) => {
      if (!stopped) log.error({ ...errFields(err), monthsAhead }, 'dialog_turns partition maintenance failed; retrying at the next tick');
    });
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? 24 * 3600 * 1000);
  timer.unref();
  return () => { stopped = true; clearInterval(timer); };
}
