/**
 * Typed settings: each one is read from an environment variable, has a default and a one-line
 * doc, and is validated at start-up. A bad value is a ConfigError naming the variable.
 */
export class ConfigError extends Error {
  constructor(message: string) { super(message); this.name = 'ConfigError'; }
}

export interface Setting<T> {
  env: string;
  doc: string;
  /** Default, or undefined for an optional setting with no default. */
  default: T;
  parse(raw: string): T;
  /** How the default is shown by `config --print` (secrets are masked). */
  secret?: boolean;
}

type Env = Record<string, string | undefined>;

export const str = (env: string, def: string, doc: string, secret = false): Setting<string> =>
  ({ env, doc, default: def, secret, parse: (raw) => raw });

export const optStr = (env: string, doc: string, secret = false): Setting<string | undefined> =>
  ({ env, doc, default: undefined, secret, parse: (raw) => (raw === '' ? undefined : raw) });

export const int = (env: string, def: number, doc: string, min = -Infinity, max = Infinity): Setting<number> => ({
  env, doc, default: def,
  parse(raw) {
    if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${env} must be a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new ConfigError(`${env} must be between ${min} and ${max}, got ${n}`);
    return n;
  },
});

export const num = (env: string, def: number, doc: string, min = -Infinity, max = Infinity): Setting<number> => ({
  env, doc, default: def,
  parse(raw) {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${env} must be a number, got "${raw}"`);
    if (n < min || n > max) throw new ConfigError(`${env} must be between ${min} and ${max}, got ${n}`);
    return n;
  },
});

export const bool = (env: string, def: boolean, doc: string): Setting<boolean> => ({
  env, doc, default: def,
  parse(raw) {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new ConfigError(`${env} must be true or false, got "${raw}"`);
  },
});

export const oneOf = <T extends string>(env: string, def: T, values: readonly T[], doc: string): Setting<T> => ({
  env, doc, default: def,
  parse(raw) {
    if (!(values as readonly string[]).includes(raw)) {
      throw new ConfigError(`${env} must be one of ${values.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  },
});

export type Section = Record<string, Setting<unknown>>;
export type Values<S extends Section> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Reads every setting of a section; collects all errors so the operator sees them at once. */
export function readSection<S extends Section>(section: S, env: Env, errors: string[]): Values<S> {
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(section)) {
    const raw = env[setting.env];
    if (raw === undefined) { out[key] = setting.default; continue; }
    try {
      out[key] = setting.parse(raw);
    } catch (err) {
      errors.push(err instanceof ConfigError ? err.message : `${setting.env}: ${(err as Error).message}`);
    }
  }
  return out as Values<S>;
}
