/**
 * The additive parts of the Hayashi–Yoshida contrast per bootstrap block (docs/definitions.md §8,
 * §9, §11): what HyState produces, what the statistics, windows and merges are computed from.
 */
import type { Lattice } from './lattice.js';
import type { Span } from './types.js';

/**
 * The additive parts of the contrast, per block (block index firstBlock + b, b = 0 … nBlocks − 1).
 * Every whole-span number is the sum of its parts over the blocks.
 */
export interface HyParts {
  readonly lattice: Lattice;
  readonly blockUs: number;
  readonly firstBlock: number;
  readonly nBlocks: number;
  /** U_b(θ_k) at b·count + k. */
  readonly u: Float64Array;
  /** Σ ΔA_i² and Σ ΔB_j² per block. */
  readonly rvA: Float64Array;
  readonly rvB: Float64Array;
  /** Ticks in the span and nonextant ticks (§8 diagnostic) per block. */
  readonly nA: Float64Array;
  readonly nB: Float64Array;
  readonly nonextantA: Float64Array;
  readonly nonextantB: Float64Array;
  /** [T_start, T_end], undefined when the two markets do not overlap. */
  readonly span: Span | undefined;
}

/**
 * The blocks with a contrast (U_b(θ) ≠ 0 at some lag: moves of both markets that overlap). θ̂ and
 * ρ come from the contrasts; one block of them among blocks without any makes every replicate
 * the estimate itself (core/bootstrap.ts MIN_INTERVAL_BLOCKS).
 */
export function blocksWithContrast(parts: HyParts): number {
  const K = parts.lattice.count;
  let n = 0;
  for (let b = 0; b < parts.nBlocks; b++) {
    for (let k = 0; k < K; k++) {
      if (parts.u[b * K + k] !== 0) {
        n++;
        break;
      }
    }
  }
  return n;
}

/**
 * The parts of two runs over disjoint time ranges added block by block (blocks shared at a
 * common edge add). The pairs of intervals that straddle the cut belong to whichever run read
 * across it (§11), so each run must have read the ticks its range's intervals need.
 * @throws RangeError when the lattices or block lengths differ.
 */
export function mergeParts(x: HyParts, y: HyParts): HyParts {
  const l = x.lattice;
  if (l.fromUs !== y.lattice.fromUs || l.stepUs !== y.lattice.stepUs || l.count !== y.lattice.count || x.blockUs !== y.blockUs) {
    throw new RangeError('mergeParts: the lattices or block lengths differ');
  }
  if (x.span === undefined) return y;
  if (y.span === undefined) return x;
  const first = Math.min(x.firstBlock, y.firstBlock);
  const nBlocks = Math.max(x.firstBlock + x.nBlocks, y.firstBlock + y.nBlocks) - first;
  const K = l.count;
  const u = new Float64Array(nBlocks * K);
  const add = (dst: Float64Array, src: Float64Array, offset: number, width: number) => {
    for (let k = 0; k < src.length; k++) dst[offset * width + k]! += src[k]!;
  };
  const columns = ['rvA', 'rvB', 'nA', 'nB', 'nonextantA', 'nonextantB'] as const;
  const out = Object.fromEntries(columns.map((c) => [c, new Float64Array(nBlocks)])) as Record<(typeof columns)[number], Float64Array>;
  for (const p of [x, y]) {
    add(u, p.u, p.firstBlock - first, K);
    for (const c of columns) add(out[c], p[c], p.firstBlock - first, 1);
  }
  const span = { start: Math.min(x.span.start, y.span.start), end: Math.max(x.span.end, y.span.end) };
  return { lattice: l, blockUs: x.blockUs, firstBlock: first, nBlocks, u, ...out, span };
}
