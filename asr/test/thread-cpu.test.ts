/**
 * The recogniser's rtf clock counts the calling thread's CPU time: a busy loop advances it
 * as far as the thread actually ran (never ahead of the wall clock), a blocked thread does not, and
 * work on another thread does not either.
 */
import t from 'tap';
import { Worker } from 'node:worker_threads';
import { threadClock } from '../thread-cpu.ts';
import { startWorker } from '../worker-url.ts';

t.test('on Linux it is the thread CPU clock', async (t) => {
  const c = threadClock();
  if (process.platform !== 'linux') { t.equal(c.cpu, false); return; }
  t.equal(c.cpu, true);
  // Busy until the clock shows 50 ms: it must get there (it counts work), and not before 50 ms of
  // wall time have passed (a thread's CPU clock cannot run ahead of the wall clock; schedstat moves
  // in scheduler ticks, hence the 10 ms allowance). How much wall time it takes depends on what else
  // the machine runs (CI runs test files side by side on 2 cores): that is not this clock's business.
  const a = c.now(), w = performance.now();
  while (c.now() - a < 50 && performance.now() - w < 10_000) { /* busy on purpose */ }
  const busy = c.now() - a, wall = performance.now() - w;
  t.ok(busy >= 50, `busy → ${busy.toFixed(1)} ms CPU (in ${wall.toFixed(0)} ms wall)`);
  t.ok(wall >= busy - 10, `the CPU clock did not run ahead of the wall clock (${busy.toFixed(1)} ms CPU in ${wall.toFixed(1)} ms)`);
  const b = c.now(); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 80); const blocked = c.now() - b;
  t.ok(blocked < 20, `blocked 80 ms → ${blocked.toFixed(1)} ms CPU`);
});

t.test('another thread\'s work is not counted', { skip: process.platform !== 'linux' }, async (t) => {
  const c = threadClock();
  const a = c.now();
  const w = new Worker('const e = performance.now() + 150; while (performance.now() < e) {}', { eval: true });
  await new Promise((resolve) => w.once('exit', resolve));
  t.ok(c.now() - a < 60, `a worker busy 150 ms → ${(c.now() - a).toFixed(1)} ms on this thread (its start-up only)`);
});

t.test('a worker thread names itself for the OS, and the bench reads its CPU by that name', { skip: process.platform !== 'linux' }, async (t) => {
  const w = startWorker('./test/named-worker.ts', { name: 'vm-test-name' });
  const named = await new Promise((resolve) => w.once('message', resolve));
  t.equal(named, true, 'the name was written');
  const { readThreads } = await import('../../bench/procstat.ts');
  const s = readThreads(process.pid)!;
  t.ok(s.cpuS.has('main'), 'the first thread is reported as main');
  t.ok(s.cpuS.has('vm-test-name'), `the worker is found by its name (${[...s.cpuS.keys()].join(', ')})`);
  t.ok(s.cpuS.get('vm-test-name')! >= 0.05, 'with the CPU it spent');
  await w.terminate();
});
