/**
 * {@link replicateSums} (bootstrap.ts) on 128-bit SIMD: the same sums, the same bits, in about
 * a third of the time. The block bootstrap of many lags is R · blocks · width multiply-adds
 * (`xcorr --lags -1000..1000` over an hour: 2·10⁹), and plain JavaScript does one at a time.
 *
 * The kernel is src/core/wasm/replicate-sums.wat, built into replicate-sums-wasm.ts by
 * scripts/build-wasm.ts. It works in its own memory, so the parts and the counts are copied in
 * by strips of columns and groups of replicates, each at most STRIP_DOUBLES numbers (8 MiB), and
 * the sums copied out: the memory stays under 24 MiB up to 2¹⁸ blocks (a month of 10 s blocks is
 * 2.6·10⁵); beyond, a strip of 4 columns and a group of 4 replicates take 64 bytes per block
 * (61 MiB at 10⁶ blocks). Counts held for many sums (loadCounts) stay in it whole, up to
 * RESIDENT_DOUBLES numbers (32 MiB) more. It is the thread's for as long as the process runs (WebAssembly memory
 * does not shrink). Every sum still runs over all the blocks, in order: strips and groups only
 * decide which sums are computed together.
 */
import { REPLICATE_SUMS_WASM } from './replicate-sums-wasm.js';
import { growTo, moduleOnce, wasm, type WasmMemory } from './wasm-module.js';

/** The most numbers of one strip of parts, one group of counts or one block of sums. */
export const STRIP_DOUBLES = 1 << 20;

interface Kernel {
  readonly memory: WasmMemory;
  /** out = c · parts for byte addresses p, c, o; w and rr multiples of 4 (see the .wat). */
  readonly sums: (p: number, w: number, nb: number, c: number, rr: number, o: number) => void;
}

/** The compiled module, null where the engine has no WebAssembly SIMD. */
const simdModule = moduleOnce(REPLICATE_SUMS_WASM);
/** The instantiated kernel, null where the engine has no WebAssembly SIMD; undefined until first asked. */
let kernel: Kernel | null | undefined;

function loadKernel(): Kernel | null {
  if (kernel === undefined) {
    // An engine without 128-bit SIMD refuses the module; the scalar loop gives the same bits.
    const module = simdModule();
    try {
      kernel = module === null ? null : (new wasm.Instance(module).exports as unknown as Kernel);
    } catch {
      kernel = null;
    }
  }
  return kernel;
}

/** Whether the SIMD kernel can run here. */
export function simdAvailable(): boolean {
  return loadKernel() !== null;
}

const ceil4 = (n: number): number => Math.ceil(n / 4) * 4;
const floor4 = (n: number): number => Math.floor(n / 4) * 4;

/**
 * Counts held in the kernel's memory as doubles, rows padded with zeros to a multiple of 4, for
 * several sums over them (a bootstrap of many statistics: the counts of a chunk of replicates
 * against table after table). Converting R · blocks counts for every table cost as much as the
 * kernel's work on a table of a few lags. Valid while it is the thread's latest: another load,
 * or a sum without it, takes the memory back, and a stale handle is then ignored.
 */
export interface LoadedCounts {
  readonly replicates: number;
  readonly nBlocks: number;
}

/** The counts the kernel's memory holds from address 0 (the array they were loaded from), with their padded length in numbers. */
let loaded: { readonly handle: LoadedCounts; readonly counts: Uint32Array; readonly doubles: number } | undefined;

/**
 * Loads `counts` (rows of nBlocks) into the kernel's memory; undefined, loading nothing, when the
 * kernel cannot run here or the padded rows would exceed `residentDoubles` (the sums then take
 * the counts a group at a time, as without a load).
 */
export function loadCounts(counts: Uint32Array, nBlocks: number, residentDoubles = RESIDENT_DOUBLES): LoadedCounts | undefined {
  const k = loadKernel();
  const replicates = counts.length / nBlocks;
  const doubles = ceil4(replicates) * nBlocks;
  if (k === null || replicates === 0 || doubles > residentDoubles) return undefined;
  const mem = memoryOf(k, doubles);
  mem.set(counts, 0);
  mem.fill(0, counts.length, doubles);
  const handle = { replicates, nBlocks };
  loaded = { handle, counts, doubles };
  return handle;
}

/**
 * The most numbers of counts {@link loadCounts} keeps in the kernel's memory (32 MiB): a chunk
 * of countChunks fits unless its rows, padded to a multiple of 4, outgrow it (then the sums copy
 * the counts in a group at a time, only slower).
 */
export const RESIDENT_DOUBLES = 1 << 22;

/**
 * Writes row r = Σ_b counts[r][b]·parts[b] into `out` (the layout of replicateSums, R·width
 * numbers); false, writing nothing, when the kernel cannot run here. `held`, when it is the
 * thread's latest load and of this very array (a chunk drawn again in place is a new view), saves
 * copying the counts in. `stripDoubles` bounds the strips
 * and groups (tests pass less, to reach their edges on small inputs).
 */
export function replicateSumsSimd(parts: Float64Array, width: number, counts: Uint32Array, nBlocks: number, out: Float64Array, stripDoubles = STRIP_DOUBLES, held?: LoadedCounts): boolean {
  const k = loadKernel();
  if (k === null) return false;
  const replicates = counts.length / nBlocks;
  if (replicates === 0 || width === 0) return true;
  const resident = held !== undefined && loaded?.handle === held && loaded.counts === counts && held.nBlocks === nBlocks;
  if (!resident) loaded = undefined;
  // S columns per strip, G replicates per group: nBlocks·S, G·nBlocks and G·S numbers each.
  const S = Math.min(ceil4(width), Math.max(4, floor4(stripDoubles / nBlocks)));
  const G = Math.min(ceil4(replicates), Math.max(4, floor4(stripDoubles / Math.max(nBlocks, S))));
  // Held counts stay at 0 and the strip and sums follow them; otherwise a group is copied in after the strip.
  const C = resident ? 0 : nBlocks * S;
  const P = resident ? loaded!.doubles : 0;
  const O = resident ? P + nBlocks * S : C + G * nBlocks;
  const mem = memoryOf(k, O + G * S);
  for (let k0 = 0; k0 < width; k0 += S) {
    const s = Math.min(S, width - k0);
    const w = ceil4(s);
    copyStrip(parts, width, nBlocks, k0, s, w, mem, P);
    for (let r0 = 0; r0 < replicates; r0 += G) {
      const g = Math.min(G, replicates - r0);
      const rr = ceil4(g);
      let c = C + r0 * nBlocks;
      if (!resident) {
        c = C;
        mem.set(counts.subarray(r0 * nBlocks, (r0 + g) * nBlocks), C);
        mem.fill(0, C + g * nBlocks, C + rr * nBlocks);
      }
      k.sums(8 * P, w, nBlocks, 8 * c, rr, 8 * O);
      if (w === width) out.set(mem.subarray(O, O + g * w), r0 * width);
      else for (let i = 0; i < g; i++) out.set(mem.subarray(O + i * w, O + i * w + s), (r0 + i) * width + k0);
    }
  }
  return true;
}

/** The kernel's memory as doubles, grown to hold at least `doubles` of them. */
function memoryOf(k: Kernel, doubles: number): Float64Array {
  return new Float64Array(growTo(k.memory, 8 * doubles));
}

/** Columns [k0, k0 + s) of every block's row into rows of w (zero-padded) at `at`. */
function copyStrip(parts: Float64Array, width: number, nBlocks: number, k0: number, s: number, w: number, mem: Float64Array, at: number): void {
  // The whole rows, unpadded: one copy.
  if (s === width && w === width) {
    mem.set(parts.subarray(0, nBlocks * width), at);
    return;
  }
  // Number by number: a subarray and a set per block cost more than copying a strip's few numbers
  // (a month of 10 s blocks is 259 200 blocks, strips of 4 numbers).
  for (let b = 0; b < nBlocks; b++) {
    const row = at + b * w;
    const from = b * width + k0;
    for (let c = 0; c < s; c++) mem[row + c] = parts[from + c]!;
    for (let c = s; c < w; c++) mem[row + c] = 0;
  }
}
