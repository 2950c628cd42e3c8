/** The built-in sign-on and picking flows, driven purely (in-memory WMS): every path of a pick. */
import t from 'tap';
import { Driver, fakeWms, ASSIGNMENT } from './driver.ts';
import { step } from '../step.ts';
import { WMS_WRITES, type DialogState, type Json, type PendingWms, type WmsResultInput } from '../types.ts';

const texts = Driver.texts;

async function signedOn(calls?: PendingWms[]): Promise<Driver> {
  const d = await Driver.builtin('main', fakeWms({ assignments: 1, ...(calls ? { calls } : {}) }));
  d.start(); d.type('12');
  const out = d.type('1234');
  t.same(texts(out), ['Welcome, Ann.', 'Assignment 5 0 1, 3 lines.', 'Aisle 1.']);
  return d;
}

t.test('sign-on: wrong PIN, locked, then welcome and the operator output', async (t) => {
  const d = await Driver.builtin('main', (p): Omit<WmsResultInput, 'type'> => (p.op === 'validateOperator'
    ? { status: 'ok', data: p.args.pin === '0000' ? { valid: false, reason: 'locked', lockedMinutes: 5 } : { valid: false, reason: 'bad-pin' } }
    : { status: 'empty' }));
  t.same(texts(d.start()), ['Say your operator number.']);
  t.same(texts(d.type('12')), ['Say your PIN.']);
  t.same(texts(d.type('cancel')), ['Say your operator number.'], 'cancel at the PIN goes back');
  d.type('12');
  t.same(texts(d.type('9999')), ['Wrong operator number or PIN.', 'Say your operator number.']);
  d.type('12');
  t.same(texts(d.type('0000')), ['Operator 1 2 is locked for 5 minutes. Call your supervisor.', 'Say your operator number.']);
  t.equal(d.state.lastPrompt?.expect?.kind, 'freeDigits');
  const d2 = await signedOn();
  t.same(d2.log.find((o) => o.type === 'operator'), { type: 'operator', operatorId: 7, language: 'en' });
  t.ok(d2.state.lastPrompt?.expect?.commands.includes('sign off'), 'sign off allowed once signed on');
});

t.test('a whole assignment: travel, check digits, quantity, deliver, next', async (t) => {
  const calls: PendingWms[] = [];
  const d = await signedOn(calls);
  t.same(texts(d.type('ready')), ['Slot 11.']);
  t.same(d.state.lastPrompt?.expect, { kind: 'digits', length: 2, expected: '42', commands: ['repeat', 'say again', 'help', 'how much more', 'skip', 'short', 'sign off', 'talk louder', 'talk softer', 'talk faster', 'talk slower'] });
  t.same(texts(d.type('24')), ['Wrong. Slot 11.'], 'wrong check digits');
  t.same(texts(d.type('42')), ['Pick 3.']);
  t.same(d.state.lastPrompt?.expect, { kind: 'number', min: 0, max: 999, expected: 3, commands: ['repeat', 'say again', 'help', 'how much more', 'skip', 'short', 'sign off', 'talk louder', 'talk softer', 'talk faster', 'talk slower'] });
  t.same(texts(d.type('4')), ['More than asked. Pick 3.'], 'more than asked is rejected');
  t.same(texts(d.type('3')), ['Slot 12.'], 'same aisle: no travel prompt');
  t.same(calls.at(-1), { kind: 'wms', op: 'confirmPick', args: { operatorId: '12', assignmentId: '501', lineId: 'L1', quantity: 3 }, key: 'pick:501:L1', node: 'picking.confirmPick' });
  d.type('57'); d.type('2');
  t.same(texts(d.type('ready')), ['Slot 21.']);
  t.equal(d.state.lastPrompt?.expect?.kind === 'digits' && d.state.lastPrompt.expect.length, 3, 'three check digits');
  d.type('305');
  t.same(texts(d.type('5')), ['Deliver to dock 1.']);
  t.same(texts(d.type('98')), ['Wrong. Deliver to dock 1.']);
  t.same(texts(d.type('99')), ['Assignment complete.', 'No work. Say ready.']);
  t.same(calls.filter((c) => (WMS_WRITES as readonly string[]).includes(c.op)).map((c) => c.key),
    ['pick:501:L1', 'pick:501:L2', 'pick:501:L3', 'complete:501']);
  t.same(texts(d.type('ready')), ['No work. Say ready.'], 'no work again');
});

t.test('short pick: less than asked → confirm → reason; "short" word; cancel', async (t) => {
  const calls: PendingWms[] = [];
  const d = await signedOn(calls);
  d.type('ready'); d.type('42');
  t.same(texts(d.type('1')), ['You said 1, asked 3. Short pick?']);
  t.same(texts(d.type('no')), ['Pick 3.'], 'not a short: asked again');
  d.type('1');
  t.same(texts(d.type('yes')), ['Reason code?']);
  t.same(d.state.lastPrompt?.expect, { kind: 'choice', options: ['1', '2'], commands: ['repeat', 'say again', 'help', 'how much more', 'skip', 'sign off', 'cancel', 'talk louder', 'talk softer', 'talk faster', 'talk slower'] });
  t.same(texts(d.type('2')), ['Slot 12.']);
  t.same(calls.at(-1), { kind: 'wms', op: 'reportShort', args: { operatorId: '12', assignmentId: '501', lineId: 'L1', quantity: 1, expected: 3, reasonCode: '2' }, key: 'short:501:L1', node: 'picking.sendShort' });
  t.same(texts(d.type('short')), ['Short. How many did you pick?'], 'short at the check digits');
  t.same(d.state.lastPrompt?.expect?.kind === 'number' && d.state.lastPrompt.expect.max, 1, 'fewer than asked');
  t.same(texts(d.type('cancel')), ['Pick 2.']);
  t.same(texts(d.type('short')), ['Short. How many did you pick?']);
  t.same(texts(d.type('0')), ['Reason code?']);
  d.type('1');
  t.equal(calls.at(-1)!.key, 'short:501:L2');
});

t.test('skip a slot, come back to it at the end; how much more', async (t) => {
  const d = await signedOn();
  d.type('ready');
  t.same(texts(d.type('how much more')), ['3 lines, 10 units left. Slot 11.']);
  t.same(texts(d.type('skip')), ['Slot 12.']);
  d.type('57'); d.type('2');
  d.type('ready'); d.type('305');
  t.same(texts(d.type('5')), ['Skipped slots.', 'Aisle 1.'], 'back to the skipped slot, travel again');
  t.same(texts(d.type('how much more')), ['1 lines, 3 units left. Aisle 1.']);
  d.type('ready'); d.type('42');
  t.same(texts(d.type('3')), ['Deliver to dock 1.']);
});

t.test('resume from persisted state mid-assignment, exactly where it was', async (t) => {
  const d = await signedOn();
  d.type('ready'); d.type('42'); d.type('3');
  const persisted = JSON.parse(JSON.stringify(d.state)) as DialogState; // as stored in device_sessions.dialog_state
  const resumed = step(d.flow, persisted, { type: 'resume' }, d.opts);
  t.same(texts(resumed.outputs), ['Slot 12.']);
  const a = step(d.flow, resumed.state, { type: 'answer', text: '57', confidence: 1, source: 'text' }, d.opts);
  t.same(texts(a.outputs), ['Pick 2.']);
  t.same(texts(d.type('57')), ['Pick 2.'], 'the original goes on the same way');
  t.same(a.state.stack, d.state.stack);
});

t.test('Russian prompts for a Russian operator', async (t) => {
  const d = await Driver.builtin('main', (p): Omit<WmsResultInput, 'type'> => (p.op === 'validateOperator'
    ? { status: 'ok', data: { valid: true, operator: { id: 3, externalId: '5', name: 'Ирина', language: 'ru', ttsRate: 1.2, ttsVolume: 0.8 } } }
    : p.op === 'getNextAssignment' ? { status: 'ok', data: ASSIGNMENT as unknown as Json } : { status: 'ok' }));
  d.start(); d.type('5');
  const out = d.type('1234');
  t.same(texts(out), ['Здравствуйте, Ирина.', 'Задание 5 0 1, строк: 3.', 'Ряд 1.']);
  t.same(out.find((o) => o.type === 'settings'), { type: 'settings', ttsRate: 1.2, ttsVolume: 0.8 }, 'operator speech settings applied');
  t.same(texts(d.type('готов')), ['Ячейка 11.']);
});

t.test('enrollment: every word K times, announced to the recogniser', async (t) => {
  const d = await Driver.builtin('enrollment');
  const first = d.start();
  t.same(first.filter((o) => o.type === 'enroll')[0], { type: 'enroll', word: 'zero', take: 1, takes: 3 });
  let enrolls = 1;
  for (let i = 0; i < 200 && d.state.status !== 'ended'; i++) enrolls += d.type('ready').filter((o) => o.type === 'enroll').length;
  t.equal(enrolls, 17 * 3);
  t.same(d.log.at(-1), { type: 'end', reason: 'enrolled' });
});
