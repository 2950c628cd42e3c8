/** Public face of db/: migrations, pools, the dialog log and its notifications. */
export { createPool, type Pool, type PoolClient, type PoolOptions } from './pool.ts';
export { migrate, migrationsCurrent, loadMigrations, MigrationError, type MigrateResult } from './migrate.ts';
export { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.ts';
export type { TurnRecord, TurnKind } from './turn.ts';
export { TurnLogger, type TurnLoggerOptions, type TurnLoggerStats, type TurnLoggerEvent } from './turn-logger.ts';
export { startPartitionMaintenance, ensureTurnPartitions } from './partitions.ts';
export { type DbLogger, silentLogger, isDataError } from './log.ts';
export { insertTurnsUnnest, insertTurnsValues, insertTurnOne, type StateUpdate } from './turn-sql.ts';
export type { PartitionMaintenanceOptions } from './partitions.ts';
export { findDeviceById, touchDevice, listDevices, isUuid, type DeviceRecord } from './queries/devices.ts';
export {
  createSession, endSession, endSessionsOfNode, findSession, setSessionOperator, updateSessionState,
  listActiveSessions, type SessionRecord, type NewSession,
} from './queries/sessions.ts';
export {
  findOperatorByExternalId, findOperatorById, recordFailedSignon, resetFailedSignons, type OperatorRecord,
} from './queries/operators.ts';
export {
  DbListener, TURNS_CHANNEL, SESSIONS_CHANNEL, parseTurnNotification, parseSessionNotification,
  type ListenerOptions, type ListenerEvents, type ListenerStats, type TurnNotification, type SessionNotification,
} from './listener.ts';
export {
  turnsAfter, maxTurnId, activeSessions, sessionsChangedSince, type TurnRow, type TurnsAfterQuery,
} from './readers.ts';
export {
  TurnFeed, type TurnFeedOptions, type TurnSubscription, type TurnHandler, type TurnFeedStats,
} from './turn-feed.ts';
export { PgTemplateStore } from './queries/templates.ts';
export * as flowQueries from './queries/flows.ts';
export * as outboxQueries from './queries/outbox.ts';
