import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JumpList } from '../src/core/jumplist.js';
import { Role, pairSortedJumps, spanOf, type PairResult } from '../src/core/pairing.js';
import { quantile, quantileSorted } from '../src/core/quantile.js';
import type { Span } from '../src/core/types.js';
import { mulberry32 } from './prng.js';


const ALL: Span = { start: -1e15, end: 1e15 };
const D = 5000;

function pair(aT: number[], aS: number[], bT: number[], bS: number[], span = ALL, d = D): PairResult {
  return pairSortedJumps(JumpList.from(aT, aS), JumpList.from(bT, bS), span, d);
}

function countsOf(r: PairResult): Record<string, number> {
  const { totalA, totalB, paired, aLeadsB, bLeadsA, simultaneous, noiseA, noiseB, noise } = r;
  return { totalA, totalB, paired, aLeadsB, bLeadsA, simultaneous, noiseA, noiseB, noise };
}

function counts(c: Partial<Record<string, number>>): Record<string, number> {
  const base = { totalA: 0, totalB: 0, paired: 0, aLeadsB: 0, bLeadsA: 0, simultaneous: 0, noiseA: 0, noiseB: 0, noise: 0 };
  return { ...base, ...c };
}

/**
 * docs/definitions.md §3 literally, O(n²): sort all in-span jumps by (time, A before B); for
 * each unpaired x scan the whole other market for the earliest unpaired jump of
 * the same sign with t_x ≤ t_y ≤ t_x + D.
 */
function brutePair(aT: number[], aS: number[], bT: number[], bS: number[], span: Span, d: number) {
  type J = { m: 0 | 1; i: number; t: number; s: number };
  const jumps: J[] = [];
  const roles: [number[], number[]] = [[], []];
  const inA = aT.map((t, i) => ({ t, i })).filter((x) => x.t >= span.start && x.t <= span.end);
  const inB = bT.map((t, i) => ({ t, i })).filter((x) => x.t >= span.start && x.t <= span.end);
  inA.forEach((x, k) => jumps.push({ m: 0, i: k, t: x.t, s: aS[x.i]! }));
  inB.forEach((x, k) => jumps.push({ m: 1, i: k, t: x.t, s: bS[x.i]! }));
  roles[0] = inA.map(() => 0);
  roles[1] = inB.map(() => 0);
  jumps.sort((x, y) => x.t - y.t || x.m - y.m);
  const delays: [number[], number[]] = [[], []];
  let simultaneous = 0;
  for (const x of jumps) {
    if (roles[x.m][x.i] !== 0) continue;
    let best: J | undefined;
    for (const y of jumps) {
      if (y.m === x.m || roles[y.m][y.i] !== 0 || y.s !== x.s) continue;
      if (x.t <= y.t && y.t <= x.t + d && (best === undefined || y.t < best.t)) best = y;
    }
    if (best === undefined) continue;
    if (best.t > x.t) {
      roles[x.m][x.i] = 1;
      roles[best.m][best.i] = 2;
      delays[x.m].push(best.t - x.t);
    } else {
      roles[x.m][x.i] = 3;
      roles[best.m][best.i] = 3;
      simultaneous++;
    }
  }
  const paired = delays[0].length + delays[1].length + simultaneous;
  return {
    counts: counts({
      totalA: inA.length,
      totalB: inB.length,
      paired,
      aLeadsB: delays[0].length,
      bLeadsA: delays[1].length,
      simultaneous,
      noiseA: inA.length - paired,
      noiseB: inB.length - paired,
      noise: inA.length + inB.length - 2 * paired,
    }),
    delaysAB: delays[0],
    delaysBA: delays[1],
    roleA: roles[0],
    roleB: roles[1],
    aStart: aT.filter((t) => t < span.start).length,
    bStart: bT.filter((t) => t < span.start).length,
  };
}

/** Random strictly increasing times on a 250 µs lattice (so the markets share times) with random signs. */
function randomJumps(rand: () => number, n: number): { t: number[]; s: number[] } {
  const t: number[] = [];
  const s: number[] = [];
  let time = 1_700_000_000_000_000;
  for (let i = 0; i < n; i++) {
    time += 250 * (1 + Math.floor(rand() * (rand() < 0.8 ? 8 : 60)));
    t.push(time);
    s.push(rand() < 0.5 ? 1 : -1);
  }
  return { t, s };
}

test('spanOf: [max first, min last], undefined without overlap or with an empty market', () => {
  assert.deepEqual(spanOf({ firstTime: 10, lastTime: 100 }, { firstTime: 20, lastTime: 90 }), { start: 20, end: 90 });
  assert.deepEqual(spanOf({ firstTime: 10, lastTime: 50 }, { firstTime: 50, lastTime: 90 }), { start: 50, end: 50 });
  assert.equal(spanOf({ firstTime: 10, lastTime: 49 }, { firstTime: 50, lastTime: 90 }), undefined);
  assert.equal(spanOf({ firstTime: NaN, lastTime: NaN }, { firstTime: 50, lastTime: 90 }), undefined);
});

test('pairSortedJumps: one-to-one, x takes the earliest follower', () => {
  // A +@0; B +@1000, +@2000 → (a0, b0) with delay 1000; b1 is noise.
  const r = pair([0], [1], [1000, 2000], [1, 1]);
  assert.deepEqual(countsOf(r), counts({ totalA: 1, totalB: 2, paired: 1, aLeadsB: 1, noiseB: 1, noise: 1 }));
  assert.deepEqual(Array.from(r.delaysAB), [1000]);
  assert.deepEqual(Array.from(r.roleA), [Role.leads]);
  assert.deepEqual(Array.from(r.roleB), [Role.follows, Role.noise]);
  // A +@0, +@3000; B +@4000 → a0 walks first and takes b0 (4000 ≤ 0 + 5000); a1 is left alone.
  const r2 = pair([0, 3000], [1, 1], [4000], [1]);
  assert.deepEqual(countsOf(r2), counts({ totalA: 2, totalB: 1, paired: 1, aLeadsB: 1, noiseA: 1, noise: 1 }));
  assert.deepEqual(Array.from(r2.delaysAB), [4000]);
});

test('pairSortedJumps: the walk is greedy in time, so B can lead where A would lead a later jump', () => {
  // B +@0, A +@3000, B +@4000: b0 walks first and takes a0 (B leads by 3000); b1 finds no A left.
  const r = pair([3000], [1], [0, 4000], [1, 1]);
  assert.deepEqual(countsOf(r), counts({ totalA: 1, totalB: 2, paired: 1, bLeadsA: 1, noiseB: 1, noise: 1 }));
  assert.deepEqual(Array.from(r.delaysBA), [3000]);
  assert.deepEqual(Array.from(r.roleA), [Role.follows]);
});

test('pairSortedJumps: a pair needs the same sign', () => {
  // A +@0, B −@1000 → nothing pairs.
  assert.deepEqual(countsOf(pair([0], [1], [1000], [-1])), counts({ totalA: 1, totalB: 1, noiseA: 1, noiseB: 1, noise: 2 }));
  // A −@0, B +@500, −@1000 → a0 skips the up jump and pairs with b1.
  const r = pair([0], [-1], [500, 1000], [1, -1]);
  assert.deepEqual(Array.from(r.roleB), [Role.noise, Role.follows]);
  assert.deepEqual(Array.from(r.delaysAB), [1000]);
});

test('pairSortedJumps: equal times make a simultaneous pair', () => {
  const r = pair([1000], [-1], [1000], [-1]);
  assert.deepEqual(countsOf(r), counts({ totalA: 1, totalB: 1, paired: 1, simultaneous: 1 }));
  assert.deepEqual(Array.from(r.roleA), [Role.simultaneous]);
  assert.deepEqual(Array.from(r.roleB), [Role.simultaneous]);
  assert.equal(r.delaysAB.length + r.delaysBA.length, 0);
});

test('pairSortedJumps: a follower at exactly t_x + D pairs, at D + 1 µs it does not', () => {
  assert.equal(pair([0], [1], [5000], [1]).aLeadsB, 1);
  assert.equal(pair([0], [1], [5001], [1]).paired, 0);
  // D = 0 pairs equal times only.
  assert.equal(pair([0], [1], [0], [1], ALL, 0).simultaneous, 1);
  assert.equal(pair([0], [1], [1], [1], ALL, 0).paired, 0);
});

test('pairSortedJumps: jumps outside the span are ignored, its bounds are inside', () => {
  // Span [1000, 9000]. A +@0 (before), +@1000 (at start); B +@500 (before), +@9000 (at end), +@9001 (after).
  // In span: A {1000}, B {9000}; 9000 − 1000 = 8000 > D, so no pair. With D = 8000 they pair.
  const span = { start: 1000, end: 9000 };
  const r = pair([0, 1000], [1, 1], [500, 9000, 9001], [1, 1, 1], span);
  assert.deepEqual(countsOf(r), counts({ totalA: 1, totalB: 1, noiseA: 1, noiseB: 1, noise: 2 }));
  assert.equal(r.aStart, 1);
  assert.equal(r.bStart, 1);
  const r2 = pair([0, 1000], [1, 1], [500, 9000, 9001], [1, 1, 1], span, 8000);
  assert.equal(r2.aLeadsB, 1);
  // Without the span cut (D = 8000) the history jumps pair too: a0 takes b0 (500), a1 takes b1 (9000).
  assert.equal(pair([0, 1000], [1, 1], [500, 9000, 9001], [1, 1, 1], ALL, 8000).paired, 2);
});

test('pairSortedJumps: A before B at equal times; opposite signs at one time pair independently', () => {
  // A +@1000, −@3000; B −@1000, +@2000. Walk: a0 (+@1000) takes b1 (+@2000): A leads;
  // b0 (−@1000) takes a1 (−@3000): B leads. Walking b0 first would give the same pairs.
  const r = pair([1000, 3000], [1, -1], [1000, 2000], [-1, 1]);
  assert.deepEqual(countsOf(r), counts({ totalA: 2, totalB: 2, paired: 2, aLeadsB: 1, bLeadsA: 1 }));
  assert.deepEqual(Array.from(r.roleA), [Role.leads, Role.follows]);
  assert.deepEqual(Array.from(r.roleB), [Role.leads, Role.follows]);
  // Same-sign jumps at one time pair with each other, not with a later jump: A +@1000, B +@1000, +@1500.
  const r2 = pair([1000], [1], [1000, 1500], [1, 1]);
  assert.equal(r2.simultaneous, 1);
  assert.deepEqual(Array.from(r2.roleB), [Role.simultaneous, Role.noise]);
});

test('pairSortedJumps: unsorted lists and a bad window are RangeErrors; inputs are not modified', () => {
  assert.throws(() => pair([0, 0], [1, 1], [1], [1]), RangeError);
  assert.throws(() => pair([1], [1], [5, 2], [1, 1]), RangeError);
  assert.throws(() => pair([1], [1], [2], [1], ALL, -1), RangeError);
  assert.throws(() => pair([1], [1], [2], [1], ALL, NaN), RangeError);
  const a = JumpList.from([0, 10], [1, -1]);
  const b = JumpList.from([5], [1]);
  pairSortedJumps(a, b, ALL, D);
  assert.deepEqual(Array.from(a.times()), [0, 10]);
  assert.deepEqual(Array.from(b.signs()), [1]);
});

test('pairSortedJumps equals the O(n²) literal greedy of docs/definitions.md on seeded random jumps, with the Table 1 invariants', () => {
  const rand = mulberry32(1234567);
  let pairsSeen = 0;
  let simultaneousSeen = 0;
  for (let c = 0; c < 400; c++) {
    const a = randomJumps(rand, Math.floor(rand() * 40));
    const b = randomJumps(rand, Math.floor(rand() * 40));
    const d = [0, 250, 1000, 5000, 20000][c % 5]!;
    const lo = 1_700_000_000_000_000;
    const span = rand() < 0.3 ? ALL : { start: lo + 250 * Math.floor(rand() * 40), end: lo + 250 * (40 + Math.floor(rand() * 200)) };
    const r = pairSortedJumps(JumpList.from(a.t, a.s), JumpList.from(b.t, b.s), span, d);
    const want = brutePair(a.t, a.s, b.t, b.s, span, d);
    const label = `case ${c}`;
    assert.deepEqual(countsOf(r), want.counts, label);
    assert.deepEqual(Array.from(r.delaysAB), want.delaysAB, label);
    assert.deepEqual(Array.from(r.delaysBA), want.delaysBA, label);
    assert.deepEqual(Array.from(r.roleA), want.roleA, label);
    assert.deepEqual(Array.from(r.roleB), want.roleB, label);
    assert.equal(r.aStart, want.aStart, label);
    assert.equal(r.bStart, want.bStart, label);

    // Table 1 invariants.
    assert.equal(r.paired, r.aLeadsB + r.bLeadsA + r.simultaneous, label);
    assert.equal(r.totalA, r.paired + r.noiseA, label);
    assert.equal(r.totalB, r.paired + r.noiseB, label);
    assert.equal(r.noise, r.noiseA + r.noiseB, label);
    assert.equal(r.roleA.filter((x) => x === Role.leads).length, r.aLeadsB, label);
    assert.equal(r.roleA.filter((x) => x === Role.follows).length, r.bLeadsA, label);
    assert.equal(r.roleA.filter((x) => x === Role.simultaneous).length, r.simultaneous, label);
    for (const x of [...r.delaysAB, ...r.delaysBA]) assert.ok(x > 0 && x <= d, label);
    pairsSeen += r.paired;
    simultaneousSeen += r.simultaneous;
  }
  assert.ok(pairsSeen > 500 && simultaneousSeen > 50, `only ${pairsSeen} pairs, ${simultaneousSeen} simultaneous: too weak`);
});

test('pairSortedJumps: swapping A and B swaps every count, delay list and role list exactly', () => {
  // Exact because the (time, A before B) tie rule never matters: one market has at most one jump
  // at a time, and two jumps at one time either pair with each other (same sign) or look for
  // partners in disjoint (market, sign) lists (opposite signs), so their order cannot matter.
  const rand = mulberry32(777);
  for (let c = 0; c < 300; c++) {
    const ja = randomJumps(rand, Math.floor(rand() * 40));
    const jb = randomJumps(rand, Math.floor(rand() * 40));
    const a = JumpList.from(ja.t, ja.s);
    const b = JumpList.from(jb.t, jb.s);
    const d = [0, 250, 1000, 5000][c % 4]!;
    const ab = pairSortedJumps(a, b, ALL, d);
    const ba = pairSortedJumps(b, a, ALL, d);
    const label = `case ${c}`;
    assert.deepEqual(
      countsOf(ba),
      counts({
        totalA: ab.totalB,
        totalB: ab.totalA,
        paired: ab.paired,
        aLeadsB: ab.bLeadsA,
        bLeadsA: ab.aLeadsB,
        simultaneous: ab.simultaneous,
        noiseA: ab.noiseB,
        noiseB: ab.noiseA,
        noise: ab.noise,
      }),
      label,
    );
    assert.deepEqual(ba.delaysAB, ab.delaysBA, label);
    assert.deepEqual(ba.delaysBA, ab.delaysAB, label);
    assert.deepEqual(ba.roleA, ab.roleB, label);
    assert.deepEqual(ba.roleB, ab.roleA, label);
  }
});

test('quantileSorted: type 7 linear interpolation between closest ranks', () => {
  // n = 4, q = 0.5: h = 3·0.5 = 1.5 → x[1] + 0.5·(x[2] − x[1]) = 2 + 0.5 = 2.5.
  assert.equal(quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5), 2.5);
  // numpy.percentile([1..10], 90) = 9.1: h = 9·0.9 = 8.1 → x[8] + 0.1·(x[9] − x[8]) = 9 + 0.1.
  const ten = Float64Array.from({ length: 10 }, (_, i) => i + 1);
  assert.ok(Math.abs(quantileSorted(ten, 0.9) - 9.1) < 1e-12);
  // q = 0 and q = 1 are the extremes; n = 1 is that element; odd n median is the middle.
  assert.equal(quantileSorted(ten, 0), 1);
  assert.equal(quantileSorted(ten, 1), 10);
  assert.equal(quantileSorted(Float64Array.of(7), 0.9), 7);
  assert.equal(quantileSorted(Float64Array.of(1, 5, 6), 0.5), 5);
  // q = 0.25 on [0, 10, 20, 40]: h = 0.75 → 0 + 0.75·10 = 7.5.
  assert.equal(quantileSorted(Float64Array.of(0, 10, 20, 40), 0.25), 7.5);
  assert.ok(Number.isNaN(quantileSorted(new Float64Array(0), 0.5)));
  assert.throws(() => quantileSorted(ten, 1.5), RangeError);
  assert.throws(() => quantileSorted(ten, NaN), RangeError);
});

test('quantile: sorts a copy and leaves the input alone', () => {
  const values = Float64Array.of(40, 0, 20, 10);
  // Sorted [0, 10, 20, 40]; median h = 1.5 → 10 + 0.5·10 = 15.
  assert.equal(quantile(values, 0.5), 15);
  assert.deepEqual(Array.from(values), [40, 0, 20, 10]);
  assert.ok(Number.isNaN(quantile(new Float64Array(0), 0.5)));
});
