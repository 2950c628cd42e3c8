/**
 * Grammars from expectations. The dialog sends a structured expectation; this compiles it into
 * JSGF for the speaker-independent decoder (English words), lists the canonical tokens the
 * template matcher may choose from (language independent). What was heard is read back into an
 * answer by interpret.ts.
 *
 * Expected-answer bias: when the dialog knows the right answer, the grammar offers it as its own
 * weighted branch next to the free branch of the same shape, so the decoder prefers it only when
 * the acoustics are close; a clearly different string still wins through the free branch.
 */
import type { Expectation } from './types.ts';

export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** A digit word as its token ("seven" → "7"); other words unchanged. */
export function digitOf(word: string): string {
  const d = (DIGIT_WORDS as readonly string[]).indexOf(word);
  return d < 0 ? word : String(d);
}
export const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
export const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** The global words the product knows; `commands` in an expectation must come from here. */
export const KNOWN_COMMANDS = [
  'ready', 'repeat', 'say again', 'skip', 'short', 'help', 'how much more', 'sign off', 'cancel',
  'talk louder', 'talk softer', 'talk faster', 'talk slower',
] as const;

/**
 * Filler words: common English words outside every vocabulary. They compete with the answer in
 * the grammar; when one wins, the utterance is out of grammar. (Not the OOG test words.)
 */
export const FILLER_PREFIX = 'filler_';
export const FILLER_WORDS = ['the', 'and', 'what', 'is', 'it', 'this', 'that', 'well', 'um', 'uh', 'hmm', 'okay', 'hey', 'hi', 'where',
  'when', 'which', 'can', 'get', 'got', 'go', 'put', 'box', 'case', 'item', 'pick', 'place', 'wait', 'look', 'see', 'sorry',
  'please', 'thanks', 'good', 'bad', 'big', 'small', 'back', 'up', 'down', 'here', 'there', 'now', 'then', 'just', 'like', 'know',
  'think', 'want', 'need', 'make', 'take', 'come', 'hand', 'floor', 'shelf', 'bin', 'label', 'scan', 'carton', 'rack', 'aisle',
  'lot', 'mister', 'miss', 'people', 'work', 'break', 'lunch', 'coffee', 'bring', 'carry', 'lift', 'heavy', 'light', 'red',
  'blue', 'green', 'black', 'white', 'brown'];

export class GrammarError extends Error {
  readonly code = 'ASR_BAD_EXPECTATION';
  constructor(message: string) { super(message); this.name = 'GrammarError'; }
}

export interface GrammarOptions {
  /** Accept "oh" for zero (off by default: it steals "two"s). */
  allowOh?: boolean;
  /**
   * > 0: bias towards the expected answer (0: none, for numbers too). Digit strings: the grammar
   * holds the expected string and its one-digit neighbours, the expected one `biasWeight` times as
   * likely as each neighbour. JSGF weights reach the search as plain probabilities (not scaled by
   * the language weight): a ratio of 8 is ~2 nats next to acoustic differences of tens of nats
   * between digits. Measured (bench:asr, asr.md round 11): 8 / 1e4 / 1e6 → check_accept 0.815 /
   * 0.84 / 0.84, false accept 0.015 / 0.015 / 0.025 (engine default 1e4).
   */
  biasWeight?: number;
  /**
   * Numbers (quantities) with a known expected value: how much likelier it is than the rest of
   * the span (default DEFAULT_NUMBER_BIAS_WEIGHT; with `biasWeight` > 0 only). Measured (bench:asr
   * qty_accept / qty_false_accept, a single digit said against itself / another expected, as in a
   * short pick; asr.md round 11): 8 → 0.925 / 0, 1e3 → 0.935 / 0.005, 1e6 → 0.955 / 0.
   */
  numberBiasWeight?: number;
  /**
   * Prior of the command branch against the answer branch (1 = as likely). Commands are long and
   * unlike digits, so a small prior keeps a digit from being heard as a command while commands
   * stay recognised (docs/performance/asr.md round 11).
   */
  commandPrior?: number;
  /** Weight of the filler-word branch (0 = none). */
  fillerWeight?: number;
  /**
   * Decoder search settings for free digit strings (freeDigits, maxLength > 1): insertion
   * penalties against digits inserted into operator numbers and PINs. Measured (bench:asr):
   * free_string_accuracy 0.40 → 0.71; applied globally they cost single digits (george 0.92 → 0.77),
   * so only these grammars get them.
   */
  freeDigitsDecoder?: Record<string, number>;
  /** A number with a known expected value spans 0..max(2×expected, expected+9) of its range (default true). */
  numberSpan?: boolean;
  /**
   * Whether fixed-length digit strings (check digits, fixed-length or listed operator numbers) may
   * end early once the partial hypothesis holds the full count with a settled last word:
   * 'expected' (default) strings whose right answer the dialog knows (check digits), 'all' every
   * such string, 'off' none (they wait out the full trailing silence). Measured in real time
   * (diag:asr-endpoint, asr.md round 9): check strings lose nothing with an early end, PINs lose
   * 7–10 points (a pause between digits ends them), and the spoken end-to-end test misheard
   * sign-on strings with 'all' (round 7).
   */
  fixedEarlyEnd?: FixedEarlyEnd;
}

export type FixedEarlyEnd = 'off' | 'expected' | 'all';

/**
 * The engine's default command prior (GrammarOptions.commandPrior). Measured (bench:asr,
 * docs/performance/asr.md round 11): 1 → 1e-12 took si 0.857 → 0.900, false rejection 0.057 →
 * 0.029, fused 0.988 → 0.996, with every flite command still recognised in diag:asr-oog.
 */
export const DEFAULT_COMMAND_PRIOR = 1e-12;

/** The engine's default digit-string bias (GrammarOptions.biasWeight; asr.md round 11). */
export const DEFAULT_BIAS_WEIGHT = 1e4;

/** The engine's default quantity bias (GrammarOptions.numberBiasWeight; asr.md round 11). */
export const DEFAULT_NUMBER_BIAS_WEIGHT = 1e6;

/**
 * What a partial hypothesis's last word had to last while speech went on, where the search's best
 * path often ends in a word only just begun (a guess from its first phone). Partials are posted
 * at pauses only since round 13, so no code applies it now; it is kept as the measured reference
 * that EARLY_END_PAUSE_WORD_MS replaced (asr/test/early-end-real.test.ts).
 */
export const EARLY_END_MIN_WORD_MS = 150;

/**
 * A partial hypothesis (posted at a pause) counts as a complete answer only when its last word
 * lasted this long up to where the silence began (so a word fitted into the silence does not
 * count). With EARLY_END_MIN_WORD_MS short digits ("six", "eight" of ~100 ms) never settled and
 * waited out the full trailing silence (docs/performance/asr.md round 13).
 */
export const EARLY_END_PAUSE_WORD_MS = 80;

/** Longest `freeDigits.known` list (the grammar holds one branch per entry). */
export const MAX_KNOWN = 2000;

export const FREE_DIGITS_DECODER: Readonly<Record<string, number>> = { silprob: 0.5, pip: 0.1, wip: 0.1 };

export interface CompiledGrammar {
  jsgf: string;
  /** Dictionary words the grammar uses. */
  words: string[];
  /** Canonical tokens the template matcher may choose from for a single-token answer. */
  tokens: string[];
  /** A cache key: equal keys, equal grammar. */
  key: string;
  /**
   * Whether a complete partial hypothesis (with a settled last word, EARLY_END_PAUSE_WORD_MS) may
   * end the utterance early. For fixed-length digit strings only with `fixedEarlyEnd`.
   */
  earlyEnd: boolean;
  /**
   * Whether the decoder hears the first PAUSE_MS of a pause at the pause (so a last word ending in
   * a fricative or stop exits and the partial can be complete): not for fixed-length strings,
   * where it let a digit be fitted into a pause between digits (asr.md round 9).
   */
  pauseAudio: boolean;
  /** Decoder search settings this grammar is decoded with (over the decoder's defaults). */
  decoder: Record<string, number>;
  /** The expectation as far as the grammar can hear it (a number's span): what "complete" is judged against. */
  heard: Expectation;
}

/** Words → JSGF-safe lower-case tokens. */
export function phraseWords(phrase: string): string[] {
  return phrase.toLowerCase().replace(/[^a-z' ]+/g, ' ').trim().split(/\s+/).filter(Boolean);
}

export function numberWords(n: number): string[] {
  if (!Number.isInteger(n) || n < 0 || n > 999) throw new GrammarError(`number ${n} is outside 0..999`);
  if (n < 10) return [DIGIT_WORDS[n]!];
  if (n < 20) return [TEENS[n - 10]!];
  if (n < 100) return n % 10 === 0 ? [TENS[n / 10]!] : [TENS[Math.floor(n / 10)]!, DIGIT_WORDS[n % 10]!];
  const rest = n % 100;
  return [DIGIT_WORDS[Math.floor(n / 100)]!, 'hundred', ...(rest ? numberWords(rest) : [])];
}

function validate(e: Expectation): void {
  const bad = (m: string): never => { throw new GrammarError(m); };
  if (!e || typeof e !== 'object' || !Array.isArray((e as { commands?: unknown }).commands)) bad('expectation must be an object with commands[]');
  for (const c of e.commands) if (typeof c !== 'string' || phraseWords(c).length === 0) bad(`bad command ${JSON.stringify(c)}`);
  switch (e.kind) {
    case 'digits':
      if (!Number.isInteger(e.length) || e.length < 1 || e.length > 10) bad('digits.length must be 1..10');
      if (e.expected !== undefined && (typeof e.expected !== 'string' || !new RegExp(`^[0-9]{${e.length}}$`).test(e.expected))) bad('digits.expected must be a digit string of that length');
      break;
    case 'number':
      if (!Number.isInteger(e.min) || !Number.isInteger(e.max) || e.min < 0 || e.max > 999 || e.min > e.max) bad('number range must be integers within 0..999, min <= max');
      if (e.expected !== undefined && (!Number.isInteger(e.expected) || e.expected < e.min || e.expected > e.max)) bad('number.expected must be within the range');
      break;
    case 'freeDigits':
      if (!Number.isInteger(e.minLength) || !Number.isInteger(e.maxLength) || e.minLength < 1 || e.maxLength > 20 || e.minLength > e.maxLength) bad('freeDigits lengths must be 1..20, min <= max');
      if (e.known !== undefined) {
        const ok = new RegExp(`^[0-9]{${e.minLength},${e.maxLength}}$`);
        if (!Array.isArray(e.known) || e.known.length === 0 || e.known.length > MAX_KNOWN || e.known.some((k) => typeof k !== 'string' || !ok.test(k))) {
          bad(`freeDigits.known must be 1..${MAX_KNOWN} digit strings of the allowed lengths`);
        }
      }
      break;
    case 'choice':
      if (!Array.isArray(e.options) || e.options.length === 0 || e.options.some((o) => typeof o !== 'string' || phraseWords(o).length === 0)) bad('choice.options must be non-empty phrases');
      break;
    case 'yesno': case 'ready': break;
    default: bad(`unknown expectation kind ${JSON.stringify((e as { kind?: unknown }).kind)}`);
  }
}

const alt = (xs: string[]): string => xs.map((x) => `(${x})`).join(' | ');

/** A JSGF weight as a plain decimal (the grammar's lexer takes no exponent), 7 significant digits, at least 1e-30. */
export function jsgfWeight(x: number): string {
  if (!(x > 0) || !Number.isFinite(x)) throw new GrammarError(`a grammar weight must be a positive finite number, got ${x}`);
  const [mant, ex] = Math.max(x, 1e-30).toExponential(6).split('e') as [string, string];
  const digits = mant.replace('.', '').replace(/0+$/, '');
  const e = Number(ex);
  if (e < 0) return `0.${'0'.repeat(-e - 1)}${digits}`;
  return digits.length > e + 1 ? `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}` : digits + '0'.repeat(e + 1 - digits.length);
}

/** Compiles an expectation to JSGF; throws GrammarError (code ASR_BAD_EXPECTATION) on a bad one. */
export function compileGrammar(e: Expectation, opts: GrammarOptions = {}): CompiledGrammar {
  validate(e);
  const bias = opts.biasWeight ?? 0;
  const digit = [...DIGIT_WORDS, ...(opts.allowOh ? ['oh'] : [])];
  const rules: string[] = [`<d> = ${digit.join(' | ')};`];
  let answer: string;
  let tokens: string[] = [];
  let heard: Expectation = e;
  switch (e.kind) {
    case 'digits': {
      const free = Array(e.length).fill('<d>').join(' ');
      if (e.expected !== undefined && bias > 0 && e.length > 1) {
        // SoundSwallower ignores JSGF weights (measured), so the bias is structural: the
        // expected string and every string one digit away from it. A different string the
        // picker really said is most likely one digit away, so it stays recognisable.
        const exp = [...e.expected].map(Number);
        const alts: number[][] = [];
        for (let i = 0; i < exp.length; i++) for (let d = 0; d < 10; d++) if (d !== exp[i]) alts.push(exp.map((x, j) => (j === i ? d : x)));
        answer = `/${jsgfWeight(bias)}/ (${exp.map((d) => digit[d]).join(' ')}) | /1/ <near>`;
        rules.push(`<near> = ${alt(alts.map((a) => a.map((d) => digit[d]).join(' ')))};`);
      } else answer = free;
      if (e.length === 1) tokens = [...'0123456789'];
      break;
    }
    case 'freeDigits':
      // A roster closes the grammar: a number that is nobody's cannot be heard.
      if (e.known) answer = alt([...new Set(e.known)].map((k) => [...k].map((d) => digit[Number(d)]).join(' ')));
      else answer = `${Array(e.minLength).fill('<d>').join(' ')}${' [<d>'.repeat(e.maxLength - e.minLength)}${']'.repeat(e.maxLength - e.minLength)}`;
      if (e.minLength === 1 && e.maxLength === 1) tokens = [...'0123456789'];
      break;
    case 'number': {
      const values: string[] = [];
      // Expected quantity known: the grammar spans 0..max(2×expected, expected+9) of the range
      // (short picks and plausible over-picks), not all of it: "three" against 0–999 was heard
      // as thirteen / thirty / thirty-two (docs/performance/asr.md, round 5).
      const span = e.expected !== undefined && (opts.numberSpan ?? true) ? Math.max(e.expected * 2, e.expected + 9) : Infinity;
      const hi = Math.max(Math.min(e.max, span), e.min);
      if (hi < e.max) heard = { ...e, max: hi };
      for (let n = e.min; n <= hi; n++) values.push(numberWords(n).join(' '));
      if (e.expected !== undefined && bias > 0) {
        answer = `/${jsgfWeight(opts.numberBiasWeight ?? DEFAULT_NUMBER_BIAS_WEIGHT)}/ (${numberWords(e.expected).join(' ')}) | /1/ (<num>)`;
      } else answer = '<num>';
      rules.push(`<num> = ${alt(values)};`);
      if (e.max <= 9) tokens = values.map((_, i) => String(e.min + i));
      break;
    }
    case 'yesno': answer = 'yes | no'; tokens = ['yes', 'no']; break;
    case 'choice': answer = alt(e.options.map((o) => phraseWords(o).join(' '))); tokens = e.options.map((o) => phraseWords(o).join(' ')); break;
    case 'ready': answer = 'ready'; tokens = ['ready']; break;
  }
  const cmds = [...new Set(e.commands.map((c) => phraseWords(c).join(' ')))].filter((c) => !(e.kind === 'ready' && c === 'ready'));
  const fw = opts.fillerWeight ?? 0;
  const branches = ['<answer>', ...(cmds.length ? ['<cmd>'] : [])];
  const cp = opts.commandPrior ?? 1;
  const choice = cmds.length && cp !== 1 ? `/1/ <answer> | /${jsgfWeight(cp)}/ <cmd>` : branches.join(' | ');
  const top = fw > 0 ? `public <r> = /1/ (${choice}) | /${jsgfWeight(fw)}/ <filler>;` : `public <r> = ${choice};`;
  if (cmds.length) rules.push(`<cmd> = ${alt(cmds)};`);
  if (fw > 0) rules.push(`<filler> = (${FILLER_WORDS.map((w) => FILLER_PREFIX + w).join(' | ')})+;`);
  const jsgf = `#JSGF V1.0;\ngrammar g;\n${top}\n<answer> = ${answer};\n${rules.join('\n')}\n`;
  const words = [...new Set(jsgf.split('\n').slice(2).join(' ').replace(/<[^>]+>|\/[0-9.]+\/|[|()[\];=*+]/g, ' ').split(/\s+/).filter((w) => /^[a-z_']+$/.test(w) && w !== 'public'))];
  const decoder = e.kind === 'freeDigits' && e.maxLength > e.minLength && !e.known ? { ...(opts.freeDigitsDecoder ?? FREE_DIGITS_DECODER) } : {};
  const fixed = opts.fixedEarlyEnd ?? 'expected';
  const earlyEnd = !fixedLength(e) || fixed === 'all' || (fixed === 'expected' && e.kind === 'digits' && e.expected !== undefined);
  return { jsgf, words, tokens: [...tokens, ...cmds], key: `${JSON.stringify(decoder)}${jsgf}`, earlyEnd, pauseAudio: !fixedLength(e), decoder, heard };
}

/**
 * A digit string of a fixed count (> 1) or a closed list (`known`): a pause between its digits is
 * where an early end could cut it. The partial hypothesis is the search's best path so far, which
 * holds only the digits heard (measured on real speech: "four", "four seven", then "four seven
 * two"), but it may briefly guess a full string while a digit is still being said.
 */
function fixedLength(e: Expectation): boolean {
  return (e.kind === 'digits' && e.length > 1) || (e.kind === 'freeDigits' && e.maxLength > 1 && (!!e.known || e.minLength === e.maxLength));
}
