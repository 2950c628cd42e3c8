/**
 * The console in headless Chromium against the real gateway: sign in; a device connecting
 * appears on the live floor; its live dialog shows a new turn as soon as it is logged; history
 * search finds it; a device provisioned in the console authenticates a real device socket.
 * Screenshots: artifacts/console/*.png.
 */
import t from 'tap';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createTestDatabase, seedSite } from '../../db/testing.ts';
import { loadConfig } from '../../gateway/config/index.ts';
import { startGateway } from '../../gateway/app.ts';
import { provisionDevice } from '../../gateway/device/provision.ts';
import { addUserTo } from './users.ts';
import { browserSkipReason, ensureConsoleBuild, launchChromium } from './support.ts';

const SECRET = 'console-e2e-secret-0123456789-0123456789';
const ART = 'artifacts/console';

/** A device speaking protocol v1 over a real WebSocket. */
async function connectDevice(port: number, dev: { deviceId: string; token: string }): Promise<{ ws: WebSocket; msgs: any[]; welcome: any }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/device`);
  const msgs: any[] = [];
  ws.on('message', (d, bin) => { if (!bin) msgs.push(JSON.parse(d.toString())); });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  ws.send(JSON.stringify({ type: 'hello', v: 1, deviceId: dev.deviceId, token: dev.token, appVersion: 'e2e-1' }));
  const deadline = Date.now() + 5000;
  while (!msgs.some((m) => m.type === 'welcome' || m.type === 'error')) {
    if (Date.now() > deadline) throw new Error(`no welcome: ${JSON.stringify(msgs)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { ws, msgs, welcome: msgs.find((m) => m.type === 'welcome') };
}

const skip = await browserSkipReason();
if (skip) t.plan(0, `console browser tests skipped: ${skip}`);
else {
  await ensureConsoleBuild();
  await mkdir(ART, { recursive: true });
  const db = await createTestDatabase();
  await seedSite(db.pool, 'S1', 'North warehouse');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vm-console-e2e-'));
  const gw = await startGateway(loadConfig({
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent', SERVER_SECRET: SECRET, DEMO: 'false',
  }));
  await addUserTo(db.pool, 'boss', 'admin', ['S1'], 'correct horse battery');
  const dev = await provisionDevice(db.pool, SECRET, { siteId: 'S1', label: 'headset-01' });
  const chrome = await launchChromium();
  const page = await chrome.browser.newPage({ viewport: { width: 1400, height: 800 } });
  const device: { current?: Awaited<ReturnType<typeof connectDevice>> } = {};
  t.teardown(async () => { device.current?.ws.close(); await chrome.close(); await gw.close(); await db.drop(); });

  t.test('sign in', async (t) => {
    await page.goto(`${gw.url}/console/`);
    await page.fill('input[name=name]', 'boss');
    await page.fill('input[name=password]', 'wrong password');
    await page.click('button[type=submit]');
    await page.getByRole('alert').waitFor();
    t.match(await page.getByRole('alert').textContent(), /wrong/i);
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.locator('header.top').waitFor();
    t.match(await page.locator('.who').textContent(), /boss/);
    await page.locator('.live-dot.live').waitFor({ timeout: 5000 });
    await page.screenshot({ path: `${ART}/01-signed-in.png` });
  });

  t.test('a device connecting appears on the live floor within 1 s', async (t) => {
    device.current = await connectDevice(gw.port, dev);
    const sessionId = device.current.welcome.sessionId;
    const t0 = Date.now();
    await page.locator(`tr[data-session="${sessionId}"]`).waitFor({ timeout: 1000 });
    t.pass(`row visible ${Date.now() - t0} ms after the welcome`);
    t.match(await page.locator(`tr[data-session="${sessionId}"]`).textContent(), /headset-01/);
    await page.screenshot({ path: `${ART}/02-floor.png` });
  });

  t.test('its live dialog shows a new turn within 1 s of it being logged', async (t) => {
    const sessionId = device.current!.welcome.sessionId;
    await page.click(`tr[data-session="${sessionId}"] a`);
    await page.locator('.dialog').waitFor();
    device.current!.ws.send(JSON.stringify({ type: 'text', cseq: 1, text: 'four two seven' }));
    // wait until the turn is in the log, then give the console 1 s
    const deadline = Date.now() + 5000;
    let loggedAt = 0;
    while (Date.now() < deadline) {
      const r = await db.pool.query(`SELECT 1 FROM dialog_turns WHERE session_id = $1 AND text = 'four two seven'`, [sessionId]);
      if (r.rowCount) { loggedAt = Date.now(); break; }
      await new Promise((r) => setTimeout(r, 10));
    }
    t.ok(loggedAt, 'the answer was logged');
    await page.locator('.turn', { hasText: 'four two seven' }).first().waitFor({ timeout: 1000 });
    t.pass(`turn visible ${Date.now() - loggedAt} ms after it was logged`);
    await page.screenshot({ path: `${ART}/03-live-dialog.png` });
  });

  t.test('history search finds it', async (t) => {
    await page.goto(`${gw.url}/console/#/history`);
    await page.fill('input[name=text]', 'two seven');
    await page.click('form.filters button[type=submit]');
    await page.locator('table.history td', { hasText: 'four two seven' }).first().waitFor({ timeout: 5000 });
    t.pass('found');
    await page.screenshot({ path: `${ART}/04-history.png` });
  });

  t.test('a device provisioned in the console authenticates a real device socket', async (t) => {
    await page.goto(`${gw.url}/console/#/devices`);
    await page.fill('input[name=label]', 'headset-02');
    await page.click('form.inline button[type=submit]');
    await page.locator('.issued code.token').waitFor();
    const token = (await page.locator('.issued code.token').textContent())!.trim();
    const deviceId = (await page.locator('.issued code.device-id').textContent())!.trim();
    t.ok(await page.locator('.issued img.qr').isVisible(), 'QR code shown');
    await page.screenshot({ path: `${ART}/05-provisioned.png` });
    const d2 = await connectDevice(gw.port, { deviceId, token });
    t.ok(d2.welcome, 'welcome with the token from the page');
    d2.ws.close();
    const bad = await connectDevice(gw.port, { deviceId, token: `${token}x` });
    t.equal(bad.msgs[0].code, 'AUTH_FAILED', 'a wrong token is refused');
    bad.ws.close();
  });

  t.test('the UI speaks Russian', async (t) => {
    await page.goto(`${gw.url}/console/#/floor`);
    await page.selectOption('header select[aria-label="Language"]', 'ru');
    await page.getByText('Склад онлайн').first().waitFor();
    t.pass('Russian headings');
    await page.screenshot({ path: `${ART}/06-floor-ru.png` });
  });
}
