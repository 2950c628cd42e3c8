import t from 'tap';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkLoopPhones, PHONES, REDUCED_LOOP_PHONES, resolveLoopPhones, DEFAULT_LOOP_PHONES } from '../rescore.ts';
import { DIGIT_WORDS } from '../grammar.ts';
import { AsrEngine } from '../engine.ts';

const modelDir = path.join(path.dirname(createRequire(import.meta.url).resolve('soundswallower')), 'model', 'en-us');

t.test('the reduced loop holds every phone of the ten digit words (the model dictionary)', async (t) => {
  const dict = readFileSync(path.join(modelDir, 'dict.txt'), 'utf8').split('\n');
  const reduced = new Set<string>(REDUCED_LOOP_PHONES);
  for (const w of DIGIT_WORDS) {
    const line = dict.find((l) => l.startsWith(`${w} `));
    t.ok(line, `${w} is in the dictionary`);
    const missing = line!.trim().split(/\s+/).slice(1).filter((p) => !reduced.has(p));
    t.same(missing, [], `every phone of "${w}" is in the loop`);
  }
  t.ok(REDUCED_LOOP_PHONES.every((p) => (PHONES as readonly string[]).includes(p)), 'only model phones');
  t.same(DEFAULT_LOOP_PHONES, REDUCED_LOOP_PHONES, 'reduced is the default');
});

t.test('loop phone options resolve, and bad ones are refused with ASR_BAD_OPTION', async (t) => {
  t.same(resolveLoopPhones('full'), [...PHONES]);
  t.same(resolveLoopPhones('reduced'), [...REDUCED_LOOP_PHONES]);
  t.same(resolveLoopPhones(undefined), [...DEFAULT_LOOP_PHONES]);
  t.same(resolveLoopPhones(['AA', 'AE', 'AH', 'B', 'D', 'F', 'K', 'S']), ['AA', 'AE', 'AH', 'B', 'D', 'F', 'K', 'S']);
  t.throws(() => checkLoopPhones(['AA', 'QQ', 'AH', 'B', 'D', 'F', 'K', 'S']), { code: 'ASR_BAD_OPTION', message: /QQ/ });
  t.throws(() => checkLoopPhones(['AA', 'AA', 'AH', 'B', 'D', 'F', 'K', 'S']), { code: 'ASR_BAD_OPTION', message: /repeat/ });
  t.throws(() => checkLoopPhones(['AA', 'AE']), { code: 'ASR_BAD_OPTION', message: /at least 8/ });
  await t.rejects(AsrEngine.load({ workers: 1, decodersPerWorker: 1, loopPhones: ['XX'] }), { code: 'ASR_BAD_OPTION' }, 'the engine refuses before it starts a worker');
});
