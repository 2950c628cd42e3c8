import t from 'tap';
import { defaultWorkers } from '../engine.ts';

t.test('recogniser threads by default: every core on 1-2 cores, one left to the event loop from 3', async (t) => {
  t.equal(defaultWorkers(1), 1);
  t.equal(defaultWorkers(2), 2);
  t.equal(defaultWorkers(3), 2);
  t.equal(defaultWorkers(4), 3);
  t.equal(defaultWorkers(16), 15);
});
