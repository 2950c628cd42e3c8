/**
 * A small scripted pick conversation for the browser tests of the device itself (buttons,
 * keypad, reconnect and resume), run by the real gateway in place of the dialog engine. It
 * counts every confirmation, so a test can prove each pick was confirmed exactly once.
 */
import type { Conversation, SessionContext } from '../../gateway/device/session.ts';

export interface ScriptPick { location: string; checkDigits: string; quantity: number }
export interface ScriptLog { confirmations: Map<number, number>; texts: string[]; done: boolean }

export function pickScript(picks: ScriptPick[], log: ScriptLog): (ctx: SessionContext) => Conversation {
  return (ctx) => {
    let step: { at: 'ready' } | { at: 'check' | 'qty'; pick: number } | { at: 'done' } = { at: 'ready' };
    const say = (text: string, expect: Parameters<SessionContext['send']>[0] extends infer M ? (M extends { type: 'prompt'; expect: infer E } ? E : never) : never, node: string): void => {
      ctx.send({ type: 'prompt', text, language: 'en', bargeIn: true, expect, node });
      ctx.logTurn('prompt', { text, flowNode: node });
    };
    const askCheck = (i: number): void => say(`Go to ${picks[i]!.location}. Check digits?`, { kind: 'digits', length: picks[i]!.checkDigits.length, commands: ['repeat', 'skip'] }, 'pick.check');
    return {
      async start(resumed) { if (!resumed) say('Say ready to start.', { kind: 'ready', commands: ['repeat'] }, 'start'); },
      async onText(text) {
        log.texts.push(text);
        ctx.logTurn('text', { text, flowNode: step.at });
        if (step.at === 'ready' && text === 'ready') { step = { at: 'check', pick: 0 }; askCheck(0); return; }
        if (step.at === 'check') {
          const p = picks[step.pick]!;
          if (text === p.checkDigits) { step = { at: 'qty', pick: step.pick }; say(`Pick ${p.quantity}.`, { kind: 'number', min: 0, max: 99, commands: ['short'] }, 'pick.qty'); }
          else say('Wrong check digits. Check digits?', { kind: 'digits', length: p.checkDigits.length, commands: ['repeat', 'skip'] }, 'pick.check');
          return;
        }
        if (step.at === 'qty') {
          const i = step.pick;
          log.confirmations.set(i, (log.confirmations.get(i) ?? 0) + 1);
          if (i + 1 < picks.length) { step = { at: 'check', pick: i + 1 }; askCheck(i + 1); }
          else { step = { at: 'done' }; log.done = true; say('Assignment complete.', null, 'done'); }
        }
      },
      async onEvent(name, value) { ctx.logTurn('event', { text: value === undefined ? name : `${name}=${value}`, flowNode: step.at }); },
      onAudio() { /* buttons only */ },
      async close() { /* nothing held */ },
    };
  };
}
