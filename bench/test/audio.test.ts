import t from 'tap';
import { parseWav, resample, speechEnd, WavError } from '../audio/wav.ts';
import { FrameBank, FRAME_BYTES, FRAME_MS, rng, type RawClip } from '../audio/bank.ts';

function wav(samples: Int16Array, rate: number): Buffer {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write('RIFF', 0, 'latin1'); b.writeUInt32LE(36 + samples.length * 2, 4); b.write('WAVE', 8, 'latin1');
  b.write('fmt ', 12, 'latin1'); b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1'); b.writeUInt32LE(samples.length * 2, 40);
  samples.forEach((s, i) => b.writeInt16LE(s, 44 + i * 2));
  return b;
}

function tone(hz: number, rate: number, seconds: number, amp = 8000): Int16Array {
  return Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * i) / rate)));
}

t.test('parseWav reads PCM16 mono and rejects other files with a code', async (t) => {
  const s = tone(440, 8000, 0.1);
  const p = parseWav(wav(s, 8000));
  t.equal(p.sampleRate, 8000);
  t.same(Array.from(p.samples.subarray(0, 10)), Array.from(s.subarray(0, 10)));
  t.throws(() => parseWav(Buffer.from('not a wav file at all')), new WavError('WAV_NOT_RIFF', 'not a RIFF/WAVE file'));
  const bad = wav(s, 8000); bad.writeUInt16LE(8, 34);
  t.throws(() => parseWav(bad), { code: 'WAV_UNSUPPORTED' });
});

t.test('resample 8 → 16 kHz doubles the length and keeps a 440 Hz tone', async (t) => {
  const s = tone(440, 8000, 1);
  const r = resample(s, 8000, 16000);
  t.equal(r.length, 16000);
  // zero crossings per second stay ≈ 2 × 440 (ignore the edges)
  let z = 0;
  for (let i = 1000; i < 15000; i++) if ((r[i - 1]! < 0) !== (r[i]! < 0)) z++;
  t.ok(Math.abs(z / (14000 / 16000) - 880) < 10, `crossings/s ${z / (14000 / 16000)}`);
  // amplitude preserved within 10 %
  let peak = 0;
  for (let i = 1000; i < 15000; i++) peak = Math.max(peak, Math.abs(r[i]!));
  t.ok(peak > 7200 && peak < 8800, `peak ${peak}`);
});

t.test('speechEnd finds the end of the loud part', async (t) => {
  const s = new Int16Array(8000);
  s.set(tone(300, 8000, 0.5), 1000); // speech from 1000 to 5000
  const e = speechEnd(s, 8000);
  t.ok(e >= 5000 && e <= 5080, `end ${e}`);
});

t.test('frame bank: 640-byte views into one buffer; utterance playlists', async (t) => {
  const clips: RawClip[] = [];
  for (let d = 0; d < 10; d++) clips.push({ label: String(d), voice: 'a', pcm: tone(200 + d * 50, 8000, 0.3), sampleRate: 8000 });
  clips.push({ label: 'ready', voice: 'tts:x', pcm: tone(500, 16000, 0.4), sampleRate: 16000 });
  const bank = new FrameBank(clips);
  t.ok(bank.frames.every((f) => f.length === FRAME_BYTES && f.buffer === bank.data.buffer), 'every frame is a view of the bank');
  const u = bank.utterance('42', 'a', rng(7), 300, 800)!;
  t.ok(u);
  t.equal(u.preRollFrames, 300 / FRAME_MS);
  t.equal(u.frames.length - 1 - u.speechEndIndex, 800 / FRAME_MS, 'tail after the speech end');
  // pre-roll + two ~0.36 s clips + a 100–250 ms gap
  t.ok(u.speechMs >= 600 && u.speechMs <= 1100, `speech ${u.speechMs} ms`);
  t.equal(u.gapsMs.length, 1, 'one gap between two digits');
  t.ok(u.gapsMs[0]! >= 100 && u.gapsMs[0]! <= 260 && u.gapsMs[0]! % FRAME_MS === 0, `gap ${u.gapsMs[0]} ms, whole frames`);
  const w = bank.utterance('ready', 'a', rng(1))!;
  t.ok(w, 'a word in another voice falls back to a synthetic voice');
  t.equal(bank.utterance('hello', 'a', rng(1)), null, 'unknown words: null');
  const a = bank.utterance('7', 'a', rng(3))!;
  const b = bank.utterance('7', 'a', rng(3))!;
  t.same(Array.from(a.frames), Array.from(b.frames), 'seeded: reproducible');
});
