import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomialTwoSidedHalf } from '../src/core/binomial.js';

/** Independent: Σ_{i ≤ j} C(n, i) in exact integers (BigInt), doubled, over 2ⁿ, capped at 1. */
function exactTwoSided(k: number, m: number): number {
  const n = k + m;
  const j = Math.min(k, m);
  let c = 1n;
  let tail = 0n;
  for (let i = 0; i <= j; i++) {
    tail += c;
    c = (c * BigInt(n - i)) / BigInt(i + 1);
  }
  // Scale so the division keeps 60 significant bits before converting to a double.
  const num = 2n * tail;
  const den = 1n << BigInt(n);
  if (num >= den) return 1;
  const shift = BigInt(Math.max(0, den.toString(2).length - num.toString(2).length + 60));
  return Number((num << shift) / den) / 2 ** Number(shift);
}

/** Equal to 12 significant digits (the kernel sums logarithms, so the last bits may differ). */
function near(got: number, want: number): void {
  assert.ok(Math.abs(got - want) <= 1e-12 * want, `${got} vs ${want}`);
}

test('binomialTwoSidedHalf(k, m): hand-summed tails', () => {
  // 12 vs 3: n = 15, P(X ≤ 3) = (C(15,0) + C(15,1) + C(15,2) + C(15,3)) / 2¹⁵ = (1 + 15 + 105 + 455) / 32768,
  // two-sided: 1152 / 32768 = 0.03515625.
  near(binomialTwoSidedHalf(12, 3), 1152 / 32768);
  near(binomialTwoSidedHalf(3, 12), 1152 / 32768);
  // 10 vs 0: 2 · 1/1024.
  near(binomialTwoSidedHalf(10, 0), 2 / 1024);
  // 5 vs 0: 2/32 = 0.0625, so five pairs one way can never be significant at 5 %.
  near(binomialTwoSidedHalf(0, 5), 0.0625);
  // 7 vs 2: n = 9, (1 + 9 + 36) / 512 · 2 = 92/512.
  near(binomialTwoSidedHalf(7, 2), 92 / 512);
});

test('binomialTwoSidedHalf: 1 when both are 0, when they are equal, and for 1 vs 0', () => {
  assert.equal(binomialTwoSidedHalf(0, 0), 1);
  assert.equal(binomialTwoSidedHalf(4, 4), 1);
  assert.equal(binomialTwoSidedHalf(1, 0), 1);
  // 5 vs 4: 2 · P(X ≤ 4) for n = 9 = 2 · 256/512 = 1.
  assert.equal(binomialTwoSidedHalf(5, 4), 1);
});

test('binomialTwoSidedHalf matches an exact BigInt sum for large counts (no overflow)', () => {
  for (const [k, m] of [[1100, 900], [5000, 4800], [300, 100], [30, 300], [20000, 19500], [0, 900]] as const) {
    const want = exactTwoSided(k, m);
    const got = binomialTwoSidedHalf(k, m);
    assert.ok(Math.abs(got - want) <= 1e-9 * want, `${k} vs ${m}: ${got} vs exact ${want}`);
  }
});

test('binomialTwoSidedHalf: huge counts stay finite; an extreme tail underflows to 0, never NaN', () => {
  assert.equal(binomialTwoSidedHalf(5_000_000, 5_000_000), 1);
  const p = binomialTwoSidedHalf(5_001_000, 5_000_000);
  assert.ok(p > 0.7 && p < 0.8, `${p}`); // z = 1000/√(10⁷/4)·… ≈ 0.316 → two-sided ≈ 0.75
  assert.equal(binomialTwoSidedHalf(2_000_000, 0), 0);
});

test('binomialTwoSidedHalf rejects counts that are not whole numbers ≥ 0', () => {
  assert.throws(() => binomialTwoSidedHalf(-1, 3), RangeError);
  assert.throws(() => binomialTwoSidedHalf(1.5, 3), RangeError);
  assert.throws(() => binomialTwoSidedHalf(NaN, 3), RangeError);
});

test('binomialTwoSidedHalf up to 1000 pairs is the exact tail rounded once: dyadic p-values print as themselves', () => {
  // By hand: 12 vs 3 → 1152/2¹⁵; 10 vs 3 → 2·(1 + 13 + 78 + 286)/2¹³ = 756/8192 = 0.09228515625;
  // 5 vs 1 → 2·(1 + 6)/2⁶ = 0.21875. Each is a short binary fraction: equal, not merely near.
  assert.equal(binomialTwoSidedHalf(12, 3), 0.03515625);
  assert.equal(binomialTwoSidedHalf(10, 3), 0.09228515625);
  assert.equal(binomialTwoSidedHalf(1, 5), 0.21875);
  // Against the independent BigInt sum (60 significant bits, then a double) within an ulp.
  for (const [k, m] of [[400, 380], [700, 300], [10, 990], [60, 40], [520, 480]] as const) {
    const want = exactTwoSided(k, m);
    assert.ok(Math.abs(binomialTwoSidedHalf(k, m) - want) <= 2 ** -52 * want, `${k} vs ${m}`);
  }
});
