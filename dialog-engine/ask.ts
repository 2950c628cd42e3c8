/**
 * The `ask` node, after the VoiceXML form-interpretation model: per-ask no-input / no-match
 * counters with escalating reprompts (short → help → alert the supervisor), three confidence
 * bands (reject / "did you say …?" / accept), the global words, and the confirmation sub-dialog.
 * Every function returns 'wait' (a prompt is out, wait for the next input), 'continue'
 * (the current frame's node changed: the runner goes on) or 'signoff' (confirmed sign-off).
 */
import { evalBool } from './expr.ts';
import { normalizeAnswer, phrase } from './phrases.ts';
import {
  expectationOf, innermostLoop, nodeName, nodeOf, prompt, scope, textOf, top, type Ctx, siteNum,
} from './context.ts';
import type { AskNode, DialogInput, Expectation, GlobalCommand, Json } from './types.ts';
import { GLOBAL_COMMANDS } from './types.ts';

export type Next = 'wait' | 'continue' | 'signoff';

const ALWAYS: GlobalCommand[] = ['repeat', 'say again', 'help', 'talk louder', 'talk softer', 'talk faster', 'talk slower'];

/** The global words that mean something at this ask (the recogniser's extra grammar). */
export function commandsFor(ctx: Ctx, node: AskNode): string[] {
  const set = new Set<string>(ALWAYS);
  const loop = innermostLoop(ctx);
  if (loop) set.add('how much more');
  if (node.on?.skip || loop?.skippable) set.add('skip');
  if (node.on?.short) set.add('short');
  if (node.on?.cancel) set.add('cancel');
  if (ctx.state.operatorId !== null || node.on?.['sign off']) set.add('sign off');
  return GLOBAL_COMMANDS.filter((c) => set.has(c));
}

function askExpectation(ctx: Ctx, node: AskNode): Expectation {
  return expectationOf(ctx, node.expect, commandsFor(ctx, node));
}

/** Arrives at an ask: fresh counters, the full prompt. */
export function enterAsk(ctx: Ctx, node: AskNode): Next {
  const frame = top(ctx);
  ctx.state.ask = { node: nodeName(frame), noinput: 0, nomatch: 0, alerted: false };
  ctx.state.pending = null;
  prompt(ctx, textOf(ctx, node.prompt), askExpectation(ctx, node), nodeName(frame), node.bargeIn ?? true);
  return 'wait';
}

function helpText(ctx: Ctx, node: AskNode, e: Expectation): string {
  if (node.help) return textOf(ctx, node.help);
  const lang = ctx.state.language;
  switch (e.kind) {
    case 'digits': return phrase(lang, 'help_digits', { length: e.length });
    case 'number': return phrase(lang, 'help_number', { min: e.min, max: e.max });
    case 'choice': return phrase(lang, 'help_choice', { options: e.options.join(', ') });
    default: return phrase(lang, `help_${e.kind}`);
  }
}

/**
 * Re-asks after a no-input / no-match, escalating with the counter: 1 → the short prompt (or
 * `lead`: a message that says what to do, e.g. "Wrong. Slot 12."), 2+ (the site's
 * `dialog.maxNoMatch` / `dialog.maxNoInput`) → help and the prompt;
 * when no-inputs + no-matches reach `alertAfter`, the supervisor is alerted (once per ask).
 */
function escalate(ctx: Ctx, node: AskNode, kind: 'noinput' | 'nomatch', lead?: string): Next {
  const frame = top(ctx);
  const a = ctx.state.ask ?? { node: nodeName(frame), noinput: 0, nomatch: 0, alerted: false };
  a[kind] += 1;
  ctx.state.ask = a;
  const count = a[kind];
  const e = askExpectation(ctx, node);
  const lang = ctx.state.language;
  const parts: string[] = [];
  if (lead) parts.push(lead);
  else if (kind === 'nomatch') parts.push(phrase(lang, 'nomatch'));
  if (a.noinput + a.nomatch >= ctx.opts.alertAfter && !a.alerted) {
    a.alerted = true;
    ctx.out.push({ type: 'alert', reason: kind === 'noinput' ? 'no answer' : 'answers not understood', node: nodeName(frame) });
    parts.push(phrase(lang, 'supervisor'));
  }
  // The site's dialog.maxNoMatch / maxNoInput: which re-ask in a row brings the help (default the 2nd).
  const helpAt = siteNum(ctx, 'dialog', kind === 'nomatch' ? 'maxNoMatch' : 'maxNoInput', 2);
  if (count >= helpAt) parts.push(helpText(ctx, node, e), ...(lead ? [] : [textOf(ctx, node.prompt)]));
  else if (!lead) parts.push(textOf(ctx, node.short ?? node.prompt));
  ctx.state.pending = null;
  prompt(ctx, parts.join(' '), e, nodeName(frame), node.bargeIn ?? true, false);
  return 'wait';
}

/** Matches a normalised answer against the expectation; null = does not fit. */
export function matchAnswer(e: Expectation, text: string): Json | null {
  switch (e.kind) {
    case 'digits': return new RegExp(`^[0-9]{${e.length}}$`).test(text) ? text : null;
    case 'freeDigits': return new RegExp(`^[0-9]{${e.minLength},${e.maxLength}}$`).test(text) ? text : null;
    case 'number': {
      if (!/^[0-9]{1,9}$/.test(text)) return null;
      const n = Number(text);
      return n >= e.min && n <= e.max ? n : null;
    }
    case 'yesno': return text === 'yes' || text === 'no' ? text : null;
    case 'choice': return e.options.includes(text) ? text : null;
    case 'ready': return text === 'ready' ? text : null;
  }
}

function spoken(e: Expectation, value: Json): string {
  return (e.kind === 'digits' || e.kind === 'freeDigits') && typeof value === 'string' ? value.split('').join(' ') : String(value);
}

function accept(ctx: Ctx, node: AskNode, value: Json): Next {
  const frame = top(ctx);
  frame.vars[node.var] = value;
  ctx.state.ask = null;
  ctx.state.pending = null;
  frame.node = node.next;
  return 'continue';
}

/** A value that fits the expectation: check it (expected answer, rules), then confirm or accept. */
function candidate(ctx: Ctx, node: AskNode, e: Expectation, value: Json, input: Extract<DialogInput, { type: 'answer' }>): Next {
  if ((e.kind === 'digits' && e.expected !== undefined && value !== e.expected)
      || (e.kind === 'number' && e.expected !== undefined && value !== e.expected && node.wrong)) {
    return escalate(ctx, node, 'nomatch', node.wrong ? textOf(ctx, node.wrong, { answer: value }) : `${phrase(ctx.state.language, 'wrong')} ${textOf(ctx, node.prompt)}`);
  }
  for (const rule of node.validate ?? []) {
    if (!evalBool(rule.when, scope(ctx, { answer: value }))) return escalate(ctx, node, 'nomatch', textOf(ctx, rule.message, { answer: value }));
  }
  const mode = node.confirm ?? 'auto';
  const needs = input.source === 'voice' && (mode === 'always' || (mode === 'auto' && input.confidence < ctx.opts.accept));
  if (!needs) return accept(ctx, node, value);
  const text = phrase(ctx.state.language, 'didYouSay', { answer: spoken(e, value) });
  ctx.state.pending = { kind: 'confirm', value, text };
  prompt(ctx, text, { kind: 'yesno', commands: ['repeat', 'say again'] }, nodeName(top(ctx)), false, false);
  return 'wait';
}

function tts(ctx: Ctx, cmd: GlobalCommand): void {
  const t = ctx.state.tts;
  const r = (x: number) => Math.round(x * 100) / 100;
  if (cmd === 'talk louder') t.volume = r(Math.min(1, t.volume + 0.1));
  if (cmd === 'talk softer') t.volume = r(Math.max(0.1, t.volume - 0.1));
  if (cmd === 'talk faster') t.rate = r(Math.min(2, t.rate + 0.1));
  if (cmd === 'talk slower') t.rate = r(Math.max(0.5, t.rate - 0.1));
  ctx.out.push(cmd === 'talk louder' || cmd === 'talk softer' ? { type: 'settings', ttsVolume: t.volume } : { type: 'settings', ttsRate: t.rate });
}

function repeatLast(ctx: Ctx, lead?: string): Next {
  const last = ctx.state.lastPrompt;
  if (last) ctx.out.push({ ...last, text: lead ? `${lead} ${last.text}` : last.text });
  return 'wait';
}

/** A global word at an ask. Returns null when the word has no meaning here (→ no-match). */
function command(ctx: Ctx, node: AskNode, cmd: GlobalCommand): Next | null {
  if (!commandsFor(ctx, node).includes(cmd)) return null;
  const frame = top(ctx);
  const target = node.on?.[cmd];
  if (target) { ctx.state.ask = null; ctx.state.pending = null; frame.node = target; return 'continue'; }
  const lang = ctx.state.language;
  switch (cmd) {
    case 'repeat': case 'say again': return repeatLast(ctx);
    case 'help': {
      const e = askExpectation(ctx, node);
      prompt(ctx, `${helpText(ctx, node, e)} ${textOf(ctx, node.prompt)}`, e, nodeName(frame), node.bargeIn ?? true, false);
      return 'wait';
    }
    case 'how much more': {
      const l = innermostLoop(ctx);
      if (!l) return repeatLast(ctx, phrase(lang, 'nothingCounted'));
      const idx = [...l.loop.order.slice(l.loop.pos), ...l.loop.skipped];
      let qty = 0;
      for (const i of idx) {
        const item = l.loop.items[i];
        const f = l.quantityField;
        const v = !f || !item || typeof item !== 'object' ? 0
          : Array.isArray(item) ? Number(item[Number(f)] ?? 0) : Number(Object.hasOwn(item, f) ? item[f] : 0);
        qty += Number.isFinite(v) ? v : 0;
      }
      return repeatLast(ctx, phrase(lang, 'howMuchMore', { lines: idx.length, qty }));
    }
    case 'skip': {
      const l = innermostLoop(ctx);
      if (!l?.skippable) return repeatLast(ctx, phrase(lang, 'cannotSkip'));
      const current = l.loop.order[l.loop.pos];
      if (current !== undefined) l.loop.skipped.push(current);
      ctx.state.ask = null;
      frame.node = l.id;
      return 'continue';
    }
    case 'sign off': {
      ctx.state.pending = { kind: 'signoff' };
      prompt(ctx, phrase(lang, 'signOffConfirm'), { kind: 'yesno', commands: ['repeat', 'say again'] }, nodeName(frame), false, false);
      return 'wait';
    }
    case 'talk louder': case 'talk softer': case 'talk faster': case 'talk slower':
      tts(ctx, cmd);
      return repeatLast(ctx, phrase(lang, cmd === 'talk louder' ? 'louder' : cmd === 'talk softer' ? 'softer' : cmd === 'talk faster' ? 'faster' : 'slower'));
    case 'short': case 'cancel': return null; // only with an `on` target (handled above)
  }
}

/** Input while a yes/no sub-question (confirm the answer, or sign off) is open. */
function subQuestion(ctx: Ctx, node: AskNode, input: DialogInput, onYes: () => Next): Next {
  const pending = ctx.state.pending!;
  const text = input.type === 'answer' ? normalizeAnswer(input.text) : '';
  const reask = () => {
    const a = ctx.state.ask!;
    if (input.type === 'noinput') a.noinput += 1; else a.nomatch += 1;
    const q = pending.kind === 'confirm' ? pending.text : phrase(ctx.state.language, 'signOffConfirm');
    prompt(ctx, input.type === 'noinput' ? q : `${phrase(ctx.state.language, 'nomatch')} ${q}`, { kind: 'yesno', commands: ['repeat', 'say again'] }, nodeName(top(ctx)), false, false);
    return 'wait' as const;
  };
  if (input.type !== 'answer') return reask();
  if (text === 'repeat' || text === 'say again') {
    const q = pending.kind === 'confirm' ? pending.text : phrase(ctx.state.language, 'signOffConfirm');
    prompt(ctx, q, { kind: 'yesno', commands: ['repeat', 'say again'] }, nodeName(top(ctx)), false, false);
    return 'wait';
  }
  if (input.source === 'voice' && input.confidence < ctx.opts.reject) return reask();
  if (text === 'yes') return onYes();
  if (text === 'no') {
    ctx.state.pending = null;
    prompt(ctx, textOf(ctx, node.prompt), askExpectation(ctx, node), nodeName(top(ctx)), node.bargeIn ?? true);
    return 'wait';
  }
  return reask();
}

/** Any input while the current node is an ask. */
export function handleAsk(ctx: Ctx, input: DialogInput): Next {
  const node = nodeOf(ctx);
  if (node.type !== 'ask') return 'continue';
  if (!ctx.state.ask || ctx.state.ask.node !== nodeName(top(ctx))) {
    ctx.state.ask = { node: nodeName(top(ctx)), noinput: 0, nomatch: 0, alerted: false };
  }
  const pending = ctx.state.pending;
  if (pending?.kind === 'confirm') return subQuestion(ctx, node, input, () => accept(ctx, node, pending.value));
  if (pending?.kind === 'signoff') {
    return subQuestion(ctx, node, input, () => 'signoff');
  }
  if (input.type === 'noinput') return escalate(ctx, node, 'noinput');
  if (input.type === 'nomatch') return escalate(ctx, node, 'nomatch');
  const text = normalizeAnswer(input.text);
  const e = askExpectation(ctx, node);
  const value = matchAnswer(e, text);
  if (value === null && (GLOBAL_COMMANDS as readonly string[]).includes(text)) {
    const r = command(ctx, node, text as GlobalCommand);
    if (r) return r;
  }
  if (value === null) return escalate(ctx, node, 'nomatch');
  if (input.source === 'voice' && input.confidence < ctx.opts.reject) return escalate(ctx, node, 'nomatch');
  return candidate(ctx, node, e, value, input);
}
