/**
 * REST/JSON connector (docs/wms.md): base URL, optional Authorization header, a timeout on every
 * call. Writes send the idempotency key as the `Idempotency-Key` header. Replies are checked
 * field by field; anything else is WMS_BAD_REPLY.
 */
import http from 'node:http';
import https from 'node:https';
import { WmsError, type Assignment, type ConnectorConfig, type ReferenceData, type Reply, type ValidateResult, type WmsConnector } from './types.ts';
import { asAssignment, asReference, isObj } from './shapes.ts';

const MAX_REPLY = 8 * 1024 * 1024;

export class RestConnector implements WmsConnector {
  readonly kind = 'rest' as const;
  private readonly base: string;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32 });
  constructor(private readonly cfg: ConnectorConfig) {
    this.base = cfg.wmsUrl.replace(/\/+$/, '');
  }

  /** One HTTP exchange over the keep-alive agent, bounded by the timeout (connect + whole reply). */
  private send(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${this.base}${path}`);
      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent });
      const timer = setTimeout(() => req.destroy(new WmsError('WMS_TIMEOUT', `no reply from ${path} within ${this.cfg.wmsTimeoutMs} ms`)), this.cfg.wmsTimeoutMs);
      req.on('error', (err) => { clearTimeout(timer); reject(err); });
      req.on('response', (res) => {
        const chunks: Buffer[] = []; let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_REPLY) req.destroy(new WmsError('WMS_BAD_REPLY', `reply of ${path} larger than ${MAX_REPLY} bytes`));
          else chunks.push(c);
        });
        res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }); });
        res.on('error', (err) => { clearTimeout(timer); reject(err); });
      });
      req.end(body);
    });
  }

  private async call(method: 'GET' | 'POST', path: string, siteId: string, body?: unknown, key?: string): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-site-id': siteId };
    if (this.cfg.wmsAuthHeader) headers.authorization = this.cfg.wmsAuthHeader;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key) headers['idempotency-key'] = key;
    let res: { status: number; text: string };
    try {
      res = await this.send(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
    } catch (err) {
      if (err instanceof WmsError) throw err;
      throw new WmsError('WMS_UNAVAILABLE', `cannot reach the WMS: ${(err as Error).message}`);
    }
    const text = res.text;
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

  async close(): Promise<void> {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
