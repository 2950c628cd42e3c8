/**
 * Reads a request body with a size limit. Must be called before the handler first awaits
 * (uWS delivers data only to a handler attached synchronously). Never rejects: the result says
 * whether the body is complete, too large (answer PAYLOAD_TOO_LARGE) or the client went away.
 */
import type { HttpResponse } from 'uWebSockets.js';
import type { Responder } from './reply.ts';

export type BodyResult =
  | { ok: true; data: Buffer }
  | { ok: false; reason: 'too-large' | 'aborted' };

export function readBody(res: HttpResponse, responder: Responder, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (r: BodyResult): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    responder.onAbort(() => settle({ ok: false, reason: 'aborted' }));
    res.onData((chunk, isLast) => {
      if (settled) return;
      size += chunk.byteLength;
      if (size > limit) { settle({ ok: false, reason: 'too-large' }); return; }
      // the ArrayBuffer is neutered after this callback: copy it
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) settle({ ok: true, data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
    });
  });
}
