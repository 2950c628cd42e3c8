/**
 * One TCP connection to a LUT or ODR host, used strictly one request at a time (the protocol is
 * synchronous): connect on demand, write a record, wait for the whole reply (LUT: records up to
 * an empty line; ODR: one confirmation byte) within the timeout. Any failure closes the socket,
 * so a half-read reply never desynchronises the next request.
 */
import net from 'node:net';
import { LineReader, LutFormatError } from './lut-codec.ts';
import { WmsError } from './types.ts';

type Waiter = { resolve: (v: string[]) => void; reject: (e: WmsError) => void; lines: string[] };

export function parseAddress(addr: string | undefined, what: string): { host: string; port: number } {
  const m = /^(.+):([0-9]{1,5})$/.exec(addr ?? '');
  if (!m || Number(m[2]) > 65535) throw new WmsError('WMS_UNAVAILABLE', `${what} address "${addr ?? ''}" must look like host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

export class HostSocket {
  private sock: net.Socket | null = null;
  private reader = new LineReader();
  private waiter: Waiter | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly host: string, private readonly port: number, private readonly timeoutMs: number,
              private readonly mode: 'lut' | 'odr') {}

  /** Sends one record; resolves with the reply's lines (LUT, without the empty line) or the one ack character (ODR). */
  request(record: string): Promise<string[]> {
    const run = () => this.once(record);
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private connect(): Promise<net.Socket> {
    if (this.sock) return Promise.resolve(this.sock);
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: this.host, port: this.port });
      s.setNoDelay(true);
      s.setEncoding('utf8');
      const t = setTimeout(() => { s.destroy(); reject(new WmsError('WMS_TIMEOUT', `no connection to ${this.mode.toUpperCase()} ${this.host}:${this.port} within ${this.timeoutMs} ms`)); }, this.timeoutMs);
      s.once('connect', () => {
        clearTimeout(t);
        this.sock = s; this.reader = new LineReader();
        s.on('data', (d: string) => this.onData(d));
        s.on('close', () => this.drop(new WmsError('WMS_UNAVAILABLE', `${this.mode.toUpperCase()} connection closed by the host`)));
        resolve(s);
      });
      s.on('error', (err) => {
        clearTimeout(t);
        const e = new WmsError('WMS_UNAVAILABLE', `${this.mode.toUpperCase()} ${this.host}:${this.port}: ${err.message}`);
        if (this.sock === s) this.drop(e); else reject(e);
      });
    });
  }

  private drop(err: WmsError): void {
    const s = this.sock;
    this.sock = null;
    s?.destroy();
    const w = this.waiter; this.waiter = null;
    w?.reject(err);
  }

  private onData(d: string): void {
    const w = this.waiter;
    if (!w) { this.drop(new WmsError('WMS_BAD_REPLY', 'data from the host while no request was open')); return; }
    if (this.mode === 'odr') {
      if (d.length !== 1) { this.drop(new WmsError('WMS_BAD_REPLY', `ODR host sent ${d.length} characters instead of one confirmation byte`)); return; }
      this.waiter = null; w.resolve([d]); return;
    }
    let lines: string[];
    try { lines = this.reader.push(d); } catch (err) {
      this.drop(new WmsError('WMS_BAD_REPLY', (err as LutFormatError).message)); return;
    }
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line !== '') {
        w.lines.push(line);
        if (w.lines.length > 10000) { this.drop(new WmsError('WMS_BAD_REPLY', 'LUT reply longer than 10000 records')); return; }
        continue;
      }
      if (i !== lines.length - 1 || this.reader.pending()) { this.drop(new WmsError('WMS_BAD_REPLY', 'data after the end of a LUT reply')); return; }
      this.waiter = null;
      w.resolve(w.lines);
      return;
    }
  }

  private async once(record: string): Promise<string[]> {
    if (this.closed) throw new WmsError('WMS_UNAVAILABLE', 'connector closed');
    const s = await this.connect();
    return new Promise<string[]>((resolve, reject) => {
      const t = setTimeout(() => this.drop(new WmsError('WMS_TIMEOUT', `no ${this.mode.toUpperCase()} reply within ${this.timeoutMs} ms`)), this.timeoutMs);
      this.waiter = {
        lines: [],
        resolve: (v) => { clearTimeout(t); resolve(v); },
        reject: (e) => { clearTimeout(t); reject(e); },
      };
      s.write(record);
    });
  }

  close(): void {
    this.closed = true;
    this.drop(new WmsError('WMS_UNAVAILABLE', 'connector closed'));
  }
}
