import t from 'tap';
import { closeAction, parseServerMessage, PROTOCOL_VERSION } from '../src/protocol/types.ts';
import { Backoff } from '../src/protocol/backoff.ts';
import { shouldReconnect, CloseCode } from '../../../gateway/errors.ts';
import { PROTOCOL_VERSION as GW_VERSION } from '../../../gateway/protocol/messages.ts';

t.test('close-code rule agrees with the gateway catalogue', async (t) => {
  t.equal(PROTOCOL_VERSION, GW_VERSION);
  for (const code of [1000, 1006, ...Object.values(CloseCode), 4050, 4150, 4199]) {
    const a = closeAction(code);
    if (code === 1000) { t.equal(a.kind, 'stop'); continue; }
    t.equal(a.kind === 'reconnect', shouldReconnect(code), `code ${code}`);
  }
  t.match(closeAction(4002), { kind: 'reconnect', minDelayMs: 5000 });
  t.match(closeAction(4000), { kind: 'reconnect', immediate: true });
  t.match(closeAction(4100), { kind: 'stop', reason: 'auth' });
  t.match(closeAction(4104), { kind: 'stop', reason: 'replaced' });
});

t.test('server messages are parsed, never guessed', async (t) => {
  t.match(parseServerMessage('{"type":"prompt","seq":3,"text":"Go","language":"en","bargeIn":true,"expect":null}'), { ok: true });
  t.match(parseServerMessage('{"type":"settings","seq":4,"settings":{"ttsRate":1.2}}'), { ok: true });
  t.match(parseServerMessage('not json'), { ok: false, error: /bad JSON/ });
  t.match(parseServerMessage('[]'), { ok: false });
  t.match(parseServerMessage('{"type":"prompt","text":"no seq"}'), { ok: false, error: /seq/ });
  t.match(parseServerMessage('{"type":"nope","seq":1}'), { ok: false, error: /unknown type/ });
  t.match(parseServerMessage('{"type":"welcome","seq":0,"sessionId":"x","resumed":false,"lastCseq":0,"settings":{"language":"de"}}'), { ok: false });
});

t.test('backoff grows, is capped, honours a floor, resets', async (t) => {
  const b = new Backoff({ baseMs: 500, maxMs: 8000, random: () => 1 });
  const seq = [b.next(), b.next(), b.next(), b.next(), b.next(), b.next()];
  t.same(seq, [500, 1000, 2000, 4000, 8000, 8000]);
  b.reset();
  t.equal(b.next(5000), 5000, 'RATE_LIMITED floor');
  const lo = new Backoff({ baseMs: 1000, maxMs: 8000, random: () => 0 });
  t.equal(lo.next(), 500, 'jitter keeps at least half');
  const now = new Backoff({ baseMs: 1000, maxMs: 8000, random: () => 0.5 });
  t.ok(now.next(0, true) <= 250, 'server restart: reconnect at once (with jitter)');
});
