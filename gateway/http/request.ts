/**
 * What a handler may know about a request. uWS's HttpRequest is valid only until the first
 * `await` or return, so everything is copied out synchronously here.
 */
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';

export interface RequestInfo {
  method: string;
  path: string;
  query: URLSearchParams;
  cookie: string;
  contentType: string;
  origin: string;
  host: string;
  csrfToken: string;
  userAgent: string;
  /** Client address: the socket's, or X-Forwarded-For's first hop when the proxy is trusted. */
  ip: string;
  /** Came over TLS (or via a trusted proxy that says https). */
  secure: boolean;
}

export interface CaptureOptions { trustProxy: boolean; tls?: boolean }

export function captureRequest(res: HttpResponse, req: HttpRequest, opts: CaptureOptions): RequestInfo {
  const fwdProto = req.getHeader('x-forwarded-proto');
  const fwdFor = req.getHeader('x-forwarded-for');
  const socketIp = Buffer.from(res.getRemoteAddressAsText()).toString();
  const ip = opts.trustProxy && fwdFor ? fwdFor.split(',')[0]!.trim() : socketIp;
  return {
    method: req.getCaseSensitiveMethod().toUpperCase(),
    path: req.getUrl(),
    query: new URLSearchParams(req.getQuery() ?? ''),
    cookie: req.getHeader('cookie'),
    contentType: req.getHeader('content-type'),
    origin: req.getHeader('origin'),
    host: req.getHeader('host'),
    csrfToken: req.getHeader('x-csrf-token'),
    userAgent: req.getHeader('user-agent').slice(0, 200),
    ip,
    secure: Boolean(opts.tls) || (opts.trustProxy && fwdProto.split(',')[0]!.trim() === 'https'),
  };
}
