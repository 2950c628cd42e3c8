/**
 * Fusion and rejection. Confidence is built from what measurably separates right from wrong:
 * agreement of the speaker-independent decoder (SI) with the operator's templates (SD), the
 * template matcher's best/second distance ratio and absolute distance, the expected answer, and
 * whether the decoder preferred a filler (out-of-grammar) word. The decoder's own word
 * probabilities are not used: they do not separate right from wrong.
 */
import { expectedText, interpret, FILLER_PREFIX } from './grammar.ts';
import type { Expectation, NoMatchReason } from './types.ts';
import type { SdMatch } from './worker-protocol.ts';

export interface DecideOptions {
  /** Below this confidence the answer is rejected (per-site setting). */
  rejectThreshold: number;
  /** Below this the dialog should confirm instead of acting. */
  confirmThreshold: number;
  /** Template distance above which speech is out of the enrolled vocabulary. */
  maxTemplateDistance: number;
}

export const DEFAULT_DECIDE: DecideOptions = { rejectThreshold: 0.5, confirmThreshold: 0.8, maxTemplateDistance: 60 };

export interface DecideInput {
  expectation: Expectation;
  siWords: string[] | null;
  sd: SdMatch | null;
  sdSegments: SdMatch[] | null;
}

export type Decision =
  | { status: 'match'; text: string; words: string[]; confidence: number; isCommand: boolean; confirm: boolean; si?: string; sd?: string; agree: boolean }
  | { status: 'nomatch'; reason: NoMatchReason; hypothesis?: string; confidence: number };

/** Confidence of a template match alone, from its best/second ratio (lower = clearer). */
export function sdConfidence(m: SdMatch, o: DecideOptions): number {
  if (m.token === null || m.distance > o.maxTemplateDistance) return 0;
  const r = m.ratio;
  return r < 0.7 ? 0.92 : r < 0.8 ? 0.85 : r < 0.88 ? 0.7 : r < 0.94 ? 0.55 : 0.35;
}

export function decide(inp: DecideInput, o: DecideOptions = DEFAULT_DECIDE): Decision {
  const e = inp.expectation;
  const siHyp = inp.siWords?.join(' ');
  if (inp.siWords && inp.siWords.some((w) => w.startsWith(FILLER_PREFIX))) {
    return { status: 'nomatch', reason: 'out_of_grammar', hypothesis: siHyp, confidence: 0 };
  }
  const si = inp.siWords && inp.siWords.length ? interpret(e, inp.siWords) : null;
  // SD: a multi-word digit string is matched per SI segment; otherwise the whole utterance.
  let sdText: string | null = null;
  let sdConf = 0;
  let sdCommand = false;
  if (inp.sdSegments && inp.sdSegments.length > 1) {
    const toks = inp.sdSegments.map((s) => s.token);
    if (toks.every((t): t is string => t !== null)) {
      const it = interpret(e, toks);
      sdText = it.text;
      sdConf = Math.min(...inp.sdSegments.map((s) => sdConfidence(s, o)));
    }
  } else if (inp.sd?.token) {
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
  let text: string, conf: number, agree = false, isCommand: boolean, words: string[];
  if (siText !== null && sdText !== null) {
    agree = siText === sdText;
    if (agree) { text = siText; conf = Math.max(0.9, Math.min(0.99, 0.9 + (sdConf - 0.35) * 0.16)); }
    else if (sdConf >= 0.85) { text = sdText; conf = 0.6; }
    else { text = siText; conf = sdConf < 0.55 ? 0.55 : 0.45; }
    isCommand = text === siText ? si!.isCommand : sdCommand;
    words = text === siText ? inp.siWords! : inp.sd?.token?.split(' ') ?? [...text];
  } else if (siText !== null) {
    text = siText; isCommand = si!.isCommand; words = inp.siWords!;
    // SI alone: the expected answer is a strong prior (the grammar was biased towards it, so
    // a different answer that still won is well supported); single tokens are weaker.
    conf = haveSd ? 0.5 : expected !== undefined ? 0.8 : 0.75;
  } else {
    text = sdText!; isCommand = sdCommand; conf = sdConf; words = inp.sd?.token?.split(' ') ?? [...text];
  }
  const out = { si: siText ?? undefined, sd: sdText ?? undefined, agree };
  if (conf < o.rejectThreshold) return { status: 'nomatch', reason: 'low_confidence', hypothesis: text, confidence: conf };
  return { status: 'match', text, words, confidence: conf, isCommand, confirm: conf < o.confirmThreshold, ...out };
}
