/** Messages between the engine (main thread) and its recogniser workers. */
export interface SerializedTemplates {
  /** `${operatorId}:${version}` — the worker caches by this key. */
  key: string;
  sets: { token: string; takes: { frames: number; data: Float32Array }[] }[];
}

export type ToWorker =
  | {
    type: 'begin'; utt: number; slot: number; jsgf: string | null; words: string[];
    /** The compiled grammar's key (equal keys: same grammar and settings, nothing to rebuild). */
    key: string | null;
    /** Decoder search settings for this grammar (over the worker's defaults). */
    settings?: Record<string, number>;
    /** Words of the expected answer: rescored against a different winner (see rescore.ts). */
    expected?: string[] | null;
    /** The session's cepstral-mean state from its last utterance (cmn.ts), or null: the decoder's own. */
    cmn?: Float32Array | null;
    /**
     * The answer the dialog knows to be right, as the decoder spells it: the phone loop waits for
     * the end and is decoded only when the grammar's winner differs (null: fed as audio arrives).
     */
    deferLoop?: string[] | null;
    /** A one-word known answer of an enrolled operator: the deferred loop is skipped only when the templates' closest token is that answer too. */
    deferLoopSd?: boolean;
    /**
     * The session's comfort-noise level from its last utterance (`sessionComfort`): audio is fed
     * to the decoder as it comes instead of held back until the level is known (null: hold).
     */
    fill?: number | null;
    /**
     * Templates first (verify.ts): the expected digits (tokens and the decoder's words) are checked
     * against the operator's templates at each pause and at the end; the decoder hears the audio
     * only if they do not confirm it. Templates: the key, the data only when this worker lacks them.
     */
    tfirst?: { tokens: string[]; words: string[]; key: string; data?: SerializedTemplates; maxRatio: number; maxDistance: number } | null;
  }
  | { type: 'audio'; utt: number; slot: number; pcm: Float32Array }
  | {
    type: 'end'; utt: number; slot: number;
    /** Templates to match: the key always, the data only when this worker lacks them. */
    templates: {
      key: string; data?: SerializedTemplates; tokens: string[]; segmentTokens: string[];
      /** Digits in the answer when fixed (≥ 2, all ten enrolled): the templates read it as connected words. */
      segmentCount?: number;
    } | null;
  }
  | { type: 'cancel'; utt: number; slot: number }
  /** Speech paused: decode all audio held back (even before the comfort level's floor), post the partial. */
  /** `silence`: samples of the pause already sent (the end of the audio sent is that far into it). */
  | { type: 'pause'; utt: number; slot: number; silence: number }
  | { type: 'match'; id: number; pcm: Float32Array; templates: SerializedTemplates; tokens: string[] }
  /** Enrollment take: float or PCM16 at `sampleRate`; the worker converts and resamples (not the event loop). */
  | { type: 'features'; id: number; pcm: Float32Array | Int16Array; sampleRate: number };

/** How the phone loop took part: fed as audio came, decoded at the end, or not needed (the known answer won). */
export type LoopPass = 'streamed' | 'deferred' | 'skipped';

export interface OogScore { constrained: number; loop: number; frames: number }

export interface WordSeg { word: string; startMs: number; endMs: number }

export interface SdMatch {
  token: string | null; distance: number; second: number; ratio: number;
  /** Distance of every token compared (per-segment matches of digit strings carry it). */
  distances?: Record<string, number>;
  /** The operator's own take-to-take distance (dtw.ts `templateScale`) on whole-utterance matches; absent when unknown. */
  scale?: number;
}

export type FromWorker =
  | { type: 'ready'; decoders: number }
  /** Posted at pauses; `settled`: the last word lasted at least EARLY_END_PAUSE_WORD_MS up to the pause (grammar.ts). */
  | { type: 'partial'; utt: number; words: string[]; settled: boolean }
  | {
    type: 'result'; utt: number;
    si: { words: string[]; segs: WordSeg[] } | null;
    /** Path scores (log base 1.0001) of the winner and of the expected answer when they differ. */
    rescore?: { best: number; expected: number | null } | null;
    /** Path scores of the grammar's winner and of a free phone loop over the same audio (`frames` of 10 ms). */
    oog?: OogScore | null;
    sd: SdMatch | null;
    /** Per-segment template tokens for multi-word answers (digit strings). */
    sdSegments: SdMatch[] | null;
    /** The templates' own reading of a fixed-length digit string (connected words, connected.ts). */
    sdConnected?: { tokens: string[]; score: number; siScore: number | null } | null;
    /** Worker CPU time spent on this utterance (ms) and how much of it after `end`. */
    cpuMs: number; finalMs: number; audioMs: number;
    /** The longest any message waited in the thread's inbox since its previous result (ms). */
    inboxWaitMs?: number;
    /** The decoders' cepstral-mean state after this utterance, for the session's next one (cmn.ts). */
    cmn?: Float32Array | null;
    /** The comfort-noise level of this utterance's whole audio, for the session's next one (only with sessionComfort and a decoder). */
    fill?: number;
    /** How the phone loop took part (absent when there is none). */
    loopPass?: LoopPass;
    /** Templates first: confirmed (each expected digit's own match; si is null) or the decoder took over. */
    tfirst?: { outcome: 'confirmed'; segments: SdMatch[] } | { outcome: 'fallback' };
  }
  | { type: 'matched'; id: number; match: SdMatch }
  | { type: 'featured'; id: number; frames: number; data: Float32Array }
  | { type: 'error'; utt?: number; id?: number; code: string; message: string };
