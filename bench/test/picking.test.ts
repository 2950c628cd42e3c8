import t from 'tap';
import { PickingScript, TruthError, type Truth } from '../picking.ts';
import { isReprompt, type PickerInfo, type PromptMsg } from '../device.ts';
import { rng } from '../audio/bank.ts';

const truth: Truth = {
  operators: [
    { id: '101', pin: '4821', name: 'Ann', language: 'en' },
    { id: '102', pin: '1111', name: 'Boris', language: 'ru' },
    { id: '103', pin: '7310', name: 'Carla', language: 'en' },
  ],
  checkDigits: new Map([['3|12', '47'], ['3|14', '905'], ['dock|2', '61']]),
};
const picker = (index: number): PickerInfo => ({ index, voice: 'jackson', rand: rng(index + 1) });
let seq = 0;
const prompt = (node: string, text: string, expect: PromptMsg['expect']): PromptMsg =>
  ({ type: 'prompt', seq: ++seq, text, language: 'en', bargeIn: true, expect, node });
const digits = (length: number): PromptMsg['expect'] => ({ kind: 'digits', length, commands: [] });
const ready: PromptMsg['expect'] = { kind: 'ready', commands: [] };

t.test('a picker answers each prompt of the built-in flows with the ground truth', async (t) => {
  const s = new PickingScript(truth, 2);
  const p1 = picker(1); // the second English operator: 103
  const say = (p: PromptMsg): string | undefined => s.answer(p, p1)?.say;
  t.equal(say(prompt('signon.askOperator', 'Say your operator number.', { kind: 'freeDigits', minLength: 1, maxLength: 6, commands: [] })), '103');
  t.equal(say(prompt('signon.askPin', 'Say your PIN.', { kind: 'freeDigits', minLength: 4, maxLength: 8, commands: [] })), '7310');
  t.equal(s.answer(prompt('signon.sayWelcome', 'Welcome, Carla.', null), p1), null, 'a prompt without expectation needs no answer');
  t.equal(say(prompt('picking.goAisle', 'Aisle 3.', ready)), 'ready');
  t.equal(say(prompt('picking.checkDigits', 'Slot 12.', digits(2))), '47');
  t.equal(say(prompt('picking.checkDigits', 'Sorry. Slot 12.', digits(2))), '47', 'a reprompt gets the same answer');
  t.equal(say(prompt('picking.checkDigits', 'Did you say 4 7? Say yes or no.', { kind: 'yesno', commands: [] })), 'yes');
  t.equal(say(prompt('picking.checkDigits', 'Did you say 4 1? Say yes or no.', { kind: 'yesno', commands: [] })), 'no', 'a misrecognition is refused');
  t.equal(say(prompt('picking.quantity', 'Pick 6.', { kind: 'number', min: 0, max: 6, commands: [] })), '6');
  t.equal(say(prompt('picking.checkDigits', 'Slot 14.', digits(3))), '905', 'same aisle, next slot');
  t.equal(say(prompt('picking.quantity', 'Sign off? Say yes or no.', { kind: 'yesno', commands: [] })), 'no', 'a misheard sign off is refused');
  t.equal(say(prompt('picking.drop', 'Deliver to dock 2.', digits(2))), '61');
  t.equal(say(prompt('picking.noWork', 'No work. Say ready.', ready)), 'ready');
  t.equal(s.answer(prompt('picking.goAisle', 'Aisle 3.', ready), p1)?.sendText, false, 'voice answers by default');
  // the right answer is logged where the flow has one (turns.jsonl, for bench:asr --replay)
  t.equal(s.answer(prompt('picking.checkDigits', 'Slot 12.', digits(2)), p1)?.expected, '47', 'check digits: the expected answer');
  t.equal(s.answer(prompt('picking.quantity', 'Pick 6.', { kind: 'number', min: 0, max: 999, commands: [] }), p1)?.expected, '6', 'quantity: the expected answer');
  t.equal(s.answer(prompt('picking.goAisle', 'Aisle 3.', ready), p1)?.expected, undefined, 'ready: none');
  t.equal(s.answer(prompt('picking.checkDigits', 'Did you say 4 7? Say yes or no.', { kind: 'yesno', commands: [] }), p1)?.expected, undefined, 'a confirmation: none');
});

t.test('too few English operators is a clear error', async (t) => {
  t.throws(() => new PickingScript(truth, 3), { code: 'TOO_FEW_OPERATORS' });
  t.ok(new TruthError('TRUTH_UNAVAILABLE', 'x'));
});

t.test('reprompt detection', async (t) => {
  const a = prompt('picking.checkDigits', 'Slot 12.', digits(2));
  t.ok(isReprompt(a, prompt('picking.checkDigits', 'Sorry. Slot 12.', digits(2))));
  t.ok(isReprompt(a, prompt('picking.checkDigits', 'Wrong. Slot 12.', digits(2))));
  t.notOk(isReprompt(a, prompt('picking.checkDigits', 'Slot 14.', digits(2))), 'the next line is not a reprompt');
  t.notOk(isReprompt(a, prompt('picking.checkDigits', 'Did you say 4 7? Say yes or no.', { kind: 'yesno', commands: [] })));
  t.notOk(isReprompt(a, prompt('picking.quantity', 'Pick 6.', digits(1))));
  const q = prompt('picking.quantity', 'More than asked. Pick 4.', digits(1));
  t.ok(isReprompt(q, prompt('picking.quantity', 'More than asked. Pick 4. Pick 4 of tea, then say how many you picked.', digits(1)), 'Pick 4.'),
    'an escalation with help text around the original question');
});
