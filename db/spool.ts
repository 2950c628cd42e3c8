/**
 * The turn spool: append-only JSON-lines segment files under one folder, written while
 * PostgreSQL is unreachable (or the memory queue is full) and replayed oldest first.
 * Each append is one write + fdatasync. Segments are sealed at a size limit or when replay
 * starts on them, so the file being replayed is never the file being appended to.
 * One TurnLogger per folder (not shared between processes).
 */
import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { TurnKind, TurnRecord } from './turn.ts';
import type { StateUpdate } from './turn-sql.ts';

export type SpoolEntry = { t: 'turn'; turn: TurnRecord } | { t: 'state'; update: StateUpdate };

/** A line that could not be decoded: reported with its place, never silently turned into data. */
export interface BadLine { file: string; line: number; reason: string; truncatedTail: boolean }

const SEGMENT = /^turns-(\d{12})\.jsonl$/;
const KINDS: readonly TurnKind[] = ['prompt', 'utterance', 'text', 'event', 'error'];

export function encodeTurn(t: TurnRecord): string {
  return JSON.stringify({ t: 'turn', ...t, at: t.at.toISOString() });
}

export function encodeState(u: StateUpdate): string {
  return `{"t":"state","sessionId":${JSON.stringify(u.sessionId)},"lastSeq":${u.lastSeq},"state":${u.stateJson}}`;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optStr = (v: unknown): v is string | null | undefined => v === undefined || v === null || typeof v === 'string';
const optNum = (v: unknown): v is number | null | undefined => v === undefined || v === null || typeof v === 'number';

/** Decodes one spool line; returns a reason string when the line is not a valid entry. */
export function decodeLine(line: string): SpoolEntry | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (!isObj(v)) return 'not a JSON object';
  if (v.t === 'state') {
    if (typeof v.sessionId !== 'string' || !Number.isInteger(v.lastSeq) || !('state' in v)) return 'bad state entry';
    return { t: 'state', update: { sessionId: v.sessionId, lastSeq: v.lastSeq as number, stateJson: JSON.stringify(v.state) } };
  }
  if (v.t !== 'turn') return `unknown entry type ${JSON.stringify(v.t)}`;
  const at = typeof v.at === 'string' ? new Date(v.at) : new Date(NaN);
  if (typeof v.sessionId !== 'string' || typeof v.siteId !== 'string' || !Number.isInteger(v.seq)
    || Number.isNaN(at.getTime()) || !KINDS.includes(v.kind as TurnKind) || !optStr(v.text)
    || !optStr(v.hypothesis) || !optNum(v.confidence) || !optNum(v.latencyMs) || !optStr(v.flowNode)
    || !optNum(v.operatorId)) {
    return 'bad turn entry';
  }
  return {
    t: 'turn',
    turn: {
      sessionId: v.sessionId, siteId: v.siteId, seq: v.seq as number, at, kind: v.kind as TurnKind,
      text: (v.text as string | null | undefined) ?? null, hypothesis: v.hypothesis as string | null | undefined,
      confidence: v.confidence as number | null | undefined, latencyMs: v.latencyMs as number | null | undefined,
      flowNode: v.flowNode as string | null | undefined, operatorId: v.operatorId as number | null | undefined,
    },
  };
}

export class Spool {
  private sealed: string[] = [];
  private active: { file: string; fh: FileHandle; bytes: number } | null = null;
  private nextNo = 1;

  constructor(readonly dir: string, private readonly segmentBytes = 8 * 1024 * 1024) {}

  /** Creates the folder and finds segments left by an earlier run (they are replayed first). */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const nos = (await readdir(this.dir)).map((f) => SEGMENT.exec(f)).filter((m) => m !== null)
      .map((m) => Number(m[1])).sort((a, b) => a - b);
    this.sealed = nos.map((n) => this.fileOf(n));
    this.nextNo = (nos.at(-1) ?? 0) + 1;
  }

  private fileOf(no: number): string { return path.join(this.dir, `turns-${String(no).padStart(12, '0')}.jsonl`); }

  /** True while any entry waits in a segment. */
  get hasData(): boolean { return this.sealed.length > 0 || (this.active?.bytes ?? 0) > 0; }

  get segments(): number { return this.sealed.length + (this.active ? 1 : 0); }

  /** Appends lines durably (write + fdatasync). */
  async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    if (!this.active) {
      const file = this.fileOf(this.nextNo++);
      const fh = await open(file, 'a');
      this.active = { file, fh, bytes: 0 };
      await this.syncDir();
    }
    const buf = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const a = this.active;
    await a.fh.write(buf);
    await a.fh.datasync();
    a.bytes += buf.length;
    if (a.bytes >= this.segmentBytes) await this.seal();
  }

  private async syncDir(): Promise<void> {
    const d = await open(this.dir, 'r');
    try { await d.sync(); } finally { await d.close(); }
  }

  private async seal(): Promise<void> {
    const a = this.active;
    if (!a) return;
    // Listed as sealed before the await: hasData/segments never see a window with the data nowhere.
    this.active = null;
    if (a.bytes > 0) this.sealed.push(a.file);
    await a.fh.close();
    if (a.bytes === 0) await rm(a.file, { force: true });
  }

  /** The oldest segment to replay (seals the active one when it is the only one left). */
  async oldest(): Promise<string | undefined> {
    if (this.sealed.length === 0) await this.seal();
    return this.sealed[0];
  }

  /** Reads a whole segment (segments are bounded by segmentBytes). */
  async read(file: string): Promise<{ entries: SpoolEntry[]; bad: BadLine[] }> {
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    const endsClean = text.endsWith('\n') || text.length === 0;
    if (lines.at(-1) === '') lines.pop();
    const entries: SpoolEntry[] = [];
    const bad: BadLine[] = [];
    lines.forEach((line, i) => {
      const e = decodeLine(line);
      if (typeof e === 'string') {
        bad.push({ file, line: i + 1, reason: e, truncatedTail: !endsClean && i === lines.length - 1 });
      } else entries.push(e);
    });
    return { entries, bad };
  }

  /** Deletes a fully replayed segment. */
  async remove(file: string): Promise<void> {
    await rm(file, { force: true });
    this.sealed = this.sealed.filter((f) => f !== file);
  }

  async close(): Promise<void> { await this.seal(); }
}
