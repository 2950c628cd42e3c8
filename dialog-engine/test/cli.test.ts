/** `npm run flow:sim`: typed answers in, prompts out, against an in-process simulator. */
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Warehouse } from '../wms-sim/warehouse.ts';

function flowSim(args: string[], input: string): Promise<{ code: number | null; out: string }> {
  const cli = fileURLToPath(new URL('../cli/flow-sim.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import=tsx', cli, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stdin!.end(input);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

t.test('a person (here: a script) signs on and gets the first pick', async (t) => {
  const op = new Warehouse({ seed: 4, operators: 2 }).operators[0]!;
  const { code, out } = await flowSim(['main', '--seed', '4', '--operators', '2'], `${op.id}\nsay again\n${op.pin}\nready\n:quit\n`);
  t.equal(code, 0);
  t.match(out, `<< Say your operator number. [freeDigits]   (signon.askOperator)`);
  t.match(out, `<< Say your PIN.`);
  t.match(out, `<< Welcome, ${op.name}.`);
  t.match(out, /… WMS getNextAssignment/);
  t.match(out, /<< Slot \d+\. \[digits \d = \d+\]/, 'the check digits show for the flow author');
});

t.test('an unknown flow or a broken file is a clear message', async (t) => {
  const a = await flowSim(['nope'], '');
  t.equal(a.code, 2);
  t.match(a.out, /no flow "nope"/);
  const b = await flowSim(['x', '--file', '/nonexistent.json'], '');
  t.equal(b.code, 2);
  t.match(b.out, /cannot read \/nonexistent.json/);
});
