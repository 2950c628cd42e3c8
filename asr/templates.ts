/**
 * Operator voice templates: per operator, per canonical token ("0".."9", "yes", "no", command
 * phrases), a few takes of features. Language independent: a Russian speaker's "один" is
 * enrolled as token "1". Persisted through a TemplateStore (PostgreSQL: db/queries/templates.ts).
 */
import type { Features } from './features.ts';
import type { SerializedTemplates } from './worker-protocol.ts';

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
