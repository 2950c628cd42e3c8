/** Public face of db/: migrations, pools, the dialog log and its notifications. */
export { createPool, type Pool, type PoolClient, type PoolOptions } from './pool.ts';
export { migrate, migrationsCurrent, loadMigrations, MigrationError, type MigrateResult } from './migrate.ts';
export { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.ts';
export type { TurnRecord, TurnKind } from './turn.ts';
