import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inSpan, labelled, leftOutIn } from '../src/core/dataset.js';
import type { FeatureTable } from '../src/core/features.js';
import { Role } from '../src/core/pairing.js';
import { mulberry32 } from './prng.js';

test('leftOutIn(t, aStart, roleA, span) counts the followers and simultaneous jumps in the span, both ends included', () => {
  // Seven spot jumps; the pairing's roles start at the second (aStart = 1): 200 follows, 300
  // leads, 400 simultaneous, 500 follows, 600 noise, 700 simultaneous. The span [200, 600]
  // holds 200 … 600: two followers (200, 500) and one simultaneous (400); 700 lies after it,
  // and 100 has no role.
  const t = Float64Array.of(100, 200, 300, 400, 500, 600, 700);
  const roleA = Int8Array.of(Role.follows, Role.leads, Role.simultaneous, Role.follows, Role.noise, Role.simultaneous);
  assert.deepEqual(leftOutIn(t, 1, roleA, { start: 200, end: 600 }), { follows: 2, simultaneous: 1 });
  // Widened to 700: its simultaneous jump joins; narrowed to (200, 600): the follower at 200 leaves.
  assert.deepEqual(leftOutIn(t, 1, roleA, { start: 200, end: 700 }), { follows: 2, simultaneous: 2 });
  assert.deepEqual(leftOutIn(t, 1, roleA, { start: 201, end: 600 }), { follows: 1, simultaneous: 1 });
  assert.deepEqual(leftOutIn(t, 1, new Int8Array(0), { start: 0, end: 1000 }), { follows: 0, simultaneous: 0 });
});

test('labelled and leftOutIn: the triggers and the left-out jumps in the span are every jump in the span', () => {
  // pair's total_spot_jumps = lead + noise + follows + simultaneous, on random roles and spans.
  const rnd = mulberry32(11);
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + Math.floor(rnd() * 40);
    const aStart = Math.floor(rnd() * 3);
    const t = Float64Array.from({ length: n + aStart }, (_, i) => 10 * i);
    const roleA = Int8Array.from({ length: n }, () => Math.floor(rnd() * 4));
    const span = { start: Math.floor(rnd() * 10 * n), end: 0 };
    span.end = span.start + Math.floor(rnd() * 10 * n);
    // labelled reads only the times and the columns of a feature table.
    const rows = { length: t.length, t, columns: [new Float64Array(t.length)] } as unknown as FeatureTable;
    const d = labelled(rows, ['x'], aStart, roleA);
    const kept = Array.from(d.t).filter((x) => inSpan(x, span)).length;
    const left = leftOutIn(t, aStart, roleA, span);
    let all = 0;
    for (let k = 0; k < n; k++) if (inSpan(t[aStart + k]!, span)) all++;
    assert.equal(kept + left.follows + left.simultaneous, all, `trial ${trial}`);
  }
});
