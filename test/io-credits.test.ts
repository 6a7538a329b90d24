/**
 * The reader workers' credits (src/io/credits.ts), with a real worker thread: never more than
 * `credits` batches in flight, no lost wake-up whatever the timing, and a waiting worker woken
 * once per half of its credits rather than once per batch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { creditCounter, tookBatch } from '../src/io/credits.js';
import { mulberry32 } from './prng.js';

/** A worker that posts `n` numbered batches, asking creditFor before each, and counts its waits. */
const PRODUCER = `(async () => {
  const { parentPort, workerData } = require('node:worker_threads');
  const { creditFor } = await import(workerData.module);
  const { counter, n, credits } = workerData;
  // A pending waitAsync does not keep a thread alive; a port with a listener does (as in worker.ts).
  parentPort.on('message', () => {});
  let waits = 0;
  for (let sent = 0; sent < n; sent++) {
    if (sent - Atomics.load(counter, 0) >= credits) waits++;
    await creditFor(counter, sent, credits);
    parentPort.postMessage({ i: sent, inFlight: sent + 1 - Atomics.load(counter, 0) });
  }
  parentPort.postMessage({ waits });
  parentPort.close();
})();
`;

async function produce(n: number, credits: number, takeDelay: () => number): Promise<{ got: number[]; maxInFlight: number; waits: number }> {
  const counter = creditCounter();
  const module = new URL('../src/io/credits.js', import.meta.url).href;
  const worker = new Worker(PRODUCER, { eval: true, workerData: { counter, n, credits, module } });
  const got: number[] = [];
  let maxInFlight = 0;
  let waits = -1;
  const queue: { i?: number; inFlight?: number; waits?: number }[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  worker.on('message', (m) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    failure = e;
    queue.push({ waits: -2 });
    wake?.();
  });
  // The consumer takes one batch at a time, after a delay, as a slow main thread would.
  while (waits < 0) {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    const m = queue.shift()!;
    if (m.waits !== undefined) {
      waits = m.waits;
      break;
    }
    got.push(m.i!);
    maxInFlight = Math.max(maxInFlight, m.inFlight!);
    const ms = takeDelay();
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    tookBatch(counter);
  }
  await worker.terminate();
  if (failure) throw failure;
  return { got, maxInFlight, waits };
}

test('credits: every batch arrives in order, at most `credits` in flight, with slow, fast and random takers', async () => {
  const random = mulberry32(16);
  for (const [name, delay] of [
    ['slow', () => 1],
    ['fast', () => 0],
    ['random', () => (random() < 0.3 ? Math.floor(random() * 3) : 0)],
  ] as const) {
    for (const credits of [1, 2, 4, 5]) {
      const n = 120;
      const r = await produce(n, credits, delay);
      assert.deepEqual(r.got, Array.from({ length: n }, (_, i) => i), `${name}, ${credits} credits: all, in order`);
      assert.ok(r.maxInFlight <= credits, `${name}, ${credits} credits: at most ${credits} in flight (saw ${r.maxInFlight})`);
    }
  }
});

test('credits: a worker held up by a slow taker waits once per half of its credits, not once per batch', async () => {
  // 4 credits, a taker slower than the producer: after the first 4 batches the worker must
  // wait; each wait lasts until 2 are taken, so 120 batches cost about (120 − 4) / 2 waits.
  const r = await produce(120, 4, () => 1);
  // Not exactly (120 − 4) / 2: a starved producer thread on a busy machine may find credits free.
  assert.ok(r.waits >= 10, `the worker was held up (${r.waits} waits)`);
  assert.ok(r.waits <= 59, `woken once per 2 batches taken at most (${r.waits} waits for 116 batches)`);
});
