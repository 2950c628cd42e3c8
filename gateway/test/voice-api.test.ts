/**
 * The voice-template API (/api/v1/sites/:siteId/operators/:id/voice) on a real gateway with the
 * recogniser running, over a fresh PostgreSQL database, with WAVs synthesised by flite: enroll,
 * list, retrain, delete, every error code, roles; and ASR_UNAVAILABLE on a gateway without speech.
 */
import t from 'tap';
import { createTestDatabase } from '../../db/testing.ts';
import { addUser, ApiClient } from '../../console/test/helpers.ts';
import { startTestGateway } from './helpers.ts';
import { synthWav, tone, wavFile } from './speech.ts';

const db = await createTestDatabase();
t.teardown(() => db.drop());
const g = await startTestGateway({ CONVERSATION: 'dialog', SPEECH: 'true', ASR_WORKERS: '1', WMS_SIMULATOR: 'on', DEMO: 'false' }, {}, db);
t.teardown(() => g.stop());
const base = `http://127.0.0.1:${g.gw.port}`;

await addUser(db, 'sam', 'supervisor', ['S1']);
await addUser(db, 'vic', 'viewer', ['S1']);
await addUser(db, 'otto', 'supervisor', ['S2']);
const sam = new ApiClient(base);
await sam.signIn('sam');
const vic = new ApiClient(base);
await vic.signIn('vic');

const b64 = (b: Buffer): string => b.toString('base64');
const seven = ['slt', 'kal', 'rms'].map((v) => b64(synthWav('seven', v)));
const sayAgain = ['slt', 'awb'].map((v) => b64(synthWav('say again', v)));
const del = (c: ApiClient, p: string): ReturnType<ApiClient['get']> => c.request('DELETE', p);

const created = await sam.post('/sites/S1/operators', { externalId: '4711', name: 'Vera', pin: '2468' });
const opId: number = created.body.operator.id;
const voice = `/sites/S1/operators/${opId}/voice`;
const templates = async (): Promise<Array<{ token: string; takes: number }>> => (await db.pool.query<{ token: string; takes: number }>(
  'SELECT token, count(*)::int AS takes FROM voice_templates WHERE operator_id = $1 GROUP BY token ORDER BY token', [opId])).rows;

t.test('enroll, list, retrain, delete', async (t) => {
  t.same((await vic.get(voice)).body, { words: [] }, 'nothing enrolled yet; a viewer may look');
  const r1 = await sam.put(`${voice}/seven`, { takes: seven });
  t.equal(r1.status, 200, JSON.stringify(r1.body));
  t.match(r1.body, { word: 'seven', takes: 3, version: Number });
  const r2 = await sam.put(`${voice}/${encodeURIComponent('Say again')}`, { takes: sayAgain });
  t.match(r2.body, { word: 'say again', takes: 2 });
  t.ok(r2.body.version > r1.body.version, 'the set version grows');
  t.same((await vic.get(voice)).body, { words: ['seven', 'say again'] });
  t.same(await templates(), [{ token: '7', takes: 3 }, { token: 'say again', takes: 2 }], 'stored under the recogniser\'s tokens, as the device enrollment does');

  const again = await sam.put(`${voice}/7`, { takes: [seven[1]!] });
  t.match(again.body, { word: 'seven', takes: 1 }, '"7" and "seven" are the same word');
  t.same(await templates(), [{ token: '7', takes: 1 }, { token: 'say again', takes: 2 }], 'retraining replaces the takes');

  t.equal((await del(sam, `${voice}/seven`)).status, 204);
  t.same((await sam.get(voice)).body, { words: ['say again'] });
  t.equal((await del(sam, `${voice}/seven`)).status, 204, 'deleting a word not enrolled is fine');
  await sam.put(`${voice}/ready`, { takes: seven.slice(0, 1) });
  t.equal((await del(sam, voice)).status, 204);
  t.same((await sam.get(voice)).body, { words: [] });
  t.same(await templates(), []);
});

t.test('words of one operator enrolled in parallel', async (t) => {
  const words = ['one', 'two', 'yes', 'sign off'];
  const rs = await Promise.all(words.map((w, i) => sam.put(`${voice}/${encodeURIComponent(w)}`, { takes: [seven[i % 3]!] })));
  t.same(rs.map((r) => r.status), [200, 200, 200, 200]);
  t.equal(new Set(rs.map((r) => r.body.version)).size, 4, 'one version per change');
  t.same((await sam.get(voice)).body, { words: ['one', 'two', 'sign off', 'yes'] });
  t.equal((await del(sam, voice)).status, 204);
});

t.test('changes are audited without audio', async (t) => {
  const r = await sam.get('/audit?siteId=S1&limit=20');
  const voiceEntries = r.body.items.filter((e: { action: string }) => e.action.startsWith('operator.voice_'));
  t.same(voiceEntries.map((e: { action: string }) => e.action).reverse(),
    ['operator.voice_enroll', 'operator.voice_enroll', 'operator.voice_enroll', 'operator.voice_delete', 'operator.voice_delete', 'operator.voice_enroll', 'operator.voice_delete',
      ...Array.from({ length: 4 }, () => 'operator.voice_enroll'), 'operator.voice_delete']);
  const first = voiceEntries.at(-1);
  t.match(first, { entity: 'operator', entityId: String(opId), userName: 'sam', before: { words: [] }, after: { word: 'seven', takes: 3, words: ['seven'] } });
  t.ok(JSON.stringify(r.body).length < 20000, 'no audio in the audit log');
  t.match(voiceEntries[0], { after: { all: true, words: [] } });
});

t.test('a 10-take body of 3 s at 48 kHz fits the voice body limit', async (t) => {
  const take = b64(wavFile(tone(3, 48000), 48000));
  const r = await sam.put(`${voice}/nine`, { takes: Array.from({ length: 10 }, () => take) });
  t.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
  t.equal(r.body.takes, 10);
  const big = await sam.put(`${voice}/nine`, { takes: Array.from({ length: 12 }, () => take) });
  t.equal(big.status, 413);
  t.equal(big.body.error.code, 'PAYLOAD_TOO_LARGE');
  const other = await sam.post('/sites/S1/operators', { externalId: 'x'.repeat(64), name: 'y'.repeat(70000) });
  t.equal(other.body.error.code, 'PAYLOAD_TOO_LARGE', 'other routes keep the small limit');
  await del(sam, voice);
});

t.test('bad audio is BAD_AUDIO with a reason', async (t) => {
  const put = async (takes: unknown): Promise<unknown> => {
    const r = await sam.put(`${voice}/seven`, { takes });
    return r.status === 400 ? [r.body.error.code, r.body.error.details] : [r.status, r.body];
  };
  const good = seven[0]!;
  t.same(await put([]), ['BAD_AUDIO', { reason: 'count' }]);
  t.same(await put(Array.from({ length: 11 }, () => good)), ['BAD_AUDIO', { reason: 'count' }], 'too many takes');
  t.same(await put([good, 'not base64!']), ['BAD_AUDIO', { take: 1, reason: 'base64' }]);
  t.same(await put([b64(Buffer.from('RIFF, but only in name'))]), ['BAD_AUDIO', { take: 0, reason: 'not_wav' }], 'malformed WAV');
  t.same(await put([b64(wavFile(tone(0.5, 16000), 16000, { channels: 2 }))]), ['BAD_AUDIO', { take: 0, reason: 'format' }], 'stereo');
  t.same(await put([b64(wavFile(tone(0.5, 16000), 16000, { bits: 8 }))]), ['BAD_AUDIO', { take: 0, reason: 'format' }], '8-bit');
  t.same(await put([b64(wavFile(tone(0.5, 96000), 96000))]), ['BAD_AUDIO', { take: 0, reason: 'rate' }]);
  t.same(await put([good, b64(wavFile(tone(3.5, 16000), 16000))]), ['BAD_AUDIO', { take: 1, reason: 'too_long' }]);
  t.same(await put([b64(wavFile(new Int16Array(16000), 16000))]), ['BAD_AUDIO', { take: 0, reason: 'silent' }]);
  t.same(await put([b64(wavFile(tone(0.05, 16000), 16000))]), ['BAD_AUDIO', { reason: 'rejected' }], 'under 100 ms of speech: the recogniser refuses it');
  t.same(await put('x'), ['VALIDATION_FAILED', [{ path: '/takes', message: 'must be array' }]]);
  const noBody = await sam.put(`${voice}/seven`);
  t.equal(noBody.body.error.code, 'VALIDATION_FAILED');
  t.same(await templates(), [], 'nothing stored by a refused request');
});

t.test('words, operators, roles, sites, CSRF', async (t) => {
  const code = async (p: Promise<{ body: { error?: { code: string } } | null; status: number }>): Promise<string | number> => {
    const r = await p;
    return r.body?.error?.code ?? r.status;
  };
  const body = { takes: [seven[0]] };
  t.equal(await code(sam.put(`${voice}/${encodeURIComponent('a/b')}`, body)), 'BAD_REQUEST', 'a word is letters and digits');
  t.equal(await code(sam.put(`${voice}/${encodeURIComponent('say  again')}`, body)), 'BAD_REQUEST');
  t.equal(await code(sam.put(`${voice}/${'x'.repeat(65)}`, body)), 'BAD_REQUEST');
  t.equal(await code(sam.put(`${voice}/${encodeURIComponent('один')}`, body)), 200, 'any script');
  t.equal(await code(sam.get('/sites/S1/operators/999999/voice')), 'NOT_FOUND');
  t.equal(await code(sam.get('/sites/S1/operators/abc/voice')), 'NOT_FOUND');
  t.equal(await code(sam.put('/sites/S1/operators/999999/voice/seven', body)), 'NOT_FOUND');
  t.equal(await code(del(sam, '/sites/S1/operators/999999/voice')), 'NOT_FOUND');
  const s2 = await db.pool.query<{ id: number }>("INSERT INTO operators (site_id, external_id, name) VALUES ('S2', '99', 'Other') RETURNING id");
  t.equal(await code(sam.get(`/sites/S1/operators/${s2.rows[0]!.id}/voice`)), 'NOT_FOUND', 'an operator of another site');
  t.equal(await code(sam.get(`/sites/S2/operators/${s2.rows[0]!.id}/voice`)), 'SITE_NOT_FOUND', 'not one of your sites');
  const otto = new ApiClient(base);
  await otto.signIn('otto');
  t.equal(await code(otto.get(voice)), 'SITE_NOT_FOUND');
  t.equal(await code(otto.put(`${voice}/seven`, body)), 'SITE_NOT_FOUND');
  t.equal(await code(vic.put(`${voice}/seven`, body)), 'FORBIDDEN', 'a viewer may not enroll');
  t.equal(await code(del(vic, voice)), 'FORBIDDEN');
  t.equal(await code(del(vic, `${voice}/seven`)), 'FORBIDDEN');
  t.equal(await code(new ApiClient(base).get(voice)), 'UNAUTHENTICATED');
  const csrf = sam.csrf;
  sam.csrf = '';
  t.equal(await code(sam.put(`${voice}/seven`, body)), 'CSRF_FAILED');
  t.equal(await code(del(sam, voice)), 'CSRF_FAILED');
  sam.csrf = csrf;
  t.equal(await code(sam.post(`${voice}/seven`, body)), 'METHOD_NOT_ALLOWED');
  t.same((await vic.get(voice)).body, { words: ['один'] });
  await del(sam, voice);
});

t.test('a gateway without speech recognition answers ASR_UNAVAILABLE', async (t) => {
  const echo = await startTestGateway({ CONVERSATION: 'echo' }, {}, db);
  t.teardown(() => echo.stop());
  const c = new ApiClient(`http://127.0.0.1:${echo.gw.port}`);
  await c.signIn('sam');
  for (const r of [await c.get(voice), await c.put(`${voice}/seven`, { takes: [seven[0]] }), await del(c, voice), await del(c, `${voice}/seven`)]) {
    t.equal(r.status, 503);
    t.equal(r.body.error.code, 'ASR_UNAVAILABLE');
  }
  t.equal((await c.get('/sites/S1/operators')).status, 200, 'the rest of the API works');
});
