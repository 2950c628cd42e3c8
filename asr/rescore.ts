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

/** JSGF accepting exactly these words. */
export function onlyGrammar(words: string[]): string {
  return `#JSGF V1.0;\ngrammar x;\npublic <r> = ${words.join(' ')};\n`;
}

/** Decodes `audio` (already comfort-filled, as first fed) with the expected words only; returns its path score. */
export function scoreExpected(ss: SoundSwallowerModule, dec: Decoder, words: string[], audio: Float32Array[]): number | null {
  dec.set_grammar(onlyGrammar(words));
  dec.start();
  for (const a of audio) for (let i = 0; i < a.length; i += 1600) dec.process_audio(a.subarray(i, i + 1600));
  dec.stop();
  const al = dec.get_alignment();
  const got = (al.w ?? []).filter((w) => w.t && !/^[<[(]/.test(w.t)).map((w) => w.t.replace(/\(\d+\)$/, ''));
  if (got.join(' ') !== words.join(' ')) return null;
  return pathScore(ss, dec);
}

/** The acoustic model's phones (en-us), as one-phone dictionary words for the phone loop. */
export const PHONES = ['AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'B', 'CH', 'D', 'DH', 'EH', 'ER', 'EY', 'F', 'G', 'HH', 'IH', 'IY', 'JH', 'K',
  'L', 'M', 'N', 'NG', 'OW', 'OY', 'P', 'R', 'S', 'SH', 'T', 'TH', 'UH', 'UW', 'V', 'W', 'Y', 'Z', 'ZH'];
const PHONE_WORD = (p: string): string => `phl_${p.toLowerCase()}`;

const LOOP = `#JSGF V1.0;\ngrammar loop;\npublic <r> = <p>+;\n<p> = ${PHONES.map(PHONE_WORD).join(' | ')};\n`;

/**
 * Narrow beams for the phone loop: it needs only a rough score. Measured (diag:asr-oog, 60 right
 * digits + 60 OOG words): rtf 0.162 → 0.104 and at threshold 15 OOG rejection 0.62 → 0.72 with
 * the same 2 % of right digits rejected; narrower still (1e-10, maxhmmpf 1000) separated worse.
 */
export const LOOP_SEARCH: Readonly<Record<string, number>> = { beam: 1e-20, pbeam: 1e-20, wbeam: 1e-10, maxhmmpf: 3000 };

/**
 * Out-of-grammar evidence: a decoder holding an unconstrained phone loop, fed the same audio as
 * the grammar's decoder while the picker speaks (so only finalisation remains at the end).
 * Speech the grammar covers scores about as well constrained as free; other words score much
 * better free, so (loop − constrained) per frame of speech is a likelihood ratio (decide.ts).
 */
export async function createLoopDecoder(ss: SoundSwallowerModule, config: Record<string, string | number | boolean>): Promise<Decoder> {
  const dec = new ss.Decoder({ ...config, ...LOOP_SEARCH });
  await dec.initialize();
  dec.set_config('cmn', 'batch');
  await dec.reinitialize_audio();
  dec.add_words(...PHONES.map((p): [string, string] => [PHONE_WORD(p), p]));
  dec.set_grammar(LOOP);
  return dec;
}
