import t from 'tap';
import { createTestDatabase, seedSite } from '../../db/testing.ts';
import { PgTemplateStore } from '../../db/queries/templates.ts';

const db = await createTestDatabase();
t.teardown(() => db.drop());
const site = await seedSite(db.pool);
const { rows } = await db.pool.query<{ id: number }>(
  "INSERT INTO operators (site_id, external_id, name, language) VALUES ($1, 'op1', 'Olga', 'ru') RETURNING id", [site]);
const op = rows[0]!.id;
const store = new PgTemplateStore(db.pool);
const feat = (frames: number, v: number) => ({ frames, data: new Float32Array(frames * 26).fill(v) });

t.test('save, load, retrain one word, delete; versions increase', async (t) => {
  t.same(await store.load(op), { version: 0, takes: [] });
  t.equal(await store.saveWord(op, '1', [feat(30, 0.5), feat(32, 0.25)]), 1);
  t.equal(await store.saveWord(op, 'yes', [feat(40, 1)]), 2);
  let l = await store.load(op);
  t.equal(l.version, 2);
  t.equal(l.takes.length, 3);
  t.equal(l.takes.find((x) => x.token === '1' && x.take === 1)!.data[5], 0.25);
  t.equal(await store.saveWord(op, '1', [feat(20, 2)]), 3, 'retraining replaces the word');
  l = await store.load(op);
  t.same(l.takes.filter((x) => x.token === '1').map((x) => x.frames), [20]);
  t.same(await store.summary(op), [{ token: '1', takes: 1 }, { token: 'yes', takes: 1 }]);
  await store.deleteWords(op, 'yes');
  t.same((await store.load(op)).takes.map((x) => x.token), ['1']);
  await store.deleteWords(op);
  t.equal((await store.load(op)).takes.length, 0);
});

t.test('bad takes are refused before touching the database', async (t) => {
  await t.rejects(store.saveWord(op, '2', []), RangeError);
  await t.rejects(store.saveWord(op, '2', [{ frames: 3, data: new Float32Array(5) }]), RangeError);
});
