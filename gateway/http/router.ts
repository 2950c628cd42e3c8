/**
 * A tiny router: `GET /sites/:siteId/devices` style patterns, matched segment by segment.
 * `serve` mounts it on a uWS app under a prefix: it copies the request out synchronously, starts
 * reading the body (POST/PUT/PATCH/DELETE; the route's own size limit, else the server's), runs the
 * handler and writes its reply or error.
 */
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { Logger } from 'pino';
import { ApiError } from '../errors.ts';
import { captureRequest, type RequestInfo } from './request.ts';
import { readBody, type BodyResult } from './body.ts';
import { Responder, type Header } from './reply.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Reply {
  status?: number;
  /** JSON body (ignored for 204). */
  body?: unknown;
  /** A non-JSON body, e.g. an SVG. */
  raw?: { contentType: string; data: string | Buffer };
  headers?: Header[];
}

export interface HandlerInput {
  req: RequestInfo;
  params: Record<string, string>;
  /** The raw body (empty for GET). */
  body: Buffer;
}

export type Handler = (input: HandlerInput) => Promise<Reply>;

/** Per-route options: a larger body limit than the server's (e.g. audio uploads). */
export interface RouteOptions { maxBodyBytes?: number }

interface Route { method: Method; segments: string[]; handler: Handler; maxBodyBytes?: number }

export class Router {
  private readonly routes: Route[] = [];

  add(method: Method, pattern: string, handler: Handler, opts: RouteOptions = {}): this {
    this.routes.push({ method, segments: split(pattern), handler, ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}) });
    return this;
  }
  get(p: string, h: Handler): this { return this.add('GET', p, h); }
  post(p: string, h: Handler, o?: RouteOptions): this { return this.add('POST', p, h, o); }
  put(p: string, h: Handler, o?: RouteOptions): this { return this.add('PUT', p, h, o); }
  patch(p: string, h: Handler, o?: RouteOptions): this { return this.add('PATCH', p, h, o); }
  delete(p: string, h: Handler): this { return this.add('DELETE', p, h); }

  /** The route for a method and path, a 405 marker if only the method is wrong, or null. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string>; maxBodyBytes?: number } | 'method' | null {
    const segs = split(path);
    let pathMatched = false;
    for (const r of this.routes) {
      const params = matchSegments(r.segments, segs);
      if (!params) continue;
      if (r.method === method) return { handler: r.handler, params, ...(r.maxBodyBytes !== undefined ? { maxBodyBytes: r.maxBodyBytes } : {}) };
      pathMatched = true;
    }
    return pathMatched ? 'method' : null;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: string[], segs: string[]): Record<string, string> | null {
  if (pattern.length !== segs.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segs[i]!;
    if (p.startsWith(':')) {
      let v: string;
      try {
        v = decodeURIComponent(s);
      } catch {
        return null; // malformed escape: no route matches it (404)
      }
      params[p.slice(1)] = v;
    } else if (p !== s) {
      return null;
    }
  }
  return params;
}

export interface ServeOptions {
  prefix: string;
  maxBodyBytes: number;
  trustProxy: boolean;
  tls?: boolean;
  logger: Logger;
}

/** Mounts the router on `app` under `prefix`; returns a function telling how many requests are running. */
export function serve(app: TemplatedApp, router: Router, opts: ServeOptions): { inFlight(): number } {
  let inFlight = 0;
  const handle = (res: HttpResponse, req: HttpRequest): void => {
    const responder = new Responder(res);
    const info = captureRequest(res, req, { trustProxy: opts.trustProxy, tls: opts.tls });
    const path = info.path.slice(opts.prefix.length) || '/';
    const route = router.match(info.method, path);
    const hasBody = info.method !== 'GET' && info.method !== 'HEAD';
    // a route may allow a larger body (voice takes); every other request keeps the server's limit
    const limit = typeof route === 'object' && route !== null && route.maxBodyBytes !== undefined ? route.maxBodyBytes : opts.maxBodyBytes;
    const body: Promise<BodyResult> = hasBody
      ? readBody(res, responder, limit)
      : Promise.resolve({ ok: true, data: Buffer.alloc(0) });
    inFlight++;
    void (async () => {
      try {
        if (route === null) throw new ApiError('NOT_FOUND', `no such endpoint: ${info.method} ${info.path}`);
        if (route === 'method') throw new ApiError('METHOD_NOT_ALLOWED');
        const b = await body;
        if (!b.ok) {
          if (b.reason === 'aborted') return;
          throw new ApiError('PAYLOAD_TOO_LARGE', `request body is larger than ${limit} bytes`);
        }
        const reply = await route.handler({ req: info, params: route.params, body: b.data });
        if (reply.raw) responder.send(reply.status ?? 200, reply.raw.contentType, reply.raw.data, reply.headers);
        else responder.json(reply.status ?? (reply.body === undefined ? 204 : 200), reply.body ?? null, reply.headers);
      } catch (err) {
        if (err instanceof ApiError) {
          // a too-large body is not read further: close the connection after answering
          responder.error(err, [], err.code === 'PAYLOAD_TOO_LARGE');
          return;
        }
        opts.logger.error({ err, method: info.method, path: info.path }, 'api handler failed');
        responder.error(new ApiError('INTERNAL'));
      } finally {
        inFlight--;
      }
    })();
  };
  app.any(opts.prefix, handle);
  app.any(`${opts.prefix}/*`, handle);
  return { inFlight: () => inFlight };
}
