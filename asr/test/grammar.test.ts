import t from 'tap';
import { compileGrammar, jsgfWeight, GrammarError, numberWords } from '../grammar.ts';
import { interpret, partialEndsEarly, partialIsKnown } from '../interpret.ts';
import type { Expectation } from '../types.ts';

const cmds = ['repeat', 'say again', 'how much more'];

t.test('digits grammar lists digit words and commands, no "oh" by default', async (t) => {
  const g = compileGrammar({ kind: 'digits', length: 3, commands: cmds });
  t.match(g.jsgf, /public <r> = <answer> \| <cmd>;/);
  t.match(g.jsgf, /<answer> = <d> <d> <d>;/);
  t.notOk(g.words.includes('oh'));
  t.ok(g.words.includes('again'));
  t.ok(compileGrammar({ kind: 'digits', length: 1, commands: [] }, { allowOh: true }).words.includes('oh'));
});

t.test('expected-answer bias keeps the expected string and every one-digit neighbour, nothing further', async (t) => {
  const g = compileGrammar({ kind: 'digits', length: 2, expected: '42', commands: [] }, { biasWeight: 1 });
  t.match(g.jsgf, /\(four two\)/);
  t.match(g.jsgf, /\(four nine\)/);
  t.match(g.jsgf, /\(zero two\)/);
  t.notMatch(g.jsgf, /\(zero nine\)/, 'two digits away is left out');
  t.match(g.jsgf, /<answer> = \/1\/ \(four two\) \| \/1\/ <near>;/, 'the expected string is its own weighted branch');
  t.notMatch(g.jsgf, /<near> = [^;]*\(four two\)/, 'and not among its neighbours');
  t.match(compileGrammar({ kind: 'digits', length: 2, expected: '42', commands: [] }, { biasWeight: 1e6 }).jsgf, /<answer> = \/1000000\/ \(four two\)/);
  const free = compileGrammar({ kind: 'digits', length: 2, expected: '42', commands: [] }, { biasWeight: 0 });
  t.match(free.jsgf, /<answer> = <d> <d>;/);
});

t.test('weights: plain decimals (the JSGF lexer takes no exponent); the command prior weights the command branch', async (t) => {
  t.same([8, 1e6, 1e-12, 2.5, 0.125, 1e-40].map(jsgfWeight), ['8', '1000000', '0.000000000001', '2.5', '0.125', '0.000000000000000000000000000001']);
  for (const bad of [0, -1, Number.NaN, Infinity]) t.throws(() => jsgfWeight(bad), { code: 'ASR_BAD_EXPECTATION' });
  const e: Expectation = { kind: 'digits', length: 1, commands: cmds };
  t.match(compileGrammar(e).jsgf, /public <r> = <answer> \| <cmd>;/, 'prior 1: no weights');
  t.match(compileGrammar(e, { commandPrior: 1e-12 }).jsgf, /public <r> = \/1\/ <answer> \| \/0\.000000000001\/ <cmd>;/);
  t.match(compileGrammar({ kind: 'digits', length: 1, commands: [] }, { commandPrior: 1e-12 }).jsgf, /public <r> = <answer>;/, 'no commands, no branch');
  const g = compileGrammar(e, { commandPrior: 1e-12, fillerWeight: 1e-6 });
  t.match(g.jsgf, /public <r> = \/1\/ \(\/1\/ <answer> \| \/0\.000000000001\/ <cmd>\) \| \/0\.000001\/ <filler>;/);
  t.notOk(g.words.some((w) => /^[0-9.]+$/.test(w)), 'weights are not words');
});

t.test('numbers, yes/no, choice, ready, freeDigits compile', async (t) => {
  t.match(compileGrammar({ kind: 'number', min: 1, max: 25, commands: [] }).jsgf, /\(twenty five\)/);
  t.same(compileGrammar({ kind: 'yesno', commands: [] }).tokens, ['yes', 'no']);
  t.match(compileGrammar({ kind: 'choice', options: ['Damaged', 'short pick'], commands: [] }).jsgf, /\(short pick\)/);
  t.match(compileGrammar({ kind: 'freeDigits', minLength: 1, maxLength: 3, commands: [] }).jsgf, /<d> \[<d> \[<d>\]\]/);
  t.same(compileGrammar({ kind: 'ready', commands: ['ready', 'help'] }).tokens, ['ready', 'help']);
  t.same(numberWords(115), ['one', 'hundred', 'fifteen']);
});

t.test('bad expectations throw GrammarError with a stable code', async (t) => {
  const bad: unknown[] = [
    { kind: 'digits', length: 0, commands: [] }, { kind: 'digits', length: 2, expected: '123', commands: [] },
    // a number that reads as the right digits is still not a digit string (it crashed the engine later)
    { kind: 'digits', length: 1, expected: 7, commands: [] },
    { kind: 'number', min: 5, max: 1, commands: [] }, { kind: 'choice', options: [], commands: [] },
    { kind: 'nope', commands: [] }, { kind: 'yesno' }, { kind: 'yesno', commands: [''] },
  ];
  for (const e of bad) {
    t.throws(() => compileGrammar(e as Expectation), GrammarError);
    try { compileGrammar(e as Expectation); } catch (err) { t.equal((err as GrammarError).code, 'ASR_BAD_EXPECTATION'); }
  }
});

t.test('interpret normalises text', async (t) => {
  const d: Expectation = { kind: 'digits', length: 2, commands: cmds };
  t.same(interpret(d, ['four', 'two']), { text: '42', isCommand: false, complete: true });
  t.same(interpret(d, ['four']).text, null, 'too short');
  t.same(interpret(d, ['say', 'again']), { text: 'say again', isCommand: true, complete: true });
  t.equal(interpret({ kind: 'number', min: 1, max: 50, commands: [] }, ['twenty', 'three']).text, '23');
  t.equal(interpret({ kind: 'number', min: 1, max: 9, commands: [] }, ['three']).text, '3');
  t.equal(interpret({ kind: 'number', min: 1, max: 9, commands: [] }, ['twenty']).text, null, 'out of range');
  t.equal(interpret({ kind: 'yesno', commands: [] }, ['yes']).text, 'yes');
  t.equal(interpret({ kind: 'freeDigits', minLength: 1, maxLength: 4, commands: [] }, ['one', 'two']).complete, false);
  t.equal(interpret({ kind: 'ready', commands: ['ready'] }, ['ready']).isCommand, false);
});

t.test('a partial ends early when complete, or when only a command can go on from it', async (t) => {
  const q: Expectation = { kind: 'number', min: 0, max: 48, commands: ['say again', 'sign off', 'how much more', 'ready'] };
  t.equal(partialEndsEarly(q, ['six']), true, 'a complete answer');
  t.equal(partialEndsEarly(q, ['twenty']), false, '"twenty" may go on to "twenty four"');
  t.equal(partialEndsEarly(q, ['say']), true, '"say" goes on only to "say again": said in one breath');
  t.equal(partialEndsEarly(q, ['how', 'much']), true);
  t.equal(partialEndsEarly(q, []), false, 'nothing heard yet: wait');
  const d: Expectation = { kind: 'digits', length: 3, commands: ['say again'] };
  t.equal(partialEndsEarly(d, ['four', 'two']), false, 'two of three digits: pickers pause between digits');
  t.equal(partialEndsEarly(d, ['say']), false, 'a digit string waits: its first digit may have been heard as "say"');
  const c: Expectation = { kind: 'choice', options: ['say hello', 'no'], commands: ['say again'] };
  t.equal(partialEndsEarly(c, ['say']), false, 'an option starts with it too');
  t.equal(partialEndsEarly({ kind: 'yesno', commands: ['sign off'] }, ['sign']), true);
});

t.test('free digit strings carry their own decoder settings; which fixed-length strings may end early (fixedEarlyEnd)', async (t) => {
  const free = compileGrammar({ kind: 'freeDigits', minLength: 1, maxLength: 10, commands: cmds });
  t.same(free.decoder, { silprob: 0.5, pip: 0.1, wip: 0.1 });
  t.ok(free.earlyEnd);
  const custom = compileGrammar({ kind: 'freeDigits', minLength: 4, maxLength: 8, commands: [] }, { freeDigitsDecoder: { pip: 0.3 } });
  t.same(custom.decoder, { pip: 0.3 });
  t.not(custom.key, compileGrammar({ kind: 'freeDigits', minLength: 4, maxLength: 8, commands: [] }).key, 'settings are part of the cache key');
  const check = compileGrammar({ kind: 'digits', length: 3, expected: '123', commands: cmds }, { biasWeight: 8 });
  t.same(check.decoder, {});
  t.equal(check.earlyEnd, true, "by default ('expected') check digits end early (asr.md round 9)");
  t.equal(compileGrammar({ kind: 'digits', length: 3, commands: cmds }).earlyEnd, false, 'fixed-length digits without an expected answer wait out the silence');
  const all = compileGrammar({ kind: 'digits', length: 3, expected: '123', commands: cmds }, { biasWeight: 8, fixedEarlyEnd: 'all' });
  t.equal(all.earlyEnd, true, "'all': the partial holds only the digits heard, so a complete one is evidence (grammar.ts)");
  t.equal(compileGrammar({ kind: 'digits', length: 3, expected: '123', commands: cmds }, { fixedEarlyEnd: 'off' }).earlyEnd, false, "'off': none");
  t.equal(compileGrammar({ kind: 'digits', length: 1, commands: cmds }, { fixedEarlyEnd: 'off' }).earlyEnd, true, 'one digit is not a fixed-length string');
  t.same(compileGrammar({ kind: 'freeDigits', minLength: 1, maxLength: 1, commands: [] }).decoder, {}, 'one digit: decoder defaults');
  const pin = compileGrammar({ kind: 'freeDigits', minLength: 4, maxLength: 4, commands: cmds });
  t.same(pin.decoder, {}, 'a fixed length (site setting) cannot get digits inserted: no insertion penalties');
  t.equal(pin.earlyEnd, false, 'it waits out the trailing silence by default: a pause between its digits must not end it');
  t.equal(compileGrammar({ kind: 'freeDigits', minLength: 4, maxLength: 4, commands: cmds }, { fixedEarlyEnd: 'all' }).earlyEnd, true);
});

t.test('a roster (freeDigits.known) closes the grammar to those numbers', async (t) => {
  const e = { kind: 'freeDigits' as const, minLength: 3, maxLength: 4, known: ['101', '102', '1010'], commands: cmds };
  const g = compileGrammar(e);
  t.match(g.jsgf, /<answer> = \(one zero one\) \| \(one zero two\) \| \(one zero one zero\);/);
  t.notMatch(g.jsgf, /<d> <d>/, 'no free digit branch');
  t.same(g.decoder, {}, 'no insertion penalties: nothing can be inserted');
  t.equal(g.earlyEnd, false);
  t.equal(compileGrammar(e, { fixedEarlyEnd: 'all' }).earlyEnd, true, 'the partial is the best path so far, a prefix while digits are still being said');
  t.equal(interpret(e, ['one', 'zero', 'four']).text, null, 'a number nobody has is no answer');
  t.same(interpret(e, ['one', 'zero', 'two']), { text: '102', isCommand: false, complete: true });
  t.equal(interpret(e, ['one', 'zero', 'one']).complete, false, '101 may go on to 1010');
  t.throws(() => compileGrammar({ ...e, known: [] }), { code: 'ASR_BAD_EXPECTATION' }, 'an empty roster is the caller\'s to drop');
  t.throws(() => compileGrammar({ ...e, known: ['12'] }), /allowed lengths/);
  t.throws(() => compileGrammar({ ...e, known: ['1a1'] }), /digit strings/);
});

t.test('a number with a known expected value spans 0..max(2×expected, expected+9) of its range', async (t) => {
  const e = { kind: 'number' as const, min: 0, max: 999, expected: 3, commands: [] };
  const g = compileGrammar(e);
  t.match(g.jsgf, /\(twelve\)/, 'short picks and plausible over-picks');
  t.notMatch(g.jsgf, /thirteen|thirty/, 'not the whole 0–999: "three" was heard as thirteen or thirty');
  t.match(compileGrammar({ ...e, expected: 40 }).jsgf, /\(eighty\)/, '2× the expected value');
  t.notMatch(compileGrammar({ ...e, expected: 40 }).jsgf, /\(eighty one\)/);
  t.match(compileGrammar({ ...e, max: 5 }).jsgf, /\(five\)/);
  t.notMatch(compileGrammar({ ...e, max: 5 }).jsgf, /\(six\)/, 'never beyond the range');
  t.match(compileGrammar(e, { numberSpan: false }).jsgf, /\(thirteen\)/, 'numberSpan false: the whole range');
  t.match(compileGrammar({ kind: 'number', min: 0, max: 20, commands: [] }).jsgf, /\(twenty\)/, 'no expected value: the whole range');
  // "three" can end early: nothing the grammar holds goes on from it (against 0–999, "three hundred…" could)
  t.match(g.heard, { kind: 'number', max: 12 });
  t.equal(interpret(g.heard, ['three']).complete, true);
  t.equal(interpret(e, ['three']).complete, false);
  const upTo48 = { kind: 'number' as const, min: 0, max: 48, commands: [] };
  t.equal(interpret(upTo48, ['twenty']).complete, false, '"twenty" may go on to "twenty four": a pause after it must not end the answer');
  t.equal(interpret(upTo48, ['twenty', 'four']).complete, true);
  t.equal(interpret(upTo48, ['fourteen']).complete, true);
  t.equal(interpret({ ...upTo48, max: 20 }, ['twenty']).complete, true, 'nothing above 20 in range');
  t.equal(interpret({ ...upTo48, max: 999 }, ['three', 'hundred']).complete, false);
  t.equal(interpret({ ...upTo48, max: 999 }, ['three', 'hundred', 'five']).complete, true);
  t.equal(interpret({ ...upTo48, max: 999 }, ['zero']).complete, true);
  t.equal(compileGrammar({ kind: 'yesno', commands: [] }).heard.kind, 'yesno', 'other kinds: the expectation itself');
});

t.test('a partial is the known answer when it is the expected string / quantity, or "ready"', async (t) => {
  const d: Expectation = { kind: 'digits', length: 3, expected: '421', commands: ['say again'] };
  t.equal(partialIsKnown(d, d, ['four', 'two', 'one']), true);
  t.equal(partialIsKnown(d, d, ['four', 'two', 'two']), false, 'complete but not the right one');
  const q: Expectation = { kind: 'number', min: 0, max: 99, expected: 24, commands: [] };
  const heard: Expectation = { ...q, max: 48 };
  t.equal(partialIsKnown(q, heard, ['twenty', 'four']), true, 'judged by the span the grammar hears');
  t.equal(partialIsKnown(q, heard, ['twenty']), false);
  t.equal(partialIsKnown({ kind: 'ready', commands: ['ready'] }, { kind: 'ready', commands: ['ready'] }, ['ready']), true);
  t.equal(partialIsKnown({ kind: 'freeDigits', minLength: 4, maxLength: 4, commands: [] }, { kind: 'freeDigits', minLength: 4, maxLength: 4, commands: [] }, ['one', 'two', 'three', 'four']), false, 'a PIN has no known answer');
});
