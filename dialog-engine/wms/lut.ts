/**
 * LUT/ODR connector (docs/wms.md). Reads are LUT requests over a small pool of synchronous
 * sockets; writes are ODR records over their own socket, each held until the host sends the
 * confirmation byte (the outbox keeps them, so they are replayed after a restart). LUT error
 * codes: 0 OK, 99 warning (spoken, the operator goes on), 98 critical (WMS_CRITICAL: sign off),
 * any other → WMS_REJECTED. A reply that breaks the framing or field rules is WMS_BAD_REPLY.
 */
import { encodeRecord, LUT_CRITICAL, LUT_REPLY_FIELDS, LUT_WARNING, LutFormatError, parseRecord, splitReply, type LutCommand } from './lut-codec.ts';
import { HostSocket, parseAddress } from './host-socket.ts';
import {
  WmsError, type Assignment, type CompleteAssignment, type ConfirmPick, type ConnectorConfig, type ReferenceData,
  type Reply, type ReportShort, type ValidateResult, type WmsConnector,
} from './types.ts';

const LUT_POOL = 4;

export class LutConnector implements WmsConnector {
  readonly kind = 'lut' as const;
  private readonly lut: HostSocket[];
  private readonly odr: HostSocket;
  private next = 0;
  private readonly terminal: string;
  private readonly ack: string;
  private reasons: { code: string; description: string }[] | null = null;

  constructor(cfg: ConnectorConfig) {
    const l = parseAddress(cfg.wmsLutAddress, 'LUT');
    const o = parseAddress(cfg.wmsOdrAddress, 'ODR');
    this.lut = Array.from({ length: LUT_POOL }, () => new HostSocket(l.host, l.port, cfg.wmsTimeoutMs, 'lut'));
    this.odr = new HostSocket(o.host, o.port, cfg.wmsTimeoutMs, 'odr');
    this.terminal = cfg.wmsTerminalId ?? 'voiceman';
    this.ack = (cfg.wmsOdrAck || 'Y').slice(0, 1);
  }

  /** One LUT request; returns the data fields of each record and the warning (99), or throws. */
  private async lutRequest(command: LutCommand, args: (string | number)[]): Promise<{ rows: string[][]; warning?: string }> {
    const sock = this.lut[this.next++ % this.lut.length]!;
    const lines = await sock.request(encodeRecord([command, this.terminal, ...args]));
    if (lines.length === 0) throw new WmsError('WMS_BAD_REPLY', `${command}: empty reply`);
    let recs;
    try {
      recs = lines.map((line) => splitReply(parseRecord(line), LUT_REPLY_FIELDS[command]));
    } catch (err) {
      if (err instanceof LutFormatError) throw new WmsError('WMS_BAD_REPLY', `${command}: ${err.message}`);
      throw err;
    }
    const worst = recs.reduce((a, r) => (r.code > a.code ? r : a), recs[0]!);
    if (worst.code === LUT_CRITICAL) throw new WmsError('WMS_CRITICAL', worst.message || 'critical host error', worst.code);
    if (worst.code !== 0 && worst.code !== LUT_WARNING) throw new WmsError('WMS_REJECTED', `${command}: ${worst.code} ${worst.message}`.trim(), worst.code);
    return { rows: recs.map((r) => r.fields), ...(worst.code === LUT_WARNING && worst.message ? { warning: worst.message } : {}) };
  }

  private async odrSend(fields: (string | number)[]): Promise<Reply<null>> {
    const [byte] = await this.odr.request(encodeRecord(fields));
    if (byte === this.ack) return { value: null };
    if (byte === 'N') throw new WmsError('WMS_REJECTED', `ODR host refused record ${String(fields[0])}`);
    throw new WmsError('WMS_BAD_REPLY', `ODR host sent "${byte ?? ''}" instead of the confirmation byte`);
  }

  async validateOperator(_siteId: string, operatorId: string, pin: string): Promise<Reply<ValidateResult>> {
    const { rows, warning } = await this.lutRequest('prTaskLUTValidateOperator', [operatorId, pin]);
    const [, name = '', language = '', valid = ''] = rows[0]!;
    const w = warning ? { warning } : {};
    if (valid === '1') return { value: { valid: true, operator: { externalId: operatorId, name, language: language === 'ru' ? 'ru' : 'en' } }, ...w };
    if (valid === '0' || valid === '2') return { value: { valid: false, reason: valid === '2' ? 'unknown' : 'bad-pin' }, ...w };
    throw new WmsError('WMS_BAD_REPLY', `prTaskLUTValidateOperator: valid flag "${valid}"`);
  }

  async getNextAssignment(_siteId: string, operatorId: string): Promise<Reply<Assignment | null>> {
    const { rows, warning } = await this.lutRequest('prTaskLUTGetAssignment', [operatorId]);
    const w = warning ? { warning } : {};
    if (rows.length === 1 && rows[0]![0] === '') return { value: null, ...w };
    const first = rows[0]!;
    const lines = rows.map((r, i) => {
      const [aid, id, locationId, aisle, slot, checkDigits, itemId, description, qty] = r as [string, string, string, string, string, string, string, string, string];
      if (aid !== first[0]) throw new WmsError('WMS_BAD_REPLY', `record ${i} belongs to assignment ${aid}, not ${first[0]!}`);
      if (!/^[0-9]{1,10}$/.test(checkDigits)) throw new WmsError('WMS_BAD_REPLY', `record ${i}: check digits "${checkDigits}"`);
      if (!/^[0-9]{1,7}$/.test(qty)) throw new WmsError('WMS_BAD_REPLY', `record ${i}: quantity "${qty}"`);
      if (!id || !locationId) throw new WmsError('WMS_BAD_REPLY', `record ${i}: empty line or location id`);
      return { id, locationId, aisle, slot, checkDigits, itemId, description, qty: Number(qty) };
    });
    const [, , , , , , , , , dropId = '', dropName = '', dropDigits = ''] = first;
    if (!/^[0-9]{1,10}$/.test(dropDigits)) throw new WmsError('WMS_BAD_REPLY', `drop check digits "${dropDigits}"`);
    if (!this.reasons) this.reasons = (await this.lutRequest('prTaskLUTGetReasons', [])).rows.map(([code = '', description = '']) => ({ code, description }));
    return { value: { id: first[0]!, lines, drop: { locationId: dropId, name: dropName, checkDigits: dropDigits }, reasons: this.reasons }, ...w };
  }

  confirmPick(_siteId: string, r: ConfirmPick): Promise<Reply<null>> {
    return this.odrSend(['prTaskODRPicked', this.terminal, r.idempotencyKey, r.operatorId, r.assignmentId, r.lineId, r.quantity]);
  }

  reportShort(_siteId: string, r: ReportShort): Promise<Reply<null>> {
    return this.odrSend(['prTaskODRShort', this.terminal, r.idempotencyKey, r.operatorId, r.assignmentId, r.lineId, r.quantity, r.expected, r.reasonCode]);
  }

  completeAssignment(_siteId: string, r: CompleteAssignment): Promise<Reply<null>> {
    return this.odrSend(['prTaskODRComplete', this.terminal, r.idempotencyKey, r.operatorId, r.assignmentId]);
  }

  async getReferenceData(): Promise<Reply<ReferenceData>> {
    const [loc, items, reasons] = [
      await this.lutRequest('prTaskLUTGetLocations', []), await this.lutRequest('prTaskLUTGetItems', []), await this.lutRequest('prTaskLUTGetReasons', []),
    ];
    return {
      value: {
        locations: loc.rows.map(([id = '', aisle = '', slot = '', checkDigits = '']) => ({ id, aisle, slot, checkDigits })),
        items: items.rows.map(([id = '', description = '', unit = '']) => ({ id, description, unit })),
        reasonCodes: reasons.rows.map(([code = '', description = '']) => ({ code, description })),
      },
    };
  }

  async close(): Promise<void> {
    for (const s of this.lut) s.close();
    this.odr.close();
  }
}
