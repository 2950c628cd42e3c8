/**
 * Public types of asr/. The expectation is structurally the same as the dialog engine's (asr
 * never imports dialog-engine); `expected` is the right answer when the dialog knows it.
 */
export type Language = 'en' | 'ru';

export type Expectation =
  | { kind: 'digits'; length: number; expected?: string; commands: string[] }
  | { kind: 'number'; min: number; max: number; expected?: number; commands: string[] }
  | { kind: 'yesno'; commands: string[] }
  | { kind: 'choice'; options: string[]; commands: string[] }
  /** `known`: the only strings the answer may be (e.g. the site's operator numbers); absent = any. */
  | { kind: 'freeDigits'; minLength: number; maxLength: number; known?: string[]; commands: string[] }
  | { kind: 'ready'; commands: string[] };

/** Endpointing: per-site process settings, changeable at run time (`AsrStream.setEndpoint`). */
export interface EndpointSettings {
  /**
   * Speech must last this long before an utterance starts (default one 32 ms Silero window, as
   * Silero's own streaming iterator starts). 64 ms missed 9 of yweweler's 470 short, quiet
   * held-out digits outright (no utterance at all); 32 ms heard 8 of them, and white, brown,
   * click and mains-hum noise at −60…−20 dBFS still started none (docs/performance/asr.md round 12).
   */
  speechStartMs: number;
  /** Silence after speech that ends the utterance. */
  trailingSilenceMs: number;
  /**
   * Shorter silence that ends it when the hypothesis already satisfies the expectation. 250 ms
   * (450 before asr round 9): check strings streamed in real time lost nothing (0.74 -> 0.75) and
   * came back ~230 ms sooner; with 200–450 ms pauses between digits 0.69 -> 0.71, 8 -> 12 cut.
   */
  earlyEndSilenceMs: number;
  /**
   * Shorter still when the hypothesis *is* the answer the dialog knows to be right (check digits,
   * a quantity, "ready"): nothing else can follow it. Never longer than `earlyEndSilenceMs`.
   */
  knownEndSilenceMs: number;
  /** Longest utterance; it is cut and recognised at this length. */
  maxUtteranceMs: number;
  /** Audio kept before the detected start and handed to the decoder. */
  preRollMs: number;
  /** Silero speech probability threshold. */
  vadThreshold: number;
}

export const DEFAULT_ENDPOINT: EndpointSettings = {
  speechStartMs: 32,
  trailingSilenceMs: 700,
  earlyEndSilenceMs: 250,
  knownEndSilenceMs: 150,
  maxUtteranceMs: 8000,
  preRollMs: 300,
  vadThreshold: 0.5,
};

export interface ResultTiming {
  /** Stream time (ms of audio since the stream opened) where speech started / ended. */
  speechStartMs: number;
  speechEndMs: number;
  /** Wall time from the end of speech being detected to the result (ms). */
  resultMs: number;
  /**
   * What ended the utterance: the full trailing silence, the shorter one after a complete answer
   * (grammar-aware early end), the maximum length, or the device's gate closing.
   */
  endedBy?: EndReason;
  /**
   * Of `resultMs`, the recogniser thread's own work on the end (finalisation, rescoring, templates);
   * the rest is waiting: in the thread's queue behind other streams' audio, and for the event loop.
   */
  finalMs?: number;
}

export type EndReason = 'silence' | 'early' | 'max' | 'gap';

export interface MatchResult {
  status: 'match';
  /** Normalised: digit strings as "42", numbers as "3", "yes"/"no", commands as their phrase. */
  text: string;
  /** Recognised words as spoken ("four", "two"). */
  words: string[];
  /** 0–1, calibrated: see asr/README.md. */
  confidence: number;
  /** Whether `text` is a global command rather than an answer. */
  isCommand: boolean;
  /** The dialog should confirm ("did you say…") rather than act. */
  confirm: boolean;
  engines: { si?: string; sd?: string; agree: boolean };
  timing: ResultTiming;
}

export type NoMatchReason = 'low_confidence' | 'out_of_grammar' | 'no_speech' | 'too_long' | 'no_templates' | 'no_expectation';

export interface NoMatchResult {
  status: 'nomatch';
  reason: NoMatchReason;
  /** What the engines heard, for the log (never acted on). */
  hypothesis?: string;
  confidence: number;
  timing: ResultTiming;
}

export type AsrResult = MatchResult | NoMatchResult;

export interface BusyEvent { reason: 'queue_full' | 'vad_lag'; queueDepth: number }
