/**
 * TickQueue (src/core/tickqueue.ts): ticks keep their absolute index through drops, compaction
 * and growth, whether written by push or by reserve/commit. The model is a plain array of every
 * tick ever pushed; a seeded random mix of pushes, block writes and drops runs both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TickQueue } from '../src/core/tickqueue.js';
import { mulberry32 } from './prng.js';

test('TickQueue: push and reserve/commit keep every live tick at its absolute index through drops, compaction and growth', () => {
  const rnd = mulberry32(77);
  const q = new TickQueue([Int32Array], 16);
  const model: [number, number, number][] = [];
  let dropped = 0;
  for (let step = 0; step < 3000; step++) {
    const u = rnd();
    if (u < 0.4) {
      const t = model.length;
      q.push(t, t * 0.5, t % 1000);
      model.push([t, t * 0.5, t % 1000]);
    } else if (u < 0.7) {
      // A block longer than the free room at times: reserve must grow or compact first.
      const n = 1 + Math.floor(rnd() * 60);
      const slot = q.reserve(n);
      const [ct, cx, cc] = q.cols as [Float64Array, Float64Array, Int32Array];
      for (let k = 0; k < n; k++) {
        const t = model.length;
        ct[slot + k] = t;
        cx[slot + k] = t * 0.5;
        cc[slot + k] = t % 1000;
        model.push([t, t * 0.5, t % 1000]);
      }
      q.commit(n);
    } else {
      dropped = Math.min(model.length, dropped + Math.floor(rnd() * 50));
      q.dropBefore(dropped);
    }
    assert.equal(q.start, dropped);
    assert.equal(q.end, model.length);
  }
  for (let i = q.start; i < q.end; i++) {
    const [t, x, c] = model[i]!;
    assert.equal(q.t[i - q.base], t, `t of tick ${i}`);
    assert.equal(q.x[i - q.base], x, `x of tick ${i}`);
    assert.equal(q.cols[2]![i - q.base], c, `column 2 of tick ${i}`);
  }
  assert.ok(q.end - q.start > 0, 'some ticks are live at the end');
});
