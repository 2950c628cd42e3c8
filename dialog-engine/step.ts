/**
 * The interpreter: a pure, deterministic state machine. `step(flow, state, input)` copies the
 * state, runs nodes until the dialog waits (an ask's prompt is out, or a WMS call is pending in
 * `state.pending`), and returns the new state and the outputs. It never throws on any input:
 * a broken flow (missing node, runaway loop) ends the dialog with an alert instead.
 */
import { evaluate, evalBool, ExprError } from './expr.ts';
import { phrase } from './phrases.ts';
import { enterAsk, handleAsk, type Next } from './ask.ts';
import {
  DEFAULTS, FlowRuntimeError, nodeName, nodeOf, prompt, scope, signOff, textOf, top, type Ctx,
} from './context.ts';
import type {
  DialogState, EmitOutput, Flow, Json, Language, StepInput, StepOptions, StepResult, WmsResultInput,
} from './types.ts';

export interface InitialOptions { language?: Language; operatorId?: number | null; tts?: { rate: number; volume: number } }

/** A fresh state at the start of `flow` (call `step` with `{ type: 'start' }` next). */
export function initialState(flow: Flow, opts: InitialOptions = {}): DialogState {
  return {
    v: 1,
    status: 'running',
    stack: [{ flow: flow.name, version: flow.version ?? 0, node: flow.start, vars: {}, loops: {} }],
    language: opts.language ?? 'en',
    operatorId: opts.operatorId ?? null,
    tts: opts.tts ?? { rate: 1, volume: 1 },
    ask: null,
    pending: null,
    lastPrompt: null,
    pins: { [flow.name]: flow.version ?? 0 },
    turns: 0,
  };
}

/**
 * Copies everything the interpreter mutates (frames, their variable maps and loop cursors,
 * counters, settings); values held in variables (an assignment's lines, …) are shared, because
 * the interpreter only ever replaces them, never changes them in place.
 */
export function cloneState(s: DialogState): DialogState {
  return {
    ...s,
    stack: s.stack.map((f) => ({
      ...f,
      vars: { ...f.vars },
      loops: Object.fromEntries(Object.entries(f.loops).map(([k, l]) => [k, { ...l, order: [...l.order], skipped: [...l.skipped] }])),
      ...(f.ret ? { ret: { ...f.ret } } : {}),
    })),
    tts: { ...s.tts },
    ask: s.ask ? { ...s.ask } : null,
    pins: { ...s.pins },
  };
}

/** Runs nodes from the current frame's node until the dialog waits. */
function run(ctx: Ctx): void {
  for (let visits = 0; ; visits++) {
    if (visits > ctx.opts.maxNodesPerStep) throw new FlowRuntimeError(`more than ${ctx.opts.maxNodesPerStep} nodes without waiting (a loop?)`);
    const frame = top(ctx);
    const node = nodeOf(ctx, frame);
    const s = () => scope(ctx);
    switch (node.type) {
      case 'say':
        prompt(ctx, textOf(ctx, node.text), null, nodeName(frame), node.bargeIn ?? false, false);
        frame.node = node.next;
        break;
      case 'ask':
        if (enterAsk(ctx, node) === 'wait') return;
        break;
      case 'branch': {
        const hit = node.cases.find((c) => evalBool(c.when, s()));
        frame.node = hit ? hit.next : node.else;
        break;
      }
      case 'set': {
        const values = Object.entries(node.vars).map(([k, e]) => [k, evaluate(e, s())] as const);
        for (const [k, v] of values) frame.vars[k] = v;
        frame.node = node.next;
        break;
      }
      case 'foreach': {
        let loop = frame.loops[frame.node];
        if (!loop) {
          const items = evaluate(node.items, s());
          const list = Array.isArray(items) ? items : [];
          loop = { items: list, order: list.map((_x, i) => i), pos: 0, skipped: [], revisiting: false };
          frame.loops[frame.node] = loop;
        } else {
          loop.pos += 1;
        }
        if (loop.pos >= loop.order.length && loop.skipped.length) {
          loop.order = loop.skipped; loop.skipped = []; loop.pos = 0; loop.revisiting = true;
          if (node.revisit) prompt(ctx, textOf(ctx, node.revisit), null, nodeName(frame), false, false);
        }
        if (loop.pos >= loop.order.length) {
          delete frame.loops[frame.node];
          frame.node = node.next;
        } else {
          frame.vars[node.as] = loop.items[loop.order[loop.pos]!] ?? null;
          frame.node = node.body;
        }
        break;
      }
      case 'wms': {
        const args: Record<string, Json> = {};
        for (const [k, e] of Object.entries(node.args)) args[k] = evaluate(e, s());
        const key = node.key ? evaluate(node.key, s()) : null;
        ctx.state.pending = { kind: 'wms', op: node.op, args, key: key === null ? null : String(key), node: nodeName(frame) };
        return;
      }
      case 'call': {
        const args: Record<string, Json> = {};
        for (const [k, e] of Object.entries(node.args ?? {})) args[k] = evaluate(e, s());
        const pinned = Object.hasOwn(ctx.state.pins, node.flow) ? ctx.state.pins[node.flow] : undefined;
        const target = node.flow === ctx.root.name && pinned === (ctx.root.version ?? 0) ? ctx.root : ctx.opts.resolve?.(node.flow, pinned);
        if (!target) throw new FlowRuntimeError(`flow "${node.flow}" is not available`);
        ctx.state.pins[node.flow] = target.version ?? 0;
        ctx.state.stack.push({
          flow: target.name, version: target.version ?? 0, node: target.start, vars: args, loops: {},
          ret: { next: node.next, ...(node.result ? { var: node.result } : {}) },
        });
        if (ctx.state.stack.length > 20) throw new FlowRuntimeError('sub-flows nested deeper than 20');
        break;
      }
      case 'emit': {
        const a: Record<string, Json> = {};
        for (const [k, e] of Object.entries(node.args ?? {})) a[k] = evaluate(e, s());
        const here = nodeName(frame);
        frame.node = node.next;
        emit(ctx, node.output, a, here);
        break;
      }
      case 'end': {
        const value = node.return ? evaluate(node.return, s()) : null;
        if (ctx.state.stack.length > 1) {
          const done = ctx.state.stack.pop()!;
          const caller = top(ctx);
          if (done.ret?.var) caller.vars[done.ret.var] = value;
          caller.node = done.ret?.next ?? caller.node;
          break;
        }
        ctx.state.status = 'ended';
        ctx.out.push({ type: 'end', reason: node.reason ?? 'done' });
        return;
      }
    }
  }
}

function emit(ctx: Ctx, output: EmitOutput, a: Record<string, Json>, node: string): void {
  if (output === 'operator') {
    const id = typeof a.operatorId === 'number' ? a.operatorId : null;
    ctx.state.operatorId = id;
    if (a.language === 'en' || a.language === 'ru') ctx.state.language = a.language;
    ctx.out.push({ type: 'operator', operatorId: id, language: ctx.state.language });
    const rate = Number(a.ttsRate); const volume = Number(a.ttsVolume);
    if (Number.isFinite(rate) && rate >= 0.5 && rate <= 2) ctx.state.tts.rate = rate;
    if (Number.isFinite(volume) && volume >= 0.1 && volume <= 1) ctx.state.tts.volume = volume;
    if (a.ttsRate !== undefined || a.ttsVolume !== undefined) ctx.out.push({ type: 'settings', ttsRate: ctx.state.tts.rate, ttsVolume: ctx.state.tts.volume });
  } else if (output === 'signoff') {
    ctx.state.operatorId = null;
    ctx.out.push({ type: 'operator', operatorId: null });
  } else if (output === 'voiceProfile') {
    ctx.out.push({ type: 'voiceProfile', operatorId: typeof a.operatorId === 'number' ? a.operatorId : null });
  } else if (output === 'alert') {
    ctx.out.push({ type: 'alert', reason: typeof a.reason === 'string' ? a.reason : 'alert', node });
  } else {
    ctx.out.push({ type: 'enroll', word: String(a.word ?? ''), take: Number(a.take ?? 1), takes: Number(a.takes ?? 1) });
  }
}

const WMS_RETRY_EXPECT = (ctx: Ctx) => ({ kind: 'ready' as const, commands: ['repeat', 'say again', ...(ctx.state.operatorId !== null ? ['sign off'] : [])] });

/** The result of the pending WMS call: set the result variable and take the exit. */
function wmsResult(ctx: Ctx, input: WmsResultInput): 'run' | 'wait' {
  const pending = ctx.state.pending;
  if (pending?.kind !== 'wms') return 'wait';
  const frame = top(ctx);
  const node = nodeOf(ctx, frame);
  if (node.type !== 'wms') throw new FlowRuntimeError(`pending WMS call but ${nodeName(frame)} is not a wms node`);
  ctx.state.pending = null;
  const lang = ctx.state.language;
  if (input.status === 'ok' || input.status === 'empty') {
    if (node.result) frame.vars[node.result] = input.data ?? null;
    if (input.warning) prompt(ctx, input.warning, null, nodeName(frame), false, false);
    frame.node = input.status === 'empty' && node.empty ? node.empty : node.next;
    return 'run';
  }
  if (node.result) frame.vars[node.result] = { error: input.message ?? input.status };
  if (input.status === 'critical') {
    if (node.critical) { frame.node = node.critical; return 'run'; }
    prompt(ctx, [input.message, phrase(lang, 'signedOff')].filter(Boolean).join('. '), null, nodeName(frame), false, false);
    signOff(ctx);
    return 'run';
  }
  if (node.error) { frame.node = node.error; return 'run'; }
  // Default: "please wait, say ready" — the call is retried when the picker says ready.
  ctx.state.ask = { node: nodeName(frame), noinput: 0, nomatch: 0, alerted: false };
  ctx.state.pending = { kind: 'retry', wms: pending, errors: 1 };
  prompt(ctx, phrase(lang, 'wmsDown'), WMS_RETRY_EXPECT(ctx), nodeName(frame), true);
  return 'wait';
}

/** Input while a failed WMS call waits for "ready". */
function retryInput(ctx: Ctx, input: StepInput): 'run' | 'wait' | 'signoff' {
  const pending = ctx.state.pending;
  if (pending?.kind !== 'retry') return 'wait';
  const text = input.type === 'answer' ? input.text.trim().toLowerCase() : '';
  if (text === 'ready' || text === 'готов') { ctx.state.pending = pending.wms; return 'wait'; }
  if (text === 'sign off' && ctx.state.operatorId !== null) return 'signoff';
  const last = ctx.state.lastPrompt;
  if (last) ctx.out.push(last);
  return 'wait';
}

function fail(ctx: Ctx, err: unknown): void {
  const reason = err instanceof FlowRuntimeError || err instanceof ExprError ? err.message : `internal: ${String(err)}`;
  ctx.out.push({ type: 'alert', reason: `flow error: ${reason}`, node: ctx.state.stack.length ? nodeName(top(ctx)) : '?' });
  prompt(ctx, phrase(ctx.state.language, 'flowError'), null, ctx.state.stack.length ? nodeName(top(ctx)) : '?', false, false);
  ctx.state.status = 'ended';
  ctx.state.pending = null;
  ctx.out.push({ type: 'end', reason: 'flow-error' });
}

/**
 * One deterministic step. `flow` is the root flow of the state; `opts.resolve` gives sub-flows
 * (by name: the current version; by name and version: a pinned one). The input state is not changed.
 */
export function step(flow: Flow, state: DialogState, input: StepInput, options: StepOptions = {}): StepResult {
  const ctx: Ctx = {
    root: flow,
    state: cloneState(state),
    out: [],
    opts: { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) },
  };
  const st = ctx.state;
  if (st.status === 'ended') return { state: st, outputs: [] };
  st.turns += 1;
  try {
    let next: 'run' | 'wait' | Next = 'wait';
    if (input.type === 'start') next = 'run';
    else if (input.type === 'resume') {
      // The question that is open: a confirmation / sign-off question, else the last prompt.
      const p = st.pending;
      const yesno = { kind: 'yesno' as const, commands: ['repeat', 'say again'] };
      if (p?.kind === 'confirm') prompt(ctx, p.text, yesno, st.lastPrompt?.node ?? nodeName(top(ctx)), false, false);
      else if (p?.kind === 'signoff') prompt(ctx, phrase(st.language, 'signOffConfirm'), yesno, nodeName(top(ctx)), false, false);
      else if (st.lastPrompt) ctx.out.push(st.lastPrompt);
      else if (!p) next = 'run';
    } else if (input.type === 'wmsResult') next = wmsResult(ctx, input);
    else if (st.pending?.kind === 'wms') next = 'wait'; // an answer while a WMS call is pending: ignored
    else if (st.pending?.kind === 'retry') next = retryInput(ctx, input);
    else if (nodeOf(ctx).type === 'ask') next = handleAsk(ctx, input);
    if (next === 'signoff') {
      prompt(ctx, phrase(st.language, 'signedOff'), null, nodeName(top(ctx)), false, false);
      signOff(ctx);
      next = 'run';
    }
    if (next === 'run' || next === 'continue') run(ctx);
  } catch (err) {
    fail(ctx, err);
  }
  return { state: ctx.state, outputs: ctx.out };
}

