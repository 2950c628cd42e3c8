/** Starts a TypeScript worker thread (tsx's loader is registered inside it by worker-boot.mjs). */
import { Worker } from 'node:worker_threads';

export function startWorker(file: string, data: object): Worker {
  const entry = new URL(file, import.meta.url).href;
  return new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { ...data, entry }, execArgv: [] });
}
