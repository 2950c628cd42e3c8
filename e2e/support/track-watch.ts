/**
 * Follows a spoken run from the device's own log while the fake microphone plays a fixed answer
 * track. A fixed track cannot follow a reprompt: once an answer is rejected, every later answer
 * lands on the wrong prompt. So the run stops at the first sign of that (an answer heard as
 * something else, a "Sorry." / "Wrong." / "Did you say …?" prompt) and names the turn, instead of
 * waiting for a timeout or, worse, passing by luck.
 */
import type { Page } from 'playwright-core';
import type { LogEntry } from '../../android-shell/web/src/controller.ts';
import type { Answer } from './answers.ts';
import { vmLog } from './page.ts';

/** Prompts the dialog says only when it did not take an answer as given. */
const REPROMPT = /^(Sorry\.|Wrong\b|Did you say\b|Your supervisor has been called|More than asked)/;

export type TrackOutcome =
  | { outcome: 'finished'; heard: number }
  | { outcome: 'drift'; message: string }
  | { outcome: 'timeout'; message: string };

/**
 * Reads the log from the start and checks it against `answers` in order. Returns null while the
 * run is still in step and not finished.
 */
export function checkLog(log: LogEntry[], answers: Answer[], finish: RegExp): TrackOutcome | null {
  let k = 0;
  let prompt = '(none yet)';
  for (const e of log) {
    if (e.dir !== 'in') continue;
    if (e.kind === 'recognized') {
      const a = answers[k];
      if (!a) return { outcome: 'drift', message: `heard "${e.text}" after all ${answers.length} answers of the track were taken (prompt "${prompt}")` };
      if (e.text !== a.say) {
        return { outcome: 'drift', message: `answer ${k + 1} of ${answers.length} ("${a.say}", to the prompt "${prompt}") was heard as "${e.text}" (confidence ${e.detail}); the fixed track is out of step with the dialog from here` };
      }
      k++;
    } else if (e.kind === 'prompt' && e.text !== undefined) {
      prompt = e.text;
      if (REPROMPT.test(e.text)) {
        const last = k > 0 ? `after answer ${k} ("${answers[k - 1]!.say}") ` : '';
        return { outcome: 'drift', message: `the dialog reprompted ${last}while answer ${k + 1} ("${answers[k]?.say ?? '-'}") was due: "${e.text}"; the fixed track is out of step with the dialog from here` };
      }
      if (finish.test(e.text)) {
        if (k !== answers.length) return { outcome: 'drift', message: `finished ("${e.text}") after ${k} of ${answers.length} answers` };
        return { outcome: 'finished', heard: k };
      }
    }
  }
  return null;
}

/** Polls the page's log until the run finishes, drifts, or `timeoutMs` passes. */
export async function followTrack(page: Page, answers: Answer[], finish: RegExp, timeoutMs: number): Promise<TrackOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = checkLog(await vmLog(page), answers, finish);
    if (r) return r;
    if (Date.now() > deadline) {
      const log = await vmLog(page);
      const heard = log.filter((e) => e.dir === 'in' && e.kind === 'recognized').length;
      const last = [...log].reverse().find((e) => e.dir === 'in' && e.kind === 'prompt');
      return { outcome: 'timeout', message: `not finished within ${Math.round(timeoutMs / 1000)} s: ${heard} of ${answers.length} answers heard, last prompt "${last?.text ?? '-'}"` };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
