/**
 * The engine's options (one typed set, a doc line per field; the gateway's config maps onto it)
 * and the metrics it exports.
 */
import type { DecideOptions, OogDefer, Rescore } from './decide.ts';
import type { TemplateStore } from './templates.ts';
import type { GrammarOptions } from './grammar.ts';
import type { LoopPhones } from './rescore.ts';
import type { LoopPass, OogScore, SdMatch } from './worker-protocol.ts';
import type { EndpointSettings } from './types.ts';

export interface AsrEngineOptions {
  /** Recogniser worker threads (default: defaultWorkers(), cores − 1 from 3 cores, every core on 1–2). */
  workers?: number;
  /** Decoders per worker (each ~10 MB; concurrent utterances per worker). */
  decodersPerWorker?: number;
  /** Utterances that may wait for a decoder before streams get 'busy'. */
  maxQueue?: number;
  /** Most concurrently open streams (VAD state is preallocated for them). */
  maxStreams?: number;
  /** Most stream windows in one Silero run. */
  vadMaxBatch?: number;
  /** VAD lag (ms) above which new utterances are refused with 'busy'. */
  maxVadLagMs?: number;
  /** Run the speaker-independent decoder (false: templates only). */
  si?: boolean;
  grammar?: GrammarOptions;
  /**
   * Gaussians kept per frame in each codebook of the acoustic model (PocketSphinx `topn`, whose
   * own default is 4), for the grammar's and the phone loop's decoders. Default DEFAULT_TOPN (2):
   * decoding 13 % cheaper, and on every held-out fsdd-dev take the same accuracy within the
   * spread of identical runs (docs/performance/asr.md round 16). `decoderConfig.topn` overrides it.
   */
  topn?: number;
  /** SoundSwallower decoder settings (e.g. wip, silprob, fillprob, beam) over the tuned defaults. */
  decoderConfig?: Record<string, number | string | boolean>;
  decide?: Partial<DecideOptions>;
  endpoint?: Partial<EndpointSettings>;
  templateStore?: TemplateStore;
  templateCache?: number;
  dtwBand?: number;
  /** Diagnostics: called with each utterance's raw engine outputs before fusion (bench:asr, diag:asr). */
  trace?: (t: { siWords: string[] | null; rescore: Rescore | null; oog: OogScore | null; sd: SdMatch | null; sdSegments: SdMatch[] | null; sdConnected?: { tokens: string[]; score: number; siScore: number | null } | null }) => void;
  /**
   * Keep each session's cepstral mean across its utterances, whichever pooled decoder hears them
   * (cmn.ts). Default false: a pooled decoder carries the mean of whatever it heard last. Offline,
   * with speakers interleaved, keeping it per session lifted check strings 0.74 -> 0.80; the live
   * load bench showed no gain (docs/performance/asr.md, round 6), so it is opt-in.
   */
  sessionCmn?: boolean;
  /**
   * Comfort-noise level from 600 ms of the utterance that are not digital silence (default true;
   * false: from the first 400 ms of audio, pre-roll included). Opt-in since round 7, when the
   * spoken end-to-end test misheard a sign-on string with it; on by default since round 9: live at
   * 150 pickers accuracy 0.77–0.79 → 0.82 (quantities first attempts 0.80–0.84 → 0.845–0.88,
   * "ready" 0.98–0.99 → 1.0), and the spoken e2e test passed with it (docs/performance/asr.md round 9).
   */
  comfortFromSpeech?: boolean;
  /**
   * A session's utterances after its first take the comfort-noise level from its previous one
   * (its whole audio), so their audio is decoded as it comes instead of held back until the level
   * is known (default false). Held back, most answers are decoded whole at their first pause, and
   * those pauses took half of a recogniser thread's time, late for the partials that end answers
   * early. Live on 2 cores, 200 pickers: gap p95 440–697 → 308–313 ms; 300: 37–81 `ASR_BUSY` in
   * four runs against 0 in two without it, so opt-in (docs/performance/asr.md round 13).
   */
  sessionComfort?: boolean;
  /**
   * At a pause in speech (PAUSE_MS) a decoder that still holds the audio back for the comfort
   * level takes what it holds (the level from that), so a short answer gets its partial hypothesis
   * and can end early (default true; with `comfortFromSpeech`, the default, it is always on, so this
   * matters only with that off). Single digits streamed in
   * real time ended early 65 -> 84 %, accuracy unchanged (docs/performance/asr.md round 9).
   */
  pauseFlush?: boolean;
  /** Phones of the out-of-grammar phone loop: 'reduced' (default), 'full', or a list (an unknown phone throws ASR_BAD_OPTION). */
  loopPhones?: LoopPhones;
  /** The fast phone loop (`LOOP_FAST` in rescore.ts, default true; threshold 20). false: context-dependent (threshold 15). */
  loopFast?: boolean;
  /** SoundSwallower settings of the phone-loop decoders only (over the above, rescore.ts); measurement. */
  loopConfig?: Record<string, number | string | boolean>;
  /** Diagnostics: decode the phone-loop pass even when oogThreshold is 0 (to measure it). */
  oogTrace?: boolean;
  /**
   * Where the dialog knows the right answer, the phone loop is decoded at the end and only when the
   * grammar heard something else: 'strings' (default, answers of two or more words), 'all' (opt-in:
   * more out-of-grammar words accepted as a one-word quantity), 'off' (asr.md round 8).
   */
  oogDefer?: OogDefer;
  /**
   * At a "ready" prompt (expectation kind 'ready') the phone loop waits for the grammar's winner
   * too and is decoded only when it is not "ready" (default true; nothing deferred with `oogDefer`
   * 'off'). A false "ready" only moves the picker on to the next prompt, whose check digits catch
   * a picker in the wrong place; "ready" was the recogniser's costliest answer, its loop streamed
   * (docs/performance/asr.md round 15).
   */
  oogDeferReady?: boolean;
  /**
   * Load shedding: while a recogniser thread's inbox holds messages longer than this (ms), new
   * utterances on it defer the phone loop for every known answer ('all'), whatever `oogDefer`
   * says. Default 0 (never): only a caller that feeds audio in real time can read an inbox wait as
   * load (bench:asr, its replay and the diag scripts feed faster); the gateway sets
   * DEFAULT_SHED_LAG_MS (ASR_SHED_LAG_MS).
   */
  shedLagMs?: number;
  /**
   * Templates first for enrolled operators (verify.ts; default true): check digits the dialog
   * knows are checked against the operator's own templates at each pause and at the end; the
   * speaker-independent decoder hears them only when the templates do not confirm them
   * (`decide.templatesFirstRatio`). Saves the decoding of most enrolled check strings: live, 200
   * enrolled pickers on 2 cores, gap p95 988–1,502 → 415–467 ms, gateway CPU −13 %, accuracy
   * unchanged (docs/performance/asr.md round 14).
   */
  templatesFirst?: boolean;
  /** Called for internal failures (a worker died); the engine keeps running where it can. */
  onError?: (err: Error) => void;
}

/**
 * The gateway's load shedding (`shedLagMs`, ASR_SHED_LAG_MS) is on at 250 ms. Live, 300 unenrolled pickers on a 2 vCPU AMD EPYC
 * that could not carry them (docs/performance/bench.md, "2026-12-05, afternoon"), four pairs of runs
 * alternated: gap p95 765–1,106 ms and 26 `ASR_BUSY` in all with it, 1,061–2,079 ms and 149
 * without; each pair won by shedding. Below the limit nothing changes. Earlier, at 100 pickers on
 * a slower machine, it was not told apart from the spread (bench.md 2026-12-04, later).
 */
export const DEFAULT_SHED_LAG_MS = 250;

/** See `AsrEngineOptions.topn`. */
export const DEFAULT_TOPN = 2;

export interface AsrMetrics {
  streams: number; activeUtterances: number; queueDepth: number; queueMax: number;
  decodersBusy: number; decodersTotal: number; vadLagMs: number; vadBatches: number; vadWindows: number; vadLastBatch: number; vadRunMs: number;
  utterances: number; busyRejections: number; results: { match: number; nomatch: number };
  /** Recent (last 200) end-of-speech → result times and decode CPU / audio time (the recogniser thread's own CPU time on Linux, thread-cpu.ts; wall time of its handlers elsewhere). */
  resultMsP50: number; resultMsP95: number; rtf: number;
  /** Utterances by how the phone loop took part since start (see `oogDefer`). */
  loopPasses: Record<LoopPass, number>;
  /** Utterances whose loop waited for the known answer only because the thread was behind (`shedLagMs`). */
  loopShed: number;
  /** Utterances decoded as their audio came, with their session's comfort level from its last one (`sessionComfort`). */
  sessionComfort: number;
  /** Templates-first utterances since start: confirmed by the templates alone, or handed to the decoder. */
  templatesFirst: { confirmed: number; fallback: number };
  /** The longest a message waited in a recogniser thread's inbox up to its latest result (ms). */
  workerWaitMs: number;
  /** Recogniser CPU time and the audio it decoded since start (ms): their ratio is the rtf of everything. */
  cpuMsTotal: number; audioMsTotal: number;
}
