import t from 'tap';
import fc from 'fast-check';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Spool, decodeLine, encodeState, encodeTurn } from '../spool.ts';
import type { TurnRecord } from '../turn.ts';

const turnArb: fc.Arbitrary<TurnRecord> = fc.record({
  sessionId: fc.uuid(),
  siteId: fc.string({ minLength: 1, maxLength: 10 }),
  seq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  at: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
  kind: fc.constantFrom('prompt', 'utterance', 'text', 'event', 'error'),
  text: fc.option(fc.string({ unit: 'binary', maxLength: 300 }), { nil: null }),
  hypothesis: fc.option(fc.string(), { nil: null }),
  confidence: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
  latencyMs: fc.option(fc.integer({ min: 0, max: 100000 }), { nil: null }),
  flowNode: fc.option(fc.string(), { nil: null }),
  operatorId: fc.option(fc.integer({ min: 1, max: 2 ** 40 }), { nil: null }),
});

t.test('a spooled turn decodes to the same turn, on one line', async (t) => {
  fc.assert(fc.property(turnArb, (turn) => {
    const line = encodeTurn(turn);
    if (line.includes('\n')) return false;
    const back = decodeLine(line);
    if (typeof back === 'string' || back.t !== 'turn') return false;
    t.same({ ...back.turn, confidence: back.turn.confidence === 0 ? 0 : back.turn.confidence }, { ...turn, confidence: turn.confidence === 0 ? 0 : turn.confidence });
    return back.turn.at.getTime() === turn.at.getTime();
  }), { numRuns: 300 });
});

t.test('state entries round-trip; bad lines say why', async (t) => {
  const e = decodeLine(encodeState({ sessionId: 's', lastSeq: 4, stateJson: '{"a":[1,"x\\ny"]}' }));
  t.same(e, { t: 'state', update: { sessionId: 's', lastSeq: 4, stateJson: '{"a":[1,"x\\ny"]}' } });
  t.match(decodeLine('{'), /not JSON/);
  t.match(decodeLine('[1]'), /not a JSON object/);
  t.match(decodeLine('{"t":"what"}'), /unknown entry type/);
  t.match(decodeLine('{"t":"turn","sessionId":"s"}'), /bad turn entry/);
  t.match(decodeLine('{"t":"turn","sessionId":"s","siteId":"S","seq":1,"at":"2026-01-01T00:00:00Z","kind":"shout","text":null}'), /bad turn entry/);
});

t.test('segments: rotate at the size limit, oldest first, found again after a restart', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vm-spool-unit-'));
  const spool = new Spool(dir, 200);
  await spool.open();
  t.equal(spool.hasData, false);
  const line = (n: number): string => encodeState({ sessionId: `s${n}`, lastSeq: n, stateJson: `{"n":${n}}` });
  for (let i = 0; i < 10; i++) await spool.append([line(i), line(i + 100)]);
  t.ok(spool.segments > 2, `rotated into ${spool.segments} segments`);
  await spool.close();
  const again = new Spool(dir, 200);
  await again.open();
  const seen: number[] = [];
  for (let f = await again.oldest(); f; f = await again.oldest()) {
    const { entries, bad } = await again.read(f);
    t.same(bad, []);
    for (const e of entries) if (e.t === 'state') seen.push(e.update.lastSeq);
    await again.remove(f);
  }
  t.same(seen, Array.from({ length: 10 }, (_, i) => [i, i + 100]).flat(), 'every line once, in append order');
  t.same(await readdir(dir), []);
  await writeFile(path.join(dir, 'unrelated.txt'), 'x');
  const third = new Spool(dir);
  await third.open();
  t.equal(third.hasData, false, 'other files are ignored');
});

t.test('sealing the active segment never hides it: segments and hasData stay true throughout', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vm-spool-unit-'));
  const spool = new Spool(dir);
  await spool.open();
  await spool.append([encodeState({ sessionId: 's1', lastSeq: 1, stateJson: '{}' })]);
  const pending = spool.oldest(); // seals the active segment; the file handle closes asynchronously
  t.equal(spool.segments, 1, 'counted while its file closes');
  t.equal(spool.hasData, true, 'has data while its file closes');
  const file = await pending;
  t.ok(file, 'the sealed segment is the oldest');
  await spool.remove(file!);
  t.equal(spool.segments, 0);
  t.equal(spool.hasData, false);
});
