/**
 * AudioWorklet processor (runs on the audio rendering thread): mono-mixes the microphone input,
 * resamples it to 16 kHz PCM16 and posts 20 ms frames (640-byte ArrayBuffers, transferred) to the
 * page. Loaded with `audioWorklet.addModule()`; bundled separately by Vite (`?worker&url`).
 */
import { Resampler } from './resampler.ts';

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib.
declare const sampleRate: number;
declare function registerProcessor(name: string, ctor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor();
}

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler: Resampler;
  private mono = new Float32Array(128);
  private running = true;

  constructor() {
    super();
    this.resampler = new Resampler(sampleRate, (frame) => {
      const buf = frame.slice().buffer;
      this.port.postMessage(buf, [buf]);
    });
    this.port.onmessage = (ev: MessageEvent) => {
      if ((ev.data as { cmd?: unknown } | null)?.cmd === 'stop') this.running = false;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    if (!channels || channels.length === 0 || !channels[0]) return this.running;
    const n = channels[0].length;
    if (this.mono.length !== n) this.mono = new Float32Array(n);
    if (channels.length === 1) {
      this.mono.set(channels[0]);
    } else {
      this.mono.fill(0);
      for (const ch of channels) for (let i = 0; i < n; i++) this.mono[i]! += ch[i]! / channels.length;
    }
    this.resampler.push(this.mono);
    return this.running;
  }
}

registerProcessor('vm-capture', CaptureProcessor);
