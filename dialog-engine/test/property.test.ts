/** Property: any input sequence never throws and never leaves the state schema (built-in flows). */
import t from 'tap';
import fc from 'fast-check';
import { Driver, fakeWms } from './driver.ts';
import { isDialogState, dialogStateErrors } from '../state.ts';
import { GLOBAL_COMMANDS, type StepInput } from '../types.ts';

const words = ['12', '1234', 'ready', '42', '57', '305', '99', '3', '2', '5', '1', '0', '4', 'yes', 'no', '', 'x', '999999', 'готов', ...GLOBAL_COMMANDS];
const input: fc.Arbitrary<StepInput> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ type: fc.constant('answer' as const), text: fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 12 })), confidence: fc.double({ min: 0, max: 1, noNaN: true }), source: fc.constantFrom('voice' as const, 'text' as const) }) },
  { weight: 1, arbitrary: fc.constant({ type: 'noinput' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'nomatch' as const }) },
);
const wmsFault = fc.constantFrom('none', 'error', 'critical', 'empty');

t.test('random inputs against the built-in flows', async (t) => {
  const base = await Driver.builtin('main');
  let steps = 0;
  fc.assert(fc.property(fc.array(fc.tuple(input, wmsFault), { minLength: 5, maxLength: 60, size: 'max' }), fc.integer({ min: 0, max: 3 }), fc.boolean(), (seq, nAssign, signOn) => {
    let fault = 'none';
    const ok = fakeWms({ assignments: nAssign });
    const d = new Driver(base.flow, base.registry, (p) => (fault === 'none' || p.op === 'validateOperator' ? ok(p) : { status: fault as 'error' | 'critical' | 'empty', message: 'injected' }), base.opts);
    d.start();
    if (signOn) { d.type('12'); d.type('1234'); d.type('ready'); }
    for (const [i, f] of seq) {
      fault = f;
      const old = d.state;
      const before = JSON.stringify(old);
      d.send(i);
      if (JSON.stringify(old) !== before) throw new Error('step changed its input state');
      steps++;
      if (!isDialogState(d.state)) throw new Error(`state left the schema: ${dialogStateErrors()}`);
      JSON.parse(JSON.stringify(d.state)); // plain JSON
      if (d.state.status === 'ended' && d.state.stack.length) {
        if (!d.log.some((o) => o.type === 'end')) throw new Error('ended without an end output');
      }
    }
    return true;
  }), { numRuns: 200, seed: 42 });
  t.ok(steps > 3000, `${steps} steps`);
});
