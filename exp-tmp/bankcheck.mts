import { loadDigitClips, FrameBank, rng, FRAME_SAMPLES } from '/work/main/bench/audio/bank.ts';
import { AsrEngine } from '/work/main/asr/index.ts';
import { recognise, CMDS } from '/work/main/asr/bench/evaluate.ts';
const dir = '/work/shared/speech/fsdd-dev';
const bank = new FrameBank(loadDigitClips(dir, { takes: Number(process.env.TAKES ?? 50) }));
const engine = await AsrEngine.load({ workers: 1, decodersPerWorker: 1 });
const rand = rng(3);
const speakers = ['george', 'jackson', 'lucas', 'yweweler'];
let ok = 0, n = 0;
for (let i = 0; i < 100; i++) {
  const spk = speakers[i % 4]!;
  const len = rand() < 0.8 ? 2 : 3;
  const said = Array.from({ length: len }, () => String(Math.floor(rand() * 10))).join('');
  const u = bank.utterance(said, spk, rand)!;
  const pcm = new Float32Array(u.frames.length * FRAME_SAMPLES);
  const view = new Int16Array(bank.data.buffer, bank.data.byteOffset, bank.data.length / 2);
  u.frames.forEach((f, k) => { for (let j = 0; j < FRAME_SAMPLES; j++) pcm[k * FRAME_SAMPLES + j] = view[f * FRAME_SAMPLES + j]! / 32768; });
  const r = await recognise(engine, pcm, { kind: 'digits', length: len, expected: said, commands: CMDS });
  n++; if (r?.status === 'match' && r.text === said) ok++;
  else if (process.env.SHOW) console.log(spk, said, r?.status === 'match' ? r.text : r?.status);
}
console.log('bank audio check accuracy', ok / n);
await engine.close();
