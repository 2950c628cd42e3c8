/**
 * The fixed-track watcher of the spoken test (support/track-watch.ts) on device logs like the ones
 * the thin client writes: in step, an answer heard differently, a reprompt, finishing early.
 */
import t from 'tap';
import type { LogEntry } from '../android-shell/web/src/controller.ts';
import type { Answer } from './support/answers.ts';
import { checkLog } from './support/track-watch.ts';

const answers: Answer[] = [{ say: '101', after: 3 }, { say: '5041', after: 3 }, { say: 'ready', after: 3 }];
const FINISH = /Assignment complete/;
let at = 0;
const prompt = (text: string): LogEntry => ({ t: at++, dir: 'in', kind: 'prompt', text });
const heard = (text: string): LogEntry => ({ t: at++, dir: 'in', kind: 'recognized', text, detail: '0.75' });
const out = (kind: string): LogEntry => ({ t: at++, dir: 'out', kind });

t.test('in step, then finished', async (t) => {
  const log = [prompt('Say your operator number.'), out('tts_started'), heard('101'), prompt('Say your PIN.'), heard('5041'), prompt('Aisle 5.'), heard('ready')];
  t.equal(checkLog(log, answers, FINISH), null, 'still running');
  t.same(checkLog([...log, prompt('Assignment complete.')], answers, FINISH), { outcome: 'finished', heard: 3 });
});

t.test('an answer heard differently names the turn', async (t) => {
  const r = checkLog([prompt('Say your operator number.'), heard('101'), prompt('Say your PIN.'), heard('5044')], answers, FINISH);
  t.equal(r?.outcome, 'drift');
  t.match(r && 'message' in r ? r.message : '', /answer 2 of 3 \("5041", to the prompt "Say your PIN\."\) was heard as "5044"/);
});

t.test('a reprompt without a recognised answer (no match) names the turn', async (t) => {
  const r = checkLog([prompt('Say your operator number.'), heard('101'), prompt('Say your PIN.'), prompt('Sorry. Say your PIN.')], answers, FINISH);
  t.equal(r?.outcome, 'drift');
  t.match(r && 'message' in r ? r.message : '', /after answer 1 \("101"\) while answer 2 \("5041"\) was due: "Sorry\. Say your PIN\."/);
});

t.test('a low-confidence confirmation and a wrong sign-on count as reprompts', async (t) => {
  t.equal(checkLog([prompt('Did you say 101? Say yes or no.')], answers, FINISH)?.outcome, 'drift');
  t.equal(checkLog([heard('101'), heard('5041'), prompt('Wrong operator number or PIN.')], answers, FINISH)?.outcome, 'drift');
});

t.test('finishing before every answer was taken is not a pass', async (t) => {
  const r = checkLog([heard('101'), prompt('Assignment complete.')], answers, FINISH);
  t.equal(r?.outcome, 'drift');
  t.match(r && 'message' in r ? r.message : '', /after 1 of 3 answers/);
});
