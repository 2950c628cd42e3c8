/**
 * Figures of the last spoken e2e runs, from their artefacts (artifacts/e2e/voice-<run>-turns.json,
 * written by e2e/device-voice.test.ts): per answer what was said (and by which voice), what the
 * device was told it heard, the confidence, and the recogniser latency logged in dialog_turns.
 * Not a test: `npx tsx e2e/voice-report.ts [clean cut]`.
 */
import { readFile } from 'node:fs/promises';
import type { LogEntry } from '../android-shell/web/src/controller.ts';
import type { Answer } from './support/answers.ts';
import { artefact } from './support/voice-run.ts';

interface Turn { kind: string; text: string | null; confidence: number | null; latency_ms?: number | null }
interface Artefact { answers: Answer[]; marks: { at: number }[]; device: LogEntry[]; db: Turn[] }

const runs = process.argv.slice(2).length ? process.argv.slice(2) : ['clean', 'cut'];
for (const run of runs) {
  const a = JSON.parse(await readFile(artefact(`voice-${run}-turns.json`), 'utf8')) as Artefact;
  const heard = a.device.filter((e) => e.dir === 'in' && e.kind === 'recognized');
  const utterances = a.db.filter((t) => t.kind === 'utterance');
  const trackS = a.marks.at(-1)?.at ?? 0;
  const first = a.device[0]?.t ?? 0;
  const end = a.device.find((e) => e.dir === 'in' && e.kind === 'prompt' && /Assignment complete|No work/.test(e.text ?? ''));
  console.log(`\n${run}: ${a.answers.length} answers, track ${trackS.toFixed(1)} s, device log ${end ? ((end.t - first) / 1000).toFixed(1) + ' s to the end of the assignment' : 'not finished'}`);
  const starts = a.device.filter((e) => e.dir === 'out' && e.kind === 'speech_start');
  const margins: number[] = [];
  console.log('| # | said | speech | heard | confidence | recogniser latency (ms) | margin after the prompt (ms) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  a.answers.forEach((ans, i) => {
    const h = heard[i];
    const u = utterances[i];
    const s = starts[i];
    const ttsEnd = s ? [...a.device].reverse().find((e) => e.t <= s.t && e.kind === 'tts_finished') : undefined;
    const margin = s && ttsEnd ? s.t - ttsEnd.t : undefined;
    if (margin !== undefined) margins.push(margin);
    console.log(`| ${i + 1} | ${ans.say} | ${ans.source ?? '-'} | ${h?.text ?? '-'} | ${h?.detail ?? '-'} | ${u?.latency_ms ?? '-'} | ${margin ?? '-'} |`);
  });
  if (margins.length) console.log(`smallest margin after a prompt: ${Math.min(...margins)} ms`);
  const lat = utterances.map((u) => u.latency_ms).filter((x): x is number => typeof x === 'number').sort((x, y) => x - y);
  if (lat.length) console.log(`recogniser latency: median ${lat[Math.floor(lat.length / 2)]} ms, max ${lat.at(-1)} ms over ${lat.length} utterances`);
  const right = a.answers.filter((ans, i) => heard[i]?.text === ans.say).length;
  console.log(`heard as said: ${right}/${a.answers.length}`);
}
