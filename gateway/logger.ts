import pino from 'pino';

export type Logger = pino.Logger;

/** The root logger. Per-session loggers are children carrying sessionId/deviceId as fields. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { ...base }, timestamp: pino.stdTimeFunctions.isoTime });
}
