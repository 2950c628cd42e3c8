/**
 * Types of the dialog engine: flows (the JSON documents), the interpreter's plain-JSON state,
 * its inputs and outputs, and the structured expectation the recogniser builds a grammar from.
 */

export type Language = 'en' | 'ru';
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Global words; which of them are allowed depends on where the dialog is (see `commands`). */
export const GLOBAL_COMMANDS = [
  'repeat', 'say again', 'help', 'how much more', 'skip', 'short', 'sign off', 'cancel',
  'talk louder', 'talk softer', 'talk faster', 'talk slower',
] as const;
export type GlobalCommand = (typeof GLOBAL_COMMANDS)[number];

/** What the dialog expects next. `expected` is the right answer (check digits), never sent to devices. */
export type Expectation =
  | { kind: 'digits'; length: number; expected?: string; commands: string[] }
  | { kind: 'number'; min: number; max: number; expected?: number; commands: string[] }
  | { kind: 'yesno'; commands: string[] }
  | { kind: 'choice'; options: string[]; commands: string[] }
  /** `known`: the only strings a voice answer may be (the site's operator roster); typed answers are not limited. */
  | { kind: 'freeDigits'; minLength: number; maxLength: number; known?: string[]; commands: string[] }
  | { kind: 'ready'; commands: string[] };

export type DialogInput =
  | { type: 'answer'; text: string; confidence: number; source: 'voice' | 'text' }
  | { type: 'nomatch' }
  | { type: 'noinput' };

/** Result of a connector operation, fed back into `step` by the runtime (or a test). */
export interface WmsResultInput {
  type: 'wmsResult';
  status: 'ok' | 'empty' | 'error' | 'critical';
  data?: Json;
  /** Host message: a warning (LUT 99) to speak before going on, or the error / critical text. */
  message?: string;
  warning?: string;
}

/** Everything `step` accepts: the public inputs, `start` and the result of a pending WMS call. */
export type StepInput = DialogInput | { type: 'start' } | { type: 'resume' } | WmsResultInput;

export interface PromptOutput {
  type: 'prompt'; text: string; language: Language; bargeIn: boolean; expect: Expectation | null; node: string;
}
export type DialogOutput =
  | PromptOutput
  | { type: 'settings'; ttsRate?: number; ttsVolume?: number }
  | { type: 'operator'; operatorId: number | null; language?: Language }
  /** Whose voice templates the recogniser uses before sign-on completes (the operator number is known, the PIN is not yet checked). */
  | { type: 'voiceProfile'; operatorId: number | null }
  | { type: 'alert'; reason: string; node: string }
  | { type: 'enroll'; word: string; take: number; takes: number }
  /** A business event for the dialog log (and the console's counters): `assignment:<id>`, `pick_confirmed …`. */
  | { type: 'event'; text: string; node: string }
  | { type: 'end'; reason: string };

// ---------------------------------------------------------------- flows

/** Text in both languages (or one string for both). Templates: `{{ expression }}`. */
export type Text = string | { en: string; ru?: string };
/** A number, or an expression string evaluated against the variables. */
export type NumOrExpr = number | string;

export type ExpectSpec =
  | { kind: 'digits'; length: NumOrExpr; expected?: string }
  | { kind: 'number'; min: NumOrExpr; max: NumOrExpr; expected?: string }
  | { kind: 'yesno' }
  | { kind: 'choice'; options: string[] | string }
  /** `known`: expression giving the list of digit strings a spoken answer may be (e.g. the operator roster); null = any. */
  | { kind: 'freeDigits'; minLength: NumOrExpr; maxLength: NumOrExpr; known?: string }
  | { kind: 'ready' };

export interface ValidateRule { when: string; message: Text }

export interface SayNode { type: 'say'; text: Text; bargeIn?: boolean; next: string }
export interface AskNode {
  type: 'ask';
  prompt: Text;
  /** Short reprompt after the first no-input / no-match (default: the prompt). */
  short?: Text;
  /** What is expected here (the `help` word and the second escalation). */
  help?: Text;
  expect: ExpectSpec;
  /** Variable that receives the answer (number for `number`, string otherwise). */
  var: string;
  /** Said when the answer differs from `expect.expected` (then asked again). */
  wrong?: Text;
  /** Extra checks on the accepted answer (`answer` is bound); a failing rule's message is said. */
  validate?: ValidateRule[];
  /** never | always | auto (by confidence band, default). Typed answers are never confirmed. */
  confirm?: 'never' | 'always' | 'auto';
  bargeIn?: boolean;
  /** Command → node for commands with a meaning here (`short`, `cancel`, `skip`, ...). */
  on?: Partial<Record<GlobalCommand, string>>;
  next: string;
}
export interface BranchNode { type: 'branch'; cases: { when: string; next: string }[]; else: string }
export interface SetNode { type: 'set'; vars: Record<string, string>; next: string }
export interface ForeachNode {
  type: 'foreach';
  items: string;
  as: string;
  /** First node of the body; the body goes back to this foreach node for the next item. */
  body: string;
  next: string;
  /** Allow `skip`: a skipped item comes again after the others. */
  skippable?: boolean;
  /** Field of an item counted by `how much more` (e.g. "qty"). */
  quantityField?: string;
  /** Said before the skipped items come again. */
  revisit?: Text;
}
export interface WmsNode {
  type: 'wms';
  op: WmsOp;
  args: Record<string, string>;
  /** Idempotency key expression (required for writes): the same answer gives the same key. */
  key?: string;
  result?: string;
  next: string;
  empty?: string;
  error?: string;
  critical?: string;
}
export interface CallNode { type: 'call'; flow: string; args?: Record<string, string>; result?: string; next: string }
export interface EmitNode {
  type: 'emit';
  output: EmitOutput;
  /** Expressions for the output's fields. */
  args?: Record<string, string>;
  next: string;
}
export const EMIT_OUTPUTS = ['operator', 'alert', 'enroll', 'signoff', 'voiceProfile'] as const;
export type EmitOutput = (typeof EMIT_OUTPUTS)[number];
export interface EndNode { type: 'end'; reason?: string; return?: string }

export type FlowNode = SayNode | AskNode | BranchNode | SetNode | ForeachNode | WmsNode | CallNode | EmitNode | EndNode;

/** `identifyOperator` and `operatorRoster` are answered from the site's own records (PostgreSQL), never sent to the WMS. */
export const WMS_READS = ['validateOperator', 'getNextAssignment', 'getReferenceData', 'identifyOperator', 'operatorRoster'] as const;
export const WMS_WRITES = ['confirmPick', 'reportShort', 'completeAssignment'] as const;
export type WmsReadOp = (typeof WMS_READS)[number];
export type WmsWriteOp = (typeof WMS_WRITES)[number];
export type WmsOp = WmsReadOp | WmsWriteOp;

export interface Flow {
  name: string;
  /** Assigned by the store; 0 = the built-in JSON file. */
  version?: number;
  description?: string;
  /** Names of variables the caller passes in (`call` args). */
  params?: string[];
  start: string;
  nodes: Record<string, FlowNode>;
}

// ---------------------------------------------------------------- state

export interface LoopState { items: Json[]; order: number[]; pos: number; skipped: number[]; revisiting: boolean }

export interface Frame {
  flow: string;
  version: number;
  node: string;
  vars: Record<string, Json>;
  loops: Record<string, LoopState>;
  /** Where the caller continues, and which variable gets the return value. */
  ret?: { next: string; var?: string };
}

export type Pending =
  | { kind: 'confirm'; value: Json; text: string }
  | { kind: 'signoff' }
  | PendingWms
  | { kind: 'retry'; wms: PendingWms; errors: number };
export interface PendingWms { kind: 'wms'; op: WmsOp; args: Record<string, Json>; key: string | null; node: string }

export interface DialogState {
  v: 1;
  /** running: waiting for an answer or a WMS result; ended: the root flow reached `end`. */
  status: 'running' | 'ended';
  stack: Frame[];
  language: Language;
  operatorId: number | null;
  tts: { rate: number; volume: number };
  /** Counters of the ask being asked (VoiceXML form-interpretation counters). */
  ask: { node: string; noinput: number; nomatch: number; alerted: boolean } | null;
  pending: Pending | null;
  lastPrompt: PromptOutput | null;
  /** Flow versions this session uses (pinned at first use): publishing never changes a running session. */
  pins: Record<string, number>;
  /** Interpreter steps taken (guards against loops; informational). */
  turns: number;
}

/** Looks up another flow for `call` (by name, and version when resuming). */
export type FlowResolver = (name: string, version?: number) => Flow | undefined;

export interface StepOptions {
  resolve?: FlowResolver;
  /** Confidence bands: below `reject` is a no-match, below `accept` is confirmed. */
  reject?: number;
  accept?: number;
  /** The supervisor is alerted when no-input + no-match of one ask reaches this. */
  alertAfter?: number;
  /** Most nodes run in one step before the engine stops with an error (loop guard). */
  maxNodesPerStep?: number;
  /**
   * The site's process settings, read-only to flows as `site` (`site.signon.pinLength`): nested
   * by the dots of their keys. Not part of the dialog state: a change applies from the next step.
   */
  site?: { [key: string]: Json };
}

export interface StepResult { state: DialogState; outputs: DialogOutput[] }
