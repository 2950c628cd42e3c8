/**
 * Parses and validates one device text message. Never throws: returns the message or a
 * catalogue error code. Matching is on the parsed `type`, never on the raw string.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { deviceMessageSchemas, type DeviceMessage } from './messages.ts';
import type { DeviceErrorCode } from '../errors.ts';

const ajv = new Ajv({ allErrors: false, strict: true });
const validators = Object.fromEntries(
  Object.entries(deviceMessageSchemas).map(([type, schema]) => [type, ajv.compile(schema)]),
) as Record<keyof typeof deviceMessageSchemas, ValidateFunction>;

export type ParseResult =
  | { ok: true; msg: DeviceMessage }
  | { ok: false; code: DeviceErrorCode; detail: string };

export function parseDeviceMessage(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'BAD_JSON', detail: (err as Error).message };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'BAD_MESSAGE', detail: 'a message must be a JSON object' };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(validators, type)) {
    return { ok: false, code: 'UNKNOWN_TYPE', detail: `type ${JSON.stringify(type ?? null).slice(0, 40)}` };
  }
  const validate = validators[type as keyof typeof validators];
  if (!validate(value)) {
    const e = validate.errors?.[0];
    return { ok: false, code: 'BAD_MESSAGE', detail: `${type}${e?.instancePath ?? ''} ${e?.message ?? 'invalid'}` };
  }
  return { ok: true, msg: value as DeviceMessage };
}
