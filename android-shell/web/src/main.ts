/**
 * Entry point of the thin client: reads the device identity, builds the session, the speaker,
 * the voice gate and the microphone (browser or Android shell), and wires them to the
 * controller and the view. `window.__vm` exposes the turn log and counters for tests and support.
 */
import { androidBridge, decodeFrames } from './bridge.ts';
import { loadCredentials, loadOptions, resumeStore, saveCredentials } from './config.ts';
import { DeviceController } from './controller.ts';
import { DeviceSession } from './protocol/session.ts';
import { VoiceGate } from './audio/voice-gate.ts';
import { BrowserMic, type MicSource } from './audio/mic.ts';
import { AndroidSpeaker, SilentSpeaker, WebSpeechSpeaker, type Speaker } from './speech/speaker.ts';
import { checkForUpdate } from './update.ts';
import { View } from './ui/view.ts';
import './style.css';

declare const __APP_VERSION__: string;

const root = document.getElementById('app')!;
const bridge = androidBridge();
const opts = loadOptions(location, bridge !== null);
const creds = loadCredentials(location, localStorage, bridge);

if (!creds) {
  const view = new View(root, {
    answer() {}, keypad() {}, start() {}, install() {},
    provision(deviceId, token) { saveCredentials(localStorage, { deviceId, token }); location.reload(); },
  });
  view.showProvisioning();
} else {
  boot(creds);
}

function boot(c: { deviceId: string; token: string }): void {
  const info = bridge ? (JSON.parse(bridge.getInfo()) as { appVersion?: string; versionCode?: number; model?: string }) : {};
  const session = new DeviceSession({
    url: opts.wsUrl, deviceId: c.deviceId, token: c.token,
    appVersion: info.appVersion ? `android-${info.appVersion}` : `web-${__APP_VERSION__}`,
    model: (info.model ?? navigator.userAgent).slice(0, 100),
    store: resumeStore(localStorage),
  });
  const speaker: Speaker = bridge ? new AndroidSpeaker(bridge) : opts.tts && WebSpeechSpeaker.available() ? new WebSpeechSpeaker() : new SilentSpeaker();
  const gate = new VoiceGate({ enabled: opts.gate });
  let view: View | null = null;
  const controller = new DeviceController(session, speaker, gate, (v) => view?.render(v));
  let mic: MicSource | null = null;
  let started = false;

  view = new View(root, {
    answer: (text) => controller.answer(text),
    keypad: (key) => controller.keypad(key),
    install: (url) => bridge?.installUpdate(url),
    provision: () => {},
    start: () => { void start(); },
  });
  view.render(controller.state);

  async function start(): Promise<void> {
    if (started) return;
    started = true;
    view?.showStart(false);
    session.start();
    if (!opts.mic) { controller.micAvailable(false, 'disabled by mic=off'); return; }
    try {
      if (bridge) {
        bridge.startMic();
      } else {
        mic = new BrowserMic((f) => controller.micFrame(f), { processing: opts.audioProcessing });
        await mic.start();
      }
      controller.micAvailable(true);
    } catch (err) {
      controller.micAvailable(false, (err as Error).message);
    }
  }

  window.voicemanNative = {
    onMicFrames(b64) {
      const { frames, droppedBytes } = decodeFrames(b64);
      if (droppedBytes) console.warn('partial audio frame from the shell dropped', droppedBytes);
      for (const f of frames) controller.micFrame(f);
    },
    onMicError(message) { controller.micAvailable(false, message); },
    onTts(id, what) { if (speaker instanceof AndroidSpeaker) speaker.progress(id, what); },
    onKey(name) { controller.hardwareKey(name); },
    onBattery(percent) { controller.battery(percent); },
  };
  window.addEventListener('online', () => controller.setOffline(false));
  window.addEventListener('offline', () => controller.setOffline(true));
  window.addEventListener('keydown', (ev) => {
    if (/^[0-9]$/.test(ev.key)) controller.keypad(ev.key);
    else if (ev.key === 'Enter') controller.keypad('ok');
    else if (ev.key === 'Backspace') controller.keypad('clear');
  });

  window.__vm = {
    controller, session, gate, speaker: speaker.kind,
    stats: () => ({
      framesIn: gate.framesIn, framesGated: gate.framesOut, audioFramesSent: session.audioFramesSent,
      audioBytesSent: session.audioBytesSent, bargeIns: controller.bargeIns, framesDroppedWhileSpeaking: controller.framesDroppedWhileSpeaking,
      noiseFloorDb: gate.noiseFloorDb, micRate: mic?.inputRate ?? 0,
    }),
  };

  if (opts.autostart) void start(); else view.showStart(true);
  if (bridge && info.versionCode !== undefined) {
    checkForUpdate(new URL('.', location.href).toString(), info.versionCode)
      .then((u) => controller.offerUpdate(u ? { versionName: u.versionName, url: u.url } : null))
      .catch((err: unknown) => console.warn('update check failed', err));
  }
}

declare global {
  interface Window { __vm?: unknown }
}
