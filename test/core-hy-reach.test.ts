/** HyReach (src/core/hy-reach.ts): which ticks outside a range its hy blocks depend on, on hand-worked ticks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HyReach } from '../src/core/hy-reach.js';
import { makeLattice } from '../src/core/lattice.js';

const A = [50, 85, 95, 120, 190, 205, 230];
const B = [60, 80, 86, 98, 150, 199, 203, 212, 250];

/** Feeds the ticks in batches of two, the markets interleaved. */
function reach(range: { start: number; end: number }, fromUs: number, toUs: number, a = A, b = B): HyReach {
  const r = new HyReach(range, makeLattice(fromUs, toUs, 5));
  for (let i = 0; i < Math.max(a.length, b.length); i += 2) {
    r.push(1, Float64Array.from(b.slice(i, i + 2)), b.slice(i, i + 2).length);
    r.push(0, Float64Array.from(a.slice(i, i + 2)), a.slice(i, i + 2).length);
  }
  return r;
}

test('HyReach: the ticks before S and after E that a range\'s blocks need, by hand', () => {
  // [100, 200), lags −10 … 10. A has ticks in the range (120, 190): a₀ = 95, B's last at or
  // before 95 − 10 = 85 is 80; A's first at or after 200 is 205, B's first after 200 + 10 is
  // 212. B has ticks in the range (150, 199): its last before 100 is 98, its first at or after
  // 200 is 203. So from = min(95, 80, 98) = 80 and to = max(205, 212, 203) = 212.
  const r = reach({ start: 100, end: 200 }, -10, 10);
  assert.deepEqual(r.result({ start: 60, end: 230 }), { from_us: 80, to_us: 212, start_read: true, end_read: true });
  // A span that starts after 80 or ends before 212 did not have them.
  assert.deepEqual(r.result({ start: 85, end: 210 }), { from_us: 80, to_us: 212, start_read: false, end_read: false });
  assert.deepEqual(r.result(undefined), { from_us: 80, to_us: 212, start_read: false, end_read: false });
  assert.deepEqual(r.seen(0), { first_us: 50, last_us: 230, ticks: 7 });
  assert.deepEqual(r.seen(1), { first_us: 60, last_us: 250, ticks: 9 });
});

test('HyReach: positive lags reach B after a₀; a needed tick not read; a range without ticks needs none', () => {
  // Lags 5 … 10: B's last at or before 95 + 5 = 100 is 98, so from = min(95, 98, 98) = 95.
  assert.equal(reach({ start: 100, end: 200 }, 5, 10).result({ start: 60, end: 230 }).from_us, 95);
  // Read from 96 on: no A tick before 100 was read.
  const late = reach({ start: 100, end: 200 }, -10, 10, A.filter((t) => t >= 96), B.filter((t) => t >= 96));
  assert.deepEqual(late.result({ start: 98, end: 230 }), { from_us: null, to_us: 212, start_read: false, end_read: true });
  // B ends at 205: its first tick after 210 was not read.
  const short = reach({ start: 100, end: 200 }, -10, 10, A, B.filter((t) => t <= 205));
  assert.deepEqual(short.result({ start: 60, end: 203 }), { from_us: 80, to_us: null, start_read: true, end_read: false });
  // [100, 115) holds no tick of either market: its blocks are empty whatever was read.
  assert.deepEqual(reach({ start: 100, end: 115 }, -10, 10).result(undefined), { from_us: null, to_us: null, start_read: true, end_read: true });
  // An open start needs nothing before it.
  assert.equal(reach({ start: -Infinity, end: 200 }, -10, 10).result({ start: 60, end: 230 }).from_us, null);
});
