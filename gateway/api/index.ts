/**
 * The console's JSON API under /api/v1 (docs/api.md). `mountApi` registers it on the gateway's
 * uWS app; `close()` waits (briefly) for running requests.
 */
import type { TemplatedApp } from 'uWebSockets.js';
import { purgeExpiredSessions } from '../../db/queries/console/index.ts';
import { Router, serve } from '../http/index.ts';
import type { ApiDeps } from './context.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { deviceRoutes } from './routes/devices.ts';
import { dialogRoutes } from './routes/dialogs.ts';
import { operatorRoutes } from './routes/operators.ts';
import { settingRoutes } from './routes/settings.ts';
import { userRoutes } from './routes/users.ts';
import { voiceRoutes } from './routes/voice.ts';

export type { ApiDeps, VoiceTemplates } from './context.ts';
export { principalFromCookie, sameOrigin, requireRole, SESSION_COOKIE, type Principal } from './auth.ts';
export { hashPassword, newPassword } from './passwords.ts';
export { SETTINGS, type SettingDef } from './settings-catalogue.ts';

export const API_PREFIX = '/api/v1';

export function mountApi(app: TemplatedApp, deps: ApiDeps): { close(): Promise<void> } {
  const router = new Router();
  authRoutes(router, deps);
  dialogRoutes(router, deps);
  operatorRoutes(router, deps);
  voiceRoutes(router, deps);
  deviceRoutes(router, deps);
  settingRoutes(router, deps);
  userRoutes(router, deps);
  auditRoutes(router, deps);
  const served = serve(app, router, {
    prefix: API_PREFIX, maxBodyBytes: deps.cfg.maxBodyBytes, trustProxy: deps.cfg.trustProxy, tls: deps.tls, logger: deps.logger,
  });
  const purge = setInterval(() => {
    purgeExpiredSessions(deps.pool).catch((err: unknown) => deps.logger.warn({ err }, 'purging expired console sessions failed'));
  }, 3600_000);
  purge.unref();
  return {
    async close() {
      clearInterval(purge);
      const until = Date.now() + 5000;
      while (served.inFlight() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
