/**
 * `--enroll`: before the measured run, each picker's operator gets voice templates through the
 * started gateway's console API (docs/api.md, "Voice templates"), signed in as the bench's admin:
 * - the operator row is created first (POST /sites/:siteId/operators with the WMS operator's
 *   number, name, language and PIN): templates belong to a row, and the keypad sign-on later finds
 *   it, checks the PIN with the WMS and keeps its id (dialog-engine/runtime/signon.ts);
 * - each digit from takes 0, 1 and 2 of the picker's FSDD speaker (ENROLL_TAKES: the run's
 *   answers never use them, loadAudio's `heldOut`), as the WAV files themselves;
 * - command words only when `words` names them (the CLI names none: the picker says one flite clip,
 *   the very clip a template would be made of), from the synthesised WAV the picker says.
 * Requests run in parallel, at most `concurrency` at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameBank } from './audio/bank.ts';
import { ttsFile } from './audio/tts.ts';
import type { SimOperatorTruth } from './picking.ts';

/** The takes of each digit and speaker that are enrolled, and so never said in the run. */
export const ENROLL_TAKES: readonly number[] = [0, 1, 2];
const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

export class EnrollError extends Error {
  constructor(readonly code: 'ENROLL_SIGNIN' | 'ENROLL_FAILED', message: string) { super(message); this.name = 'EnrollError'; }
}

export interface EnrollPicker { op: SimOperatorTruth; speaker: string }

export interface EnrollOptions {
  httpUrl: string;
  siteId: string;
  admin: { name: string; password: string };
  pickers: EnrollPicker[];
  /** FSDD folder (DIGIT_SPEAKER_TAKE.wav). */
  audioDir: string;
  /** The run's frame bank: which synthetic voice each picker says a word in. */
  bank: FrameBank;
  /** Command words the pickers say (SPOKEN_WORDS). */
  words: readonly string[];
  concurrency?: number;
}

export interface EnrollSummary { operators: number; words: number; takes: number; ms: number; missing: string[] }

interface Reply { status: number; body: any }

/** The console API as a browser uses it: session cookie, CSRF token on writes. */
class ConsoleApi {
  private constructor(private readonly base: string, private readonly cookie: string, private readonly csrf: string) {}

  static async signIn(httpUrl: string, admin: { name: string; password: string }): Promise<ConsoleApi> {
    const res = await fetch(`${httpUrl}/api/v1/auth/signin`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin), signal: AbortSignal.timeout(30000),
    });
    const body = await res.json().catch(() => null) as { csrfToken?: string } | null;
    const cookie = res.headers.get('set-cookie')?.split(';')[0];
    if (res.status !== 200 || !cookie || !body?.csrfToken) throw new EnrollError('ENROLL_SIGNIN', `console sign-in as ${admin.name} failed: HTTP ${res.status} ${JSON.stringify(body)}`);
    return new ConsoleApi(`${httpUrl}/api/v1`, cookie, body.csrfToken);
  }

  async call(method: string, p: string, body?: unknown): Promise<Reply> {
    const res = await fetch(`${this.base}${p}`, {
      method, signal: AbortSignal.timeout(60000),
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** The operator's id at the site: created, or found when it exists already. */
  async operator(siteId: string, op: SimOperatorTruth): Promise<number> {
    const r = await this.call('POST', `/sites/${siteId}/operators`, { externalId: op.id, name: op.name, language: op.language, pin: op.pin });
    if (r.status === 201) return r.body.operator.id as number;
    if (r.body?.error?.code === 'CONFLICT') {
      const list = await this.call('GET', `/sites/${siteId}/operators`);
      const found = (list.body?.items as Array<{ id: number; externalId: string }> | undefined)?.find((x) => x.externalId === op.id);
      if (found) return found.id;
    }
    throw new EnrollError('ENROLL_FAILED', `creating operator ${op.id} failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The words a picker is enrolled on and their WAV files (takes that exist; the others are reported). */
export function enrollPlan(p: EnrollPicker, o: Pick<EnrollOptions, 'audioDir' | 'bank' | 'words'>, missing: string[]): Array<{ word: string; files: string[] }> {
  const plan: Array<{ word: string; files: string[] }> = [];
  DIGIT_WORDS.forEach((word, d) => {
    const files = ENROLL_TAKES.map((t) => path.join(o.audioDir, `${d}_${p.speaker}_${t}.wav`)).filter((f) => existsSync(f));
    if (files.length) plan.push({ word, files }); else missing.push(`${d}_${p.speaker}_{${ENROLL_TAKES.join(',')}}.wav`);
  });
  for (const word of o.words) {
    const voice = o.bank.voiceFor(word, p.speaker);
    const file = voice === null ? null : ttsFile(word, voice);
    if (file && existsSync(file)) plan.push({ word, files: [file] }); else missing.push(`"${word}" (${voice ?? 'no voice'})`);
  }
  return plan;
}

export async function enrollPickers(o: EnrollOptions): Promise<EnrollSummary> {
  const t0 = performance.now();
  const limit = o.concurrency ?? 8;
  const api = await ConsoleApi.signIn(o.httpUrl, o.admin);
  const missing: string[] = [];
  const plans = o.pickers.map((p) => enrollPlan(p, o, missing));
  const ids = await mapLimit(o.pickers, limit, (p) => api.operator(o.siteId, p.op));
  const b64 = new Map<string, string>(); // pickers share speakers: each file is read once
  const read = (f: string): string => {
    let s = b64.get(f);
    if (s === undefined) b64.set(f, (s = readFileSync(f).toString('base64')));
    return s;
  };
  const tasks = plans.flatMap((plan, i) => plan.map((w) => ({ id: ids[i]!, op: o.pickers[i]!.op.id, ...w })));
  const takes = await mapLimit(tasks, limit, async (t) => {
    const r = await api.call('PUT', `/sites/${o.siteId}/operators/${t.id}/voice/${encodeURIComponent(t.word)}`, { takes: t.files.map(read) });
    if (r.status !== 200) throw new EnrollError('ENROLL_FAILED', `enrolling "${t.word}" of operator ${t.op} failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.takes as number;
  });
  return {
    operators: o.pickers.length, words: tasks.length, takes: takes.reduce((a, b) => a + b, 0),
    ms: performance.now() - t0, missing: [...new Set(missing)],
  };
}
