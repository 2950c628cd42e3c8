/**
 * Request validation: JSON bodies against TypeBox schemas (compiled once by Ajv), query
 * parameters by small typed readers. Every failure is an ApiError with a stable code and details.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Static, TSchema } from '@sinclair/typebox';
import { ApiError } from '../errors.ts';
import type { HandlerInput } from '../http/index.ts';

const ajv = new Ajv({ allErrors: true, strict: true });
const compiled = new WeakMap<TSchema, ValidateFunction>();

function validator(schema: TSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) { v = ajv.compile(schema); compiled.set(schema, v); }
  return v;
}

export function check<S extends TSchema>(schema: S, value: unknown): Static<S> {
  const v = validator(schema);
  if (!v(value)) {
    const details = (v.errors ?? []).slice(0, 10).map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'invalid' }));
    throw new ApiError('VALIDATION_FAILED', undefined, details);
  }
  return value as Static<S>;
}

/** Parses and validates a JSON body. An empty body is validated as `{}`. */
export function jsonBody<S extends TSchema>(input: HandlerInput, schema: S): Static<S> {
  let value: unknown = {};
  if (input.body.length > 0) {
    if (!/^application\/json\b/i.test(input.req.contentType)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
    try {
      value = JSON.parse(input.body.toString('utf8'));
    } catch (err) {
      throw new ApiError('BAD_JSON', undefined, { reason: (err as Error).message });
    }
  }
  return check(schema, value);
}

const bad = (name: string, what: string): ApiError => new ApiError('BAD_REQUEST', `query parameter "${name}" must be ${what}`, { param: name });

export const query = {
  str(q: URLSearchParams, name: string, max = 200): string | undefined {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    if (v.length > max) throw bad(name, `at most ${max} characters`);
    return v;
  },
  int(q: URLSearchParams, name: string, min: number, max: number): number | undefined {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw bad(name, 'a whole number');
    const n = Number(v);
    if (n < min || n > max) throw bad(name, `between ${min} and ${max}`);
    return n;
  },
  date(q: URLSearchParams, name: string): Date | undefined {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw bad(name, 'an ISO 8601 date or time');
    return d;
  },
  uuid(q: URLSearchParams, name: string): string | undefined {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    if (!UUID.test(v)) throw bad(name, 'a UUID');
    return v;
  },
  oneOf<T extends string>(q: URLSearchParams, name: string, values: readonly T[]): T | undefined {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    if (!(values as readonly string[]).includes(v)) throw bad(name, `one of ${values.join(', ')}`);
    return v as T;
  },
};

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidParam(v: string | undefined, name = 'id'): string {
  if (!v || !UUID.test(v)) throw new ApiError('NOT_FOUND', `${name} is not a known id`);
  return v;
}

export function intParam(v: string | undefined, name = 'id'): number {
  if (!v || !/^\d{1,15}$/.test(v)) throw new ApiError('NOT_FOUND', `${name} is not a known id`);
  return Number(v);
}
