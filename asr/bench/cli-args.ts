/**
 * Command-line parsing shared by the asr benchmarks and diagnostics: `--help` prints the script's
 * usage and exits 0; an unknown option, a missing value or a missing required option prints the
 * problem and the usage and exits 2 (never a stack trace). `cliNumber` checks a numeric option.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = { [K in keyof O]: O[K] extends { type: 'boolean' } ? boolean | undefined : string | undefined };

export function cliArgs<O extends Options, R extends keyof O & string = never>(name: string, help: string, options: O, required: R[] = []): Values<O> & { [K in R]: string } {
  const fail = (msg: string): never => {
    process.stderr.write(`${name}: ${msg}\n\n${help}`);
    process.exit(2);
  };
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean' } } }).values;
  } catch (err) {
    return fail((err as Error).message);
  }
  if (values.help) { process.stdout.write(help); process.exit(0); }
  for (const k of required) if (values[k] === undefined) fail(`--${k} is required`);
  return values as Values<O> & { [K in R]: string };
}

/** A non-negative number option (`integer`: a whole one), `dflt` when absent; otherwise the problem and the usage, exit 2. */
export function cliNumber(name: string, help: string, flag: string, v: string | undefined, dflt?: number, integer = false): number | undefined {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    process.stderr.write(`${name}: --${flag} expected a non-negative ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}\n\n${help}`);
    process.exit(2);
  }
  return n;
}
