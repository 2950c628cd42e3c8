/**
 * Starts what a run needs on this machine: a fresh database on the PostgreSQL server named by
 * DATABASE_URL (dropped afterwards), the gateway in its own process on port 0 (bench/gateway-child.ts)
 * with the bench's devices provisioned. Everything listens on 127.0.0.1 and is stopped by `close()`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { ChildFailed, ChildReady } from './gateway-child.ts';
import type { DeviceCreds } from './device.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** The site of the started gateway's devices (and of the operators that sign on with them). */
export const BENCH_SITE = 'BENCH';
export const BENCH_ADMIN = 'bench-admin';

export class LaunchError extends Error {
  constructor(readonly code: 'DB_UNREACHABLE' | 'GATEWAY_FAILED' | 'GATEWAY_TIMEOUT', message: string) {
    super(message); this.name = 'LaunchError';
  }
}

export interface LocalGateway {
  httpUrl: string;
  wsUrl: string;
  metricsUrl: string;
  pid: number;
  devices: DeviceCreds[];
  databaseUrl: string;
  siteId: string;
  /** A console admin of the site (LaunchOptions.admin): name and the password made for this run. */
  admin: { name: string; password: string } | null;
  close(): Promise<void>;
}

export interface LaunchOptions {
  devices: number;
  /** Server URL (any database): a fresh database is created on it. */
  databaseUrl?: string;
  logFile?: string;
  logLevel?: string;
  /** Extra environment for the gateway (its settings, e.g. ASR or dialog ones). */
  env?: Record<string, string>;
  keepDatabase?: boolean;
  /** Also create a console admin of the bench site (for the API, e.g. --enroll). */
  admin?: boolean;
  /** Write a V8 CPU profile of the gateway's main thread into this folder when it stops. */
  cpuProfDir?: string;
}

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createBenchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vm_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch (err) {
    throw new LaunchError('DB_UNREACHABLE', `cannot reach PostgreSQL at ${serverUrl.replace(/\/\/[^@]*@/, '//***@')}: ${(err as Error).message} (set DATABASE_URL)`);
  }
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  await admin.end();
  return {
    url: withDb(serverUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function launchGateway(o: LaunchOptions): Promise<LocalGateway> {
  const db = await createBenchDatabase(o.databaseUrl ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vm-bench-gw-'));
  const logFd = openSync(o.logFile ?? '/dev/null', 'a');
  const admin = o.admin ? { name: BENCH_ADMIN, password: randomBytes(18).toString('base64url') } : null;
  const child: ChildProcess = fork(path.join(REPO_ROOT, 'bench', 'gateway-child.ts'), [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', ...(o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [])],
    stdio: ['ignore', logFd, logFd, 'ipc'],
    env: {
      ...process.env,
      LOG_LEVEL: o.logLevel ?? 'warn',
      ...o.env,
      PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, DATA_DIR: dataDir, DEMO: 'false',
      SERVER_SECRET: randomBytes(32).toString('hex'),
      BENCH_DEVICES: String(o.devices), BENCH_SITE,
      ...(admin ? { BENCH_ADMIN_NAME: admin.name, BENCH_ADMIN_PASSWORD: admin.password } : {}),
    },
  });
  closeSync(logFd);
  const cleanup = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (!o.keepDatabase) await db.drop();
  };
  let ready: ChildReady;
  try {
    ready = await new Promise<ChildReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new LaunchError('GATEWAY_TIMEOUT', 'gateway did not start within 120 s')), 120000);
      child.on('message', (m: ChildReady | ChildFailed) => {
        clearTimeout(timer);
        if (m.type === 'ready') resolve(m);
        else reject(new LaunchError('GATEWAY_FAILED', `gateway failed to start: ${m.message}`));
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new LaunchError('GATEWAY_FAILED', `gateway exited with code ${code} before it was ready${o.logFile ? ` (see ${o.logFile})` : ''}`)); });
    });
  } catch (err) {
    await cleanup();
    throw err;
  }
  child.removeAllListeners('exit');
  const httpUrl = `http://127.0.0.1:${ready.port}`;
  return {
    httpUrl, wsUrl: `ws://127.0.0.1:${ready.port}/v1/device`, metricsUrl: `${httpUrl}/metrics`,
    pid: ready.pid, devices: ready.devices, databaseUrl: db.url, siteId: BENCH_SITE, admin, close: cleanup,
  };
}

export interface LocalWmsSim { url: string; pid: number; close(): Promise<void> }

/** Starts `npm run wms-sim` (dialog-engine/wms-sim/cli.ts) in its own process on 127.0.0.1, any free ports. */
export async function launchWmsSim(o: { operators: number; seed: number; logFile?: string }): Promise<LocalWmsSim> {
  const errFd = openSync(o.logFile ?? '/dev/null', 'a');
  const child = fork(path.join(REPO_ROOT, 'dialog-engine', 'wms-sim', 'cli.ts'),
    ['--seed', String(o.seed), '--operators', String(o.operators), '--host', '127.0.0.1', '--http-port', '0', '--lut-port', '0', '--odr-port', '0'],
    { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', errFd, 'ipc'] });
  closeSync(errFd);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new LaunchError('GATEWAY_TIMEOUT', 'the WMS simulator did not start within 60 s')), 60000);
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        clearTimeout(timer);
        try {
          resolve((JSON.parse(buf.slice(0, nl)) as { url: string }).url);
        } catch (err) {
          reject(new LaunchError('GATEWAY_FAILED', `the WMS simulator printed no JSON line: ${(err as Error).message}`));
        }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new LaunchError('GATEWAY_FAILED', `the WMS simulator exited with code ${code}`)); });
    });
    child.removeAllListeners('exit');
    return { url, pid: child.pid!, close: stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
