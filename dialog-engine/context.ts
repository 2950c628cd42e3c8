/**
 * Working context of one interpreter step: the (copied) state, the outputs so far, and helpers
 * shared by the node runner (step.ts) and the ask handling (ask.ts). Nothing here has effects.
 */
import { evaluate, render } from './expr.ts';
import type {
  DialogOutput, DialogState, Expectation, ExpectSpec, Flow, FlowNode, Frame, Json, LoopState, NumOrExpr,
  PromptOutput, StepOptions, Text,
} from './types.ts';

export interface Ctx {
  root: Flow;
  state: DialogState;
  out: DialogOutput[];
  opts: Required<Omit<StepOptions, 'resolve'>> & Pick<StepOptions, 'resolve'>;
}

export class FlowRuntimeError extends Error {
  constructor(message: string) { super(message); this.name = 'FlowRuntimeError'; }
}

export const DEFAULTS = { reject: 0.3, accept: 0.7, alertAfter: 3, maxNodesPerStep: 1000, site: {} };

export function top(ctx: Ctx): Frame {
  const f = ctx.state.stack.at(-1);
  if (!f) throw new FlowRuntimeError('empty stack');
  return f;
}

export function flowOf(ctx: Ctx, frame: Frame): Flow {
  if (frame.flow === ctx.root.name && frame.version === (ctx.root.version ?? 0)) return ctx.root;
  const f = ctx.opts.resolve?.(frame.flow, frame.version);
  if (!f) throw new FlowRuntimeError(`flow ${frame.flow} version ${frame.version} is not available`);
  return f;
}

export function nodeOf(ctx: Ctx, frame: Frame = top(ctx)): FlowNode {
  const flow = flowOf(ctx, frame);
  const n = Object.hasOwn(flow.nodes, frame.node) ? flow.nodes[frame.node] : undefined;
  if (!n) throw new FlowRuntimeError(`flow ${frame.flow} has no node "${frame.node}"`);
  return n;
}

export const nodeName = (frame: Frame): string => `${frame.flow}.${frame.node}`;

export function scope(ctx: Ctx, extra: Record<string, Json> = {}): Record<string, Json> {
  const f = top(ctx);
  return {
    ...f.vars,
    session: { operatorId: ctx.state.operatorId, language: ctx.state.language },
    site: ctx.opts.site,
    ...extra,
  };
}

/** A number from the site's settings (`site.<group>.<name>`), else `fallback`. */
export function siteNum(ctx: Ctx, group: string, name: string, fallback: number): number {
  const g = ctx.opts.site[group];
  const v = g !== null && typeof g === 'object' && !Array.isArray(g) ? g[name] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function textOf(ctx: Ctx, t: Text, extra: Record<string, Json> = {}): string {
  const src = typeof t === 'string' ? t : (ctx.state.language === 'ru' && t.ru ? t.ru : t.en);
  return render(src, scope(ctx, extra));
}

export function numOf(ctx: Ctx, v: NumOrExpr, fallback: number): number {
  const n = typeof v === 'number' ? v : Number(evaluate(v, scope(ctx)));
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/** A longer `known` list is dropped (any digits): the grammar would grow past what decodes in time. */
export const MAX_KNOWN = 2000;

/** Turns a flow's expectation spec into the structured expectation (numbers evaluated). */
export function expectationOf(ctx: Ctx, spec: ExpectSpec, commands: string[]): Expectation {
  switch (spec.kind) {
    case 'digits': {
      const e: Expectation = { kind: 'digits', length: Math.max(1, Math.min(20, numOf(ctx, spec.length, 1))), commands };
      if (spec.expected) { const v = evaluate(spec.expected, scope(ctx)); if (v !== null && v !== '') e.expected = String(v); }
      return e;
    }
    case 'number': {
      const min = numOf(ctx, spec.min, 0);
      const e: Expectation = { kind: 'number', min, max: Math.max(min, numOf(ctx, spec.max, min)), commands };
      if (spec.expected) { const v = Number(evaluate(spec.expected, scope(ctx))); if (Number.isFinite(v)) e.expected = v; }
      return e;
    }
    case 'choice': {
      const raw = typeof spec.options === 'string' ? evaluate(spec.options, scope(ctx)) : spec.options;
      const options = Array.isArray(raw) ? raw.filter((x) => x !== null).map((x) => String(x).toLowerCase()) : [];
      return { kind: 'choice', options, commands };
    }
    case 'freeDigits': {
      const minLength = Math.max(1, numOf(ctx, spec.minLength, 1));
      const e: Expectation = { kind: 'freeDigits', minLength, maxLength: Math.max(minLength, numOf(ctx, spec.maxLength, minLength)), commands };
      if (spec.known) {
        // Only strings of an allowed length; an empty list (nobody on the roster yet) means "any".
        const raw = evaluate(spec.known, scope(ctx));
        const ok = new RegExp(`^[0-9]{${e.minLength},${e.maxLength}}$`);
        const known = Array.isArray(raw) ? [...new Set(raw.map((x) => String(x)).filter((x) => ok.test(x)))] : [];
        if (known.length > 0 && known.length <= MAX_KNOWN) e.known = known;
      }
      return e;
    }
    case 'yesno': return { kind: 'yesno', commands };
    case 'ready': return { kind: 'ready', commands };
  }
}

export function prompt(ctx: Ctx, text: string, expect: Expectation | null, node: string, bargeIn: boolean, remember = true): PromptOutput {
  const p: PromptOutput = { type: 'prompt', text, language: ctx.state.language, bargeIn, expect, node };
  ctx.out.push(p);
  if (remember) ctx.state.lastPrompt = p;
  return p;
}

/** The innermost running loop of the current frame (for `skip` and `how much more`). */
export function innermostLoop(ctx: Ctx): { id: string; loop: LoopState; quantityField?: string; skippable: boolean } | null {
  const frame = top(ctx);
  const ids = Object.keys(frame.loops);
  const id = ids.at(-1);
  if (!id) return null;
  const flow = flowOf(ctx, frame);
  const n = flow.nodes[id];
  const loop = frame.loops[id]!;
  if (!n || n.type !== 'foreach') return null;
  return { id, loop, quantityField: n.quantityField, skippable: n.skippable === true };
}

/** Restarts the root flow from its start (after sign-off or a critical host error). */
export function resetToRoot(ctx: Ctx): void {
  const root = ctx.state.stack[0]!;
  const flow = flowOf(ctx, root);
  ctx.state.stack = [{ flow: root.flow, version: root.version, node: flow.start, vars: {}, loops: {} }];
  ctx.state.ask = null;
  ctx.state.pending = null;
}

export function signOff(ctx: Ctx): void {
  ctx.state.operatorId = null;
  ctx.out.push({ type: 'operator', operatorId: null });
  resetToRoot(ctx);
}
