/**
 * Second opinion for check strings (worker side): when the decoder's best path is not the
 * expected answer, the same audio is decoded again with a grammar holding only the expected
 * words, and the two path scores are compared. The main thread accepts the expected answer when
 * it scores within a margin of the winner (`decide.ts`, `expectedMargin`), a likelihood ratio
 * between the two hypotheses. Path scores come from the decoder's own `decoder_hyp` (log base
 * 1.0001, acoustic + scaled grammar score); the JS wrapper does not expose them, so this reaches
 * into the module's exported C functions.
 */
import type { Decoder, SoundSwallowerModule } from 'soundswallower';

interface RawModule { _malloc(n: number): number; _free(p: number): void; _decoder_hyp(dec: number, scorePtr: number): number; HEAP32: Int32Array }

/** A decoder slot's phone loop and what it needs to be decoded late (the worker's Slot has these). */
export interface LoopState {
  /** Free phone-loop decoder fed the same audio (null when out-of-grammar scoring is off). */
  loop: Decoder | null;
  /** The phone-loop decoder is inside an utterance (started, not yet stopped). */
  loopOn: boolean;
  /** The phone loop has heard speech (its own warm-up, as for the grammar's decoder). */
  loopWarm: boolean;
  /** This utterance started from its session's own cepstral state (no warm-up pass needed). */
  seeded: boolean;
  /** Audio exactly as fed to the grammar's decoder (comfort-filled), held for rescoring and the deferred loop. */
  fed: Float32Array[];
}

export function startLoop(s: LoopState): void {
  if (!s.loop || s.loopOn) return;
  s.loop.start();
  s.loopOn = true;
}

export function stopLoop(s: LoopState): void {
  if (!s.loop || !s.loopOn) return;
  s.loopOn = false;
  s.loop.stop();
}

/** Feeds audio to a decoder in 100 ms calls, as every pass does (the same calls give the same search). */
export function feedChunks(dec: Decoder, x: Float32Array): void {
  for (let i = 0; i < x.length; i += 1600) dec.process_audio(x.subarray(i, i + 1600));
}

/**
 * The deferred phone loop over the audio held for it: twice on a loop that has not heard speech
 * yet (the first pass only sets its cepstral mean, as for the grammar's decoder). Left started.
 */
export function decodeDeferredLoop(s: LoopState): void {
  const passes = s.loopWarm || s.seeded ? 1 : 2;
  for (let p = 0; p < passes; p++) {
    stopLoop(s);
    startLoop(s);
    for (const a of s.fed) feedChunks(s.loop!, a);
  }
  s.loopWarm = true;
}

/** The path score of the decoder's current hypothesis (after `stop()`); null when it has none. */
export function pathScore(ss: SoundSwallowerModule, dec: Decoder): number | null {
  const m = ss as unknown as RawModule;
  const p = m._malloc(4);
  try {
    m.HEAP32[p >> 2] = 0;
    const hyp = m._decoder_hyp((dec as unknown as { cdecoder: number }).cdecoder, p);
    return hyp === 0 ? null : m.HEAP32[p >> 2]!;
  } finally { m._free(p); }
}

/** The spoken words of an alignment (silences, fillers and null transitions left out). */
export function spokenWords<T extends { t: string }>(al: { w?: T[] }): T[] {
  return (al.w ?? []).filter((w) => w.t && !/^[<[(]/.test(w.t));
}

/** JSGF accepting exactly these words. */
export function onlyGrammar(words: string[]): string {
  return `#JSGF V1.0;\ngrammar x;\npublic <r> = ${words.join(' ')};\n`;
}

/** Decodes `audio` (already comfort-filled, as first fed) with the expected words only; returns its path score. */
export function scoreExpected(ss: SoundSwallowerModule, dec: Decoder, words: string[], audio: Float32Array[]): number | null {
  dec.set_grammar(onlyGrammar(words));
  dec.start();
  for (const a of audio) feedChunks(dec, a);
  dec.stop();
  const al = dec.get_alignment();
  const got = spokenWords(al).map((w) => w.t.replace(/\(\d+\)$/, ''));
  if (got.join(' ') !== words.join(' ')) return null;
  return pathScore(ss, dec);
}

/** The acoustic model's phones (en-us), as one-phone dictionary words for the phone loop. */
export const PHONES = ['AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'B', 'CH', 'D', 'DH', 'EH', 'ER', 'EY', 'F', 'G', 'HH', 'IH', 'IY', 'JH', 'K',
  'L', 'M', 'N', 'NG', 'OW', 'OY', 'P', 'R', 'S', 'SH', 'T', 'TH', 'UH', 'UW', 'V', 'W', 'Y', 'Z', 'ZH'] as const;
export type Phone = (typeof PHONES)[number];

/**
 * A reduced loop (the default): 27 phones, every phone of the ten digit words among them. A loop
 * of one-phone words expands each word into HMMs for its left and right contexts, so its search
 * grows roughly with the cube of the phone count and was ~2/3 of all decoding. Measured (round 6
 * in docs/performance/asr.md): the loop decoder alone 0.045 → 0.035 rtf; bench:asr subsample at
 * the same threshold: OOG rejection 0.67 → 0.68, false rejection 0.016 → 0.016, every other
 * figure equal but free digit strings (0.715 → 0.69, within run-to-run spread). Without W, TH
 * and V (24 phones) the loop was cheaper still but scored right digits worse.
 */
export const REDUCED_LOOP_PHONES: readonly Phone[] = ['AA', 'AE', 'AH', 'AO', 'AY', 'B', 'D', 'EH', 'ER', 'EY', 'F', 'IH', 'IY', 'K', 'L', 'M',
  'N', 'OW', 'P', 'R', 'S', 'T', 'TH', 'UW', 'V', 'W', 'Z'];

/** The phones the loop is built of by default (docs/performance/asr.md, round 6). */
export const DEFAULT_LOOP_PHONES: readonly Phone[] = REDUCED_LOOP_PHONES;

/** An engine's `loopPhones` option: 'full' (every phone), 'reduced', or a list (checked). */
export type LoopPhones = 'full' | 'reduced' | readonly string[];

export function resolveLoopPhones(x: LoopPhones | undefined): Phone[] {
  if (x === undefined) return [...DEFAULT_LOOP_PHONES];
  if (x === 'full') return [...PHONES];
  if (x === 'reduced') return [...REDUCED_LOOP_PHONES];
  return checkLoopPhones(x);
}

/** Checks a loop phone list (engine option, diagnostics): known phones, no repeats, at least 8. */
export function checkLoopPhones(list: readonly string[]): Phone[] {
  const known = new Set<string>(PHONES);
  const bad = list.filter((p) => !known.has(p));
  if (bad.length) throw Object.assign(new Error(`unknown loop phone(s) ${bad.join(', ')}; the model's phones are ${PHONES.join(' ')}`), { code: 'ASR_BAD_OPTION' });
  if (new Set(list).size !== list.length) throw Object.assign(new Error('loop phones repeat'), { code: 'ASR_BAD_OPTION' });
  if (list.length < 8) throw Object.assign(new Error('the phone loop needs at least 8 phones'), { code: 'ASR_BAD_OPTION' });
  return list as Phone[];
}
const PHONE_WORD = (p: string): string => `phl_${p.toLowerCase()}`;

const loopGrammar = (phones: readonly string[]): string => `#JSGF V1.0;\ngrammar loop;\npublic <r> = <p>+;\n<p> = ${phones.map(PHONE_WORD).join(' | ')};\n`;

/**
 * A decoder as every pool slot uses it: initialised, with batch CMN (measured better than live
 * CMN on short command utterances) applied by a new feature module.
 */
export async function createDecoder(ss: SoundSwallowerModule, config: Record<string, string | number | boolean>): Promise<Decoder> {
  const dec = new ss.Decoder(config);
  await dec.initialize();
  dec.set_config('cmn', 'batch');
  await dec.reinitialize_audio();
  return dec;
}

/**
 * Narrow beams for the phone loop: it needs only a rough score. Measured (diag:asr-oog, 60 right
 * digits + 60 OOG words): rtf 0.162 → 0.104 and at threshold 15 OOG rejection 0.62 → 0.72 with
 * the same 2 % of right digits rejected; narrower still (1e-10, maxhmmpf 1000) separated worse.
 */
export const LOOP_SEARCH: Readonly<Record<string, number>> = { beam: 1e-20, pbeam: 1e-20, wbeam: 1e-10, maxhmmpf: 3000 };

/**
 * The loop's acoustics by default (`loopFast`): context-independent phones (`cionly`), whose loop
 * is not expanded into an HMM per left and right context, and acoustic scores computed every second
 * frame (`ds` 2; the search still runs every frame). Measured (docs/performance/asr.md round 8,
 * bench:asr-decoder): the loop alone rtf 0.044 → 0.019; diag:asr-oog at the same 4 % of right
 * digits rejected: out-of-grammar rejection 0.70 (threshold 15) → 0.77 (threshold 20). The CI
 * loop scores speech better than the narrow-beamed context-dependent one, so its threshold is 20.
 */
export const LOOP_FAST: Readonly<Record<string, number | boolean>> = { cionly: true, ds: 2 };

/**
 * Out-of-grammar evidence: a decoder holding an unconstrained phone loop, fed the same audio as
 * the grammar's decoder while the picker speaks (so only finalisation remains at the end).
 * Speech the grammar covers scores about as well constrained as free; other words score much
 * better free, so (loop − constrained) per frame of speech is a likelihood ratio (decide.ts).
 */
export async function createLoopDecoder(ss: SoundSwallowerModule, config: Record<string, string | number | boolean>, phones: readonly string[] = DEFAULT_LOOP_PHONES, own: Record<string, string | number | boolean> = {}): Promise<Decoder> {
  const dec = await createDecoder(ss, { ...config, ...LOOP_SEARCH, ...own });
  dec.add_words(...phones.map((p): [string, string] => [PHONE_WORD(p), p]));
  dec.set_grammar(loopGrammar(phones));
  return dec;
}
