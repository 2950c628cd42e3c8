/**
 * The load engine: N simulated devices driven by ONE shared timer. Every 10 ms the tick walks the
 * devices and each sends the frames that are due on its own 20 ms grid (phases are spread, so the
 * sends are too). Connections are opened at a bounded rate. Tick lateness is recorded: when the
 * load generator itself falls behind, the report says so instead of blaming the gateway.
 */
import { SimDevice, type DeviceCreds, type Script } from './device.ts';
import { Counters, TurnStats } from './counters.ts';
import { rng, type FrameBank } from './audio/bank.ts';
import { Samples } from './stats.ts';

export interface EngineOptions {
  wsUrl: string;
  bank: FrameBank;
  script: Script;
  audio: 'gate' | 'continuous';
  speechDuty: number;
  turnTimeoutMs?: number;
  seed?: number;
  /** New connections per second while ramping. */
  connectRate?: number;
  /** Voices the pickers are given, round-robin (FSDD speakers). */
  voices: string[];
}

const TICK_MS = 10;

/** The voice (FSDD speaker) of the picker at `index`: round-robin over the voices. */
export const pickerVoice = (voices: readonly string[], index: number): string => voices[index % voices.length]!;

export class LoadEngine {
  readonly counters = new Counters();
  readonly turns = new TurnStats();
  readonly tickLate = new Samples();
  private readonly devices: SimDevice[] = [];
  private readonly t0 = performance.now();
  private timer: NodeJS.Timeout | null = null;
  private nextTick = 0;
  private readonly rand: () => number;
  readonly clock = (): number => performance.now() - this.t0;

  constructor(private readonly o: EngineOptions) {
    this.rand = rng(o.seed ?? 1);
  }

  get size(): number { return this.devices.length; }

  start(): void {
    if (this.timer) return;
    this.nextTick = this.clock() + TICK_MS;
    const loop = (): void => {
      const now = this.clock();
      this.tickLate.add(now - this.nextTick, now);
      let sent = 0;
      const list = this.devices;
      for (let i = 0; i < list.length; i++) sent += list[i]!.tick(now);
      this.counters.framesSent += sent;
      this.nextTick += TICK_MS;
      if (this.nextTick < now) this.nextTick = now + TICK_MS; // fell behind: do not burst
      this.timer = setTimeout(loop, Math.max(0, this.nextTick - this.clock()));
    };
    this.timer = setTimeout(loop, TICK_MS);
  }

  /**
   * Opens `creds.length` more sessions at the connect rate; resolves when each is welcomed or
   * closed, or after `timeoutMs`. Returns how many got a welcome.
   */
  async addSessions(creds: DeviceCreds[], timeoutMs = 30000): Promise<number> {
    const rate = this.o.connectRate ?? 100;
    const before = this.counters.welcomed;
    const added: SimDevice[] = [];
    for (let i = 0; i < creds.length; i++) {
      const index = this.devices.length;
      const seed = Math.floor(this.rand() * 2 ** 32);
      const d = new SimDevice({
        wsUrl: this.o.wsUrl, creds: creds[i]!, bank: this.o.bank, script: this.o.script,
        picker: { index, voice: pickerVoice(this.o.voices, index), rand: rng(seed) },
        counters: this.counters, turns: this.turns, audio: this.o.audio, speechDuty: this.o.speechDuty,
        turnTimeoutMs: this.o.turnTimeoutMs ?? 10000, clock: this.clock,
      });
      this.devices.push(d);
      added.push(d);
      d.connect();
      if ((i + 1) % Math.max(1, Math.round(rate / 10)) === 0) await sleep(100);
    }
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && added.some((d) => !d.connected && !d.closed)) await sleep(50);
    return this.counters.welcomed - before;
  }

  async stop(): Promise<void> {
    this.counters.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const d of this.devices) d.close();
    const deadline = performance.now() + 3000;
    while (performance.now() < deadline && this.devices.some((d) => !d.closed)) await sleep(50);
    for (const d of this.devices) if (!d.closed) d.terminate();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
