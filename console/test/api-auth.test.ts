import t from 'tap';
import { addUser, ApiClient, consoleDatabase, startConsoleServer } from './helpers.ts';

const db = await consoleDatabase();
const server = await startConsoleServer(db, { CONSOLE_SIGNIN_MAX_FAILURES: '3' });
t.teardown(async () => { await server.close(); await db.drop(); });

await addUser(db, 'alice', 'admin', ['A']);
await addUser(db, 'vera', 'viewer', ['A']);

t.test('sign-in sets an HttpOnly SameSite cookie and /auth/me answers', async (t) => {
  const c = new ApiClient(server.url);
  t.equal((await c.get('/auth/me')).body.error.code, 'UNAUTHENTICATED');
  const r = await c.signIn('alice');
  t.equal(r.status, 200);
  const setCookie = r.headers.get('set-cookie')!;
  t.match(setCookie, /vm_console=.+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict/);
  t.notMatch(setCookie, /Secure/, 'not Secure over plain HTTP');
  t.equal(r.body.user.role, 'admin');
  t.same(r.body.sites.map((s: { id: string }) => s.id), ['A']);
  const me = await c.get('/auth/me');
  t.equal(me.status, 200);
  t.equal(me.body.user.name, 'alice');
  t.equal(me.body.csrfToken, c.csrf);
});

t.test('Secure cookie only via TLS or a trusted proxy', async (t) => {
  const c = new ApiClient(server.url);
  const r = await c.request('POST', '/auth/signin', { name: 'vera', password: 'correct horse battery' }, { 'x-forwarded-proto': 'https' });
  t.notMatch(r.headers.get('set-cookie')!, /Secure/, 'proxy not trusted by default');
  const trusted = await startConsoleServer(db, { CONSOLE_TRUST_PROXY: 'true' });
  t.teardown(() => trusted.close());
  const c2 = new ApiClient(trusted.url);
  const r2 = await c2.request('POST', '/auth/signin', { name: 'vera', password: 'correct horse battery' }, { 'x-forwarded-proto': 'https' });
  t.match(r2.headers.get('set-cookie')!, /; Secure;/);
});

t.test('validation and malformed requests get stable codes', async (t) => {
  const c = new ApiClient(server.url);
  const r1 = await c.post('/auth/signin', { name: 'alice' });
  t.equal(r1.status, 400);
  t.equal(r1.body.error.code, 'VALIDATION_FAILED');
  t.ok(Array.isArray(r1.body.error.details));
  const r2 = await fetch(`${server.url}/api/v1/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
  t.equal(r2.status, 400);
  t.equal(((await r2.json()) as any).error.code, 'BAD_JSON');
  const r3 = await fetch(`${server.url}/api/v1/auth/signin`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
  t.equal(((await r3.json()) as any).error.code, 'UNSUPPORTED_MEDIA_TYPE');
  const r4 = await fetch(`${server.url}/api/v1/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(70000) });
  t.equal(r4.status, 413);
  t.equal(((await r4.json()) as any).error.code, 'PAYLOAD_TOO_LARGE');
  t.equal((await c.get('/nope')).body.error.code, 'NOT_FOUND');
  t.equal((await c.request('DELETE', '/auth/me')).body.error.code, 'METHOD_NOT_ALLOWED');
});

t.test('writes need the CSRF token; sign-out ends the session', async (t) => {
  const c = new ApiClient(server.url);
  await c.signIn('alice');
  const csrf = c.csrf;
  c.csrf = '';
  const r = await c.post('/sites', { id: 'X1', name: 'x' });
  t.equal(r.status, 403);
  t.equal(r.body.error.code, 'CSRF_FAILED');
  c.csrf = csrf;
  const foreign = await c.request('POST', '/sites', { id: 'X1', name: 'x' }, { origin: 'http://evil.example' });
  t.equal(foreign.body.error.code, 'CSRF_FAILED');
  const out = await c.post('/auth/signout');
  t.equal(out.status, 204);
  t.equal((await c.get('/auth/me')).status, 401);
});

t.test('bad credentials, then rate limit even with the right password', async (t) => {
  await addUser(db, 'bob', 'supervisor', ['A']);
  const c = new ApiClient(server.url);
  for (let i = 0; i < 3; i++) {
    const r = await c.signIn('bob', 'wrong password!');
    t.equal(r.status, 401);
    t.equal(r.body.error.code, 'BAD_CREDENTIALS');
  }
  const locked = await c.signIn('bob');
  t.equal(locked.status, 429);
  t.equal(locked.body.error.code, 'RATE_LIMITED');
  t.ok(locked.body.error.details.retryAfterS > 0);
  const other = await c.signIn('alice');
  t.equal(other.status, 200, 'other users at the same address can still sign in');
  for (let i = 0; i < 12; i++) await c.signIn(`nobody${i}`, 'whatever');
  t.equal((await c.signIn('alice')).status, 429, 'the address is locked after 5x the failures');
});
