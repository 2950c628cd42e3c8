/**
 * Real-speech regression floors on ../shared/speech/fsdd-dev (skipped with a message when the
 * folder is absent). A subsample keeps CI short; `npm run bench:asr` measures the full set.
 * Floors sit a little under the figures measured on the subsample (docs/performance/asr.md).
 */
import t from 'tap';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluate } from '../bench/evaluate.ts';
import { fliteAvailable } from '../bench/corpus.ts';

const dir = fileURLToPath(new URL('../../../shared/speech/fsdd-dev', import.meta.url));
if (!existsSync(dir)) {
  t.comment(`real speech folder ${dir} is absent: skipping the real-speech evaluation`);
  process.exit(0);
}
if (!fliteAvailable()) {
  t.comment('flite is not installed: skipping (the out-of-grammar set is synthesised with it)');
  process.exit(0);
}

t.test('real-speech floors', async (t) => {
  const r = await evaluate({ data: dir, limitPerSpeaker: 12, checkTrials: 12, workers: 1 }) as Record<string, number>;
  t.comment(JSON.stringify({ ...r, speakers: undefined }));
  // Since 009f666 the subsample holds every digit (it was the first files: zeros only at this
  // size, where si read 0.98 against this floor of 0.8). On all ten digits it measured 0.7875 and
  // 0.8125 (two fresh-clone CI runs, 2026-12-01): the floor is re-set under that, not weakened.
  // Round 11 (grammar priors) measured si 0.85 and check_accept 0.81 on this subsample (2026-12-04):
  // the floors rise to keep that gain (0.74 / 0.6 before).
  t.ok(r.si_digit_accuracy! >= 0.78, `si_digit_accuracy ${r.si_digit_accuracy}`);
  t.ok(r.check_accept! >= 0.7, `check_accept ${r.check_accept}`);
  t.ok(r.check_false_accept! <= 0.1, `check_false_accept ${r.check_false_accept}`);
  // Round 12 (lifter-weighted template distance, recalibrated ratio bands) measured sd3 and fused
  // 1.0 on this subsample (48 takes; 0.996 / 0.99–1.0 on the 60-per-speaker one): floors 0.8 / 0.85 → 0.94.
  t.ok(r.sd3_accuracy! >= 0.94, `sd3_accuracy ${r.sd3_accuracy}`);
  t.ok(r.fused_accuracy! >= 0.94, `fused_accuracy ${r.fused_accuracy}`);
  // enrolled operators' check strings (templates settle neighbour digits): 1.0 / 0 here, 0.91 / 0 on the 50-trial subsample
  t.ok(r.check_accept_enrolled! >= 0.8, `check_accept_enrolled ${r.check_accept_enrolled}`);
  t.ok(r.check_false_accept_enrolled! <= 0.1, `check_false_accept_enrolled ${r.check_false_accept_enrolled}`);
  t.ok(r.false_rejection! <= 0.1, `false_rejection ${r.false_rejection}`);
  // quantities with the expected value known (asr.md round 11: 0.955 / 0.005 on the full set)
  t.ok(r.qty_accept! >= 0.8, `qty_accept ${r.qty_accept}`);
  t.ok(r.qty_false_accept! <= 0.1, `qty_false_accept ${r.qty_false_accept}`);
  t.ok(r.check_false_accept_far! <= 0.05, `check_false_accept_far ${r.check_false_accept_far}`);
  // measured on this subsample: free strings 0.71 (insertion penalties), OOG 0.60 (phone loop)
  t.ok(r.free_string_accuracy! >= 0.6, `free_string_accuracy ${r.free_string_accuracy}`);
  // 4-digit PINs: 0.765 alone, 0.945 for the enrolled operator on the 50-trial subsample (round 5)
  t.ok(r.pin_accuracy_enrolled! >= 0.8, `pin_accuracy_enrolled ${r.pin_accuracy_enrolled}`);
  t.ok(r.pin_accuracy_enrolled! >= r.pin_accuracy!, `templates do not make PINs worse (${r.pin_accuracy} alone)`);
  t.ok(r.oog_rejection! >= 0.45, `oog_rejection ${r.oog_rejection}`);
  // the same words from flite voices enrolled on their own digits (templateScaleLimit; asr.md round 18: 1.0, 0.40 without it)
  t.ok(r.oog_rejection_enrolled! >= 0.8, `oog_rejection_enrolled ${r.oog_rejection_enrolled}`);
});
