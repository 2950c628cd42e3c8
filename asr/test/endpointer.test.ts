/**
 * The endpointer's hand-over of audio to the decoder: what it holds back in a pause, what it
 * passes on at the pause (so the last word can end in the decoder), and the tail at the end.
 */
import t from 'tap';
import { Endpointer, PAUSE_MS, WIN, WIN_MS, type EndpointSink } from '../endpointer.ts';
import { DEFAULT_ENDPOINT, type EndReason } from '../types.ts';

/** A window whose samples all carry its number, so the sink's audio says which windows it got. */
const win = (n: number): Float32Array => new Float32Array(WIN).fill(n);

function recorder() {
  const events: string[] = [];
  let samples = 0;
  const sink: EndpointSink = {
    start: (pre) => { events.push(`start(${pre.length})`); },
    audio: (x) => { samples += x.length; events.push(`audio(${x[0]}${x.length === WIN ? '' : `:${x.length}`})`); },
    end: (reason: EndReason) => { events.push(`end(${reason})`); },
    pause: (silence) => { events.push(silence ? `pause(${silence})` : 'pause'); },
  };
  return { sink, events, samples: () => samples };
}

t.test('a pause: its first PAUSE_MS go to the decoder with the pause, the rest only if speech resumes', async (t) => {
  const r = recorder();
  const ep = new Endpointer({ ...DEFAULT_ENDPOINT, speechStartMs: WIN_MS }, r.sink);
  let n = 0;
  const speech = (k: number) => { for (let i = 0; i < k; i++) ep.window(win(++n), 0.9); };
  const silence = (k: number) => { for (let i = 0; i < k; i++) ep.window(win(++n), 0.05); };
  speech(3);
  const pauseWins = PAUSE_MS / WIN_MS;
  silence(pauseWins + 2);
  const atPause = r.events.indexOf(`pause(${PAUSE_MS * 16})`);
  t.ok(atPause > 0, 'the sink hears of the pause');
  t.same(r.events.slice(atPause - pauseWins, atPause), [4, 5, 6].slice(0, pauseWins).map((k) => `audio(${k})`), 'the first PAUSE_MS of silence are passed on just before it');
  t.notOk(r.events.includes(`audio(${3 + pauseWins + 1})`), 'later silence is held');
  speech(1);
  const after = r.events.slice(atPause + 1);
  t.same(after, [`audio(${3 + pauseWins + 1})`, `audio(${3 + pauseWins + 2})`, `audio(${n})`], 'speech resumed: the held rest, once, then the speech');
});

t.test('the end: the decoder gets tailMs of trailing silence in all, the part passed at the pause included', async (t) => {
  const r = recorder();
  const ep = new Endpointer({ ...DEFAULT_ENDPOINT, speechStartMs: WIN_MS, trailingSilenceMs: 640 }, r.sink, 150);
  for (let i = 0; i < 5; i++) ep.window(win(i + 1), 0.9);
  const before = r.samples();
  for (let i = 0; i < 640 / WIN_MS; i++) ep.window(win(100 + i), 0.05);
  t.equal(r.events.at(-1), 'end(silence)');
  t.equal(r.samples() - before, 150 * 16, '150 ms of tail, no more, no less');
  t.equal(r.events.filter((e) => e.startsWith('pause')).length, 1);
});

t.test('without pauseAudio (fixed-length strings) the pause passes nothing on and says so', async (t) => {
  const r = recorder();
  const ep = new Endpointer({ ...DEFAULT_ENDPOINT, speechStartMs: WIN_MS, trailingSilenceMs: 640 }, r.sink, 150);
  ep.pauseAudio = false;
  for (let i = 0; i < 5; i++) ep.window(win(i + 1), 0.9);
  const before = r.events.length;
  for (let i = 0; i < PAUSE_MS / WIN_MS; i++) ep.window(win(100 + i), 0.05);
  t.same(r.events.slice(before), ['pause'], 'no audio, a pause with 0 samples sent');
  const s0 = r.samples();
  for (let i = PAUSE_MS / WIN_MS; i < 640 / WIN_MS; i++) ep.window(win(100 + i), 0.05);
  t.equal(r.samples() - s0, 150 * 16, 'the whole tail at the end');
});

t.test('a complete answer ends after earlyEndSilenceMs, the known right answer after knownEndSilenceMs', async (t) => {
  const silenceUntilEnd = (known: boolean, complete = true): number => {
    const r = recorder();
    const ep = new Endpointer({ ...DEFAULT_ENDPOINT, speechStartMs: WIN_MS, earlyEndSilenceMs: 256, knownEndSilenceMs: 128 }, r.sink);
    for (let i = 0; i < 5; i++) ep.window(win(i + 1), 0.9);
    ep.complete = complete; ep.known = known;
    for (let k = 1; k <= 40; k++) {
      ep.window(win(100 + k), 0.05);
      if (r.events.at(-1)?.startsWith('end')) return k * WIN_MS;
    }
    return -1;
  };
  t.equal(silenceUntilEnd(false), 256, 'complete: the early-end silence');
  t.equal(silenceUntilEnd(true), 128, 'the known right answer: shorter');
  t.equal(silenceUntilEnd(false, false), 704, 'incomplete: the full trailing silence');
  const r = recorder();
  const ep = new Endpointer({ ...DEFAULT_ENDPOINT, speechStartMs: WIN_MS, earlyEndSilenceMs: 96, knownEndSilenceMs: 300 }, r.sink);
  for (let i = 0; i < 5; i++) ep.window(win(i + 1), 0.9);
  ep.complete = true; ep.known = true;
  for (let k = 0; k < 3; k++) ep.window(win(100 + k), 0.05);
  t.equal(r.events.at(-1), 'end(early)', 'never longer than the early-end silence');
});

t.test('speech resuming after a pause forgets the partial judged there: the next pause judges again', async (t) => {
  const r = recorder();
  const ep = new Endpointer({ ...DEFAULT_ENDPOINT, speechStartMs: WIN_MS }, r.sink);
  const speech = (k: number) => { for (let i = 0; i < k; i++) ep.window(win(1), 0.9); };
  const silence = (k: number) => { for (let i = 0; i < k; i++) ep.window(win(0), 0.05); };
  speech(5);
  silence(PAUSE_MS / WIN_MS);
  ep.complete = true; ep.known = true; // the partial at the pause was the known answer
  speech(5); // the picker goes on
  t.notOk(ep.complete || ep.known, 'a partial of the audio before the pause is not about what followed');
  silence(Math.ceil(DEFAULT_ENDPOINT.earlyEndSilenceMs / WIN_MS) + 1);
  t.notOk(r.events.includes('end(early)'), 'no early end on the stale partial');
  ep.complete = true; // the next pause's partial
  ep.poke();
  t.ok(r.events.includes('end(early)'), 'the fresh partial ends it');
  // a blip of silence shorter than a pause does not forget it
  const r2 = recorder();
  const ep2 = new Endpointer({ ...DEFAULT_ENDPOINT, speechStartMs: WIN_MS }, r2.sink);
  ep2.window(win(1), 0.9); ep2.window(win(1), 0.9);
  ep2.complete = true;
  ep2.window(win(0), 0.05); ep2.window(win(1), 0.9);
  t.ok(ep2.complete, 'speech after less than PAUSE_MS of silence keeps it');
});
