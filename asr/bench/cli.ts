/**
 * `npm run bench:asr -- --data DIR [--oog DIR] [--json] [--limit N] [--trials N] [--free N] [--bias W] [--filler W]
 *   [--oog-defer off|strings|all] [--margin M] [--oog-threshold T] [--check-ratio R] [--connected-margin M] [--decoder key=value,...] [--loop-phones full|reduced|AA,AE,...] [--loop-decoder key=value,...]`
 *   (decoder: SoundSwallower settings over the defaults, e.g. silprob=0.5,pip=0.1; loop-phones: the out-of-grammar phone loop's phones;
 *   loop-decoder: SoundSwallower settings of the phone-loop decoders only, e.g. cionly=true,ds=2)
 */
import { parseArgs } from 'node:util';
import { evaluate, type SpeakerRow } from './evaluate.ts';
import { fliteAvailable, parseDecoderArg, parseLoopPhonesArg, parseOnOff } from './corpus.ts';
import type { LoopPhones } from '../rescore.ts';
import { OOG_DEFER, type OogDefer } from '../decide.ts';

const { values } = parseArgs({ options: {
  data: { type: 'string' }, oog: { type: 'string' }, json: { type: 'boolean', default: false },
  limit: { type: 'string' }, trials: { type: 'string' }, bias: { type: 'string' }, filler: { type: 'string' }, workers: { type: 'string' }, free: { type: 'string' }, margin: { type: 'string' }, 'oog-threshold': { type: 'string' }, 'check-ratio': { type: 'string' }, 'connected-margin': { type: 'string' }, decoder: { type: 'string' }, 'loop-phones': { type: 'string' }, 'loop-decoder': { type: 'string' }, 'comfort-from-speech': { type: 'string' }, 'oog-defer': { type: 'string' },
} });
if (!values.data) { process.stderr.write('usage: npm run bench:asr -- --data DIR [--oog DIR] [--json] [--limit N] [--trials N] [--free N] [--decoder k=v,...] [--loop-phones full|reduced|AA,AE,...] [--loop-decoder k=v,...] [--comfort-from-speech on|off] [--oog-defer off|strings|all] (see asr/README.md)\n'); process.exit(2); }
const oogDefer = values['oog-defer'];
if (oogDefer !== undefined && !(OOG_DEFER as readonly string[]).includes(oogDefer)) { process.stderr.write(`bench:asr: --oog-defer must be one of ${OOG_DEFER.join(', ')}\n`); process.exit(2); }
if (!values.oog && !fliteAvailable()) {
  process.stderr.write('bench:asr: the built-in out-of-grammar set is synthesised with flite, which is not installed (apt-get install -y flite), or pass --oog DIR\n');
  process.exit(2);
}
const num = (s?: string): number | undefined => (s === undefined ? undefined : Number(s));
let decoderConfig: Record<string, number | string> = {};
let loopConfig: Record<string, number | string> | undefined;
let loopPhones: LoopPhones | undefined;
let comfortFromSpeech: boolean | undefined;
try { decoderConfig = parseDecoderArg(values.decoder); loopConfig = values['loop-decoder'] === undefined ? undefined : parseDecoderArg(values['loop-decoder']); loopPhones = parseLoopPhonesArg(values['loop-phones']); comfortFromSpeech = parseOnOff(values['comfort-from-speech'], 'comfort-from-speech'); } catch (err) { process.stderr.write(`${(err as Error).message}\n`); process.exit(2); }
const r = await evaluate({ freeTrials: num(values.free), expectedMargin: num(values.margin), oogThreshold: num(values['oog-threshold']), checkTemplateRatio: num(values['check-ratio']), connectedMargin: num(values['connected-margin']), decoderConfig: values.decoder ? decoderConfig : undefined, loopConfig, loopPhones, comfortFromSpeech, oogDefer: oogDefer as OogDefer | undefined,
  data: values.data, oog: values.oog, limitPerSpeaker: num(values.limit), checkTrials: num(values.trials),
  biasWeight: num(values.bias), fillerWeight: num(values.filler), workers: num(values.workers),
});
if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
else {
  const f = (x: unknown): string => (typeof x === 'number' ? x.toFixed(4) : typeof x === 'object' ? JSON.stringify(x) : String(x));
  for (const [k, v] of Object.entries(r)) if (k !== 'speakers') process.stdout.write(`${k.padEnd(20)} ${f(v)}\n`);
  process.stdout.write('\nspeaker      si      check_acc check_fa sd3     fused   free    chk_acc_enr chk_fa_enr pin     pin_enr\n');
  for (const s of r.speakers as SpeakerRow[]) process.stdout.write(`${s.speaker.padEnd(12)} ${f(s.si)} ${f(s.checkAccept)} ${f(s.checkFalseAccept)} ${f(s.sd3)} ${f(s.fused)} ${f(s.free)} ${f(s.checkAcceptEnrolled)} ${f(s.checkFalseAcceptEnrolled)} ${f(s.pin)} ${f(s.pinEnrolled)}\n`);
}
