import t from 'tap';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { flowJsonSchema, validateFlow, FlowError } from '../schema.ts';
import { loadBuiltinFlows } from '../registry.ts';

const base = () => ({
  name: 'x', start: 'a',
  nodes: { a: { type: 'say', text: 'hi', next: 'b' }, b: { type: 'end' } },
} as Record<string, unknown>);

t.test('built-in flows are valid and the published schema file is current', async (t) => {
  const flows = await loadBuiltinFlows();
  const names = flows.map((f) => f.name);
  for (const n of ['enrollment', 'main', 'picking', 'signon']) t.ok(names.includes(n), `built-in ${n}`);
  const file = JSON.parse(await readFile(fileURLToPath(new URL('../flow.schema.json', import.meta.url)), 'utf8'));
  t.same(file, flowJsonSchema(), 'run `npm run flow:schema` after changing schema.ts');
});

t.test('schema and semantic problems are reported, all at once', async (t) => {
  t.ok(validateFlow(base()));
  const cases: [string, (d: Record<string, unknown>) => void, RegExp][] = [
    ['unknown node type', (d) => { (d.nodes as Record<string, unknown>).a = { type: 'jump', next: 'b' }; }, /\/nodes\/a/],
    ['missing exit', (d) => { (d.nodes as Record<string, unknown>).a = { type: 'say', text: 'hi', next: 'nowhere' }; }, /no node "nowhere"/],
    ['bad expression', (d) => { (d.nodes as Record<string, unknown>).a = { type: 'branch', cases: [{ when: 'a ==', next: 'b' }], else: 'b' }; }, /cases\/0\/when/],
    ['bad template', (d) => { (d.nodes as Record<string, unknown>).a = { type: 'say', text: 'x {{ 1 + }}', next: 'b' }; }, /\/text/],
    ['write without key', (d) => { (d.nodes as Record<string, unknown>).a = { type: 'wms', op: 'confirmPick', args: {}, next: 'b' }; }, /idempotency key/],
    ['unknown sub-flow', (d) => { (d.nodes as Record<string, unknown>).a = { type: 'call', flow: 'nope', next: 'b' }; }, /no flow "nope"/],
    ['bad start', (d) => { d.start = 'zz'; }, /\/start/],
    ['extra field', (d) => { d.extra = 1; }, /additional/],
  ];
  for (const [name, mutate, re] of cases) {
    const d = base(); mutate(d);
    try {
      validateFlow(d, new Set(['x']));
      t.fail(`${name}: accepted`);
    } catch (err) {
      t.ok(err instanceof FlowError, name);
      t.equal((err as FlowError).code, 'FLOW_INVALID');
      t.match((err as FlowError).message, re, name);
    }
  }
});
