/**
 * Templates first (`templatesFirst`, ASR_TEMPLATES_FIRST): whether an enrolled operator said the
 * check digits the dialog expects, from their own voice templates alone, before any
 * speaker-independent decoding. The expected digits are forced onto the utterance as connected
 * words (connected.ts `alignConnected`: where each digit lies, a few ms), then each digit's stretch
 * is matched on its own against all ten digits (dtw.ts `matchTemplates`). Confirmed only when every
 * stretch's closest digit is the expected one, within `maxDistance` and by a clear margin (its
 * best / second-best ratio under `maxRatio`); otherwise the decoder decides, as it does without
 * templates first. Measured: docs/performance/asr.md round 14.
 */
import { FEAT_DIM, extractFeatures, featureFrames, trimSilence, type FeatureCache, type Features } from './features.ts';
import { alignConnected } from './connected.ts';
import { dtwDistance, peakEnergy, type TemplateSet } from './dtw.ts';
import type { SdMatch } from './worker-protocol.ts';

export interface TemplateCheckOptions {
  /** Every digit's best / second-best template distance must be under this (0.84: sdConfidence 0.85). */
  maxRatio: number;
  /** And its best distance at most this (decide's maxTemplateDistance). */
  maxDistance: number;
  /** DTW band (fraction of the longer sequence). */
  band: number;
}

export interface TemplateCheck {
  confirmed: boolean;
  /** Each expected digit's own match against all ten when confirmed (otherwise those matched before one failed; empty when not whole). */
  segments: SdMatch[];
  /** The string aligned with no word squeezed (the audio may hold all of it). */
  whole: boolean;
}

/** Each aligned word must last at least this share of its takes' mean length. */
const MIN_WORD = 0.6;

function meanFrames(sets: TemplateSet[], token: string): number {
  const t = sets.find((s) => s.token === token)?.takes ?? [];
  return t.length ? t.reduce((a, f) => a + f.frames, 0) / t.length : 0;
}

/** Frames of context each side of an aligned word when it is matched on its own. */
const PAD = 2;

/**
 * Checks 16 kHz audio against the expected `tokens` ("0".."9"); `sets` holds the operator's ten
 * digits. `feats`: the features of a shorter version of the same audio (an earlier pause's check).
 */
export function checkExpected(audio: Float32Array, sets: TemplateSet[], tokens: string[], o: TemplateCheckOptions, feats?: FeatureCache): TemplateCheck {
  const digits = sets.filter((s) => /^[0-9]$/.test(s.token));
  // Too short to hold every digit at its least length (below): not whole, whatever the features say.
  if (digits.length !== 10 || featureFrames(audio.length) < tokens.reduce((a, t) => a + MIN_WORD * meanFrames(digits, t), 0)) return { confirmed: false, segments: [], whole: false };
  const probe = trimSilence(extractFeatures(audio, feats));
  const al = alignConnected(probe, digits, tokens);
  if (!al) return { confirmed: false, segments: [], whole: false };
  // A word squeezed into the end of the audio (a pause inside the string, before its last digit
  // was said) lasts about DUR_MIN (0.5) of its takes: measured 0.45–0.53 in 10 of 11 such
  // confirmations, 2 of 184 complete strings under 0.6 (docs/performance/asr.md round 14). Such a
  // string is not matched digit by digit (most pauses inside a string end here, at a third of the cost).
  const whole = al.segments.every(([a, b], i) => b - a + 1 >= MIN_WORD * meanFrames(digits, tokens[i]!));
  if (!whole) return { confirmed: false, segments: [], whole };
  const segments: SdMatch[] = [];
  for (const [i, [a, b]] of al.segments.entries()) {
    const lo = Math.max(0, a - PAD), hi = Math.min(probe.frames - 1, b + PAD);
    const seg: Features = { frames: hi - lo + 1, data: probe.data.subarray(lo * FEAT_DIM, (hi + 1) * FEAT_DIM) };
    const m = matchExpected(seg, digits, tokens[i]!, o);
    // One digit not clearly its expected self: the string is not confirmed, whatever the rest.
    if (!m) return { confirmed: false, segments, whole };
    segments.push(m);
  }
  return { confirmed: true, segments, whole };
}

/**
 * Decide's confidence bands the ratio of a confirmed digit (decide.ts: under 0.84 or not); other
 * digits are matched exactly as far as that band needs.
 */
const BAND_RATIO = 0.84;

/**
 * A token's distance to a probe, the mean of its two closest takes (as dtw.ts matchTemplates):
 * exact when at most `cap`, otherwise a lower bound above `cap` (the takes' DTWs stop early).
 */
function tokenDistance(probe: Features, takes: Features[], band: number, peak: number, cap: number): number {
  const raw = takes.map((t) => dtwDistance(probe, t, band, peak, undefined, cap));
  const d = [...raw].sort((x, y) => x - y);
  if (d.length < 2) return d[0] ?? Infinity;
  const mean = (d[0]! + d[1]!) / 2;
  // Both closest exact (each at most cap), or even their bounds' mean above cap: decided.
  if (d[1]! <= cap || mean > cap) return mean;
  // Undecided: the takes that stopped early are run in full (those at most cap are exact already).
  const exact = takes.map((t, i) => (raw[i]! <= cap ? raw[i]! : dtwDistance(probe, t, band, peak))).sort((x, y) => x - y);
  return (exact[0]! + exact[1]!) / 2;
}

/**
 * The expected digit's stretch matched against all ten, or null when it is not confirmed: its
 * own distance over `maxDistance`, or another digit's within `maxRatio` of it. The same verdict
 * as matching every digit in full (dtw.ts matchTemplates), at less cost: the other digits' DTWs
 * stop once they cannot come within the ratio (or under BAND_RATIO, so `ratio`'s band is exact),
 * and the first digit too close ends the search. `distances` of digits beyond that are lower bounds.
 */
function matchExpected(seg: Features, digits: TemplateSet[], token: string, o: TemplateCheckOptions): SdMatch | null {
  const peak = peakEnergy(seg);
  const own = digits.find((s) => s.token === token);
  const dE = own ? tokenDistance(seg, own.takes, o.band, peak, Infinity) : Infinity;
  if (!(dE <= o.maxDistance)) return null;
  const cap = dE / Math.min(o.maxRatio, BAND_RATIO);
  const distances: Record<string, number> = { [token]: dE };
  let second = Infinity;
  for (const s of digits) {
    if (s.token === token) continue;
    const d = tokenDistance(seg, s.takes, o.band, peak, cap);
    distances[s.token] = d;
    if (!(dE / d < o.maxRatio)) return null;
    second = Math.min(second, d);
  }
  // As matchTemplates: no other digit to compare with is no margin (ratio 1).
  if (!Number.isFinite(second)) return null;
  return { token, distance: dE, second, ratio: dE / second, distances };
}

/** What a pause's check means for a templates-first utterance. */
export type PauseVerdict =
  /** The expected string, confirmed: post it as the partial (the utterance may end early). */
  | 'confirmed'
  /** Not there yet (not alignable, or a word squeezed into the end: a pause inside the string): hold on. */
  | 'hold'
  /** A whole string that is not clearly the expected one: the decoder takes over. */
  | 'doubt';

/** As checkExpected, with what a pause should do about it. */
export function checkAtPause(audio: Float32Array, sets: TemplateSet[], tokens: string[], o: TemplateCheckOptions, feats?: FeatureCache): { verdict: PauseVerdict; segments: SdMatch[] } {
  const c = checkExpected(audio, sets, tokens, o, feats);
  return { verdict: c.confirmed ? 'confirmed' : c.whole ? 'doubt' : 'hold', segments: c.segments };
}

/** A templates-first utterance's state in the recogniser thread. */
export interface TemplatesFirst extends TemplateCheckOptions {
  /** The expected digits ("0".."9") and the decoder's words for them (posted as the partial). */
  tokens: string[]; words: string[];
  sets: TemplateSet[];
  /** The digits' matches when the last pause confirmed the string, and the sample that pause began at. */
  confirmed: SdMatch[] | null; at: number;
  /** The utterance's features so far: each check computes only the frames since the last one. */
  feats: FeatureCache;
}

/**
 * At a pause that began at sample `pauseAt` of `audio` (the utterance so far): 'confirmed' → post
 * the expected words as a settled partial (the utterance may end early); 'hold' → nothing yet;
 * 'doubt' → the decoder takes over from here.
 */
export function templatesAtPause(tf: TemplatesFirst, audio: Float32Array, pauseAt: number): PauseVerdict {
  const c = checkAtPause(audio.subarray(0, pauseAt), tf.sets, tf.tokens, tf, tf.feats);
  tf.confirmed = c.verdict === 'confirmed' ? c.segments : null;
  tf.at = pauseAt;
  return c.verdict;
}

/**
 * A confirming pause's result stands for the end when at most this much audio followed it (its
 * own silence: speech after it would have brought another pause, which checks again).
 */
const REUSE_SAMPLES = 1.5 * 16000;

/** At the end (`samples` in all): the digits' matches when confirmed, else null (the decoder decides). */
export function templatesAtEnd(tf: TemplatesFirst, audio: () => Float32Array, samples: number): SdMatch[] | null {
  if (tf.confirmed && samples - tf.at <= REUSE_SAMPLES) return tf.confirmed;
  const c = checkExpected(audio(), tf.sets, tf.tokens, tf, tf.feats);
  return c.confirmed ? c.segments : null;
}
