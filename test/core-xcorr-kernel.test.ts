/**
 * The lagged correlator's pair kernel (src/core/wasm/pair-runs.wat, src/core/pair-arena.ts)
 * against the correlator's own JavaScript loop (`kernel: false`): the same parts, bit for bit,
 * on random sparse returns, for every way the correlator files pairs — a range of lags on both
 * sides (the runs), lags on one side only, a list with gaps and a repeat (the lookups), cells
 * shorter than the lags (runs cut where the cell changes), two cell sets (`--by`), cells handed
 * over and dropped as they become final (pages freed and reused), and parts asked for midway.
 * The JavaScript loop is what the other xcorr tests hold to hand-worked examples and a dense
 * double loop (core-xcorr.test.ts, core-xcorr-dense.test.ts); here it is the reference. With
 * the kernel on, runs shorter than KERNEL_MIN_RUN partners go through the JavaScript loop on
 * the kernel's memory, so the sparse data (3 %) mostly test that and the dense (30 %) the kernel.
 *
 * 'tight' grows the kernel's memory a page at a time, so that nearly every new cell page and
 * every doubling of a log moves the memory: a view kept across such a move reads as empty and
 * drops its writes, which shows as a difference here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedCells, type TimeCells } from '../src/core/cells.js';
import { PairArena } from '../src/core/pair-arena.js';
import { PAIR_RUNS_WASM } from '../src/core/pair-runs-wasm.js';
import { Random } from '../src/core/random.js';
import { LagCorrelator } from '../src/core/xcorr.js';
import type { XcorrParts } from '../src/core/xcorr-cells.js';
import { kernelCheck } from '../scripts/build-wasm.js';


test('the embedded kernel is src/core/wasm/pair-runs.wat, compiled (npm run build:wasm after an edit)', async () => {
  const check = await kernelCheck('PAIR_RUNS_WASM');
  assert.equal(PAIR_RUNS_WASM, check.base64);
  assert.equal(check.onDisk, check.expected);
});

test('the kernel files one run as worked out by hand', () => {
  const arena = PairArena.create({ tight: true })!;
  assert.ok(arena !== undefined, 'Node 20 runs WebAssembly');
  // A log of three returns at push indices 10, 12, 13 with values 2, −3, 0.5, and a page of
  // 4 lags × 4 fields. A new return z = 4 at push j = 14, with start 0 and step 4: the pair with
  // index i goes to lag slot j − i, so index 13 → slot 1, 12 → slot 2, 10 → slot 4 (past the
  // page's 4 slots here, so only positions 1 and 2 of the log are run: [lo, hi) = [1, 3)).
  const idxAt = arena.alloc(3);
  const valAt = arena.alloc(3);
  const pageAt = arena.alloc(16);
  arena.view(idxAt, 3).set([10, 12, 13]);
  arena.view(valAt, 3).set([2, -3, 0.5]);
  const page = arena.view(pageAt, 16);
  page.set([0, 0, 0, 0, 5, 1, 1, 7, 0, 0, 0, 0]);
  arena.run(pageAt, idxAt, valAt, 1, 3, 4, 0, 4, 14);
  // slot 1 (index 13): xy = 0.5·4 = 2 → n_eff 5 + 1, Σxy 1 + 2, Σ|xy| 1 + 2, max(7, 2) = 7
  // slot 2 (index 12): xy = −3·4 = −12 → 1, −12, 12, max(0, 12) = 12
  assert.deepEqual([...page], [0, 0, 0, 0, 6, 3, 3, 7, 1, -12, 12, 12, 0, 0, 0, 0]);
  // step −4 from start 12 (the lag slots of the other side, counted down): index 13 → 12 − 4 = 8.
  arena.run(pageAt, idxAt, valAt, 2, 3, -2, 12, -4, 14);
  assert.deepEqual([...page.subarray(8, 12)], [2, -13, 13, 12]);
});

/** Sparse returns: about `density` of the points non-zero in each market, magnitudes over six decades, a few exact repeats. */
function sparseReturns(rng: Random, n: number, density: number): [Float64Array, Float64Array] {
  const side = (): Float64Array =>
    Float64Array.from({ length: n }, () => {
      if (rng.next() >= density) return 0;
      const u = rng.next();
      return u < 0.1 ? 1e-4 : (rng.next() - 0.5) * 10 ** (rng.int(6) - 7);
    });
  return [side(), side()];
}

interface Case {
  readonly name: string;
  readonly lags: readonly number[];
  readonly cells: readonly TimeCells[];
  /** Pushes after which parts() is asked for (the non-destructive copy). */
  readonly midway?: readonly number[];
  readonly onFinal?: boolean;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// Grid 1 µs here, so a cell of C µs holds C pushes: cells of 7 and 23 pushes against lags up to
// 40 cut most runs, cells of 1 000 cut few.
const CASES: readonly Case[] = [
  { name: 'lags -40..40, cells of 1 000', lags: range(-40, 40), cells: [fixedCells(1000)] },
  { name: 'lags -40..40, cells of 7 (runs cut by cells)', lags: range(-40, 40), cells: [fixedCells(7)] },
  { name: 'lags 5..60 (A leads only), cells of 23', lags: range(5, 60), cells: [fixedCells(23)] },
  { name: 'lags -60..-5 (B leads only), cells of 23', lags: range(-60, -5), cells: [fixedCells(23)] },
  { name: 'a list with gaps and a repeat (lookups)', lags: [-30, -7, -1, 0, 0, 3, 11, 29], cells: [fixedCells(23)] },
  { name: 'two cell sets (windows)', lags: range(-25, 25), cells: [fixedCells(50), fixedCells(7)], midway: [3000] },
  { name: 'parts asked for midway', lags: range(-33, 12), cells: [fixedCells(100)], midway: [1, 999, 5000] },
  { name: 'final cells handed over and dropped', lags: range(-20, 35), cells: [fixedCells(13)], onFinal: true },
  // About 0.3 · 2 · 240 = 144 returns kept a market at 30 %: the logs double in the arena (64 → 256).
  { name: 'long lags: the return logs grow', lags: range(110, 240), cells: [fixedCells(10)], midway: [3729], onFinal: true },
];

/** Every part of a run, in order: the midway parts, the handed-over cells, then each cell set's final parts. */
function runParts(c: Case, a: Float64Array, b: Float64Array, kernel: boolean | 'tight'): XcorrParts[] {
  const out: XcorrParts[] = [];
  const correlator = new LagCorrelator(c.lags, { gridUs: 1, cells: c.cells, kernel, onFinal: c.onFinal === true ? (p) => out.push(p) : undefined });
  correlator.begin(1_000_003);
  for (let i = 0; i < a.length; i++) {
    // Runs of zeros as pushZeros, the way the aligner sends flat stretches.
    if (a[i] === 0 && b[i] === 0) correlator.pushZeros(1);
    else correlator.push(a[i]!, b[i]!);
    if (c.midway?.includes(i + 1)) for (let s = 0; s < c.cells.length; s++) out.push(correlator.parts(s));
  }
  for (let s = 0; s < c.cells.length; s++) out.push(correlator.finalParts(s));
  return out;
}

function assertSameParts(got: XcorrParts[], want: XcorrParts[], what: string): void {
  assert.equal(got.length, want.length, `${what}: number of parts`);
  got.forEach((g, i) => {
    assert.deepEqual([g.firstCell, g.cells, g.lags], [want[i]!.firstCell, want[i]!.cells, want[i]!.lags], `${what}: parts ${i}`);
    assert.equal(g.sums.length, want[i]!.sums.length, `${what}: parts ${i} size`);
    for (let k = 0; k < g.sums.length; k++) {
      if (!Object.is(g.sums[k], want[i]!.sums[k])) assert.fail(`${what}: parts ${i}, number ${k}: ${g.sums[k]} ≠ ${want[i]!.sums[k]}`);
    }
  });
}

for (const c of CASES) {
  test(`the pair kernel gives the JavaScript loop's parts bit for bit: ${c.name}`, () => {
    const rng = new Random(c.name.length * 7919 + c.lags.length);
    for (const density of [0.03, 0.3]) {
      const [a, b] = sparseReturns(rng, 9000, density);
      const want = runParts(c, a, b, false);
      // The reference must have pairs to compare: n_effective (field 1 of each lag's row) summed
      // over the parts (about 9 000 · density² a lag: 8 at 3 %, 800 at 30 %).
      const pairs = want.reduce((sum, p) => p.sums.reduce((s, v, k) => (k % 9 === 1 ? s + v : s), sum), 0);
      assert.ok(pairs > 40, `${c.name}: the data make pairs (${pairs})`);
      assertSameParts(runParts(c, a, b, true), want, `${c.name}, density ${density}`);
      assertSameParts(runParts(c, a, b, 'tight'), want, `${c.name}, density ${density}, tight memory`);
    }
  });
}

test('an arena reuses freed blocks zeroed, and its owners see every growth', () => {
  const arena = PairArena.create({ tight: true })!;
  const first = arena.alloc(10);
  arena.view(first, 10).fill(3);
  arena.free(first, 10);
  const again = arena.alloc(10);
  assert.equal(again, first, 'a freed block of the same size is reused');
  assert.deepEqual([...arena.view(again, 10)], new Array(10).fill(0), 'and handed out as zeros');
  let refreshed = 0;
  arena.own(() => refreshed++);
  const before = arena.buffer;
  arena.alloc(10_000); // 80 kB: more than the memory's first 64 KiB page
  assert.notEqual(arena.buffer, before, 'the memory moved');
  assert.equal(refreshed, 1, 'the owner was told');
  assert.equal(arena.f64.buffer, arena.buffer, 'the arena’s own view is of the new memory');
});

// Fields of one (cell, lag) row of the parts (PART_FIELDS in xcorr-cells.ts).
const NEFF = 1;
const SXY = 6;
const ABS = 7;
const MAX = 8;

test('pairs whose partners cross a cell go to their own A cell, with and without the kernel (a direct double loop per cell)', () => {
  // The bit-for-bit tests above hold the kernel to the JavaScript loop, and both cut a run of
  // partners where its cell changes (cellRunEnd): a wrong cut files pairs in a neighbouring
  // cell, which they cannot see, and which a fold over all cells hides too. Here the reference
  // is independent: every pair (r_A[j], r_B[j + τ]) with both returns non-zero, in the cell of
  // A's push j (grid 1 µs: push j at time n0 + j), counted by a double loop. Cells of 7 pushes
  // against lags up to 40 cut nearly every run; at 30 % a run holds about 12 partners, so the
  // kernel takes most of them.
  const rng = new Random(2024);
  const n0 = 1_000_003;
  const cellUs = 7;
  const [a, b] = sparseReturns(rng, 3000, 0.3);
  for (const lags of [range(0, 40), range(-40, 40)]) {
    const cellOf = (j: number): number => Math.floor((n0 + j) / cellUs);
    const first = cellOf(1);
    const cells = cellOf(a.length) - first + 1;
    const want = new Float64Array(cells * lags.length * 4); // n_effective, Σxy, Σ|xy|, max |xy|
    lags.forEach((lag, k) => {
      for (let j = 1; j <= a.length; j++) {
        const x = a[j - 1]!;
        const y = b[j - 1 + lag];
        if (x === 0 || y === undefined || y === 0 || j + lag < 1) continue;
        const o = ((cellOf(j) - first) * lags.length + k) * 4;
        want[o]! += 1;
        want[o + 1]! += x * y;
        want[o + 2]! += Math.abs(x * y);
        want[o + 3] = Math.max(want[o + 3]!, Math.abs(x * y));
      }
    });
    for (const kernel of [false, true, 'tight'] as const) {
      const correlator = new LagCorrelator(lags, { gridUs: 1, cells: [fixedCells(cellUs)], kernel });
      correlator.begin(n0);
      for (let i = 0; i < a.length; i++) correlator.push(a[i]!, b[i]!);
      const parts = correlator.parts(0);
      assert.equal(parts.firstCell, first);
      assert.equal(parts.cells, cells);
      for (let c = 0; c < cells; c++) {
        for (let k = 0; k < lags.length; k++) {
          const got = parts.sums.subarray((c * lags.length + k) * 9);
          const o = (c * lags.length + k) * 4;
          const where = `kernel ${kernel}, lags ${lags[0]}…, cell ${first + c}, lag ${lags[k]}`;
          // n_effective and max |xy| do not depend on the order of the additions: exact.
          assert.equal(got[NEFF], want[o], `${where}: n_effective`);
          assert.equal(got[MAX], want[o + 3], `${where}: max |xy|`);
          // The sums are added in another order here: a (cell, lag) has at most 7 terms (one per
          // push of the cell), so each side is within 6u·Σ|xy| of the exact sum (u = 2⁻⁵³).
          const tolerance = 12 * 2 ** -53 * want[o + 2]!;
          assert.ok(Math.abs(got[SXY]! - want[o + 1]!) <= tolerance, `${where}: Σxy ${got[SXY]} vs ${want[o + 1]}`);
          assert.ok(Math.abs(got[ABS]! - want[o + 2]!) <= tolerance, `${where}: Σ|xy| ${got[ABS]} vs ${want[o + 2]}`);
        }
      }
    }
  }
});

/** What an arena did: kernel calls, and its blocks live (byte address → doubles). */
interface ArenaLog {
  calls: number;
  readonly live: Map<number, number>;
  maxLive: number;
}

/**
 * Runs `f` with every PairArena it makes counting its kernel calls and its blocks; a block
 * freed that is not live (freed twice, or never handed out) fails the test.
 */
function countingArenas(f: () => void): ArenaLog[] {
  const logs: ArenaLog[] = [];
  const create = PairArena.create;
  const patched = PairArena as { create: typeof PairArena.create };
  patched.create = (options) => {
    const arena = create.call(PairArena, options)!;
    const log: ArenaLog = { calls: 0, live: new Map(), maxLive: 0 };
    logs.push(log);
    const { run, alloc, free } = arena;
    const counted = arena as { run: typeof run; alloc: typeof alloc; free: typeof free };
    counted.run = (...args) => {
      log.calls++;
      run(...args);
    };
    counted.alloc = (doubles) => {
      const at = alloc.call(arena, doubles);
      assert.ok(!log.live.has(at), `block ${at} handed out while live`);
      log.live.set(at, doubles);
      log.maxLive = Math.max(log.maxLive, log.live.size);
      return at;
    };
    counted.free = (at, doubles) => {
      assert.equal(log.live.get(at), doubles, `block ${at} freed (${doubles} doubles) while not live with that size`);
      log.live.delete(at);
      free.call(arena, at, doubles);
    };
    return arena;
  };
  try {
    f();
  } finally {
    patched.create = create;
  }
  return logs;
}

test('dense runs go through the kernel, and every page a table takes is given back', () => {
  const rng = new Random(77);
  const [a, b] = sparseReturns(rng, 20_000, 0.3);
  // Final cells handed over: cells of 13 pushes at lags up to 35 leave about 5 open, on pages of
  // floor(8192 / (56 lags · 4)) = 36 cells, so at most 2 pages at once beside the logs' 4 blocks
  // (6 while one log moves): a table that kept its dropped pages would hold about 20 000 / 13 / 36 = 43.
  const folded = countingArenas(() => {
    const correlator = new LagCorrelator(range(-20, 35), { gridUs: 1, cells: [fixedCells(13)], onFinal: () => {} });
    for (let i = 0; i < a.length; i++) correlator.push(a[i]!, b[i]!);
    correlator.finalParts(0);
  });
  // Two cell sets kept whole (windows), read once at the end: both tables' pages come back.
  const kept = countingArenas(() => {
    const correlator = new LagCorrelator(range(-25, 25), { gridUs: 1, cells: [fixedCells(50), fixedCells(7)] });
    for (let i = 0; i < a.length; i++) correlator.push(a[i]!, b[i]!);
    correlator.finalParts(0);
    correlator.finalParts(1);
  });
  for (const [name, logs] of [['folded', folded], ['kept', kept]] as const) {
    assert.equal(logs.length, 1, `${name}: one arena per correlator`);
    const log = logs[0]!;
    // At 30 % a return has about 0.3 · 35 ≈ 10 partners a side: many runs reach KERNEL_MIN_RUN (8).
    assert.ok(log.calls > 1000, `${name}: the kernel ran (${log.calls} calls)`);
    assert.equal(log.live.size, 4, `${name}: after the last finalParts only A's and B's idx and val are live`);
  }
  assert.ok(folded[0]!.maxLive <= 8, `folded: at most ${folded[0]!.maxLive} blocks live at once`);
});
