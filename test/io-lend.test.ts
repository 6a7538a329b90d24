/**
 * Lent batches (ReadOptions.lend): the batchers fill a buffer handed back instead of a fresh
 * one, and a worker takes back only buffers of the size it fills. The worker round trip is in
 * reader-threads.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { QuoteBatcher, TradeBatcher, quoteBatchIn } from '../src/io/batches.js';
import { BatchSlots, takeReturned } from '../src/io/worker.js';

test('QuoteBatcher fills a returned buffer: the batch is its rows only, whatever the buffer held', () => {
  // Capacity 3, four columns of 8 bytes: 96 bytes. The buffer comes back full of stale values.
  const old = new ArrayBuffer(96);
  new Float64Array(old).fill(-7);
  const given: ArrayBuffer[] = [old];
  const asked: number[] = [];
  const b = new QuoteBatcher(3, false, (bytes) => (asked.push(bytes), given.shift()));
  b.add(10, 1, 3, 2);
  b.add(11, 2, 4, 3);
  b.flush();
  const batch = b.out[0]!;
  assert.equal(batch.t.buffer, old, 'the first batch is written into the returned buffer');
  assert.deepEqual([...batch.t], [10, 11]);
  assert.deepEqual([...batch.bid], [1, 2]);
  assert.deepEqual([...batch.ask], [3, 4]);
  assert.deepEqual([...batch.price], [2, 3]);
  // The batcher asked at its start and again after the flush (nothing left: a fresh buffer).
  assert.deepEqual(asked, [96, 96]);
  b.add(12, 5, 5, 5);
  b.flush();
  assert.notEqual(b.out[1]!.t.buffer, old);
  assert.deepEqual([...b.out[1]!.t], [12]);
});

test('QuoteBatcher with one price column and TradeBatcher ask for their own sizes', () => {
  const asked: number[] = [];
  new QuoteBatcher(4, true, (bytes) => (asked.push(bytes), undefined));
  new TradeBatcher(4, (bytes) => (asked.push(bytes), undefined));
  // 4 rows · 2 columns · 8 bytes; 4 rows · (3 · 8 + 1) bytes.
  assert.deepEqual(asked, [64, 100]);
  const old = new ArrayBuffer(100);
  new Uint8Array(old).fill(0xff);
  const t = new TradeBatcher(4, () => old);
  t.add(1, 2, 3, -1);
  t.flush();
  const batch = t.out[0]!;
  assert.equal(batch.t.buffer, old);
  assert.deepEqual([[...batch.t], [...batch.price], [...batch.qty], [...batch.side]], [[1], [2], [3], [-1]]);
});

test('takeReturned takes the next buffer of the size asked for, passing over others, and never waits', async () => {
  const { port1, port2 } = new MessageChannel();
  try {
    const take = takeReturned(port2);
    assert.equal(take(16), undefined, 'nothing sent yet');
    const small = new ArrayBuffer(8);
    const right = new ArrayBuffer(16);
    new Uint8Array(right)[0] = 42;
    port1.postMessage(small, [small]);
    port1.postMessage(right, [right]);
    assert.equal(right.byteLength, 0, 'sent buffers leave the sender (transferred)');
    // Messages posted on a channel are readable synchronously by receiveMessageOnPort at once.
    const got = take(16);
    assert.ok(got instanceof ArrayBuffer);
    assert.equal(got.byteLength, 16);
    assert.equal(new Uint8Array(got)[0], 42);
    assert.equal(take(16), undefined, 'the 8-byte buffer was passed over, not kept');
  } finally {
    port1.close();
    port2.close();
  }
});

test('BatchSlots of a next read fill the last read\'s buffers again, each sent to the consumer again the first time', () => {
  const busy = (): Int32Array => new Int32Array(new SharedArrayBuffer(4 * 3));
  const bytes = 2 * 8 * 4; // capacity 4: t then price
  const first = new BatchSlots(busy());
  const a = first.take(bytes)!;
  const b = first.take(bytes)!;
  assert.notEqual(a, b);
  assert.equal(first.message(0, quoteBatchIn(a, 4, 1, true)).buffer, a, 'a new slot\'s buffer goes with its first batch');
  assert.equal(first.message(0, quoteBatchIn(a, 4, 1, true)).buffer, undefined, 'and not again');
  // The next read: the same buffers in the same slots, none busy, each sent once more.
  const next = new BatchSlots(busy(), first.buffers);
  assert.equal(next.take(bytes), a);
  assert.equal(next.take(bytes), b);
  assert.equal(next.slotOf(b), 1);
  assert.equal(next.message(1, quoteBatchIn(b, 4, 2, true)).buffer, b);
  assert.equal(next.message(1, quoteBatchIn(b, 4, 2, true)).buffer, undefined);
  // A slot never filled in the first read gets a buffer of its own; one of another size is replaced.
  const third = next.take(bytes)!;
  assert.ok(third !== a && third !== b);
  const again = new BatchSlots(busy(), next.buffers);
  const bigger = again.take(2 * bytes)!;
  assert.ok(bigger !== a && bigger.byteLength === 2 * bytes);
  assert.equal(again.slotOf(a), undefined, 'the replaced buffer is no slot\'s');
});
