/**
 * One simulated picker's device: a real WebSocket client speaking protocol v1 (hello, acks,
 * binary 20 ms frames, text answers). It does not own a timer: the engine's shared tick calls
 * `tick(now)` on every device, which sends whatever frames are due. Nothing here allocates per
 * frame; a turn allocates its playlist once.
 */
import WebSocket from 'ws';
import type { ServerMessage } from '../gateway/protocol/messages.ts';
import type { FrameBank, Utterance } from './audio/bank.ts';
import { FRAME_MS } from './audio/bank.ts';
import type { Counters, TurnSink } from './counters.ts';

export interface DeviceCreds { deviceId: string; token: string }
export type PromptMsg = Extract<ServerMessage, { type: 'prompt' }>;

/** What a picker answers to a prompt: the words to say, and whether to also send them as `text`. */
/**
 * What a picker answers: `say` is spoken (streamed as audio); `sendText` also sends it as a `text`
 * answer when the speech ends (echo); `keypad` sends it as `text` only, without speaking (typed).
 */
export interface Answer {
  say: string; sendText: boolean; keypad?: boolean;
  /** The dialog's right answer, when the script knows the question has one (logged for bench:asr --replay). */
  expected?: string;
}
export interface Script {
  /** null: say nothing (an idle device, or a prompt that needs no answer). */
  answer(prompt: PromptMsg, picker: PickerInfo): Answer | null;
}
export interface PickerInfo { index: number; voice: string; rand: () => number }

export interface DeviceOptions {
  wsUrl: string;
  creds: DeviceCreds;
  bank: FrameBank;
  script: Script;
  picker: PickerInfo;
  counters: Counters;
  turns: TurnSink;
  /** 'gate': send only speech with pre-roll and tail (the thin client); 'continuous': silence frames between answers too. */
  audio: 'gate' | 'continuous';
  /** Fraction of wall time spent speaking (sets think/walk time). */
  speechDuty: number;
  turnTimeoutMs: number;
  /** ms since run start, the engine's clock. */
  clock: () => number;
}

const enum St { Connecting, Hello, Listening, Speaking, Waiting, Closed }

const noMask = (mask: Buffer): void => { mask.fill(0); };

export class SimDevice {
  private ws: WebSocket | null = null;
  private st = St.Connecting;
  private seq = 0;
  private ackedSeq = 0;
  private lastAckAt = 0;
  private ackEveryMs = 1000;
  private cseq = 0;
  sessionId: string | null = null;
  // current turn
  private utt: Utterance | null = null;
  private answer: Answer | null = null;
  private pos = 0;
  private nextFrameAt = 0;
  private wakeAt = 0;
  private speakStartAt = 0;
  private speechEndAt = 0;
  private lastFrameAt = 0;
  private recognized: string | null = null;
  private lastPrompt: PromptMsg | null = null;
  private silenceIdx = 0;
  private questionText = '';
  /** The answer being given is to a reprompt of the same question. */
  private retry = false;
  /** When the prompt being spoken ends (0 = not speaking). */
  private ttsEndAt = 0;

  constructor(private readonly o: DeviceOptions) {}

  get connected(): boolean { return this.st !== St.Connecting && this.st !== St.Hello && this.st !== St.Closed; }
  get closed(): boolean { return this.st === St.Closed; }

  connect(): void {
    const { counters } = this.o;
    counters.connecting += 1;
    const ws = new WebSocket(this.o.wsUrl, {
      perMessageDeflate: false, generateMask: noMask, skipUTF8Validation: true, handshakeTimeout: 10000,
    });
    this.ws = ws;
    ws.on('open', () => {
      this.st = St.Hello;
      this.sendJson({
        type: 'hello', v: 1, deviceId: this.o.creds.deviceId, token: this.o.creds.token, appVersion: 'bench-1',
        model: 'voiceman-bench', audio: { encoding: 'pcm16le', sampleRate: 16000, frameMs: FRAME_MS },
      });
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) { counters.unexpectedBinary += 1; return; }
      this.onMessage(data);
    });
    ws.on('error', (err: Error) => { counters.error(`socket: ${err.message.slice(0, 80)}`); });
    ws.on('close', (code: number) => {
      const was = this.st;
      this.st = St.Closed;
      if (was === St.Connecting || was === St.Hello) counters.connecting -= 1;
      else counters.connected -= 1;
      if (!this.o.counters.stopping) counters.error(`close ${code}`);
    });
  }

  private sendJson(msg: object): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private event(name: 'tts_started' | 'tts_finished' | 'speech_start' | 'speech_end'): void {
    this.cseq += 1;
    this.sendJson({ type: 'event', cseq: this.cseq, name });
  }

  private onMessage(data: Buffer): void {
    const { counters } = this.o;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data.toString('utf8')) as ServerMessage;
    } catch (err) {
      counters.error(`bad JSON from server: ${(err as Error).message.slice(0, 60)}`);
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.type !== 'string' || typeof msg.seq !== 'number') {
      counters.error('server message without type/seq');
      return;
    }
    if (msg.seq > this.seq) this.seq = msg.seq;
    switch (msg.type) {
      case 'welcome':
        if (this.st === St.Hello) { counters.connecting -= 1; counters.connected += 1; counters.welcomed += 1; }
        this.sessionId = msg.sessionId;
        this.ackEveryMs = msg.settings?.ackEveryMs || 1000;
        this.st = St.Listening;
        this.wakeAt = Infinity;
        // audio starts now, on this device's own phase of the 20 ms grid (no catch-up burst)
        this.nextFrameAt = this.o.clock() + this.o.picker.rand() * FRAME_MS;
        break;
      case 'prompt':
        this.onPrompt(msg);
        break;
      case 'recognized':
        this.recognized = msg.text;
        counters.recognized += 1;
        break;
      case 'error':
        counters.error(`server ${msg.code}${msg.fatal ? ' (fatal)' : ''}`);
        break;
      case 'settings':
        if (typeof msg.settings?.ackEveryMs === 'number') this.ackEveryMs = msg.settings.ackEveryMs;
        break;
      case 'bye':
        counters.byes += 1;
        break;
      default:
        counters.error(`unknown server message type ${JSON.stringify((msg as { type: string }).type).slice(0, 30)}`);
    }
  }

  private onPrompt(p: PromptMsg): void {
    const now = this.o.clock();
    const { counters } = this.o;
    counters.prompts += 1;
    // the device speaks every prompt (≈ 70 ms per character) and reports it, like the thin client
    const ttsMs = Math.min(4000, 300 + p.text.length * 70);
    if (this.ttsEndAt === 0) this.event('tts_started');
    this.ttsEndAt = Math.max(this.ttsEndAt, now) + ttsMs;
    const reprompt = this.lastPrompt !== null && isReprompt(this.lastPrompt, p, this.questionText);
    if (this.answer && (this.st === St.Waiting || this.st === St.Speaking)) {
      const interrupted = this.st === St.Speaking && this.pos <= (this.utt?.speechEndIndex ?? 0);
      this.o.turns.turn({
        at: now,
        said: this.answer.say,
        recognized: this.recognized,
        gapMs: interrupted ? NaN : now - this.speechEndAt,
        // the server's input ended with the text (typed answers) or the last frame (voice)
        decisionMs: interrupted ? NaN : now - (this.answer.sendText || this.answer.keypad ? this.speechEndAt : this.lastFrameAt),
        typed: this.answer.keypad === true,
        sources: this.answer.keypad ? [] : this.utt?.sources ?? [],
        ...(this.answer.keypad || !this.utt ? {} : { gapsMs: this.utt.gapsMs }),
        picker: this.o.picker.index,
        ...(this.answer.expected === undefined ? {} : { expected: this.answer.expected }),
        reprompt,
        retry: this.retry,
        interrupted,
        asked: this.lastPrompt,
        prompt: p,
      });
    }
    if (this.st === St.Speaking && this.o.audio === 'gate') {
      this.event('speech_end');
    }
    this.recognized = null;
    this.utt = null;
    this.retry = reprompt;
    this.answer = this.o.script.answer(p, this.o.picker);
    if (!this.answer) { this.st = St.Listening; this.wakeAt = Infinity; return; }
    // the question as first asked at this node (escalations add words before or after it)
    if (!this.lastPrompt || this.lastPrompt.node !== p.node) this.questionText = p.text;
    this.lastPrompt = p;
    const utt = this.o.bank.utterance(this.answer.say, this.o.picker.voice, this.o.picker.rand);
    if (!utt) {
      counters.error(`no recording for answer "${this.answer.say}"`);
      this.st = St.Listening; this.wakeAt = Infinity; this.answer = null;
      return;
    }
    this.utt = utt;
    // after the prompt is spoken: think/walk time sized for the duty cycle
    const busyMs = utt.speechMs / Math.max(0.01, this.o.speechDuty) - utt.speechMs - ttsMs;
    // typing on the keypad is not speech: 2–4 s, whatever the duty cycle
    const think = this.answer.keypad ? 2000 + 2000 * this.o.picker.rand() : Math.max(200, busyMs * (0.7 + 0.6 * this.o.picker.rand()));
    this.st = St.Listening;
    this.wakeAt = this.ttsEndAt + think;
  }

  /** Called by the engine every tick; sends due frames. Returns frames sent. */
  tick(now: number): number {
    let sent = 0;
    const ws = this.ws;
    if (!ws || this.st === St.Closed || this.st === St.Connecting || this.st === St.Hello) return 0;
    if (this.seq > this.ackedSeq && now - this.lastAckAt >= this.ackEveryMs) {
      this.sendJson({ type: 'ack', seq: this.seq });
      this.ackedSeq = this.seq;
      this.lastAckAt = now;
    }
    if (this.ttsEndAt !== 0 && now >= this.ttsEndAt) {
      this.ttsEndAt = 0;
      this.event('tts_finished');
    }
    const frames = this.o.bank.frames;
    switch (this.st) {
      case St.Listening:
        if (now >= this.wakeAt && this.utt && this.answer?.keypad) {
          this.cseq += 1;
          this.sendJson({ type: 'text', cseq: this.cseq, text: this.answer.say });
          this.speechEndAt = this.lastFrameAt = now;
          this.st = St.Waiting;
          this.wakeAt = now + this.o.turnTimeoutMs;
          return 0;
        }
        if (now >= this.wakeAt && this.utt) {
          this.st = St.Speaking;
          this.pos = 0;
          this.speakStartAt = now;
          if (this.o.audio === 'gate') {
            // the gate opens when speech starts and sends its buffered pre-roll at once
            this.event('speech_start');
            this.nextFrameAt = now - this.utt.preRollFrames * FRAME_MS;
          } else if (this.nextFrameAt < now - FRAME_MS) this.nextFrameAt = now;
        } else if (this.o.audio === 'continuous') {
          this.skipLateSilence(now);
          while (this.nextFrameAt <= now) {
            if (ws.bufferedAmount > 262144) { this.o.counters.clientBacklog += 1; break; }
            ws.send(frames[this.o.bank.silence(this.silenceIdx++)]!);
            this.nextFrameAt += FRAME_MS;
            sent++;
          }
          return sent;
        } else return 0;
      // falls through: start speaking in this tick
      case St.Speaking: {
        const utt = this.utt!;
        while (this.nextFrameAt <= now && this.pos < utt.frames.length) {
          if (ws.bufferedAmount > 262144) { this.o.counters.clientBacklog += 1; break; }
          ws.send(frames[utt.frames[this.pos]!]!);
          if (this.pos === utt.speechEndIndex) {
            this.speechEndAt = now;
            // a typed/echo answer goes as soon as the words are said (the tail keeps streaming)
            if (this.answer?.sendText) {
              this.cseq += 1;
              this.sendJson({ type: 'text', cseq: this.cseq, text: this.answer.say });
            }
          }
          this.lastFrameAt = now;
          this.pos++;
          this.nextFrameAt += FRAME_MS;
          sent++;
        }
        if (this.pos >= utt.frames.length) {
          if (this.o.audio === 'gate') {
            this.event('speech_end');
          }
          this.st = St.Waiting;
          this.wakeAt = now + this.o.turnTimeoutMs;
        }
        return sent;
      }
      case St.Waiting:
        if (this.o.audio === 'continuous') {
          this.skipLateSilence(now);
          while (this.nextFrameAt <= now) {
            if (ws.bufferedAmount > 262144) { this.o.counters.clientBacklog += 1; break; }
            ws.send(frames[this.o.bank.silence(this.silenceIdx++)]!);
            this.nextFrameAt += FRAME_MS;
            sent++;
          }
        }
        if (now >= this.wakeAt) {
          this.o.counters.timeouts += 1;
          if (this.answer) this.o.turns.timeout({ at: now, node: this.lastPrompt?.node ?? '', said: this.answer.say, sources: this.answer.keypad ? [] : this.utt?.sources ?? [], typed: this.answer.keypad === true });
          // say it again after a short pause
          this.st = St.Listening;
          this.wakeAt = now + 1000;
        }
        return sent;
      default:
        return 0;
    }
  }

  /**
   * When the load generator itself was held up (> 100 ms), silence frames it owes are not sent in
   * a burst (a real device would not burst silence either); they are counted as `lateSkipped`.
   * Speech frames are never skipped: the recogniser must hear the whole answer.
   */
  private skipLateSilence(now: number): void {
    const behind = now - this.nextFrameAt;
    if (behind > 100) {
      const skip = Math.floor((behind - 20) / FRAME_MS);
      this.nextFrameAt += skip * FRAME_MS;
      this.o.counters.lateSkipped += skip;
    }
  }

  close(): void {
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000, 'bench done');
  }

  terminate(): void { this.ws?.terminate(); }
}

/**
 * A reprompt: the question just answered, asked again at the same node. The engine's escalations
 * keep the original question's words ("Sorry. Slot 4.", "More than asked. Pick 4. Pick 4 of tea,
 * then say how many."), so `question` (the text first asked at this node) is looked for in it.
 * A "did you say …?" confirmation is not a reprompt.
 */
export function isReprompt(asked: PromptMsg, next: PromptMsg, question = asked.text): boolean {
  if (!next.expect || asked.node === undefined || next.node !== asked.node) return false;
  if (next.expect.kind === 'yesno' && asked.expect?.kind !== 'yesno') return false;
  return next.text === asked.text || next.text.includes(question);
}
