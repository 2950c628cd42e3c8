/**
 * What one SoundSwallower decoder costs, by configuration:
 * `npm run bench:asr-decoder -- --data DIR [--speaker S] [--takes N] [--reps N]`.
 *
 * Decodes N single-digit takes of one speaker (8 kHz, padded with 300 ms of light dither each side,
 * resampled to 16 kHz, fed in 100 ms chunks as the worker does) on one thread, and prints the
 * real-time factor (decode time / audio time) and the digit accuracy of each configuration: the
 * digits grammar alone, the phone loop alone (full and reduced, context-dependent or
 * context-independent phones, ds), both together (what a worker's slot runs: the fast loop by
 * default), and decoder settings that were considered (ds, topn). Run it on a quiet machine: it
 * measures wall time.
 */
import createModule from 'soundswallower';
import type { Decoder } from 'soundswallower';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cliArgs, cliNumber } from './cli-args.ts';
import { performance } from 'node:perf_hooks';
import { createDecoder, createLoopDecoder, LOOP_FAST, PHONES, REDUCED_LOOP_PHONES } from '../rescore.ts';
import { DIGIT_WORDS } from '../grammar.ts';
import { loadDigits } from './corpus.ts';

const HELP = 'usage: npm run bench:asr-decoder -- --data DIR [--speaker S (default: the first)] [--takes N (40)] [--reps N (2)]\n';
const values = cliArgs('bench:asr-decoder', HELP, { data: { type: 'string' }, speaker: { type: 'string' }, takes: { type: 'string' }, reps: { type: 'string' } }, ['data']);
const takes = cliNumber('bench:asr-decoder', HELP, 'takes', values.takes, 40, true)!, reps = cliNumber('bench:asr-decoder', HELP, 'reps', values.reps, 2, true)!;
const all = loadDigits(values.data);
const speaker = values.speaker ?? all[0]?.speaker;
const mine = all.filter((t) => t.speaker === speaker).slice(0, takes);
if (!mine.length) { process.stderr.write(`no takes of speaker ${String(speaker)} in ${values.data}\n`); process.exit(2); }
let seed = 1;
const utts = mine.map((t) => {
  const pad = new Float32Array(t.audio.length + 2 * 4800);
  pad.set(t.audio, 4800);
  for (let i = 0; i < pad.length; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; pad[i]! += ((seed >> 8) / 0x7fffff - 0.5) * 0.0005; }
  return { digit: t.digit, audio: pad };
});

const modelBase = `${path.join(path.dirname(createRequire(import.meta.url).resolve('soundswallower')), 'model')}/`;
const ss = await createModule({ modelBase } as Parameters<typeof createModule>[0]);
const DIGITS = `#JSGF V1.0;\ngrammar d;\npublic <r> = ${DIGIT_WORDS.join(' | ')};\n`;

async function grammarDecoder(config: Record<string, number | string>): Promise<Decoder> {
  const dec = await createDecoder(ss, config);
  dec.set_grammar(DIGITS);
  return dec;
}

async function run(label: string, o: { grammar?: boolean; loop?: readonly string[]; settings?: Record<string, number>; loopSettings?: Record<string, number | boolean> }): Promise<void> {
  const config = { hmm: path.join(modelBase, 'en-us'), loglevel: 'FATAL', samprate: 16000, ...o.settings };
  const decs: Decoder[] = [];
  const dec = o.grammar === false ? null : await grammarDecoder(config);
  if (dec) decs.push(dec);
  if (o.loop) decs.push(await createLoopDecoder(ss, config, o.loop, o.loopSettings));
  let ms = 0, secs = 0, right = 0;
  for (let r = 0; r < reps; r++) {
    for (const u of utts) {
      const t0 = performance.now();
      for (const d of decs) d.start();
      for (let i = 0; i < u.audio.length; i += 1600) for (const d of decs) d.process_audio(u.audio.subarray(i, i + 1600));
      for (const d of decs) d.stop();
      ms += performance.now() - t0; secs += u.audio.length / 16000;
      if (dec && dec.get_text().trim() === DIGIT_WORDS[u.digit]) right++;
    }
  }
  for (const d of decs) d.delete();
  const acc = dec ? (right / (reps * utts.length)).toFixed(3) : '—';
  process.stdout.write(`${label.padEnd(36)} rtf ${(ms / 1000 / secs).toFixed(4)}  digits right ${acc}\n`);
}

process.stdout.write(`${utts.length} takes of ${speaker} × ${reps}\n`);
await run('grammar alone', {});
await run(`phone loop alone, full (${PHONES.length})`, { grammar: false, loop: PHONES });
await run(`phone loop alone, reduced (${REDUCED_LOOP_PHONES.length})`, { grammar: false, loop: REDUCED_LOOP_PHONES });
await run('grammar + full loop', { loop: PHONES });
await run('grammar + reduced loop (CD)', { loop: REDUCED_LOOP_PHONES });
await run(`phone loop alone, CI phones (${REDUCED_LOOP_PHONES.length})`, { grammar: false, loop: REDUCED_LOOP_PHONES, loopSettings: { cionly: true } });
await run(`phone loop alone, CI phones (${PHONES.length})`, { grammar: false, loop: PHONES, loopSettings: { cionly: true } });
await run('grammar + CI-phone loop (27)', { loop: REDUCED_LOOP_PHONES, loopSettings: { cionly: true } });
await run('CI-phone loop (27) alone, ds=2', { grammar: false, loop: REDUCED_LOOP_PHONES, loopSettings: { cionly: true, ds: 2 } });
await run('CI-phone loop (27) alone, ds=3', { grammar: false, loop: REDUCED_LOOP_PHONES, loopSettings: { cionly: true, ds: 3 } });
await run('reduced loop (27) alone, ds=2', { grammar: false, loop: REDUCED_LOOP_PHONES, loopSettings: { ds: 2 } });
await run('grammar + fast loop (default)', { loop: REDUCED_LOOP_PHONES, loopSettings: { ...LOOP_FAST } });
await run('grammar alone, ds=2', { settings: { ds: 2 } });
await run('grammar alone, topn=2', { settings: { topn: 2 } });
process.exit(0);
