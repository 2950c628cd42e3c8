/**
 * REST/JSON connector (docs/wms.md): base URL, optional Authorization header, a timeout on every
 * call. Writes send the idempotency key as the `Idempotency-Key` header. Replies are checked
 * field by field; anything else is WMS_BAD_REPLY.
 */
import { WmsError, type Assignment, type ConnectorConfig, type ReferenceData, type Reply, type ValidateResult, type WmsConnector } from './types.ts';
import { asAssignment, asReference, isObj } from './shapes.ts';

export class RestConnector implements WmsConnector {
  readonly kind = 'rest' as const;
  private readonly base: string;
  constructor(private readonly cfg: ConnectorConfig) {
    this.base = cfg.wmsUrl.replace(/\/+$/, '');
  }

  private async call(method: 'GET' | 'POST', path: string, siteId: string, body?: unknown, key?: string): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-site-id': siteId };
    if (this.cfg.wmsAuthHeader) headers.authorization = this.cfg.wmsAuthHeader;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key) headers['idempotency-key'] = key;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method, headers, signal: AbortSignal.timeout(this.cfg.wmsTimeoutMs), ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new WmsError('WMS_TIMEOUT', `no reply from ${path} within ${this.cfg.wmsTimeoutMs} ms`);
      throw new WmsError('WMS_UNAVAILABLE', `cannot reach the WMS: ${(err as Error).message}`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new WmsError((err as Error).name === 'TimeoutError' ? 'WMS_TIMEOUT' : 'WMS_UNAVAILABLE', `reply of ${path} broke off: ${(err as Error).message}`);
    }
    let json: unknown = null;
    if (text) {
      try { json = JSON.parse(text); } catch { throw new WmsError('WMS_BAD_REPLY', `reply of ${path} is not valid JSON (status ${res.status})`); }
    }
    if (res.status >= 500 || res.status === 429 || res.status === 401 || res.status === 403 || res.status === 408) {
      throw new WmsError('WMS_UNAVAILABLE', `WMS answered ${res.status} to ${path}`, res.status);
    }
    if (res.status >= 400) {
      const e = isObj(json) && isObj(json.error) ? json.error : {};
      throw new WmsError('WMS_REJECTED', `WMS refused ${path}: ${typeof e.code === 'string' ? e.code : res.status} ${typeof e.message === 'string' ? e.message : ''}`.trim(), res.status);
    }
    return { status: res.status, json };
  }

  private static warning(json: unknown): { warning?: string } {
    return isObj(json) && typeof json.warning === 'string' && json.warning ? { warning: json.warning } : {};
  }

  async validateOperator(siteId: string, operatorId: string, pin: string): Promise<Reply<ValidateResult>> {
    const { json } = await this.call('POST', '/api/v1/operators/validate', siteId, { operatorId, pin });
    if (!isObj(json) || typeof json.valid !== 'boolean') throw new WmsError('WMS_BAD_REPLY', 'validate reply has no "valid"');
    if (!json.valid) {
      const reason = json.reason === 'unknown' || json.reason === 'inactive' ? json.reason : 'bad-pin';
      return { value: { valid: false, reason }, ...RestConnector.warning(json) };
    }
    const op = json.operator;
    if (!isObj(op) || typeof op.name !== 'string') throw new WmsError('WMS_BAD_REPLY', 'validate reply has no operator');
    return {
      value: { valid: true, operator: { externalId: operatorId, name: op.name, language: op.language === 'ru' ? 'ru' : 'en' } },
      ...RestConnector.warning(json),
    };
  }

  async getNextAssignment(siteId: string, operatorId: string): Promise<Reply<Assignment | null>> {
    const { status, json } = await this.call('GET', `/api/v1/operators/${encodeURIComponent(operatorId)}/assignment`, siteId);
    if (status === 204) return { value: null };
    if (!isObj(json)) throw new WmsError('WMS_BAD_REPLY', 'assignment reply is not an object');
    return { value: asAssignment(json.assignment), ...RestConnector.warning(json) };
  }

  async confirmPick(siteId: string, r: { idempotencyKey: string; operatorId: string; assignmentId: string; lineId: string; quantity: number }): Promise<Reply<null>> {
    const { json } = await this.call('POST', '/api/v1/picks', siteId, { operatorId: r.operatorId, assignmentId: r.assignmentId, lineId: r.lineId, quantity: r.quantity }, r.idempotencyKey);
    return { value: null, ...RestConnector.warning(json) };
  }

  async reportShort(siteId: string, r: { idempotencyKey: string; operatorId: string; assignmentId: string; lineId: string; quantity: number; expected: number; reasonCode: string }): Promise<Reply<null>> {
    const { json } = await this.call('POST', '/api/v1/shorts', siteId, {
      operatorId: r.operatorId, assignmentId: r.assignmentId, lineId: r.lineId, quantity: r.quantity, expected: r.expected, reasonCode: r.reasonCode,
    }, r.idempotencyKey);
    return { value: null, ...RestConnector.warning(json) };
  }

  async completeAssignment(siteId: string, r: { idempotencyKey: string; operatorId: string; assignmentId: string }): Promise<Reply<null>> {
    const { json } = await this.call('POST', `/api/v1/assignments/${encodeURIComponent(r.assignmentId)}/complete`, siteId, { operatorId: r.operatorId }, r.idempotencyKey);
    return { value: null, ...RestConnector.warning(json) };
  }

  async getReferenceData(siteId: string): Promise<Reply<ReferenceData>> {
    const { json } = await this.call('GET', '/api/v1/reference', siteId);
    return { value: asReference(json) };
  }

  async close(): Promise<void> { /* fetch keeps no connections we own */ }
}
