/** Test fixture (thread-cpu.test.ts): a worker thread that names itself, spends ~120 ms of CPU, says whether the name was set and stays until terminated. */
import { parentPort, workerData } from 'node:worker_threads';
import { nameThread } from '../thread-cpu.ts';

const ok = nameThread((workerData as { name: string }).name);
const end = performance.now() + 120;
while (performance.now() < end) { /* CPU on purpose */ }
parentPort!.on('message', () => undefined); // stay alive until terminated, as the gateway's threads do
parentPort!.postMessage(ok);
