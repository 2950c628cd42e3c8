/**
 * Framing of the LUT / ODR socket protocol (docs/wms.md): records of comma-separated fields
 * ending in CRLF; a field holding a comma, quote, CR or LF is written in double quotes with
 * quotes doubled. A LUT reply is a set of records ended by an empty line; every reply record
 * ends with two fields: error code (0 OK, 99 warning, 98 critical, other = refused) and message.
 * Shared by the LUT connector and the WMS simulator.
 */

export class LutFormatError extends Error {
  constructor(message: string) { super(message); this.name = 'LutFormatError'; }
}

const NEEDS_QUOTES = /[",\r\n]/;

export function encodeRecord(fields: readonly (string | number)[]): string {
  return `${fields.map((f) => { const s = String(f); return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s; }).join(',')}\r\n`;
}

/** Splits one record (without its CRLF) into fields; throws LutFormatError on bad quoting. */
export function parseRecord(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = ''; i++;
      for (;;) {
        if (i >= line.length) throw new LutFormatError('unterminated quoted field');
        if (line[i] === '"') {
          if (line[i + 1] === '"') { s += '"'; i += 2; continue; }
          i++; break;
        }
        s += line[i++];
      }
      out.push(s);
      if (i === line.length) return out;
      if (line[i] !== ',') throw new LutFormatError('text after a quoted field');
      i++;
    } else {
      const j = line.indexOf(',', i);
      if (j < 0) { out.push(line.slice(i)); return out; }
      out.push(line.slice(i, j)); i = j + 1;
    }
  }
}

/** Cuts a byte stream into CRLF-ended lines (quoted fields may hold CRLF). Bounded. */
export class LineReader {
  private buf = '';
  constructor(private readonly maxLine = 64 * 1024) {}

  /** Feeds data; returns the complete lines (without CRLF). Throws LutFormatError on an overlong line. */
  push(chunk: string): string[] {
    this.buf += chunk;
    const lines: string[] = [];
    let start = 0; let inQuotes = false;
    for (let i = 0; i < this.buf.length; i++) {
      const c = this.buf[i];
      if (c === '"') inQuotes = !inQuotes;
      else if (!inQuotes && c === '\r' && this.buf[i + 1] === '\n') {
        lines.push(this.buf.slice(start, i)); start = i + 2; i++;
      }
    }
    this.buf = this.buf.slice(start);
    if (this.buf.length > this.maxLine) throw new LutFormatError(`line longer than ${this.maxLine} characters`);
    return lines;
  }

  /** Whether part of a line is buffered. */
  pending(): boolean { return this.buf.length > 0; }
}

export interface LutReplyRecord { fields: string[]; code: number; message: string }

/** Splits a reply record into data fields, error code and message; checks the field count. */
export function splitReply(fields: string[], dataFields: number): LutReplyRecord {
  if (fields.length !== dataFields + 2) throw new LutFormatError(`expected ${dataFields + 2} fields, got ${fields.length}`);
  const rawCode = fields[dataFields]!;
  if (!/^[0-9]{1,3}$/.test(rawCode)) throw new LutFormatError(`error code "${rawCode}" is not a number`);
  return { fields: fields.slice(0, dataFields), code: Number(rawCode), message: fields[dataFields + 1]! };
}

/** LUT error codes with a meaning of their own. */
export const LUT_OK = 0;
export const LUT_WARNING = 99;
export const LUT_CRITICAL = 98;

/** Field counts (data fields, before code and message) of each LUT reply, and the ODR commands. */
export const LUT_REPLY_FIELDS = {
  prTaskLUTValidateOperator: 4, // operatorId, name, language, valid (1 valid, 0 wrong PIN, 2 unknown operator)
  prTaskLUTGetAssignment: 12, // assignmentId, lineId, locationId, aisle, slot, checkDigits, itemId, description, qty, dropLocationId, dropName, dropCheckDigits
  prTaskLUTGetReasons: 2, // code, description
  prTaskLUTGetLocations: 4, // id, aisle, slot, checkDigits
  prTaskLUTGetItems: 3, // id, description, unit
} as const;
export type LutCommand = keyof typeof LUT_REPLY_FIELDS;
export const ODR_COMMANDS = ['prTaskODRPicked', 'prTaskODRShort', 'prTaskODRComplete'] as const;
