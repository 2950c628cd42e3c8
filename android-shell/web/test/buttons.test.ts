import t from 'tap';
import { layoutFor, keypadPress } from '../src/ui/buttons.ts';
import { decodeFrames } from '../src/bridge.ts';

t.test('every expectation gets buttons', async (t) => {
  t.same(layoutFor(null, 'en'), { buttons: [], keypad: null });
  const ready = layoutFor({ kind: 'ready', commands: ['repeat', 'signoff'] }, 'en');
  t.same(ready.buttons.map((b) => b.answer), ['ready', 'repeat', 'signoff']);
  t.same(layoutFor({ kind: 'yesno', commands: ['repeat'] }, 'ru').buttons.map((b) => b.label), ['Да', 'Нет', 'Повтори']);
  t.same(layoutFor({ kind: 'choice', options: ['damaged', 'empty'], commands: [] }, 'en').buttons.map((b) => b.answer), ['damaged', 'empty']);
  const digits = layoutFor({ kind: 'digits', length: 2, commands: ['repeat', 'skip'] }, 'en');
  t.same(digits.keypad, { autoSubmitLength: 2, maxLength: 2, minLength: 2, range: null });
  t.same(digits.buttons.map((b) => b.answer), ['repeat', 'skip']);
  t.same(layoutFor({ kind: 'number', min: 0, max: 120, commands: ['short'] }, 'en').keypad, { autoSubmitLength: null, maxLength: 3, minLength: 1, range: { min: 0, max: 120 } });
  t.same(layoutFor({ kind: 'freeDigits', minLength: 3, maxLength: 6, commands: [] }, 'en').keypad?.maxLength, 6);
  t.same(layoutFor({ kind: 'mystery', commands: ['repeat'] } as never, 'en').buttons.map((b) => b.answer), ['repeat'], 'unknown kinds keep their commands');
});

t.test('keypad entry', async (t) => {
  const two = layoutFor({ kind: 'digits', length: 2, commands: [] }, 'en').keypad!;
  t.same(keypadPress(two, '', '4'), { entry: '4', submit: false });
  t.same(keypadPress(two, '4', '2'), { entry: '42', submit: true }, 'fixed length sends itself');
  t.same(keypadPress(two, '42', '7'), { entry: '42', submit: false }, 'no more than the length');
  t.same(keypadPress(two, '4', 'clear'), { entry: '', submit: false });
  const qty = layoutFor({ kind: 'number', min: 1, max: 12, commands: [] }, 'en').keypad!;
  t.same(keypadPress(qty, '13', 'ok'), { entry: '13', submit: false }, 'out of range is not sent');
  t.same(keypadPress(qty, '12', 'ok'), { entry: '12', submit: true });
  t.same(keypadPress(qty, '', 'x'), { entry: '', submit: false });
});

t.test('frames from the Android bridge', async (t) => {
  const pcm = new Int16Array(640);
  pcm[0] = 1234; pcm[320] = -5;
  const b64 = Buffer.from(new Uint8Array([...new Uint8Array(pcm.buffer), 1, 2, 3])).toString('base64');
  const r = decodeFrames(b64);
  t.equal(r.frames.length, 2);
  t.equal(r.frames[0]![0], 1234);
  t.equal(r.frames[1]![0], -5);
  t.equal(r.droppedBytes, 3);
});
