/**
 * A scripted picker for tests: answers each prompt from the WMS simulator's ground truth, by
 * typed `text` answers. The speech tests and the browser e2e use the same ground truth.
 */
import type { TestDevice } from './helpers.ts';
import type { ServerMessage } from '../protocol/messages.ts';

export interface TruthLine { id: string; aisle: string; slot: string; checkDigits: string; qty: number }
export interface TruthAssignment { id: string; lines: TruthLine[]; drop: { checkDigits: string; name: string } }
export interface TruthOperator { id: string; pin: string; name: string }

export async function truth<T>(wmsUrl: string, path: string): Promise<T> {
  const r = await fetch(`${wmsUrl}${path}`);
  if (!r.ok) throw new Error(`ground truth ${path}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

type Prompt = Extract<ServerMessage, { type: 'prompt' }>;

/** What a picker who does everything right answers to this prompt. */
export function rightAnswer(p: Prompt, op: TruthOperator, a: TruthAssignment, lineIndex: number): string | null {
  const node = p.node ?? '';
  if (!p.expect) return null;
  if (node.endsWith('askOperator') || (p.expect.kind === 'freeDigits' && /operator/i.test(p.text))) return op.id;
  if (p.expect.kind === 'freeDigits') return op.pin;
  if (p.expect.kind === 'ready') return 'ready';
  if (node.endsWith('checkDigits')) return a.lines[lineIndex]!.checkDigits;
  if (node.endsWith('quantity')) return String(a.lines[lineIndex]!.qty);
  if (node.endsWith('drop')) return a.drop.checkDigits;
  if (p.expect.kind === 'yesno') return 'yes';
  return null;
}

export interface PickRun { prompts: Prompt[]; answers: string[] }

/**
 * Signs on and works one assignment to its end ("Assignment complete."). `onPrompt` may act
 * (cut the connection, inject a fault) before the answer is sent.
 */
export async function pickOneAssignment(
  d: TestDevice, op: TruthOperator, a: TruthAssignment, opts: { startCseq?: number; onPrompt?: (p: Prompt, i: number) => Promise<void> } = {},
): Promise<PickRun> {
  let cseq = opts.startCseq ?? 0;
  let seen = 0;
  let line = 0;
  const run: PickRun = { prompts: [], answers: [] };
  for (let guard = 0; guard < 200; guard++) {
    const p = await d.waitFor('prompt', (m) => m.seq > seen, 10000);
    seen = p.seq;
    d.send({ type: 'ack', seq: p.seq });
    run.prompts.push(p);
    await opts.onPrompt?.(p, run.prompts.length);
    if (p.node?.endsWith('done')) return run;
    const answer = rightAnswer(p, op, a, line);
    if (answer === null) continue;
    if (p.node?.endsWith('quantity')) line++;
    run.answers.push(answer);
    d.send({ type: 'text', cseq: ++cseq, text: answer });
  }
  throw new Error(`assignment not finished; last prompts: ${run.prompts.slice(-5).map((x) => x.text).join(' | ')}`);
}
