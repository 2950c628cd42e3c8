import t from 'tap';
import fc from 'fast-check';
import { Resampler, FRAME_SAMPLES } from '../src/audio/resampler.ts';
import { VoiceGate, frameDbfs } from '../src/audio/voice-gate.ts';

function sine(rate: number, hz: number, seconds: number, amp = 0.5): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

function run(rate: number, input: Float32Array, block = 128): Int16Array {
  const frames: Int16Array[] = [];
  const r = new Resampler(rate, (f) => frames.push(f.slice()));
  for (let i = 0; i < input.length; i += block) r.push(input.subarray(i, i + block));
  const out = new Int16Array(frames.length * FRAME_SAMPLES);
  frames.forEach((f, i) => out.set(f, i * FRAME_SAMPLES));
  return out;
}

/** Frequency by zero crossings. */
function freq(x: Int16Array, rate: number): number {
  let z = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1]! < 0) !== (x[i]! < 0)) z++;
  return (z / 2) * (rate / x.length);
}

t.test('resampler: 48 kHz and 44.1 kHz to 16 kHz keep the pitch and the length', async (t) => {
  for (const rate of [48000, 44100, 16000, 8000]) {
    const out = run(rate, sine(rate, 440, 1));
    t.ok(Math.abs(out.length - 16000) <= FRAME_SAMPLES, `${rate}: ${out.length} samples for 1 s`);
    t.ok(Math.abs(freq(out.subarray(400), 16000) - 440) < 6, `${rate}: 440 Hz stays 440 Hz`);
  }
});

t.test('resampler: content above 8 kHz is filtered out (no aliasing)', async (t) => {
  const loud = run(48000, sine(48000, 1000, 0.5));
  const alias = run(48000, sine(48000, 12000, 0.5)); // would fold to 4 kHz without the low-pass
  t.ok(frameDbfs(alias.subarray(320)) < frameDbfs(loud.subarray(320)) - 20, 'a 12 kHz tone is at least 20 dB down');
});

t.test('resampler: any block sizes give the same output', async (t) => {
  const x = sine(48000, 300, 0.3);
  const ref = run(48000, x, 128);
  fc.assert(fc.property(fc.integer({ min: 1, max: 700 }), (block) => {
    const out = run(48000, x, block);
    return out.length === ref.length && out.every((v, i) => Math.abs(v - ref[i]!) <= 1);
  }), { numRuns: 30 });
});

const frame = (amp: number): Int16Array => {
  const f = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < f.length; i++) f[i] = Math.round(amp * Math.sin(i / 3) + ((i * 7919) % 21) - 10);
  return f;
};

t.test('voice gate: silence is not sent; speech goes with pre-roll and hangover', async (t) => {
  const g = new VoiceGate({ preRollFrames: 10, hangoverFrames: 20, attackFrames: 2 });
  let sent = 0;
  let starts = 0;
  let ends = 0;
  const feed = (f: Int16Array, n: number): void => {
    for (let i = 0; i < n; i++) { const r = g.push(f); sent += r.frames.length; if (r.speechStart) starts++; if (r.speechEnd) ends++; }
  };
  feed(frame(0), 100); // 2 s of quiet room
  t.equal(sent, 0, 'no frames during silence');
  feed(frame(8000), 30); // 0.6 s of speech
  t.equal(starts, 1);
  t.equal(sent, 10 + 2 + 28, 'pre-roll (10) + attack (2) + the rest of the speech');
  feed(frame(0), 100);
  t.equal(ends, 1);
  t.equal(sent, 40 + 20, 'hangover frames follow the speech, then nothing');
});

t.test('voice gate disabled sends every frame but still reports speech', async (t) => {
  const g = new VoiceGate({ enabled: false });
  let sent = 0;
  let starts = 0;
  for (let i = 0; i < 50; i++) sent += g.push(frame(0)).frames.length;
  for (let i = 0; i < 20; i++) { const r = g.push(frame(8000)); sent += r.frames.length; if (r.speechStart) starts++; }
  t.equal(sent, 70);
  t.equal(starts, 1);
});

t.test('voice gate adapts to a noisy background', async (t) => {
  const g = new VoiceGate();
  let starts = 0;
  for (let i = 0; i < 300; i++) if (g.push(frame(600)).speechStart) starts++; // steady fan noise ≈ -38 dBFS
  t.ok(starts <= 1, `steady noise does not keep opening the gate (${starts})`);
  let speech = 0;
  for (let i = 0; i < 20; i++) if (g.push(frame(12000)).speechStart) speech++;
  t.equal(speech, 1, 'speech over the noise opens it');
});
