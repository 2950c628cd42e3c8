/**
 * The device WebSocket endpoint (/v1/device) on uWebSockets.js: per-connection limits, the hello
 * handshake, routing of validated messages and audio frames to the session, backpressure.
 *
 * uWS rules kept here: an incoming ArrayBuffer is valid only during the callback (copied before
 * any await); a socket is never touched after its close callback (`conn.closed`); `send`'s result
 * is honoured and writing resumes on `drain`.
 */
import uWS from 'uWebSockets.js';
import type { Logger } from '../logger.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { CloseCode, DeviceErrors, type DeviceErrorCode } from '../errors.ts';
import { parseDeviceMessage } from '../protocol/validate.ts';
import { DEFAULT_AUDIO, PROTOCOL_VERSION, type AudioFormat, type DeviceMessage, type HelloMsg } from '../protocol/messages.ts';
import { verifyDeviceToken } from './tokens.ts';
import type { DeviceSession, Transport } from './session.ts';
import type { SessionRegistry } from './registry.ts';
import type { DeviceStore } from './store.ts';
import type { Cluster } from '../cluster.ts';

export interface DeviceSocketOptions {
  helloTimeoutMs: number;
  maxPayloadBytes: number;
  maxMessagesPerSecond: number;
  idleTimeoutS: number;
  maxBackpressureBytes: number;
  /** A socket backed up this long without draining is closed as a slow consumer. */
  slowConsumerMs: number;
  serverSecret: string;
}

export interface DeviceSocketDeps {
  registry: SessionRegistry;
  cluster: Cluster;
  store: DeviceStore;
  metrics: GatewayMetrics;
  log: Logger;
}

interface Conn {
  id: number;
  ip: string;
  closed: boolean;
  state: 'awaiting_hello' | 'authenticating' | 'ready';
  session: DeviceSession | null;
  transport: Transport | null;
  helloTimer: NodeJS.Timeout | null;
  /** Armed when a write finds the socket backed up; cleared when it drains. */
  slowTimer: NodeJS.Timeout | null;
  windowStart: number;
  windowCount: number;
  audio: AudioFormat;
  minFrameBytes: number;
  maxFrameBytes: number;
}

type WS = uWS.WebSocket<Conn>;

let nextConnId = 1;

export class DeviceSocketServer {
  private readonly open = new Set<WS>();
  private accepting = true;

  constructor(private readonly o: DeviceSocketOptions, private readonly d: DeviceSocketDeps) {}

  mount(app: uWS.TemplatedApp, path = '/v1/device'): void {
    app.ws<Conn>(path, {
      compression: uWS.DISABLED,
      // The hard cap sits above our own limit so that we can answer an oversized message with
      // FRAME_TOO_LARGE before closing; beyond the hard cap uWS itself closes with 1009.
      maxPayloadLength: this.o.maxPayloadBytes * 4,
      idleTimeout: this.o.idleTimeoutS,
      sendPingsAutomatically: true,
      maxBackpressure: this.o.maxBackpressureBytes * 2,
      upgrade: (res, req, context) => {
        if (!this.accepting) {
          res.writeStatus('503 Service Unavailable').end('shutting down');
          return;
        }
        const ip = Buffer.from(res.getRemoteAddressAsText()).toString();
        const conn: Conn = {
          id: nextConnId++, ip, closed: false, state: 'awaiting_hello', session: null, transport: null,
          helloTimer: null, slowTimer: null, windowStart: Date.now(), windowCount: 0, audio: DEFAULT_AUDIO, minFrameBytes: 0, maxFrameBytes: 0,
        };
        res.upgrade(conn, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'),
          req.getHeader('sec-websocket-extensions'), context);
      },
      open: (ws) => {
        const conn = ws.getUserData();
        this.open.add(ws);
        this.d.metrics.connections.inc();
        conn.helloTimer = setTimeout(() => this.fail(ws, 'HELLO_TIMEOUT'), this.o.helloTimeoutMs);
      },
      message: (ws, message, isBinary) => this.onMessage(ws, message, isBinary),
      drain: (ws) => {
        const conn = ws.getUserData();
        if (ws.getBufferedAmount() > this.o.maxBackpressureBytes) return;
        if (conn.slowTimer) { clearTimeout(conn.slowTimer); conn.slowTimer = null; }
        conn.session?.onDrain();
      },
      close: (ws, code) => {
        const conn = ws.getUserData();
        conn.closed = true;
        this.open.delete(ws);
        this.d.metrics.connections.dec();
        if (conn.helloTimer) clearTimeout(conn.helloTimer);
        if (conn.slowTimer) clearTimeout(conn.slowTimer);
        const session = conn.session;
        if (session && conn.transport && session.detach(conn.transport)) {
          session.log.info({ code }, 'device disconnected; session waits for resume');
          this.d.registry.detached(session);
        }
      },
    });
  }

  get connectionCount(): number { return this.open.size; }

  private onMessage(ws: WS, message: ArrayBuffer, isBinary: boolean): void {
    const conn = ws.getUserData();
    if (conn.closed) return;
    const now = Date.now();
    if (now - conn.windowStart >= 1000) { conn.windowStart = now; conn.windowCount = 0; }
    if (++conn.windowCount > this.o.maxMessagesPerSecond) return this.fail(ws, 'RATE_LIMITED');
    if (message.byteLength > this.o.maxPayloadBytes) return this.fail(ws, 'FRAME_TOO_LARGE');

    if (isBinary) {
      if (conn.state === 'awaiting_hello') return this.fail(ws, 'AUDIO_BEFORE_HELLO');
      if (conn.state === 'authenticating') { // a device may stream right after hello
        this.d.metrics.framesDropped.inc({ reason: 'before_welcome' });
        return;
      }
      const len = message.byteLength;
      if (len % 2 !== 0 || len < conn.minFrameBytes || len > conn.maxFrameBytes) return this.fail(ws, 'BAD_AUDIO_FRAME');
      this.d.metrics.framesIn.inc();
      this.d.metrics.bytesIn.inc(len);
      // The view is valid only during this call; the conversation copies what it keeps.
      conn.session!.conversation?.onAudio(new Int16Array(message));
      return;
    }

    const parsed = parseDeviceMessage(Buffer.from(message).toString('utf8'));
    if (!parsed.ok) return this.fail(ws, parsed.code, parsed.detail);
    const msg = parsed.msg;
    this.d.metrics.messagesIn.inc({ type: msg.type });
    if (msg.type === 'hello') {
      if (conn.state !== 'awaiting_hello') return this.sendError(ws, 'DUPLICATE_HELLO');
      conn.state = 'authenticating';
      this.handleHello(ws, msg).catch((err: unknown) => {
        this.d.log.error({ err, connId: conn.id }, 'hello failed');
        this.fail(ws, 'INTERNAL');
      });
      return;
    }
    if (conn.state !== 'ready') return this.fail(ws, 'BAD_MESSAGE', `${msg.type} before welcome`);
    this.route(conn.session!, msg);
  }

  private route(session: DeviceSession, msg: Exclude<DeviceMessage, HelloMsg>): void {
    switch (msg.type) {
      case 'ack':
        session.ack(msg.seq);
        return;
      case 'text': {
        if (!session.takeCseq(msg.cseq)) return; // already taken before a reconnect
        const text = msg.text;
        if (!session.enqueue('text', () => session.conversation!.onText(text))) session.error('ASR_BUSY');
        return;
      }
      case 'event': {
        if (!session.takeCseq(msg.cseq)) return;
        const { name, value } = msg;
        if (name === 'speech_start' || name === 'speech_end') session.conversation?.onGate?.(name === 'speech_start');
        if (!session.enqueue('event', () => session.conversation!.onEvent(name, value))) session.error('ASR_BUSY');
        return;
      }
    }
  }

  private async handleHello(ws: WS, hello: HelloMsg): Promise<void> {
    const conn = ws.getUserData();
    if (hello.v !== PROTOCOL_VERSION) return this.fail(ws, 'UNSUPPORTED_VERSION', `server speaks v${PROTOCOL_VERSION}`);
    const audio = hello.audio ?? DEFAULT_AUDIO;
    const device = await this.d.store.findDevice(hello.deviceId);
    if (conn.closed) return;
    if (!device || !verifyDeviceToken(this.o.serverSecret, hello.token, device.tokenHash)) return this.fail(ws, 'AUTH_FAILED');
    if (device.revoked) return this.fail(ws, 'DEVICE_REVOKED');
    this.d.store.touchDevice(device.id, hello.appVersion, hello.model);
    // Another node may hold this device: it lets go (and flushes the session) first.
    await this.d.cluster.acquire(device.id);
    if (conn.closed) return;

    let session: DeviceSession | null = null;
    let resumed = false;
    let notFound = false;
    if (hello.resume) {
      const found = await this.d.registry.findForResume(hello.resume.sessionId, device.id);
      if (conn.closed) return;
      if (found) { session = found.session; resumed = true; } else notFound = true;
    }
    if (!session) {
      session = await this.d.registry.create(device.id, device.siteId);
      if (conn.closed) { this.d.registry.detached(session); return; }
    }
    // A newer connection of the same device takes over from an older one still open.
    for (const other of this.open) {
      const oc = other.getUserData();
      if (other !== ws && !oc.closed && oc.session && oc.session.deviceId === device.id) {
        this.fail(other, 'REPLACED');
      }
    }
    if (conn.helloTimer) { clearTimeout(conn.helloTimer); conn.helloTimer = null; }
    conn.audio = audio;
    const bytesPerMs = (audio.sampleRate * 2) / 1000;
    conn.minFrameBytes = Math.floor(bytesPerMs * 10);
    conn.maxFrameBytes = Math.ceil(bytesPerMs * 100);
    conn.session = session;
    session.sampleRate = audio.sampleRate;
    conn.transport = this.transportFor(ws);
    conn.state = 'ready';
    this.d.registry.attached(session);
    this.d.cluster.claimed(device.id, session.sessionId);
    session.attach(conn.transport, resumed, resumed ? hello.resume!.lastSeq : 0);
    session.log.info({ resumed, appVersion: hello.appVersion, connId: conn.id }, resumed ? 'session resumed' : 'session started');
    if (notFound) session.error('SESSION_NOT_FOUND');
    const conversation = session.conversation!;
    const isResume = resumed;
    session.enqueue('start', () => conversation.start(isResume));
  }

  private transportFor(ws: WS): Transport {
    const conn = ws.getUserData();
    const metrics = this.d.metrics;
    const limit = this.o.maxBackpressureBytes;
    return {
      send: (text) => {
        if (conn.closed) return 'dropped';
        if (ws.getBufferedAmount() > limit) {
          // The device stopped reading: close it; its messages are kept for the resume.
          this.fail(ws, 'SLOW_CONSUMER');
          return 'dropped';
        }
        const r = ws.send(text, false, false);
        if (r === 1) return 'ok';
        metrics.backpressureEvents.inc();
        // The session now waits for drain; a device that never reads would hold it forever.
        conn.slowTimer ??= setTimeout(() => { conn.slowTimer = null; this.fail(ws, 'SLOW_CONSUMER'); }, this.o.slowConsumerMs);
        return r === 0 ? 'blocked' : 'dropped';
      },
      bufferedAmount: () => (conn.closed ? 0 : ws.getBufferedAmount()),
      close: (code, reason) => { if (!conn.closed) { conn.closed = true; ws.end(code, reason); } },
    };
  }

  private sendError(ws: WS, code: DeviceErrorCode, detail?: string): void {
    const conn = ws.getUserData();
    if (conn.closed) return;
    this.d.metrics.deviceErrors.inc({ code });
    const message = detail ? `${DeviceErrors[code].message}: ${detail}` : DeviceErrors[code].message;
    if (conn.session) conn.session.error(code, message);
    else ws.send(JSON.stringify({ type: 'error', seq: 0, code, message, fatal: false }), false, false);
  }

  /** Sends a fatal error and closes with the catalogue's close code. Other sessions are untouched. */
  fail(ws: WS, code: DeviceErrorCode, detail?: string): void {
    const conn = ws.getUserData();
    if (conn.closed) return;
    const def = DeviceErrors[code] as { message: string; close?: number };
    const closeCode = def.close ?? CloseCode.PROTOCOL_ERROR;
    this.d.metrics.deviceErrors.inc({ code });
    const message = detail ? `${def.message}: ${detail}` : def.message;
    (conn.session?.log ?? this.d.log).info({ code, detail, connId: conn.id, ip: conn.ip }, 'device connection refused or closed');
    // Not queued in the session (it is not replayed): written straight to this socket, with the seq
    // of the last message written before it. Not the session's newest: messages still waiting
    // (a backed-up socket) would then look received, and a device resuming from the highest seq
    // it saw would never get them.
    ws.send(JSON.stringify({ type: 'error', seq: conn.session?.sentUpTo ?? 0, code, message, fatal: true }), false, false);
    conn.closed = true;
    ws.end(closeCode, code);
  }

  /** Closes this node's connection of a device: another node takes it over, or it was revoked. */
  kick(deviceId: string, code: 'REPLACED' | 'DEVICE_REVOKED' = 'REPLACED'): void {
    for (const ws of [...this.open]) {
      const c = ws.getUserData();
      if (!c.closed && c.session?.deviceId === deviceId) this.fail(ws, code);
    }
  }

  /** Graceful shutdown: refuse new connections, tell every device to reconnect and resume. */
  closeAll(): void {
    this.accepting = false;
    for (const ws of [...this.open]) this.fail(ws, 'SERVER_SHUTDOWN');
  }
}
