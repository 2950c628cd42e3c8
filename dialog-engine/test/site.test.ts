/** Flows read the site's process settings as `site`: the sign-on lengths. */
import t from 'tap';
import { Driver } from './driver.ts';
import type { DialogOutput, Expectation } from '../types.ts';

const expectOf = (out: DialogOutput[]): Expectation | null => {
  const p = [...out].reverse().find((o) => o.type === 'prompt');
  return p?.type === 'prompt' ? p.expect : null;
};

t.test('without site settings: operator number 1–10 digits, PIN 4–8', async (t) => {
  const d = await Driver.builtin('signon');
  t.match(expectOf(d.start()), { kind: 'freeDigits', minLength: 1, maxLength: 10 });
  t.match(expectOf(d.say('101')), { kind: 'freeDigits', minLength: 4, maxLength: 8 });
});

t.test('fixed lengths from the site: the recogniser is told exactly how many digits', async (t) => {
  const d = await Driver.builtin('signon', undefined, { site: { signon: { operatorLength: 3, pinLength: 4 } } });
  t.match(expectOf(d.start()), { kind: 'freeDigits', minLength: 3, maxLength: 3 });
  t.match(expectOf(d.say('101')), { kind: 'freeDigits', minLength: 4, maxLength: 4 });
  t.match(expectOf(d.say('12345')), { kind: 'freeDigits', minLength: 4, maxLength: 4 }, 'a PIN of the wrong length is a no-match');
  d.say('1234');
  t.equal(d.state.operatorId, 7, 'signed on');
});

t.test('0 means any length (the default of the catalogue)', async (t) => {
  const d = await Driver.builtin('signon', undefined, { site: { signon: { operatorLength: 0, pinLength: 0 } } });
  t.match(expectOf(d.start()), { kind: 'freeDigits', minLength: 1, maxLength: 10 });
});

t.test("help comes with the re-ask the site's dialog.maxNoMatch / maxNoInput names (default the 2nd)", async (t) => {
  const HELP = /printed on your badge/;
  const texts = (out: DialogOutput[]): string => out.flatMap((o) => (o.type === 'prompt' ? [o.text] : [])).join(' ');
  const d = await Driver.builtin('signon');
  d.start();
  t.notMatch(texts(d.say('what')), HELP, 'default: first no-match, no help yet');
  t.match(texts(d.say('what')), HELP, 'second: help');
  const quick = await Driver.builtin('signon', undefined, { site: { dialog: { maxNoMatch: 1, maxNoInput: 3 } } });
  quick.start();
  t.match(texts(quick.say('what')), HELP, 'maxNoMatch 1: help with the first re-ask');
  const patient = await Driver.builtin('signon', undefined, { site: { dialog: { maxNoMatch: 1, maxNoInput: 3 } } });
  patient.start();
  t.notMatch(texts(patient.send({ type: 'noinput' })), HELP);
  t.notMatch(texts(patient.send({ type: 'noinput' })), HELP, 'maxNoInput 3: no help at the second no-input');
  t.match(texts(patient.send({ type: 'noinput' })), HELP, 'help at the third');
});
