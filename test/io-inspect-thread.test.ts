/**
 * inspect's scans in worker threads (src/io/inspect-thread.ts) must give what the scan gives in
 * this thread: the same FileQuality, deeply and strictly equal (plain objects, NaN where NaN),
 * the same error class, message, line and value, and progress while reading. `worker: true`
 * sends even the small fixtures to a worker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { inOrder, inspectFile, ScanThread } from '../src/io/inspect-thread.js';
import { inspectInput, type InspectScanOptions } from '../src/io/inspect-scan.js';
import { DataError, OpenError } from '../src/errors.js';
import { tmpFile } from './io-helpers.js';
import { FIXTURES } from './cli-helpers.js';

const FIXTURE_FILES = ['tardis/spot_quotes.csv', 'tardis/perp_quotes.csv', 'tardis/spot_trades.csv', 'binance/spot_quotes.csv', 'exchange/spot_trades.csv', 'generic/perp_quotes.csv.gz'].map((f) => join(FIXTURES, f));
// And a file with a problem of each kind inspect counts (each with its first lines): crossed,
// one-sided, non-numeric, backwards in time, short.
const PROBLEMS = tmpFile(
  'inspect-thread-problems.csv',
  readFileSync(FIXTURE_FILES[0]!, 'utf8') +
    ['binance,BTCUSDT,1723118460000000,1723118460000100,1,60000,60010,1', 'binance,BTCUSDT,1723118460000001,1723118460000101,1,,60000,1', 'binance,BTCUSDT,1723118460000002,1723118460000102,1,abc,60000,1', 'binance,BTCUSDT,1723118400000000,1723118400000100,1,60001,60000,1', 'binance,BTCUSDT,1723118460000003'].join('\n') +
    '\n',
);
const FILES = [...FIXTURE_FILES, PROBLEMS];

test('inspectFile in a worker gives the scan of this thread, for every fixture layout, sorted or not, either clock', async () => {
  for (const file of FILES) {
    for (const o of [{ clock: 'exchange', sort: false }, { clock: 'local', sort: true }] as InspectScanOptions[]) {
      const here = await inspectInput(file, o);
      const there = await inspectFile(file, o, true);
      assert.deepStrictEqual(there, here, `${file} ${JSON.stringify(o)}`);
      assert.ok(here.rows > 0, file);
      if (file === PROBLEMS) assert.ok(here.problems.length >= 4, JSON.stringify(here.problems));
    }
  }
});

test('inspectFile in a worker: the same errors, as the same classes; progress arrives from the worker', async () => {
  const notQuotes = tmpFile('inspect-thread-neither.csv', 'foo,bar\n1,2\n');
  const outcome = async (file: string, worker: boolean) => {
    try {
      return { ok: await inspectFile(file, { clock: 'exchange' }, worker) };
    } catch (e) {
      const err = e as Error & Partial<Pick<DataError, 'file' | 'line' | 'value' | 'problem'>>;
      return { error: { cls: err.constructor.name, message: err.message, file: err.file, line: err.line, value: err.value, problem: err.problem } };
    }
  };
  for (const file of [notQuotes, join(FIXTURES, 'no-such-file.csv')]) {
    const [here, there] = [await outcome(file, false), await outcome(file, true)];
    assert.deepStrictEqual(there, here, file);
    assert.ok(here.error !== undefined && [DataError.name, OpenError.name].includes(here.error.cls), JSON.stringify(here));
  }
  const seen: number[] = [];
  await inspectFile(FIXTURE_FILES[1]!, { clock: 'exchange', chunkBytes: 4096, onProgress: (p) => seen.push(p.rows) }, true);
  assert.ok(seen.length > 3, `${seen.length} progress reports`);
  assert.deepEqual(seen, [...seen].sort((x, y) => x - y));
});

test('a lane\'s thread scans its files in turn, as this thread does, a refused file included; one that dies is replaced', { timeout: 60_000 }, async () => {
  const lane = new ScanThread();
  try {
    for (const file of FILES) {
      const o = { clock: 'exchange', sort: file === PROBLEMS } as InspectScanOptions;
      assert.deepStrictEqual(await inspectFile(file, o, true, lane), await inspectInput(file, o), file);
    }
    // A file the scan refuses: this thread's error, and the thread scans on.
    const notQuotes = tmpFile('inspect-lane-neither.csv', 'foo,bar\n1,2\n');
    const here = await inspectInput(notQuotes, { clock: 'exchange' }).then(() => assert.fail('not a quote file'), (e: unknown) => e as DataError);
    await assert.rejects(inspectFile(notQuotes, { clock: 'exchange' }, true, lane), (e: unknown) => e instanceof DataError && e.message === here.message);
    assert.deepStrictEqual(await inspectFile(FILES[0]!, { clock: 'exchange' }, true, lane), await inspectInput(FILES[0]!, { clock: 'exchange' }));
    assert.equal(lane.started, 1, `${FILES.length + 2} scans, one thread`);
    // One scan at a time.
    const first = inspectFile(FILES[1]!, { clock: 'exchange' }, true, lane);
    await assert.rejects(inspectFile(FILES[2]!, { clock: 'exchange' }, true, lane), /one scan at a time/);
    await first;
    // The thread dies between two scans: the next scan starts another.
    const worker = (lane as unknown as { idle: { worker: Worker } }).idle.worker;
    await worker.terminate();
    await new Promise((r) => setImmediate(r));
    assert.deepStrictEqual(await inspectFile(FILES[1]!, { clock: 'exchange' }, true, lane), await inspectInput(FILES[1]!, { clock: 'exchange' }));
    assert.equal(lane.started, 2);
  } finally {
    lane.close();
  }
});

test('inOrder: outcomes in the tasks\' order whatever finishes first, at most `limit` at once, errors in their place', async () => {
  let running = 0;
  let most = 0;
  const busy = new Set<number>();
  // Task i takes (7 − i) ms: later tasks finish first. Task 3 fails.
  const tasks = [0, 1, 2, 3, 4, 5, 6];
  const out = await inOrder(tasks, 2, async (i, lane) => {
    // A lane (0 or 1) runs one task at a time.
    assert.ok(lane === 0 || lane === 1, `lane ${lane}`);
    assert.ok(!busy.has(lane), `lane ${lane} is busy`);
    busy.add(lane);
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 7 - i));
    busy.delete(lane);
    running--;
    if (i === 3) throw new RangeError('three');
    return i * 10;
  });
  assert.equal(most, 2);
  assert.deepEqual(out.map((o) => ('value' in o ? o.value : (o.error as Error).message)), [0, 10, 20, 'three', 40, 50, 60]);
  assert.deepEqual(await inOrder([], 2, async () => 1), []);
});
