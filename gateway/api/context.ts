/** What every API handler is given, and the transaction-plus-audit helper for changes. */
import type { Logger } from 'pino';
import type { Pool, PoolClient } from '../../db/index.ts';
import { insertAudit } from '../../db/queries/console/index.ts';
import type { Config } from '../config/index.ts';
import type { RequestInfo } from '../http/index.ts';
import type { Principal } from './auth.ts';

export interface ApiDeps {
  pool: Pool;
  logger: Logger;
  /** The `console` section of the configuration. */
  cfg: Config['console'];
  /** Secret under which device tokens are HMAC'd (core.serverSecret, resolved). */
  serverSecret: string;
  /** True when the app is a uWS SSLApp (sets Secure on the cookie). */
  tls?: boolean;
  /** Called after a device is revoked, so a connected device is closed at once. */
  onDeviceRevoked?: (deviceId: string) => void;
  /**
   * The live feed's position (mountConsoleSocket(...).position): snapshots carry it as their
   * cursor so the console socket replays exactly what came after. Default: the highest turn id.
   */
  livePosition?: () => number;
  /** Operators' voice templates, when the gateway runs speech recognition (else the voice routes answer ASR_UNAVAILABLE). */
  voice?: VoiceTemplates;
}

/**
 * The recogniser's template store as the API sees it (gateway/wiring.ts fills it from asr/'s
 * engine). Tokens are the recogniser's ("7", "ready", "say again"; see tokenOf).
 */
export interface VoiceTemplates {
  /** Replaces a token's takes (retraining); an ApiError BAD_AUDIO when the recogniser refuses the audio. */
  enroll(operatorId: number, token: string, takes: ReadonlyArray<{ pcm: Int16Array; sampleRate: number }>): Promise<{ version: number; takes: number }>;
  /** The operator's enrolled tokens. */
  tokens(operatorId: number): Promise<string[]>;
  /** Deletes one token's takes, or every take of the operator. */
  remove(operatorId: number, token?: string): Promise<void>;
}

export interface AuditWhat { action: string; siteId: string | null; entity: string; entityId: string | number | null }

/**
 * Runs `fn` in a transaction and records the change in the audit log in the same transaction:
 * `fn` returns the row before and after (either may be null) and the value to reply with.
 */
export async function audited<T>(
  deps: ApiDeps, p: Principal, req: RequestInfo, what: AuditWhat,
  fn: (db: PoolClient) => Promise<{ before: unknown; after: unknown; result: T }>,
): Promise<T> {
  const client = await deps.pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await insertAudit(client, {
      userId: p.user.id, userName: p.user.name, action: what.action, siteId: what.siteId, entity: what.entity,
      entityId: what.entityId === null ? null : String(what.entityId), before: out.before, after: out.after, ip: req.ip,
    });
    await client.query('COMMIT');
    deps.logger.info({ userId: p.user.id, action: what.action, siteId: what.siteId, entity: what.entity, entityId: what.entityId }, 'console change');
    return out.result;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: unknown) => deps.logger.warn({ err: e }, 'rollback failed'));
    throw err;
  } finally {
    client.release();
  }
}

/** Maps PostgreSQL unique-violation to a conflict code. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === '23505';
}
