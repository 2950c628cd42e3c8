/**
 * The logger db/ writes to: a structural subset of pino's Logger (pass the gateway's pino child),
 * so db/ does not depend on pino. Fields first, constant message second.
 */
export interface DbLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const noop = (): void => undefined;
export const silentLogger: DbLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** Plain fields describing an error, for a structured log line. */
export function errFields(err: unknown): { err: { message: string; code?: string; name?: string } } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { err: { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) } };
  }
  return { err: { message: String(err) } };
}

/**
 * True when the error says something is wrong with the data of the statement (SQLSTATE class 22
 * "data exception" or 23 "integrity constraint violation"): retrying the same rows cannot help.
 * Everything else (no SQLSTATE = network, class 08 connection, 53 resources, 57 operator
 * intervention, 42 missing schema, timeouts) is treated as "database unavailable": retry later.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code);
}
