/** Public face of asr/: the engine, its streams, the expectation and result types, template store types. */
export { AsrEngine, type AsrEngineOptions, type AsrMetrics } from './engine.ts';
export { DEFAULT_SHED_LAG_MS, DEFAULT_TOPN } from './options.ts';
export type { AsrStream } from './stream.ts';
export type { Expectation, EndpointSettings, AsrResult, MatchResult, NoMatchResult, NoMatchReason, BusyEvent, ResultTiming, EndReason, Language } from './types.ts';
export { DEFAULT_ENDPOINT } from './types.ts';
export { GrammarError, KNOWN_COMMANDS, DIGIT_WORDS, compileGrammar, DEFAULT_BIAS_WEIGHT, DEFAULT_COMMAND_PRIOR, DEFAULT_NUMBER_BIAS_WEIGHT, type FixedEarlyEnd } from './grammar.ts';
export { TemplateError, MemoryTemplateStore, type TemplateStore, type TemplateTake } from './templates.ts';
export type { Features } from './features.ts';
export { FEAT_DIM } from './features.ts';
export type { DecideOptions } from './decide.ts';
export { DEFAULT_DECIDE, OOG_DEFER, type OogDefer } from './decide.ts';
export { oogPerFrame } from './decide.ts';
export { parseWav, WavError, type Pcm16Wav } from './audio.ts';
