/**
 * Connected-word template matching on real recordings (../shared/speech/fsdd-dev; skipped when
 * absent): an operator enrolled with three takes per digit, PINs built from other takes.
 */
import t from 'tap';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDigits } from '../bench/corpus.ts';
import { extractFeatures, trimSilence } from '../features.ts';
import { matchConnected } from '../connected.ts';

const dir = fileURLToPath(new URL('../../../shared/speech/fsdd-dev', import.meta.url));

t.test('too short a probe or no takes: no reading', async (t) => {
  const probe = { frames: 8, data: new Float32Array(8 * 26) };
  t.equal(matchConnected(probe, [{ token: '1', takes: [probe] }], 4), null, 'fewer than 5 frames per word');
  t.equal(matchConnected({ frames: 100, data: new Float32Array(100 * 26) }, [], 2), null);
});

t.test('PINs of an enrolled speaker are read from the templates alone', { skip: existsSync(dir) ? false : `${dir} is absent` }, async (t) => {
  const takes = loadDigits(dir, (m) => m.speaker === 'lucas' && m.take <= 12);
  const sets = Array.from({ length: 10 }, (_, d) => ({
    token: String(d), takes: takes.filter((x) => x.digit === d && x.take <= 2).map((x) => trimSilence(extractFeatures(x.audio))),
  }));
  const pins = ['4903', '1608', '7251', '3386', '9014', '5572', '2640', '8139'];
  let right = 0;
  for (const [i, pin] of pins.entries()) {
    const parts = [...pin].map((d, k) => takes.find((x) => x.digit === Number(d) && x.take === 3 + ((i + k) % 10))!.audio);
    const gap = new Float32Array(16 * 150);
    const lead = new Float32Array(16 * 300);
    const all = [lead, ...parts.flatMap((p, k) => (k ? [gap, p] : [p])), lead];
    const audio = new Float32Array(all.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of all) { audio.set(p, o); o += p.length; }
    let seed = 99;
    for (let k = 0; k < audio.length; k++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; audio[k]! += ((seed / 0x7fffffff) - 0.5) * 0.001; }
    const probe = trimSilence(extractFeatures(audio));
    const r = matchConnected(probe, sets, 4);
    t.ok(r, `${pin}: a reading`);
    if (!r) continue;
    t.equal(r.segments.length, 4);
    t.ok(r.segments.every(([a, b], k) => a <= b && b < probe.frames && (k === 0 || a > r.segments[k - 1]![1])), 'words in order, inside the probe');
    if (r.tokens.join('') === pin) right++;
  }
  // Measured on this speaker: 40 of 40 random PINs (docs/performance/asr.md, round 5).
  t.ok(right >= pins.length - 1, `${right} of ${pins.length} PINs read right`);
});
