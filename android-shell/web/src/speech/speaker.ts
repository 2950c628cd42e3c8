/**
 * Speaking prompts. In a browser: Web Speech synthesis; on Android: the shell's TextToSpeech.
 * When neither can speak (no voices, e.g. a headless browser) a silent speaker stands in, taking
 * about as long as the speech would, so the dialog timing and the tts events stay the same.
 */
import type { AndroidBridge } from '../bridge.ts';

export type SpeakOutcome = 'finished' | 'interrupted' | 'failed';
export interface Utterance { id: string; text: string; language: 'en' | 'ru'; rate: number; volume: number }
export interface SpeakCallbacks { started(): void; ended(outcome: SpeakOutcome): void }

export interface Speaker {
  readonly kind: string;
  speak(u: Utterance, cb: SpeakCallbacks): void;
  /** Stops the current utterance (its `ended('interrupted')` follows). */
  cancel(): void;
}

/** Rough spoken duration: ~14 characters per second at rate 1. */
export const estimateMs = (text: string, rate: number): number => Math.max(500, Math.round((text.length / 14) * 1000 / Math.max(0.5, rate)));

/** Ensures `ended` is reported exactly once. */
function once(cb: SpeakCallbacks): SpeakCallbacks & { done: boolean } {
  const o = {
    done: false, startedFlag: false,
    started() { if (!o.startedFlag && !o.done) { o.startedFlag = true; cb.started(); } },
    ended(x: SpeakOutcome) { if (o.done) return; o.started(); o.done = true; cb.ended(x); },
  };
  return o;
}

export class SilentSpeaker implements Speaker {
  readonly kind = 'silent';
  private current: { cb: SpeakCallbacks; timer: ReturnType<typeof setTimeout> } | null = null;
  speak(u: Utterance, cb: SpeakCallbacks): void {
    this.cancel();
    const c = once(cb);
    c.started();
    const timer = setTimeout(() => { this.current = null; c.ended('finished'); }, estimateMs(u.text, u.rate));
    this.current = { cb: c, timer };
  }
  cancel(): void {
    const cur = this.current;
    this.current = null;
    if (cur) { clearTimeout(cur.timer); cur.cb.ended('interrupted'); }
  }
}

export class WebSpeechSpeaker implements Speaker {
  readonly kind = 'webspeech';
  private current: { cb: SpeakCallbacks & { done: boolean }; guard: ReturnType<typeof setTimeout> } | null = null;
  private readonly fallback = new SilentSpeaker();

  static available(): boolean {
    return typeof speechSynthesis !== 'undefined' && typeof SpeechSynthesisUtterance !== 'undefined';
  }

  private voiceFor(language: string): SpeechSynthesisVoice | undefined {
    const voices = speechSynthesis.getVoices();
    return voices.find((v) => v.lang.toLowerCase().startsWith(language) && v.localService) ?? voices.find((v) => v.lang.toLowerCase().startsWith(language));
  }

  speak(u: Utterance, cb: SpeakCallbacks): void {
    this.cancel();
    const voice = this.voiceFor(u.language);
    if (!voice) { this.fallback.speak(u, cb); return; }
    const c = once(cb);
    const ut = new SpeechSynthesisUtterance(u.text);
    ut.voice = voice;
    ut.lang = voice.lang;
    ut.rate = u.rate;
    ut.volume = u.volume;
    ut.onstart = () => c.started();
    ut.onend = () => this.finish(c, 'finished');
    ut.onerror = (ev) => this.finish(c, ev.error === 'interrupted' || ev.error === 'canceled' ? 'interrupted' : 'failed');
    // Chromium sometimes never fires onend: do not let the dialog hang on it.
    const guard = setTimeout(() => this.finish(c, 'finished'), estimateMs(u.text, u.rate) * 3 + 3000);
    this.current = { cb: c, guard };
    speechSynthesis.speak(ut);
  }

  private finish(c: SpeakCallbacks & { done: boolean }, outcome: SpeakOutcome): void {
    if (this.current?.cb === c) { clearTimeout(this.current.guard); this.current = null; }
    c.ended(outcome);
  }

  cancel(): void {
    this.fallback.cancel();
    const cur = this.current;
    if (!cur) return;
    this.current = null;
    clearTimeout(cur.guard);
    speechSynthesis.cancel();
    cur.cb.ended('interrupted');
  }
}

export class AndroidSpeaker implements Speaker {
  readonly kind = 'android';
  private pending = new Map<string, SpeakCallbacks & { done: boolean }>();
  constructor(private readonly bridge: AndroidBridge) {}

  speak(u: Utterance, cb: SpeakCallbacks): void {
    this.cancel();
    this.pending.set(u.id, once(cb));
    this.bridge.speak(u.id, u.text, u.language, u.rate, u.volume);
  }

  /** Called from NativeCallbacks.onTts. */
  progress(id: string, what: 'start' | 'done' | 'stopped' | 'error'): void {
    const c = this.pending.get(id);
    if (!c) return;
    if (what === 'start') { c.started(); return; }
    this.pending.delete(id);
    c.ended(what === 'done' ? 'finished' : what === 'stopped' ? 'interrupted' : 'failed');
  }

  cancel(): void {
    if (this.pending.size === 0) return;
    this.bridge.stopSpeaking();
    for (const c of this.pending.values()) c.ended('interrupted');
    this.pending.clear();
  }
}
