/**
 * Recogniser worker thread: one SoundSwallower module (its WebAssembly heap never shrinks and
 * each module adds a process-wide listener, so exactly one per thread), a fixed pool of decoders
 * reused across utterances (grammar switched with set_grammar), and the template matcher.
 * Audio arrives in ~100 ms chunks while the picker speaks, so only finalisation remains at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import createModule from 'soundswallower';
import type { Decoder, SoundSwallowerModule } from 'soundswallower';
import { extractFeatures, newFeatureCache, takeFeatures, trimSilence } from './features.ts';
import { templateScale, type TemplateSet } from './dtw.ts';
import { sdMatch, UtteranceTemplates } from './utterance-templates.ts';
import { Lru } from './lru.ts';
import { audibleSamples, comfortLevel, fillSilence, newNoise, type NoiseState } from './comfort.ts';
import { ASR_RATE, concat, pcmToFloat, resample } from './audio.ts';
import { digitOf, EARLY_END_PAUSE_WORD_MS, FILLER_PREFIX } from './grammar.ts';
import { createDecoder, createLoopDecoder, decodeDeferredLoop, type LoopState, feedChunks, LOOP_FAST, pathScore, scoreExpected, spokenWords, startLoop, stopLoop } from './rescore.ts';
import { CmnHandle, CMN_STATE, cmnMarker } from './cmn.ts';
import type { FromWorker, LoopPass, SerializedTemplates, SdMatch, ToWorker, WordSeg } from './worker-protocol.ts';
import { serveInbox } from './worker-queue.ts';
import { templatesAtEnd, templatesAtPause, type TemplatesFirst } from './verify.ts';
import { nameThread, threadClock } from './thread-cpu.ts';

export interface WorkerOptions { index: number; modelBase: string; model: string; decoders: number; templateCache: number; dtwBand: number; si: boolean; decoderConfig: Record<string, number | string | boolean>; oogLoop: boolean; loopPhones: string[]; loopConfig: Record<string, number | string | boolean>; loopFast: boolean; sessionCmn: boolean; comfortFromSpeech: boolean; sessionComfort: boolean; pauseFlush: boolean }

const opts = workerData as WorkerOptions;
const port = parentPort!;
nameThread(`vm-asr-${opts.index}`);
const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

/**
 * Audio held back to estimate the comfort-noise level (comfort.ts). By default the first 400 ms of
 * audio, the pre-roll of zeros a gated device sends included; with `comfortFromSpeech`, 600 ms that
 * are not digital silence. From 400 ms of audio the level comes from little speech and is capped
 * far too low: check strings streamed at once through 8 decoders 0.79 with the whole utterance's
 * level, 0.71 with it; 400 / 600 / 800 ms not digital silence 0.75 / 0.78 / 0.78 (diag:asr-endpoint
 * --fast, docs/performance/asr.md round 7). With it, shorter answers are fed at their first pause.
 */
const FLOOR_MS = opts.comfortFromSpeech ? 600 : 400;

interface Slot extends LoopState {
  dec: Decoder | null;
  /** The decoders' cepstral-mean state (cmn.ts): the session's is put in at begin, read out at end. */
  cmn: CmnHandle | null;
  loopCmn: CmnHandle | null;
  grammar: string | null;
  utt: number;
  active: boolean;
  chunks: Float32Array[];
  samples: number;
  pending: Float32Array[];
  pendingLen: number;
  /** Samples held so far that are not digital silence (the comfort level waits for FLOOR_MS of them). */
  audible: number;
  fill: number | null;
  /** Comfort-noise generator, restarted per utterance (the same audio always gets the same noise). */
  noise: NoiseState;
  cpu: number;
  /** The expected answer's words (for rescoring). */
  expected: string[] | null;
  /** Search settings applied to this decoder beyond its defaults. */
  settings: Record<string, number>;
  /**
   * The answer the dialog knows to be right, as the decoder spells it: the phone loop is not fed
   * while the picker speaks but decoded over the held audio at the end, and only when the
   * grammar's winner is not this answer (`oogDefer`, docs/performance/asr.md round 8). null: the
   * loop is fed as audio arrives.
   */
  deferLoop: string[] | null;
  /** The deferred loop is skipped only when the templates' closest token is the known answer too (a one-word answer of an enrolled operator). */
  loopSd: boolean;
  /**
   * The decoder has heard speech. PocketSphinx carries its cepstral mean over from one utterance
   * to the next and starts from the model's `cmninit`, which is far from real audio: a fresh
   * decoder's first utterance is decoded twice, the first pass only setting the mean.
   */
  warm: boolean;
  /** Templates first (verify.ts): the decoder is not fed while this is set; `at`: the sample its last pause confirmed the string at. */
  tf: TemplatesFirst | null;
  /** The decoder took over from the templates during this utterance. */
  tfFell: boolean;
}

/** This thread's CPU clock: a slot's `cpu` (the rtf) counts CPU time, not time preempted (thread-cpu.ts). */
const clock = threadClock();
let ss: SoundSwallowerModule | null = null;
const slots: Slot[] = [];
const dict = new Map<string, string[]>();
const templates = new Lru<string, TemplateSet[]>(opts.templateCache);
/** Each cached template set's own scale (dtw.ts `templateScale`), computed when first needed; it goes when the set is evicted. */
const scales = new WeakMap<TemplateSet[], number>();

async function init(): Promise<void> {
  if (opts.si) {
    ss = await createModule({ modelBase: opts.modelBase } as Partial<SoundSwallowerModule>);
    for (const line of readFileSync(path.join(opts.modelBase, opts.model, 'dict.txt'), 'utf8').split('\n')) {
      const m = /^(\S+?)(?:\(\d+\))?\s+(.+)$/.exec(line.trim());
      if (!m) continue;
      const list = dict.get(m[1]!) ?? [];
      list.push(m[2]!);
      dict.set(m[1]!, list);
    }
    // A small dictionary keeps each decoder at ~10 MB; other words are added on demand.
    const base = new Set(['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'oh', 'ten', 'eleven',
      'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty', 'thirty', 'forty',
      'fifty', 'sixty', 'seventy', 'eighty', 'ninety', 'hundred', 'yes', 'no', 'ready', 'repeat', 'say', 'again', 'skip', 'short',
      'help', 'how', 'much', 'more', 'sign', 'off', 'cancel', 'talk', 'louder', 'softer', 'faster', 'slower']);
    const dir = mkdtempSync(path.join(tmpdir(), 'vm-asr-'));
    const dictPath = path.join(dir, 'small.dict');
    const lines: string[] = [];
    for (const w of base) (dict.get(w) ?? []).forEach((p, i) => lines.push(`${w}${i ? `(${i + 1})` : ''} ${p}`));
    writeFileSync(dictPath, `${lines.join('\n')}\n`);
    const config = { hmm: path.join(opts.modelBase, opts.model), dict: dictPath, loglevel: 'FATAL', samprate: 16000, ...opts.decoderConfig };
    // sessionCmn: each decoder's feature module starts from a marker cmninit, so its CMN state can
    // be found (cmn.ts); it is reset to the model's own cmninit right after.
    let modelCmn: number[] = [];
    if (opts.sessionCmn) {
      const probe = new ss.Decoder(config);
      modelCmn = String(probe.get_config('cmninit')).split(',').map(Number);
      probe.delete();
    }
    const marker = (k: number): Record<string, string> => (opts.sessionCmn ? { cmninit: cmnMarker(k).join(',') } : {});
    const locate = (k: number): CmnHandle | null => (opts.sessionCmn ? CmnHandle.locate(ss!, cmnMarker(k), modelCmn) : null);
    for (let i = 0; i < opts.decoders; i++) {
      const dec = await createDecoder(ss, { ...config, ...marker(2 * i) });
      const cmn = locate(2 * i);
      // The phone loop decodes the same audio alongside (out-of-grammar evidence, see rescore.ts).
      const loop = opts.oogLoop ? await createLoopDecoder(ss, { ...config, ...marker(2 * i + 1) }, opts.loopPhones, { ...(opts.loopFast ? LOOP_FAST : {}), ...opts.loopConfig }) : null;
      slots.push(newSlot(dec, loop, cmn, loop ? locate(2 * i + 1) : null));
    }
  } else {
    for (let i = 0; i < opts.decoders; i++) slots.push(newSlot(null, null, null, null));
  }
  post({ type: 'ready', decoders: slots.length });
}

function newSlot(dec: Decoder | null, loop: Decoder | null, cmn: CmnHandle | null, loopCmn: CmnHandle | null): Slot {
  return { dec, loop, cmn, loopCmn, seeded: false, grammar: null, utt: -1, active: false, chunks: [], samples: 0, pending: [], pendingLen: 0, audible: 0, fill: null, noise: newNoise(), cpu: 0, fed: [], expected: null, settings: {}, warm: false, deferLoop: null, loopSd: false, loopOn: false, loopWarm: false, tf: null, tfFell: false };
}



function ensureWords(dec: Decoder, words: string[]): void {
  const add: [string, string][] = [];
  for (const w of words) {
    if (dec.lookup_word(w) !== null) continue;
    const prons = dict.get(w.startsWith(FILLER_PREFIX) ? w.slice(FILLER_PREFIX.length) : w);
    if (!prons) throw Object.assign(new Error(`word "${w}" is not in the ${opts.model} dictionary`), { code: 'ASR_UNKNOWN_WORD' });
    prons.forEach((p, i) => add.push([i ? `${w}(${i + 1})` : w, p]));
  }
  if (add.length) dec.add_words(...add);
}

/** Decoder defaults of the settings grammars may change (read once). */
const defaults = new Map<string, number>();

/** Per-grammar search settings: read when the next grammar is set (the search is rebuilt then). */
function applySettings(s: Slot, want: Record<string, number>): void {
  const dec = s.dec!;
  for (const k of new Set([...Object.keys(s.settings), ...Object.keys(want)])) {
    if (!defaults.has(k)) defaults.set(k, Number(dec.get_config(k)));
    const v = want[k] ?? defaults.get(k)!;
    if (Number(dec.get_config(k)) !== v) dec.set_config(k, v);
  }
  s.settings = { ...want };
}

function feed(s: Slot, x: Float32Array): void {
  if (!s.dec) return;
  feedChunks(s.dec, x);
  if (s.loopOn) feedChunks(s.loop!, x);
}

function flushPending(s: Slot): void {
  if (s.pendingLen === 0) return;
  const all = concat(s.pending, s.pendingLen);
  s.pending = []; s.pendingLen = 0;
  if (s.fill === null) s.fill = comfortLevel(all);
  fillSilence(all, s.fill, s.noise);
  if (s.expected || !s.warm || s.deferLoop || (s.loopOn && !s.loopWarm)) s.fed.push(all);
  feed(s, all);
}

/**
 * At a pause (the only place a partial can end an utterance early): posts the decoder's partial
 * hypothesis, if any, with whether its last word has settled — lasted EARLY_END_PAUSE_WORD_MS up
 * to `pauseAt`, the sample where the silence began. A word the search fits into the silence is a
 * guess, not a word said.
 */
function postPartial(s: Slot, utt: number, pauseAt: number): void {
  const text = s.fill !== null ? s.dec!.get_text() : '';
  if (!text) return;
  post({ type: 'partial', utt, words: text.split(/\s+/).filter(Boolean), settled: lastWordMs(s.dec!, pauseAt) >= EARLY_END_PAUSE_WORD_MS });
}

/** How long the partial hypothesis's last word lasted up to `speechEnd` (a sample), in ms. */
function lastWordMs(dec: Decoder, speechEnd: number): number {
  const w = spokenWords(dec.get_alignment()).at(-1);
  if (!w) return 0;
  return Math.max(0, Math.min(w.b + w.d, speechEnd / 16000) - w.b) * 1000;
}

function slotFor(m: { slot: number; utt: number }): Slot {
  const s = slots[m.slot];
  if (!s) throw Object.assign(new Error(`no decoder slot ${m.slot}`), { code: 'ASR_INTERNAL' });
  return s;
}

function scaleOf(sets: TemplateSet[]): number {
  let v = scales.get(sets);
  if (v === undefined) { v = templateScale(sets, opts.dtwBand); scales.set(sets, v); }
  return v;
}

function toTemplateSets(t: SerializedTemplates): TemplateSet[] {
  return t.sets.map((s) => ({ token: s.token, takes: s.takes.map((k) => ({ frames: k.frames, data: k.data })) }));
}

/** The operator's template sets of a request: from its data (then cached by key) or the cache; null when evicted. */
function templateSets(t: { key: string; data?: SerializedTemplates }): TemplateSet[] | null {
  if (t.data) templates.set(t.key, toTemplateSets(t.data));
  return templates.get(t.key) ?? null;
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'begin': {
      const t0 = clock.now();
      const s = slotFor(m);
      if (s.active && s.dec) { s.dec.stop(); stopLoop(s); }
      Object.assign(s, newSlot(s.dec, s.loop, s.cmn, s.loopCmn), { grammar: s.grammar, settings: s.settings, warm: s.warm, loopWarm: s.loopWarm, utt: m.utt, active: true, expected: m.expected ?? null, deferLoop: m.deferLoop ?? null, loopSd: m.deferLoopSd === true, fill: m.fill ?? null });
      if (s.dec && m.jsgf) {
        if (s.grammar !== m.key) {
          ensureWords(s.dec, m.words);
          applySettings(s, m.settings ?? {});
          s.dec.set_grammar(m.jsgf);
          s.grammar = m.key;
        }
        // PocketSphinx carries its cepstral mean over from the decoder's previous utterance, which
        // may be another session's. With sessionCmn the session's own state from its last
        // utterance is put back (cmn.ts, docs/performance/asr.md round 6). Resetting to the
        // model's cmninit per utterance was measured worse (round 4).
        if (m.cmn && s.cmn) {
          s.cmn.write(m.cmn, 0);
          // Every worker has the same decoders, so the state holds a loop part exactly when a loop exists.
          s.loopCmn?.write(m.cmn, CMN_STATE);
          s.seeded = true;
        }
        s.dec.start();
        if (!s.deferLoop) startLoop(s);
      }
      if (m.tfirst) {
        const sets = templateSets(m.tfirst);
        if (sets) s.tf = { tokens: m.tfirst.tokens, words: m.tfirst.words, sets, maxRatio: m.tfirst.maxRatio, maxDistance: m.tfirst.maxDistance, band: opts.dtwBand, confirmed: null, at: 0, feats: newFeatureCache() };
      }
      s.cpu += clock.now() - t0;
      return;
    }
    case 'audio': {
      const s = slotFor(m);
      if (!s.active || s.utt !== m.utt) return;
      const t0 = clock.now();
      s.chunks.push(m.pcm); s.samples += m.pcm.length;
      if (s.dec && s.grammar) {
        s.pending.push(m.pcm.slice()); s.pendingLen += m.pcm.length;
        if (s.fill === null && opts.comfortFromSpeech) s.audible += audibleSamples(m.pcm);
        // No partial here: only a pause can end an utterance early, and each pause posts one.
        if (!s.tf && (s.fill !== null || (opts.comfortFromSpeech ? s.audible : s.samples) >= (FLOOR_MS * 16))) flushPending(s);
      }
      s.cpu += clock.now() - t0;
      return;
    }
    case 'pause': {
      const s = slotFor(m);
      if (!s.active || s.utt !== m.utt || !s.dec || !s.grammar) return;
      const t0 = clock.now();
      if (s.tf) {
        const v = templatesAtPause(s.tf, concat(s.chunks, s.samples), Math.max(0, s.samples - m.silence));
        if (v === 'confirmed') post({ type: 'partial', utt: m.utt, words: s.tf.words, settled: true });
        if (v !== 'doubt') { s.cpu += clock.now() - t0; return; }
        s.tf = null; s.tfFell = true; // a whole string the templates doubt: the decoder takes over
      }
      // A decoder still holding audio back for its comfort level takes it now (pauseFlush; once
      // the level is known nothing is held, and flushPending has nothing to do).
      if (opts.pauseFlush || opts.comfortFromSpeech) flushPending(s);
      postPartial(s, m.utt, Math.max(0, s.samples - m.silence));
      s.cpu += clock.now() - t0;
      return;
    }
    case 'cancel': {
      const s = slotFor(m);
      if (s.active && s.utt === m.utt) { if (s.dec && s.grammar) { s.dec.stop(); stopLoop(s); } s.active = false; s.chunks = []; s.pending = []; s.fed = []; }
      return;
    }
    case 'end': {
      const s = slotFor(m);
      if (!s.active || s.utt !== m.utt) return;
      const t0 = performance.now(), c0 = clock.now();
      let si: { words: string[]; segs: WordSeg[] } | null = null;
      let rescore: { best: number; expected: number | null } | null = null;
      let oog: { constrained: number; loop: number; frames: number } | null = null;
      let cmnOut: Float32Array<ArrayBuffer> | null = null;
      let loopPass: LoopPass | undefined;
      let fill: number | undefined;
      // The utterance's audio in one array, joined once for whichever of the level and the templates need it.
      let joined: Float32Array | null = null;
      const utterance = (): Float32Array => (joined ??= concat(s.chunks, s.samples));
      // Templates first: confirmed (at the last pause or now) → the decoder never hears this utterance.
      const tfSegs = s.tf ? templatesAtEnd(s.tf, utterance, s.samples) : null;
      if (s.tf && !tfSegs) { s.tf = null; s.tfFell = true; }
      const tfirst = tfSegs ? { outcome: 'confirmed' as const, segments: tfSegs } : s.tfFell ? { outcome: 'fallback' as const } : undefined;
      if (tfSegs && s.dec) { s.dec.stop(); stopLoop(s); s.pending = []; s.pendingLen = 0; s.fed = []; }
      // The operator's templates, matched once for the loop's decision and the fusion.
      const sets = m.templates && !tfSegs ? templateSets(m.templates) : null;
      const tm = sets ? new UtteranceTemplates(utterance, sets, m.templates!, opts.dtwBand, () => scaleOf(sets)) : null;
      if (s.dec && s.grammar && !tfSegs) {
        if (opts.sessionComfort) fill = comfortLevel(utterance());
        flushPending(s);
        if (!s.warm && !s.seeded) {
          const loopToo = s.loopOn;
          s.dec.stop(); stopLoop(s);
          s.dec.start(); if (loopToo) startLoop(s);
          for (const a of s.fed) feed(s, a);
          s.warm = s.fed.length > 0;
        } else if (s.seeded) s.warm = true;
        else if (s.loopOn && !s.loopWarm) {
          // The grammar's decoder is warm but the loop never heard speech (its earlier utterances
          // all waited for a known answer): the stream was its first pass; this is its second.
          stopLoop(s); startLoop(s);
          for (const a of s.fed) feedChunks(s.loop!, a);
        }
        if (s.loopOn) s.loopWarm ||= s.fed.length > 0 || s.seeded;
        s.dec.stop();
        const al = s.dec.get_alignment();
        const segs: WordSeg[] = spokenWords(al)
          .map((w) => ({ word: w.t.replace(/\(\d+\)$/, ''), startMs: w.b * 1000, endMs: (w.b + w.d) * 1000 }));
        si = { words: segs.map((x) => x.word), segs };
        if (s.loop && ss) {
          // A deferred loop is decoded only when the grammar's winner is not the known answer.
          // A one-word answer's loop waits for the templates too (loopSd): it is needed only where they differ.
          const known = s.deferLoop !== null && si.words.join(' ') === s.deferLoop.join(' ') && (!s.loopSd || tm?.whole()?.token === digitOf(si.words[0]!));
          if (s.deferLoop && !known && segs.length) decodeDeferredLoop(s);
          loopPass = !s.deferLoop ? 'streamed' : known ? 'skipped' : 'deferred';
          stopLoop(s);
          const constrained = segs.length && !known ? pathScore(ss, s.dec) : null;
          const loop = constrained === null ? null : pathScore(ss, s.loop);
          oog = loop === null || constrained === null ? null : { constrained, loop, frames: Math.max(1, Math.round((segs[segs.length - 1]!.endMs - segs[0]!.startMs) / 10)) };
        }
        // Both decoders have stopped: their means now include this utterance (before any rescoring pass).
        if (s.cmn) { const out = new Float32Array(2 * CMN_STATE); s.cmn.read(out, 0); s.loopCmn?.read(out, CMN_STATE); cmnOut = out; }
        if (ss && s.expected && si.words.length && si.words.join(' ') !== s.expected.join(' ')) {
          // Both strings forced alone over the same audio: the same search conditions for each.
          const best = scoreExpected(ss, s.dec, si.words, s.fed);
          rescore = best === null ? null : { best, expected: scoreExpected(ss, s.dec, s.expected, s.fed) };
          s.grammar = null; // the decoder now holds the expected-only grammar
        }
        s.fed = [];
      }
      const { sd, sdSegments, sdConnected } = tm?.all(si) ?? { sd: null, sdSegments: null, sdConnected: null };
      const finalMs = performance.now() - t0;
      s.cpu += clock.now() - c0;
      s.active = false;
      const audioMs = s.samples / 16;
      s.chunks = [];
      post({ type: 'result', utt: m.utt, si, rescore, oog, sd, sdSegments, sdConnected, cpuMs: s.cpu, finalMs, audioMs, inboxWaitMs: inbox.takeMaxWait(), cmn: cmnOut, ...(fill !== undefined ? { fill } : {}), ...(loopPass ? { loopPass } : {}), ...(tfirst ? { tfirst } : {}) }, cmnOut ? [cmnOut.buffer as ArrayBuffer] : []);
      return;
    }
    case 'match': {
      const sets = toTemplateSets(m.templates);
      post({ type: 'matched', id: m.id, match: sdMatch(trimSilence(extractFeatures(m.pcm)), sets, m.tokens, opts.dtwBand) });
      return;
    }
    case 'features': {
      const pcm = m.pcm instanceof Int16Array ? pcmToFloat(m.pcm) : m.pcm;
      const f = takeFeatures(m.sampleRate === ASR_RATE ? pcm : resample(pcm, m.sampleRate));
      post({ type: 'featured', id: m.id, frames: f.frames, data: f.data }, [f.data.buffer as ArrayBuffer]);
      return;
    }
  }
}

const inbox = serveInbox(port, (m) => {
  try {
    handle(m);
  } catch (err) {
    const e = err as Error & { code?: string };
    const utt = 'utt' in m ? m.utt : undefined;
    if ('slot' in m) { const s = slots[m.slot]; if (s) s.active = false; }
    post({ type: 'error', utt, id: 'id' in m ? m.id : undefined, code: e.code ?? 'ASR_WORKER_ERROR', message: e.message });
  }
});

init().catch((err: Error) => {
  post({ type: 'error', code: 'ASR_WORKER_INIT', message: err.message });
});
