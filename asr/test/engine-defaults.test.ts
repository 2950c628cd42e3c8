import t from 'tap';
import path from 'node:path';
import { createRequire } from 'node:module';
import createModule from 'soundswallower';
import { decoderSettings, defaultWorkers } from '../engine.ts';
import { DEFAULT_TOPN } from '../options.ts';
import { createDecoder } from '../rescore.ts';

t.test('recogniser threads by default: every core on 1-2 cores, one left to the event loop from 3', async (t) => {
  t.equal(defaultWorkers(1), 1);
  t.equal(defaultWorkers(2), 2);
  t.equal(defaultWorkers(3), 2);
  t.equal(defaultWorkers(4), 3);
  t.equal(defaultWorkers(16), 15);
});

t.test('decoder settings: topn 2 unless set, decoderConfig over it, and SoundSwallower takes it', async (t) => {
  t.same(decoderSettings({}), { topn: DEFAULT_TOPN });
  t.equal(DEFAULT_TOPN, 2);
  t.same(decoderSettings({ topn: 4 }), { topn: 4 });
  t.same(decoderSettings({ topn: 3, decoderConfig: { topn: 1, beam: 1e-30 } }), { topn: 1, beam: 1e-30 });
  const modelBase = `${path.join(path.dirname(createRequire(import.meta.url).resolve('soundswallower')), 'model')}/`;
  const ss = await createModule({ modelBase } as Parameters<typeof createModule>[0]);
  const dec = await createDecoder(ss, { hmm: path.join(modelBase, 'en-us'), loglevel: 'FATAL', samprate: 16000, ...decoderSettings({}) });
  t.equal(dec.get_config('topn'), 2, 'the decoder runs with it');
  dec.delete();
});
