/**
 * The device's decisions, in one place: which prompt to speak and when, half-duplex vs barge-in,
 * what the voice gate lets through, the tts/speech events, button and keypad answers, hardware
 * keys, and the screen state. No DOM and no audio APIs here (those are injected), so the page,
 * the Android shell and the browser tests all drive the same logic.
 */
import type { DeviceSession, ConnState } from './protocol/session.ts';
import type { CloseAction, DeviceSettings, PromptMsg, ServerMessage, WelcomeMsg } from './protocol/types.ts';
import type { VoiceGate } from './audio/voice-gate.ts';
import type { Speaker } from './speech/speaker.ts';
import { layoutFor, keypadPress, type Layout } from './ui/buttons.ts';
import type { Lang } from './ui/i18n.ts';

export type Status = 'connecting' | 'connected' | 'listening' | 'hearing' | 'speaking' | 'reconnecting' | 'stopped';

export interface ViewState {
  lang: Lang;
  status: Status;
  stopReason: Extract<CloseAction, { kind: 'stop' }>['reason'] | null;
  offline: boolean;
  prompt: PromptMsg | null;
  heard: { text: string; confidence: number } | null;
  layout: Layout;
  entry: string;
  micOk: boolean;
  notice: string | null;
  update: { versionName: string; url: string } | null;
}

export interface LogEntry { t: number; dir: 'in' | 'out' | 'local'; kind: string; seq?: number; cseq?: number; text?: string; detail?: string }

export class DeviceController {
  private settings: DeviceSettings = { language: 'en', ttsRate: 1, ttsVolume: 1, ackEveryMs: 1000 };
  private view: ViewState = {
    lang: 'en', status: 'connecting', stopReason: null, offline: false, prompt: null, heard: null,
    layout: { buttons: [], keypad: null }, entry: '', micOk: true, notice: null, update: null,
  };
  private conn: ConnState = 'stopped';
  private speaking: PromptMsg | null = null;
  private queue: PromptMsg[] = [];
  private everConnected = false;
  readonly log: LogEntry[] = [];
  framesDroppedWhileSpeaking = 0;
  bargeIns = 0;

  constructor(
    private readonly session: DeviceSession,
    private readonly speaker: Speaker,
    private readonly gate: VoiceGate,
    private readonly render: (v: ViewState) => void,
    private readonly t0 = Date.now(),
  ) {
    session.on({
      state: (s, info) => this.onConn(s, info.stop),
      welcome: (w) => this.onWelcome(w),
      message: (m) => this.onMessage(m),
      protocolError: (d) => this.record('local', 'protocol_error', { detail: d }),
    });
  }

  get state(): Readonly<ViewState> { return this.view; }

  // ---- inputs from the page / the shell ----

  /** One 20 ms PCM16 frame from the microphone. */
  micFrame(frame: Int16Array): void {
    if (this.speaking && !this.speaking.bargeIn) {
      // Half-duplex prompt: nothing the microphone hears now is an answer (it may be the prompt itself).
      this.gate.reset();
      this.framesDroppedWhileSpeaking++;
      return;
    }
    const r = this.gate.push(frame);
    if (r.speechStart) {
      if (this.speaking) this.bargeIn();
      this.event('speech_start');
      this.update({ status: this.statusNow(true) });
    }
    for (const f of r.frames) this.session.sendAudio(f);
    if (r.speechEnd) {
      this.event('speech_end');
      this.update({ status: this.statusNow(false) });
    }
  }

  /** A button answer (or a keypad entry): sent as a `text` message. */
  answer(text: string): void {
    if (this.speaking) this.bargeIn();
    const cseq = this.session.sendText(text);
    this.record('out', 'text', { cseq, text });
    this.update({ entry: '' });
  }

  keypad(key: string): void {
    const k = this.view.layout.keypad;
    if (!k) return;
    const r = keypadPress(k, this.view.entry, key);
    if (r.submit) this.answer(r.entry); else this.update({ entry: r.entry });
  }

  /** A hardware or headset key reported by the shell (or a keyboard key on a desktop). */
  hardwareKey(name: string): void {
    this.event('button', name.slice(0, 100));
  }

  battery(percent: number): void {
    this.event('battery', Math.round(percent));
  }

  micAvailable(ok: boolean, why?: string): void {
    if (!ok) this.record('local', 'mic_unavailable', why === undefined ? {} : { detail: why });
    this.update({ micOk: ok });
  }

  setOffline(offline: boolean): void {
    if (!offline) this.session.retryNow();
    this.update({ offline: offline || this.conn === 'reconnecting' });
  }

  offerUpdate(u: { versionName: string; url: string } | null): void { this.update({ update: u }); }

  // ---- session events ----

  private onConn(s: ConnState, stop?: CloseAction): void {
    this.conn = s;
    if (s === 'connected') this.everConnected = true;
    if (s === 'stopped') {
      this.speaker.cancel();
      this.queue = [];
    }
    this.record('local', `conn_${s}`, stop && stop.kind === 'stop' ? { detail: stop.reason } : {});
    this.update({
      status: this.statusNow(false),
      offline: s === 'reconnecting' || (s === 'connecting' && this.everConnected),
      stopReason: s === 'stopped' && stop?.kind === 'stop' ? stop.reason : null,
    });
  }

  private onWelcome(w: WelcomeMsg): void {
    this.settings = w.settings;
    this.record('in', 'welcome', { seq: w.seq, detail: w.resumed ? 'resumed' : 'new' });
    this.update({ lang: w.settings.language });
  }

  private onMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'prompt':
        this.record('in', 'prompt', { seq: m.seq, text: m.text });
        this.update({ prompt: m, layout: layoutFor(m.expect, this.view.lang), entry: '', notice: null });
        this.enqueuePrompt(m);
        return;
      case 'recognized':
        this.record('in', 'recognized', { seq: m.seq, text: m.text, detail: m.confidence.toFixed(2) });
        this.update({ heard: { text: m.text, confidence: m.confidence } });
        return;
      case 'settings': {
        const next = { ...this.settings };
        const s = m.settings;
        if (s.language === 'en' || s.language === 'ru') next.language = s.language;
        if (typeof s.ttsRate === 'number' && s.ttsRate >= 0.5 && s.ttsRate <= 2) next.ttsRate = s.ttsRate;
        if (typeof s.ttsVolume === 'number' && s.ttsVolume >= 0.1 && s.ttsVolume <= 1) next.ttsVolume = s.ttsVolume;
        this.settings = next;
        this.record('in', 'settings', { seq: m.seq, detail: JSON.stringify(m.settings) });
        this.update({ lang: next.language });
        return;
      }
      case 'error':
        this.record('in', 'error', { seq: m.seq, text: m.code, detail: m.message });
        this.update({ notice: m.message });
        return;
      case 'bye':
        this.record('in', 'bye', { seq: m.seq, text: m.reason });
        this.speaker.cancel();
        this.queue = [];
        this.update({ notice: m.reason, prompt: null, layout: { buttons: [], keypad: null } });
        return;
      case 'welcome':
        return; // handled by onWelcome
    }
  }

  // ---- speaking ----

  private enqueuePrompt(p: PromptMsg): void {
    this.queue.push(p);
    if (this.queue.length > 3) this.queue.splice(0, this.queue.length - 3);
    if (!this.speaking) this.speakNext();
  }

  private speakNext(): void {
    const p = this.queue.shift();
    if (!p) return;
    this.speaking = p;
    this.gate.reset();
    this.speaker.speak(
      { id: String(p.seq), text: p.text, language: p.language, rate: this.settings.ttsRate, volume: this.settings.ttsVolume },
      {
        started: () => {
          this.event('tts_started', p.seq);
          this.update({ status: this.statusNow(false) });
        },
        ended: (outcome) => {
          this.event('tts_finished', p.seq);
          if (outcome !== 'finished') this.record('local', 'tts_' + outcome, { seq: p.seq });
          if (this.speaking === p) this.speaking = null;
          this.update({ status: this.statusNow(false) });
          if (!this.speaking) this.speakNext();
        },
      },
    );
  }

  private bargeIn(): void {
    this.bargeIns++;
    this.queue = [];
    this.record('local', 'barge_in', this.speaking ? { seq: this.speaking.seq } : {});
    this.speaker.cancel();
  }

  // ---- helpers ----

  private event(name: Parameters<DeviceSession['sendEvent']>[0], value?: string | number): void {
    const cseq = this.session.sendEvent(name, value);
    this.record('out', name, value === undefined ? { cseq } : { cseq, detail: String(value) });
  }

  private statusNow(hearing: boolean): Status {
    switch (this.conn) {
      case 'connecting': return 'connecting';
      case 'reconnecting': return 'reconnecting';
      case 'stopped': return 'stopped';
      case 'connected':
        if (this.speaking) return 'speaking';
        if (hearing || this.gate.isOpen) return 'hearing';
        return this.view.micOk ? 'listening' : 'connected';
    }
  }

  private record(dir: LogEntry['dir'], kind: string, extra: Omit<LogEntry, 't' | 'dir' | 'kind'>): void {
    this.log.push({ t: Date.now() - this.t0, dir, kind, ...extra });
    if (this.log.length > 5000) this.log.splice(0, 1000);
  }

  private update(patch: Partial<ViewState>): void {
    this.view = { ...this.view, ...patch };
    this.render(this.view);
  }
}
