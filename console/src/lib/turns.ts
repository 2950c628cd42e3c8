/** Conventions shared with the server (db/queries/console/turns.ts, docs/api.md). */
export const PICK_EVENT_PREFIX = 'pick_confirmed';

export interface TurnLike { kind: string; text: string | null }

export const isAnswer = (t: TurnLike): boolean => t.kind === 'utterance' || t.kind === 'text';
export const isNoMatch = (t: TurnLike): boolean => t.kind === 'utterance' && !t.text;
export const isPick = (t: TurnLike): boolean => t.kind === 'event' && (t.text ?? '').startsWith(PICK_EVENT_PREFIX);

export const fmtTime = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleTimeString() : '—');
export const fmtDateTime = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');
export const fmtConf = (c: number | null | undefined): string => (c === null || c === undefined ? '—' : `${Math.round(c * 100)}%`);
export const fmtMs = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '—' : `${ms} ms`);
