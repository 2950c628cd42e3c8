/**
 * The picking script: a simulated picker signs on as its own (English-speaking) operator of the
 * WMS simulator and works its assignments, answering every prompt with the right answer taken
 * from the simulator's ground truth (GET /truth/operators, /truth/warehouse): operator number,
 * PIN, "ready", the check digits of the slot it was sent to, the quantity asked, the drop's check
 * digits. So each turn's correct answer is known and recognition can be scored.
 *
 * It reads the English prompts of the built-in flows (dialog-engine/flows/*.json): "Aisle 3.",
 * "Slot 12.", "Pick 4.", "Deliver to dock 2.", "Did you say 4 2? Say yes or no.".
 */
import type { Answer, PickerInfo, PromptMsg, Script } from './device.ts';
import { normAnswer } from './counters.ts';

export interface SimOperatorTruth { id: string; pin: string; name: string; language: 'en' | 'ru' }
export interface Truth { operators: SimOperatorTruth[]; checkDigits: Map<string, string> }

export class TruthError extends Error {
  constructor(readonly code: 'TRUTH_UNAVAILABLE' | 'TOO_FEW_OPERATORS', message: string) { super(message); this.name = 'TruthError'; }
}

export async function fetchTruth(simUrl: string): Promise<Truth> {
  const get = async (p: string): Promise<unknown> => {
    const res = await fetch(`${simUrl}${p}`, { signal: AbortSignal.timeout(10000) });
    if (!res.ok) throw new TruthError('TRUTH_UNAVAILABLE', `GET ${simUrl}${p}: HTTP ${res.status}`);
    return res.json();
  };
  const operators = (await get('/truth/operators')) as SimOperatorTruth[];
  const wh = (await get('/truth/warehouse')) as { locations: Array<{ aisle: string; slot: string; checkDigits: string }> };
  const checkDigits = new Map<string, string>();
  for (const l of wh.locations) checkDigits.set(`${l.aisle}|${l.slot}`, l.checkDigits);
  return { operators, checkDigits };
}

/** The words (not digits) a picker may say: every answer of choose() below that is not a digit string. */
export const SPOKEN_WORDS = ['ready', 'yes', 'no'] as const;

/** Nodes of the picking flow whose expectation carries the right answer (check digits, quantity, dock). */
const KNOWN_ANSWER: ReadonlySet<string> = new Set(['checkDigits', 'quantity', 'drop']);

interface PickerState { op: SimOperatorTruth; aisle: string | null; said: Map<string, string> }

const lastMatch = (re: RegExp, text: string): string | null => {
  let m: RegExpExecArray | null;
  let last: string | null = null;
  const g = new RegExp(re.source, 'gi');
  while ((m = g.exec(text)) !== null) last = m[1] ?? null;
  return last;
};

export class PickingScript implements Script {
  private readonly english: SimOperatorTruth[];
  private readonly pickers = new Map<number, PickerState>();

  /**
   * `typed`: every answer also goes as a `text` message when its speech ends.
   * `signOn`: 'keypad' types the operator number and PIN (no speech); 'voice' says them.
   */
  constructor(private readonly truth: Truth, sessions: number, private readonly typed = false, private readonly signOn: 'keypad' | 'voice' = 'keypad') {
    this.english = truth.operators.filter((o) => o.language === 'en');
    if (this.english.length < sessions) {
      throw new TruthError('TOO_FEW_OPERATORS', `the WMS simulator has ${this.english.length} English operators; ${sessions} sessions need one each`);
    }
  }

  /** The WMS operator the picker at `index` signs on as. */
  operatorOf(index: number): SimOperatorTruth { return this.english[index]!; }

  private state(p: PickerInfo): PickerState {
    let s = this.pickers.get(p.index);
    if (!s) this.pickers.set(p.index, (s = { op: this.operatorOf(p.index), aisle: null, said: new Map() }));
    return s;
  }

  answer(p: PromptMsg, picker: PickerInfo): Answer | null {
    if (!p.expect) return null;
    const s = this.state(picker);
    const node = (p.node ?? '').split('.').at(-1) ?? '';
    const said = this.choose(p, node, s);
    if (said === null) return null;
    if (p.expect.kind !== 'yesno') s.said.set(node, said);
    if (this.signOn === 'keypad' && (node === 'askOperator' || node === 'askPin')) return { say: said, sendText: false, keypad: true };
    // the picking flow's questions with a right answer (`expected` in the flow): the picker says it
    const expected = KNOWN_ANSWER.has(node) && p.expect.kind !== 'yesno' ? { expected: said } : {};
    return { say: said, sendText: this.typed, ...expected };
  }

  private choose(p: PromptMsg, node: string, s: PickerState): string | null {
    const e = p.expect!;
    const confirm = /did you say (.+?)\?/i.exec(p.text);
    if (confirm && e.kind === 'yesno') {
      // "did you say 4 2?": yes only if that is what was said
      return normAnswer(confirm[1]!) === normAnswer(s.said.get(node) ?? '') ? 'yes' : 'no';
    }
    // "Sign off? Say yes or no." (a misheard "sign off"): a picker at work says no
    if (e.kind === 'yesno' && /sign off\?/i.test(p.text)) return 'no';
    switch (node) {
      case 'askOperator': s.aisle = null; return s.op.id;
      case 'askPin': return s.op.pin;
      case 'goAisle': {
        const a = lastMatch(/aisle (\S+?)\./, p.text);
        if (a) s.aisle = a;
        return 'ready';
      }
      case 'checkDigits': {
        const slot = lastMatch(/slot (\S+?)\./, p.text);
        const d = slot && s.aisle ? this.truth.checkDigits.get(`${s.aisle}|${slot}`) : undefined;
        return d ?? s.said.get(node) ?? null;
      }
      case 'quantity': return lastMatch(/pick (\d+)\./, p.text) ?? s.said.get(node) ?? null;
      case 'drop': {
        const dock = lastMatch(/deliver to dock (\S+?)\./, p.text);
        return (dock ? this.truth.checkDigits.get(`dock|${dock}`) : undefined) ?? s.said.get(node) ?? null;
      }
      case 'confirmShort': return 'no';
      case 'shortQty': return '0';
      case 'reason': return '1';
      default: break;
    }
    switch (e.kind) {
      case 'ready': return 'ready';
      case 'yesno': return 'yes';
      case 'number': return String(e.min);
      case 'choice': return e.options[0] ?? null;
      case 'freeDigits': return s.op.id;
      case 'digits': return s.said.get(node) ?? null;
    }
  }
}
