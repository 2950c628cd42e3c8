/**
 * Reading what was heard back into an answer: recognised words (or template tokens) → the
 * normalised answer of an expectation, and whether a partial hypothesis may end the utterance
 * early. Pure functions over grammar.ts's vocabulary; imports only grammar.ts and types.ts.
 */
import { DIGIT_WORDS, TEENS, TENS, numberWords, phraseWords } from './grammar.ts';
import type { Expectation } from './types.ts';

export interface Interpretation {
  /** Normalised text, or null when the words do not form a valid answer. */
  text: string | null;
  isCommand: boolean;
  /** The answer is complete: nothing more can follow (grammar-aware early end). */
  complete: boolean;
}

const WORD_VALUE = new Map<string, number>([
  ...DIGIT_WORDS.map((w, i) => [w, i] as [string, number]), ['oh', 0],
  ...TEENS.map((w, i) => [w, 10 + i] as [string, number]),
  ...TENS.map((w, i) => [w, i * 10] as [string, number]).filter(([w]) => w),
]);

function wordsToNumber(ws: string[]): number | null {
  let total = 0, cur = 0;
  for (const w of ws) {
    if (w === 'hundred') { cur = (cur || 1) * 100; continue; }
    if (w === 'and') continue;
    const v = WORD_VALUE.get(w);
    if (v === undefined) return null;
    cur += v;
  }
  total += cur;
  return ws.length ? total : null;
}

/** Turns recognised words (or template tokens) into the normalised answer for the expectation. */
export function interpret(e: Expectation, words: string[]): Interpretation {
  const phrase = words.join(' ');
  const cmds = e.commands.map((c) => phraseWords(c).join(' '));
  if (cmds.includes(phrase) && !(e.kind === 'ready' && phrase === 'ready')) return { text: phrase, isCommand: true, complete: true };
  const none = { text: null, isCommand: false, complete: false };
  switch (e.kind) {
    case 'digits': case 'freeDigits': {
      const ds = words.map((w) => (/^[0-9]$/.test(w) ? w : WORD_VALUE.get(w)));
      if (ds.some((d) => d === undefined || Number(d) > 9)) return none;
      const text = ds.join('');
      const [lo, hi] = e.kind === 'digits' ? [e.length, e.length] : [e.minLength, e.maxLength];
      if (text.length < lo || text.length > hi) return none;
      if (e.kind === 'freeDigits' && e.known) {
        if (!e.known.includes(text)) return none;
        return { text, isCommand: false, complete: !e.known.some((k) => k !== text && k.startsWith(text)) };
      }
      return { text, isCommand: false, complete: text.length === hi };
    }
    case 'number': {
      const n = words.length === 1 && /^[0-9]+$/.test(words[0]!) ? Number(words[0]) : wordsToNumber(words);
      if (n === null || n < e.min || n > e.max) return none;
      return { text: String(n), isCommand: false, complete: !numberGoesOn(n, e.min, e.max) };
    }
    case 'yesno': return phrase === 'yes' || phrase === 'no' ? { text: phrase, isCommand: false, complete: true } : none;
    case 'choice': {
      const opts = e.options.map((o) => phraseWords(o).join(' '));
      if (!opts.includes(phrase)) return none;
      return { text: phrase, isCommand: false, complete: !goesOn(e.options, words) };
    }
    case 'ready': return phrase === 'ready' ? { text: 'ready', isCommand: false, complete: true } : none;
  }
}

/**
 * Whether a partial hypothesis may end the utterance after the short (early-end) silence: a
 * complete answer, or the first word(s) of a multi-word command that no answer starts with ("say"
 * of "say again"). A command is said in one breath, so a pause after its first word ends what was
 * said; live, digits heard as the start of "say again" waited out the full silence (round 10).
 * An answer said so far ("twenty" of 0–48, two of three free digits) waits: pickers pause there;
 * so does a digit string whose first digit was heard as a command's start (offline, with 100–250 ms
 * pauses between digits, 8 → 13 check strings in 100 were cut).
 */
export function partialEndsEarly(e: Expectation, words: string[]): boolean {
  if (words.length === 0) return false;
  const it = interpret(e, words);
  if (it.complete) return true;
  // a digit string's pauses come between its digits: a misheard first digit must not end it
  if (it.text !== null || e.kind === 'digits' || e.kind === 'freeDigits') return false;
  return goesOn(e.commands, words) && !(e.kind === 'choice' && goesOn(e.options, words));
}

/** Whether one of `phrases` goes on from `words` (they are its first words, and it has more). */
function goesOn(phrases: readonly string[], words: string[]): boolean {
  return phrases.some((p) => {
    const pw = phraseWords(p);
    return pw.length > words.length && words.every((w, i) => pw[i] === w);
  });
}

/**
 * Whether a partial hypothesis is the answer the dialog knows to be right: the expected check
 * digits or quantity, or "ready" where nothing else is an answer. `heard` is the expectation as
 * the grammar hears it (a number's span), `e` the dialog's.
 */
export function partialIsKnown(e: Expectation, heard: Expectation, words: string[]): boolean {
  const known = e.kind === 'ready' ? 'ready' : expectedText(e);
  return known !== undefined && words.length > 0 && interpret(heard, words).text === known;
}

/**
 * Whether a number the grammar holds goes on from `n`'s words ("twenty" → "twenty four", "three" →
 * "three hundred"): then `n` said so far is not yet a complete answer. Every continuation is
 * within n+1..n+99 or n×100..n×100+99.
 */
function numberGoesOn(n: number, min: number, max: number): boolean {
  const w = numberWords(n);
  const goesOn = (m: number): boolean => {
    if (m < min || m > max || m > 999) return false;
    const v = numberWords(m);
    return v.length > w.length && w.every((x, i) => v[i] === x);
  };
  for (let k = 1; k <= 99; k++) if (goesOn(n + k)) return true;
  for (let k = 0; k <= 99; k++) if (n > 0 && goesOn(n * 100 + k)) return true;
  return false;
}

/** The expected answer in normalised form, if the dialog gave one. */
export function expectedText(e: Expectation): string | undefined {
  if (e.kind === 'digits' && e.expected !== undefined) return e.expected;
  if (e.kind === 'number' && e.expected !== undefined) return String(e.expected);
  return undefined;
}
