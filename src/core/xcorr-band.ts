/**
 * A band over many lags at once for Table 2's best lag (docs/definitions.md §4, "The best of
 * many lags"). The best lag is the largest |r| of many, and a 95 % interval of that lag alone
 * ignores the choice: on two independent random walks, over 201 lags, the best lag's own
 * interval left out 0 in 12 runs of 12.
 *
 * The band is studentized, each replicate by its own spread (a bootstrap-t band): per replicate
 * i, D_i = max_k |r*_ki − r̂_k| / max(s*_ki, F) over the covered lags, h the 95 % point of the
 * D_i, and lag k's band r̂_k ± h · max(ŝ_k, F). s*_ki is replicate i's own standard error of
 * lag k's r (from the blocks it drew), ŝ_k the span's, and the floor F = SPREAD_FLOOR × the
 * median ŝ_k of the covered lags.
 *
 * Why each piece, measured on simulated blocks (normal and t₃, equal and unequal spreads, 5 to
 * 201 lags, 6 to 36 blocks):
 * - Not one half-width for every lag, max_k |r*_ki − r̂_k| alone: a single lag of wide spread
 *   (one co-jump in one block) sets the band at every lag, and a clear relation at another lag
 *   was called in 0 runs of 300 where it was called in 93 % without that lag.
 * - Not divided by the span's ŝ_k (a sup-t band): with ŝ_k from a few dozen blocks, the largest
 *   of many |r̂_k|/ŝ_k lands on lags whose ŝ_k came out small, and it called 20–48 % of
 *   independent pairs correlated. Dividing each replicate by its own s*_ki carries that same
 *   noise into the D_i.
 * - The floor: a lag's own spread counts only where it stands out from the rest, so that on lags
 *   of about one spread the band is the plain one (whose false calls stay near 5 %), while a
 *   lag of outlying spread is judged on its own scale and no longer widens the others.
 */
import { replicateSums, countChunks, holdCounts, type BlockDrawPlan } from './bootstrap.js';
import { PART_WIDTH, type XcorrParts } from './xcorr-cells.js';
import { quantileSorted } from './quantile.js';

/**
 * F, the floor of the spreads, in medians of the covered lags' ŝ_k. At 1 (half the lags on their
 * own scale) the simulations called up to 8.5 % of independent pairs over 5–11 lags; at 2 a
 * lag of outlying spread still cost a fifth of the power at 10–20 blocks; 1.5 kept false calls
 * within a point or two of the plain band's and most of the power.
 */
export const SPREAD_FLOOR = 1.5;

/** Fields of a part row (xcorr-cells.ts PART_FIELDS). */
const N = 0;
const SX = 2;
const SXX = 3;
const SY = 4;
const SYY = 5;
const SXY = 6;
/** Lags per pass over the blocks (as the bootstrap's LAG_CHUNK): bounds the influences held at once. */
const LAG_CHUNK = 64;

/** Every lag's standard error of r: the span's and each replicate's. */
export interface LagSpreads {
  readonly replicates: number;
  /** ŝ_k per lag; NaN where the lag is not covered. */
  readonly own: Float64Array;
  /** s*_ki of lag k in replicate i at k·R + i; NaN where the lag is not covered. */
  readonly replicate: Float64Array;
}

/**
 * The influence of each block on lag k's r: ψ_b = Σ_{n ∈ b} IF_n / N, IF_n = x̃_n ỹ_n −
 * r̂/2 (x̃_n² + ỹ_n²), x̃ and ỹ standardized by the span's means and (population) spreads, so
 * that r* − r̂ ≈ Σ_b (count_b − 1) ψ_b (the derivative of r in block b's weight, and Σ_b ψ_b = 0).
 * From the blocks' sums alone: Σ_{n∈b} (x − x̄)(y − ȳ) = Σxy − x̄Σy − ȳΣx + n x̄ȳ, and alike.
 * Into `into` at b·stride (ψ) and b·stride + 1 (ψ²). False where the span's r is undefined.
 */
export function blockInfluences(parts: XcorrParts, k: number, r: number, into: Float64Array, stride = 2, offset = 0): boolean {
  const lags = parts.lags.length;
  const t = new Float64Array(PART_WIDTH);
  for (let b = 0; b < parts.cells; b++) {
    const o = (b * lags + k) * PART_WIDTH;
    for (let f = N; f <= SXY; f++) t[f]! += parts.sums[o + f]!;
  }
  const n = t[N]!;
  const mx = t[SX]! / n;
  const my = t[SY]! / n;
  const vx = t[SXX]! / n - mx * mx;
  const vy = t[SYY]! / n - my * my;
  if (!(n >= 2 && vx > 0 && vy > 0)) return false;
  const sxy = Math.sqrt(vx) * Math.sqrt(vy);
  for (let b = 0; b < parts.cells; b++) {
    const o = (b * lags + k) * PART_WIDTH;
    const s = parts.sums;
    const nb = s[o + N]!;
    const cxy = s[o + SXY]! - mx * s[o + SY]! - my * s[o + SX]! + nb * mx * my;
    const cxx = s[o + SXX]! - 2 * mx * s[o + SX]! + nb * mx * mx;
    const cyy = s[o + SYY]! - 2 * my * s[o + SY]! + nb * my * my;
    const psi = (cxy / sxy - (r / 2) * (cxx / vx + cyy / vy)) / n;
    into[b * stride + offset] = psi;
    into[b * stride + offset + 1] = psi * psi;
  }
  return true;
}

/**
 * Standard error of a sum of `blocks` block influences drawn with these sums: the blocks' sample
 * variance of ψ times their number, blocks/(blocks − 1) · (Σ c·ψ² − (Σ c·ψ)²/blocks), where
 * Σ c = blocks (the span itself: every count 1).
 */
function spreadOf(sumPsi: number, sumPsi2: number, blocks: number): number {
  const v = (blocks / (blocks - 1)) * (sumPsi2 - (sumPsi * sumPsi) / blocks);
  return Math.sqrt(Math.max(0, v));
}

/**
 * ŝ_k and every replicate's s*_ki of the lags `covered` admits that have an r̂ (`centre`), from
 * the blocks of `parts` drawn by `plan` (the draws of the bootstrap whose replicates the band
 * reads: replicate i here is replicate i there). Cost O(R · blocks · 2 · covered lags) time;
 * memory R · lags numbers, plus one chunk of lags' influences (blocks × 2·LAG_CHUNK).
 */
export function lagSpreads(parts: XcorrParts, plan: BlockDrawPlan, centre: readonly (number | null)[], covered: (k: number) => boolean): LagSpreads {
  const lags = parts.lags.length;
  const blocks = parts.cells;
  const R = plan.blocks === 0 ? 0 : plan.replicates;
  if (plan.blocks !== blocks) throw new RangeError(`lagSpreads: draws of ${plan.blocks} blocks for ${blocks}`);
  const own = new Float64Array(lags).fill(NaN);
  const replicate = new Float64Array(lags * R).fill(NaN);
  const chosen = centre.flatMap((c, k) => (c !== null && covered(k) ? [k] : []));
  if (blocks < 2 || chosen.length === 0) return { replicates: R, own, replicate };
  // Per chunk of lags, the blocks' ψ and ψ² (a row of 2 per lag per block) in one reused array,
  // computed again for every chunk of replicates rather than held for all the lags at once
  // (blocks × 2 × lags: gigabytes over a month of blocks); a pass is O(blocks) per lag.
  const scratch = new Float64Array(blocks * 2 * Math.min(LAG_CHUNK, chosen.length));
  const lagChunks: number[][] = [];
  for (let c0 = 0; c0 < chosen.length; c0 += LAG_CHUNK) lagChunks.push(chosen.slice(c0, c0 + LAG_CHUNK));
  const influences = (ks: readonly number[]): { psi: Float64Array; defined: boolean[] } => {
    const psi = scratch.subarray(0, blocks * 2 * ks.length);
    return { psi, defined: ks.map((k, j) => blockInfluences(parts, k, centre[k]!, psi, 2 * ks.length, 2 * j)) };
  };
  for (const ks of lagChunks) {
    const { psi, defined } = influences(ks);
    ks.forEach((k, j) => {
      if (defined[j]) own[k] = spreadOf(columnSum(psi, blocks, 2 * ks.length, 2 * j), columnSum(psi, blocks, 2 * ks.length, 2 * j + 1), blocks);
    });
  }
  let out: Float64Array | undefined;
  for (const { first, rows, counts } of countChunks(plan)) {
    const held = holdCounts(counts, blocks);
    for (const ks of lagChunks) {
      const width = 2 * ks.length;
      const { psi } = influences(ks);
      out = replicateSums(psi, width, counts, blocks, out !== undefined && out.length >= rows * width ? out : undefined, held);
      for (let i = 0; i < rows; i++) {
        ks.forEach((k, j) => {
          // A lag without influences (ŝ_k NaN) keeps NaN: the band leaves it out.
          if (Number.isFinite(own[k]!)) replicate[k * R + first + i] = spreadOf(out![i * width + 2 * j]!, out![i * width + 2 * j + 1]!, blocks);
        });
      }
    }
  }
  return { replicates: R, own, replicate };
}

/** The band: h in units of each lag's scale max(ŝ_k, floor). */
export interface SimultaneousBand {
  /** h: the 95 % point of the D_i. */
  readonly quantile: number;
  /** F: SPREAD_FLOOR × the median ŝ_k of the covered lags. */
  readonly floor: number;
  /** ŝ_k per lag (NaN where not covered). */
  readonly own: Float64Array;
  /** The lags it covers. */
  readonly lags: number;
}

/** The band's half-width at lag k: h · max(ŝ_k, F). */
export function halfWidthAt(band: SimultaneousBand, k: number): number {
  return band.quantile * Math.max(band.own[k]!, band.floor);
}

/**
 * The band of the replicates `r` (lag k of replicate i at k·R + i, NaN where undefined) around
 * the point estimates `centre` (null where undefined), over the lags `spreads` covers (ŝ_k
 * finite) that have at least two finite replicates. Null when no lag qualifies or fewer than
 * two replicates have a finite D_i (a replicate with no finite value is left out). A replicate
 * whose r moved while its scale is 0 (a floor of 0) has D_i = ∞: the band is then unbounded,
 * no call. Cost O(R · lags).
 */
export function simultaneousBand(r: Float64Array, centre: readonly (number | null)[], spreads: LagSpreads): SimultaneousBand | null {
  const R = spreads.replicates;
  const ks = centre.flatMap((c, k) => (c !== null && Number.isFinite(spreads.own[k]!) && finiteCount(r.subarray(k * R, (k + 1) * R)) >= 2 ? [k] : []));
  if (ks.length === 0) return null;
  const floor = SPREAD_FLOOR * quantileSorted(Float64Array.from(ks, (k) => spreads.own[k]!).sort(), 0.5);
  const d = new Float64Array(R).fill(NaN);
  for (const k of ks) {
    const c = centre[k]!;
    for (let i = 0; i < R; i++) {
      const x = r[k * R + i]!;
      if (Number.isNaN(x)) continue;
      const gap = Math.abs(x - c);
      const scale = Math.max(spreads.replicate[k * R + i]!, floor);
      const z = gap === 0 ? 0 : gap / scale;
      // A replicate's first finite lag sets D_i (NaN until then).
      if (!(z <= d[i]!)) d[i] = z;
    }
  }
  const finite = d.filter((x) => !Number.isNaN(x)).sort();
  if (finite.length < 2) return null;
  return { quantile: quantileSorted(finite, 0.95), floor, own: spreads.own, lags: ks.length };
}

/** Σ_b of column `at` of rows of `stride` numbers. */
function columnSum(values: Float64Array, rows: number, stride: number, at: number): number {
  let s = 0;
  for (let b = 0; b < rows; b++) s += values[b * stride + at]!;
  return s;
}

function finiteCount(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  return n;
}
