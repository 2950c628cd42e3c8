/**
 * The big-button fallback: turns the prompt's `expect` into what the screen offers. Pure, so the
 * mapping is unit-tested. Every button's `answer` is sent as a `text` message exactly as written:
 * digits as a digit string ("42"), words and commands as the canonical word ("ready", "yes").
 */
import type { Expect } from '../protocol/types.ts';
import { commandLabel, t, type Lang } from './i18n.ts';

export interface Button { label: string; answer: string; kind: 'primary' | 'command' }
export interface Keypad {
  /** The entry is sent as soon as it has this many digits (fixed-length answers), else on OK. */
  autoSubmitLength: number | null;
  maxLength: number;
  minLength: number;
  /** For `number`: the allowed range (OK is disabled outside it). */
  range: { min: number; max: number } | null;
}
export interface Layout { buttons: Button[]; keypad: Keypad | null }

export function layoutFor(expect: Expect | null, lang: Lang): Layout {
  if (!expect) return { buttons: [], keypad: null };
  const commands: Button[] = (expect.commands ?? []).map((c) => ({ label: commandLabel(lang, c), answer: c, kind: 'command' }));
  switch (expect.kind) {
    case 'ready':
      return { buttons: [{ label: t(lang, 'ready'), answer: 'ready', kind: 'primary' }, ...commands.filter((c) => c.answer !== 'ready')], keypad: null };
    case 'yesno':
      return {
        buttons: [{ label: t(lang, 'yes'), answer: 'yes', kind: 'primary' }, { label: t(lang, 'no'), answer: 'no', kind: 'primary' },
          ...commands.filter((c) => c.answer !== 'yes' && c.answer !== 'no')],
        keypad: null,
      };
    case 'choice':
      return { buttons: [...expect.options.map((o): Button => ({ label: commandLabel(lang, o), answer: o, kind: 'primary' })), ...commands], keypad: null };
    case 'digits':
      return { buttons: commands, keypad: { autoSubmitLength: expect.length, maxLength: expect.length, minLength: expect.length, range: null } };
    case 'freeDigits':
      return { buttons: commands, keypad: { autoSubmitLength: null, maxLength: expect.maxLength, minLength: expect.minLength, range: null } };
    case 'number':
      return {
        buttons: commands,
        keypad: { autoSubmitLength: null, maxLength: Math.max(1, String(Math.trunc(expect.max)).length), minLength: 1, range: { min: expect.min, max: expect.max } },
      };
    default: {
      const unknown = expect as { commands?: unknown };
      return { buttons: Array.isArray(unknown.commands) ? commands : [], keypad: null };
    }
  }
}

/** Keypad entry rules: returns the new entry, and whether it is complete (to be sent now). */
export function keypadPress(k: Keypad, entry: string, key: string): { entry: string; submit: boolean } {
  if (key === 'clear') return { entry: '', submit: false };
  if (key === 'ok') return { entry, submit: keypadValid(k, entry) };
  if (!/^[0-9]$/.test(key) || entry.length >= k.maxLength) return { entry, submit: false };
  const next = entry + key;
  return { entry: next, submit: k.autoSubmitLength !== null && next.length === k.autoSubmitLength };
}

export function keypadValid(k: Keypad, entry: string): boolean {
  if (entry.length < k.minLength || entry.length > k.maxLength) return false;
  if (k.range) { const n = Number(entry); return n >= k.range.min && n <= k.range.max; }
  return true;
}
