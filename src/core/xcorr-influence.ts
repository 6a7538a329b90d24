/**
 * The influence of a block of pairs on a lag's r (docs/definitions.md §4, "The best of many
 * lags"): ψ_b = Σ_{n ∈ b} IF_n / N, IF_n = x̃_n ỹ_n − r̂/2 (x̃_n² + ỹ_n²), with x̃ and ỹ the
 * returns standardized by the span's means and (population) standard deviations. ψ_b is the
 * derivative of r in block b's weight, Σ_b ψ_b = 0, and a bootstrap replicate's r* − r̂ is
 * Σ_b count_b·ψ_b to first order; the spread of the ψ_b drawn gives a replicate's own standard
 * error of r, which the band over the lags divides by (xcorr-band.ts).
 *
 * All from the blocks' sums: Σ_{n∈b} (x − x̄)(y − ȳ) = Σxy − x̄Σy − ȳΣx + n·x̄ȳ, and alike for
 * the squares. ψ_b is linear in a block's sums, so Σ_b count_b·ψ_b follows from a replicate's
 * sums by the same formula; ψ_b² is not, and is summed per replicate on its own.
 */
import { correlationOfSums } from './xcorr-cells.js';

/** Per lag, what ψ needs of the span: N, x̄, ȳ, var x, var y, sd x · sd y, r̂. */
export const INFLUENCE_WIDTH = 7;

/**
 * The span's constants of ψ for a lag with these total sums into `into` at `o`; false (and NaN
 * written) where a series is constant or N < 2, where r is undefined. r̂ is computed here from
 * the same sums by correlationOfSums, as the replicates compute theirs.
 */
export function influenceConstants(n: number, sx: number, sxx: number, sy: number, syy: number, sxy: number, into: Float64Array, o: number): boolean {
  const r = correlationOfSums(n, sx, sxx, sy, syy, sxy);
  const mx = sx / n;
  const my = sy / n;
  const vx = sxx / n - mx * mx;
  const vy = syy / n - my * my;
  if (Number.isNaN(r) || !(vx > 0 && vy > 0)) {
    into.fill(NaN, o, o + INFLUENCE_WIDTH);
    return false;
  }
  into[o] = n;
  into[o + 1] = mx;
  into[o + 2] = my;
  into[o + 3] = vx;
  into[o + 4] = vy;
  into[o + 5] = Math.sqrt(vx) * Math.sqrt(vy);
  into[o + 6] = r;
  return true;
}

/**
 * ψ of pairs with these sums (a block's, or a replicate's: the formula is linear in them), from
 * the constants `c` at `o` (influenceConstants).
 */
export function influence(c: Float64Array, o: number, n: number, sx: number, sxx: number, sy: number, syy: number, sxy: number): number {
  const total = c[o]!;
  const mx = c[o + 1]!;
  const my = c[o + 2]!;
  const cxy = sxy - mx * sy - my * sx + n * mx * my;
  const cxx = sxx - 2 * mx * sx + n * mx * mx;
  const cyy = syy - 2 * my * sy + n * my * my;
  return (cxy / c[o + 5]! - (c[o + 6]! / 2) * (cxx / c[o + 3]! + cyy / c[o + 4]!)) / total;
}

/**
 * The standard error of a sum of `blocks` block influences drawn with these sums of ψ and ψ²
 * (Σ count = blocks): √(blocks/(blocks − 1) · (Σψ² − (Σψ)²/blocks)), the blocks' sample variance
 * of ψ times their number. For the span itself every count is 1.
 */
export function influenceSpread(sumPsi: number, sumPsi2: number, blocks: number): number {
  const v = (blocks / (blocks - 1)) * (sumPsi2 - (sumPsi * sumPsi) / blocks);
  return Math.sqrt(Math.max(0, v));
}
