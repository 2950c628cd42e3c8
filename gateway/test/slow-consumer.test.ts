/**
 * Backpressure towards a device: when a write finds its socket backed up, the session stops writing
 * and waits for drain (its backlog bounded by the unacknowledged-message limit). A device that
 * stops reading (a frozen WebView, a dead radio that has not timed out) is closed with
 * SLOW_CONSUMER when the socket has not drained for SLOW_CONSUMER_MS; 4003 tells it to reconnect,
 * and its session resumes with the messages it had not acknowledged.
 */
import t from 'tap';
import { addDevice, startTestGateway, TestDevice } from './helpers.ts';

t.test('a device that stops reading is closed (SLOW_CONSUMER, counted) and resumes where it was', async (t) => {
  const g = await startTestGateway({ CONVERSATION: 'echo', MAX_BACKPRESSURE_BYTES: '65536', MAX_MESSAGES_PER_SECOND: '10000', SLOW_CONSUMER_MS: '1000' });
  t.teardown(() => g.stop());
  const dev = await addDevice(g);
  const d = await TestDevice.open(g.wsUrl);
  d.hello(dev);
  const welcome = await d.waitFor('welcome');
  await d.waitFor('prompt');

  // Stop reading; every text answer is echoed as a prompt (~300 bytes), so the kernel's buffers
  // fill and then the gateway's.
  d.ws.pause();
  const slowClosed = async (): Promise<boolean> =>
    /voiceman_device_errors_total\{code="SLOW_CONSUMER"[^}]*\} [1-9]/.test(await (await fetch(`${g.gw.url}/metrics`)).text());
  const text = 'x'.repeat(200);
  let cseq = 1;
  let closedBySlow = false;
  // ~10,000 answers/s for at most 30 s: loopback's kernel buffers (tens of MB) fill within seconds.
  for (let round = 0; round < 1000 && !(closedBySlow = await slowClosed()); round++) {
    for (let i = 0; i < 300; i++) d.send({ type: 'text', cseq: cseq++, text });
    await new Promise((r) => setTimeout(r, 30));
  }
  t.ok(closedBySlow, `closed as a slow consumer after ${cseq - 1} answers`);

  d.ws.resume();
  const { code } = await d.closed;
  t.ok(code === 4003 || code === 1006, `the device sees the close (${code}): 4003, or 1006 if the close frame is lost`);
  const lastSeq = Math.max(0, ...d.received.map((m) => ('seq' in m ? m.seq : 0)));

  // The device reconnects as told and resumes: the prompts it had not read come again.
  const b = await TestDevice.open(g.wsUrl);
  b.hello(dev, { resume: { sessionId: welcome.sessionId, lastSeq } });
  const w2 = await b.waitFor('welcome');
  t.equal(w2.resumed, true, 'same session');
  await new Promise((r) => setTimeout(r, 500));
  const before = d.received.filter((m) => m.type === 'prompt').map((m) => m.seq);
  const after = b.received.filter((m) => m.type === 'prompt').map((m) => m.seq);
  t.ok(before.every((q, i) => q === i + 1), `before the close: prompts 1…${before.at(-1)} in order`);
  t.equal(lastSeq, before.at(-1), 'the fatal error carries the seq of the last message written before it, not the newest queued');
  // The backlog keeps the newest 1000 unacknowledged messages: those not read come again, in order.
  const from = Math.max(lastSeq + 1, w2.seq - 999);
  t.ok(after.length > 0 && after.every((q, i) => q === from + i) && after.at(-1) === w2.seq,
    `replayed ${after[0]}…${after.at(-1)} (expected ${from}…${w2.seq})`);
  b.close();
});
