/**
 * report's hy thread (src/cli/hy-thread.ts): the parts a RemoteHyState hands back are, bit for
 * bit, those of a HyState fed the same ticks on this thread. The pushes here wrap the ring of
 * slots many times over and include pushes longer than a slot, so a slot reused too early or
 * a long push cut wrongly would show as a different part.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemoteHyState } from '../src/cli/hy-thread.js';
import { HyState } from '../src/core/hy.js';
import type { HyParts } from '../src/core/hyparts.js';
import { makeLattice } from '../src/core/lattice.js';
import { mulberry32 } from './prng.js';

/** A quote-like series: strictly increasing µs times, prices on a 0.01 tick that mostly repeat. */
function series(n: number, rnd: () => number, t0: number): { t: Float64Array; price: Float64Array } {
  const t = new Float64Array(n);
  const price = new Float64Array(n);
  let time = t0;
  let cents = 6_000_000;
  for (let i = 0; i < n; i++) {
    time += 1 + Math.floor(rnd() * 400);
    if (rnd() < 0.1) cents += rnd() < 0.5 ? -1 - Math.floor(rnd() * 3) : 1 + Math.floor(rnd() * 3);
    t[i] = time;
    price[i] = cents / 100;
  }
  return { t, price };
}

/** Push sizes: mostly small (many messages, the ring wraps), some longer than a slot (65 536 ticks). */
function sizes(n: number, rnd: () => number): number[] {
  const out: number[] = [];
  for (let left = n; left > 0; ) {
    const k = Math.min(left, rnd() < 0.02 ? 70_000 + Math.floor(rnd() * 80_000) : 1 + Math.floor(rnd() * 1000));
    out.push(k);
    left -= k;
  }
  return out;
}

function assertSameParts(got: HyParts, want: HyParts): void {
  assert.equal(got.firstBlock, want.firstBlock);
  assert.equal(got.nBlocks, want.nBlocks);
  assert.deepEqual(got.span, want.span);
  for (const k of ['u', 'rvA', 'rvB', 'nA', 'nB', 'nonextantA', 'nonextantB'] as const) {
    assert.deepEqual(Array.from(got[k]), Array.from(want[k]), k);
  }
}

test('RemoteHyState: the same parts as a HyState on this thread, over many ring wraps and pushes longer than a slot', async () => {
  const rnd = mulberry32(20261201);
  const a = series(400_000, rnd, 1_723_118_400_000_000);
  const b = series(500_000, rnd, 1_723_118_400_000_050);
  const request = { lattice: makeLattice(-10_000, 10_000, 100), blockUs: 10_000_000 };
  const local = new HyState(request);
  const remote = new RemoteHyState(request);
  // A failed assertion must not leave the worker running (the test process would never exit).
  try {
    // The same interleaving for both: a's and b's pushes alternate in the order drawn.
    const [sa, sb] = [sizes(a.t.length, rnd), sizes(b.t.length, rnd)];
    let [ia, ib, pa, pb] = [0, 0, 0, 0];
    while (ia < sa.length || ib < sb.length) {
      if (ia < sa.length && (ib >= sb.length || rnd() < 0.5)) {
        const n = sa[ia++]!;
        for (const s of [local, remote]) s.push(0, a.t.subarray(pa, pa + n), a.price.subarray(pa, pa + n), n);
        pa += n;
      } else {
        const n = sb[ib++]!;
        for (const s of [local, remote]) s.push(1, b.t.subarray(pb, pb + n), b.price.subarray(pb, pb + n), n);
        pb += n;
      }
    }
    assert.ok(sa.length + sb.length > 200, 'enough pushes to wrap the ring several times');
    assert.ok([...sa, ...sb].some((n) => n > 65_536), 'a push longer than a slot');
    local.end(0);
    local.end(1);
    remote.end(0);
    remote.end(1);
    const want = local.finish();
    assert.ok(want.u.some((x) => x !== 0), 'the series co-move somewhere (a test of zeros proves little)');
    assertSameParts(await remote.finish(), want);
  } finally {
    remote.abort();
  }
});

test('RemoteHyState: a worker that fails does not hang the pushes, and finish() reports its error', async () => {
  // blockUs 0 makes the worker's HyState throw as it starts. The pushes below come back to back,
  // more than the ring holds, without yielding, so the worker's error event cannot reach this
  // thread while they wait: the worker must go on releasing slots (it did not: it died, and this
  // test hung for ever) and say in the shared state word that it stopped.
  const remote = new RemoteHyState({ lattice: makeLattice(-1000, 1000, 100), blockUs: 0 });
  try {
    const t = new Float64Array(100);
    const p = new Float64Array(100).fill(100);
    const started = Date.now();
    for (let k = 0; k < 100; k++) {
      for (let i = 0; i < 100; i++) t[i] = 1_723_118_400_000_000 + (k * 100 + i) * 10;
      remote.push(0, t, p, 100);
    }
    assert.ok(Date.now() - started < 30_000, 'the pushes returned');
    await assert.rejects(remote.finish(), /block length must be > 0/);
  } finally {
    remote.abort();
  }
});
