/**
 * The JavaScript bridge to the Android shell (android-shell/app). The shell injects
 * `window.VoicemanAndroid` (WebView.addJavascriptInterface: primitive arguments only) and calls
 * back into `window.voicemanNative` with evaluateJavascript. Every decision stays in TypeScript;
 * the native side only captures audio, speaks, reports keys and battery, and installs updates.
 */

/** Methods the shell exposes (see app/src/main/java/.../WebBridge.java). */
export interface AndroidBridge {
  /** JSON: {"appVersion": "1.0.0", "versionCode": 1, "model": "...", "sdk": 29} */
  getInfo(): string;
  /** JSON {"deviceId","token","gatewayUrl"} from the QR code / deep link, or "" when not provisioned. */
  getProvisioning(): string;
  /** Starts AudioRecord (VOICE_RECOGNITION, 16 kHz mono PCM16); frames arrive on onMicFrames. */
  startMic(): void;
  stopMic(): void;
  /** TextToSpeech: language "en"/"ru", rate 0.5–2, volume 0.1–1; progress arrives on onTts. */
  speak(id: string, text: string, language: string, rate: number, volume: number): void;
  stopSpeaking(): void;
  /** Downloads the APK at url and asks the picker to install it. */
  installUpdate(url: string): void;
}

/** Callbacks the shell invokes. */
export interface NativeCallbacks {
  /** base64 of one or more 640-byte PCM16 frames. */
  onMicFrames(base64: string): void;
  onMicError(message: string): void;
  onTts(id: string, what: 'start' | 'done' | 'stopped' | 'error'): void;
  /** A hardware or headset key: "headset", "headset_long", "ptt", "f1"… */
  onKey(name: string): void;
  onBattery(percent: number): void;
}

declare global {
  interface Window {
    VoicemanAndroid?: AndroidBridge;
    voicemanNative?: NativeCallbacks;
  }
}

export function androidBridge(): AndroidBridge | null {
  return typeof window !== 'undefined' && window.VoicemanAndroid ? window.VoicemanAndroid : null;
}

/** Decodes base64 PCM16 from the shell into 20 ms frames (a trailing partial frame is dropped and reported). */
export function decodeFrames(base64: string, frameBytes = 640): { frames: Int16Array[]; droppedBytes: number } {
  const bin = atob(base64);
  const whole = bin.length - (bin.length % frameBytes);
  const bytes = new Uint8Array(whole);
  for (let i = 0; i < whole; i++) bytes[i] = bin.charCodeAt(i);
  const frames: Int16Array[] = [];
  for (let off = 0; off < whole; off += frameBytes) frames.push(new Int16Array(bytes.buffer, off, frameBytes / 2));
  return { frames, droppedBytes: bin.length - whole };
}
