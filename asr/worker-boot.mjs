// Bootstraps a TypeScript worker: registers tsx's loader in this thread, then imports the entry.
import { workerData } from 'node:worker_threads';
const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
