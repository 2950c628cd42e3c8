/**
 * The thin client in headless Chromium against the real gateway in echo mode: provisioning via
 * the URL fragment, hello/welcome, the first prompt, a text answer echoed back, tts events and
 * acks logged by the gateway, the status line, and a device that is refused (4100) not retrying.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import { ensureDeviceBuild } from './support/build.ts';
import { launchChromium } from './support/browser.ts';
import { e2eSkipReason, startE2EGateway, type E2EGateway } from './support/gateway.ts';
import { vmLog, waitForStatus } from './support/page.ts';
import { writeQuietWav } from './support/audio.ts';

const skip = e2eSkipReason();
if (skip) t.plan(0, `browser e2e skipped: ${skip}`);
else {
  await ensureDeviceBuild();
  await mkdir('artifacts/e2e', { recursive: true });
  const gw: E2EGateway = await startE2EGateway({ env: { CONVERSATION: 'echo' } });
  // A quiet room: the default fake microphone beeps, which would (rightly) barge in.
  const browser = await launchChromium({ fakeAudio: await writeQuietWav('artifacts/e2e/quiet.wav', 5) });
  t.teardown(async () => { await browser.close(); await gw.stop(); });

  t.test('connects, speaks the first prompt, echoes a text answer', async (t) => {
    const page = await browser.newPage();
    await page.goto(`${gw.url}/device/#d=${gw.device.deviceId}&t=${gw.device.token}`);
    t.notMatch(page.url(), /t=/, 'the token is removed from the address bar');
    await page.getByTestId('start').click();
    await waitForStatus(page, ['listening', 'speaking', 'connected']);
    await page.getByTestId('prompt').filter({ hasText: 'Connected' }).waitFor();
    t.ok(await page.getByTestId('offline').isHidden(), 'no offline banner');
    await page.evaluate(() => (window as unknown as { __vm: { controller: { answer(s: string): void } } }).__vm.controller.answer('hello picker'));
    await page.getByTestId('prompt').filter({ hasText: 'hello picker' }).waitFor();
    await waitForStatus(page, ['listening']);
    const log = await vmLog(page);
    const kinds = log.map((e) => `${e.dir}:${e.kind}`);
    t.ok(kinds.includes('in:welcome') && kinds.includes('out:tts_started') && kinds.includes('out:tts_finished'), 'welcome and tts events');
    // The gateway logged the typed answer and the tts events as turns.
    const deadline = Date.now() + 5000;
    let rows: { kind: string; text: string | null }[] = [];
    while (Date.now() < deadline) {
      rows = (await gw.pool.query<{ kind: string; text: string | null }>('SELECT kind, text FROM dialog_turns ORDER BY seq')).rows;
      if (rows.some((r) => r.kind === 'text' && r.text === 'hello picker') && rows.filter((r) => r.kind === 'event').length >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    t.ok(rows.some((r) => r.kind === 'text' && r.text === 'hello picker'), 'text turn logged');
    t.ok(rows.some((r) => r.kind === 'event' && /^tts_started/.test(r.text ?? '')), 'tts_started logged');
    await page.screenshot({ path: 'artifacts/e2e/echo.png' });
    await page.close();
  });

  t.test('a refused device stops and says why (no reconnect loop)', async (t) => {
    const page = await browser.newPage();
    await page.goto(`${gw.url}/device/#d=${gw.device.deviceId}&t=wrong-token&mic=off`);
    await page.getByTestId('start').click();
    await waitForStatus(page, ['stopped']);
    t.match(await page.getByTestId('status').textContent(), /provision/i);
    await new Promise((r) => setTimeout(r, 1500));
    const log = await vmLog(page);
    t.equal(log.filter((e) => e.kind === 'conn_connecting' || e.kind === 'conn_reconnecting').length, 1, 'one attempt only');
    await page.close();
  });
}
