/**
 * The one typed configuration: every setting comes from the environment with a default and a
 * one-line doc. `loadConfig` validates them all and throws one ConfigError listing every bad value.
 */
import os from 'node:os';
import { ConfigError, readSection, type Section, type Values } from './define.ts';
import { core } from './core.ts';
import { asr } from './asr.ts';
import { dialog } from './dialog.ts';
import { console as consoleSection } from './console.ts';

export { ConfigError } from './define.ts';

export const sections = { core, asr, dialog, console: consoleSection } as const satisfies Record<string, Section>;

export interface Config {
  core: Values<typeof core>;
  asr: Values<typeof asr>;
  dialog: Values<typeof dialog>;
  console: Values<typeof consoleSection>;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const errors: string[] = [];
  const cfg: Config = {
    core: readSection(core, env, errors),
    asr: readSection(asr, env, errors),
    dialog: readSection(dialog, env, errors),
    console: readSection(consoleSection, env, errors),
  };
  if (errors.length) throw new ConfigError(`invalid configuration:\n  ${errors.join('\n  ')}`);
  if (!cfg.core.nodeId) cfg.core.nodeId = `${os.hostname()}:${process.pid}`;
  if (cfg.core.wmsSimulator === 'auto') {
    cfg.core.wmsSimulator = env.WMS_URL || env.WMS_LUT_ADDRESS ? 'off' : 'on';
  }
  return cfg;
}

/** Text for `--help` and `npm run config -- --print`: every setting, its default and doc. */
export function describeConfig(current?: Config): string {
  const lines: string[] = ['Settings (environment variables):', ''];
  for (const [name, section] of Object.entries(sections) as [keyof Config, Section][]) {
    lines.push(`[${name}]`);
    for (const [key, s] of Object.entries(section)) {
      const value = current ? (current[name] as Record<string, unknown>)[key] : s.default;
      const shown = s.secret && value ? '***' : value === undefined || value === '' ? '(unset)' : JSON.stringify(value);
      lines.push(`  ${s.env.padEnd(30)} ${shown.padEnd(12)} ${s.doc}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
