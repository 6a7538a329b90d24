import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawBlockCounts, drawCountsInto, holdCounts, replicateSums, replicateSumsScalar } from '../src/core/bootstrap.js';
import { Random } from '../src/core/random.js';
import { REPLICATE_SUMS_WASM } from '../src/core/replicate-sums-wasm.js';
import { replicateSumsSimd, simdAvailable } from '../src/core/replicate-sums-simd.js';
import { kernelCheck } from '../scripts/build-wasm.js';


/** The definition written plainly: each sum from 0 over the drawn blocks in block order. */
function referenceSums(parts: Float64Array, width: number, counts: Uint32Array, nBlocks: number): Float64Array {
  const replicates = counts.length / nBlocks;
  const out = new Float64Array(replicates * width);
  for (let r = 0; r < replicates; r++) {
    for (let k = 0; k < width; k++) {
      let sum = 0;
      for (let b = 0; b < nBlocks; b++) {
        const c = counts[r * nBlocks + b]!;
        if (c !== 0) sum += c * parts[b * width + k]!;
      }
      out[r * width + k] = sum;
    }
  }
  return out;
}

/** Parts with zeros, negative zeros and magnitudes over 20 decades (sums that round differently in any other order). */
function randomParts(rng: Random, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const u = rng.next();
    return u < 0.2 ? 0 : u < 0.3 ? -0 : (rng.next() - 0.5) * 10 ** (rng.int(20) - 10);
  });
}

function assertSameBits(got: Float64Array, want: Float64Array, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${what}: sum ${i}: ${got[i]} ≠ ${want[i]}`);
}

test('the embedded kernel is src/core/wasm/replicate-sums.wat, compiled (npm run build:wasm after an edit)', async () => {
  const check = await kernelCheck('REPLICATE_SUMS_WASM');
  assert.equal(REPLICATE_SUMS_WASM, check.base64);
  assert.equal(check.onDisk, check.expected);
});

test('replicateSumsSimd: the same bits as the definition, across strips, groups and padding', () => {
  assert.ok(simdAvailable(), 'Node 20 runs WebAssembly SIMD');
  const rng = new Random(5);
  // (blocks, width, replicates, strip bound): widths and replicate counts off multiples of 4
  // (padding), and strip bounds small enough to cut the columns into strips and the replicates
  // into groups (16 numbers over 3 blocks: strips of 4 columns, groups of 4 replicates).
  const cases = [
    [1, 1, 1, 1 << 20],
    [3, 5, 7, 16],
    [3, 13, 9, 16],
    [17, 6, 9, 64],
    [40, 193, 13, 1 << 20],
    [40, 193, 13, 200],
    [361, 192, 21, 1 << 20],
    [5, 2, 1000, 40],
  ] as const;
  for (const [nBlocks, width, replicates, strip] of cases) {
    const parts = randomParts(rng, nBlocks * width);
    const counts = drawBlockCounts(nBlocks, replicates, rng);
    const what = `blocks ${nBlocks}, width ${width}, replicates ${replicates}, strip ${strip}`;
    // Into an array holding other numbers and longer than needed: every sum is written, nothing past them.
    const out = new Float64Array(replicates * width + 3).fill(7);
    assert.ok(replicateSumsSimd(parts, width, counts, nBlocks, out, strip));
    assertSameBits(out.subarray(0, replicates * width), referenceSums(parts, width, counts, nBlocks), what);
    assert.deepEqual(Array.from(out.subarray(replicates * width)), [7, 7, 7]);
  }
});

test('replicateSums hands large sums to the kernel and small ones to the scalar loop: the same bits either way', () => {
  const rng = new Random(8);
  for (const [nBlocks, width, replicates] of [[361, 51, 100], [12, 3, 5]] as const) {
    const parts = randomParts(rng, nBlocks * width);
    const counts = drawBlockCounts(nBlocks, replicates, rng);
    const want = referenceSums(parts, width, counts, nBlocks);
    assertSameBits(replicateSums(parts, width, counts, nBlocks), want, `replicateSums ${nBlocks}×${width}×${replicates}`);
    assertSameBits(replicateSumsScalar(parts, width, counts, nBlocks), want, `scalar ${nBlocks}×${width}×${replicates}`);
    // A reused array gets every sum overwritten (no trace of what it held).
    const reused = new Float64Array(replicates * width).fill(-3);
    assert.equal(replicateSums(parts, width, counts, nBlocks, reused), reused);
    assertSameBits(reused, want, `replicateSums into a used array ${nBlocks}×${width}×${replicates}`);
    reused.fill(-3);
    assertSameBits(replicateSumsScalar(parts, width, counts, nBlocks, reused), want, `scalar into a used array ${nBlocks}×${width}×${replicates}`);
  }
});

test('holdCounts: sums over held counts are the same bits; counts held no longer, or another array, are copied in again', () => {
  const rng = new Random(12);
  const nBlocks = 37;
  const [first, second] = [drawBlockCounts(nBlocks, 90, rng), drawBlockCounts(nBlocks, 90, rng)];
  const tables = [29, 3, 64, 130].map((width) => ({ width, parts: randomParts(rng, nBlocks * width) }));
  const held = holdCounts(first, nBlocks);
  assert.ok(held !== undefined, 'the kernel holds 90 × 37 counts');
  // Table after table over the held counts: each the definition's bits.
  for (const { width, parts } of tables) {
    assertSameBits(replicateSums(parts, width, first, nBlocks, undefined, held), referenceSums(parts, width, first, nBlocks), `held, width ${width}`);
  }
  // Another array of the same shape passed with the handle: its own counts are used, not the held ones.
  const { width, parts } = tables[2]!;
  assertSameBits(replicateSums(parts, width, second, nBlocks, undefined, held), referenceSums(parts, width, second, nBlocks), 'another array, same handle');
  // A sum without the handle takes the memory back; the old handle is then stale and ignored.
  assertSameBits(replicateSums(parts, width, second, nBlocks), referenceSums(parts, width, second, nBlocks), 'no handle');
  assertSameBits(replicateSums(parts, width, first, nBlocks, undefined, held), referenceSums(parts, width, first, nBlocks), 'stale handle');
  // The same array drawn again in place, held again: the new counts.
  drawCountsInto(first, nBlocks, rng);
  const again = holdCounts(first, nBlocks);
  assertSameBits(replicateSums(parts, width, first, nBlocks, undefined, again), referenceSums(parts, width, first, nBlocks), 'redrawn and held again');
  // Held counts read a group of replicates at a time from their place (strips of 4 columns and
  // groups of 4 replicates at this bound, the last group padded): every group's own rows.
  for (const { width: w, parts: p } of tables) {
    const out = new Float64Array(90 * w);
    assert.ok(replicateSumsSimd(p, w, first, nBlocks, out, 200, again));
    assertSameBits(out, referenceSums(p, w, first, nBlocks), `held, groups of 4, width ${w}`);
  }
});
