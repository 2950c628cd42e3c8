/**
 * Wiring: the only place that puts db/, asr/, dialog-engine/ and the gateway's own parts together.
 * `startGateway` brings up the database (embedded when DATABASE_URL is unset), migrations, the
 * turn logger, the device and console sockets, the HTTP API and static files, and listens.
 * `close()` is the graceful shutdown: stop accepting, tell devices to reconnect (4000), flush.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import uWS from 'uWebSockets.js';
import {
  createPool, migrate, migrationsCurrent, startEmbeddedPostgres, TurnLogger, startPartitionMaintenance,
  type Pool,
} from '../db/index.ts';
import type { Config } from './config/index.ts';
import { createLogger, type Logger } from './logger.ts';
import { GatewayMetrics } from './metrics.ts';
import { loadServerSecret } from './secret.ts';
import { mountStatic } from './static.ts';
import { mountConsole } from './console-socket/index.ts';
import { DeviceStore } from './device/store.ts';
import { SessionRegistry, type ConversationFactory } from './device/registry.ts';
import { DeviceSocketServer } from './device/socket.ts';
import { wireConversations } from './wiring.ts';
import { provisionDemo, type DemoInfo } from './demo.ts';
import { connectRedisCluster, singleNode } from './cluster.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RunningGateway {
  port: number;
  url: string;
  pool: Pool;
  databaseUrl: string;
  serverSecret: string;
  metrics: GatewayMetrics;
  log: Logger;
  /** Set when the in-process WMS simulator runs (no WMS configured). */
  wmsUrl: string | null;
  demo: DemoInfo | null;
  close(): Promise<void>;
}

export interface GatewayOptions {
  logger?: Logger;
  /** Overrides the conversation a session runs (default: echo until a dialog is wired). */
  createConversation?: ConversationFactory;
}

export async function startGateway(cfg: Config, opts: GatewayOptions = {}): Promise<RunningGateway> {
  const c = cfg.core;
  const log = opts.logger ?? createLogger(c.logLevel, { node: c.nodeId });
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) {
      await fn().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
    }
  };
  try {
    // Database
    let databaseUrl = c.databaseUrl;
    if (!databaseUrl) {
      const dataDir = path.resolve(c.dataDir, 'pg');
      log.info({ dataDir, port: c.embeddedPgPort }, 'DATABASE_URL unset: starting embedded PostgreSQL');
      const pgLog = log.child({ component: 'embedded-postgres' });
      const embedded = await startEmbeddedPostgres({ dataDir, port: c.embeddedPgPort, onLog: (line) => pgLog.debug({ line }, 'postgres') });
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const pool = createPool({
      connectionString: databaseUrl, max: 10, applicationName: `voiceman-gateway ${c.nodeId}`,
      onError: (err) => log.warn({ err }, 'idle database connection lost'),
    });
    cleanups.push(() => pool.end());
    const mig = await migrate(pool);
    if (mig.applied.length) log.info({ applied: mig.applied, current: mig.current }, 'migrations applied');
    const stopPartitions = startPartitionMaintenance(pool, { monthsAhead: 2, logger: log.child({ component: 'partitions' }) });
    cleanups.push(async () => stopPartitions());

    const serverSecret = c.serverSecret || (await loadServerSecret(path.resolve(c.dataDir)));
    const metrics = new GatewayMetrics({ node: c.nodeId });

    // Turn log
    const spoolDir = path.resolve(c.dataDir, 'spool');
    await mkdir(spoolDir, { recursive: true });
    const turns = new TurnLogger({
      pool, spoolDir, batchSize: c.turnBatchSize, flushMs: c.turnFlushMs, queueMax: c.turnQueueMax,
      logger: log.child({ component: 'turn-logger' }),
    });
    await turns.start();
    cleanups.push(() => turns.close());
    metrics.gauge('voiceman_turn_queue_depth', 'Turns waiting to be written', () => turns.stats().queued);
    metrics.gauge('voiceman_turns_written', 'Turns written to PostgreSQL since start', () => turns.stats().written);
    metrics.gauge('voiceman_turns_spooled', 'Turns written to the spool file since start', () => turns.stats().spooled);

    // Device sessions; with Redis, several nodes agree on who holds a device
    let releaseDevice: (deviceId: string) => Promise<void> = async () => undefined;
    let revokeHere: (deviceId: string) => void = () => undefined;
    const cluster = c.redisUrl
      ? await connectRedisCluster({ url: c.redisUrl, nodeId: c.nodeId, log: log.child({ component: 'cluster' }), release: (id) => releaseDevice(id), revoke: (id) => revokeHere(id) })
      : singleNode;
    cleanups.push(() => cluster.close());
    const store = new DeviceStore(pool, log.child({ component: 'device-store' }));
    cleanups.push(() => store.close());
    const wiring = await wireConversations(cfg, { pool, log, metrics, store });
    cleanups.push(() => wiring.close());
    const registry = new SessionRegistry({
      nodeId: c.nodeId, resumeGraceMs: c.resumeGraceMs, maxUnacked: 1000, store, metrics,
      log: log.child({ component: 'session' }),
      persistence: {
        logTurn: (turn) => { metrics.turnsQueued.inc({ kind: turn.kind }); turns.log(turn); },
        saveState: (id, envelope, lastSeq) => turns.logState(id, envelope, lastSeq),
      },
      createConversation: opts.createConversation ?? wiring.createConversation,
      defaultSettings: { language: cfg.dialog.defaultLanguage, ttsRate: 1, ttsVolume: 1, ackEveryMs: 1000 },
      cluster,
    });
    cleanups.push(() => registry.shutdown());
    const devices = new DeviceSocketServer({
      helloTimeoutMs: c.helloTimeoutMs, maxPayloadBytes: c.maxPayloadBytes, maxMessagesPerSecond: c.maxMessagesPerSecond,
      idleTimeoutS: c.idleTimeoutS, maxBackpressureBytes: c.maxBackpressureBytes, slowConsumerMs: c.slowConsumerMs, serverSecret,
    }, { registry, store, cluster, metrics, log: log.child({ component: 'device-socket' }) });
    releaseDevice = async (deviceId) => {
      devices.kick(deviceId);
      const session = registry.forDevice(deviceId);
      if (session) await registry.release(session);
      await turns.flush();
    };
    metrics.gauge('voiceman_event_loop_utilization', 'Event-loop utilisation since the last scrape (0-1)', eluReader());

    // HTTP
    const app = uWS.App();
    app.get('/healthz', (res) => { res.writeHeader('Content-Type', 'application/json').end('{"status":"ok"}'); });
    app.get('/readyz', (res) => {
      let aborted = false;
      res.onAborted(() => { aborted = true; });
      migrationsCurrent(pool).then((ok) => ({ ok, error: ok ? undefined : 'migrations not current' }),
        (err: unknown) => ({ ok: false, error: `database unreachable: ${(err as Error).message}` }))
        .then(({ ok, error }) => {
          if (aborted) return;
          res.cork(() => {
            res.writeStatus(ok ? '200 OK' : '503 Service Unavailable').writeHeader('Content-Type', 'application/json')
              .end(JSON.stringify(ok ? { status: 'ready' } : { status: 'not ready', error }));
          });
        });
    });
    app.get('/metrics', (res) => {
      let aborted = false;
      res.onAborted(() => { aborted = true; });
      metrics.text().then((body) => {
        if (!aborted) res.cork(() => res.writeHeader('Content-Type', metrics.contentType).end(body));
      }, (err: unknown) => {
        log.error({ err }, 'metrics collection failed');
        if (!aborted) res.cork(() => res.writeStatus('500 Internal Server Error').end());
      });
    });
    devices.mount(app, '/v1/device');
    revokeHere = (deviceId: string): void => {
      devices.kick(deviceId, 'DEVICE_REVOKED');
      const session = registry.forDevice(deviceId);
      if (session) registry.finish(session, 'revoked');
    };
    const onDeviceRevoked = (deviceId: string): void => { revokeHere(deviceId); cluster.revoked(deviceId); };
    cleanups.push((await mountConsole(app, { pool, databaseUrl, serverSecret, cfg, log, onDeviceRevoked, voice: wiring.voice })).close);
    const staticRoot = c.staticDir || ROOT;
    const consoleFiles = await mountStatic(app, 'console', path.join(staticRoot, 'console', 'dist'));
    const deviceFiles = await mountStatic(app, 'device', path.join(staticRoot, 'android-shell', 'web', 'dist'));
    app.get('/', (res) => { res.writeStatus('302 Found').writeHeader('Location', '/console/').end(); });

    const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
      app.listen(c.host, c.port, (s) => (s ? resolve(s) : reject(new Error(`cannot listen on ${c.host}:${c.port} (port in use?)`))));
    });
    const port = uWS.us_socket_local_port(listenSocket);
    log.info({ port, consoleFiles, deviceFiles }, 'gateway listening');
    const demo = wiring.wmsSim && c.demo ? await provisionDemo(pool, serverSecret, wiring.wmsSim, port) : null;

    let closed = false;
    return {
      port, url: `http://127.0.0.1:${port}`, pool, databaseUrl, serverSecret, metrics, log, demo,
      wmsUrl: wiring.wmsSim?.url ?? null,
      async close() {
        if (closed) return;
        closed = true;
        uWS.us_listen_socket_close(listenSocket);
        devices.closeAll();
        await cleanup();
        log.info('gateway stopped');
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function eluReader(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(now, last);
    last = now;
    return d.utilization;
  };
}
