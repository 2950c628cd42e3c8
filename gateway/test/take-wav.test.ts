/** The WAV parser of voice-template takes (gateway/api/wav.ts) and the takes' decoding (routes/voice.ts). */
import t from 'tap';
import { parseTakeWav, type WavProblem } from '../api/wav.ts';
import { decodeTakes } from '../api/routes/voice.ts';
import { synthWav, tone, wavFile } from './speech.ts';

const problem = (buf: Buffer): WavProblem | 'ok' => {
  try { parseTakeWav(buf); return 'ok'; } catch (err) { return (err as { reason: WavProblem }).reason; }
};

t.test('reads what flite writes, at 16 and 8 kHz', async (t) => {
  const a = parseTakeWav(synthWav('seven', 'slt'));
  t.equal(a.sampleRate, 16000);
  t.ok(a.pcm.length > 8000 && a.pcm.length < 32000, `${a.pcm.length} samples`);
  t.equal(parseTakeWav(synthWav('ready', 'kal')).sampleRate, 8000);
});

t.test('samples, extensible format and extra chunks', async (t) => {
  const s = tone(0.5, 22050);
  const p = parseTakeWav(wavFile(s, 22050, { format: 0xfffe, extra: true }));
  t.equal(p.sampleRate, 22050);
  t.same(Array.from(p.pcm.subarray(0, 50)), Array.from(s.subarray(0, 50)));
  t.equal(problem(wavFile(tone(3, 48000), 48000)), 'ok', '3 s at 48 kHz is the most');
  t.equal(problem(wavFile(tone(0.5, 8000), 8000)), 'ok');
});

t.test('every other file is refused with a reason', async (t) => {
  t.equal(problem(Buffer.from('hello, not a wav at all')), 'not_wav');
  t.equal(problem(wavFile(tone(0.5, 16000), 16000).subarray(0, 30)), 'not_wav', 'truncated in the fmt chunk');
  t.equal(problem(wavFile(tone(0.5, 16000), 16000, { bits: 8 })), 'format');
  t.equal(problem(wavFile(tone(0.5, 16000), 16000, { channels: 2 })), 'format');
  t.equal(problem(wavFile(tone(0.5, 16000), 16000, { format: 3 })), 'format', 'float');
  t.equal(problem(wavFile(tone(0.5, 96000), 96000)), 'rate');
  t.equal(problem(wavFile(tone(0.5, 4000), 4000)), 'rate');
  t.equal(problem(wavFile(tone(3.02, 16000), 16000)), 'too_long');
  t.equal(problem(wavFile([], 16000)), 'empty');
  t.equal(problem(wavFile(new Int16Array(8000), 16000)), 'silent');
});

t.test('decodeTakes: base64, count, the failing take named', async (t) => {
  const good = wavFile(tone(0.5, 16000), 16000).toString('base64');
  t.equal(decodeTakes([good, good.replace(/(.{76})/g, '$1\n')]).length, 2, 'line-wrapped base64 is fine');
  const code = (list: string[]): unknown => { try { decodeTakes(list); return 'ok'; } catch (err) { return [(err as { code: string }).code, (err as { details: unknown }).details]; } };
  t.same(code([]), ['BAD_AUDIO', { reason: 'count' }]);
  t.same(code(Array.from({ length: 11 }, () => good)), ['BAD_AUDIO', { reason: 'count' }]);
  t.same(code([good, '!!not base64!!']), ['BAD_AUDIO', { take: 1, reason: 'base64' }]);
  t.same(code([good, '']), ['BAD_AUDIO', { take: 1, reason: 'base64' }]);
  t.same(code([Buffer.from('plain text').toString('base64')]), ['BAD_AUDIO', { take: 0, reason: 'not_wav' }]);
});
