/**
 * Device protocol v1 (docs/protocol.md): one TypeBox schema per JSON message type, compiled
 * once by Ajv. Browser code (the thin client) and the bench import the *types* from here.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const PROTOCOL_VERSION = 1;

const Uuid = Type.String({ pattern: '^[0-9a-fA-F-]{36}$' });
const Seq = Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 });
const CSeq = Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 });

export const AudioFormat = Type.Object({
  encoding: Type.Literal('pcm16le'),
  sampleRate: Type.Union([Type.Literal(8000), Type.Literal(16000), Type.Literal(48000)]),
  frameMs: Type.Integer({ minimum: 10, maximum: 100 }),
}, { additionalProperties: false });
export type AudioFormat = Static<typeof AudioFormat>;
export const DEFAULT_AUDIO: AudioFormat = { encoding: 'pcm16le', sampleRate: 16000, frameMs: 20 };

export const Hello = Type.Object({
  type: Type.Literal('hello'),
  v: Type.Integer({ minimum: 1, maximum: 100 }),
  deviceId: Uuid,
  token: Type.String({ minLength: 1, maxLength: 200 }),
  appVersion: Type.String({ minLength: 1, maxLength: 50 }),
  model: Type.Optional(Type.String({ maxLength: 100 })),
  audio: Type.Optional(AudioFormat),
  resume: Type.Optional(Type.Object({ sessionId: Uuid, lastSeq: Seq }, { additionalProperties: false })),
}, { additionalProperties: false });

export const TextAnswer = Type.Object({
  type: Type.Literal('text'),
  cseq: CSeq,
  text: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false });

export const EVENT_NAMES = ['tts_started', 'tts_finished', 'button', 'battery', 'signal', 'speech_start', 'speech_end'] as const;
export const DeviceEvent = Type.Object({
  type: Type.Literal('event'),
  cseq: CSeq,
  name: Type.Union(EVENT_NAMES.map((n) => Type.Literal(n))),
  value: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Number()])),
}, { additionalProperties: false });

export const Ack = Type.Object({ type: Type.Literal('ack'), seq: Seq }, { additionalProperties: false });

/** Schemas of device → server messages, by `type`. */
export const deviceMessageSchemas = { hello: Hello, text: TextAnswer, event: DeviceEvent, ack: Ack } satisfies Record<string, TSchema>;

export type HelloMsg = Static<typeof Hello>;
export type TextMsg = Static<typeof TextAnswer>;
export type EventMsg = Static<typeof DeviceEvent>;
export type AckMsg = Static<typeof Ack>;
export type DeviceMessage = HelloMsg | TextMsg | EventMsg | AckMsg;

/**
 * What the dialog expects next, as sent to the device (buttons, keypad). The gateway removes
 * the right answer (`expected`) before sending: the device never learns the check digits.
 */
export type Expect =
  | { kind: 'digits'; length: number; commands: string[] }
  | { kind: 'number'; min: number; max: number; commands: string[] }
  | { kind: 'yesno'; commands: string[] }
  | { kind: 'choice'; options: string[]; commands: string[] }
  | { kind: 'freeDigits'; minLength: number; maxLength: number; commands: string[] }
  | { kind: 'ready'; commands: string[] };

export interface DeviceSettings { language: 'en' | 'ru'; ttsRate: number; ttsVolume: number; ackEveryMs: number }

export type ServerMessage =
  | { type: 'welcome'; seq: number; v: number; sessionId: string; resumed: boolean; lastCseq: number; settings: DeviceSettings }
  | { type: 'prompt'; seq: number; text: string; language: 'en' | 'ru'; bargeIn: boolean; expect: Expect | null; node?: string }
  | { type: 'recognized'; seq: number; text: string; confidence: number }
  | { type: 'settings'; seq: number; settings: Partial<DeviceSettings> }
  | { type: 'error'; seq: number; code: string; message: string; fatal: boolean }
  | { type: 'bye'; seq: number; reason: string };

/** A server message before the session stamps its seq. */
export type Outgoing = ServerMessage extends infer M ? (M extends { seq: number } ? Omit<M, 'seq'> : never) : never;
