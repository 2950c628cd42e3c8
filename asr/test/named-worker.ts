/** Test fixture (thread-cpu.test.ts): a worker thread that names itself, spends ~120 ms of CPU, says whether the name was set and stays until terminated. */
import { parentPort, workerData } from 'node:worker_threads';
import { nameThread, threadClock } from '../thread-cpu.ts';

const ok = nameThread((workerData as { name: string }).name);
// ~120 ms of this thread's CPU, however long the machine takes to give it (CI runs test files side by side).
const clock = threadClock(), start = clock.now(), giveUp = performance.now() + 10_000;
while (clock.now() - start < 120 && performance.now() < giveUp) { /* CPU on purpose */ }
parentPort!.on('message', () => undefined); // stay alive until terminated, as the gateway's threads do
parentPort!.postMessage(ok);
