/**
 * The console's server side in one call for gateway/app.ts: the /v1/console socket (with its one
 * live source) and the /api/v1 JSON API whose snapshots carry the socket's cursor.
 */
import type { TemplatedApp } from 'uWebSockets.js';
import type { Logger } from 'pino';
import type { Pool } from '../../db/index.ts';
import type { Config } from '../config/index.ts';
import { mountApi, type VoiceTemplates } from '../api/index.ts';
import { mountConsoleSocket, type ConsoleSocket } from './index.ts';

export interface ConsoleDeps {
  pool: Pool; databaseUrl: string; serverSecret: string; cfg: Config; log: Logger; tls?: boolean;
  /** A device was revoked: close its connection now (not only at its next hello). */
  onDeviceRevoked?: (deviceId: string) => void;
  /** Operators' voice templates (the recogniser's), when speech recognition runs. */
  voice?: VoiceTemplates | null;
}

export async function mountConsole(app: TemplatedApp, d: ConsoleDeps): Promise<{ socket: ConsoleSocket; close(): Promise<void> }> {
  const logger = d.log.child({ component: 'console' });
  const socket = await mountConsoleSocket(app, { pool: d.pool, logger, cfg: d.cfg.console, databaseUrl: d.databaseUrl });
  const api = mountApi(app, { pool: d.pool, logger, cfg: d.cfg.console, serverSecret: d.serverSecret, tls: d.tls, livePosition: socket.position, ...(d.onDeviceRevoked ? { onDeviceRevoked: d.onDeviceRevoked } : {}), ...(d.voice ? { voice: d.voice } : {}) });
  return {
    socket,
    async close() { await socket.close(); await api.close(); },
  };
}
