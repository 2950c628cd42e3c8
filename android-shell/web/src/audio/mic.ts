/**
 * Microphone sources. In a browser: getUserMedia → AudioWorklet (capture-worklet.ts) → 16 kHz
 * PCM16 20 ms frames. On Android: the shell's AudioRecord (VOICE_RECOGNITION, 16 kHz) delivers
 * the same frames through the JavaScript bridge (see bridge.ts). Both feed one callback.
 */
import workletUrl from './capture-worklet.ts?worker&url';
import { FRAME_SAMPLES } from './resampler.ts';

export type FrameSink = (frame: Int16Array) => void;

export interface MicSource {
  readonly kind: 'browser' | 'android';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Capture rate before resampling (for the status screen). */
  readonly inputRate: number;
}

export interface BrowserMicOptions {
  /** echoCancellation / noiseSuppression / autoGainControl of getUserMedia. */
  processing: boolean;
}

export class BrowserMic implements MicSource {
  readonly kind = 'browser' as const;
  private ctx: AudioContext | null = null;
  private stream: MediaStream | null = null;
  private node: AudioWorkletNode | null = null;
  inputRate = 0;

  constructor(private readonly sink: FrameSink, private readonly opts: BrowserMicOptions) {}

  async start(): Promise<void> {
    if (this.ctx) return;
    const p = this.opts.processing;
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: p, noiseSuppression: p, autoGainControl: p },
    });
    let ctx: AudioContext;
    try {
      ctx = new AudioContext({ sampleRate: 16000, latencyHint: 'interactive' });
    } catch (err) {
      // Older WebViews refuse a 16 kHz context: capture at the device rate and resample in the worklet.
      console.warn('16 kHz AudioContext refused, resampling in the worklet', err);
      ctx = new AudioContext({ latencyHint: 'interactive' });
    }
    this.ctx = ctx;
    this.inputRate = ctx.sampleRate;
    await ctx.audioWorklet.addModule(workletUrl);
    const src = ctx.createMediaStreamSource(this.stream);
    const node = new AudioWorkletNode(ctx, 'vm-capture', { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit' });
    node.port.onmessage = (ev: MessageEvent) => {
      const data: unknown = ev.data;
      if (data instanceof ArrayBuffer && data.byteLength === FRAME_SAMPLES * 2) this.sink(new Int16Array(data));
    };
    src.connect(node);
    this.node = node;
    if (ctx.state === 'suspended') await ctx.resume();
  }

  async stop(): Promise<void> {
    this.node?.port.postMessage({ cmd: 'stop' });
    this.node?.disconnect();
    this.node = null;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
    const ctx = this.ctx;
    this.ctx = null;
    if (ctx) await ctx.close();
  }
}
