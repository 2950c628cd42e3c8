/** Per-site process settings reach running sessions: confidence bands, endpointing, no-input. */
import t, { type Test } from 'tap';
import { sessionSettings, siteScope, toDialogConfidence } from '../site-settings.ts';
import { DEFAULT_ENDPOINT } from '../../asr/index.ts';
import { addDevice, startTestGateway, TestDevice } from './helpers.ts';

const bands = { reject: 0.3, accept: 0.7 };

/** A dialog gateway whose site S1 has these process settings, and a device connected to it. */
async function deviceAtSite(t: Test, rows: [key: string, type: string, json: string][], env: Record<string, string> = {}): Promise<TestDevice> {
  const g = await startTestGateway({ CONVERSATION: 'dialog', SPEECH: 'false', WMS_SIMULATOR: 'on', DEMO: 'false', ...env });
  t.teardown(() => g.stop());
  for (const [key, type, json] of rows) {
    await g.db.pool.query("INSERT INTO process_settings (site_id, key, value_type, value) VALUES ('S1', $1, $2, $3)", [key, type, json]);
  }
  const dev = await addDevice(g);
  const d = await TestDevice.open(g.wsUrl);
  t.teardown(() => d.close());
  d.hello(dev);
  return d;
}

t.test('site thresholds decide the dialog band of a confidence', async (t) => {
  const none = sessionSettings(new Map());
  for (const c of [0, 0.2, 0.5, 0.9]) t.equal(toDialogConfidence(c, none, bands), c, 'identity when the site sets nothing');
  const s = sessionSettings(new Map<string, unknown>([['asr.minConfidence', 0.6], ['asr.confirmBelowConfidence', 0.85]]));
  t.ok(toDialogConfidence(0.55, s, bands) < bands.reject, 'below the site minimum: rejected');
  const mid = toDialogConfidence(0.8, s, bands);
  t.ok(mid >= bands.reject && mid < bands.accept, 'between: confirmed');
  t.ok(toDialogConfidence(0.9, s, bands) >= bands.accept, 'above: accepted');
  const onlyLow = sessionSettings(new Map<string, unknown>([['asr.minConfidence', 0.2]]));
  t.ok(toDialogConfidence(0.25, onlyLow, bands) >= bands.reject, 'a lower site minimum lets the dialog confirm instead of reject');
  t.equal(toDialogConfidence(0.95, onlyLow, bands), 0.95);
  t.same(sessionSettings(new Map<string, unknown>([['asr.endSilenceMs', 400], ['asr.earlyEndSilenceMs', 250], ['asr.knownEndSilenceMs', 120], ['asr.maxSpeechMs', 5000], ['asr.noInputTimeoutMs', 2000]])),
    { endpoint: { trailingSilenceMs: 400, earlyEndSilenceMs: 250, knownEndSilenceMs: 120, maxUtteranceMs: 5000 }, noInputMs: 2000 });
});

t.test("a site's no-input timeout applies to its sessions", async (t) => {
  const d = await deviceAtSite(t, [['asr.noInputTimeoutMs', 'int', '1000']], { NO_INPUT_MS: '600000' });
  const first = await d.waitFor('prompt');
  const again = await d.waitFor('prompt', (p) => p.seq > first.seq, 5000);
  t.equal(again.node, first.node, 'the picker said nothing: the same question again (no-input)');
});

t.test('flows see every catalogued setting as site.<group>.<name>, the site value over the default', async (t) => {
  const scope = siteScope(new Map<string, unknown>([['signon.pinLength', 4]]));
  t.match(scope, { signon: { pinLength: 4, operatorLength: 0 }, dialog: { bargeIn: true }, asr: { endSilenceMs: DEFAULT_ENDPOINT.trailingSilenceMs, earlyEndSilenceMs: DEFAULT_ENDPOINT.earlyEndSilenceMs, knownEndSilenceMs: DEFAULT_ENDPOINT.knownEndSilenceMs } },
    'the endpointing defaults shown are the recogniser\'s own');
});

t.test("a site's sign-on lengths reach the flow and the device's expectation", async (t) => {
  const d = await deviceAtSite(t, [['signon.operatorLength', 'int', '3'], ['signon.pinLength', 'int', '4']]);
  const first = await d.waitFor('prompt');
  t.same(first.expect, { kind: 'freeDigits', minLength: 3, maxLength: 3, commands: first.expect?.commands }, 'operator number: exactly 3 digits');
});

t.test("a site's language and barge-in apply to its new sessions", async (t) => {
  const d = await deviceAtSite(t, [['dialog.defaultLanguage', 'string', '"ru"'], ['dialog.bargeIn', 'bool', 'false']]);
  const s = await d.waitFor('settings');
  t.equal(s.settings.language, 'ru', "the device's voice switches to the site's language");
  const first = await d.waitFor('prompt');
  t.equal(first.language, 'ru');
  t.equal(first.text, 'Назовите ваш номер оператора.');
  t.equal(first.bargeIn, false, 'no barge-in at this site');
});

t.test('speech the device heard and the recogniser did not gets a reprompt soon, not silence', async (t) => {
  // No recogniser here (SPEECH false): the device's gate opens and closes on speech nobody hears.
  const d = await deviceAtSite(t, [], { NO_INPUT_MS: '600000' });
  const first = await d.waitFor('prompt');
  d.send({ type: 'event', cseq: 1, name: 'tts_started' });
  d.send({ type: 'event', cseq: 2, name: 'speech_start' });
  d.send({ type: 'event', cseq: 3, name: 'speech_end' });
  // a late tts_finished (the prompt barged in) must not trade the short wait for the long one
  d.send({ type: 'event', cseq: 4, name: 'tts_finished' });
  const t0 = Date.now();
  const again = await d.waitFor('prompt', (p) => p.seq > first.seq, 6000);
  t.equal(again.node, first.node, 'the same question again (a no-input)');
  t.ok(Date.now() - t0 < 4000, `within ${Date.now() - t0} ms, not the site's 10-minute no-input`);
});

t.test('an open gate keeps the no-input away until it closes', async (t) => {
  const d = await deviceAtSite(t, [['asr.noInputTimeoutMs', 'int', '1500']]);
  const first = await d.waitFor('prompt');
  d.send({ type: 'event', cseq: 1, name: 'tts_finished' });
  d.send({ type: 'event', cseq: 2, name: 'speech_start' });
  await t.rejects(d.waitFor('prompt', (p) => p.seq > first.seq, 2500), 'no reprompt while the picker speaks');
});
