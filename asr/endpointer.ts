/**
 * Endpointing of one stream, driven by one Silero probability per 32 ms window (512 samples at
 * 16 kHz). Keeps a pre-roll ring; holds trailing silence back from the decoder until speech
 * resumes (so the decoder sees at most `tailMs` of it at the end); ends on trailing silence,
 * on a shorter silence when the hypothesis is already complete, or at the maximum length.
 */
import type { EndpointSettings, EndReason } from './types.ts';

export const WIN = 512;
export const WIN_MS = 32;

export interface EndpointSink {
  start(preRoll: Float32Array, atMs: number): void;
  audio(x: Float32Array): void;
  end(reason: EndReason, atMs: number): void;
  /**
   * Speech has paused for PAUSE_MS: the decoder should decode what it holds (its partial drives
   * the early end). `silence`: samples of the pause already passed on (0 or PAUSE_MS worth).
   */
  pause(silence: number): void;
}

/** Silence after which the sink hears of a pause (well under any early-end silence). */
export const PAUSE_MS = 96;

export class Endpointer {
  private ring: Float32Array;
  private ringPos = 0;
  private ringFill = 0;
  private speechRun = 0;
  private runWindows: Float32Array[] = [];
  inSpeech = false;
  private held: Float32Array[] = [];
  /** Of `held`, the windows already passed to the sink (the first PAUSE_MS, at the pause). */
  private heldSent = 0;
  private silenceMs = 0;
  private uttMs = 0;
  private timeMs = 0;
  /** Set by the stream when the partial hypothesis satisfies the expectation. */
  complete = false;
  /** Set by the stream when the partial hypothesis is the answer the dialog knows to be right. */
  known = false;
  /** Set by the stream per expectation: pass a pause's first PAUSE_MS on at the pause (grammar.ts `pauseAudio`). */
  pauseAudio = true;

  constructor(private s: EndpointSettings, private readonly sink: EndpointSink, private readonly tailMs = 150, private readonly decoderPreRollMs = 150) {
    this.ring = new Float32Array(Math.ceil((s.preRollMs * 16) / WIN) * WIN + WIN);
  }

  setSettings(s: EndpointSettings): void {
    this.s = s;
    const need = Math.ceil((s.preRollMs * 16) / WIN) * WIN + WIN;
    if (need !== this.ring.length) { this.ring = new Float32Array(need); this.ringPos = 0; this.ringFill = 0; }
  }

  get streamMs(): number { return this.timeMs; }

  private pushRing(x: Float32Array): void {
    this.ring.set(x, this.ringPos);
    this.ringPos = (this.ringPos + x.length) % this.ring.length;
    this.ringFill = Math.min(this.ring.length, this.ringFill + x.length);
  }

  private preRoll(): Float32Array {
    const n = Math.min(this.ringFill, Math.round(Math.min(this.s.preRollMs, this.decoderPreRollMs) * 16));
    const out = new Float32Array(n);
    const start = (this.ringPos - n + this.ring.length) % this.ring.length;
    for (let i = 0; i < n; i++) out[i] = this.ring[(start + i) % this.ring.length]!;
    return out;
  }

  /** One window and its speech probability. */
  window(x: Float32Array, prob: number): void {
    this.timeMs += WIN_MS;
    const speech = prob >= this.s.vadThreshold;
    if (!this.inSpeech) {
      if (speech) {
        this.speechRun++;
        this.runWindows.push(x);
        if (this.speechRun * WIN_MS >= this.s.speechStartMs) {
          this.inSpeech = true;
          this.silenceMs = 0;
          this.uttMs = this.speechRun * WIN_MS;
          this.complete = false;
          this.known = false;
          this.sink.start(this.preRoll(), this.timeMs - this.speechRun * WIN_MS);
          for (const w of this.runWindows) this.sink.audio(w);
          this.runWindows = [];
          this.speechRun = 0;
        }
      } else {
        for (const w of this.runWindows) this.pushRing(w);
        this.runWindows = [];
        this.speechRun = 0;
        this.pushRing(x);
      }
      return;
    }
    this.uttMs += WIN_MS;
    // hysteresis: leaving speech needs a clearly lower probability
    if (prob >= this.s.vadThreshold - 0.15) {
      // Speech resumed after a pause: the partial judged there is about the audio before it.
      if (this.silenceMs >= PAUSE_MS) { this.complete = false; this.known = false; }
      for (let i = this.heldSent; i < this.held.length; i++) this.sink.audio(this.held[i]!);
      this.held = [];
      this.heldSent = 0;
      this.silenceMs = 0;
      this.sink.audio(x);
    } else {
      this.held.push(x);
      this.silenceMs += WIN_MS;
      if (this.silenceMs === PAUSE_MS) {
        // The decoder hears the pause's first PAUSE_MS (part of the tail it gets anyway): a word
        // ending in a fricative or a stop exits only on the frames after it, and until then the
        // partial hypothesis cannot be complete.
        let sent = 0;
        if (this.pauseAudio) {
          for (const h of this.held) { this.sink.audio(h); sent += h.length; }
          this.heldSent = this.held.length;
        }
        this.sink.pause(sent);
      }
    }
    if (this.uttMs >= this.s.maxUtteranceMs) this.finish('max');
    else if (this.silenceMs >= this.s.trailingSilenceMs) this.finish('silence');
    else if (this.complete && this.silenceMs >= this.earlyMs()) this.finish('early');
  }

  /** The silence that ends a complete answer now: shorter when it is the known right answer. */
  private earlyMs(): number {
    return this.known ? Math.min(this.s.knownEndSilenceMs, this.s.earlyEndSilenceMs) : this.s.earlyEndSilenceMs;
  }

  /** Re-checks the early end when the hypothesis becomes complete between windows. */
  poke(): void {
    if (this.inSpeech && this.complete && this.silenceMs >= this.earlyMs()) this.finish('early');
  }

  /** The device stopped sending (gated microphone): the utterance ends now. */
  gap(): void {
    if (this.inSpeech) this.finish('gap');
    this.speechRun = 0;
    this.runWindows = [];
  }

  private finish(reason: EndReason): void {
    let tail = Math.round(this.tailMs * 16);
    for (const [i, h] of this.held.entries()) {
      if (i < this.heldSent) { tail -= h.length; continue; }
      if (tail <= 0) break;
      const part = h.subarray(0, Math.min(h.length, tail));
      this.sink.audio(part);
      tail -= part.length;
    }
    for (const h of this.held) this.pushRing(h);
    this.held = [];
    this.heldSent = 0;
    this.inSpeech = false;
    const end = this.timeMs - this.silenceMs;
    this.silenceMs = 0;
    this.sink.end(reason, end);
  }
}
