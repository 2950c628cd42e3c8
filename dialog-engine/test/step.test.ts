/** Unit tests of every node type, every reprompt / no-match / confirmation path and every global word. */
import t from 'tap';
import { step, initialState } from '../step.ts';
import { FlowRegistry } from '../registry.ts';
import { validateFlow } from '../schema.ts';
import type { DialogOutput, DialogState, Flow, StepInput } from '../types.ts';

const sub = validateFlow({
  name: 'sub', params: ['n'], start: 'double',
  nodes: { double: { type: 'set', vars: { r: 'n * 2' }, next: 'ret' }, ret: { type: 'end', return: 'r' } },
}) as Flow;
const flow = validateFlow({
  name: 'unit', start: 'hello',
  nodes: {
    hello: { type: 'say', text: { en: 'Hello {{session.language}}.', ru: 'Привет.' }, next: 'init' },
    init: { type: 'set', vars: { items: "list(list('a', 2), list('b', 3))", count: '0' }, next: 'callSub' },
    callSub: { type: 'call', flow: 'sub', args: { n: '21' }, result: 'answerFromSub', next: 'code' },
    code: {
      type: 'ask', prompt: 'Code?', short: 'Code.', help: 'Say the two digits on the label.',
      expect: { kind: 'digits', length: 2, expected: "'42'" }, wrong: 'Wrong code.', var: 'code', next: 'qty',
      on: { cancel: 'hello' },
    },
    qty: {
      type: 'ask', prompt: 'How many?', expect: { kind: 'number', min: 0, max: 99 }, var: 'qty',
      validate: [{ when: 'answer <= 5', message: 'At most 5.' }], next: 'branch',
    },
    branch: { type: 'branch', cases: [{ when: 'qty == 0', next: 'loop' }], else: 'loop' },
    loop: { type: 'foreach', items: 'items', as: 'it', body: 'item', next: 'emitOp', skippable: true, quantityField: '1', revisit: 'Again.' },
    item: { type: 'ask', prompt: 'Item {{it[0]}}.', expect: { kind: 'ready' }, var: 'ok', confirm: 'never', next: 'loop' },
    emitOp: { type: 'emit', output: 'operator', args: { operatorId: '5', language: "'ru'" }, next: 'yn' },
    yn: { type: 'ask', prompt: 'Yes?', expect: { kind: 'yesno' }, var: 'yn', confirm: 'always', next: 'pick' },
    pick: { type: 'ask', prompt: 'Colour?', expect: { kind: 'choice', options: ['red', 'blue'] }, var: 'colour', next: 'call' },
    call: { type: 'wms', op: 'getNextAssignment', args: { operatorId: "'1'" }, result: 'a', next: 'got', empty: 'none', error: 'down', critical: 'crit' },
    got: { type: 'say', text: 'Got {{a.id}}.', next: 'alert' },
    none: { type: 'say', text: 'None.', next: 'alert' },
    down: { type: 'say', text: 'Down: {{a.error}}.', next: 'alert' },
    crit: { type: 'say', text: 'Critical.', next: 'alert' },
    alert: { type: 'emit', output: 'alert', args: { reason: "'done ' + answerFromSub" }, next: 'bye' },
    bye: { type: 'end', reason: 'finished' },
  },
}, new Set(['sub'])) as Flow;
const reg = new FlowRegistry([sub, flow]);
const opts = { resolve: reg.resolve };

class D {
  state: DialogState = initialState(flow);
  send(i: StepInput): DialogOutput[] { const r = step(flow, this.state, i, opts); this.state = r.state; return r.outputs; }
  ans(text: string, confidence = 0.95, source: 'voice' | 'text' = 'voice'): DialogOutput[] { return this.send({ type: 'answer', text, confidence, source }); }
  get vars() { return this.state.stack.at(-1)!.vars; }
}
const texts = (o: DialogOutput[]) => o.flatMap((x) => (x.type === 'prompt' ? [x.text] : []));
const prompts = (o: DialogOutput[]) => o.filter((x): x is Extract<DialogOutput, { type: 'prompt' }> => x.type === 'prompt');

function toCode(): D {
  const d = new D();
  d.send({ type: 'start' });
  return d;
}
function toLoop(): D {
  const d = toCode(); d.ans('42'); d.ans('3');
  return d;
}

t.test('say, set, call/return, ask with expectation', async (t) => {
  const d = new D();
  const out = d.send({ type: 'start' });
  t.same(texts(out), ['Hello en.', 'Code?']);
  const p = prompts(out)[1]!;
  t.same(p.expect, { kind: 'digits', length: 2, expected: '42', commands: ['repeat', 'say again', 'help', 'cancel', 'talk louder', 'talk softer', 'talk faster', 'talk slower'] });
  t.equal(p.node, 'unit.code');
  t.equal(p.bargeIn, true);
  t.equal(prompts(out)[0]!.expect, null);
  t.equal(d.vars.answerFromSub, 42, 'sub-flow returned its value');
  t.same(d.state.pins, { unit: 0, sub: 0 }, 'versions pinned');
});

t.test('the input state is never changed; same input, same result', async (t) => {
  const d = toCode();
  const before = JSON.stringify(d.state);
  const a = step(flow, d.state, { type: 'answer', text: '42', confidence: 0.9, source: 'voice' }, opts);
  const b = step(flow, d.state, { type: 'answer', text: '42', confidence: 0.9, source: 'voice' }, opts);
  t.equal(JSON.stringify(d.state), before);
  t.same(a, b);
});

t.test('no-input and no-match escalate: short → help → supervisor alert', async (t) => {
  const d = toCode();
  t.same(texts(d.send({ type: 'noinput' })), ['Code.']);
  t.same(texts(d.send({ type: 'nomatch' })), ['Sorry. Code.']);
  const third = d.send({ type: 'noinput' });
  t.same(third[0], { type: 'alert', reason: 'no answer', node: 'unit.code' }, 'no-inputs + no-matches reach 3: alert');
  t.same(texts(third), ['Your supervisor has been called. Say the two digits on the label. Code?']);
  const fourth = d.send({ type: 'nomatch' });
  t.same(fourth.find((o) => o.type === 'alert'), undefined, 'alerted once per ask');
  t.same(texts(fourth), ['Sorry. Say the two digits on the label. Code?']);
  t.same(d.state.ask, { node: 'unit.code', noinput: 2, nomatch: 2, alerted: true });
  const d2 = toCode();
  d2.send({ type: 'noinput' }); d2.send({ type: 'noinput' });
  t.same(texts(d2.ans('repeat')), ['Code?'], 'repeat says the prompt, not the escalation');
  d2.ans('42');
  t.equal(d2.state.ask?.node, 'unit.qty', 'counters are per ask');
  t.equal(d2.state.ask?.noinput ?? 0, 0);
});

t.test('wrong expected answer, out-of-grammar answers, validation rule', async (t) => {
  const d = toCode();
  t.same(texts(d.ans('41')), ['Wrong code.']);
  t.same(texts(d.ans('4')), ['Sorry. Say the two digits on the label. Code?'], 'wrong length = no-match (second)');
  t.same(texts(d.ans('43')), ['Wrong code. Your supervisor has been called. Say the two digits on the label.']);
  t.same(texts(d.ans('42')), ['How many?']);
  t.same(texts(d.ans('7')), ['At most 5.']);
  t.same(texts(d.ans('100')), ['Sorry. Say a number from 0 to 99. How many?']);
  t.same(texts(d.ans('5')), ['Item a.']);
  t.equal(d.vars.qty, 5, 'numbers are stored as numbers');
  t.equal(d.vars.code, '42', 'digits as strings');
});

t.test('confidence bands: reject, confirm (yes / no / repeat / no-match), accept', async (t) => {
  const d = toCode();
  t.same(texts(d.ans('42', 0.1)), ['Sorry. Code.'], 'below reject = no-match');
  t.same(texts(d.ans('42', 0.5)), ['Did you say 4 2? Say yes or no.']);
  t.equal(d.state.lastPrompt?.text, 'Code?', 'neither the escalation nor the confirmation is the prompt to repeat');
  t.same(texts(d.ans('say again')), ['Did you say 4 2? Say yes or no.']);
  t.same(texts(d.ans('maybe')), ['Sorry. Did you say 4 2? Say yes or no.']);
  t.same(texts(d.ans('no')), ['Code?'], 'no → asked again');
  d.ans('42', 0.5);
  t.same(texts(d.ans('yes')), ['How many?'], 'yes → accepted');
  t.same(texts(d.ans('3', 0.5, 'text')), ['Item a.'], 'typed answers are never confirmed');
});

t.test('confirm: always', async (t) => {
  const d = toLoop(); d.ans('ready'); d.ans('ready');
  t.same(texts(d.ans('yes', 0.99)), ['Да? Скажите да или нет.'.replace('Да?', 'Вы сказали yes?')]);
  t.same(texts(d.ans('да')), ['Colour?']);
});

t.test('global words: repeat, say again, help, talk louder/softer/faster/slower', async (t) => {
  const d = toCode();
  t.same(texts(d.ans('repeat')), ['Code?']);
  t.same(texts(d.ans('say again')), ['Code?']);
  t.same(texts(d.ans('help')), ['Say the two digits on the label. Code?']);
  t.equal(d.state.ask?.nomatch, 0, 'global words are not errors');
  const louder = d.ans('talk louder');
  t.same(louder[0], { type: 'settings', ttsVolume: 1 }, 'volume is capped at 1');
  t.same(texts(d.ans('talk softer')), ['Softer. Code?']);
  t.equal(d.state.tts.volume, 0.9);
  d.ans('talk faster');
  t.equal(d.state.tts.rate, 1.1);
  t.same(d.ans('talk slower')[0], { type: 'settings', ttsRate: 1 });
  t.same(texts(d.ans('sign off')), ['Sorry. Code.'], 'sign off means nothing before sign-on');
  t.same(texts(d.ans('skip')), ['Sorry. Say the two digits on the label. Code?'], 'skip not allowed outside a loop');
});

t.test('cancel goes where the ask says; short without a target is a no-match', async (t) => {
  const d = toCode();
  t.same(texts(d.ans('short')), ['Sorry. Code.']);
  t.same(texts(d.ans('cancel')), ['Hello en.', 'Code?']);
});

t.test('foreach: how much more, skip, revisit', async (t) => {
  const d = toLoop();
  const e = d.state.lastPrompt!.expect!;
  t.ok(e.commands.includes('skip') && e.commands.includes('how much more'));
  t.same(texts(d.ans('how much more')), ['2 lines, 5 units left. Item a.']);
  t.same(texts(d.ans('skip')), ['Item b.']);
  t.same(texts(d.ans('how much more')), ['2 lines, 5 units left. Item b.'], 'skipped items still count');
  t.same(texts(d.ans('ready')), ['Again.', 'Item a.']);
  t.same(texts(d.ans('skip')), ['Again.', 'Item a.'], 'skipping the last one brings it again');
  const out = d.ans('ready');
  t.same(out[0], { type: 'operator', operatorId: 5, language: 'ru' });
  t.same(texts(out), ['Yes?']);
  t.equal(prompts(out)[0]!.language, 'ru');
});

t.test('sign off: confirmed with yes, refused with no; restarts the root flow', async (t) => {
  const d = toLoop(); d.ans('ready'); d.ans('ready');
  t.equal(d.state.operatorId, 5);
  t.same(texts(d.ans('sign off')), ['Выйти из системы? Скажите да или нет.']);
  t.same(texts(d.ans('нет')), ['Yes?']);
  d.ans('sign off');
  const out = d.ans('yes');
  t.same(out.find((o) => o.type === 'operator'), { type: 'operator', operatorId: null });
  t.same(texts(out), ['Вы вышли из системы.', 'Привет.', 'Code?']);
  t.equal(d.state.stack.length, 1);
  t.equal(d.state.operatorId, null);
});

function toWms(): D {
  const d = toLoop(); d.ans('ready'); d.ans('ready'); d.ans('yes', 1, 'text'); d.ans('red');
  return d;
}

t.test('wms node: pending call, then each exit', async (t) => {
  const d = toWms();
  t.same(d.state.pending, { kind: 'wms', op: 'getNextAssignment', args: { operatorId: '1' }, key: null, node: 'unit.call' });
  t.same(d.ans('42'), [], 'answers while a call is pending are ignored');
  const ok = structuredClone(d.state);
  t.same(texts(d.send({ type: 'wmsResult', status: 'ok', data: { id: 'A7' }, warning: 'Battery low.' })), ['Battery low.', 'Got A7.']);
  const out = step(flow, ok, { type: 'wmsResult', status: 'empty' }, opts);
  t.same(texts(out.outputs), ['None.']);
  t.same(texts(step(flow, ok, { type: 'wmsResult', status: 'error', message: 'timeout' }, opts).outputs), ['Down: timeout.']);
  t.same(texts(step(flow, ok, { type: 'wmsResult', status: 'critical', message: 'stop' }, opts).outputs), ['Critical.']);
  const end = step(flow, ok, { type: 'wmsResult', status: 'ok', data: { id: 'A7' } }, opts);
  t.same(end.outputs.slice(-2), [{ type: 'alert', reason: 'done 42', node: 'unit.alert' }, { type: 'end', reason: 'finished' }]);
  t.equal(end.state.status, 'ended');
  t.same(step(flow, end.state, { type: 'noinput' }, opts).outputs, [], 'an ended dialog ignores input');
});

t.test('wms node without error / critical exits: "please wait, say ready" and sign-off', async (t) => {
  const bare = validateFlow({
    name: 'bare', start: 'op',
    nodes: {
      op: { type: 'emit', output: 'operator', args: { operatorId: '9' }, next: 'call' },
      call: { type: 'wms', op: 'getNextAssignment', args: {}, result: 'a', next: 'ok' },
      ok: { type: 'ask', prompt: 'OK {{a.id}}.', expect: { kind: 'ready' }, var: 'r', next: 'ok' },
    },
  }) as Flow;
  let s = initialState(bare);
  s = step(bare, s, { type: 'start' }).state;
  let r = step(bare, s, { type: 'wmsResult', status: 'error', message: 'down' });
  t.match(texts(r.outputs)[0], /not answering/);
  t.equal(r.state.pending?.kind, 'retry');
  t.same(r.state.lastPrompt?.expect, { kind: 'ready', commands: ['repeat', 'say again', 'sign off'] });
  r = step(bare, r.state, { type: 'answer', text: 'hello', confidence: 1, source: 'text' });
  t.match(texts(r.outputs)[0], /not answering/, 'anything but ready repeats the wait prompt');
  r = step(bare, r.state, { type: 'answer', text: 'ready', confidence: 1, source: 'text' });
  t.equal(r.state.pending?.kind, 'wms', 'ready → the call again');
  r = step(bare, r.state, { type: 'wmsResult', status: 'critical', message: 'Host says stop' });
  t.same(texts(r.outputs)[0], 'Host says stop. You are signed off.');
  t.ok(r.outputs.some((o) => o.type === 'operator' && o.operatorId === null));
  t.equal(r.state.operatorId, 9, 'the root flow restarted (and signed on again here)');
});

t.test('a broken flow ends the dialog with an alert instead of throwing', async (t) => {
  const loop = validateFlow({ name: 'loop', start: 'a', nodes: { a: { type: 'set', vars: { x: '1' }, next: 'a' } } }) as Flow;
  const r = step(loop, initialState(loop), { type: 'start' });
  t.equal(r.state.status, 'ended');
  t.match(r.outputs[0], { type: 'alert', reason: /without waiting/ });
  t.same(r.outputs.at(-1), { type: 'end', reason: 'flow-error' });
  const missing = { name: 'm', start: 'a', nodes: { a: { type: 'call', flow: 'nope', next: 'a' } } } as Flow;
  const r2 = step(missing, initialState(missing), { type: 'start' });
  t.match(r2.outputs[0], { type: 'alert', reason: /not available/ });
});

t.test('resume: the current prompt again, and the dialog goes on identically', async (t) => {
  const d = toCode(); d.ans('42');
  const saved = JSON.parse(JSON.stringify(d.state)) as DialogState;
  const again = step(flow, saved, { type: 'resume' }, opts);
  t.same(texts(again.outputs), ['How many?']);
  t.same(step(flow, again.state, { type: 'answer', text: '3', confidence: 1, source: 'text' }, opts).outputs,
    d.ans('3', 1, 'text'));
});

t.test('resume with a confirmation open asks it again', async (t) => {
  const d = toCode();
  d.ans('42', 0.5);
  const r = step(flow, JSON.parse(JSON.stringify(d.state)) as DialogState, { type: 'resume' }, opts);
  t.same(texts(r.outputs), ['Did you say 4 2? Say yes or no.']);
  t.same(texts(step(flow, r.state, { type: 'answer', text: 'yes', confidence: 0.9, source: 'voice' }, opts).outputs), ['How many?']);
});

t.test('choice expectation and language', async (t) => {
  const d = toWms();
  t.equal(d.vars.colour, 'red');
  const s = initialState(flow, { language: 'ru' });
  t.same(texts(step(flow, s, { type: 'start' }, opts).outputs), ['Привет.', 'Code?']);
});
