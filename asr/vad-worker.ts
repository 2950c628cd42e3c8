/**
 * Silero VAD worker: one ONNX session, per-stream state ([2,128] + 64 samples of context) kept
 * preallocated by stream slot; each request is one batch of 512-sample windows of many streams.
 * onnxruntime-node runs inference synchronously, so it lives here and not on the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { nameThread } from './thread-cpu.ts';

export const WINDOW = 512;
const CTX = 64;
export type VadIn = { type: 'batch'; id: number; slots: Int32Array; windows: Float32Array } | { type: 'reset'; slot: number };
export type VadOut = { type: 'ready' } | { type: 'probs'; id: number; probs: Float32Array; ms: number } | { type: 'error'; id?: number; message: string };

const { modelPath, maxStreams } = workerData as { modelPath: string; maxStreams: number };
const port = parentPort!;
nameThread('vm-vad');
const state = new Float32Array(maxStreams * 256);
const context = new Float32Array(maxStreams * CTX);
const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]));
let session: ort.InferenceSession;

async function run(m: Extract<VadIn, { type: 'batch' }>): Promise<void> {
  const t0 = performance.now();
  const B = m.slots.length;
  const input = new Float32Array(B * (CTX + WINDOW));
  const st = new Float32Array(2 * B * 128);
  for (let b = 0; b < B; b++) {
    const s = m.slots[b]!;
    input.set(context.subarray(s * CTX, s * CTX + CTX), b * (CTX + WINDOW));
    input.set(m.windows.subarray(b * WINDOW, (b + 1) * WINDOW), b * (CTX + WINDOW) + CTX);
    // state layout [2, B, 128]
    st.set(state.subarray(s * 256, s * 256 + 128), b * 128);
    st.set(state.subarray(s * 256 + 128, s * 256 + 256), (B + b) * 128);
  }
  const out = await session.run({
    input: new ort.Tensor('float32', input, [B, CTX + WINDOW]),
    state: new ort.Tensor('float32', st, [2, B, 128]),
    sr,
  });
  const probs = Float32Array.from(out.output!.data as Float32Array);
  const ns = out.stateN!.data as Float32Array;
  for (let b = 0; b < B; b++) {
    const s = m.slots[b]!;
    state.set(ns.subarray(b * 128, b * 128 + 128), s * 256);
    state.set(ns.subarray((B + b) * 128, (B + b) * 128 + 128), s * 256 + 128);
    context.set(m.windows.subarray((b + 1) * WINDOW - CTX, (b + 1) * WINDOW), s * CTX);
  }
  port.postMessage({ type: 'probs', id: m.id, probs, ms: performance.now() - t0 } satisfies VadOut, [probs.buffer]);
}

port.on('message', (m: VadIn) => {
  if (m.type === 'reset') {
    state.fill(0, m.slot * 256, m.slot * 256 + 256);
    context.fill(0, m.slot * CTX, m.slot * CTX + CTX);
    return;
  }
  run(m).catch((err: Error) => port.postMessage({ type: 'error', id: m.id, message: err.message } satisfies VadOut));
});

ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' })
  .then((s) => { session = s; port.postMessage({ type: 'ready' } satisfies VadOut); })
  .catch((err: Error) => port.postMessage({ type: 'error', message: `cannot load Silero VAD: ${err.message}` } satisfies VadOut));
