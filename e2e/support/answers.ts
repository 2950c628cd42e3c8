/**
 * Spoken answer sequences for the fake microphone: what a picker says, with the pauses a picker
 * makes (listening to the prompt, walking to the slot). Digits are real recordings (FSDD),
 * command words are flite; `assembleTrack` turns the pieces into a 16 kHz WAV.
 */
import type { Piece } from './audio.ts';
import type { Expect } from '../../gateway/protocol/messages.ts';

export interface Answer {
  say: string;
  /** seconds of silence before it */
  after: number;
  /** what the dialog expects then (for choosing a recording the recogniser gets right) */
  expect?: Expect & { expected?: string | number };
  /** a recording to use instead of assembling one */
  file?: string;
  /** where that recording came from (e.g. "flite:slt", "fsdd:george"), for the artefacts */
  source?: string;
}

/** "47" → digits piece; anything else → a flite word. */
export function piecesFor(answers: Answer[], speaker = 'jackson', leadOut = 4): Piece[] {
  const out: Piece[] = [];
  answers.forEach((a, i) => {
    out.push({ silence: a.after });
    out.push(a.file ? { file: a.file } : /^\d+$/.test(a.say) ? { digits: a.say, speaker, take: (i * 7) % 50 } : { word: a.say });
  });
  out.push({ silence: leadOut });
  return out;
}

/** A realistic short session for the bandwidth figures: sign-on and three picks with walking in between. */
export const SAMPLE_SESSION: Answer[] = [
  { say: '1042', after: 3 }, { say: '5831', after: 2.5 }, // operator number, PIN
  { say: 'ready', after: 6 },                             // welcome + assignment + aisle
  { say: '47', after: 9 }, { say: '2', after: 2.5 },      // walk to the slot; check digits; quantity
  { say: '19', after: 8 }, { say: '1', after: 2.5 },
  { say: 'ready', after: 3 },                              // next aisle
  { say: '83', after: 10 }, { say: '4', after: 2.5 },
  { say: '55', after: 15 },                                // walk to the drop
];
