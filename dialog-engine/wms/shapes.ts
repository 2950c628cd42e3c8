/** Checks host replies field by field (REST JSON); anything unexpected is WMS_BAD_REPLY. */
import { WmsError, type Assignment, type ReferenceData } from './types.ts';

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(what: string): never { throw new WmsError('WMS_BAD_REPLY', `malformed reply: ${what}`); }
const s = (o: Record<string, unknown>, k: string, where: string): string => {
  const v = o[k];
  if (typeof v === 'string' && v.length <= 500) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return bad(`${where}.${k} is not a string`);
};
const digits = (o: Record<string, unknown>, k: string, where: string): string => {
  const v = s(o, k, where);
  return /^[0-9]{1,10}$/.test(v) ? v : bad(`${where}.${k} is not digits`);
};
const qty = (o: Record<string, unknown>, k: string, where: string): number => {
  const v = o[k];
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1_000_000 ? v : bad(`${where}.${k} is not a quantity`);
};

export function asAssignment(v: unknown): Assignment {
  if (!isObj(v)) return bad('assignment is not an object');
  if (!Array.isArray(v.lines) || v.lines.length === 0 || v.lines.length > 500) return bad('assignment.lines is not a list of 1–500 lines');
  const drop = isObj(v.drop) ? v.drop : bad('assignment.drop is missing');
  const reasons = Array.isArray(v.reasons) ? v.reasons : [];
  return {
    id: s(v, 'id', 'assignment'),
    lines: v.lines.map((l, i) => {
      if (!isObj(l)) return bad(`line ${i} is not an object`);
      const w = `lines[${i}]`;
      return {
        id: s(l, 'id', w), locationId: s(l, 'locationId', w), aisle: s(l, 'aisle', w), slot: s(l, 'slot', w),
        checkDigits: digits(l, 'checkDigits', w), itemId: s(l, 'itemId', w), description: s(l, 'description', w), qty: qty(l, 'qty', w),
      };
    }),
    drop: { locationId: s(drop, 'locationId', 'drop'), name: s(drop, 'name', 'drop'), checkDigits: digits(drop, 'checkDigits', 'drop') },
    reasons: reasons.map((r, i) => (isObj(r) ? { code: s(r, 'code', `reasons[${i}]`), description: s(r, 'description', `reasons[${i}]`) } : bad(`reason ${i}`))),
  };
}

export function asReference(v: unknown): ReferenceData {
  if (!isObj(v) || !Array.isArray(v.locations) || !Array.isArray(v.items) || !Array.isArray(v.reasonCodes)) return bad('reference data lists missing');
  return {
    locations: v.locations.map((l, i) => (isObj(l) ? { id: s(l, 'id', `locations[${i}]`), aisle: s(l, 'aisle', `locations[${i}]`), slot: s(l, 'slot', `locations[${i}]`), checkDigits: digits(l, 'checkDigits', `locations[${i}]`) } : bad(`location ${i}`))),
    items: v.items.map((x, i) => (isObj(x) ? { id: s(x, 'id', `items[${i}]`), description: s(x, 'description', `items[${i}]`), unit: typeof x.unit === 'string' ? x.unit : 'each' } : bad(`item ${i}`))),
    reasonCodes: v.reasonCodes.map((r, i) => (isObj(r) ? { code: s(r, 'code', `reasonCodes[${i}]`), description: s(r, 'description', `reasonCodes[${i}]`) } : bad(`reason ${i}`))),
  };
}
