/**
 * A small, safe, side-effect-free expression language for flow conditions and prompt templates.
 * Tokeniser + precedence-climbing parser + tree evaluator: no `eval`, no `new Function`, no
 * access to prototypes (only own properties of plain data), no assignment, no loops.
 *
 * Grammar: literals (numbers, 'strings' or "strings", true, false, null), variables, `a.b`,
 * `a[i]`, unary `! -`, `* / %`, `+ -` (`+` joins strings), `< <= > >=`, `== !=`, `&&`, `||`,
 * `c ? a : b`, calls of whitelisted functions (see FUNCTIONS).
 */
import type { Json } from './types.ts';

export class ExprError extends Error {
  readonly code = 'EXPR_INVALID';
  constructor(message: string, readonly source: string) { super(`${message} in expression "${source}"`); this.name = 'ExprError'; }
}

type Node =
  | { t: 'lit'; v: Json }
  | { t: 'var'; name: string }
  | { t: 'member'; obj: Node; key: Node }
  | { t: 'unary'; op: string; arg: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'cond'; c: Node; a: Node; b: Node }
  | { t: 'call'; fn: string; args: Node[] };

interface Tok { k: 'num' | 'str' | 'id' | 'op' | 'end'; v: string }

const MAX_LEN = 1000;
const MAX_DEPTH = 40;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ k: 'num', v: m[0] }); i += m[0].length; continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))!;
      out.push({ k: 'id', v: m[0] }); i += m[0].length; continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1; let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) { s += src[j + 1]; j += 2; } else { s += src[j]; j++; }
      }
      if (j >= src.length) throw new ExprError('unterminated string', src);
      out.push({ k: 'str', v: s }); i = j + 1; continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) { out.push({ k: 'op', v: two }); i += 2; continue; }
    if ('+-*/%<>!?:.,()[]'.includes(c)) { out.push({ k: 'op', v: c }); i++; continue; }
    throw new ExprError(`unexpected character "${c}"`, src);
  }
  out.push({ k: 'end', v: '' });
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6,
};

function parse(src: string): Node {
  if (src.length > MAX_LEN) throw new ExprError(`longer than ${MAX_LEN} characters`, src);
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p]!;
  const next = () => toks[p++]!;
  const expect = (v: string) => {
    const t = next();
    if (t.k !== 'op' || t.v !== v) throw new ExprError(`expected "${v}"`, src);
  };
  const expr = (depth: number): Node => {
    if (depth > MAX_DEPTH) throw new ExprError('nested too deeply', src);
    const c = binary(0, depth);
    if (peek().k === 'op' && peek().v === '?') {
      next();
      const a = expr(depth + 1); expect(':'); const b = expr(depth + 1);
      return { t: 'cond', c, a, b };
    }
    return c;
  };
  const binary = (minPrec: number, depth: number): Node => {
    let left = unary(depth);
    for (;;) {
      const t = peek();
      const prec = t.k === 'op' ? BINARY[t.v] : undefined;
      if (prec === undefined || prec < minPrec) break;
      next();
      const right = binary(prec + 1, depth + 1);
      left = { t: 'bin', op: t.v, l: left, r: right };
    }
    return left;
  };
  const unary = (depth: number): Node => {
    const t = peek();
    if (t.k === 'op' && (t.v === '!' || t.v === '-')) { next(); return { t: 'unary', op: t.v, arg: unary(depth + 1) }; }
    return postfix(primary(depth), depth);
  };
  const postfix = (n: Node, depth: number): Node => {
    for (;;) {
      const t = peek();
      if (t.k === 'op' && t.v === '.') {
        next(); const id = next();
        if (id.k !== 'id') throw new ExprError('expected a property name after "."', src);
        n = { t: 'member', obj: n, key: { t: 'lit', v: id.v } };
      } else if (t.k === 'op' && t.v === '[') {
        next(); const key = expr(depth + 1); expect(']');
        n = { t: 'member', obj: n, key };
      } else return n;
    }
  };
  const primary = (depth: number): Node => {
    const t = next();
    if (t.k === 'num') return { t: 'lit', v: Number(t.v) };
    if (t.k === 'str') return { t: 'lit', v: t.v };
    if (t.k === 'id') {
      if (t.v === 'true') return { t: 'lit', v: true };
      if (t.v === 'false') return { t: 'lit', v: false };
      if (t.v === 'null') return { t: 'lit', v: null };
      if (peek().k === 'op' && peek().v === '(') {
        if (!Object.hasOwn(FUNCTIONS, t.v)) throw new ExprError(`unknown function "${t.v}"`, src);
        next();
        const args: Node[] = [];
        if (!(peek().k === 'op' && peek().v === ')')) {
          for (;;) { args.push(expr(depth + 1)); if (peek().k === 'op' && peek().v === ',') { next(); continue; } break; }
        }
        expect(')');
        return { t: 'call', fn: t.v, args };
      }
      return { t: 'var', name: t.v };
    }
    if (t.k === 'op' && t.v === '(') { const e = expr(depth + 1); expect(')'); return e; }
    throw new ExprError(t.k === 'end' ? 'unexpected end' : `unexpected "${t.v}"`, src);
  };
  const root = expr(0);
  if (peek().k !== 'end') throw new ExprError(`unexpected "${peek().v}"`, src);
  return root;
}

const num = (v: Json): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : NaN);
const str = (v: Json): string => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Whitelisted pure functions. */
const FUNCTIONS: Record<string, (...a: Json[]) => Json> = {
  len: (v) => (Array.isArray(v) ? v.length : typeof v === 'string' ? v.length : 0),
  sum: (arr, field) => (Array.isArray(arr)
    ? arr.reduce<number>((s, x) => s + (num(typeof field === 'string' && x && typeof x === 'object' && !Array.isArray(x) ? (Object.hasOwn(x, field) ? x[field]! : 0) : x) || 0), 0)
    : 0),
  /** "42" → "4 2": digits spoken one by one. */
  spell: (v) => str(v).split('').join(' '),
  str: (v) => str(v),
  num: (v) => { const n = num(v); return Number.isFinite(n) ? n : null; },
  upper: (v) => str(v).toUpperCase(),
  lower: (v) => str(v).toLowerCase(),
  min: (a, b) => Math.min(num(a), num(b)),
  max: (a, b) => Math.max(num(a), num(b)),
  contains: (arr, v) => (Array.isArray(arr) ? arr.some((x) => x === v) : typeof arr === 'string' ? arr.includes(str(v)) : false),
  field: (arr, f) => (Array.isArray(arr) ? arr.map((x) => (x && typeof x === 'object' && !Array.isArray(x) && typeof f === 'string' && Object.hasOwn(x, f) ? x[f]! : null)) : []),
  /** range(3) → [0, 1, 2] (at most 1000 items). */
  range: (n) => Array.from({ length: Math.max(0, Math.min(1000, Math.trunc(num(n)) || 0)) }, (_x, i) => i),
  /** list(a, b, …) → [a, b, …]. */
  list: (...a) => a,
  plural: (n, one, few, many) => {
    // English uses one/many; Russian one/few/many.
    const k = Math.abs(num(n)) % 100; const k10 = k % 10;
    if (many === undefined || many === null) return k === 1 ? str(one) : str(few);
    if (k10 === 1 && k !== 11) return str(one);
    if (k10 >= 2 && k10 <= 4 && (k < 12 || k > 14)) return str(few);
    return str(many);
  },
};

function truthy(v: Json): boolean {
  return !(v === null || v === false || v === 0 || v === '' || (typeof v === 'number' && Number.isNaN(v)));
}

function evalNode(n: Node, scope: Record<string, Json>): Json {
  switch (n.t) {
    case 'lit': return n.v;
    case 'var': return Object.hasOwn(scope, n.name) ? scope[n.name]! : null;
    case 'member': {
      const obj = evalNode(n.obj, scope);
      const key = evalNode(n.key, scope);
      if (obj === null || typeof obj !== 'object') return null;
      if (Array.isArray(obj)) {
        if (key === 'length') return obj.length;
        return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < obj.length ? obj[key]! : null;
      }
      const k = str(key);
      if (FORBIDDEN.has(k)) return null;
      return Object.hasOwn(obj, k) ? obj[k]! : null;
    }
    case 'unary': {
      const v = evalNode(n.arg, scope);
      return n.op === '!' ? !truthy(v) : -num(v);
    }
    case 'cond': return truthy(evalNode(n.c, scope)) ? evalNode(n.a, scope) : evalNode(n.b, scope);
    case 'call': return FUNCTIONS[n.fn]!(...n.args.map((a) => evalNode(a, scope)));
    case 'bin': {
      if (n.op === '&&') { const l = evalNode(n.l, scope); return truthy(l) ? evalNode(n.r, scope) : l; }
      if (n.op === '||') { const l = evalNode(n.l, scope); return truthy(l) ? l : evalNode(n.r, scope); }
      const l = evalNode(n.l, scope); const r = evalNode(n.r, scope);
      switch (n.op) {
        case '+': return typeof l === 'string' || typeof r === 'string' ? str(l) + str(r) : num(l) + num(r);
        case '-': return num(l) - num(r);
        case '*': return num(l) * num(r);
        case '/': return num(r) === 0 ? null : num(l) / num(r);
        case '%': return num(r) === 0 ? null : num(l) % num(r);
        case '==': return looseEq(l, r);
        case '!=': return !looseEq(l, r);
        case '<': return cmp(l, r) < 0;
        case '<=': return cmp(l, r) <= 0;
        case '>': return cmp(l, r) > 0;
        case '>=': return cmp(l, r) >= 0;
      }
      throw new Error(`unreachable operator ${n.op}`);
    }
  }
}

/** Numbers and numeric strings compare as numbers ("07" == 7 is false: digit strings stay strings). */
function looseEq(a: Json, b: Json): boolean {
  if (typeof a === 'number' && typeof b === 'string') return b.trim() !== '' && Number(b) === a;
  if (typeof b === 'number' && typeof a === 'string') return a.trim() !== '' && Number(a) === b;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}
function cmp(a: Json, b: Json): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = num(a); const y = num(b);
  return Number.isNaN(x) || Number.isNaN(y) ? NaN : x - y;
}

const cache = new Map<string, Node>();
const CACHE_MAX = 5000;

function compiled(src: string): Node {
  let n = cache.get(src);
  if (!n) {
    n = parse(src);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(src, n);
  }
  return n;
}

/** Throws ExprError when `src` does not parse (used when validating flows). */
export function checkExpr(src: string): void { compiled(src); }

export function evaluate(src: string, scope: Record<string, Json>): Json {
  return evalNode(compiled(src), scope);
}
export function evalBool(src: string, scope: Record<string, Json>): boolean { return truthy(evaluate(src, scope)); }

const TEMPLATE = /\{\{([^}]*)\}\}/g;

/** Renders "Aisle {{ line.aisle }}" against the scope. */
export function render(template: string, scope: Record<string, Json>): string {
  return template.replace(TEMPLATE, (_m, e: string) => str(evaluate(e.trim(), scope)));
}
/** Throws ExprError for a template with a bad expression. */
export function checkTemplate(template: string): void {
  for (const m of template.matchAll(TEMPLATE)) checkExpr(m[1]!.trim());
}
