import { int } from './define.ts';

/** Settings of the console part (owned by whoever builds console; one doc line each). */
export const console = {
  // example: poolSize: int('ASR_WORKERS', 2, 'Worker threads for decoding', 1, 64),
} satisfies Record<string, ReturnType<typeof int> | import('./define.ts').Setting<unknown>>;
