/**
 * Several gateway nodes behind one address share a company's devices. Session state lives in
 * PostgreSQL, so any node can resume any session; what nodes must agree on is who holds a
 * device right now. With REDIS_URL set, a node that is about to take a device asks the holder
 * (recorded under `vm:device:<id>`) to let go — close its socket with REPLACED and flush the
 * session's state — and waits for its answer (bounded), so the new node reads current state.
 * Without Redis (one node) every call is a no-op.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { Logger } from './logger.ts';

export interface Cluster {
  /** Before taking a device: the node holding it lets go (or the wait times out). */
  acquire(deviceId: string): Promise<void>;
  /** After taking it: record this node as the holder. */
  claimed(deviceId: string, sessionId: string): void;
  /** The session ended here: forget the holder if it is still us. */
  released(deviceId: string, sessionId: string): void;
  /** A device was revoked here: every other node closes its connection too. */
  revoked(deviceId: string): void;
  close(): Promise<void>;
}

export const singleNode: Cluster = {
  acquire: async () => undefined,
  claimed: () => undefined,
  released: () => undefined,
  revoked: () => undefined,
  close: async () => undefined,
};

const KEY = (deviceId: string): string => `vm:device:${deviceId}`;
const RELEASE = 'vm:release';
const RELEASED = 'vm:released';
const REVOKED = 'vm:revoked';
const HOLDER_TTL_S = 24 * 3600;

interface ReleaseRequest { requestId: string; deviceId: string; node: string }
interface ReleasedReply { requestId: string }
interface RevokedNotice { deviceId: string; node: string }

function parse<T>(raw: string, fields: Array<keyof T>): T | null {
  let v: unknown;
  try { v = JSON.parse(raw); } catch { return null; }
  if (typeof v !== 'object' || v === null) return null;
  for (const f of fields) if (typeof (v as Record<string, unknown>)[f as string] !== 'string') return null;
  return v as T;
}

export interface RedisClusterOptions {
  url: string;
  nodeId: string;
  log: Logger;
  /** Lets go of a device held here: close its socket (REPLACED), flush its state. */
  release(deviceId: string): Promise<void>;
  /** A device was revoked on another node: close its connection here (DEVICE_REVOKED), if any. */
  revoke(deviceId: string): void;
  releaseTimeoutMs?: number;
}

export async function connectRedisCluster(o: RedisClusterOptions): Promise<Cluster> {
  const client = createClient({ url: o.url });
  const sub = client.duplicate();
  client.on('error', (err: unknown) => o.log.warn({ err }, 'redis connection error'));
  sub.on('error', (err: unknown) => o.log.warn({ err }, 'redis subscriber error'));
  await client.connect();
  await sub.connect();
  const waiting = new Map<string, () => void>();
  const timeoutMs = o.releaseTimeoutMs ?? 2000;

  await sub.subscribe(RELEASE, (raw) => {
    const req = parse<ReleaseRequest>(raw, ['requestId', 'deviceId', 'node']);
    if (!req) { o.log.warn({ raw: raw.slice(0, 200) }, 'bad release request on redis: ignored'); return; }
    if (req.node !== o.nodeId) return;
    o.release(req.deviceId)
      .catch((err: unknown) => o.log.error({ err, deviceId: req.deviceId }, 'releasing a device failed'))
      .finally(() => {
        client.publish(RELEASED, JSON.stringify({ requestId: req.requestId } satisfies ReleasedReply))
          .catch((err: unknown) => o.log.warn({ err }, 'could not answer a release request'));
      });
  });
  await sub.subscribe(RELEASED, (raw) => {
    const reply = parse<ReleasedReply>(raw, ['requestId']);
    if (reply) waiting.get(reply.requestId)?.();
  });
  await sub.subscribe(REVOKED, (raw) => {
    const n = parse<RevokedNotice>(raw, ['deviceId', 'node']);
    if (!n) { o.log.warn({ raw: raw.slice(0, 200) }, 'bad revoke notice on redis: ignored'); return; }
    if (n.node !== o.nodeId) o.revoke(n.deviceId);
  });

  return {
    async acquire(deviceId) {
      const holder = await client.get(KEY(deviceId));
      const node = holder?.split('|')[0];
      if (!node || node === o.nodeId) return;
      const requestId = randomUUID();
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(requestId);
          o.log.warn({ deviceId, holder: node }, 'holder node did not answer the release request in time (down?): taking over');
          resolve();
        }, timeoutMs);
        waiting.set(requestId, () => { clearTimeout(timer); waiting.delete(requestId); resolve(); });
      });
      await client.publish(RELEASE, JSON.stringify({ requestId, deviceId, node } satisfies ReleaseRequest));
      await done;
    },
    claimed(deviceId, sessionId) {
      client.set(KEY(deviceId), `${o.nodeId}|${sessionId}`, { EX: HOLDER_TTL_S })
        .catch((err: unknown) => o.log.warn({ err, deviceId }, 'could not record the device holder in redis'));
    },
    released(deviceId, sessionId) {
      // Delete only if we still hold it (another node may have taken over meanwhile).
      client.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
        { keys: [KEY(deviceId)], arguments: [`${o.nodeId}|${sessionId}`] })
        .catch((err: unknown) => o.log.warn({ err, deviceId }, 'could not clear the device holder in redis'));
    },
    revoked(deviceId) {
      client.publish(REVOKED, JSON.stringify({ deviceId, node: o.nodeId } satisfies RevokedNotice))
        .catch((err: unknown) => o.log.error({ err, deviceId }, 'could not tell other nodes of a revoked device (it is refused at its next hello)'));
    },
    async close() {
      for (const w of waiting.values()) w();
      await sub.quit().catch((err: unknown) => o.log.warn({ err }, 'redis subscriber close failed'));
      await client.quit().catch((err: unknown) => o.log.warn({ err }, 'redis close failed'));
    },
  };
}
