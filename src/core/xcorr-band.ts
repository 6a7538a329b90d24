/**
 * A band over many lags at once for Table 2's best lag (docs/definitions.md §4, "The best of
 * many lags"). The best lag is the largest |r| of many, and a 95 % interval of that lag alone
 * ignores the choice: on two independent random walks, over 201 lags, the best lag's own
 * interval left out 0 in 12 runs of 12.
 *
 * The band is studentized, each replicate by its own spread (a bootstrap-t band): per replicate
 * i, D_i = max_k |r*_ki − r̂_k| / max(s*_ki, F) over the covered lags, h the 95 % point of the
 * D_i, and lag k's band r̂_k ± h · max(ŝ_k, F). s*_ki is replicate i's own standard error of
 * lag k's r (from the blocks it drew; the bootstrap computes both, xcorr-influence.ts), ŝ_k
 * the span's, and the floor F = SPREAD_FLOOR × the median ŝ_k of the covered lags.
 *
 * Why each piece, measured on simulated blocks (normal and t₃, equal and unequal spreads, 5 to
 * 201 lags, 6 to 36 blocks):
 * - Not one half-width for every lag, max_k |r*_ki − r̂_k| alone: the widest lag sets the band
 *   at every lag. Beside a co-jump in one block at one lag, a clear relation at another was
 *   called in 2 % of runs where it was called in 95 % without it (this band: 44 %); lags of
 *   unequal spread made it call 6–14 % of independent pairs (this band: 1–4 %).
 * - Not divided by the span's ŝ_k (a sup-t band): with ŝ_k from a few dozen blocks, the largest
 *   of many |r̂_k|/ŝ_k lands on lags whose ŝ_k came out small, and it called 20–48 % of
 *   independent pairs correlated. Dividing each replicate by its own s*_ki carries that same
 *   noise into the D_i.
 * - The floor: a lag's own spread counts only where it stands out from the rest, so that on lags
 *   of about one spread the band is the plain one (whose false calls stay near 5 %), while a
 *   lag of outlying spread is judged on its own scale and no longer widens the others.
 */
import type { XcorrBootstrap } from './xcorr-bootstrap.js';
import { quantileSorted } from './quantile.js';

/**
 * F, the floor of the spreads, in medians of the covered lags' ŝ_k. At 1 (half the lags on their
 * own scale) the simulations called up to 8.5 % of independent pairs over 5–11 lags; at 2 a
 * lag of outlying spread still cost a fifth of the power at 10–20 blocks; 1.5 kept false calls
 * within a point or two of the plain band's and most of the power.
 */
export const SPREAD_FLOOR = 1.5;

/** What the band reads of a bootstrap: every lag's replicates of r, their own spreads s* and the span's ŝ. */
export type BandInputs = Pick<XcorrBootstrap, 'replicates' | 'r' | 'spread' | 'ownSpread'>;

/** The band: h in units of each lag's scale max(ŝ_k, floor). */
export interface SimultaneousBand {
  /** h: the 95 % point of the D_i. */
  readonly quantile: number;
  /** F: SPREAD_FLOOR × the median ŝ_k of the covered lags. */
  readonly floor: number;
  /** ŝ_k per lag (NaN where r is undefined). */
  readonly own: Float64Array;
  /** The lags it covers. */
  readonly lags: number;
}

/** The band's half-width at lag k: h · max(ŝ_k, F). */
export function halfWidthAt(band: SimultaneousBand, k: number): number {
  return band.quantile * Math.max(band.own[k]!, band.floor);
}

/**
 * The band of the replicates of `boot` (lag k of replicate i at k·R + i, NaN where undefined)
 * around the point estimates `centre` (null where undefined), over the lags `covered` admits that
 * have an r̂, a ŝ_k and at least two finite replicates. Null when no lag qualifies or fewer than
 * two replicates have a finite D_i (a replicate with no finite value is left out). A replicate
 * whose r moved while its scale is 0 (a floor of 0) has D_i = ∞: the band is then unbounded, no
 * call. Cost O(R · lags).
 */
export function simultaneousBand(boot: BandInputs, centre: readonly (number | null)[], covered: (k: number) => boolean): SimultaneousBand | null {
  const { replicates: R, r, spread, ownSpread: own } = boot;
  const ks = centre.flatMap((c, k) => (c !== null && covered(k) && Number.isFinite(own[k]!) && finiteCount(r.subarray(k * R, (k + 1) * R)) >= 2 ? [k] : []));
  if (ks.length === 0) return null;
  const floor = SPREAD_FLOOR * quantileSorted(Float64Array.from(ks, (k) => own[k]!).sort(), 0.5);
  const d = new Float64Array(R).fill(NaN);
  for (const k of ks) {
    const c = centre[k]!;
    for (let i = 0; i < R; i++) {
      const x = r[k * R + i]!;
      if (Number.isNaN(x)) continue;
      const gap = Math.abs(x - c);
      // A replicate with an r has an s* (both come from its sums); a NaN one would count as the floor.
      const scale = Math.max(spread[k * R + i]!, floor);
      const z = gap === 0 ? 0 : gap / scale;
      // A replicate's first finite lag sets D_i (NaN until then).
      if (!(z <= d[i]!)) d[i] = z;
    }
  }
  const finite = d.filter((x) => !Number.isNaN(x)).sort();
  if (finite.length < 2) return null;
  return { quantile: quantileSorted(finite, 0.95), floor, own, lags: ks.length };
}

function finiteCount(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  return n;
}
