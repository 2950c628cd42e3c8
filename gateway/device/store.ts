/**
 * The device gateway's database access: device look-up for authentication and session rows.
 * Per-turn session state goes through the TurnLogger (batched, spooled while PostgreSQL is down).
 */
import type { Pool } from '../../db/index.ts';
import type { Logger } from '../logger.ts';
import type { SessionStateEnvelope } from './session.ts';

export interface DeviceRow { id: string; siteId: string; tokenHash: string; revoked: boolean }

export interface StoredSession { id: string; deviceId: string; siteId: string; lastSeq: number; state: SessionStateEnvelope | null }

export class DeviceStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly pool: Pool, private readonly log: Logger) {}

  async findDevice(deviceId: string): Promise<DeviceRow | null> {
    const { rows } = await this.pool.query<{ id: string; site_id: string; token_hash: string; revoked_at: Date | null }>(
      'SELECT id, site_id, token_hash, revoked_at FROM devices WHERE id = $1', [deviceId]);
    const r = rows[0];
    return r ? { id: r.id, siteId: r.site_id, tokenHash: r.token_hash, revoked: r.revoked_at !== null } : null;
  }

  touchDevice(deviceId: string, appVersion: string, model: string | undefined): void {
    this.pool.query('UPDATE devices SET last_seen_at = now(), app_version = $2, model = coalesce($3, model) WHERE id = $1',
      [deviceId, appVersion, model ?? null])
      .catch((err: unknown) => this.log.warn({ err, deviceId }, 'could not update device last-seen'));
  }

  async createSession(s: { id: string; deviceId: string; siteId: string; node: string }): Promise<void> {
    await this.pool.query('INSERT INTO device_sessions (id, device_id, site_id, gateway_node) VALUES ($1, $2, $3, $4)',
      [s.id, s.deviceId, s.siteId, s.node]);
  }

  /** An open session of this device that a resume may rehydrate (another node, or before a restart). */
  async findOpenSession(sessionId: string, deviceId: string): Promise<StoredSession | null> {
    const { rows } = await this.pool.query<{ id: string; device_id: string; site_id: string; last_seq: number; dialog_state: SessionStateEnvelope | null }>(
      'SELECT id, device_id, site_id, last_seq, dialog_state FROM device_sessions WHERE id = $1 AND device_id = $2 AND ended_at IS NULL',
      [sessionId, deviceId]);
    const r = rows[0];
    return r ? { id: r.id, deviceId: r.device_id, siteId: r.site_id, lastSeq: r.last_seq, state: r.dialog_state } : null;
  }

  async claimSession(sessionId: string, node: string): Promise<void> {
    await this.pool.query('UPDATE device_sessions SET gateway_node = $2 WHERE id = $1', [sessionId, node]);
  }

  endSession(sessionId: string, reason: string, operatorId: number | null): void {
    this.writing = this.writing.then(async () => {
      await this.pool.query(
        'UPDATE device_sessions SET ended_at = now(), end_reason = $2, operator_id = coalesce($3, operator_id) WHERE id = $1 AND ended_at IS NULL',
        [sessionId, reason, operatorId]);
    }).catch((err: unknown) => this.log.error({ err, sessionId }, 'could not record session end'));
  }

  setOperator(sessionId: string, operatorId: number | null): void {
    this.pool.query('UPDATE device_sessions SET operator_id = $2 WHERE id = $1', [sessionId, operatorId])
      .catch((err: unknown) => this.log.warn({ err, sessionId }, 'could not record session operator'));
  }

  async close(): Promise<void> {
    await this.writing; // never rejects: every step has its own catch
  }
}
