/**
 * `npm run wms-sim -- --seed 1 --operators 10 [--assignments 0] [--http-port 0] [--lut-port 0]
 *  [--odr-port 0] [--host 127.0.0.1] [--token T] [--latency-ms 0] [--fail-rate 0] [--odr-ack Y]`
 * Prints one JSON line {"http":…, "lut":…, "odr":…, "url":…} when listening; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startWmsSim } from './index.ts';

function num(name: string, v: string | undefined, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    process.stderr.write(`wms-sim: --${name} must be a number from ${min} to ${max}, got "${v}"\n`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    seed: { type: 'string' }, operators: { type: 'string' }, assignments: { type: 'string' },
    'http-port': { type: 'string' }, 'lut-port': { type: 'string' }, 'odr-port': { type: 'string' },
    host: { type: 'string' }, token: { type: 'string' }, 'latency-ms': { type: 'string' }, 'fail-rate': { type: 'string' },
    'odr-ack': { type: 'string' }, help: { type: 'boolean' },
  },
});
if (values.help) {
  process.stdout.write('usage: npm run wms-sim -- --seed N --operators N [--assignments N] [--http-port P] [--lut-port P] [--odr-port P] [--host H] [--token T] [--latency-ms MS] [--fail-rate 0..1] [--odr-ack C]\n');
  process.exit(0);
}
const sim = await startWmsSim({
  seed: num('seed', values.seed, 1, 0, 2 ** 31), operators: num('operators', values.operators, 10, 1, 10000),
  assignmentsPerOperator: num('assignments', values.assignments, 0, 0, 9999),
  httpPort: num('http-port', values['http-port'], 0, 0, 65535), lutPort: num('lut-port', values['lut-port'], 0, 0, 65535),
  odrPort: num('odr-port', values['odr-port'], 0, 0, 65535), host: values.host ?? '127.0.0.1',
  ...(values.token ? { token: values.token } : {}), ...(values['odr-ack'] ? { odrAck: values['odr-ack'] } : {}),
  faults: { latencyMs: num('latency-ms', values['latency-ms'], 0, 0, 60000), failRate: num('fail-rate', values['fail-rate'], 0, 0, 1) },
});
process.stdout.write(`${JSON.stringify({ http: sim.httpPort, lut: sim.lutPort, odr: sim.odrPort, url: sim.url })}\n`);
const stop = () => { void sim.close().then(() => process.exit(0)); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
