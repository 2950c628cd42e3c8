/**
 * A TCP proxy on port 0 between the browser and the gateway. `cut(ms)` destroys every open
 * connection and refuses new ones for `ms` (the device sees its socket drop and its reconnects
 * fail, as when a picker walks out of Wi-Fi), then lets connections through again.
 */
import net from 'node:net';

export class CuttableProxy {
  private server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private blockedUntil = 0;
  port = 0;
  cuts = 0;
  refused = 0;

  constructor(private readonly targetPort: number, private readonly targetHost = '127.0.0.1') {
    this.server = net.createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  private accept(client: net.Socket): void {
    if (Date.now() < this.blockedUntil) { this.refused++; client.destroy(); return; }
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.sockets.add(client).add(upstream);
    const drop = (): void => { client.destroy(); upstream.destroy(); this.sockets.delete(client); this.sockets.delete(upstream); };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Drops all connections now and refuses new ones for `ms`. */
  cut(ms: number): void {
    this.cuts++;
    this.blockedUntil = Date.now() + ms;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
