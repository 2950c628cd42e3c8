import t from 'tap';
import { percentile, Samples, round } from '../stats.ts';
import { parseProm, sumOf, queueGauges } from '../prom.ts';
import { normAnswer } from '../counters.ts';

t.test('percentile interpolates like numpy', async (t) => {
  const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  t.equal(percentile(s, 50), 5.5);
  t.ok(Math.abs(percentile(s, 95) - 9.55) < 1e-9);
  t.equal(percentile(s, 0), 1);
  t.equal(percentile(s, 100), 10);
  t.equal(percentile([42], 95), 42);
  t.ok(Number.isNaN(percentile([], 50)));
});

t.test('Samples grows, sorts lazily and windows by time', async (t) => {
  const x = new Samples();
  for (let i = 0; i < 5000; i++) x.add(i % 100, i * 10);
  t.equal(x.count, 5000);
  t.equal(x.p(50), 49.5);
  t.equal(x.max(), 99);
  const w = x.windows(10000);
  t.equal(w.length, 5);
  t.equal(w[0]!.n, 1000);
  t.equal(round(NaN), null);
  t.equal(round(1.2345, 2), 1.23);
});

t.test('Prometheus text parsing', async (t) => {
  const text = [
    '# HELP voiceman_audio_frames_total Audio frames received',
    '# TYPE voiceman_audio_frames_total counter',
    'voiceman_audio_frames_total{node="a"} 1234',
    'nodejs_eventloop_lag_p99_seconds{node="a"} 0.012',
    'voiceman_turn_queue_depth{node="a"} 3',
    'asr_queue_depth{node="a",pool="vad"} 2',
    'voiceman_device_errors_total{node="a",code="BAD_JSON"} 2',
    'voiceman_device_errors_total{node="a",code="AUTH_FAILED"} 1',
    'garbage line',
  ].join('\n');
  const p = parseProm(text);
  t.equal(sumOf(p, 'voiceman_audio_frames_total'), 1234);
  t.equal(sumOf(p, 'voiceman_device_errors_total'), 3);
  t.equal(sumOf(p, 'voiceman_device_errors_total', { code: 'BAD_JSON' }), 2);
  t.equal(sumOf(p, 'missing'), undefined);
  const q = queueGauges(p);
  t.equal(q['voiceman_turn_queue_depth'], 3);
  t.equal(q['asr_queue_depth{pool=vad}'], 2);
  t.equal(q['nodejs_eventloop_lag_p99_seconds'], 0.012);
});

t.test('answers are compared normalised', async (t) => {
  t.equal(normAnswer(' 4 2 '), '42');
  t.equal(normAnswer('Say  Again'), 'say again');
});

t.test('turn stats: retries after a reprompt count in accuracy, not in first-attempt accuracy', async (t) => {
  const { TurnStats } = await import('../counters.ts');
  const ts = new TurnStats();
  const asked = { type: 'prompt' as const, seq: 1, text: 'Slot 11.', language: 'en' as const, bargeIn: true, expect: { kind: 'digits' as const, length: 2, commands: [] }, node: 'picking.checkDigits' };
  const turn = (recognized: string | null, retry: boolean, said = '51'): void => ts.turn({ at: 0, said, recognized, gapMs: 500, decisionMs: 10, reprompt: false, retry, interrupted: false, typed: false, picker: 0, asked, prompt: asked });
  turn('55', false); turn('55', true); turn('55', true); turn('51', true);
  turn('42', false, '47');
  t.equal(ts.accuracy(), 1 / 5, 'every answer counts: the hard string four times');
  t.equal(ts.accuracyFirst(), 0 / 2, 'first attempts: each string once');
  turn('42', false, '42'); turn(null, false, '42');
  t.same(ts.byNode.get('picking.checkDigits'), { n: 7, correct: 2, wrong: 4, nomatch: 1, first_n: 4, first_correct: 1 });
  t.match(ts.log[1], { retry: true }, 'turns.jsonl says which answers were retries');
  const n = ts.turns;
  ts.timeout({ at: 5, node: 'picking.checkDigits', said: '51', sources: ['5_x_1', '1_x_2'], typed: false });
  t.equal(ts.turns, n, 'a timeout is not a turn');
  t.match(ts.log.at(-1), { node: 'picking.checkDigits', said: '51', timeout: true }, 'but turns.jsonl shows it');
});

t.test('turn stats: an answer the server replied to before it was finished counts in accuracy, not in the gap', async (t) => {
  const { TurnStats } = await import('../counters.ts');
  const ts = new TurnStats();
  const asked = { type: 'prompt' as const, seq: 1, text: 'Slot 23.', language: 'en' as const, bargeIn: true, expect: { kind: 'digits' as const, length: 2, commands: [] }, node: 'picking.checkDigits' };
  const base = { at: 0, said: '99', reprompt: false, retry: false, typed: false, picker: 0, asked, prompt: asked };
  ts.turn({ ...base, recognized: '99', gapMs: 400, decisionMs: 20, interrupted: false });
  ts.turn({ ...base, recognized: '89', gapMs: NaN, decisionMs: NaN, interrupted: true, reprompt: true });
  t.equal(ts.accuracyFirst(), 1 / 2, 'the cut answer was heard wrong: it counts');
  t.equal(ts.interrupted, 1);
  t.equal(ts.reprompts, 1);
  t.equal(ts.gap.count, 1, 'only the finished answer is timed');
});
