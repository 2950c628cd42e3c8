/**
 * `npm run flow:sim -- <flow> [--file path.json] [--language en|ru] [--seed 1] [--operators 5]
 *   [--wms-kind rest|lut] [--wms-url URL] [--lut host:port] [--odr host:port]`
 * Type answers, see prompts. Without --wms-url/--lut a simulator is started in-process.
 * Lines: an answer ("42", "ready", "say again"), or :noinput, :nomatch, :voice <confidence> <text>,
 * :state, :quit. Reads stdin, so it also runs from a script (one answer per line).
 */
import { readFile } from 'node:fs/promises';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { FlowRegistry, loadBuiltinFlows } from '../registry.ts';
import { validateFlow, FlowError } from '../schema.ts';
import { initialState, step } from '../step.ts';
import { createConnector } from '../wms/connector.ts';
import { runWmsDirect } from '../wms/direct.ts';
import { startWmsSim, type WmsSim } from '../wms-sim/index.ts';
import type { DialogOutput, DialogState, StepInput } from '../types.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    file: { type: 'string' }, language: { type: 'string' }, seed: { type: 'string' }, operators: { type: 'string' },
    'wms-kind': { type: 'string' }, 'wms-url': { type: 'string' }, lut: { type: 'string' }, odr: { type: 'string' },
  },
});
const out = (s: string) => process.stdout.write(`${s}\n`);

const registry = new FlowRegistry(await loadBuiltinFlows());
if (values.file) {
  try {
    registry.add({ ...validateFlow(JSON.parse(await readFile(values.file, 'utf8')), new Set([...registry.names()])), version: 0 }, true);
  } catch (err) {
    out(err instanceof FlowError ? err.message : `cannot read ${values.file}: ${(err as Error).message}`);
    process.exit(2);
  }
}
const name = positionals[0] ?? 'main';
const flow = registry.current(name);
if (!flow) { out(`no flow "${name}"; built-in: ${[...registry.names()].join(', ')}`); process.exit(2); }

let sim: WmsSim | null = null;
const kind = values['wms-kind'] === 'lut' ? 'lut' : 'rest';
if (!values['wms-url'] && !values.lut) {
  sim = await startWmsSim({ seed: Number(values.seed ?? 1), operators: Number(values.operators ?? 5) });
  const ops = sim.sim.warehouse.operators.slice(0, 3).map((o) => `${o.id} (PIN ${o.pin})`).join(', ');
  out(`[simulator on ${sim.url}, LUT ${sim.lutPort}, ODR ${sim.odrPort}; operators ${ops}; truth: ${sim.url}/truth/assignments]`);
}
const connector = createConnector({
  wmsKind: kind, wmsUrl: values['wms-url'] ?? sim?.url ?? '', wmsTimeoutMs: 3000,
  wmsLutAddress: values.lut ?? `127.0.0.1:${sim?.lutPort ?? 0}`, wmsOdrAddress: values.odr ?? `127.0.0.1:${sim?.odrPort ?? 0}`,
});

const opts = { resolve: registry.resolve };
let state: DialogState = initialState(flow, { language: values.language === 'ru' ? 'ru' : 'en' });

function show(outputs: DialogOutput[]): void {
  for (const o of outputs) {
    if (o.type === 'prompt') {
      const e = o.expect;
      const hint = e ? ` [${e.kind}${e.kind === 'digits' ? ` ${e.length}${e.expected ? ` = ${e.expected}` : ''}` : e.kind === 'number' ? ` ${e.min}-${e.max}` : e.kind === 'choice' ? `: ${e.options.join('/')}` : ''}]` : '';
      out(`<< ${o.text}${hint}   (${o.node})`);
    } else out(`   ${JSON.stringify(o)}`);
  }
}

async function send(input: StepInput): Promise<void> {
  let r = step(flow!, state, input, opts);
  show(r.outputs);
  while (r.state.pending?.kind === 'wms') {
    out(`   … WMS ${r.state.pending.op}`);
    r = step(flow!, r.state, await runWmsDirect(connector, r.state.pending, 'SIM'), opts);
    show(r.outputs);
  }
  state = r.state;
}

await send({ type: 'start' });
const rl = readline.createInterface({ input: process.stdin, terminal: process.stdin.isTTY });
for await (const raw of rl) {
  const line = raw.trim();
  if (!line) continue;
  if (!process.stdin.isTTY) out(`>> ${line}`);
  if (line === ':quit') break;
  if (line === ':state') { out(JSON.stringify(state, null, 2)); continue; }
  if (line === ':noinput' || line === ':nomatch') { await send({ type: line.slice(1) as 'noinput' | 'nomatch' }); continue; }
  const v = /^:voice\s+([0-9.]+)\s+(.+)$/.exec(line);
  if (v) { await send({ type: 'answer', text: v[2]!, confidence: Number(v[1]), source: 'voice' }); continue; }
  await send({ type: 'answer', text: line, confidence: 1, source: 'text' });
  if (state.status === 'ended') break;
}
rl.close();
await connector.close();
await sim?.close();
