/**
 * An utterance's template matches in the recogniser thread (worker.ts `end`): the whole utterance
 * against the enrolled tokens the expectation allows, each decoder segment of a digit string
 * against the ten digits, and a fixed-length string's connected reading. Features and the whole
 * match are computed once, for whichever step asks first (the phone loop's decision may ask for
 * the whole match before the decoder's result is fused).
 */
import { extractFeatures, trimSilence, type Features } from './features.ts';
import { matchTemplates, type TemplateSet } from './dtw.ts';
import { connectedReading } from './connected.ts';
import { digitOf } from './grammar.ts';
import type { TemplateRequest } from './templates.ts';
import type { SdMatch, WordSeg } from './worker-protocol.ts';

export function sdMatch(feat: Features, sets: TemplateSet[], tokens: string[], band: number): SdMatch {
  const allowed = new Set(tokens);
  return matchTemplates(feat, sets.filter((s) => allowed.has(s.token)), band);
}

export class UtteranceTemplates {
  private feats: Features | null = null;
  private wholeMatch: SdMatch | null | undefined;

  /** `scale`: the operator's own scale (dtw.ts `templateScale`), asked for once a whole match is made. */
  constructor(private readonly audio: () => Float32Array, private readonly sets: TemplateSet[], private readonly req: TemplateRequest, private readonly band: number, private readonly scale: () => number = () => NaN) {}

  private features(): Features { return (this.feats ??= trimSilence(extractFeatures(this.audio()))); }

  /** The whole utterance against the allowed enrolled tokens (null when none is allowed). */
  whole(): SdMatch | null {
    if (this.wholeMatch === undefined) {
      const m = this.req.tokens.length ? sdMatch(this.features(), this.sets, this.req.tokens, this.band) : null;
      const scale = m ? this.scale() : NaN;
      this.wholeMatch = m && Number.isFinite(scale) ? { ...m, scale } : m;
    }
    return this.wholeMatch;
  }

  /** Every match the request asks for, given the decoder's words and segments (null: no decoder). */
  all(si: { words: string[]; segs: WordSeg[] } | null): { sd: SdMatch | null; sdSegments: SdMatch[] | null; sdConnected: { tokens: string[]; score: number; siScore: number | null } | null } {
    const sd = this.whole();
    let sdSegments: SdMatch[] | null = null;
    if (this.req.segmentTokens.length && si && si.segs.length > 1) {
      const audio = this.audio();
      sdSegments = si.segs.map((g) => {
        const a = Math.max(0, Math.round((g.startMs - 30) * 16)), b = Math.min(audio.length, Math.round((g.endMs + 30) * 16));
        return sdMatch(trimSilence(extractFeatures(audio.subarray(a, b))), this.sets, this.req.segmentTokens, this.band);
      });
    }
    // Fixed-length digit strings: the templates' own reading, unless the per-segment one already agrees with the decoder.
    const count = this.req.segmentCount ?? 0;
    const agreed = !!si && !!sdSegments && sdSegments.map((x) => x.token).join(' ') === si.words.map(digitOf).join(' ');
    const sdConnected = count >= 2 && !agreed ? connectedReading(this.features(), this.sets, count, si?.words ?? []) : null;
    return { sd, sdSegments, sdConnected };
  }
}
