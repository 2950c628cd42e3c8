/**
 * One session's stream: frames in (synchronously copied), resampled to 16 kHz, cut into 32 ms
 * windows for the batched VAD, endpointed, and forwarded in ~100 ms chunks to its decoder.
 * Events: 'speechStart' {atMs}, 'result' AsrResult, 'busy' BusyEvent, 'error' {code, message}.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ASR_RATE, Resampler } from './audio.ts';
import { Endpointer, WIN, WIN_MS } from './endpointer.ts';
import { compileGrammar, type CompiledGrammar, type GrammarOptions } from './grammar.ts';
import { partialEndsEarly, partialIsKnown } from './interpret.ts';
import type { AsrResult, BusyEvent, EndpointSettings, EndReason, Expectation, Language } from './types.ts';

/** What a stream needs from its engine (never the whole engine). */
export interface StreamHost {
  readonly grammarOptions: GrammarOptions;
  readonly si: boolean;
  enqueueVad(stream: StreamImpl): void;
  /** Starts an utterance; returns false when overloaded. */
  begin(stream: StreamImpl, utt: Utterance): boolean;
  audio(utt: Utterance, x: Float32Array): void;
  end(utt: Utterance): void;
  /** Speech paused: the decoder decodes all it holds, so that a partial hypothesis comes. */
  pause(utt: Utterance, silence: number): void;
  cancel(utt: Utterance): void;
  closed(stream: StreamImpl): void;
}

export interface Utterance {
  id: number;
  stream: StreamImpl;
  expectation: Expectation | null;
  grammar: CompiledGrammar | null;
  operatorId?: number;
  language: Language;
  startMs: number;
  endMs: number;
  endWall: number;
  /** Decoder binding (set by the engine). */
  worker: number;
  slot: number;
  /** Audio waiting for a decoder or for a 100 ms chunk. */
  buffer: Float32Array[];
  bufferLen: number;
  ended: boolean;
  endedBy?: EndReason;
  /** The recogniser thread's own finalisation time (ms), once its result came. */
  finalMs?: number;
  partial: string[];
}

export interface AsrStream {
  readonly sessionId: string;
  setExpectation(e: Expectation | null): void;
  setEndpoint(s: EndpointSettings): void;
  pushFrame(pcm: Int16Array | Buffer): void;
  on(ev: 'speechStart', fn: (e: { atMs: number }) => void): this;
  on(ev: 'result', fn: (r: AsrResult) => void): this;
  on(ev: 'busy', fn: (e: BusyEvent) => void): this;
  on(ev: 'error', fn: (e: { code: string; message: string }) => void): this;
  close(): void;
}

let nextUtt = 1;
const GATE = 10 ** (-55 / 20);
const WARM_WINDOWS = 8;
/**
 * Level normalisation of what Silero sees (the decoder and templates get the audio unchanged):
 * quiet speech (peaks near −24 dBFS, measured on fsdd-dev) kept Silero's probability under the
 * threshold, so the utterance never started. The VAD input is lifted towards a −12 dBFS peak by
 * at most 4× (12 dB), following a peak envelope that rises at once and halves every
 * LEVEL_HALF_LIFE_MS of stream time — wall time across the gaps of a gated device, which sends
 * only its speech: when the envelope decayed only with audio received, a loud word ("ready")
 * kept the gain at 1 for minutes of a gated session and a quiet speaker's next answers never
 * started (bench: 6 % of answers at 300 pickers, all of the quiet speaker, got no reply;
 * docs/performance/asr.md round 11).
 */
const VAD_TARGET_PEAK = 0.25;
const VAD_MAX_GAIN = 4;
const LEVEL_HALF_LIFE_MS = 2000;

export class StreamImpl extends EventEmitter implements AsrStream {
  readonly vadSlot: number;
  private readonly resampler: Resampler | null;
  private win = new Float32Array(WIN);
  private winFill = 0;
  /** Windows in order, each waiting for its probability. */
  readonly pending: { x: Float32Array; prob: number | null; at: number; warm?: boolean; gain: number }[] = [];
  /** Peak envelope of the input (see VAD_TARGET_PEAK), and when it was last updated (ms, wall clock). */
  private level = 0;
  private levelAt = 0;
  /** Last plainly silent windows: replayed to Silero before the next loud one (its state needs the lead-in). */
  private gated: Float32Array[] = [];
  private expectation: Expectation | null = null;
  private grammar: CompiledGrammar | null = null;
  private readonly ep: Endpointer;
  private utt: Utterance | null = null;
  lastFrameWall = 0;
  isClosed = false;

  constructor(
    private readonly host: StreamHost, vadSlot: number,
    readonly sessionId: string, sampleRate: number, readonly language: Language, readonly operatorId: number | undefined,
    endpoint: EndpointSettings,
  ) {
    super();
    this.vadSlot = vadSlot;
    this.resampler = sampleRate === ASR_RATE ? null : new Resampler(sampleRate, ASR_RATE);
    this.ep = new Endpointer(endpoint, {
      start: (pre, atMs) => this.onStart(pre, atMs),
      audio: (x) => { if (this.utt) this.host.audio(this.utt, x); },
      end: (reason, atMs) => this.onEnd(reason, atMs),
      pause: (silence) => { if (this.utt) this.host.pause(this.utt, silence); },
    });
  }

  setExpectation(e: Expectation | null): void {
    this.grammar = e && (this.host.si && this.language === 'en') ? compileGrammar(e, this.host.grammarOptions) : null;
    if (e && !this.grammar) compileGrammar(e, {}); // validates even when only templates are used
    this.expectation = e;
    this.ep.pauseAudio = this.grammar?.pauseAudio ?? true;
  }

  setEndpoint(s: EndpointSettings): void { this.ep.setSettings(s); }

  pushFrame(pcm: Int16Array | Buffer): void {
    if (this.isClosed) return;
    if (!(pcm instanceof Int16Array) && pcm.byteLength % 2 !== 0) {
      throw Object.assign(new RangeError('PCM16 frame must have an even number of bytes'), { code: 'ASR_BAD_AUDIO' });
    }
    const n = pcm instanceof Int16Array ? pcm.length : pcm.byteLength >> 1;
    const f = new Float32Array(n);
    if (pcm instanceof Int16Array) for (let i = 0; i < n; i++) f[i] = pcm[i]! / 32768;
    else for (let i = 0; i < n; i++) f[i] = pcm.readInt16LE(i * 2) / 32768;
    this.pushFloat(f);
  }

  /** 16 kHz (or the stream's rate) float samples; used by pushFrame and the bench. */
  pushFloat(f: Float32Array): void {
    this.lastFrameWall = performance.now();
    const x = this.resampler ? this.resampler.process(f) : f;
    let o = 0;
    while (o < x.length) {
      const take = Math.min(WIN - this.winFill, x.length - o);
      this.win.set(x.subarray(o, o + take), this.winFill);
      this.winFill += take; o += take;
      if (this.winFill === WIN) {
        const w = this.win;
        this.win = new Float32Array(WIN);
        this.winFill = 0;
        let e = 0, pk = 0;
        for (let i = 0; i < WIN; i++) { const v = w[i]!; e += v * v; if (v > pk) pk = v; else if (-v > pk) pk = -v; }
        const at = performance.now();
        // Decay over the window's own audio or the wall time since the last one, whichever is longer.
        this.level = Math.max(pk, this.level * 0.5 ** (Math.max(WIN_MS, at - this.levelAt) / LEVEL_HALF_LIFE_MS));
        this.levelAt = at;
        const gain = Math.min(VAD_MAX_GAIN, Math.max(1, VAD_TARGET_PEAK / Math.max(this.level, 1e-6)));
        // A cheap gate may only skip windows that are plainly silent; Silero decides the rest.
        const silent = Math.sqrt(e / WIN) < GATE;
        if (silent) {
          this.gated.push(w);
          if (this.gated.length > WARM_WINDOWS) this.gated.shift();
        } else {
          for (const g of this.gated) this.pending.push({ x: g, prob: null, at, warm: true, gain });
          this.gated = [];
        }
        this.pending.push({ x: w, prob: silent ? 0 : null, at, gain });
        if (!silent) this.host.enqueueVad(this);
      }
    }
    this.drain();
  }

  /** Processes windows whose probabilities are known, in order. */
  drain(): void {
    while (this.pending.length && this.pending[0]!.prob !== null) {
      const w = this.pending.shift()!;
      if (w.warm) continue;
      this.ep.window(w.x, w.prob!);
    }
  }

  /** The device stopped sending for longer than the trailing silence. */
  gap(): void {
    if (this.pending.length) return;
    this.ep.gap();
  }

  get inSpeech(): boolean { return this.ep.inSpeech; }

  private onStart(pre: Float32Array, atMs: number): void {
    this.emit('speechStart', { atMs });
    const utt: Utterance = {
      id: nextUtt++, stream: this, expectation: this.expectation, grammar: this.grammar, operatorId: this.operatorId,
      language: this.language, startMs: atMs, endMs: 0, endWall: 0, worker: -1, slot: -1, buffer: [], bufferLen: 0, ended: false, partial: [],
    };
    if (!this.host.begin(this, utt)) return;
    this.utt = utt;
    if (pre.length) this.host.audio(utt, pre);
  }

  private onEnd(reason: EndReason, atMs: number): void {
    const utt = this.utt;
    if (!utt) return;
    this.utt = null;
    utt.endMs = atMs;
    utt.endedBy = reason;
    utt.endWall = performance.now();
    utt.ended = true;
    this.host.end(utt);
  }

  /**
   * Partial hypothesis from the decoder: enables the grammar-aware early end. `settled`: its last
   * word has lasted long enough not to be the search's guess at a word only just begun.
   */
  partial(utt: Utterance, words: string[], settled: boolean): void {
    if (utt !== this.utt || !utt.expectation) return;
    utt.partial = words;
    const heard = utt.grammar?.heard ?? utt.expectation;
    this.ep.complete = settled && utt.grammar?.earlyEnd !== false && partialEndsEarly(heard, words);
    this.ep.known = this.ep.complete && partialIsKnown(utt.expectation, heard, words);
    this.ep.poke();
  }

  deliver(r: AsrResult): void { if (!this.isClosed) this.emit('result', r); }
  busy(e: BusyEvent): void { if (!this.isClosed) this.emit('busy', e); }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.utt) this.host.cancel(this.utt);
    this.utt = null;
    this.pending.length = 0;
    this.host.closed(this);
    this.removeAllListeners();
  }
}
