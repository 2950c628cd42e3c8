/**
 * The published JSON Schema of flows (TypeBox; `npm run flow:schema` writes
 * dialog-engine/flow.schema.json) and `validateFlow`: schema + semantic checks (every exit
 * points at a node, expressions parse, writes carry an idempotency key, calls name known flows).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { checkExpr, checkTemplate, ExprError } from './expr.ts';
import { EMIT_OUTPUTS, GLOBAL_COMMANDS, WMS_READS, WMS_WRITES, type Flow, type Text } from './types.ts';

const NodeId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' });
const VarName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' });
const Expr = Type.String({ minLength: 1, maxLength: 1000, description: 'expression (docs/flows.md)' });
const TextT = Type.Union([
  Type.String({ minLength: 1, maxLength: 2000 }),
  Type.Object({ en: Type.String({ minLength: 1, maxLength: 2000 }), ru: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false }),
], { description: 'prompt text, one string or per language; {{ expression }} templates' });
const NumOrExpr = Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Expr]);
const Strict = { additionalProperties: false } as const;

const ExpectSpec = Type.Union([
  Type.Object({ kind: Type.Literal('digits'), length: NumOrExpr, expected: Type.Optional(Expr) }, Strict),
  Type.Object({ kind: Type.Literal('number'), min: NumOrExpr, max: NumOrExpr, expected: Type.Optional(Expr) }, Strict),
  Type.Object({ kind: Type.Literal('yesno') }, Strict),
  Type.Object({ kind: Type.Literal('choice'), options: Type.Union([Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), Expr]) }, Strict),
  Type.Object({ kind: Type.Literal('freeDigits'), minLength: NumOrExpr, maxLength: NumOrExpr, known: Type.Optional(Expr) }, Strict),
  Type.Object({ kind: Type.Literal('ready') }, Strict),
]);

const Commands = Type.Object(Object.fromEntries(GLOBAL_COMMANDS.map((c) => [c, Type.Optional(NodeId)])), Strict);
const ExprMap = Type.Record(VarName, Expr);
const WmsOpT = Type.Union([...WMS_READS, ...WMS_WRITES].map((o) => Type.Literal(o)));

const nodes = {
  say: Type.Object({ type: Type.Literal('say'), text: TextT, bargeIn: Type.Optional(Type.Boolean()), next: NodeId }, Strict),
  ask: Type.Object({
    type: Type.Literal('ask'), prompt: TextT, short: Type.Optional(TextT), help: Type.Optional(TextT), expect: ExpectSpec,
    var: VarName, wrong: Type.Optional(TextT),
    validate: Type.Optional(Type.Array(Type.Object({ when: Expr, message: TextT }, Strict))),
    confirm: Type.Optional(Type.Union([Type.Literal('never'), Type.Literal('always'), Type.Literal('auto')])),
    bargeIn: Type.Optional(Type.Boolean()), on: Type.Optional(Commands), next: NodeId,
  }, Strict),
  branch: Type.Object({ type: Type.Literal('branch'), cases: Type.Array(Type.Object({ when: Expr, next: NodeId }, Strict)), else: NodeId }, Strict),
  set: Type.Object({ type: Type.Literal('set'), vars: ExprMap, next: NodeId }, Strict),
  foreach: Type.Object({
    type: Type.Literal('foreach'), items: Expr, as: VarName, body: NodeId, next: NodeId,
    skippable: Type.Optional(Type.Boolean()), quantityField: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' })), revisit: Type.Optional(TextT),
  }, Strict),
  wms: Type.Object({
    type: Type.Literal('wms'), op: WmsOpT, args: ExprMap, key: Type.Optional(Expr), result: Type.Optional(VarName),
    next: NodeId, empty: Type.Optional(NodeId), error: Type.Optional(NodeId), critical: Type.Optional(NodeId),
  }, Strict),
  call: Type.Object({ type: Type.Literal('call'), flow: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }), args: Type.Optional(ExprMap), result: Type.Optional(VarName), next: NodeId }, Strict),
  emit: Type.Object({
    type: Type.Literal('emit'), output: Type.Union(EMIT_OUTPUTS.map((o) => Type.Literal(o))),
    args: Type.Optional(ExprMap), next: NodeId,
  }, Strict),
  end: Type.Object({ type: Type.Literal('end'), reason: Type.Optional(Type.String({ maxLength: 200 })), return: Type.Optional(Expr) }, Strict),
} satisfies Record<string, TSchema>;

export const FlowSchema = Type.Object({
  $schema: Type.Optional(Type.String()),
  name: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }),
  version: Type.Optional(Type.Integer({ minimum: 0 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  params: Type.Optional(Type.Array(VarName)),
  start: NodeId,
  nodes: Type.Record(NodeId, Type.Union(Object.values(nodes)), { minProperties: 1, maxProperties: 2000 }),
}, { ...Strict, $id: 'https://voiceman.dev/schemas/flow.json', title: 'Voiceman business-process flow' });

/** The schema as plain JSON (what flow.schema.json holds). */
export function flowJsonSchema(): object {
  return JSON.parse(JSON.stringify(FlowSchema)) as object;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(flowJsonSchema());
const validateNode = Object.fromEntries(Object.entries(nodes).map(([k, v]) => [k, ajv.compile(JSON.parse(JSON.stringify(v)) as object)]));

/** Readable schema problems: top-level ones, then each node checked against the schema of its own type. */
function schemaProblems(doc: unknown): FlowProblem[] {
  const out: FlowProblem[] = [];
  for (const e of validateSchema.errors ?? []) {
    if (!/^\/nodes\/[^/]+/.test(e.instancePath)) out.push({ path: e.instancePath || '/', message: e.message ?? 'invalid' });
  }
  const ns = doc && typeof doc === 'object' ? (doc as { nodes?: unknown }).nodes : undefined;
  if (ns && typeof ns === 'object') {
    for (const [id, n] of Object.entries(ns as Record<string, unknown>)) {
      const type = n && typeof n === 'object' ? (n as { type?: unknown }).type : undefined;
      const v = typeof type === 'string' && Object.hasOwn(validateNode, type) ? validateNode[type]! : null;
      if (!v) { out.push({ path: `/nodes/${id}/type`, message: `unknown node type ${JSON.stringify(type)}` }); continue; }
      if (!v(n)) for (const e of v.errors ?? []) out.push({ path: `/nodes/${id}${e.instancePath}`, message: `${e.message ?? 'invalid'}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}` });
    }
  }
  return out.length ? out.slice(0, 50) : [{ path: '/', message: 'does not match the flow schema' }];
}

export interface FlowProblem { path: string; message: string }
export class FlowError extends Error {
  readonly code = 'FLOW_INVALID';
  constructor(readonly flowName: string, readonly problems: FlowProblem[]) {
    super(`flow "${flowName}" is not valid: ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`);
    this.name = 'FlowError';
  }
}

function texts(t: Text | undefined): string[] {
  if (t === undefined) return [];
  return typeof t === 'string' ? [t] : [t.en, ...(t.ru ? [t.ru] : [])];
}

/**
 * Validates a flow document. `knownFlows` (when given) are the names `call` may use.
 * Returns the document typed as Flow, or throws FlowError listing every problem.
 */
export function validateFlow(doc: unknown, knownFlows?: ReadonlySet<string>): Flow {
  const name = doc && typeof doc === 'object' && typeof (doc as { name?: unknown }).name === 'string' ? (doc as { name: string }).name : '?';
  if (!validateSchema(doc)) {
    throw new FlowError(name, schemaProblems(doc));
  }
  const flow = doc as Flow;
  const problems: FlowProblem[] = [];
  const ids = new Set(Object.keys(flow.nodes));
  const ref = (path: string, id: string | undefined) => { if (id !== undefined && !ids.has(id)) problems.push({ path, message: `no node "${id}"` }); };
  const ex = (path: string, src: string | number | undefined) => {
    if (typeof src !== 'string') return;
    try { checkExpr(src); } catch (err) { problems.push({ path, message: err instanceof ExprError ? err.message : String(err) }); }
  };
  const tpl = (path: string, t: Text | undefined) => {
    for (const s of texts(t)) {
      try { checkTemplate(s); } catch (err) { problems.push({ path, message: err instanceof ExprError ? err.message : String(err) }); }
    }
  };
  ref('/start', flow.start);
  for (const [id, n] of Object.entries(flow.nodes)) {
    const p = `/nodes/${id}`;
    switch (n.type) {
      case 'say': tpl(`${p}/text`, n.text); ref(`${p}/next`, n.next); break;
      case 'ask': {
        tpl(`${p}/prompt`, n.prompt); tpl(`${p}/short`, n.short); tpl(`${p}/help`, n.help); tpl(`${p}/wrong`, n.wrong);
        ref(`${p}/next`, n.next);
        const e = n.expect;
        if (e.kind === 'digits') { ex(`${p}/expect/length`, e.length); ex(`${p}/expect/expected`, e.expected); }
        if (e.kind === 'number') { ex(`${p}/expect/min`, e.min); ex(`${p}/expect/max`, e.max); ex(`${p}/expect/expected`, e.expected); }
        if (e.kind === 'freeDigits') { ex(`${p}/expect/minLength`, e.minLength); ex(`${p}/expect/maxLength`, e.maxLength); ex(`${p}/expect/known`, e.known); }
        if (e.kind === 'choice' && typeof e.options === 'string') ex(`${p}/expect/options`, e.options);
        for (const [i, r] of (n.validate ?? []).entries()) { ex(`${p}/validate/${i}/when`, r.when); tpl(`${p}/validate/${i}/message`, r.message); }
        for (const [c, target] of Object.entries(n.on ?? {})) ref(`${p}/on/${c}`, target);
        break;
      }
      case 'branch': n.cases.forEach((c, i) => { ex(`${p}/cases/${i}/when`, c.when); ref(`${p}/cases/${i}/next`, c.next); }); ref(`${p}/else`, n.else); break;
      case 'set': for (const [k, v] of Object.entries(n.vars)) ex(`${p}/vars/${k}`, v); ref(`${p}/next`, n.next); break;
      case 'foreach': ex(`${p}/items`, n.items); ref(`${p}/body`, n.body); ref(`${p}/next`, n.next); tpl(`${p}/revisit`, n.revisit); break;
      case 'wms':
        for (const [k, v] of Object.entries(n.args)) ex(`${p}/args/${k}`, v);
        ex(`${p}/key`, n.key);
        if ((WMS_WRITES as readonly string[]).includes(n.op) && !n.key) problems.push({ path: `${p}/key`, message: `write operation ${n.op} needs an idempotency key` });
        ref(`${p}/next`, n.next); ref(`${p}/empty`, n.empty); ref(`${p}/error`, n.error); ref(`${p}/critical`, n.critical);
        break;
      case 'call':
        for (const [k, v] of Object.entries(n.args ?? {})) ex(`${p}/args/${k}`, v);
        if (knownFlows && !knownFlows.has(n.flow)) problems.push({ path: `${p}/flow`, message: `no flow "${n.flow}"` });
        ref(`${p}/next`, n.next);
        break;
      case 'emit': for (const [k, v] of Object.entries(n.args ?? {})) ex(`${p}/args/${k}`, v); ref(`${p}/next`, n.next); break;
      case 'end': ex(`${p}/return`, n.return); break;
    }
  }
  if (problems.length) throw new FlowError(flow.name, problems);
  return flow;
}
