/**
 * The simulator's LUT and ODR sockets (framing: wms/lut-codec.ts, docs/wms.md).
 * LUT: one request record per line, answered with a record set ended by an empty line.
 * ODR: one record per line, each acknowledged with the confirmation byte once recorded
 * ("N" for a record it cannot read).
 */
import net from 'node:net';
import { encodeRecord, LineReader, LUT_REPLY_FIELDS, parseRecord, type LutCommand } from '../wms/lut-codec.ts';
import type { SimCore } from './sim.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function track(server: net.Server): net.Server {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  const close = server.close.bind(server);
  server.close = (cb?: (err?: Error) => void) => { for (const s of sockets) s.destroy(); return close(cb); };
  return server;
}

function lutReply(sim: SimCore, f: string[]): string {
  const cmd = f[0] ?? '';
  if (!Object.hasOwn(LUT_REPLY_FIELDS, cmd)) return `${encodeRecord(['1', `unknown command ${cmd}`])}\r\n`;
  const command = cmd as LutCommand;
  const injected = sim.takeLutError(command);
  const code = injected?.code ?? 0;
  const msg = injected?.message ?? '';
  let rows: (string | number)[][];
  switch (command) {
    case 'prTaskLUTValidateOperator': {
      const v = sim.validate(f[2] ?? '', f[3] ?? '');
      rows = [[f[2] ?? '', v.valid ? v.operator.name : '', v.valid ? v.operator.language : '', v.valid ? 1 : v.reason === 'unknown' ? 2 : 0]];
      break;
    }
    case 'prTaskLUTGetAssignment': {
      const a = sim.nextAssignment(f[2] ?? '');
      rows = a
        ? a.lines.map((l) => [a.id, l.id, l.locationId, l.aisle, l.slot, l.checkDigits, l.itemId, l.description, l.qty, a.drop.locationId, a.drop.name, a.drop.checkDigits])
        : [Array(12).fill('')];
      break;
    }
    case 'prTaskLUTGetReasons': rows = sim.warehouse.reference().reasonCodes.map((r) => [r.code, r.description]); break;
    case 'prTaskLUTGetLocations': rows = sim.warehouse.reference().locations.map((l) => [l.id, l.aisle, l.slot, l.checkDigits]); break;
    case 'prTaskLUTGetItems': rows = sim.warehouse.items.map((i) => [i.id, i.description, i.unit]); break;
  }
  return `${rows.map((r) => encodeRecord([...r, code, msg])).join('')}\r\n`;
}

/**
 * A line-oriented simulator socket: records are handled one at a time, in order, with the
 * simulator's faults (down, latency, failure, malformed reply) applied before `reply`.
 */
function lineServer(sim: SimCore, channel: 'lut' | 'odr', malformed: string, reply: (socket: net.Socket, line: string) => void): net.Server {
  return track(net.createServer((socket) => {
    socket.setEncoding('utf8');
    if (sim.faults.down) { socket.destroy(); return; }
    const reader = new LineReader();
    let chain = Promise.resolve();
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      let lines: string[];
      try { lines = reader.push(chunk); } catch { socket.destroy(); return; }
      for (const line of lines) {
        chain = chain.then(async () => {
          if (sim.faults.latencyMs) await sleep(sim.faults.latencyMs);
          if (socket.destroyed) return;
          if (sim.failNow()) { socket.destroy(); return; }
          if (sim.takeMalformed(channel)) { socket.write(malformed); return; }
          reply(socket, line);
        });
      }
    });
  }));
}

export function createLutServer(sim: SimCore): net.Server {
  return lineServer(sim, 'lut', 'this,is,not\r\n\r\n', (socket, line) => {
    let fields: string[];
    try { fields = parseRecord(line); } catch { socket.write(`${encodeRecord(['2', 'bad request record'])}\r\n`); return; }
    socket.write(Buffer.from(lutReply(sim, fields), 'utf8'));
  });
}

export function createOdrServer(sim: SimCore, ack: string): net.Server {
  return lineServer(sim, 'odr', '?', (socket, line) => { socket.write(odrRecord(sim, line) ? ack : 'N'); });
}

/** Records one ODR record; false when it cannot be read. Refused writes are still acknowledged (the host owns them). */
function odrRecord(sim: SimCore, line: string): boolean {
  let f: string[];
  try { f = parseRecord(line); } catch { return false; }
  const [cmd, , key = '', operatorId = '', assignmentId = ''] = f;
  const qty = (s: string | undefined) => (s !== undefined && /^[0-9]{1,9}$/.test(s) ? Number(s) : NaN);
  if (cmd === 'prTaskODRPicked' && f.length === 7) {
    sim.write('confirmPick', key, { operatorId, assignmentId, lineId: f[5]!, quantity: qty(f[6]) }, 'odr');
  } else if (cmd === 'prTaskODRShort' && f.length === 9) {
    sim.write('reportShort', key, { operatorId, assignmentId, lineId: f[5]!, quantity: qty(f[6]), reasonCode: f[8]! }, 'odr');
  } else if (cmd === 'prTaskODRComplete' && f.length === 5) {
    sim.write('completeAssignment', key, { operatorId, assignmentId }, 'odr');
  } else return false;
  return true;
}
