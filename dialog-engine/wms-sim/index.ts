/**
 * The WMS simulator: one process (or, for tests, one call) serving the REST API, the LUT socket
 * and the ODR socket over one seeded warehouse, plus its ground truth and fault control over HTTP.
 */
import type http from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SimCore, type SimOptions } from './sim.ts';
import { createSimHttpServer } from './http.ts';
import { createLutServer, createOdrServer } from './sockets.ts';

export { SimCore, type Faults, type Receipt, type SimOptions } from './sim.ts';
export { Warehouse, prng, type SimOperator } from './warehouse.ts';

export interface WmsSimOptions extends SimOptions {
  host?: string;
  /** 0 = any free port (the default for all three). */
  httpPort?: number;
  lutPort?: number;
  odrPort?: number;
  /** Bearer token the REST API requires; unset = none. */
  token?: string;
  /** ODR confirmation byte (default "Y"). */
  odrAck?: string;
}

export interface WmsSim {
  readonly sim: SimCore;
  readonly httpPort: number;
  readonly lutPort: number;
  readonly odrPort: number;
  /** http://host:port of the REST API and the ground truth. */
  readonly url: string;
  close(): Promise<void>;
}

function listen(server: net.Server | http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve((server.address() as AddressInfo).port); });
  });
}
const close = (s: net.Server | http.Server) => new Promise<void>((r) => { s.close(() => r()); });

export async function startWmsSim(opts: WmsSimOptions): Promise<WmsSim> {
  const host = opts.host ?? '127.0.0.1';
  const sim = new SimCore(opts);
  const httpServer = createSimHttpServer(sim, { ...(opts.token ? { token: opts.token } : {}) });
  const lut = createLutServer(sim);
  const odr = createOdrServer(sim, (opts.odrAck ?? 'Y').slice(0, 1));
  const [httpPort, lutPort, odrPort] = [
    await listen(httpServer, opts.httpPort ?? 0, host), await listen(lut, opts.lutPort ?? 0, host), await listen(odr, opts.odrPort ?? 0, host),
  ];
  return {
    sim, httpPort, lutPort, odrPort, url: `http://${host}:${httpPort}`,
    async close() {
      httpServer.closeAllConnections();
      await Promise.all([close(httpServer), close(lut), close(odr)]);
    },
  };
}
