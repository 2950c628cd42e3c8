import { int } from './define.ts';

/** Settings of the asr part (owned by whoever builds asr; one doc line each). */
export const asr = {
  // example: poolSize: int('ASR_WORKERS', 2, 'Worker threads for decoding', 1, 64),
} satisfies Record<string, ReturnType<typeof int> | import('./define.ts').Setting<unknown>>;
