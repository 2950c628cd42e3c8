/**
 * Benchmark (prints figures, asserts nothing): audio bytes a device sends for one realistic
 * answer sequence with the client voice gate on and off. Headless Chromium plays the same WAV
 * through its fake microphone into the real thin client, against a real gateway in echo mode.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx e2e/gate-bandwidth.ts
 */
import path from 'node:path';
import { ensureDeviceBuild } from './support/build.ts';
import { launchChromium } from './support/browser.ts';
import { startE2EGateway, e2eSkipReason } from './support/gateway.ts';
import { assembleTrack, toolsMissing } from './support/audio.ts';
import { piecesFor, SAMPLE_SESSION } from './support/answers.ts';
import { vmLog, vmStats } from './support/page.ts';

const why = e2eSkipReason() || toolsMissing();
if (why) { console.error(`cannot run: ${why}`); process.exit(2); }
await ensureDeviceBuild();
const track = await assembleTrack(path.resolve('artifacts/bench/session.wav'), piecesFor(SAMPLE_SESSION), path.resolve('artifacts/bench/work'));
const gw = await startE2EGateway({ env: { CONVERSATION: 'echo' } });
try {
  const rows: Record<string, number | string>[] = [];
  for (const gate of ['on', 'off']) {
    const browser = await launchChromium({ fakeAudio: track.file, loop: false });
    try {
      const page = await browser.newPage();
      await page.goto(`${gw.url}/device/#d=${gw.device.deviceId}&t=${gw.device.token}&gate=${gate}`);
      await page.getByTestId('start').click();
      await new Promise((r) => setTimeout(r, (track.seconds + 1.5) * 1000));
      const s = await vmStats(page);
      const log = await vmLog(page);
      rows.push({
        gate, seconds: Number(track.seconds.toFixed(1)), framesCaptured: s.framesIn ?? 0, framesSent: s.audioFramesSent ?? 0,
        audioKiB: Number(((s.audioBytesSent ?? 0) / 1024).toFixed(1)),
        kbitPerS: Number((((s.audioBytesSent ?? 0) * 8) / 1000 / track.seconds).toFixed(1)),
        speechStarts: log.filter((e) => e.kind === 'speech_start').length,
      });
      await page.close();
    } finally {
      await browser.close();
    }
  }
  console.table(rows);
  const on = rows[0]!, off = rows[1]!;
  const saved = 1 - Number(on.audioKiB) / Number(off.audioKiB);
  console.log(`answers spoken: ${SAMPLE_SESSION.length}; track ${track.seconds.toFixed(1)} s; gate saves ${(saved * 100).toFixed(1)} % of audio bytes`);
} finally {
  await gw.stop();
}
