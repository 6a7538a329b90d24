/**
 * What `leadlag hy` reports from the parts of the contrast (docs/definitions.md §8, §9): the lag
 * estimate, ρ, β, R², the lead-lag ratios, the nonextant shares, the block-bootstrap intervals and
 * the p-value of "no relation at any lattice lag" (θ = 0 included).
 */
import { CHUNK_COUNTS, drawCountsInto, MIN_INTERVAL_BLOCKS, percentileInterval, percentileIntervalType1, replicateSums, type Interval } from './bootstrap.js';
import { blocksWithContrast, type HyParts } from './hyparts.js';
import { lagAt, lastLag, type Lattice } from './lattice.js';
import type { Random } from './random.js';

export interface HyLag {
  readonly lagUs: number;
  readonly u: number;
  /** U / √(RV_A·RV_B), null when a market never moves. */
  readonly rho: number | null;
  /** U / RV_A: B's move per unit move of A; null when A never moves. */
  readonly beta: number | null;
}

export interface HyEstimate {
  /** θ̂ in µs, null when every U is 0. */
  readonly lagUs: number | null;
  /**
   * The lags next to θ̂ where U is θ̂'s own to rounding (plateauOf), µs: ticks far sparser than
   * the step leave U flat over a range about a tick gap wide, and θ̂ (whichever of them rounding
   * makes largest, or the tie rule's pick nearest 0) is any of them. Both ends θ̂ where U has a peak; null with θ̂.
   */
  readonly lagPlateauUs: Interval | null;
  readonly rho: number | null;
  readonly beta: number | null;
  readonly r2: number | null;
  /** Σ_{θ>0} U² / Σ_{θ<0} U² (> 1: A leads), null when the denominator is 0. */
  readonly llr: number | null;
  /** The same with |U|. */
  readonly llrAbs: number | null;
  readonly rvA: number;
  readonly rvB: number;
  readonly nA: number;
  readonly nB: number;
  /** Nonextant ticks over all ticks in the span, null without ticks. */
  readonly nonextantShareA: number | null;
  readonly nonextantShareB: number | null;
  readonly lattice: Lattice;
  /**
   * U over the lattice, U(θ_k) at k. The per-lag rows ({@link hyLags}) are made from it when
   * they are shown: an object per lag held for every `--by` window was most of hy's memory
   * (1 800 windows of 201 lags: 49 MB held, 320 MB at the peak, against 145 MB without them).
   */
  readonly u: Float64Array;
}

/** The estimate's rows, one per lattice lag: U, ρ = U / √(RV_A·RV_B) and β = U / RV_A. */
export function hyLags(e: HyEstimate): HyLag[] {
  const norm = normOf(e);
  return Array.from(e.u, (v, k) => lagOf(e.lattice, k, v, norm, e.rvA));
}

/** The estimate's row of lag k ({@link hyLags}). */
export function hyLag(e: HyEstimate, k: number): HyLag {
  return lagOf(e.lattice, k, e.u[k]!, normOf(e), e.rvA);
}

/** The largest |ρ| over the lattice, 0 where ρ is undefined at every lag; no row per lag made (a million lags). */
export function maxAbsRho(e: HyEstimate): number {
  const norm = normOf(e);
  let m = 0;
  for (const v of e.u) {
    const rho = orNull(v / norm);
    if (rho !== null) m = Math.max(m, Math.abs(rho));
  }
  return m;
}

/** √(RV_A·RV_B), ρ's denominator. */
function normOf(e: HyEstimate): number {
  return Math.sqrt(e.rvA * e.rvB);
}

/** Lag k's row, U(θ_k) = v. */
function lagOf(lattice: Lattice, k: number, v: number, norm: number, rvA: number): HyLag {
  return { lagUs: lagAt(lattice, k), u: v, rho: orNull(v / norm), beta: orNull(v / rvA) };
}

/** U's relative rounding: lags whose U agree to this are one value (plateauOf). */
const SAME_U = 1e-9;

/** u[offset … offset + count) all one number, to rounding (SAME_U). */
function isFlat(u: Float64Array, offset: number, count: number): boolean {
  const first = u[offset]!;
  for (let k = 1; k < count; k++) if (Math.abs(u[offset + k]! - first) > SAME_U * Math.abs(first)) return false;
  return true;
}

/** Σ over blocks of a column. */
function total(col: Float64Array): number {
  let s = 0;
  for (const v of col) s += v;
  return s;
}

/** U(θ_k) of the whole span: the sum of the blocks' parts. */
export function totalU(parts: HyParts): Float64Array {
  const K = parts.lattice.count;
  const u = new Float64Array(K);
  for (let b = 0; b < parts.nBlocks; b++) for (let k = 0; k < K; k++) u[k]! += parts.u[b * K + k]!;
  return u;
}

/**
 * Index of θ̂ in `u[offset … offset + count)`: the largest |U|, ties to the smallest |θ|, then to
 * the positive lag; −1 when every U is 0, or when U is exactly one number at every lag of two or
 * more: the lags do not tell the ticks apart (a step finer than the times' resolution, or a
 * market with no move in the span, whose one interval meets the other's moves at every lag),
 * and the tie rule would otherwise call it θ̂ = 0. "One number" is to rounding (SAME_U), as a
 * plateau is (plateauOf): a contrast flat over the whole lattice but for rounding gave a plateau
 * of every lag, and an interval to the lattice's ends with advice to widen it that cannot help.
 * O(count).
 */
export function argmaxAbs(u: Float64Array, lattice: Lattice, offset = 0): number {
  if (lattice.count > 1 && isFlat(u, offset, lattice.count)) return -1;
  let best = -1;
  let bestAbs = 0;
  let bestLag = 0;
  for (let k = 0; k < lattice.count; k++) {
    const a = Math.abs(u[offset + k]!);
    if (a < bestAbs || a === 0) continue;
    const lag = lagAt(lattice, k);
    if (a > bestAbs || Math.abs(lag) < Math.abs(bestLag) || (Math.abs(lag) === Math.abs(bestLag) && lag > bestLag)) {
      best = k;
      bestAbs = a;
      bestLag = lag;
    }
  }
  return best;
}

/**
 * The run of lattice indices around k whose U equals U(θ_k) to rounding (SAME_U): the lags the
 * contrast cannot tell from θ_k. O(the run's length).
 */
export function plateauOf(u: Float64Array, lattice: Lattice, offset: number, k: number): [number, number] {
  const v = u[offset + k]!;
  const same = (j: number) => Math.abs(u[offset + j]! - v) <= SAME_U * Math.abs(v);
  let lo = k;
  let hi = k;
  while (lo > 0 && same(lo - 1)) lo--;
  while (hi < lattice.count - 1 && same(hi + 1)) hi++;
  return [lo, hi];
}

/** LLR (squares) and llr_abs over the lattice; NaN where the negative side sums to 0. */
export function leadLagRatios(u: Float64Array, lattice: Lattice, offset = 0): { llr: number; llrAbs: number } {
  let pos2 = 0;
  let neg2 = 0;
  let pos1 = 0;
  let neg1 = 0;
  for (let k = 0; k < lattice.count; k++) {
    const lag = lagAt(lattice, k);
    const v = u[offset + k]!;
    if (lag > 0) {
      pos2 += v * v;
      pos1 += Math.abs(v);
    } else if (lag < 0) {
      neg2 += v * v;
      neg1 += Math.abs(v);
    }
  }
  return { llr: neg2 === 0 ? NaN : pos2 / neg2, llrAbs: neg1 === 0 ? NaN : pos1 / neg1 };
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The whole-span numbers of §8 from the parts. O(blocks·lags). */
export function hyEstimate(parts: HyParts): HyEstimate {
  const { lattice } = parts;
  const u = totalU(parts);
  const rvA = total(parts.rvA);
  const rvB = total(parts.rvB);
  const nA = total(parts.nA);
  const nB = total(parts.nB);
  const norm = Math.sqrt(rvA * rvB);
  const best = argmaxAbs(u, lattice);
  const at = best < 0 ? undefined : lagOf(lattice, best, u[best]!, norm, rvA);
  // Without a θ̂ the contrast tells no lag from another, so neither side of θ = 0 from the other.
  const { llr, llrAbs } = best < 0 ? { llr: NaN, llrAbs: NaN } : leadLagRatios(u, lattice);
  const plateau = best < 0 ? null : plateauOf(u, lattice, 0, best);
  return {
    lagUs: at?.lagUs ?? null,
    lagPlateauUs: plateau === null ? null : { low: lagAt(lattice, plateau[0]), high: lagAt(lattice, plateau[1]) },
    rho: at?.rho ?? null,
    beta: at?.beta ?? null,
    r2: at?.rho == null ? null : at.rho * at.rho,
    llr: orNull(llr),
    llrAbs: orNull(llrAbs),
    rvA,
    rvB,
    nA,
    nB,
    nonextantShareA: nA === 0 ? null : total(parts.nonextantA) / nA,
    nonextantShareB: nB === 0 ? null : total(parts.nonextantB) / nB,
    lattice,
    u,
  };
}

export interface HyInference {
  /**
   * Type 1 percentile interval of θ̂ (ends are lattice lags), µs: the low end from the replicates'
   * plateaus' low ends, the high from their high ends (plateauOf), so that a contrast flat over
   * a range does not give the interval of one end of it (the tie rule's pick in every replicate).
   */
  readonly lagUs: Interval | null;
  readonly rho: Interval | null;
  readonly llr: Interval | null;
  /** P(max_θ |ρ| ≥ observed) under "no relation at any lattice lag", by block sign flips. */
  readonly pValue: number;
  /** Sign patterns the test used: R drawn at random, or all 2^blocks when that is no more. */
  readonly signPatterns: number;
  readonly exact: boolean;
  readonly replicates: number;
  /**
   * Blocks with a contrast (blocksWithContrast): flipping a block without one changes nothing,
   * so p cannot fall below 2/2^contrastBlocks however many blocks the span holds.
   */
  readonly contrastBlocks: number;
  /**
   * The share of replicates whose θ̂* lies at the first or the last lag of the lattice (0 for a
   * lattice of one lag): where the peak would lie beyond the lags, a replicate can only take an
   * end (or a lesser peak inside), so a share of them there says the interval is cut by the
   * lags, even when its own ends lie inside them.
   */
  readonly edgeShare: number;
}

/** Numbers per replicate row in the resampling matrix: U over the lattice, RV_A, RV_B. */
function partsMatrix(parts: HyParts): { matrix: Float64Array; width: number } {
  const K = parts.lattice.count;
  const width = K + 2;
  const matrix = new Float64Array(parts.nBlocks * width);
  for (let b = 0; b < parts.nBlocks; b++) {
    matrix.set(parts.u.subarray(b * K, b * K + K), b * width);
    matrix[b * width + K] = parts.rvA[b]!;
    matrix[b * width + K + 1] = parts.rvB[b]!;
  }
  return { matrix, width };
}

/**
 * Replicates per chunk, so that each block of replicate sums stays near 8 MB whatever the
 * lattice, and its draws (or signs) within CHUNK_COUNTS whatever the span.
 */
function chunkOf(width: number, nBlocks: number): number {
  return Math.max(1, Math.min(Math.floor(1_000_000 / width), Math.floor(CHUNK_COUNTS / nBlocks)));
}

/**
 * Block-bootstrap intervals (§9) and the sign-flip test, from one `rng`: first the bootstrap's
 * block counts (drawBlockCounts), then one sign per block and replicate.
 *
 * Intervals: each replicate sums the blocks it drew and recomputes θ̂*, ρ*(θ̂*) and LLR* exactly as
 * from all blocks.
 *
 * Test: each replicate flips the sign of a random half (each block independently, probability ½)
 * of the blocks' cross parts U_b(·): U^s(θ) = Σ_b ε_b·U_b(θ) = 2·Σ_{ε_b=+1} U_b(θ) − U(θ). Under
 * no correlation at any lag, and blocks far longer than the lags, each block's part is as likely
 * to be U_b as −U_b, independently across blocks, so U^s is distributed as U; the realised
 * volatilities are untouched, so max |ρ^s| ranks as max |U^s|.
 * p = (1 + #{max_θ |U^s| ≥ max_θ |U|}) / (R + 1), exact for an exchangeable null; with few blocks
 * holding a contrast (2^blocks ≤ R) every sign pattern of theirs once instead (see signFlipTest).
 * Cost: O(R·blocks·lags) twice.
 */
export function hyInference(parts: HyParts, replicates: number, rng: Random): HyInference {
  const { lattice, nBlocks } = parts;
  const K = lattice.count;
  const { matrix, width } = partsMatrix(parts);
  const drawn = Math.max(1, nBlocks);
  const lag = new Float64Array(replicates);
  // Each replicate's plateau around its θ̂*: the lags its contrast cannot tell from θ̂*.
  const lagLow = new Float64Array(replicates);
  const lagHigh = new Float64Array(replicates);
  const rho = new Float64Array(replicates);
  const llr = new Float64Array(replicates);
  const chunk = chunkOf(width, drawn);
  // One array for every chunk's draws and one for its sums (each chunk overwrites what it reads).
  const counts = new Uint32Array(Math.min(chunk, replicates) * drawn);
  const scratch = new Float64Array(Math.min(chunk, replicates) * width);
  for (let r0 = 0; r0 < replicates; r0 += chunk) {
    const r1 = Math.min(replicates, r0 + chunk);
    // drawBlockCounts(max(1, blocks), R, rng) a chunk at a time: the same draws in the same order.
    const drawnCounts = drawCountsInto(counts.subarray(0, (r1 - r0) * drawn), drawn, rng);
    // One block (a window inside one --block): every replicate draws it once, so every
    // replicate's sums are the block's; the first replicate is computed and copied below.
    if (nBlocks === 0 || (nBlocks === 1 && r0 > 0)) continue;
    const rows = nBlocks === 1 ? 1 : r1 - r0;
    const sums = replicateSums(matrix, width, drawnCounts.subarray(0, rows * drawn), nBlocks, scratch);
    for (let r = r0; r < r0 + rows; r++) {
      const off = (r - r0) * width;
      const k = argmaxAbs(sums, lattice, off);
      lag[r] = k < 0 ? NaN : lagAt(lattice, k);
      const [lo, hi] = k < 0 ? [-1, -1] : plateauOf(sums, lattice, off, k);
      lagLow[r] = k < 0 ? NaN : lagAt(lattice, lo);
      lagHigh[r] = k < 0 ? NaN : lagAt(lattice, hi);
      rho[r] = k < 0 ? NaN : sums[off + k]! / Math.sqrt(sums[off + K]! * sums[off + K + 1]!);
      // As hyEstimate: no θ̂*, no LLR* (the replicate's contrast tells no lag from another).
      llr[r] = k < 0 ? NaN : leadLagRatios(sums, lattice, off).llr;
    }
  }
  if (nBlocks === 1) for (const a of [lag, lagLow, lagHigh, rho, llr]) a.fill(a[0]!, 1);
  const test = signFlipTest(parts, matrix, width, replicates, rng);
  // The draws above are made whatever the blocks, so that the test's signs come from the same
  // point of the seed's stream; with fewer than two blocks holding a contrast they give no
  // interval.
  const contrastBlocks = blocksWithContrast(parts);
  const spread = contrastBlocks >= MIN_INTERVAL_BLOCKS;
  return { lagUs: spread ? plateauInterval(lagLow, lagHigh) : null, rho: spread ? percentileInterval(rho) : null, llr: spread ? percentileInterval(llr) : null, ...test, replicates, contrastBlocks, edgeShare: edgeShareOf(lag, lattice) };
}

/** θ̂'s interval from the replicates' plateaus: the 2.5 % point of their low ends, the 97.5 % point of their high ends (type 1). */
function plateauInterval(lows: Float64Array, highs: Float64Array): Interval | null {
  const low = percentileIntervalType1(lows);
  const high = percentileIntervalType1(highs);
  return low === null || high === null ? null : { low: low.low, high: high.high };
}

/** The share of the replicates' θ̂* at the lattice's first or last lag (NaN, no peak, counts as neither). */
function edgeShareOf(lag: Float64Array, lattice: Lattice): number {
  if (lattice.count < 2 || lag.length === 0) return 0;
  const first = lattice.fromUs;
  const last = lastLag(lattice);
  let n = 0;
  for (const l of lag) if (l === first || l === last) n++;
  return n / lag.length;
}

/**
 * The sign-flip p-value (see hyInference), over the blocks that hold a contrast: a block whose
 * U_b is 0 at every lag adds 0 whatever its sign, so the test's distribution is that of the
 * others' signs alone (a span with long quiet stretches has many such blocks). With few of them
 * (2^blocks ≤ R) every sign pattern is enumerated once and p is exact: #{patterns reaching the
 * observed max} / 2^blocks, at least 2/2^blocks (no flip and all flips reproduce ±U). Otherwise
 * R random patterns and p = (1 + #{reaching}) / (R + 1).
 */
function signFlipTest(parts: HyParts, allRows: Float64Array, width: number, replicates: number, rng: Random): { pValue: number; signPatterns: number; exact: boolean } {
  const K = parts.lattice.count;
  const u = totalU(parts);
  const observedMax = maxAbs(u, 0, K);
  const { matrix, nBlocks } = contrastRows(allRows, width, K, parts.nBlocks);
  const exact = nBlocks > 0 && 2 ** nBlocks <= replicates;
  const rows = exact ? 2 ** nBlocks : replicates;
  if (nBlocks === 0 || observedMax === 0) return { pValue: 1, signPatterns: rows, exact };
  let atLeast = 0;
  const chunk = chunkOf(width, nBlocks);
  // The signs a chunk at a time, in the order of one pass over every row.
  const flips = new Uint32Array(Math.min(chunk, rows) * nBlocks);
  const scratch = new Float64Array(Math.min(chunk, rows) * width);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const r1 = Math.min(rows, r0 + chunk);
    for (let r = r0; r < r1; r++) for (let b = 0; b < nBlocks; b++) flips[(r - r0) * nBlocks + b] = exact ? (r >>> b) & 1 : rng.uint32() >>> 31;
    const half = replicateSums(matrix, width, flips.subarray(0, (r1 - r0) * nBlocks), nBlocks, scratch);
    for (let r = r0; r < r1; r++) {
      const off = (r - r0) * width;
      let m = 0;
      for (let k = 0; k < K; k++) m = Math.max(m, Math.abs(2 * half[off + k]! - u[k]!));
      // a flip of all or no blocks reproduces ±U: count it despite rounding
      if (m >= observedMax * (1 - 1e-12)) atLeast++;
    }
  }
  return { pValue: exact ? atLeast / rows : (1 + atLeast) / (replicates + 1), signPatterns: rows, exact };
}

/** The rows of `matrix` (width numbers each, U_b at its first K) whose U_b is not 0 at every lag, in order. */
function contrastRows(matrix: Float64Array, width: number, K: number, nBlocks: number): { matrix: Float64Array; nBlocks: number } {
  const keep: number[] = [];
  for (let b = 0; b < nBlocks; b++) if (maxAbs(matrix, b * width, b * width + K) !== 0) keep.push(b);
  if (keep.length === nBlocks) return { matrix, nBlocks };
  const out = new Float64Array(keep.length * width);
  keep.forEach((b, i) => out.set(matrix.subarray(b * width, b * width + width), i * width));
  return { matrix: out, nBlocks: keep.length };
}

function maxAbs(v: Float64Array, from: number, to: number): number {
  let m = 0;
  for (let k = from; k < to; k++) m = Math.max(m, Math.abs(v[k]!));
  return m;
}
