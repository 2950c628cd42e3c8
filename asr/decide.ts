/**
 * Fusion and rejection. Confidence is built from what measurably separates right from wrong:
 * agreement of the speaker-independent decoder (SI) with the operator's templates (SD), the
 * template matcher's best/second distance ratio and absolute distance, the expected answer, and
 * whether the decoder preferred a filler (out-of-grammar) word. The decoder's own word
 * probabilities are not used: they do not separate right from wrong.
 */
import { numberWords, DIGIT_WORDS, FILLER_PREFIX, digitOf } from './grammar.ts';
import { expectedText, interpret } from './interpret.ts';
import type { Expectation, NoMatchReason } from './types.ts';
import type { OogScore, SdMatch } from './worker-protocol.ts';

export interface DecideOptions {
  /** Below this confidence the answer is rejected (per-site setting). */
  rejectThreshold: number;
  /** Below this the dialog should confirm instead of acting. */
  confirmThreshold: number;
  /** Template distance above which speech is out of the enrolled vocabulary. */
  maxTemplateDistance: number;
  /**
   * Check strings: when the decoder's winner is not the expected answer, the expected answer is
   * still accepted if its own path score is within this margin (log base 1.0001) of the winner's.
   * 0 = off. Larger accepts more right answers and more wrong ones (measured in bench:asr).
   */
  expectedMargin: number;
  /**
   * Out-of-grammar rejection: (phone-loop score − grammar score) per 10 ms frame above this
   * rejects the utterance (log base 1.0001). 0 = off (and no phone-loop pass is decoded).
   */
  oogThreshold: number;
  /**
   * The same rejection when the grammar heard exactly the answer the dialog knows to be right (a
   * quantity; check digits when their loop is not deferred): the loop must beat the grammar by
   * this much (never less than `oogThreshold`). `npm run diag:asr-oog -- --data
   * ../shared/speech/fsdd-dev --n 150 --quantity` (459 right quantities and 34 of 540 flite
   * out-of-grammar words heard as the expected word): at 20 the loop rejected 10 right answers and
   * let 6 out-of-grammar words through as the quantity; at 25, 1 and 11 (docs/performance/asr.md round 17).
   */
  oogExpectedThreshold: number;
  /**
   * Check strings of an enrolled operator: where the decoder heard a digit other than the
   * expected one, the expected digit's templates must be closer than the heard digit's times this
   * factor for the expected answer to win (0 = off). Lower is stricter (fewer false accepts).
   */
  checkTemplateRatio: number;
  /**
   * One-token answers where the decoder and the templates disagree: the templates' token wins
   * when its distance is below the decoder token's distance times this factor.
   */
  sdOverSiRatio: number;
  /**
   * Fixed-length digit strings of an enrolled operator: the templates' connected reading wins over
   * a different decoder string when the decoder's string, forced onto the templates, costs more
   * than this per frame above it (0 = off). Measured on 600 PINs (fsdd-dev, round 5): at 0.3 the
   * templates were right in 89 cases where the decoder was wrong, and wrong in 6 where it was right.
   */
  connectedMargin: number;
  /**
   * Templates first (`templatesFirst`, verify.ts): each expected check digit, matched on its own
   * against the operator's ten digits, must be closest by a best / second-best ratio under this.
   * Offline (fsdd-dev, 300 enrolled check strings, docs/performance/asr.md round 14): 0.9 confirmed
   * 0.74 of the right strings and none of 300 one digit off; 0.95 confirmed 0.895, none wrong.
   */
  templatesFirstRatio: number;
  /**
   * Out of an enrolled operator's vocabulary: a one-word answer whose closest template lies
   * further than this many times the operator's own take-to-take distance (`SdMatch.scale`) is
   * rejected, unless the decoder heard a word the operator never enrolled (a command). 0 = off.
   * Measured (docs/performance/asr.md round 18): at 1.6, 1 of 1,877 right fsdd-dev digits lost,
   * out-of-vocabulary words of flite voices enrolled on their own digits accepted 95 → 26 of 180.
   */
  templateScaleLimit: number;
}

export const DEFAULT_DECIDE: DecideOptions = { rejectThreshold: 0.5, confirmThreshold: 0.8, maxTemplateDistance: 60, expectedMargin: 0, oogThreshold: 20, oogExpectedThreshold: 25, checkTemplateRatio: 0.95, sdOverSiRatio: 0.9, connectedMargin: 0.3, templatesFirstRatio: 0.9, templateScaleLimit: 1.6 };

export interface DecideInput {
  expectation: Expectation;
  siWords: string[] | null;
  sd: SdMatch | null;
  sdSegments: SdMatch[] | null;
  /**
   * The templates' reading of a fixed-length digit string as connected words (connected.ts): its
   * tokens, its path cost per frame, and the cost of the decoder's string forced onto them.
   */
  sdConnected?: { tokens: string[]; score: number; siScore: number | null } | null;
  /** Path scores of the decoder's winner and of the expected answer (when they differed). */
  rescore?: Rescore | null;
  /** Phone-loop evidence (when oogThreshold > 0). */
  oog?: OogScore | null;
  /** Templates first confirmed the expected digits (each one's own match; the decoder never heard them). */
  templatesFirst?: SdMatch[] | null;
}

export interface Rescore { best: number; expected: number | null }

/** Out-of-grammar evidence per 10 ms of speech: (phone loop − grammar) path score; compared with `oogThreshold`. */
export function oogPerFrame(o: OogScore): number { return (o.loop - o.constrained) / o.frames; }

/** Words of the expected answer as the decoder spells them (digit strings and numbers), else null. */
export function expectedWords(e: Expectation | null): string[] | null {
  return e?.kind === 'digits' && e.length === 1 ? null : knownAnswerWords(e);
}

/**
 * Words of the answer the dialog knows to be right, as the decoder spells them: check digits of
 * any length and a quantity; else null (the phone loop may wait for the grammar's winner, engine.ts).
 */
export function knownAnswerWords(e: Expectation | null): string[] | null {
  if (e?.kind === 'digits' && e.expected !== undefined) return [...e.expected].map((d) => DIGIT_WORDS[Number(d)]!);
  if (e?.kind === 'number' && e.expected !== undefined) return numberWords(e.expected);
  return null;
}

export const OOG_DEFER = ['off', 'strings', 'all'] as const;
/** When the phone loop may wait for the known answer (engine option `oogDefer`, ASR_OOG_DEFER). */
export type OogDefer = (typeof OOG_DEFER)[number];

/**
 * The words a deferred phone loop waits for (see `oogDefer`), or null: the loop is fed as audio
 * comes. `ready` (`oogDeferReady`): at a "ready" prompt the loop waits for the word "ready" too.
 */
export function deferredLoopWords(e: Expectation | null, mode: OogDefer, ready = true): string[] | null {
  if (mode === 'off') return null;
  if (e?.kind === 'ready') return ready ? ['ready'] : null;
  const w = knownAnswerWords(e);
  return w && (mode === 'all' || w.length >= 2) ? w : null;
}

export type Decision =
  | { status: 'match'; text: string; words: string[]; confidence: number; isCommand: boolean; confirm: boolean; si?: string; sd?: string; agree: boolean }
  | { status: 'nomatch'; reason: NoMatchReason; hypothesis?: string; confidence: number };

/**
 * Confidence of a template match alone, from its best/second ratio (lower = clearer). The bands
 * are where the held-out fsdd-dev takes (`npm run diag:asr-templates`, 1,880) keep 0, 0, 2 and 10
 * wrong answers: below 0.75 / 0.84 / 0.9 / 0.97 they keep 47 / 77 / 90 / 98.5 % of all answers.
 */
export function sdConfidence(m: SdMatch, o: DecideOptions): number {
  if (m.token === null || m.distance > o.maxTemplateDistance) return 0;
  const r = m.ratio;
  return r < 0.75 ? 0.92 : r < 0.84 ? 0.85 : r < 0.9 ? 0.7 : r < 0.97 ? 0.55 : 0.35;
}

export function decide(inp: DecideInput, o: DecideOptions = DEFAULT_DECIDE): Decision {
  const e = inp.expectation;
  const siHyp = inp.siWords?.join(' ');
  if (inp.siWords && inp.siWords.some((w) => w.startsWith(FILLER_PREFIX))) {
    return { status: 'nomatch', reason: 'out_of_grammar', hypothesis: siHyp, confidence: 0 };
  }
  // Phone-loop evidence; overruled only when the operator's templates agree with the decoder.
  const known = knownAnswerWords(e);
  const heardKnown = !!known && !!inp.siWords && inp.siWords.length === known.length && inp.siWords.every((w, i) => w === known[i]);
  const oogLimit = heardKnown ? Math.max(o.oogThreshold, o.oogExpectedThreshold) : o.oogThreshold;
  const oogReject = o.oogThreshold > 0 && !!inp.oog && oogPerFrame(inp.oog) > oogLimit;
  if (outOfOperatorVocabulary(inp, o)) return { status: 'nomatch', reason: 'out_of_grammar', hypothesis: siHyp ?? inp.sd?.token ?? undefined, confidence: 0 };
  const exWords = expectedWords(e);
  if (inp.templatesFirst?.length && exWords) {
    const text = interpret(e, exWords).text ?? exWords.join(' ');
    // As sure as the engines agreeing (0.9) when every digit is in sdConfidence's 0.85 band or better.
    const conf = inp.templatesFirst.every((m) => m.ratio < 0.84) ? 0.9 : 0.85;
    return { status: 'match', text, words: exWords, confidence: conf, isCommand: false, confirm: conf < o.confirmThreshold, sd: text, agree: false };
  }
  const rs = inp.rescore;
  // Likelihood ratio: the expected answer scored within the margin of the winner → expected.
  const siWords = exWords && rs && rs.expected !== null && o.expectedMargin > 0 && rs.expected >= rs.best - o.expectedMargin ? exWords : inp.siWords;
  if (exWords && siWords && o.checkTemplateRatio > 0 && templatesPreferExpected(exWords, siWords, inp.sdSegments, o.checkTemplateRatio)) {
    if (oogReject) return { status: 'nomatch', reason: 'out_of_grammar', hypothesis: siHyp, confidence: 0 };
    const text = interpret(e, exWords).text ?? exWords.join(' ');
    return { status: 'match', text, words: exWords, confidence: 0.85, isCommand: false, confirm: 0.85 < o.confirmThreshold, si: siHyp, sd: text, agree: false };
  }
  const si = siWords && siWords.length ? interpret(e, siWords) : null;
  // SD: a multi-word digit string is matched per SI segment; otherwise the whole utterance.
  let sdText: string | null = null;
  let sdConf = 0;
  let sdCommand = false;
  let sdWhole = false;
  if (inp.sdSegments && inp.sdSegments.length > 1) {
    const toks = inp.sdSegments.map((s) => s.token);
    if (toks.every((t): t is string => t !== null)) {
      const it = interpret(e, toks);
      sdText = it.text;
      sdConf = Math.min(...inp.sdSegments.map((s) => sdConfidence(s, o)));
    }
  }
  // The decoder's segments may not make an answer (it heard "say again" for a single digit):
  // then the whole-utterance match speaks for the templates.
  if (sdText === null && inp.sd?.token) {
    sdWhole = true;
    const it = interpret(e, inp.sd.token.split(' '));
    sdText = it.text; sdCommand = it.isCommand;
    sdConf = sdConfidence(inp.sd, o);
  }
  const siText = si?.text ?? null;
  const expected = expectedText(e);
  const haveSd = inp.sd !== null || inp.sdSegments !== null;

  if (siText === null && sdText === null) {
    const reason: NoMatchReason = inp.siWords === null && !haveSd ? 'no_templates' : inp.siWords?.length === 0 && !sdText ? 'no_speech' : 'out_of_grammar';
    return { status: 'nomatch', reason, hypothesis: siHyp ?? inp.sd?.token ?? undefined, confidence: 0 };
  }
  // The templates' own reading of a fixed-length digit string (connected words, connected.ts).
  const cd = inp.sdConnected;
  const cdText = cd ? interpret(e, cd.tokens).text : null;
  // The decoder's string fits the operator's templates clearly worse than their own reading.
  const cdWins = o.connectedMargin > 0 && cd && cdText !== null && siText !== null && cdText !== siText
    && cd.siScore !== null && cd.siScore - cd.score > o.connectedMargin;
  let text: string, conf: number, agree = false, isCommand: boolean, words: string[];
  if (cdWins) {
    text = cdText!; conf = 0.6; isCommand = false; words = [...cdText!];
  } else if (siText !== null && sdText !== null) {
    agree = siText === sdText || siText === cdText;
    if (siText === sdText) { text = siText; conf = Math.max(0.9, Math.min(0.99, 0.9 + (sdConf - 0.35) * 0.16)); }
    // The decoder and the templates' connected reading agree (the per-segment reading, cut at
    // the decoder's boundaries, did not): two engines agree.
    else if (agree) { text = siText; conf = 0.9; }
    else if (sdWhole && inp.sd?.distances && sdConf > 0) {
      // One token, the engines disagree: the templates win when the decoder's own token is
      // clearly further from the operator's voice; either way the dialog confirms. Measured on
      // fsdd-dev (940 enrolled single digits, docs/performance/asr.md): templates were right in
      // 97 of 121 disagreements, the decoder in 9; the earlier ratio-band rule accepted 43 wrong.
      // A decoder word the operator never enrolled (a command) cannot be compared: it stands
      // unless the templates are sure on their own.
      const dSi = inp.sd.distances[siText];
      const sdWins = dSi === undefined ? sdConf >= 0.85 : inp.sd.distance < dSi * o.sdOverSiRatio;
      text = sdWins ? sdText : siText;
      conf = sdWins ? 0.6 : 0.55;
    } else if (!sdWhole && templatesOutvote(siWords!, inp.sdSegments, o.sdOverSiRatio)) {
      // A digit string, the engines disagree on some digits: the same rule per differing digit.
      text = sdText; conf = 0.6;
    } else if (sdConf >= 0.85) { text = sdText; conf = 0.6; }
    else { text = siText; conf = sdConf < 0.55 ? 0.55 : 0.45; }
    isCommand = text === siText ? si!.isCommand : sdCommand;
    words = text === siText ? siWords! : inp.sd?.token?.split(' ') ?? [...text];
  } else if (siText !== null) {
    text = siText; isCommand = si!.isCommand; words = siWords!;
    // SI alone: the expected answer is a strong prior (the grammar was biased towards it, so
    // a different answer that still won is well supported); single tokens are weaker.
    if (cdText === siText) { agree = true; conf = 0.9; } else conf = haveSd ? 0.5 : expected !== undefined ? 0.8 : 0.75;
  } else {
    text = sdText!; isCommand = sdCommand; conf = sdConf; words = inp.sd?.token?.split(' ') ?? [...text];
  }
  if (oogReject && !agree) return { status: 'nomatch', reason: 'out_of_grammar', hypothesis: siHyp, confidence: 0 };
  const out = { si: siText ?? undefined, sd: (cdWins ? cdText : sdText) ?? undefined, agree };
  if (conf < o.rejectThreshold) return { status: 'nomatch', reason: 'low_confidence', hypothesis: text, confidence: conf };
  return { status: 'match', text, words, confidence: conf, isCommand, confirm: conf < o.confirmThreshold, ...out };
}

/**
 * A digit string read per decoder segment: true when, at every digit where the templates and the
 * decoder differ, the templates' digit is closer to the operator's voice than the decoder's by
 * `ratio` (the single-token rule, applied per segment). Same segment count only.
 */
export function templatesOutvote(heard: string[], segs: SdMatch[] | null, ratio: number): boolean {
  if (!segs || segs.length !== heard.length) return false;
  const words: readonly string[] = DIGIT_WORDS;
  let differs = false;
  for (let i = 0; i < heard.length; i++) {
    const got = words.indexOf(heard[i]!);
    const tok = segs[i]!.token;
    if (got < 0 || tok === null || !/^[0-9]$/.test(tok)) return false;
    if (tok === String(got)) continue;
    const dSd = segs[i]!.distance, dSi = segs[i]!.distances?.[String(got)];
    if (dSi === undefined || !(dSd < dSi * ratio)) return false;
    differs = true;
  }
  return differs;
}

/**
 * True when the decoder's string differs from the expected one, the operator's templates
 * (matched per decoder segment) spell exactly the expected string, and where the decoder heard
 * another digit the expected digit's templates are closer by `ratio`. Measured (fsdd-dev, 160
 * enrolled check strings, docs/performance/asr.md): without the "spell exactly" condition two
 * mis-segmented strings became false accepts.
 */
export function templatesPreferExpected(expected: string[], heard: string[], segs: SdMatch[] | null, ratio: number): boolean {
  if (!segs || segs.length !== expected.length || heard.length !== expected.length) return false;
  const words: readonly string[] = DIGIT_WORDS;
  let differs = false;
  for (let i = 0; i < expected.length; i++) {
    const ex = words.indexOf(expected[i]!);
    if (ex < 0 || segs[i]!.token !== String(ex)) return false;
    if (heard[i] === expected[i]) continue;
    const got = words.indexOf(heard[i]!);
    if (got < 0) return false;
    const dEx = segs[i]!.distances?.[String(ex)], dGot = segs[i]!.distances?.[String(got)];
    if (dEx === undefined || dGot === undefined || !(dEx <= dGot * ratio)) return false;
    differs = true;
  }
  return differs;
}

/**
 * `templateScaleLimit`: a one-word answer too far from all of the operator's templates for this
 * voice. Only where the decoder heard nothing or one of the operator's enrolled tokens: a command
 * or a number the operator never enrolled is compared with templates of other words.
 */
export function outOfOperatorVocabulary(inp: DecideInput, o: DecideOptions): boolean {
  const m = inp.sd;
  if (!(o.templateScaleLimit > 0) || !m || m.token === null || m.scale === undefined || !(m.scale > 0)) return false;
  if (inp.siWords && inp.siWords.length > 1) return false;
  const heard = inp.siWords?.[0];
  if (heard !== undefined && m.distances?.[digitOf(heard)] === undefined) return false;
  return m.distance > o.templateScaleLimit * m.scale;
}
