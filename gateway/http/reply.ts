/**
 * Writing responses on uWS: every response is written once, corked, and never after the client
 * went away (uWS requires `onAborted` for any response finished asynchronously).
 */
import type { HttpResponse } from 'uWebSockets.js';
import { ApiError } from '../errors.ts';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 302: 'Found', 304: 'Not Modified',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

export type Header = readonly [string, string];

export class Responder {
  private aborted = false;
  private done = false;
  private readonly abortHandlers: Array<() => void> = [];

  constructor(private readonly res: HttpResponse) {
    res.onAborted(() => {
      this.aborted = true;
      for (const h of this.abortHandlers) h();
    });
  }

  get isOpen(): boolean { return !this.aborted && !this.done; }
  onAbort(fn: () => void): void { this.abortHandlers.push(fn); }

  /** Writes a full response; a no-op if the client is gone or a response was already sent. */
  send(status: number, contentType: string | null, body: string | Buffer, headers: readonly Header[] = [], closeConnection = false): void {
    if (!this.isOpen) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(`${status} ${STATUS_TEXT[status] ?? 'Status'}`);
      if (contentType) this.res.writeHeader('Content-Type', contentType);
      this.res.writeHeader('Cache-Control', 'no-store');
      this.res.writeHeader('X-Content-Type-Options', 'nosniff');
      for (const [k, v] of headers) this.res.writeHeader(k, v);
      this.res.end(body, closeConnection);
    });
  }

  json(status: number, body: unknown, headers: readonly Header[] = []): void {
    if (status === 204) { this.send(204, null, '', headers); return; }
    this.send(status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
  }

  error(err: ApiError, headers: readonly Header[] = [], closeConnection = false): void {
    if (!this.isOpen) return;
    this.done = true;
    const body = JSON.stringify(err.toJSON());
    this.res.cork(() => {
      this.res.writeStatus(`${err.status} ${STATUS_TEXT[err.status] ?? 'Error'}`);
      this.res.writeHeader('Content-Type', 'application/json; charset=utf-8');
      this.res.writeHeader('Cache-Control', 'no-store');
      for (const [k, v] of headers) this.res.writeHeader(k, v);
      this.res.end(body, closeConnection);
    });
  }
}
