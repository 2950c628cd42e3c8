/**
 * The simulator's HTTP side: the REST/JSON WMS API the REST connector speaks, the ground truth
 * (operators with PINs, assignments with every line's answers, received confirmations) and the
 * fault-injection control. Routes and shapes: docs/wms.md.
 */
import http from 'node:http';
import type { SimCore, Faults, WriteOp } from './sim.ts';

const MAX_BODY = 64 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class HttpFail extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let size = 0; const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { reject(new HttpFail(413, 'TOO_LARGE', 'body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text) { resolve({}); return; }
      try {
        const v: unknown = JSON.parse(text);
        if (!v || typeof v !== 'object' || Array.isArray(v)) { reject(new HttpFail(400, 'BAD_BODY', 'body must be a JSON object')); return; }
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new HttpFail(400, 'BAD_JSON', 'body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

const str = (v: unknown, name: string): string => {
  if (typeof v === 'string' && v.length > 0 && v.length <= 200) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new HttpFail(400, 'BAD_FIELD', `field "${name}" must be a non-empty string`);
};
const int = (v: unknown, name: string): number => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new HttpFail(400, 'BAD_FIELD', `field "${name}" must be a whole number`);
};

export function createSimHttpServer(sim: SimCore, opts: { token?: string }): http.Server {
  return http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      const p = url.pathname;
      try {
        if (p === '/healthz') return send(200, { ok: true });
        if (p.startsWith('/truth/') || p.startsWith('/control/')) return await truthAndControl(sim, req, url, send);
        if (!p.startsWith('/api/v1/')) throw new HttpFail(404, 'NOT_FOUND', 'no such route');
        if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) throw new HttpFail(401, 'UNAUTHENTICATED', 'missing or wrong token');
        if (sim.faults.latencyMs) await sleep(sim.faults.latencyMs);
        if (sim.failNow()) throw new HttpFail(503, 'UNAVAILABLE', 'host unavailable (injected)');
        if (sim.takeMalformed('http')) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"assignment": [unterminated'); return; }
        await api(sim, req, p, send);
      } catch (err) {
        if (err instanceof HttpFail) send(err.status, { error: { code: err.code, message: err.message } });
        else send(500, { error: { code: 'INTERNAL', message: String(err) } });
      }
    })();
  });
}

async function api(sim: SimCore, req: http.IncomingMessage, p: string, send: (s: number, b?: unknown) => void): Promise<void> {
  const m = req.method ?? 'GET';
  if (m === 'POST' && p === '/api/v1/operators/validate') {
    const b = await readJson(req);
    return send(200, sim.validate(str(b.operatorId, 'operatorId'), str(b.pin, 'pin')));
  }
  let mm = /^\/api\/v1\/operators\/([^/]+)\/assignment$/.exec(p);
  if (m === 'GET' && mm) {
    const a = sim.nextAssignment(decodeURIComponent(mm[1]!));
    return a ? send(200, { assignment: a }) : send(204);
  }
  if (m === 'GET' && p === '/api/v1/reference') return send(200, sim.warehouse.reference());
  const key = req.headers['idempotency-key'];
  const write = async (op: WriteOp, assignmentId?: string) => {
    if (typeof key !== 'string' || !key) throw new HttpFail(400, 'NO_KEY', 'Idempotency-Key header missing');
    const b = await readJson(req);
    const outcome = sim.write(op, key, {
      operatorId: str(b.operatorId, 'operatorId'),
      assignmentId: assignmentId ?? str(b.assignmentId, 'assignmentId'),
      ...(op !== 'completeAssignment' ? { lineId: str(b.lineId, 'lineId'), quantity: int(b.quantity, 'quantity') } : {}),
      ...(op === 'reportShort' ? { reasonCode: str(b.reasonCode, 'reasonCode') } : {}),
    }, 'http');
    if (!outcome.ok) throw new HttpFail(422, outcome.code, outcome.message);
    send(200, { status: 'ok', duplicate: outcome.duplicate });
  };
  if (m === 'POST' && p === '/api/v1/picks') return write('confirmPick');
  if (m === 'POST' && p === '/api/v1/shorts') return write('reportShort');
  mm = /^\/api\/v1\/assignments\/([^/]+)\/complete$/.exec(p);
  if (m === 'POST' && mm) return write('completeAssignment', decodeURIComponent(mm[1]!));
  throw new HttpFail(404, 'NOT_FOUND', 'no such route');
}

async function truthAndControl(sim: SimCore, req: http.IncomingMessage, url: URL, send: (s: number, b?: unknown) => void): Promise<void> {
  const p = url.pathname;
  if (p === '/truth/operators') return send(200, sim.warehouse.operators);
  if (p === '/truth/assignments') {
    const count = Math.min(1000, Math.max(1, Number(url.searchParams.get('count') ?? (sim.assignmentsPerOperator || 5)) || 5));
    const only = url.searchParams.get('operator');
    const ops = only ? [only] : sim.warehouse.operators.map((o) => o.id);
    return send(200, ops.flatMap((o) => sim.assignments(o, count)));
  }
  if (p === '/truth/confirmations') return send(200, [...sim.receipts.values()]);
  if (p === '/truth/warehouse') return send(200, sim.warehouse.reference());
  if (p === '/control/faults' && req.method === 'GET') return send(200, sim.faults);
  if (p === '/control/faults' && req.method === 'POST') {
    const b = await readJson(req);
    const allowed: (keyof Faults)[] = ['latencyMs', 'failRate', 'down', 'lutError', 'malformed'];
    const patch: Partial<Faults> = {};
    for (const k of allowed) if (k in b) (patch as Record<string, unknown>)[k] = b[k];
    return send(200, sim.setFaults(patch));
  }
  throw new HttpFail(404, 'NOT_FOUND', 'no such route');
}
