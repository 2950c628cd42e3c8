/** `npm run bench:asr -- --data DIR [options]`: recognition accuracy and cost (options: HELP below, or `--help`). */
import { cliArgs, cliNumber } from './cli-args.ts';
import { evaluate, type SpeakerRow } from './evaluate.ts';
import { replay, ReplayError } from './replay.ts';
import { fliteAvailable, parseDecoderArg, parseLoopPhonesArg, parseOnOff } from './corpus.ts';
import type { LoopPhones } from '../rescore.ts';
import { OOG_DEFER, type OogDefer } from '../decide.ts';

const HELP = `usage: npm run bench:asr -- --data DIR [options]
Evaluates recognition on labelled WAVs named DIGIT_SPEAKER_TAKE.wav (8 kHz as in
../shared/speech/fsdd-dev, resampled to 16 kHz as a device delivers it), every speaker in DIR.
  --data DIR                 the labelled WAVs (required)
  --oog DIR                  out-of-grammar WAVs (default: a built-in set synthesised with flite; only
                             the built-in set also gives oog_rejection_enrolled: its voices enrolled
                             on their own digits, their out-of-grammar words rejected)
  --json                     one JSON object (the keys of docs/performance.md) instead of the table
  --limit N                  takes per speaker for single digits, sd3 and fused (the same share of
                             every digit; default: all)
  --trials N                 check strings per speaker, said and different (default 100)
  --free N                   free 3-4 digit strings per speaker (default: --trials)
  --workers N                recogniser threads (default: the engine's)
  --bias W / --filler W      grammar: expected-answer weight / filler weight
  --command-prior P          grammar: the commands' prior against the answer (default: the engine's)
  --number-bias W            grammar: an expected quantity's weight against the other numbers (default: the engine's)
  --margin M                 expected answer accepted within M of the winner's path score
  --oog-threshold T          phone-loop rejection threshold per frame (0: loop off)
  --oog-expected-threshold T the same where the grammar heard the known answer (default: the engine's)
  --oog-defer off|strings|all  when the phone loop waits for the known answer (ASR_OOG_DEFER)
  --oog-defer-ready on|off   at a "ready" prompt the loop waits for "ready" too (ASR_OOG_DEFER_READY)
  --check-ratio R            templates' best/second ratio for enrolled check strings
  --connected-margin M       templates' connected reading margin
  --template-scale-limit K   enrolled one-word answers: reject beyond K × the operator's own distance (0: off; default: the engine's)
  --decoder k=v,...          SoundSwallower settings over the defaults (e.g. silprob=0.5,pip=0.1)
  --loop-phones full|reduced|AA,AE,...  the phone loop's phones
  --loop-decoder k=v,...     SoundSwallower settings of the phone-loop decoders (e.g. cionly=true,ds=2)
  --comfort-from-speech on|off  the comfort level from 600 ms of speech (ASR_COMFORT_FROM_SPEECH)
  --session-comfort on|off      later utterances of a session take its last level (ASR_SESSION_COMFORT)
  --session-cmn on|off       each session keeps its own cepstral mean on pooled decoders (ASR_SESSION_CMN)
  --templates-first on|off   enrolled check strings checked on the templates first (ASR_TEMPLATES_FIRST)
  --tf-ratio R               templates first: each digit's best/second ratio under R (default: the engine's)
  --replay RUN/turns.jsonl   instead: the offline figure on the same audio as a live \`npm run bench\`
                             run. Every voice answer of its turns.jsonl is rebuilt from the same
                             recordings (--data; command words with flite) and recognised offline
                             with the expectation the picker was asked; prints live against offline
                             accuracy per question (first attempts and every answer). An enrolled
                             run (result.json beside it) is replayed enrolled. The engine options
                             above apply.
  --help                     this text
See asr/README.md and docs/performance/asr.md.
`;
const values = cliArgs('bench:asr', HELP, {
  data: { type: 'string' }, oog: { type: 'string' }, json: { type: 'boolean', default: false },
  limit: { type: 'string' }, trials: { type: 'string' }, bias: { type: 'string' }, filler: { type: 'string' }, workers: { type: 'string' }, free: { type: 'string' }, margin: { type: 'string' }, 'oog-threshold': { type: 'string' }, 'oog-expected-threshold': { type: 'string' }, 'template-scale-limit': { type: 'string' }, 'check-ratio': { type: 'string' }, 'connected-margin': { type: 'string' }, decoder: { type: 'string' }, 'loop-phones': { type: 'string' }, 'loop-decoder': { type: 'string' }, 'comfort-from-speech': { type: 'string' }, 'session-comfort': { type: 'string' }, 'session-cmn': { type: 'string' }, 'oog-defer': { type: 'string' }, 'oog-defer-ready': { type: 'string' }, 'command-prior': { type: 'string' }, 'number-bias': { type: 'string' }, 'templates-first': { type: 'string' }, 'tf-ratio': { type: 'string' }, replay: { type: 'string' },
}, ['data']);
const num = (flag: string, v: string | undefined): number | undefined => cliNumber('bench:asr', HELP, flag, v);
const oogDefer = values['oog-defer'];
if (oogDefer !== undefined && !(OOG_DEFER as readonly string[]).includes(oogDefer)) { process.stderr.write(`bench:asr: --oog-defer must be one of ${OOG_DEFER.join(', ')}\n`); process.exit(2); }
if (!values.oog && !fliteAvailable()) {
  process.stderr.write('bench:asr: the built-in out-of-grammar set is synthesised with flite, which is not installed (apt-get install -y flite), or pass --oog DIR\n');
  process.exit(2);
}
let decoderConfig: Record<string, number | string> = {};
let loopConfig: Record<string, number | string> | undefined;
let loopPhones: LoopPhones | undefined;
let comfortFromSpeech: boolean | undefined, sessionComfort: boolean | undefined, sessionCmn: boolean | undefined, templatesFirst: boolean | undefined, oogDeferReady: boolean | undefined;
try { decoderConfig = parseDecoderArg(values.decoder); loopConfig = values['loop-decoder'] === undefined ? undefined : parseDecoderArg(values['loop-decoder']); loopPhones = parseLoopPhonesArg(values['loop-phones']); comfortFromSpeech = parseOnOff(values['comfort-from-speech'], 'comfort-from-speech'); sessionComfort = parseOnOff(values['session-comfort'], 'session-comfort'); sessionCmn = parseOnOff(values['session-cmn'], 'session-cmn'); templatesFirst = parseOnOff(values['templates-first'], 'templates-first'); oogDeferReady = parseOnOff(values['oog-defer-ready'], 'oog-defer-ready'); } catch (err) { process.stderr.write(`${(err as Error).message}\n`); process.exit(2); }
const opts = { freeTrials: num('free', values.free), expectedMargin: num('margin', values.margin), oogThreshold: num('oog-threshold', values['oog-threshold']), oogExpectedThreshold: num('oog-expected-threshold', values['oog-expected-threshold']), templateScaleLimit: num('template-scale-limit', values['template-scale-limit']), checkTemplateRatio: num('check-ratio', values['check-ratio']), connectedMargin: num('connected-margin', values['connected-margin']), decoderConfig: values.decoder ? decoderConfig : undefined, loopConfig, loopPhones, comfortFromSpeech, sessionComfort, sessionCmn, templatesFirst, templatesFirstRatio: num('tf-ratio', values['tf-ratio']), oogDefer: oogDefer as OogDefer | undefined, oogDeferReady,
  data: values.data, oog: values.oog, limitPerSpeaker: num('limit', values.limit), checkTrials: num('trials', values.trials),
  biasWeight: num('bias', values.bias), commandPrior: num('command-prior', values['command-prior']), numberBiasWeight: num('number-bias', values['number-bias']), fillerWeight: num('filler', values.filler), workers: num('workers', values.workers),
};
if (values.replay !== undefined) {
  let r: Record<string, unknown>;
  try { r = await replay({ ...opts, turnsFile: values.replay }); } catch (err) {
    if (!(err instanceof ReplayError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    process.stderr.write(`bench:asr --replay: ${(err as Error).message}\n`);
    process.exit(2);
  }
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    process.stdout.write(`${values.replay}: ${String(r.pickers)} pickers${r.enrolled ? ', enrolled' : ''}\n\nfirst attempts   n      live    offline delta (points)  live only  offline only\n`);
    const rows = r.first as Record<string, { n: number; live: number; offline: number; delta_points: number; live_only: number; offline_only: number }>;
    for (const [k, v] of Object.entries(rows)) process.stdout.write(`${k.padEnd(16)} ${String(v.n).padStart(5)}  ${v.live.toFixed(3)}   ${v.offline.toFixed(3)}   ${v.delta_points.toFixed(1).padStart(6)}         ${String(v.live_only).padStart(5)}      ${String(v.offline_only).padStart(5)}\n`);
    process.stdout.write(`\noffline errors (first attempts): ${JSON.stringify(r.offline_errors_first)}\n`);
  }
  process.exit(0);
}
const r = await evaluate(opts);
if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
else {
  const f = (x: unknown): string => (typeof x === 'number' ? x.toFixed(4) : typeof x === 'object' ? JSON.stringify(x) : String(x));
  for (const [k, v] of Object.entries(r)) if (k !== 'speakers') process.stdout.write(`${k.padEnd(20)} ${f(v)}\n`);
  process.stdout.write('\nspeaker      si      check_acc check_fa fa_far  sd3     fused   free    chk_acc_enr chk_fa_enr pin     pin_enr\n');
  for (const s of r.speakers as SpeakerRow[]) process.stdout.write(`${s.speaker.padEnd(12)} ${f(s.si)} ${f(s.checkAccept)} ${f(s.checkFalseAccept)} ${f(s.checkFalseAcceptFar)} ${f(s.sd3)} ${f(s.fused)} ${f(s.free)} ${f(s.checkAcceptEnrolled)} ${f(s.checkFalseAcceptEnrolled)} ${f(s.pin)} ${f(s.pinEnrolled)}\n`);
}
