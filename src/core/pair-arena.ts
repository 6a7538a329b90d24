/**
 * The lagged correlator's pair loop in WebAssembly (src/core/wasm/pair-runs.wat, built into
 * pair-runs-wasm.ts by scripts/build-wasm.ts), and the memory it works in.
 *
 * The loop (xcorr.ts, addPairRun) files the pairs of one new non-zero return with the other
 * market's recent ones: a few loads and four read-modify-writes per pair, 10⁸ pairs over an
 * hour at `--lags -1000..1000` on the 1 ms grid. In JavaScript a pair costs about 6.5 ns, in
 * WebAssembly about 3.2 ns (the same loop in isolation, 5·10⁷ pairs; less since its fields go in
 * 128-bit lanes, see the .wat). The kernel can only read
 * and write its own memory, so the correlator keeps there what the loop touches: both markets'
 * return logs (xcorr-log.ts) and the pages of its cell tables' pair fields (xcorr-cells.ts).
 *
 * An arena is that memory, one per correlator: a bump allocator with a free list per size
 * (the logs double and the pages are all one size, so freed blocks are reused whole). When it
 * must grow, WebAssembly gives the memory a new buffer and every view of the old one reads as
 * empty and drops its writes; so each owner of arena blocks registers a `refresh` that makes
 * its views again, and the rule for callers is: a view taken before an `alloc` is not used
 * after it. The tests grow the arena a page at a time, so that every allocation moves it, and
 * hold the results to the correlator without the arena, bit for bit.
 */
import { PAIR_RUNS_WASM } from './pair-runs-wasm.js';
import { moduleOnce, wasm, type WasmMemory } from './wasm-module.js';

/** The kernel's one function: the pairs of z at push j with log positions [lo, hi), see the .wat. */
type RunFn = (page: number, idx: number, val: number, lo: number, hi: number, z: number, start: number, step: number, j: number) => void;

const WASM_PAGE = 65536;
/** Pages a 32-bit WebAssembly memory can have (4 GiB). */
const MAX_PAGES = 65536;
/** Blocks start on a cache line: a lag's four pair fields (32 bytes) then never straddle two. */
const ALIGN = 64;

/** The compiled module, null where WebAssembly cannot run it: the correlator then keeps its arrays in JavaScript. */
const pairModule = moduleOnce(PAIR_RUNS_WASM);

export interface ArenaOptions {
  /**
   * Grow by exactly the pages an allocation lacks instead of doubling (tests: every allocation
   * that does not fit then moves the memory, which is what breaks a stale view).
   */
  readonly tight?: boolean;
}

export class PairArena {
  /** The whole memory as doubles; replaced when the memory grows (see the file's comment). */
  f64: Float64Array;
  /** Files the pairs of one run (see RunFn); addresses in bytes. */
  readonly run: RunFn;
  private readonly memory: WasmMemory;
  private top = 0;
  /** Freed blocks by size in bytes: their byte addresses. */
  private readonly freed = new Map<number, number[]>();
  private readonly owners: (() => void)[] = [];
  private readonly tight: boolean;

  private constructor(memory: WasmMemory, run: RunFn, options: ArenaOptions) {
    this.memory = memory;
    this.run = run;
    this.f64 = new Float64Array(memory.buffer);
    this.tight = options.tight === true;
  }

  /** An arena, or undefined where WebAssembly cannot run the kernel. */
  static create(options: ArenaOptions = {}): PairArena | undefined {
    const module = pairModule();
    if (module === null) return undefined;
    try {
      // A memory reserves its address space up front (about 10 GiB in V8): under a low
      // `ulimit -v` this fails, and the JavaScript loop does the same work.
      const memory = new wasm.Memory({ initial: 1 });
      const exports = new wasm.Instance(module, { arena: { memory } }).exports as { run: RunFn };
      return new PairArena(memory, exports.run, options);
    } catch {
      return undefined;
    }
  }

  /** The memory's buffer (for an owner's views). */
  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }

  /** `refresh` makes the owner's views again; it is called after every growth. */
  own(refresh: () => void): void {
    this.owners.push(refresh);
  }

  /**
   * A block of `doubles` zeros; its byte address (a multiple of 64). May grow the memory: every
   * view of it taken before is then stale (the owners' are made again before this returns).
   */
  alloc(doubles: number): number {
    const bytes = blockBytes(doubles);
    const reuse = this.freed.get(bytes)?.pop();
    if (reuse !== undefined) {
      this.f64.fill(0, reuse / 8, (reuse + bytes) / 8);
      return reuse;
    }
    const at = this.top;
    const have = this.memory.buffer.byteLength;
    if (at + bytes > have) {
      const lack = Math.ceil((at + bytes - have) / WASM_PAGE);
      // Fresh pages are zeros, and pages never touched cost no memory: doubling costs nothing,
      // up to the 4 GiB a 32-bit memory can address. (If grow throws, nothing has changed.)
      const pages = this.tight ? lack : Math.max(lack, Math.min(have / WASM_PAGE, MAX_PAGES - have / WASM_PAGE));
      this.memory.grow(pages);
      this.f64 = new Float64Array(this.memory.buffer);
      for (const refresh of this.owners) refresh();
    }
    this.top = at + bytes;
    return at;
  }

  /** Gives back a block of `alloc(doubles)` at byte address `at` for a later alloc of that size. */
  free(at: number, doubles: number): void {
    const bytes = blockBytes(doubles);
    const list = this.freed.get(bytes);
    if (list === undefined) this.freed.set(bytes, [at]);
    else list.push(at);
  }

  /** A view of `doubles` numbers at byte address `at` (stale after the next alloc that grows). */
  view(at: number, doubles: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, doubles);
  }
}

function blockBytes(doubles: number): number {
  return Math.ceil((8 * Math.max(1, doubles)) / ALIGN) * ALIGN;
}
