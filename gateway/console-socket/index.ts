/**
 * The /v1/console WebSocket: a signed-in browser (session cookie, same origin) subscribes to
 * `floor/<siteId>` and `session/<sessionId>` topics of its own sites and receives turns and
 * session changes live, after a replay of what it missed (docs/api.md#console-socket).
 */
import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import type { Logger } from 'pino';
import type { Pool } from '../../db/index.ts';
import type { Config } from '../config/index.ts';
import { principalFromCookie, sameOrigin } from '../api/index.ts';
import { ConsoleHub, send, type SocketData } from './hub.ts';
import { parseClientMessage, parseTopic } from './protocol.ts';
import type { LiveSource } from './source.ts';
import { startDbLiveSource, type DbLiveSource } from './db-source.ts';
import { ConsoleClose } from './types.ts';

export type { LiveSource, SessionChange } from './source.ts';
export { startDbLiveSource, type DbLiveSource } from './db-source.ts';
export type { ConsoleClientMessage, ConsoleServerMessage, LiveTurn, LiveSession } from './types.ts';
export { ConsoleClose } from './types.ts';

export interface ConsoleSocketDeps {
  pool: Pool;
  logger: Logger;
  cfg: Config['console'];
  /** Live data, one per gateway. Omit it to have one started here from `databaseUrl` (db-source.ts). */
  source?: LiveSource;
  databaseUrl?: string;
  path?: string;
}

export interface ConsoleSocket {
  /** Highest turn id already fanned out: the cursor a snapshot should carry (pass to mountApi). */
  position(): number;
  /** Closes every console socket (4000: reconnect) and the live source it started. */
  close(): Promise<void>;
  stats(): ReturnType<ConsoleHub['stats']> & { sockets: number };
}

const MAX_TOPICS = 20;

export async function mountConsoleSocket(app: TemplatedApp, deps: ConsoleSocketDeps): Promise<ConsoleSocket> {
  const log = deps.logger;
  let owned: DbLiveSource | null = null;
  if (!deps.source) {
    if (!deps.databaseUrl) throw new Error('mountConsoleSocket needs a source or a databaseUrl');
    owned = await startDbLiveSource({ pool: deps.pool, databaseUrl: deps.databaseUrl, logger: log });
  }
  const source = deps.source ?? owned!;
  const sockets = new Set<WebSocket<SocketData>>();
  const hub = new ConsoleHub(app, deps.pool, source, log, {
    catchupMax: deps.cfg.catchupMax, maxBackpressureBytes: deps.cfg.socketMaxBackpressureBytes, maxTopicsPerSocket: MAX_TOPICS,
  }, () => sockets);

  app.ws<SocketData>(deps.path ?? '/v1/console', {
    maxPayloadLength: 4096,
    idleTimeout: 60,
    sendPingsAutomatically: true,
    maxBackpressure: deps.cfg.socketMaxBackpressureBytes,
    // a browser too slow to read its live stream is closed (4003 is not sent then: it sees 1006)
    // and reconnects from its cursor rather than silently missing turns
    closeOnBackpressureLimit: 1,

    upgrade: (res, req, context) => {
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      const cookie = req.getHeader('cookie');
      const origin = req.getHeader('origin');
      const host = req.getHeader('host');
      let aborted = false;
      res.onAborted(() => { aborted = true; });
      if (!sameOrigin({ origin, host })) {
        res.cork(() => res.writeStatus('403 Forbidden').writeHeader('Content-Type', 'application/json')
          .end(JSON.stringify({ error: { code: 'FORBIDDEN', message: 'console socket from another origin' } })));
        return;
      }
      principalFromCookie(deps.pool, cookie).then((principal) => {
        if (aborted) return;
        if (!principal) {
          res.cork(() => res.writeStatus('401 Unauthorized').writeHeader('Content-Type', 'application/json')
            .end(JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'sign in first' } })));
          return;
        }
        res.cork(() => res.upgrade<SocketData>({ principal, closed: false, topics: new Set() }, key, protocol, extensions, context));
      }, (err: unknown) => {
        log.error({ err }, 'console socket authentication failed');
        if (!aborted) res.cork(() => res.writeStatus('503 Service Unavailable').end());
      });
    },

    open: (ws) => {
      sockets.add(ws);
      send(ws, { type: 'ready', userId: ws.getUserData().principal.user.id, position: hub.position() });
    },

    message: (ws, message, isBinary) => {
      if (isBinary) { protocolError(ws, 'BAD_MESSAGE', 'binary messages are not used on the console socket'); return; }
      const parsed = parseClientMessage(Buffer.from(message).toString('utf8'));
      if (!parsed.ok) { protocolError(ws, parsed.code, parsed.detail); return; }
      const msg = parsed.msg;
      if (msg.type === 'ping') { send(ws, { type: 'pong', t: msg.t, serverTime: Date.now() }); return; }
      const topic = parseTopic(msg.topic);
      if (msg.type === 'unsubscribe') { hub.unsubscribe(ws, topic.name); return; }
      const data = ws.getUserData();
      void hub.authorize(data.principal, topic).then(async (ok) => {
        if (data.closed) return;
        if (!ok) { send(ws, { type: 'error', code: 'NOT_FOUND', message: 'no such topic (or not one of your sites)', topic: topic.name }); return; }
        await hub.subscribe(ws, topic, msg.after);
      }).catch((err: unknown) => {
        log.error({ err, topic: topic.name }, 'console subscription failed');
        data.topics.delete(topic.name);
        send(ws, { type: 'error', code: 'INTERNAL', message: 'subscription failed; retry', topic: topic.name });
      });
    },

    drain: () => undefined,

    close: (ws) => {
      ws.getUserData().closed = true;
      sockets.delete(ws);
    },
  });

  function protocolError(ws: WebSocket<SocketData>, code: string, detail: string): void {
    send(ws, { type: 'error', code, message: detail });
    ws.end(ConsoleClose.PROTOCOL_ERROR, code);
  }

  return {
    position: () => source.position(),
    async close() {
      for (const ws of [...sockets]) ws.end(ConsoleClose.SERVER_SHUTDOWN, 'server shutting down');
      await owned?.close();
    },
    stats: () => ({ ...hub.stats(), sockets: sockets.size }),
  };
}
export { mountConsole, type ConsoleDeps } from './mount-console.ts';
