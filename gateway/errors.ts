/**
 * The one error catalogue: stable codes for the device protocol and the HTTP API.
 * Device errors say which close code follows (if fatal); HTTP errors carry their status.
 * See docs/protocol.md and docs/api.md. Codes never change meaning once released.
 */

/** WebSocket close codes. 4000–4099: the client should reconnect; 4100–4199: it should not. */
export const CloseCode = {
  NORMAL: 1000,
  SERVER_SHUTDOWN: 4000,
  HELLO_TIMEOUT: 4001,
  RATE_LIMITED: 4002,
  SLOW_CONSUMER: 4003,
  INTERNAL: 4004,
  AUTH_FAILED: 4100,
  DEVICE_REVOKED: 4101,
  PROTOCOL_ERROR: 4102,
  UNSUPPORTED_VERSION: 4103,
  REPLACED: 4104,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const shouldReconnect = (code: number): boolean => code === 1006 || (code >= 4000 && code < 4100);

interface DeviceErrorDef { message: string; close?: CloseCode }

export const DeviceErrors = {
  HELLO_TIMEOUT: { message: 'no valid hello received in time', close: CloseCode.HELLO_TIMEOUT },
  AUTH_FAILED: { message: 'unknown device or wrong token', close: CloseCode.AUTH_FAILED },
  DEVICE_REVOKED: { message: 'this device has been revoked', close: CloseCode.DEVICE_REVOKED },
  BAD_JSON: { message: 'message is not valid JSON', close: CloseCode.PROTOCOL_ERROR },
  BAD_MESSAGE: { message: 'message does not match its schema', close: CloseCode.PROTOCOL_ERROR },
  UNKNOWN_TYPE: { message: 'unknown message type', close: CloseCode.PROTOCOL_ERROR },
  AUDIO_BEFORE_HELLO: { message: 'audio frame received before hello', close: CloseCode.PROTOCOL_ERROR },
  BAD_AUDIO_FRAME: { message: 'audio frame has a bad size', close: CloseCode.PROTOCOL_ERROR },
  FRAME_TOO_LARGE: { message: 'message larger than the payload limit', close: CloseCode.PROTOCOL_ERROR },
  UNSUPPORTED_VERSION: { message: 'unsupported protocol version', close: CloseCode.UNSUPPORTED_VERSION },
  RATE_LIMITED: { message: 'too many messages', close: CloseCode.RATE_LIMITED },
  SLOW_CONSUMER: { message: 'device is not reading its messages', close: CloseCode.SLOW_CONSUMER },
  REPLACED: { message: 'a newer connection of this device took over', close: CloseCode.REPLACED },
  SERVER_SHUTDOWN: { message: 'server is restarting; reconnect and resume', close: CloseCode.SERVER_SHUTDOWN },
  INTERNAL: { message: 'internal error; reconnect and resume', close: CloseCode.INTERNAL },
  SESSION_NOT_FOUND: { message: 'session to resume not found; a new session was started' },
  DUPLICATE_HELLO: { message: 'hello already received; ignored' },
  ASR_BUSY: { message: 'speech recogniser is busy; please repeat' },
  WMS_UNAVAILABLE: { message: 'warehouse system is unavailable; please wait' },
} as const satisfies Record<string, DeviceErrorDef>;
export type DeviceErrorCode = keyof typeof DeviceErrors;

/** Errors of the HTTP API: `{ "error": { "code", "message", "details"? } }` with this status. */
export const ApiErrors = {
  BAD_REQUEST: { status: 400, message: 'request is not valid' },
  VALIDATION_FAILED: { status: 400, message: 'request body does not match its schema' },
  BAD_JSON: { status: 400, message: 'request body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, message: 'sign in first' },
  BAD_CREDENTIALS: { status: 401, message: 'wrong user name or password' },
  FORBIDDEN: { status: 403, message: 'not allowed for your role or site' },
  CSRF_FAILED: { status: 403, message: 'missing or wrong CSRF token' },
  NOT_FOUND: { status: 404, message: 'not found' },
  CONFLICT: { status: 409, message: 'conflicts with existing data' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large' },
  RATE_LIMITED: { status: 429, message: 'too many attempts; try again later' },
  INTERNAL: { status: 500, message: 'internal error' },
  UNAVAILABLE: { status: 503, message: 'not ready' },
  // console API (docs/api.md)
  METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed on this endpoint' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'send the body as application/json' },
  LAST_ADMIN: { status: 409, message: 'a site must keep at least one active admin' },
  SITE_NOT_FOUND: { status: 404, message: 'no such site (or not one of yours)' },
  LABEL_TAKEN: { status: 409, message: 'a device with this label already exists at this site' },
  NAME_TAKEN: { status: 409, message: 'this name is already taken' },
  UNKNOWN_SETTING: { status: 400, message: 'no such process setting' },
  BAD_AUDIO: { status: 400, message: 'a voice take is not usable audio (16-bit PCM mono WAV, 8-48 kHz, at most 3 s, 1-10 takes)' },
  ASR_UNAVAILABLE: { status: 503, message: 'speech recognition is not running on this gateway' },
} as const satisfies Record<string, { status: number; message: string }>;
export type ApiErrorCode = keyof typeof ApiErrors;

export class ApiError extends Error {
  readonly status: number;
  constructor(readonly code: ApiErrorCode, message?: string, readonly details?: unknown) {
    super(message ?? ApiErrors[code].message);
    this.status = ApiErrors[code].status;
  }
  toJSON(): { error: { code: string; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) } };
  }
}
