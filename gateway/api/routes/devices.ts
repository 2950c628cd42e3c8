/** Devices of a site: list, provision (one-time token as text and QR code), re-issue token, revoke. */
import { Type } from '@sinclair/typebox';
import QRCode from 'qrcode';
import { getDevice, insertAudit, listDevices } from '../../../db/queries/console/index.ts';
import { provisionDevice, ProvisionError, reissueDeviceToken, revokeDevice } from '../../device/provision.ts';
import { ApiError } from '../../errors.ts';
import type { RequestInfo, Router } from '../../http/index.ts';
import { requireCsrf, requirePrincipal, requireRole, requireSite, type Principal } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { jsonBody, uuidParam } from '../validate.ts';

const NewDevice = Type.Object({
  label: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9 _.-]+$' }),
  model: Type.Optional(Type.String({ maxLength: 100 })),
}, { additionalProperties: false });

/** What the device app needs to join: shown as text; the QR code carries it as the app's deep link. */
export interface Provisioning { v: 1; server: string; deviceId: string; token: string; link: string }

/** The Android shell's deep link (android-shell/README.md): the phone's camera opens the app with it. */
export function provisioningLink(server: string, deviceId: string, token: string): string {
  const q = new URLSearchParams({ url: server, d: deviceId, t: token });
  return `voiceman://provision?${q.toString()}`;
}

function serverUrl(deps: ApiDeps, req: RequestInfo): string {
  if (deps.cfg.qrServerUrl) return deps.cfg.qrServerUrl.replace(/\/+$/, '');
  return `${req.secure || deps.tls ? 'https' : 'http'}://${req.host}`;
}

async function tokenReply(deps: ApiDeps, req: RequestInfo, deviceId: string, token: string): Promise<{ token: string; provisioning: Provisioning; qrSvg: string }> {
  const server = serverUrl(deps, req);
  const provisioning: Provisioning = { v: 1, server, deviceId, token, link: provisioningLink(server, deviceId, token) };
  const qrSvg = await QRCode.toString(provisioning.link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { token, provisioning, qrSvg };
}

async function audit(deps: ApiDeps, p: Principal, req: RequestInfo, action: string, siteId: string, id: string, before: unknown, after: unknown): Promise<void> {
  await insertAudit(deps.pool, { userId: p.user.id, userName: p.user.name, action, siteId, entity: 'device', entityId: id, before, after, ip: req.ip });
  deps.logger.info({ userId: p.user.id, action, siteId, deviceId: id }, 'console change');
}

export function deviceRoutes(r: Router, deps: ApiDeps): void {
  r.get('/sites/:siteId/devices', async ({ req, params }) => {
    const p = await requirePrincipal(deps.pool, req);
    return { body: { items: await listDevices(deps.pool, requireSite(p, params.siteId)) } };
  });

  r.post('/sites/:siteId/devices', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    const siteId = requireSite(p, input.params.siteId);
    requireRole(p, 'supervisor');
    requireCsrf(p, input.req);
    const body = jsonBody(input, NewDevice);
    let deviceId: string;
    let token: string;
    try {
      ({ deviceId, token } = await provisionDevice(deps.pool, deps.serverSecret, { siteId, label: body.label, model: body.model }));
    } catch (err) {
      if (err instanceof ProvisionError && err.code === 'LABEL_TAKEN') throw new ApiError('LABEL_TAKEN');
      if (err instanceof ProvisionError) throw new ApiError('SITE_NOT_FOUND');
      throw err;
    }
    const device = await getDevice(deps.pool, siteId, deviceId);
    await audit(deps, p, input.req, 'device.provision', siteId, deviceId, null, device);
    return { status: 201, body: { device, ...(await tokenReply(deps, input.req, deviceId, token)) } };
  });

  r.post('/sites/:siteId/devices/:id/token', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    const siteId = requireSite(p, input.params.siteId);
    requireRole(p, 'supervisor');
    requireCsrf(p, input.req);
    const id = uuidParam(input.params.id);
    const before = await getDevice(deps.pool, siteId, id);
    if (!before) throw new ApiError('NOT_FOUND', 'no such device');
    const token = await reissueDeviceToken(deps.pool, deps.serverSecret, id);
    if (!token) throw new ApiError('NOT_FOUND', 'no such device');
    const device = await getDevice(deps.pool, siteId, id);
    await audit(deps, p, input.req, 'device.token_reissue', siteId, id, before, device);
    return { body: { device, ...(await tokenReply(deps, input.req, id, token)) } };
  });

  r.post('/sites/:siteId/devices/:id/revoke', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    const siteId = requireSite(p, input.params.siteId);
    requireRole(p, 'supervisor');
    requireCsrf(p, input.req);
    const id = uuidParam(input.params.id);
    const before = await getDevice(deps.pool, siteId, id);
    if (!before) throw new ApiError('NOT_FOUND', 'no such device');
    await revokeDevice(deps.pool, id);
    deps.onDeviceRevoked?.(id);
    const device = await getDevice(deps.pool, siteId, id);
    await audit(deps, p, input.req, 'device.revoke', siteId, id, before, device);
    return { body: { device } };
  });
}
