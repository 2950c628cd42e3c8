import { int, num, bool, oneOf } from './define.ts';

/** Settings of the speech recogniser (asr/). Per-site endpointing lives in process_settings. */
export const asr = {
  workers: int('ASR_WORKERS', 0, 'Recogniser worker threads (0 = cores − 1 from 3 cores, every core on 1–2; measured in docs/performance/bench.md)', 0, 64),
  decodersPerWorker: int('ASR_DECODERS_PER_WORKER', 4, 'SoundSwallower decoders per worker (~10 MB each, twice with the phone loop; concurrent utterances). An utterance that waits for a decoder is decoded only when it ends, so it cannot end early: 120 pickers on 2 workers, 4 → 8 (with ASR_COMFORT_FROM_SPEECH and ASR_FIXED_EARLY_END): gap p50 742 → 540 ms, RSS 566 → 737 MB (docs/performance/bench.md); 4 until the spoken e2e failures of round 7 are understood', 1, 32),
  maxQueue: int('ASR_MAX_QUEUE', 32, 'Utterances that may wait for a decoder before answers are "busy"', 0, 10000),
  maxStreams: int('ASR_MAX_STREAMS', 1024, 'Most open recognition streams (VAD state is preallocated)', 1, 100000),
  vadMaxBatch: int('ASR_VAD_MAX_BATCH', 64, 'Most stream windows in one Silero VAD run', 1, 1024),
  maxVadLagMs: int('ASR_MAX_VAD_LAG_MS', 1500, 'VAD lag behind real time above which new utterances get "busy"', 100, 60000),
  speakerIndependent: bool('ASR_SI', true, 'Run the speaker-independent decoder (English); off = templates only'),
  biasWeight: num('ASR_BIAS_WEIGHT', 8, 'Expected-answer bias for digit strings: > 0 = on (grammar = expected + its one-digit neighbours), 0 = free grammar', 0, 1000),
  fillerWeight: num('ASR_FILLER_WEIGHT', 0, 'Filler-word out-of-grammar branch: > 0 = on (measured: rejects 98 % OOG but also 52 % of right answers; keep 0)', 0, 100),
  oogThreshold: num('ASR_OOG_THRESHOLD', 15, 'Out-of-grammar rejection: (free phone loop − grammar) decoder score per 10 ms of speech above this rejects (0 = off; a phone-loop decoder per slot, ~1.5–2x decoding CPU)', 0, 1000),
  oogDefer: oneOf('ASR_OOG_DEFER', 'strings', ['off', 'strings', 'all'] as const, "Where the dialog knows the right answer (check digits, a quantity), the out-of-grammar phone loop is decoded only at the end and only when the grammar heard something else: strings = answers of two or more words (120 pickers: gateway CPU 134 -> 116 %, accuracy unchanged), all = every known answer (99 %, but more out-of-grammar words accepted as a one-word quantity: 0.33 -> 0.43), off = the loop always runs (docs/performance/asr.md round 8)"),
  sessionCmn: bool('ASR_SESSION_CMN', false, "Keep each session's cepstral mean across its utterances on pooled decoders (off: a decoder carries whatever it heard last; offline +6 points on interleaved speakers, no gain in the live bench: docs/performance/asr.md round 6)"),
  loopPhones: oneOf('ASR_LOOP_PHONES', 'reduced', ['reduced', 'full'] as const, 'Phones of the out-of-grammar phone loop: reduced (27, every digit phone; the loop ~1/4 cheaper, rejection unchanged, free digit strings -0.02; docs/performance/asr.md round 6) or full (all 39)'),
  comfortFromSpeech: bool('ASR_COMFORT_FROM_SPEECH', false, 'Comfort-noise level from 600 ms of speech (not the first 400 ms of audio) and a decode of held audio at each pause: live check strings +7 points offline-equivalent, short answers end early (docs/performance/asr.md round 7); off by default: the spoken end-to-end test misheard sign-on strings with the round-7 changes on, cause not found'),
  fixedEarlyEnd: bool('ASR_FIXED_EARLY_END', false, 'Check digits and fixed-length or listed digit strings end after the short early-end silence once the partial hypothesis holds all their digits, its last word settled. Off by default: offline it took ~200 ms off their gap with no loss (diag:asr-endpoint), but with it on the spoken end-to-end test misheard fixed-length sign-on strings in 3 of 6 runs (0 of 3 off); docs/performance/asr.md round 7'),
  freeDigitsSilprob: num('ASR_FREE_DIGITS_SILPROB', 0.5, 'Silence probability in the decoder for free digit strings (operator number, PIN); higher = fewer inserted digits', 0, 1),
  freeDigitsPip: num('ASR_FREE_DIGITS_PIP', 0.1, 'Phone insertion penalty for free digit strings (< 1 penalises; measured 0.1)', 0, 1),
  freeDigitsWip: num('ASR_FREE_DIGITS_WIP', 0.1, 'Word insertion penalty for free digit strings (< 1 penalises; decoder default 0.65)', 0, 1),
  expectedMargin: num('ASR_EXPECTED_MARGIN', 0, 'Check strings: accept the expected answer when its forced score is within this of the winner (0 = off; measured: more right answers but 2–5x the false accepts)', 0, 100000),
  connectedMargin: num('ASR_CONNECTED_MARGIN', 0.3, "Fixed-length digit strings (check digits, PINs) of an enrolled operator: the templates' connected reading wins when the decoder's string fits them worse by more than this per frame (0 = off)", 0, 10),
  checkTemplateRatio: num('ASR_CHECK_TEMPLATE_RATIO', 0.95, 'Check strings of an enrolled operator: when the templates spell the expected string, a digit the decoder heard differently counts as expected if its templates are closer by this factor (0 = off; lower = stricter)', 0, 1),
  rejectThreshold: num('ASR_REJECT_THRESHOLD', 0.5, 'Default confidence below which an answer is rejected (sites may override)', 0, 1),
  confirmThreshold: num('ASR_CONFIRM_THRESHOLD', 0.8, 'Confidence below which the dialog should confirm', 0, 1),
  templateCache: int('ASR_TEMPLATE_CACHE', 64, 'Operators whose templates each worker keeps in memory', 1, 10000),
};
