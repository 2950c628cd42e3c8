import { int } from './define.ts';

/** Settings of the dialog part (owned by whoever builds dialog; one doc line each). */
export const dialog = {
  // example: poolSize: int('ASR_WORKERS', 2, 'Worker threads for decoding', 1, 64),
} satisfies Record<string, ReturnType<typeof int> | import('./define.ts').Setting<unknown>>;
