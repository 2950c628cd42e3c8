/**
 * Sign-on against the site's own records (real PostgreSQL, the simulator as WMS): the operator
 * roster that closes the spoken operator number, and the voice profile chosen before the PIN.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { setup, Picker } from './env.ts';
import type { DialogOutput, DialogRuntime } from '../index.ts';
import type { Expectation } from '../types.ts';

const profiles = (out: DialogOutput[]): (number | null)[] => out.flatMap((o) => (o.type === 'voiceProfile' ? [o.operatorId] : []));

async function picker(rt: DialogRuntime, site: Record<string, unknown>): Promise<Picker> {
  const s = await rt.startSession({ sessionId: randomUUID(), siteId: 'S1', deviceId: randomUUID() });
  s.setSite(site as never);
  const p = new Picker(s);
  p.out = await s.start();
  return p;
}

t.test('roster on: the spoken operator number may only be an active operator of the site', async (t) => {
  const env = await setup(t);
  const [a, b] = env.truthOperators;
  await env.db.pool.query(
    `INSERT INTO operators (site_id, external_id, name, active) VALUES ('S1', $1, 'A', true), ('S1', $2, 'B', true), ('S1', 'x9', 'not digits', true), ('S1', '777', 'gone', false)`,
    [a!.id, b!.id]);
  const p = await picker(env.rt, { signon: { operatorRoster: true, operatorLength: 0, pinLength: 0 } });
  const e = p.prompt?.expect as Extract<Expectation, { kind: 'freeDigits' }>;
  t.equal(e.kind, 'freeDigits');
  t.same([...(e.known ?? [])].sort(), [a!.id, b!.id].sort(), 'active operators with digit numbers only');

  // The number is known: its operator's voice is used for the PIN, before the PIN is checked.
  const { rows } = await env.db.pool.query<{ id: string }>('SELECT id FROM operators WHERE external_id = $1', [a!.id]);
  const out = await p.type(a!.id);
  t.same(profiles(out), [Number(rows[0]!.id)], 'voice profile of the operator said');
  t.equal(p.s.operatorId, null, 'not signed on yet');
  t.same(p.texts(), ['Say your PIN.']);

  // A wrong PIN forgets the profile again.
  const bad = await p.type('0000');
  t.same(profiles(bad), [null]);
  t.same(p.texts(), ['Wrong operator number or PIN.', 'Say your operator number.']);
  await p.signOn(a!.id, a!.pin);
  t.match(p.texts()[0], /^Welcome/);
});

t.test('roster off (default) or empty: any number; an unknown number gives no profile', async (t) => {
  const env = await setup(t);
  const op = env.truthOperators[0]!;
  const p = await Picker.start(env.rt);
  const e = p.prompt?.expect as Extract<Expectation, { kind: 'freeDigits' }>;
  t.equal(e.known, undefined, 'no site settings: no roster');
  const empty = await picker(env.rt, { signon: { operatorRoster: true } });
  t.equal((empty.prompt?.expect as { known?: string[] }).known, undefined, 'nobody on record yet: any number');
  t.same(profiles(await p.type(op.id)), [null], 'first sign-on: nobody on record, no templates');
  await p.type(op.pin);
  t.match(p.texts()[0], /^Welcome/);
  const q = await Picker.start(env.rt);
  const out = await q.type(op.id);
  t.equal(profiles(out)[0]! > 0, true, 'the second time the operator is on record');
});
