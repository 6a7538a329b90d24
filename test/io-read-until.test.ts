/**
 * Ranged reads stop at the range's end (ReadOptions.until, src/io/multi.ts): a time-ordered
 * file is read up to its first row at or after E + M and closed there, in this thread and in
 * a worker (which then waits for a stream's next file); the report describes the rows read; `--sort` still
 * reads everything. A ranged run over a file whose tail past E + M is corrupt succeeds (so it
 * did not read the tail) and prints what it prints on the clean file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { STRICT, readQuotes, tmpFile } from './io-helpers.js';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { fakeContext } from './context-helpers.js';
import { PAIR } from './time-helpers.js';
import { openQuotes } from '../src/io/sources.js';
import { DataError } from '../src/errors.js';
import { renderPair, runPair, pairMargin } from '../src/cli/commands/pair.js';
import { runPairState } from '../src/cli/pair-state.js';
import { analysisParamsOf } from '../src/cli/options.js';
import type { WorkerRequest } from '../src/io/worker.js';
import { creditCounter, tookBatch } from '../src/io/credits.js';
import type { ReadReport } from '../src/io/types.js';

const T = 1723161254000000;

/** 1000 quotes 1 ms apart, then 50 rows whose time is not a number. */
function corruptTail(): string {
  const good = Array.from({ length: 1000 }, (_, i) => `${T + i * 1000},1,${2 + i}`);
  const bad = Array.from({ length: 50 }, () => 'never,1,2');
  return `time,bid,ask\n${[...good, ...bad].join('\n')}\n`;
}

/** Reads every batch, returning the ticks' times and the report. */
async function readAll(path: string, opts: Parameters<typeof openQuotes>[1]): Promise<{ t: number[]; report: ReadReport }> {
  const src = openQuotes(path, opts);
  const t: number[] = [];
  for await (const b of src) t.push(...b.t);
  return { t, report: src.report() };
}

test('until: the read stops at the first row at or after it, in this thread and in a worker; the report is of the rows read', async () => {
  const path = tmpFile('corrupt-tail.csv', corruptTail());
  // Without until the tail is read and fails, on line 1002 (header, then 1000 good rows).
  await assert.rejects(readQuotes(path, STRICT), (e: unknown) => e instanceof DataError && e.line === 1002);
  const until = T + 500_500; // between rows 500 (T + 500 ms) and 501
  for (const opts of [{ ...STRICT, until }, { ...STRICT, until, chunkBytes: 64 }, { ...STRICT, until, worker: true }, { ...STRICT, until, batchRows: 7 }]) {
    const { t, report } = await readAll(path, opts);
    // Rows 0 … 501: row 501 (T + 501 ms) is the first at or after until; nothing after it is read or counted.
    assert.deepEqual(t, Array.from({ length: 502 }, (_, i) => T + i * 1000), JSON.stringify(opts));
    assert.equal(report.rows, 502);
    assert.equal(report.records, 502);
    assert.equal(report.lastTime, T + 501_000);
    assert.equal(report.readUntil, until);
  }
  // A file that ends before until is read to its end, with no readUntil.
  const whole = await readAll(tmpFile('short.csv', 'time,bid,ask\n' + `${T},1,2\n${T + 1000},1,3\n`), { ...STRICT, until });
  assert.equal(whole.report.records, 2);
  assert.equal(whole.report.readUntil, undefined);
});

test('until is ignored with --sort (every row must be seen to sort), so the corrupt tail fails', async () => {
  const path = tmpFile('corrupt-tail-sort.csv', corruptTail());
  await assert.rejects(readQuotes(path, { ...STRICT, sort: true, until: T + 500_500 }), (e: unknown) => e instanceof DataError && e.line === 1002);
});

test('a worker that stops at until reports, then reads the next request in the same thread (a stream\'s next file)', { timeout: 60_000 }, async () => {
  const path = tmpFile('worker-until.csv', corruptTail());
  const request = (until: number): WorkerRequest => ({ path, kind: 'quotes', opts: { ...STRICT, until, batchRows: 100 }, credits: 4, taken: creditCounter(), progress: false });
  const first = request(T + 500_500);
  const worker = new Worker(new URL('../src/io/worker.js', import.meta.url), { workerData: first });
  const reads: { ticks: number; report?: ReadReport }[] = [{ ticks: 0 }];
  let next: (() => void) | undefined;
  worker.on('message', (m: { type: string; batch?: { length: number }; report?: ReadReport }) => {
    const read = reads[reads.length - 1]!;
    if (m.type === 'batch') {
      read.ticks += m.batch!.length;
      // The batch is taken: one credit back (as sources.ts gives it).
      tookBatch(reads.length === 1 ? first.taken : second.taken);
    }
    if (m.type === 'done') {
      read.report = m.report;
      next?.();
    }
    if (m.type === 'error') assert.fail(JSON.stringify(m));
  });
  const exited = new Promise<number>((resolve) => worker.on('exit', resolve));
  await new Promise<void>((resolve) => (next = resolve));
  // Nothing after 'done' but waiting: the thread is alive for another read.
  const second = request(T + 200_500);
  reads.push({ ticks: 0 });
  worker.postMessage({ type: 'read', request: second });
  await new Promise<void>((resolve) => (next = resolve));
  await worker.terminate();
  assert.equal(await exited, 1, 'alive until terminated');
  assert.equal(reads[0]!.ticks, 502);
  assert.equal(reads[0]!.report?.readUntil, T + 500_500);
  assert.equal(reads[1]!.ticks, 202);
  assert.equal(reads[1]!.report?.readUntil, T + 200_500);
});

/** The fixture's spot quotes with every row from `cut` µs after its first on replaced by rows that are not quotes. */
function spotWithCorruptTail(cut: number): { clean: string; corrupt: string; t0: number } {
  const [header, ...rows] = readFileSync(join(FIXTURES, 'tardis', 'spot_quotes.csv'), 'utf8').trimEnd().split('\n');
  const time = (r: string) => Number(r.split(',')[2]);
  const t0 = time(rows[0]!);
  const kept = rows.filter((r) => time(r) < t0 + cut);
  const dir = tempFiles({ 'clean.csv': `${header}\n${rows.join('\n')}\n`, 'corrupt.csv': `${header}\n${[...kept, ...Array.from({ length: 20 }, () => 'binance,BTCUSDT,garbage,,,,,')].join('\n')}\n` });
  return { clean: join(dir, 'clean.csv'), corrupt: join(dir, 'corrupt.csv'), t0 };
}

test('pair --start/--end over a file whose tail past E + M is corrupt: the same output as on the clean file; a range reaching the tail fails', async () => {
  const S = 1_000_000;
  const { clean, corrupt, t0 } = spotWithCorruptTail(60 * S);
  const perp = join(FIXTURES, 'tardis', 'perp_quotes.csv');
  const o = { ...PAIR, bootstrap: 20 };
  const margin = pairMargin(analysisParamsOf(o), o.nullStep); // 11.009 s
  const json = async (spot: string, end: number) => renderPair(await runPair([spot, perp], { ...o, start: t0 + 10 * S, end }, fakeContext({ quiet: true }).ctx)).json;
  // E + M = 51.009 s < 60 s: the reader stops before the garbage.
  assert.deepEqual(await json(corrupt, t0 + 40 * S), await json(clean, t0 + 40 * S));
  // E + M = 61.009 s: the garbage at 60 s must be read, and fails.
  await assert.rejects(json(corrupt, t0 + 50 * S), (e: unknown) => e instanceof DataError && /garbage/.test(String(e.message) + String(e.value)));

  // A state's fingerprint records the last timestamp read: the first tick at or after E + M.
  const state = join(tempFiles({}), 'p.state');
  await runPairState([corrupt, perp], { ...o, start: t0 + 10 * S, end: t0 + 40 * S, state }, fakeContext({ quiet: true }).ctx);
  const header = JSON.parse(readFileSync(state, 'utf8').split('\n')[0]!) as { inputs: { a: { last_us: number }[] } };
  const firstPast = readFileSync(clean, 'utf8').trimEnd().split('\n').slice(1).map((r) => Number(r.split(',')[2])).find((t) => t >= t0 + 40 * S + margin);
  assert.equal(header.inputs.a[0]!.last_us, firstPast);
  writeFileSync(state, ''); // nothing else reads it
});
