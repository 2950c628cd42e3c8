/** Parsing and validating console-socket client messages; topic names. Never throws. */
import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import type { ConsoleClientMessage } from './types.ts';

const Topic = Type.String({ minLength: 3, maxLength: 80, pattern: '^(floor/[A-Za-z0-9_.-]{1,64}|session/[0-9a-fA-F-]{36})$' });
const Schemas = {
  subscribe: Type.Object({ type: Type.Literal('subscribe'), topic: Topic, after: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  unsubscribe: Type.Object({ type: Type.Literal('unsubscribe'), topic: Topic }, { additionalProperties: false }),
  ping: Type.Object({ type: Type.Literal('ping'), t: Type.Optional(Type.Number()) }, { additionalProperties: false }),
};
const ajv = new Ajv({ strict: true });
const validators = {
  subscribe: ajv.compile(Schemas.subscribe), unsubscribe: ajv.compile(Schemas.unsubscribe), ping: ajv.compile(Schemas.ping),
};

export type ParsedClientMessage = { ok: true; msg: ConsoleClientMessage } | { ok: false; code: 'BAD_JSON' | 'BAD_MESSAGE' | 'UNKNOWN_TYPE'; detail: string };

export function parseClientMessage(text: string): ParsedClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'BAD_JSON', detail: (err as Error).message };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, code: 'BAD_MESSAGE', detail: 'not an object' };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(validators, type)) return { ok: false, code: 'UNKNOWN_TYPE', detail: String(type).slice(0, 40) };
  const v = validators[type as keyof typeof validators];
  if (!v(value)) return { ok: false, code: 'BAD_MESSAGE', detail: `${type}${v.errors?.[0]?.instancePath ?? ''} ${v.errors?.[0]?.message ?? ''}` };
  return { ok: true, msg: value as ConsoleClientMessage };
}

export type Topic = { kind: 'floor'; siteId: string; name: string } | { kind: 'session'; sessionId: string; name: string };

export function parseTopic(name: string): Topic {
  const slash = name.indexOf('/');
  const kind = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  return kind === 'floor' ? { kind, siteId: rest, name } : { kind: 'session', sessionId: rest.toLowerCase(), name: `session/${rest.toLowerCase()}` };
}

export const floorTopic = (siteId: string): string => `floor/${siteId}`;
export const sessionTopic = (sessionId: string): string => `session/${sessionId.toLowerCase()}`;
