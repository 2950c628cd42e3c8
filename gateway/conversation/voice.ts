/**
 * What the dialog conversation needs from speech recognition, in the gateway's terms; the adapter
 * in `asr-channel.ts` implements it on asr/'s streams. Results arrive on the event loop.
 */
import type { Expectation } from '../../dialog-engine/index.ts';

export type VoiceResult =
  | { kind: 'speech' }
  | { kind: 'match'; text: string; confidence: number; hypothesis?: string; latencyMs: number }
  | { kind: 'nomatch'; hypothesis?: string; confidence?: number; latencyMs: number }
  | { kind: 'busy' }
  | { kind: 'enrolled'; word: string; take: number; quality: number };

export interface VoiceChannel {
  /** What may be said now (with the right answer, for the bias); null = nothing expected. */
  expect(e: Expectation | null): void;
  /** Per-site endpointing (only the fields the site set; the engine's defaults for the rest). */
  setEndpoint(e: { trailingSilenceMs?: number; earlyEndSilenceMs?: number; knownEndSilenceMs?: number; maxUtteranceMs?: number }): void;
  /** One audio frame; only valid during the call. */
  push(frame: Int16Array): void;
  /** The operator whose voice templates apply (null: none signed on). */
  setOperator(operatorId: number | null): void;
  /** The next utterance is an enrollment take of `word` rather than an answer. */
  enrollNext(word: string, take: number, takes: number): void;
  close(): void;
}
