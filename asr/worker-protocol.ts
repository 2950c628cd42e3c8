/** Messages between the engine (main thread) and its recogniser workers. */
export interface SerializedTemplates {
  /** `${operatorId}:${version}` — the worker caches by this key. */
  key: string;
  sets: { token: string; takes: { frames: number; data: Float32Array }[] }[];
}

export type ToWorker =
  | { type: 'begin'; utt: number; slot: number; jsgf: string | null; words: string[] }
  | { type: 'audio'; utt: number; slot: number; pcm: Float32Array }
  | {
    type: 'end'; utt: number; slot: number;
    /** Templates to match: the key always, the data only when this worker lacks them. */
    templates: { key: string; data?: SerializedTemplates; tokens: string[]; segmentTokens: string[] } | null;
  }
  | { type: 'cancel'; utt: number; slot: number }
  | { type: 'match'; id: number; pcm: Float32Array; templates: SerializedTemplates; tokens: string[] }
  | { type: 'features'; id: number; pcm: Float32Array };

export interface WordSeg { word: string; startMs: number; endMs: number }

export interface SdMatch { token: string | null; distance: number; second: number; ratio: number }

export type FromWorker =
  | { type: 'ready'; decoders: number }
  | { type: 'partial'; utt: number; words: string[] }
  | {
    type: 'result'; utt: number;
    si: { words: string[]; segs: WordSeg[] } | null;
    sd: SdMatch | null;
    /** Per-segment template tokens for multi-word answers (digit strings). */
    sdSegments: SdMatch[] | null;
    /** Worker CPU time spent on this utterance (ms) and how much of it after `end`. */
    cpuMs: number; finalMs: number; audioMs: number;
  }
  | { type: 'matched'; id: number; match: SdMatch }
  | { type: 'featured'; id: number; frames: number; data: Float32Array }
  | { type: 'error'; utt?: number; id?: number; code: string; message: string };
