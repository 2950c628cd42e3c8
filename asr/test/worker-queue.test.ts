import t from 'tap';
import { WorkerInbox } from '../worker-queue.ts';
import type { ToWorker } from '../worker-protocol.ts';

const audio = (slot: number, n: number): ToWorker => ({ type: 'audio', utt: slot * 100, slot, pcm: new Float32Array([n]) });
const label = (m: ToWorker | undefined): string => (m ? `${m.type}${'slot' in m ? m.slot : ''}${m.type === 'audio' ? `.${m.pcm[0]}` : ''}` : 'none');

t.test('a slot with an end goes first, its own audio still before it; then pauses; then arrival order', async (t) => {
  const q = new WorkerInbox();
  q.push(audio(1, 1)); q.push(audio(2, 1)); q.push(audio(1, 2)); q.push(audio(3, 1));
  q.push({ type: 'pause', utt: 300, slot: 3, silence: 0 });
  q.push(audio(2, 2));
  q.push({ type: 'end', utt: 200, slot: 2, templates: null });
  q.push({ type: 'features', id: 7, pcm: new Float32Array(1), sampleRate: 16000 });
  t.equal(q.length, 8);
  const order: string[] = [];
  for (let m = q.take(); m; m = q.take()) order.push(label(m));
  t.same(order, ['audio2.1', 'audio2.2', 'end2', 'audio3.1', 'pause3', 'audio1.1', 'audio1.2', 'features']);
  t.equal(q.length, 0);
  t.equal(q.take(), undefined);
});

t.test('messages arriving while draining are ranked with the rest', async (t) => {
  const q = new WorkerInbox();
  q.push(audio(1, 1)); q.push(audio(1, 2)); q.push(audio(2, 1));
  t.equal(label(q.take()), 'audio1.1');
  q.push({ type: 'end', utt: 200, slot: 2, templates: null });
  t.equal(label(q.take()), 'audio2.1');
  t.equal(label(q.take()), 'end2');
  t.equal(label(q.take()), 'audio1.2');
});

t.test('the inbox reports the longest wait of what it handed out since it was last asked', async (t) => {
  const q = new WorkerInbox();
  t.equal(q.takeMaxWait(), 0, 'nothing handed out yet');
  q.push(audio(1, 1), 1000); q.push(audio(2, 1), 1100); q.push(audio(1, 2), 1150);
  q.take(1200); q.take(1400);
  t.equal(q.takeMaxWait(), 300, 'audio2.1 waited 300 ms');
  t.equal(q.takeMaxWait(), 0, 'reset once read');
  q.take(1160);
  t.equal(q.takeMaxWait(), 10);
});
