/**
 * Captures the audio of enrollment takes from a session's stream, so that an operator's voice
 * templates are recorded on the warehouse floor, through the device (noise included). A short
 * ring keeps the pre-roll before the recogniser reports speech; a take ends with the stream's
 * result and is cut to the speech it timed, with 300 ms of margin.
 */
const RING_MS = 600;
const MAX_TAKE_MS = 5000;
const MARGIN_MS = 300;
const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** The template token of a vocabulary word: digits as "0".."9", other words as themselves. */
export function tokenOf(word: string): string {
  const w = word.trim().toLowerCase();
  const i = DIGIT_WORDS.indexOf(w);
  return i >= 0 ? String(i) : w;
}

/** The vocabulary word of a template token (tokenOf's inverse): "7" → "seven", others as they are. */
export function wordOf(token: string): string {
  return /^[0-9]$/.test(token) ? DIGIT_WORDS[Number(token)]! : token;
}

export class EnrollCapture {
  private readonly ring: Int16Array;
  private ringPos = 0;
  private ringFill = 0;
  private take: Int16Array | null = null;
  private takeLen = 0;
  private prerollLen = 0;
  word: string | null = null;
  takeNo = 0;
  takes = 0;
  readonly collected: Int16Array[] = [];

  constructor(private readonly sampleRate: number) {
    this.ring = new Int16Array(Math.round((sampleRate * RING_MS) / 1000));
  }

  get active(): boolean { return this.word !== null; }

  arm(word: string, take: number, takes: number): void {
    if (this.word !== word) this.collected.length = 0;
    this.word = word; this.takeNo = take; this.takes = takes;
  }

  /** Every frame while armed (copied: the frame is only valid during the call). */
  push(frame: Int16Array): void {
    if (!this.active) return;
    if (this.take) {
      const room = this.take.length - this.takeLen;
      const n = Math.min(room, frame.length);
      this.take.set(frame.subarray(0, n), this.takeLen);
      this.takeLen += n;
      return;
    }
    for (let i = 0; i < frame.length; i++) {
      this.ring[this.ringPos] = frame[i]!;
      this.ringPos = (this.ringPos + 1) % this.ring.length;
    }
    this.ringFill = Math.min(this.ring.length, this.ringFill + frame.length);
  }

  /** The recogniser heard speech start: the take begins with the ring's pre-roll. */
  speechStarted(): void {
    if (!this.active || this.take) return;
    this.take = new Int16Array(this.ring.length + Math.round((this.sampleRate * MAX_TAKE_MS) / 1000));
    for (let i = 0; i < this.ringFill; i++) this.take[i] = this.ring[(this.ringPos - this.ringFill + i + this.ring.length) % this.ring.length]!;
    this.takeLen = this.ringFill;
    this.prerollLen = this.ringFill;
    this.ringFill = 0;
  }

  /** The utterance ended: keeps the take (pre-roll + `speechMs` + a margin); null when none was heard. */
  finish(speechMs: number): Int16Array | null {
    const t = this.take;
    const preroll = this.prerollLen;
    this.take = null;
    if (!t || !this.active) return null;
    const keep = Math.min(this.takeLen, preroll + Math.round((this.sampleRate * (speechMs + MARGIN_MS)) / 1000));
    const pcm = t.slice(0, keep);
    this.collected.push(pcm);
    return pcm;
  }

  done(): void { this.word = null; this.collected.length = 0; }
}
