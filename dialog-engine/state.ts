/**
 * The schema of the interpreter's state (plain JSON, persisted with every turn). `isDialogState`
 * checks a persisted value before a session resumes from it; the property test checks that no
 * input sequence ever leaves this schema.
 */
import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import type { DialogState } from './types.ts';

const JsonAny = Type.Unknown();
const Lang = Type.Union([Type.Literal('en'), Type.Literal('ru')]);
const ExpectT = Type.Object({ kind: Type.String(), commands: Type.Array(Type.String()) });
const PromptT = Type.Object({
  type: Type.Literal('prompt'), text: Type.String(), language: Lang, bargeIn: Type.Boolean(),
  expect: Type.Union([ExpectT, Type.Null()]), node: Type.String(),
});
const Loop = Type.Object({
  items: Type.Array(JsonAny), order: Type.Array(Type.Integer({ minimum: 0 })), pos: Type.Integer({ minimum: 0 }),
  skipped: Type.Array(Type.Integer({ minimum: 0 })), revisiting: Type.Boolean(),
}, { additionalProperties: false });
const Frame = Type.Object({
  flow: Type.String(), version: Type.Integer({ minimum: 0 }), node: Type.String(),
  vars: Type.Record(Type.String(), JsonAny), loops: Type.Record(Type.String(), Loop),
  ret: Type.Optional(Type.Object({ next: Type.String(), var: Type.Optional(Type.String()) }, { additionalProperties: false })),
}, { additionalProperties: false });
const WmsOpT = Type.String();
const PendingWms = Type.Object({
  kind: Type.Literal('wms'), op: WmsOpT, args: Type.Record(Type.String(), JsonAny),
  key: Type.Union([Type.String(), Type.Null()]), node: Type.String(),
}, { additionalProperties: false });

export const DialogStateSchema = Type.Object({
  v: Type.Literal(1),
  status: Type.Union([Type.Literal('running'), Type.Literal('ended')]),
  stack: Type.Array(Frame, { minItems: 1, maxItems: 21 }),
  language: Lang,
  operatorId: Type.Union([Type.Integer(), Type.Null()]),
  tts: Type.Object({ rate: Type.Number({ minimum: 0.5, maximum: 2 }), volume: Type.Number({ minimum: 0.1, maximum: 1 }) }, { additionalProperties: false }),
  ask: Type.Union([Type.Null(), Type.Object({
    node: Type.String(), noinput: Type.Integer({ minimum: 0 }), nomatch: Type.Integer({ minimum: 0 }), alerted: Type.Boolean(),
  }, { additionalProperties: false })]),
  pending: Type.Union([
    Type.Null(),
    Type.Object({ kind: Type.Literal('confirm'), value: JsonAny, text: Type.String() }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('signoff') }, { additionalProperties: false }),
    PendingWms,
    Type.Object({ kind: Type.Literal('retry'), wms: PendingWms, errors: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  ]),
  lastPrompt: Type.Union([PromptT, Type.Null()]),
  pins: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  turns: Type.Integer({ minimum: 0 }),
}, { additionalProperties: false });

const check = new Ajv({ allErrors: false, strict: false }).compile(JSON.parse(JSON.stringify(DialogStateSchema)) as object);

export function isDialogState(v: unknown): v is DialogState {
  return check(v) === true;
}
/** Errors of the last failed `isDialogState` (for test messages). */
export function dialogStateErrors(): string {
  return JSON.stringify(check.errors ?? []);
}
