/**
 * The device walks out of Wi-Fi and back: the picker works a scripted assignment with the big
 * buttons and keypad; the connection is cut twice (once right after an answer was sent, once
 * with an answer pressed while offline); the page shows the offline banner, reconnects with
 * backoff, resumes the session, and every pick is confirmed exactly once.
 */
import t from 'tap';
import { mkdir, writeFile } from 'node:fs/promises';
import { ensureDeviceBuild } from './support/build.ts';
import { launchChromium } from './support/browser.ts';
import { e2eSkipReason, startE2EGateway } from './support/gateway.ts';
import { CuttableProxy } from './support/proxy.ts';
import { pickScript, type ScriptLog } from './support/pick-script.ts';
import { vmLog, waitForStatus } from './support/page.ts';
import { writeQuietWav } from './support/audio.ts';

const skip = e2eSkipReason();
if (skip) t.plan(0, `browser e2e skipped: ${skip}`);
else {
  await ensureDeviceBuild();
  await mkdir('artifacts/e2e', { recursive: true });
  const picks = [
    { location: 'aisle 3 slot 12', checkDigits: '47', quantity: 2 },
    { location: 'aisle 5 slot 2', checkDigits: '19', quantity: 1 },
    { location: 'aisle 9 slot 30', checkDigits: '83', quantity: 4 },
  ];
  const log: ScriptLog = { confirmations: new Map(), texts: [], done: false };
  const gw = await startE2EGateway({ env: { CONVERSATION: 'echo' }, gatewayOptions: { createConversation: pickScript(picks, log) } });
  const proxy = new CuttableProxy(gw.port);
  await proxy.listen();
  const browser = await launchChromium({ fakeAudio: await writeQuietWav('artifacts/e2e/quiet.wav', 5) });
  t.teardown(async () => { await browser.close(); await proxy.close(); await gw.stop(); });

  t.test('assignment by buttons survives two connection cuts', async (t) => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${proxy.port}/device/#d=${gw.device.deviceId}&t=${gw.device.token}`);
    await page.getByTestId('start').click();
    const prompt = page.getByTestId('prompt');
    await prompt.filter({ hasText: 'Say ready' }).waitFor();
    await page.locator('[data-answer="ready"]').click();

    // Pick 1: answer, then the connection drops at once (the answer may or may not have arrived).
    await prompt.filter({ hasText: 'aisle 3' }).waitFor();
    await page.locator('[data-key="4"]').click();
    await page.locator('[data-key="7"]').click();
    proxy.cut(2500);
    await page.getByTestId('offline').waitFor({ state: 'visible', timeout: 5000 });
    await page.screenshot({ path: 'artifacts/e2e/offline.png' });
    await prompt.filter({ hasText: 'Pick 2' }).waitFor({ timeout: 20000 });
    await page.getByTestId('offline').waitFor({ state: 'hidden', timeout: 20000 });
    t.pass('banner gone after the resume');
    await page.locator('[data-key="2"]').click();
    await page.locator('[data-key="ok"]').click();

    // Pick 2: the connection drops first, the picker answers while offline.
    await prompt.filter({ hasText: 'aisle 5' }).waitFor();
    proxy.cut(3000);
    await waitForStatus(page, ['reconnecting']);
    await page.locator('[data-key="1"]').click();
    await page.locator('[data-key="9"]').click();
    await prompt.filter({ hasText: 'Pick 1' }).waitFor({ timeout: 20000 });
    await page.locator('[data-key="1"]').click();
    await page.locator('[data-key="ok"]').click();

    // Pick 3, no trouble.
    await prompt.filter({ hasText: 'aisle 9' }).waitFor();
    await page.locator('[data-key="8"]').click();
    await page.locator('[data-key="3"]').click();
    await prompt.filter({ hasText: 'Pick 4' }).waitFor();
    await page.locator('[data-key="4"]').click();
    await page.locator('[data-key="ok"]').click();
    await prompt.filter({ hasText: 'Assignment complete' }).waitFor();
    await page.screenshot({ path: 'artifacts/e2e/resume-done.png' });

    t.ok(log.done, 'assignment completed');
    t.same([...log.confirmations.entries()].sort(), [[0, 1], [1, 1], [2, 1]], 'every pick confirmed exactly once');
    t.same(log.texts, ['ready', '47', '2', '19', '1', '83', '4'], 'no answer counted twice');
    const entries = await vmLog(page);
    const welcomes = entries.filter((e) => e.kind === 'welcome');
    t.equal(welcomes.length, 3, 'connected once, resumed twice');
    t.same(welcomes.slice(1).map((e) => e.detail), ['resumed', 'resumed']);
    t.ok(proxy.refused >= 1, `reconnect attempts were refused while cut (${proxy.refused})`);
    const rows = (await gw.pool.query<{ text: string }>("SELECT text FROM dialog_turns WHERE kind = 'text' ORDER BY seq")).rows;
    t.same(rows.map((r) => r.text), log.texts, 'the dialog log in PostgreSQL has each answer once');
    await writeFile('artifacts/e2e/resume-turns.json', JSON.stringify({ device: entries, db: rows }, null, 1));
    await page.close();
  });
}
