/**
 * The device protocol as the thin client sees it. Message *types* come from the gateway's
 * schemas (type-only import: nothing of the gateway ends up in the bundle); the close-code rule
 * is restated here for the browser and checked against `gateway/errors.ts` by a unit test.
 */
import type { DeviceSettings, Expect, ServerMessage, TextMsg, EventMsg, AckMsg, HelloMsg } from '../../../../gateway/protocol/messages.ts';

export type { DeviceSettings, Expect, ServerMessage, TextMsg, EventMsg, AckMsg, HelloMsg };
export type PromptMsg = Extract<ServerMessage, { type: 'prompt' }>;
export type WelcomeMsg = Extract<ServerMessage, { type: 'welcome' }>;
export type EventName = EventMsg['name'];

export const PROTOCOL_VERSION = 1;
export const FRAME_SAMPLES = 320; // 20 ms at 16 kHz
export const SAMPLE_RATE = 16000;

/** What to do after the socket closed with `code` (docs/protocol.md, "Errors and close codes"). */
export type CloseAction =
  | { kind: 'reconnect'; minDelayMs: number; immediate: boolean }
  | { kind: 'stop'; reason: 'ended' | 'auth' | 'revoked' | 'protocol' | 'version' | 'replaced' | 'unknown' };

export function closeAction(code: number): CloseAction {
  if (code === 1000) return { kind: 'stop', reason: 'ended' };
  if (code === 4000) return { kind: 'reconnect', minDelayMs: 0, immediate: true };
  if (code === 4002) return { kind: 'reconnect', minDelayMs: 5000, immediate: false };
  if (code === 1006 || code === 1001 || code === 1005 || code === 1009 || code === 1011 || code === 1012 || code === 1013) {
    return { kind: 'reconnect', minDelayMs: 0, immediate: false };
  }
  if (code >= 4000 && code < 4100) return { kind: 'reconnect', minDelayMs: 0, immediate: false };
  switch (code) {
    case 4100: return { kind: 'stop', reason: 'auth' };
    case 4101: return { kind: 'stop', reason: 'revoked' };
    case 4102: return { kind: 'stop', reason: 'protocol' };
    case 4103: return { kind: 'stop', reason: 'version' };
    case 4104: return { kind: 'stop', reason: 'replaced' };
    default: return code >= 4100 && code < 4200 ? { kind: 'stop', reason: 'unknown' } : { kind: 'reconnect', minDelayMs: 0, immediate: false };
  }
}

/** Parses one server text message. Never throws; unknown or malformed input is reported, not guessed. */
export function parseServerMessage(raw: string): { ok: true; msg: ServerMessage } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return { ok: false, error: `bad JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.seq !== 'number' || !Number.isInteger(v.seq) || v.seq < 0) return { ok: false, error: 'missing or bad seq' };
  switch (v.type) {
    case 'welcome':
      if (typeof v.sessionId !== 'string' || typeof v.resumed !== 'boolean' || typeof v.lastCseq !== 'number' || !isSettings(v.settings)) {
        return { ok: false, error: 'bad welcome' };
      }
      break;
    case 'prompt':
      if (typeof v.text !== 'string' || typeof v.bargeIn !== 'boolean' || (v.expect !== null && typeof v.expect !== 'object')) {
        return { ok: false, error: 'bad prompt' };
      }
      break;
    case 'recognized':
      if (typeof v.text !== 'string' || typeof v.confidence !== 'number') return { ok: false, error: 'bad recognized' };
      break;
    case 'settings':
      if (typeof v.settings !== 'object' || v.settings === null || Array.isArray(v.settings)) return { ok: false, error: 'bad settings' };
      break;
    case 'error':
      if (typeof v.code !== 'string' || typeof v.message !== 'string' || typeof v.fatal !== 'boolean') return { ok: false, error: 'bad error' };
      break;
    case 'bye':
      if (typeof v.reason !== 'string') return { ok: false, error: 'bad bye' };
      break;
    default:
      return { ok: false, error: `unknown type ${JSON.stringify(v.type ?? null).slice(0, 40)}` };
  }
  return { ok: true, msg: value as ServerMessage };
}

function isSettings(s: unknown): s is DeviceSettings {
  if (typeof s !== 'object' || s === null) return false;
  const o = s as Record<string, unknown>;
  return (o.language === 'en' || o.language === 'ru') && typeof o.ttsRate === 'number' && typeof o.ttsVolume === 'number'
    && typeof o.ackEveryMs === 'number';
}
