/**
 * Operator voice templates: per operator, per canonical token ("0".."9", "yes", "no", command
 * phrases), a few takes of features. Language independent: a Russian speaker's "один" is
 * enrolled as token "1". Persisted through a TemplateStore (PostgreSQL: db/queries/templates.ts).
 */
import type { Features } from './features.ts';
import type { SerializedTemplates, ToWorker } from './worker-protocol.ts';
import type { Expectation } from './types.ts';

export interface TemplateTake { token: string; take: number; frames: number; data: Float32Array }

export interface TemplateStore {
  /** All takes of an operator and the set's version (0 when none). */
  load(operatorId: number): Promise<{ version: number; takes: TemplateTake[] }>;
  /** Replaces every take of one token (enrollment or retraining); returns the new version. */
  saveWord(operatorId: number, token: string, takes: Features[]): Promise<number>;
  /** Deletes one token's takes, or all of the operator's; returns the new version. */
  deleteWords(operatorId: number, token?: string): Promise<number>;
}

export class TemplateError extends Error {
  constructor(readonly code: 'ASR_NO_TEMPLATE_STORE' | 'ASR_BAD_ENROLLMENT', message: string) { super(message); this.name = 'TemplateError'; }
}

/** In-memory store for tests, the bench and deployments without a database. */
export class MemoryTemplateStore implements TemplateStore {
  private readonly data = new Map<number, { version: number; takes: TemplateTake[] }>();
  async load(operatorId: number): Promise<{ version: number; takes: TemplateTake[] }> {
    const d = this.data.get(operatorId);
    return d ? { version: d.version, takes: [...d.takes] } : { version: 0, takes: [] };
  }
  async saveWord(operatorId: number, token: string, takes: Features[]): Promise<number> {
    const d = this.data.get(operatorId) ?? { version: 0, takes: [] };
    d.takes = d.takes.filter((t) => t.token !== token).concat(takes.map((f, i) => ({ token, take: i, frames: f.frames, data: f.data })));
    d.version++;
    this.data.set(operatorId, d);
    return d.version;
  }
  async deleteWords(operatorId: number, token?: string): Promise<number> {
    const d = this.data.get(operatorId) ?? { version: 0, takes: [] };
    d.takes = token === undefined ? [] : d.takes.filter((t) => t.token !== token);
    d.version++;
    this.data.set(operatorId, d);
    return d.version;
  }
}

export interface OperatorTemplates { operatorId: number; version: number; key: string; serialized: SerializedTemplates; tokens: Set<string> }

export function toOperatorTemplates(operatorId: number, version: number, takes: TemplateTake[]): OperatorTemplates {
  const by = new Map<string, { frames: number; data: Float32Array }[]>();
  for (const t of takes) {
    const l = by.get(t.token) ?? [];
    l.push({ frames: t.frames, data: t.data });
    by.set(t.token, l);
  }
  const key = `${operatorId}:${version}`;
  return {
    operatorId, version, key,
    serialized: { key, sets: [...by].map(([token, ts]) => ({ token, takes: ts })) },
    tokens: new Set(by.keys()),
  };
}

/** What the worker matches an utterance's templates against (the `end` message's `templates`). */
export type TemplateRequest = NonNullable<Extract<ToWorker, { type: 'end' }>['templates']>;

/** The tokens an expectation's whole-utterance match may return (enrolled or not). */
export function allowedTokens(e: Expectation): Set<string> {
  const cmds = e.commands.map((c) => c.toLowerCase().trim());
  switch (e.kind) {
    case 'digits': return new Set(e.length === 1 ? [...'0123456789', ...cmds] : cmds);
    case 'freeDigits': return new Set(e.maxLength === 1 ? [...'0123456789', ...cmds] : cmds);
    case 'number': return new Set([...Array.from({ length: Math.max(0, Math.min(9, e.max) - e.min + 1) }, (_, i) => String(e.min + i)), ...cmds]);
    case 'yesno': return new Set(['yes', 'no', ...cmds]);
    case 'choice': return new Set([...e.options.map((o) => o.toLowerCase().trim()), ...cmds]);
    case 'ready': return new Set(['ready', ...cmds]);
  }
}

/** The operator has enrolled all ten digits (digit strings can be read per digit and as connected words). */
export function enrolledAllDigits(t: OperatorTemplates): boolean {
  return [...'0123456789'].every((d) => t.tokens.has(d));
}

/**
 * Which of an operator's templates an utterance is matched against (without their data): the
 * enrolled tokens the expectation allows, the ten digits per decoder segment for digit strings,
 * and the digit count of a fixed-length string for the connected reading. null: nothing to match.
 */
export function templateRequest(t: OperatorTemplates, e: Expectation): TemplateRequest | null {
  if (t.tokens.size === 0) return null;
  const allowed = [...allowedTokens(e)].filter((x) => t.tokens.has(x));
  const digitsOk = enrolledAllDigits(t);
  const segmentTokens = (e.kind === 'digits' || e.kind === 'freeDigits') && digitsOk ? [...'0123456789'] : [];
  if (!allowed.length && !segmentTokens.length) return null;
  const fixed = e.kind === 'digits' ? e.length : e.kind === 'freeDigits' && e.minLength === e.maxLength && !e.known ? e.minLength : 0;
  const segmentCount = digitsOk && fixed >= 2 ? fixed : undefined;
  return { key: t.key, tokens: allowed, segmentTokens, ...(segmentCount ? { segmentCount } : {}) };
}
