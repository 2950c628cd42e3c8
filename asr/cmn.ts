/**
 * A session's cepstral mean, carried from one of its utterances to the next whichever pooled
 * decoder hears them (worker side; the engine's `sessionCmn` option, off by default).
 *
 * PocketSphinx normalises cepstra by a running mean (live CMN): `sum` and `nframe` accumulate
 * over every frame a decoder hears, and `mean` = sum / nframe is renewed at the end of each
 * utterance. Decoders are pooled across sessions, so a decoder's mean was whatever mix of pickers
 * it heard last: with the four fsdd-dev speakers interleaved through one decoder state, check
 * strings were accepted 0.742 of the time, against 0.808 with a state per session and 0.813 with
 * each speaker's utterances in a row (diag:asr-sessions, docs/performance/asr.md round 6; the
 * live load bench showed no gain, hence opt-in). Resetting to the model's `cmninit` on every utterance was worse still (round 4): the
 * mean must adapt, but to the session's own voice and channel.
 *
 * SoundSwallower does not expose the CMN state, so this reaches into the module's heap (as
 * `pathScore` does for path scores). The `cmn_t` struct is located once per decoder, right after
 * its feature module is created, by giving it a marker `cmninit` and finding that vector in the
 * heap, then the struct that points to it: `{ float *mean; float *var; float *sum; int32 nframe;
 * int32 veclen; }`. The layout is checked (veclen 13, nframe at its initial window, sum = mean ×
 * nframe); anything else throws ASR_INTERNAL at start-up rather than decoding with a wrong state.
 */
import type { SoundSwallowerModule } from 'soundswallower';

interface Heap { HEAPF32: Float32Array; HEAP32: Int32Array; HEAPU32: Uint32Array }

/** Cepstral vector length of the en-us model (13 MFCCs). */
export const CMN_VECLEN = 13;
/** One decoder's CMN state: mean (13), sum (13), nframe (1). */
export const CMN_STATE = 2 * CMN_VECLEN + 1;

/** A marker vector for decoder `i` of a worker: a cmninit no real decoder would have. */
export function cmnMarker(i: number): number[] {
  return [41.25 + i * 0.0625, 3.125, -1.0625, 0.5, 0.25, -0.75, 1.5, -2.25, 0.125, 0.375, -0.625, 0.875, -1.125];
}

const internal = (message: string): Error => Object.assign(new Error(message), { code: 'ASR_INTERNAL' });

export class CmnHandle {
  private constructor(private readonly ss: SoundSwallowerModule, private readonly struct: number) {}

  /**
   * Finds the cmn_t of the decoder whose feature module was just created with `cmninit` =
   * `marker`, and resets it to `initial` (the model's own cmninit) with the same window.
   */
  static locate(ss: SoundSwallowerModule, marker: number[], initial: number[]): CmnHandle {
    const h = ss as unknown as Heap;
    const f = h.HEAPF32, u = h.HEAPU32;
    const m = Float32Array.from(marker);
    let meanAt = -1;
    for (let i = 0; i + CMN_VECLEN <= f.length; i++) {
      if (f[i] !== m[0]) continue;
      let k = 1;
      while (k < CMN_VECLEN && f[i + k] === m[k]) k++;
      if (k === CMN_VECLEN) { if (meanAt >= 0) throw internal('CMN marker found twice in the decoder heap'); meanAt = i * 4; }
    }
    if (meanAt < 0) throw internal('CMN state not found in the decoder heap (soundswallower layout changed?)');
    let struct = -1;
    for (let i = 0; i + 5 <= u.length; i++) {
      if (u[i] === meanAt && h.HEAP32[i + 4] === CMN_VECLEN) { struct = i * 4; break; }
    }
    if (struct < 0) throw internal('CMN struct not found in the decoder heap (soundswallower layout changed?)');
    const c = new CmnHandle(ss, struct);
    const s = c.read();
    const nframe = s[CMN_STATE - 1]!;
    if (!(nframe > 0) || Math.abs(s[CMN_VECLEN]! - m[0]! * nframe) > 1e-3 * Math.abs(m[0]! * nframe)) {
      throw internal('CMN struct does not hold the expected state (soundswallower layout changed?)');
    }
    const init = new Float32Array(CMN_STATE);
    initial.slice(0, CMN_VECLEN).forEach((v, i) => { init[i] = v; init[CMN_VECLEN + i] = v * nframe; });
    init[CMN_STATE - 1] = nframe;
    c.write(init);
    return c;
  }

  private ptrs(): { mean: number; sum: number; nframe: number } {
    const u = (this.ss as unknown as Heap).HEAPU32; // views are replaced when the heap grows: read them fresh
    return { mean: u[this.struct >> 2]! >> 2, sum: u[(this.struct >> 2) + 2]! >> 2, nframe: (this.struct >> 2) + 3 };
  }

  /** The state now: mean, sum, nframe (a copy). */
  read(out = new Float32Array(CMN_STATE), at = 0): Float32Array {
    const h = this.ss as unknown as Heap;
    const p = this.ptrs();
    out.set(h.HEAPF32.subarray(p.mean, p.mean + CMN_VECLEN), at);
    out.set(h.HEAPF32.subarray(p.sum, p.sum + CMN_VECLEN), at + CMN_VECLEN);
    out[at + CMN_STATE - 1] = h.HEAP32[p.nframe]!;
    return out;
  }

  /** Puts a state read from any decoder of the same model back (before `start()`). */
  write(s: Float32Array, at = 0): void {
    const h = this.ss as unknown as Heap;
    const p = this.ptrs();
    h.HEAPF32.set(s.subarray(at, at + CMN_VECLEN), p.mean);
    h.HEAPF32.set(s.subarray(at + CMN_VECLEN, at + 2 * CMN_VECLEN), p.sum);
    h.HEAP32[p.nframe] = Math.round(s[at + CMN_STATE - 1]!);
  }
}
