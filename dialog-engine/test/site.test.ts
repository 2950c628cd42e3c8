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
