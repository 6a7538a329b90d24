/**
 * The pumps that pull two or more time-ordered sources (src/cli/pump.ts): the order they feed,
 * every source's first batch asked for at once (a worker-read file starts reading only when
 * asked), and errors that are not held up by a source still waiting for input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pumpLagging, pumpMerged, type EarlyStart, type Timed } from '../src/cli/pump.js';

interface Batch extends Timed {
  readonly name: string;
}

function batch(name: string, ...times: number[]): Batch {
  return { name, length: times.length, t: Float64Array.from(times) };
}

/** A source of fixed batches that logs each next() and return() into `log`. */
function source(
  id: string,
  batches: Batch[],
  log: string[],
  opts: { failFirst?: Error; hang?: boolean; slowFirst?: boolean; early?: boolean } = {},
): AsyncIterable<Batch> & EarlyStart {
  let hanging = false;
  return {
    canStartEarly: opts.early ?? true,
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next(): Promise<IteratorResult<Batch>> {
          log.push(`${id}.next`);
          if (opts.hang) {
            hanging = true;
            return new Promise(() => {});
          }
          if (opts.failFirst) return Promise.reject(opts.failFirst);
          const b = batches[i++];
          const r: IteratorResult<Batch> = b === undefined ? { done: true, value: undefined } : { done: false, value: b };
          // A worker-read file: its first batch comes some time after it is asked for.
          if (opts.slowFirst && i === 1) return new Promise((res) => setTimeout(() => (log.push(`${id} first batch`), res(r)), 10));
          return Promise.resolve(r);
        },
        return(): Promise<IteratorResult<Batch>> {
          log.push(`${id}.return`);
          // As an async generator's: a return asked while a next is pending waits for that next.
          if (hanging) return new Promise(() => {});
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}

/** Rejects when `p` has not settled within `ms`: a pump that hangs fails the test instead of stalling it. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms).unref())]);
}

test('pumpLagging feeds from the source whose last batch ended earliest, and asks every source for its first batch before feeding any', async () => {
  const log: string[] = [];
  const fed: string[] = [];
  // Worked by hand: both reached −∞, A (lower index) first: a1 ends at 5; B (−∞) next: b1 ends
  // at 3; B again (3 < 5): b2 ends at 9; A (5 < 9): a2 ends at 12; B (9): B ends; A: A ends.
  const a = source('A', [batch('a1', 1, 5), batch('a2', 6, 12)], log, { slowFirst: true });
  const b = source('B', [batch('b1', 2, 3), batch('b2', 4, 9)], log, { slowFirst: true });
  const ended: number[] = [];
  await pumpLagging([a, b], (i, x) => {
    fed.push(x.name);
    log.push(`feed ${x.name}`);
  }, (i) => ended.push(i));
  assert.deepEqual(fed, ['a1', 'b1', 'b2', 'a2']);
  assert.deepEqual(ended, [1, 0]);
  // B was asked for its first batch before A's had arrived.
  assert.deepEqual(log.slice(0, 3), ['A.next', 'B.next', 'A first batch']);
});

test('pumpMerged feeds rows in one time order, ties to the lower source, and asks both sources at once', async () => {
  const log: string[] = [];
  const slices: string[] = [];
  // By hand: A 1 3 3 7, B 3 4. A's run goes on while its rows precede B's next row (3), ties
  // included since A is the lower source: A[1,3,3]; then B's 3 and 4 precede A's 7: B[3,4]; A[7].
  const a = source('A', [batch('a', 1, 3, 3, 7)], log, { slowFirst: true });
  const b = source('B', [batch('b', 3, 4)], log, { slowFirst: true });
  await pumpMerged([a, b], (s, x, from, to) => slices.push(`${x.name}[${Array.from(x.t.subarray(from, to)).join(',')}]`));
  assert.deepEqual(slices, ['a[1,3,3]', 'b[3,4]', 'a[7]']);
  assert.deepEqual(log.slice(0, 3), ['A.next', 'B.next', 'A first batch']);
});

test('a source that cannot start early (standard input, a FIFO) is asked for its first batch only in its turn', async () => {
  const log: string[] = [];
  const a = source('A', [batch('a1', 1, 5)], log, { slowFirst: true });
  const b = source('B', [batch('b1', 2, 3)], log, { slowFirst: true, early: false });
  await pumpLagging([a, b], () => {});
  assert.deepEqual(log.slice(0, 3), ['A.next', 'A first batch', 'B.next']);
});

test('an error from one source ends the pump while another is still reading its first batch (its end is asked, not awaited)', async () => {
  const boom = new Error('A is broken');
  for (const pump of ['lagging', 'merged'] as const) {
    const log: string[] = [];
    const a = source('A', [], log, { failFirst: boom });
    const b = source('B', [], log, { hang: true });
    const run = pump === 'lagging' ? pumpLagging([a, b], () => {}) : pumpMerged([a, b], () => {});
    await assert.rejects(within(run, 2000), (e) => e === boom, pump);
    assert.ok(log.includes('B.return'), `${pump}: the waiting source is told to end`);
  }
});

test('a failing first batch that the pump never takes is not an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    const log: string[] = [];
    const a = source('A', [], log, { failFirst: new Error('A fails first') });
    const b = source('B', [], log, { failFirst: new Error('B fails too, never taken') });
    await assert.rejects(pumpLagging([a, b], () => {}), /A fails first/);
    // Let any unhandled rejection surface.
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
