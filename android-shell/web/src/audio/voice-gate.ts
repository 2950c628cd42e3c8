/**
 * Client-side voice gate: decides, frame by frame, which 20 ms PCM16 frames go to the gateway.
 * An energy detector against an adaptive noise floor opens the gate after `attackFrames` loud
 * frames and sends the `preRollFrames` before them (so the first consonant is not cut); it closes
 * after `hangoverFrames` quiet frames, which also gives the server's VAD the trailing silence it
 * needs to end the utterance. Silence between answers is not sent (a gap means silence,
 * docs/protocol.md). Pure and synchronous: the same code runs in the page and in unit tests.
 */
export interface VoiceGateOptions {
  /** false = send every frame (the gate only reports speech start/end). */
  enabled: boolean;
  preRollFrames: number;
  hangoverFrames: number;
  attackFrames: number;
  /** Open when the frame is this many dB above the noise floor… */
  thresholdDb: number;
  /** …and above this absolute level (dBFS), so digital silence plus a click does not open it. */
  minSpeechDbfs: number;
  /** The first frames only measure the room (the gate cannot open during them). */
  calibrationFrames: number;
  /** Longest the gate stays open (frames): a steady noise taken for speech is re-learned as the floor. */
  maxOpenFrames: number;
}

export const DEFAULT_GATE: VoiceGateOptions = {
  enabled: true, preRollFrames: 15, hangoverFrames: 40, attackFrames: 2, thresholdDb: 10, minSpeechDbfs: -48,
  calibrationFrames: 10, maxOpenFrames: 750,
};

export interface GateResult {
  /** Frames to send now, oldest first (copies: safe to keep). */
  frames: Int16Array[];
  speechStart: boolean;
  speechEnd: boolean;
}

export function frameDbfs(frame: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) { const v = frame[i]!; sum += v * v; }
  const rms = Math.sqrt(sum / Math.max(1, frame.length)) / 32768;
  return rms > 0 ? 20 * Math.log10(rms) : -120;
}

export class VoiceGate {
  private readonly o: VoiceGateOptions;
  private ring: Int16Array[] = [];
  private open = false;
  private loud = 0;
  private quiet = 0;
  private floorDb = -70;
  private openFrames = 0;
  framesIn = 0;
  framesOut = 0;

  constructor(opts: Partial<VoiceGateOptions> = {}) { this.o = { ...DEFAULT_GATE, ...opts }; }

  get isOpen(): boolean { return this.open; }
  get noiseFloorDb(): number { return this.floorDb; }

  push(frame: Int16Array): GateResult {
    this.framesIn++;
    const copy = frame.slice();
    const db = frameDbfs(copy);
    const openAt = Math.max(this.floorDb + this.o.thresholdDb, this.o.minSpeechDbfs);
    const isLoud = db >= openAt;
    const isQuiet = db < openAt - 3; // hysteresis
    if (this.framesIn <= this.o.calibrationFrames) {
      this.floorDb = this.framesIn === 1 ? Math.max(db, -90) : this.floorDb + (Math.max(db, -90) - this.floorDb) / this.framesIn;
    } else {
      this.adaptFloor(db);
    }
    const out: GateResult = { frames: [], speechStart: false, speechEnd: false };
    if (!this.open) {
      this.loud = isLoud && this.framesIn > this.o.calibrationFrames ? this.loud + 1 : 0;
      if (this.loud >= this.o.attackFrames) {
        this.open = true;
        this.quiet = 0;
        this.openFrames = 0;
        out.speechStart = true;
        out.frames = this.o.enabled ? [...this.ring, copy] : [copy];
        this.ring = [];
      } else {
        if (!this.o.enabled) out.frames = [copy];
        this.ring.push(copy);
        if (this.ring.length > this.o.preRollFrames + this.o.attackFrames - 1) this.ring.shift();
      }
    } else {
      out.frames = [copy];
      this.quiet = isQuiet ? this.quiet + 1 : 0;
      if (++this.openFrames >= this.o.maxOpenFrames) this.floorDb = Math.max(db, -90); // not speech: it never stops
      if (this.quiet >= this.o.hangoverFrames || this.openFrames >= this.o.maxOpenFrames) {
        this.open = false;
        this.loud = 0;
        out.speechEnd = true;
      }
    }
    this.framesOut += out.frames.length;
    return out;
  }

  /** Forget the pre-roll (e.g. while the device itself is speaking a prompt). */
  reset(): void {
    this.ring = [];
    this.loud = 0;
    if (this.open) { this.open = false; this.quiet = 0; }
  }

  private adaptFloor(db: number): void {
    const d = Math.max(db, -90);
    // Falls fast, rises slowly (very slowly while the gate is open): tracks the background, not the speech.
    const rise = this.open ? 0.002 : 0.02;
    this.floorDb += d < this.floorDb ? (d - this.floorDb) * 0.3 : (d - this.floorDb) * rise;
  }
}
