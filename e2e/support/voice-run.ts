/**
 * The spoken end-to-end run: a WMS simulator with ground truth, the real gateway with speech
 * recognition and the dialog, and headless Chromium whose fake microphone plays the answers to
 * the operator's sign-on and first assignment, assembled from real recordings with the pauses a
 * picker makes. Used by e2e/device-voice.test.ts (with and without a connection cut).
 */
import path from 'node:path';
import WebSocket from 'ws';
import type { Answer } from './answers.ts';
import type { Pool } from '../../db/index.ts';

export interface TruthLine { id: string; aisle: string; slot: string; checkDigits: string; qty: number }
export interface TruthAssignment { id: string; lines: TruthLine[]; drop: { name: string; checkDigits: string } }
export interface TruthOperator { id: string; pin: string; name: string; language: 'en' | 'ru' }

const say = (text: string): number => text.length / 14 + 0.6; // the silent speaker's pace, plus a margin

/**
 * What the picker says, and when: each answer waits for the prompts before it to be spoken and
 * for the recogniser; `cutAfter` (answer index) gets a long walk after it, for the connection cut.
 */
export function answersFor(op: TruthOperator, a: TruthAssignment, opts: { slack: number; walk: number; fixedSignon?: boolean; cutAfter?: number; cutGap?: number }): Answer[] {
  const s = opts.slack;
  const c = { commands: [] as string[] };
  // With `fixedSignon` the site sets the lengths (SIGNON_SETTINGS); else the flow's defaults, 1–10 and 4–8.
  const len = (n: number, min: number, max: number) => (opts.fixedSignon ? { minLength: n, maxLength: n } : { minLength: min, maxLength: max });
  const out: Answer[] = [{ say: op.id, after: 3 + say('Say your operator number.'), expect: { kind: 'freeDigits', ...len(op.id.length, 1, 10), ...c } }];
  out.push({ say: op.pin, after: s + say('Say your PIN.'), expect: { kind: 'freeDigits', ...len(op.pin.length, 4, 8), ...c } });
  let aisle = '';
  let prompts = `Welcome, ${op.name}. Assignment ${a.id.split('').join(' ')}, ${a.lines.length} lines.`;
  for (const l of a.lines) {
    if (l.aisle !== aisle) {
      out.push({ say: 'ready', after: s + say(prompts + ` Aisle ${l.aisle}.`), expect: { kind: 'ready', ...c } });
      aisle = l.aisle;
      prompts = '';
    }
    out.push({ say: l.checkDigits, after: s + opts.walk + say(prompts + `Slot ${l.slot}.`), expect: { kind: 'digits', length: l.checkDigits.length, expected: l.checkDigits, ...c } });
    out.push({ say: String(l.qty), after: s + say(`Pick ${l.qty}.`), expect: { kind: 'number', min: 0, max: 999, expected: l.qty, ...c } });
    prompts = '';
  }
  out.push({ say: a.drop.checkDigits, after: s + opts.walk + say(`Deliver to ${a.drop.name}.`), expect: { kind: 'digits', length: a.drop.checkDigits.length, expected: a.drop.checkDigits, ...c } });
  if (opts.cutAfter !== undefined && out[opts.cutAfter + 1]) out[opts.cutAfter + 1]!.after += opts.cutGap ?? 10;
  return out;
}

/**
 * The site's sign-on settings for the simulator's operators (3-digit numbers, 4-digit PINs): with
 * fixed lengths the recogniser cannot insert or drop a digit in these free answers, and with the
 * roster a spoken operator number can only be one of the site's operators.
 */
export const SIGNON_SETTINGS = { 'signon.operatorLength': 3, 'signon.pinLength': 4, 'signon.operatorRoster': true };

/** Puts the WMS's operators on the site's record (as an admin adds them); returns number → operators.id. */
export async function seedOperators(pool: Pool, siteId: string, ops: TruthOperator[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const o of ops) {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO operators (site_id, external_id, name, language) VALUES ($1, $2, $3, $4)
       ON CONFLICT (site_id, external_id) DO UPDATE SET name = EXCLUDED.name RETURNING id`, [siteId, o.id, o.name, o.language]);
    ids.set(o.id, Number(rows[0]!.id));
  }
  return ids;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/**
 * Whether the gateway runs the dialog (not the echo): the first prompt of a new session.
 * Uses its own short-lived connection of the given device.
 */
export async function firstPrompt(gatewayUrl: string, dev: { deviceId: string; token: string }): Promise<string> {
  const ws = new WebSocket(gatewayUrl.replace(/^http/, 'ws') + '/v1/device');
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no prompt within 10 s')), 10000);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, deviceId: dev.deviceId, token: dev.token, appVersion: 'e2e-probe' })));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const m = JSON.parse(data.toString()) as { type: string; text?: string };
        if (m.type === 'prompt') { clearTimeout(timer); resolve(m.text ?? ''); }
      });
      ws.on('error', (err) => { clearTimeout(timer); reject(err); });
    });
  } finally {
    ws.close();
  }
}

export const artefact = (name: string): string => path.resolve('artifacts', 'e2e', name);
