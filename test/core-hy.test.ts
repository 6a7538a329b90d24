import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HyState } from '../src/core/hy.js';
import { mergeParts, type HyParts } from '../src/core/hyparts.js';
import { makeLattice, lagAt, type Lattice } from '../src/core/lattice.js';
import { argmaxAbs, hyEstimate, hyInference, hyLags, plateauOf, totalU } from '../src/core/hystats.js';
import { Random } from '../src/core/random.js';
import { mulberry32 } from './prng.js';
import { cutCells, type TimeCells } from '../src/core/cells.js';
import { HyKeyedParts, toHyParts } from '../src/core/hy-time.js';

// ---------------------------------------------------------------------------------------------
// Helpers written independently of the code under test.
// ---------------------------------------------------------------------------------------------

interface Series {
  t: number[];
  v: number[];
}

/**
 * The overlap definition of docs/definitions.md §8, literally: every pair of intervals, every lag,
 * O(n·m·lags). Values are used as given; `clip` keeps only the ticks in [max first, min last].
 */
function bruteU(a: Series, b: Series, lags: number[], clip: boolean): number[] {
  const [A, B] = clip ? clipBoth(a, b) : [a, b];
  return lags.map((theta) => {
    let u = 0;
    for (let i = 0; i + 1 < A.t.length; i++) {
      for (let j = 0; j + 1 < B.t.length; j++) {
        const lo = Math.max(A.t[i]!, B.t[j]! - theta);
        const hi = Math.min(A.t[i + 1]!, B.t[j + 1]! - theta);
        if (lo < hi) u += (A.v[i + 1]! - A.v[i]!) * (B.v[j + 1]! - B.v[j]!);
      }
    }
    return u;
  });
}

function clipBoth(a: Series, b: Series): [Series, Series] {
  const start = Math.max(a.t[0]!, b.t[0]!);
  const end = Math.min(a.t.at(-1)!, b.t.at(-1)!);
  const keep = (s: Series): Series => {
    const idx = s.t.map((_, i) => i).filter((i) => s.t[i]! >= start && s.t[i]! <= end);
    return { t: idx.map((i) => s.t[i]!), v: idx.map((i) => s.v[i]!) };
  };
  return [keep(a), keep(b)];
}

/** Nonextant ticks by the definition: interior ticks of `p` with no tick of `o` strictly between their neighbours. */
function bruteNonextant(p: Series, o: Series): number {
  let n = 0;
  for (let i = 1; i + 1 < p.t.length; i++) if (!o.t.some((s) => s > p.t[i - 1]! && s < p.t[i + 1]!)) n++;
  return n;
}

/** Feeds both series in random-size batches, interleaved at random, through HyState. */
function run(a: Series, b: Series, opts: { lattice: Lattice; blockUs: number; clip?: boolean; raw?: boolean; rnd?: () => number; cells?: TimeCells }): HyParts {
  const st = new HyState({ lattice: opts.lattice, blockUs: opts.blockUs, values: opts.raw === false ? 'log' : 'raw', clipToOverlap: opts.clip ?? true, cells: opts.cells });
  const rnd = opts.rnd ?? (() => 0.5);
  const pos = [0, 0];
  const all = [a, b];
  while (pos[0]! < a.t.length || pos[1]! < b.t.length) {
    const m = pos[0]! >= a.t.length ? 1 : pos[1]! >= b.t.length ? 0 : rnd() < 0.5 ? 0 : 1;
    const s = all[m]!;
    const n = Math.min(s.t.length - pos[m]!, 1 + Math.floor(rnd() * 7));
    st.push(m as 0 | 1, Float64Array.from(s.t.slice(pos[m], pos[m]! + n)), Float64Array.from(s.v.slice(pos[m], pos[m]! + n)), n);
    pos[m]! += n;
    if (pos[m] === s.t.length && rnd() < 0.5) st.end(m as 0 | 1);
  }
  return st.finish();
}

function randomSeries(rnd: () => number, n: number, t0: number, maxGap: number): Series {
  const t: number[] = [];
  const v: number[] = [];
  let time = t0;
  for (let i = 0; i < n; i++) {
    time += 1 + Math.floor(rnd() * maxGap);
    t.push(time);
    v.push(Math.round((rnd() - 0.5) * 20)); // small integers: exact sums, so comparisons can be exact
  }
  return { t, v };
}

const latticeLags = (l: Lattice) => Array.from({ length: l.count }, (_, k) => lagAt(l, k));

// ---------------------------------------------------------------------------------------------

test('hy: the hand-worked example of the issue (whole series, raw values)', () => {
  // A: t = 0 2 4 6 8, values 0 1 3 2 5 → ΔA on (0,2) (2,4) (4,6) (6,8) = 1, 2, −1, 3
  // B: s = 1 3 5 7 9, values 0 2 1 4 3 → ΔB on (1,3) (3,5) (5,7) (7,9) = 2, −1, 3, −1
  // U(θ) pairs I_i with J_j − θ (B moved back by θ); open intervals, touching ends do not count.
  // θ = −3: J−θ = (4,6)2 (6,8)−1 (8,10)3 (10,12)−1 → (4,6)·(4,6) = −1·2, (6,8)·(6,8) = 3·−1 → −5
  // θ = −2: (3,5)2 (5,7)−1 (7,9)3 → (2,4)·2·2 = 4; (4,6)·−1·(2 − 1) = −1; (6,8)·3·(−1 + 3) = 6 → 9
  // θ = −1: (2,4)2 (4,6)−1 (6,8)3 → (0,2) meets nothing; 2·2 + (−1)(−1) + 3·3 = 14
  // θ =  0: (1,3)2 (3,5)−1 (5,7)3 (7,9)−1 → 1·2 + 2·(2 − 1) + (−1)·(−1 + 3) + 3·(3 − 1) = 8
  // θ =  1: (0,2)2 (2,4)−1 (4,6)3 (6,8)−1 → 1·2 + 2·(−1) + (−1)·3 + 3·(−1) = −6
  // θ =  2: (−1,1)2 (1,3)−1 (3,5)3 (5,7)−1 → 1·(2 − 1) + 2·(−1 + 3) + (−1)·(3 − 1) + 3·(−1) = 0
  // θ =  3: (−2,0)2 (0,2)−1 (2,4)3 (4,6)−1 → 1·(−1) + 2·3 + (−1)·(−1) = 6
  const a = { t: [0, 2, 4, 6, 8], v: [0, 1, 3, 2, 5] };
  const b = { t: [1, 3, 5, 7, 9], v: [0, 2, 1, 4, 3] };
  const lattice = makeLattice(-3, 3, 1);
  const parts = run(a, b, { lattice, blockUs: 1000, clip: false });
  assert.deepEqual(Array.from(totalU(parts)), [-5, 9, 14, 8, -6, 0, 6]);
  assert.deepEqual(bruteU(a, b, latticeLags(lattice), false), [-5, 9, 14, 8, -6, 0, 6]);
  // Whole-series diagnostics: RV_A = 1 + 4 + 1 + 9, RV_B = 4 + 1 + 9 + 1; every interior tick
  // has a tick of the other market between its neighbours, so none is nonextant.
  const est = hyEstimate(parts);
  assert.equal(est.rvA, 15);
  assert.equal(est.rvB, 15);
  assert.equal(est.lagUs, -1); // |U| = 14 is the largest
  assert.equal(est.nA, 5);
  assert.equal(est.nonextantShareA, 0);
  // LLR = (36 + 0 + 36) / (25 + 81 + 196); llr_abs = (6 + 0 + 6) / (5 + 9 + 14)
  assert.equal(est.llr, 72 / 302);
  assert.equal(est.llrAbs, 12 / 28);
});

test('hy: the sweep equals the brute-force overlap sum when most ticks repeat the last value (quotes whose size changed)', () => {
  // The sweep jumps over B ticks that repeat B's value (they add exact zeros) and the walk keeps
  // a block's sums in locals: long runs of repeats, blocks of a few µs and batches of 1–7 ticks
  // put runs across blocks, batches and the lattice's reach. Small integers: exact sums.
  const sticky = (rnd: () => number, n: number, t0: number): Series => {
    const s = randomSeries(rnd, n, t0, 6);
    for (let i = 1; i < n; i++) if (rnd() < 0.85) s.v[i] = s.v[i - 1]!;
    return s;
  };
  const rnd = mulberry32(2026);
  for (let trial = 0; trial < 300; trial++) {
    const a = sticky(rnd, 2 + Math.floor(rnd() * 60), Math.floor(rnd() * 30));
    const b = sticky(rnd, 2 + Math.floor(rnd() * 60), Math.floor(rnd() * 30));
    const step = 1 + Math.floor(rnd() * 4);
    const from = -Math.floor(rnd() * 60);
    const lattice = makeLattice(from, from + Math.floor(rnd() * 120), step);
    const clip = rnd() < 0.7;
    const parts = run(a, b, { lattice, blockUs: 1 + Math.floor(rnd() * 20), clip, rnd });
    assert.deepEqual(Array.from(totalU(parts)), bruteU(a, b, latticeLags(lattice), clip).map((x) => x + 0), `trial ${trial}`);
    const [A, B] = clip ? clipBoth(a, b) : [a, b];
    const squares = (s: Series): number => s.v.slice(1).reduce((acc, v, i) => acc + (v - s.v[i]!) ** 2, 0);
    const est = hyEstimate(parts);
    if (A.t.length > 0 && B.t.length > 0) {
      assert.equal(est.nA, A.t.length, `trial ${trial}`);
      assert.equal(est.rvA, squares(A), `trial ${trial}`);
      assert.equal(est.rvB, squares(B), `trial ${trial}`);
    }
  }
});

test('hy: the sweep equals the brute-force overlap sum on random series, lattices, batchings (lags beyond the span included)', () => {
  const rnd = mulberry32(11);
  for (let trial = 0; trial < 300; trial++) {
    const a = randomSeries(rnd, 1 + Math.floor(rnd() * 25), Math.floor(rnd() * 30), 1 + Math.floor(rnd() * 12));
    const b = randomSeries(rnd, 1 + Math.floor(rnd() * 25), Math.floor(rnd() * 30), 1 + Math.floor(rnd() * 12));
    const step = 1 + Math.floor(rnd() * 9);
    const from = -Math.floor(rnd() * 400);
    const lattice = makeLattice(from, from + Math.floor(rnd() * 800), step);
    const clip = rnd() < 0.7;
    const parts = run(a, b, { lattice, blockUs: 1 + Math.floor(rnd() * 40), clip, rnd });
    const want = bruteU(a, b, latticeLags(lattice), clip);
    assert.deepEqual(Array.from(totalU(parts)), want.map((x) => x + 0), `trial ${trial}`);
    // ticks and nonextant ticks in the span, by definition
    const [A, B] = clip ? clipBoth(a, b) : [a, b];
    const est = hyEstimate(parts);
    const overlap = clip ? A.t.length > 0 && B.t.length > 0 : true;
    if (overlap) {
      assert.equal(est.nA, A.t.length, `trial ${trial}`);
      assert.equal(est.nB, B.t.length, `trial ${trial}`);
      assert.equal(est.nonextantShareA === null ? 0 : Math.round(est.nonextantShareA * est.nA), bruteNonextant(A, B), `trial ${trial} nonextant A`);
      assert.equal(est.nonextantShareB === null ? 0 : Math.round(est.nonextantShareB * est.nB), bruteNonextant(B, A), `trial ${trial} nonextant B`);
    }
  }
});

test('hy: the feeding order does not matter (bit for bit), and the per-block parts add up to U, RV and the counts', () => {
  const rnd = mulberry32(5);
  const a = randomSeries(rnd, 400, 0, 30);
  const b = randomSeries(rnd, 500, 5, 25);
  const lattice = makeLattice(-100, 150, 5);
  const one = run(a, b, { lattice, blockUs: 1e9 }); // a single block holding everything
  const many = run(a, b, { lattice, blockUs: 97, rnd });
  const again = run(a, b, { lattice, blockUs: 97, rnd: mulberry32(99) });
  assert.deepEqual(Array.from(many.u), Array.from(again.u));
  assert.ok(many.nBlocks > 50);
  assert.equal(one.nBlocks, 1);
  const want = bruteU(a, b, latticeLags(lattice), true);
  assert.deepEqual(Array.from(totalU(many)), want); // integer values: the block sums are exact
  assert.deepEqual(Array.from(one.u), want);
  const sum = (x: Float64Array) => x.reduce((s, v) => s + v, 0);
  for (const c of ['rvA', 'rvB', 'nA', 'nB', 'nonextantA', 'nonextantB'] as const) assert.equal(sum(many[c]), one[c][0], c);
  // merging the parts of two halves adds block by block
  const half = (p: HyParts, lo: number, hi: number): HyParts => ({
    ...p,
    firstBlock: p.firstBlock + lo,
    nBlocks: hi - lo,
    u: p.u.slice(lo * lattice.count, hi * lattice.count),
    rvA: p.rvA.slice(lo, hi),
    rvB: p.rvB.slice(lo, hi),
    nA: p.nA.slice(lo, hi),
    nB: p.nB.slice(lo, hi),
    nonextantA: p.nonextantA.slice(lo, hi),
    nonextantB: p.nonextantB.slice(lo, hi),
  });
  const cut = 20;
  const merged = mergeParts(half(many, 0, cut), half(many, cut, many.nBlocks));
  assert.deepEqual(Array.from(merged.u), Array.from(many.u));
});

test('hy: swapping the markets maps U(θ) to U(−θ) and LLR to 1/LLR', () => {
  const rnd = mulberry32(21);
  const a = randomSeries(rnd, 300, 0, 40);
  const b = randomSeries(rnd, 300, 0, 40);
  const ab = run(a, b, { lattice: makeLattice(-120, 120, 8), blockUs: 500 });
  const ba = run(b, a, { lattice: makeLattice(-120, 120, 8), blockUs: 500 });
  const uab = Array.from(totalU(ab));
  const uba = Array.from(totalU(ba));
  assert.deepEqual(uba, uab.slice().reverse());
  const [x, y] = [hyEstimate(ab), hyEstimate(ba)];
  assert.ok(x.llr !== null && y.llr !== null);
  assert.ok(Math.abs(x.llr * y.llr - 1) < 1e-12);
  assert.ok(Math.abs(x.llrAbs! * y.llrAbs! - 1) < 1e-12);
  assert.equal(x.lagUs === null ? null : -x.lagUs, y.lagUs);
});

/**
 * A latent log price that moves by N(0, σ²) at Poisson news times (mean gap `newsGap` µs);
 * A quotes it at a random half of the news times, B at a random half of the news times + `lag`.
 * At θ = lag the shifted B ticks sit on the same news clock as A's; a lattice step away, the news
 * within one step after each B tick is lost from U, so with news far denser than a step the peak is sharp.
 */
function leadPair(seed: number, seconds: number, lag: number, newsGap = 50): [Series, Series] {
  const rnd = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const a: Series = { t: [], v: [] };
  const b: Series = { t: [], v: [] };
  let x = 0;
  for (let t = 1_000_000_000; t < 1_000_000_000 + seconds * 1e6; t += 1 + Math.floor(-Math.log(1 - rnd()) * newsGap)) {
    x += 1e-4 * gauss();
    if (rnd() < 0.5) a.t.push(t), a.v.push(x);
    if (rnd() < 0.5) b.t.push(t + lag), b.v.push(x);
  }
  return [a, b];
}

/** Two unrelated markets: independent latent walks, independent Poisson tick times. */
function unrelatedPair(seed: number, ticks: number, gapA: number, gapB: number): [Series, Series] {
  const rnd = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const walk = (gap: number): Series => {
    const s: Series = { t: [], v: [] };
    let t = 1_000_000_000;
    let x = 0;
    for (let i = 0; i < ticks; i++) {
      t += 1 + Math.floor(-Math.log(1 - rnd()) * gap);
      x += 1e-4 * gauss();
      s.t.push(t);
      s.v.push(x);
    }
    return s;
  };
  return [walk(gapA), walk(gapB)];
}

test('hy: B following A by exactly 2.5 ms gives θ̂ = 2500 µs inside its bootstrap interval, and the test rejects', () => {
  const [a, b] = leadPair(3, 10, 2500);
  const parts = run(a, b, { lattice: makeLattice(-10_000, 10_000, 100), blockUs: 500_000 });
  const est = hyEstimate(parts);
  assert.equal(est.lagUs, 2500);
  assert.ok(est.rho! > 0.5, `rho ${est.rho}`);
  assert.ok(est.llr! > 10);
  const inf = hyInference(parts, 199, new Random(42));
  assert.ok(inf.lagUs!.low <= 2500 && 2500 <= inf.lagUs!.high, JSON.stringify(inf.lagUs));
  assert.ok(inf.rho!.low <= est.rho! && est.rho! <= inf.rho!.high);
  assert.equal(inf.pValue, 1 / 200); // no sign-flipped replicate reaches the observed peak
});

test('hy: with few blocks the sign-flip test enumerates every pattern: p = 2/2^blocks for a strong lead', () => {
  const [a, b] = leadPair(6, 2, 2500);
  const parts = run(a, b, { lattice: makeLattice(-5000, 5000, 100), blockUs: 500_000 });
  assert.equal(parts.nBlocks, 4); // 2 s of ticks from t = 1000 s: 4 blocks of 0.5 s
  const inf = hyInference(parts, 999, new Random(1));
  assert.equal(inf.exact, true);
  assert.equal(inf.signPatterns, 16);
  // only no flip and all flips reach the observed peak (±U); every other pattern cancels part of it
  assert.equal(inf.pValue, 2 / 16);
  assert.equal(hyInference(parts, 15, new Random(1)).exact, false); // 2^4 > 15: random patterns
  // The same four blocks among 60 without a contrast (a span with quiet stretches: 2^64 > 999
  // patterns in all): the empty blocks' signs change nothing, so the test is still the exact one
  // over the four, p = 2/16, where random patterns of all 64 gave (1 + #reaching) / 1000.
  const padded = withEmptyBlocks(parts, 15);
  assert.equal(padded.nBlocks, 64);
  const sparse = hyInference(padded, 999, new Random(1));
  assert.deepEqual([sparse.exact, sparse.signPatterns, sparse.pValue, sparse.contrastBlocks], [true, 16, 2 / 16, 4]);
});

/** `parts` with `gap` empty blocks (no tick, no contrast) after each of its blocks. */
function withEmptyBlocks(parts: HyParts, gap: number): HyParts {
  const K = parts.lattice.count;
  const n = parts.nBlocks * (1 + gap);
  const spread = (col: Float64Array) => {
    const out = new Float64Array(n);
    col.forEach((v, b) => (out[b * (1 + gap)] = v));
    return out;
  };
  const u = new Float64Array(n * K);
  for (let b = 0; b < parts.nBlocks; b++) u.set(parts.u.subarray(b * K, b * K + K), b * (1 + gap) * K);
  return { ...parts, nBlocks: n, u, rvA: spread(parts.rvA), rvB: spread(parts.rvB), nA: spread(parts.nA), nB: spread(parts.nB), nonextantA: spread(parts.nonextantA), nonextantB: spread(parts.nonextantB) };
}

test('hy: edgeShare counts the replicates whose θ̂* lies at an end of the lags', () => {
  // B follows A by 2.5 ms. On lags -10 ms … 10 ms every replicate peaks near 2.5 ms, none at an
  // end; on lags -2 ms … 2 ms the peak lies beyond 2 ms: θ̂ takes that end, and so do most
  // replicates (the others a lesser peak inside the lags, which is why the share matters).
  const [a, b] = leadPair(3, 10, 2500);
  const wide = hyInference(run(a, b, { lattice: makeLattice(-10_000, 10_000, 100), blockUs: 500_000 }), 199, new Random(42));
  assert.equal(wide.edgeShare, 0);
  const narrow = run(a, b, { lattice: makeLattice(-2000, 2000, 100), blockUs: 500_000 });
  assert.equal(hyEstimate(narrow).lagUs, 2000);
  const share = hyInference(narrow, 199, new Random(42)).edgeShare;
  assert.ok(share > 0.5 && share <= 1, `edge share ${share}`);
});

test('hyInference: one block (a window inside one --block) makes every replicate the span itself', () => {
  // Every replicate draws the one block once, so its sums are the block's and θ̂* = θ̂: the share
  // at an end is 1 where θ̂ lies at an end and 0 where it lies inside, over every chunk of
  // replicates (the padded lattice of width 200 002 takes 4 replicates a chunk, so 31 come in 8).
  // The draws are still made: the generator ends where 31 rows of one count leave it.
  const [a, b] = leadPair(3, 10, 2500);
  // Lags of U 0 added before the first keep the last lag the last (as the padded test below).
  const pad = (parts: HyParts): HyParts => {
    const { count, fromUs, stepUs } = parts.lattice;
    const wide = 200_000;
    const u = new Float64Array(wide);
    u.set(parts.u.subarray(0, count), wide - count);
    return { ...parts, lattice: { ...parts.lattice, count: wide, fromUs: fromUs - (wide - count) * stepUs }, u };
  };
  for (const [lattice, share] of [[makeLattice(-10_000, 10_000, 100), 0], [makeLattice(-2000, 2000, 100), 1]] as const) {
    const parts = run(a, b, { lattice, blockUs: 1e12 });
    assert.equal(parts.nBlocks, 1);
    assert.equal(hyEstimate(parts).lagUs, share === 1 ? 2000 : 2500);
    for (const p of [parts, pad(parts)]) {
      const rng = new Random(7);
      const inf = hyInference(p, 31, rng);
      assert.equal(inf.edgeShare, share, `lags ${lattice.fromUs} µs …, width ${p.lattice.count}`);
      assert.equal(inf.lagUs, null); // one block: no interval (MIN_INTERVAL_BLOCKS)
      const drawn = new Random(7);
      for (let r = 0; r < 31; r++) drawn.tally(new Uint32Array(1));
      assert.equal(rng.uint32(), drawn.uint32());
    }
  }
});

test('hy: adding δ to every B time moves θ̂ by δ', () => {
  const [a, b] = leadPair(8, 4, 1500);
  const lattice = makeLattice(-5000, 5000, 100);
  const base = hyEstimate(run(a, b, { lattice, blockUs: 1e6 })).lagUs!;
  assert.equal(base, 1500);
  for (const delta of [700, -2300, 3000]) {
    const shifted = { t: b.t.map((t) => t + delta), v: b.v };
    assert.equal(hyEstimate(run(a, shifted, { lattice, blockUs: 1e6 })).lagUs, base + delta, `δ = ${delta}`);
  }
});

test('hy: on unrelated markets the test rejects at 5 % about 5 % of the time', () => {
  // 400 independent pairs, 20 blocks each, 199 sign-flip replicates (p ∈ {1/200, …, 1}; an exact
  // test rejects p ≤ 0.05 with probability 10/200 = 5 %). Rejections ~ Binomial(400, 0.05): mean 20,
  // sd 4.4; [8, 34] is about ±3.2 sd, which a calibrated test leaves with probability < 0.3 %.
  // The p-values should also be uniform: p ≤ 0.5 in [170, 230] (±3 sd of Binomial(400, 0.5)).
  const lattice = makeLattice(-2000, 2000, 200);
  let reject = 0;
  let belowHalf = 0;
  const n = 400;
  for (let s = 0; s < n; s++) {
    const [a, b] = unrelatedPair(1000 + s, 2000, 500, 350);
    const parts = run(a, b, { lattice, blockUs: 50_000 });
    const p = hyInference(parts, 199, new Random(s)).pValue;
    if (p <= 0.05) reject++;
    if (p <= 0.5) belowHalf++;
  }
  assert.ok(reject >= 8 && reject <= 34, `rejected ${reject} of ${n}`);
  assert.ok(belowHalf >= 170 && belowHalf <= 230, `p ≤ 0.5 in ${belowHalf} of ${n}`);
});

test('hy: unrelated markets do not reject; a real but weak lead does', () => {
  const lattice = makeLattice(-5000, 5000, 100);
  const [a, b] = unrelatedPair(77, 20_000, 400, 300);
  const none = hyInference(run(a, b, { lattice, blockUs: 200_000 }), 999, new Random(42));
  assert.ok(none.pValue > 0.05, `p ${none.pValue}`);
  // the lead pair with B's own moves added: a random walk of NOISE per B tick on top of the echo
  const [x, y] = leadPair(4, 4, 2000, 200);
  const rnd = mulberry32(9);
  let walk = 0;
  const noisy = { t: y.t, v: y.v.map((v) => v + (walk += 4e-3 * (rnd() - 0.5))) };
  const parts = run(x, noisy, { lattice, blockUs: 200_000 });
  const est = hyEstimate(parts);
  const p = hyInference(parts, 999, new Random(42)).pValue;
  assert.ok(Math.abs(est.rho!) < 0.2, `ρ ${est.rho}`); // weak: ρ ≈ 0.11
  assert.equal(est.lagUs, 2000);
  assert.ok(p < 0.01, `p ${p}`);
});

test('hyInference: lags where every block\'s U is 0 change nothing, so a lattice wide enough to take its replicates a few at a time gives the narrow one\'s numbers', () => {
  // Independent of the chunking: a lag whose U_b is 0 in every block adds an exact 0 to every
  // replicate's sums, is never the largest |U| (argmaxAbs skips zeros), adds 0 to LLR's sums and
  // to no sign-flipped max, and the draws (counts and signs) depend only on blocks and R. So the
  // padded lattice must give the same intervals and p-value bit for bit. The narrow lattice's
  // replicates fit in one chunk; the padded one's width (200 002) leaves 4 replicates per chunk
  // (hystats.ts: 10⁶ / width), so its 31 replicates and 31 sign patterns come in 8 chunks each.
  const lattice = makeLattice(-2000, 2000, 200);
  const [a, b] = unrelatedPair(5, 3000, 500, 350);
  const narrow = run(a, b, { lattice, blockUs: 50_000 });
  assert.ok(2 ** narrow.nBlocks > 31, `${narrow.nBlocks} blocks: random sign patterns, not every one`);
  const K = lattice.count;
  const wide = 200_000;
  const u = new Float64Array(narrow.nBlocks * wide);
  for (let bl = 0; bl < narrow.nBlocks; bl++) u.set(narrow.u.subarray(bl * K, (bl + 1) * K), bl * wide);
  const padded: HyParts = { ...narrow, lattice: { ...lattice, count: wide }, u };
  const want = hyInference(narrow, 31, new Random(3));
  // Not vacuous: the p-value is neither the floor 1/32 nor 1, so the signs of every chunk count.
  assert.ok(want.pValue > 1 / 32 && want.pValue < 1, `p ${want.pValue}`);
  assert.deepEqual(hyInference(padded, 31, new Random(3)), want);
});

test('hy: log prices by default; empty overlap and constant markets give n/a, not numbers', () => {
  const lattice = makeLattice(-2, 2, 1);
  const a = { t: [0, 2, 4], v: [100, 101, 100] };
  const b = { t: [1, 3, 5], v: [50, 51, 52] };
  const logged = run(a, b, { lattice, blockUs: 10, raw: false });
  const manual = run({ t: a.t, v: a.v.map(Math.log) }, { t: b.t, v: b.v.map(Math.log) }, { lattice, blockUs: 10 });
  assert.deepEqual(Array.from(logged.u), Array.from(manual.u));
  const apart = run({ t: [0, 1], v: [1, 2] }, { t: [5, 6], v: [1, 2] }, { lattice, blockUs: 10 });
  assert.equal(apart.span, undefined);
  const flat = hyEstimate(run({ t: [0, 2, 4], v: [1, 1, 1] }, b, { lattice, blockUs: 10 }));
  assert.equal(flat.lagUs, null);
  assert.equal(flat.rho, null);
  assert.equal(flat.llr, null);
  assert.deepEqual(hyLags(flat).map((l) => l.rho), [null, null, null, null, null]);
  assert.throws(() => makeLattice(0, 10, 0), /step/);
  assert.throws(() => makeLattice(10, 0, 1), /reversed/);
  assert.throws(() => makeLattice(-1e6, 1e6, 1), /more than 1000001/);
  assert.equal(makeLattice(-500_000, 500_000, 1).count, 1_000_001);
});

test('HyKeyedParts: fine cells cut at the range regroup into exactly the blocks of a plain run; windows add up to the range', () => {
  const rnd = mulberry32(31);
  const a = randomSeries(rnd, 600, 0, 40);
  const b = randomSeries(rnd, 600, 0, 40);
  const lattice = makeLattice(-30, 30, 5);
  // Blocks of 1000 µs; fine cells of 500 µs (the common divisor with windows of 1500 µs), cut at
  // a range on block edges [3000, 9000).
  const range = { start: 3000, end: 9000 };
  const cells = cutCells(500, range);
  const fine = run(a, b, { lattice, blockUs: 1000, cells, rnd });
  const plain = run(a, b, { lattice, blockUs: 1000 });
  const keyed = new HyKeyedParts(fine, cells, 1500, range, 1000);
  const whole = toHyParts(keyed.whole(), lattice, 1000, fine.span!);
  // Blocks 3 … 8 of the plain run, row for row (small integer values: the sums are exact).
  assert.equal(whole.nBlocks, 6);
  const K = lattice.count;
  for (let i = 0; i < 6; i++) {
    const p = 3 + i - plain.firstBlock;
    assert.deepEqual([...whole.u.subarray(i * K, (i + 1) * K)], [...plain.u.subarray(p * K, (p + 1) * K)], `block ${3 + i}: U`);
    assert.equal(whole.rvA[i], plain.rvA[p]);
    assert.equal(whole.nB[i], plain.nB[p]);
  }
  // Windows of 1500 µs (keys 2 … 5) merge to the range: every U and RV exactly.
  const merged = toHyParts(keyed.merged([2, 3, 4, 5].map((k) => keyed.partOf(k))), lattice, 1000, fine.span!);
  assert.deepEqual([...totalU(merged)], [...totalU(whole)]);
  assert.equal(hyEstimate(merged).rvA, hyEstimate(whole).rvA);
});

test('hy: a contrast that is one number at every lag has no θ̂ (and no LLR); a single lag is its own peak', () => {
  // Lags -100, 0, 100 µs. U flat at 2 tells no lag from another (a market with no move in the
  // span: its one interval meets the other's moves at every lag); the tie rule would say θ̂ = 0.
  const l3 = makeLattice(-100, 100, 100);
  assert.equal(argmaxAbs(Float64Array.of(2, 2, 2), l3), -1);
  assert.equal(argmaxAbs(Float64Array.of(0, 0, 0), l3), -1);
  assert.equal(argmaxAbs(Float64Array.of(2, 2, 3), l3), 2);
  // |U| tied but U not one number: the tie rule (smallest |θ|, then the positive lag) decides.
  assert.equal(argmaxAbs(Float64Array.of(-2, 2, 2), l3), 1);
  assert.equal(argmaxAbs(Float64Array.of(5), makeLattice(0, 0, 100)), 0);
  // B with one move over one interval (0, 10 000) µs that covers every A interval at every lag:
  // each lag's U is ΔB · ΣΔA = 0.5 · (0.001 + 0.001 − 0.001) ≠ 0, one number; no θ̂, no LLR.
  const a = { t: [1000, 2000, 3000, 4000], v: [0, 0.001, 0.002, 0.001] };
  const b = { t: [0, 10_000], v: [0, 0.5] };
  const est = hyEstimate(run(a, b, { lattice: makeLattice(-500, 500, 100), blockUs: 1e6, clip: false }));
  assert.ok(est.u.every((u) => u === est.u[0]) && est.u[0] !== 0, JSON.stringify(Array.from(est.u)));
  assert.equal(est.lagUs, null);
  assert.equal(est.llr, null);
});

test('hy: a contrast flat over a range of lags gives θ̂ its plateau, and an interval that covers it', () => {
  // A ticks every 10 ms, B carries A's values 2 ms later: every B interval overlaps the same A
  // intervals for a range of θ about a tick gap wide, so U is flat there and θ̂ (the tie rule's
  // pick nearest 0) could be any of those lags. Before, every replicate picked the same end of the
  // plateau and θ̂'s interval was that one lag (here [2.1 ms, 2.1 ms] of a plateau to 10 ms).
  const rnd = mulberry32(5);
  const a: Series = { t: [], v: [] };
  let x = 0;
  for (let t = 1_000_000_000; t < 1_020_000_000; t += 10_000) {
    x += 1e-4 * (rnd() - 0.5);
    a.t.push(t);
    a.v.push(x);
  }
  const b: Series = { t: a.t.map((t) => t + 2000), v: [...a.v] };
  const lattice = makeLattice(-10_000, 10_000, 100);
  const est = hyEstimate(run(a, b, { lattice, blockUs: 500_000 }));
  // The plateau by the overlap definition itself (bruteU): the lags next to θ̂ with its U.
  const lags = latticeLags(lattice);
  const u = bruteU(a, b, lags, true);
  const k = lags.indexOf(est.lagUs!);
  const same = (j: number) => Math.abs(u[j]! - u[k]!) <= 1e-9 * Math.abs(u[k]!);
  let lo = k;
  let hi = k;
  while (lo > 0 && same(lo - 1)) lo--;
  while (hi < lags.length - 1 && same(hi + 1)) hi++;
  assert.deepEqual(est.lagPlateauUs, { low: lags[lo], high: lags[hi] });
  assert.ok(hi - lo >= 10, `a plateau of at least 1 ms: ${JSON.stringify(est.lagPlateauUs)}`);
  const inf = hyInference(run(a, b, { lattice, blockUs: 500_000 }), 199, new Random(42));
  assert.ok(inf.lagUs!.low <= lags[lo]! && lags[hi]! <= inf.lagUs!.high, JSON.stringify(inf.lagUs));
});

test('plateauOf: the run of lags whose U is the same to rounding', () => {
  const l = makeLattice(-200, 200, 100); // 5 lags
  // 0.5 at indices 1-3 (the third off by 1e-12 relative: rounding), else different.
  const u = Float64Array.from([0.1, 0.5, 0.5, 0.5 * (1 + 1e-12), 0.2]);
  assert.deepEqual(plateauOf(u, l, 0, 2), [1, 3]);
  assert.deepEqual(plateauOf(u, l, 0, 4), [4, 4]);
  // A contrast one number at every lag but for rounding tells no lag from another: no θ̂ (before,
  // a θ̂ whose plateau was the whole lattice).
  assert.equal(argmaxAbs(Float64Array.from([0.5, 0.5 * (1 + 1e-12), 0.5, 0.5 * (1 - 1e-13), 0.5]), l), -1);
  assert.equal(argmaxAbs(Float64Array.from([0.5, 0.5 * (1 + 1e-6), 0.5, 0.5, 0.5]), l), 1);
  // 1e-6 relative is a different value.
  assert.deepEqual(plateauOf(Float64Array.from([0.5, 0.5 * (1 + 1e-6), 0.1]), makeLattice(-100, 100, 100), 0, 0), [0, 0]);
});
