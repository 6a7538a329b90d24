/**
 * The reader's thread and process behaviour: the worker against the in-thread reader over
 * generated files (io-generated.ts), backpressure, an early break, two workers at once, and
 * `-` as stdin in a child process. Kept out of the fast lane (`npm run test:fast`): each
 * worker or child costs a start-up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { STRICT, readQuotes, tmpFile } from './io-helpers.js';
import type { InternalReadOptions } from '../src/io/reader.js';
import { ONE_READ, SEEDS, assertSame, generate, outcome } from './io-generated.js';

test('worker == in-thread on generated files, errors included (same class, message, line, value), batches kept or lent', async () => {
  // A worker's start is most of each case's time (about 0.1 s): each seed is read by a worker
  // with kept batches in one mode and with lent ones in the other, the two alternating with the
  // seed, so every seed and every mode goes through both kinds of batch.
  for (const seed of SEEDS.slice(0, 40)) {
    const g = generate(seed, seed % 2 === 0);
    for (const skipBadRows of [false, true]) {
      const inThread = await outcome(g, { ...STRICT, skipBadRows, batchRows: 5, chunkBytes: ONE_READ, kernel: true });
      // Lent batches: each one's buffer goes back to the worker, which fills it again.
      // (Even seeds have bad rows: by seed / 2, so errors go through both kinds too.)
      const lend = (Math.floor(seed / 2) + Number(skipBadRows)) % 2 === 0;
      const worker = await outcome(g, { ...STRICT, skipBadRows, batchRows: 5, chunkBytes: ONE_READ, kernel: true, worker: true, lend });
      assertSame(worker, inThread, `seed ${seed}${lend ? ', lent' : ''}`);
    }
  }
});

test('worker: a file of many batches arrives complete and in order under backpressure (batchRows 1)', async () => {
  const body = Array.from({ length: 500 }, (_, i) => `${1723161254000000 + i},1,${2 + i}`).join('\n');
  const path = tmpFile('many-batches.csv', 'time,bid,ask\n' + body + '\n');
  const w = await readQuotes(path, { ...STRICT, batchRows: 1, worker: true });
  assert.equal(w.lengths.length, 500);
  assert.deepEqual(w.t, Array.from({ length: 500 }, (_, i) => 1723161254000000 + i));
});

test('lent batches: valid until the next is asked for, then their buffer is back with the worker; kept ones stay', async () => {
  const rows = 300;
  const body = Array.from({ length: rows }, (_, i) => `${1723161254000000 + i},${1 + i},${2 + i}`).join('\n');
  const path = tmpFile('lent-batches.csv', 'time,bid,ask\n' + body + '\n');
  const { openQuotes } = await import('../src/io/sources.js');
  const want = Array.from({ length: rows }, (_, i) => [i, 1 + i]).flat();
  // One read (the whole file: 43 batches of 7 before the first is posted, more than the worker's
  // shared slots, so most go by transfer) and reads of 256 bytes (a batch or two each: the
  // slots suffice and are filled again).
  for (const chunkBytes of [undefined, 256]) {
    for (const lend of [true, false]) {
      const seen: number[] = [];
      const held: Array<{ batch: { length: number; t: Float64Array }; first: number[] }> = [];
      for await (const b of openQuotes(path, { ...STRICT, batchRows: 7, worker: true, lend, chunkBytes } as InternalReadOptions)) {
        const first = [...b.t];
        // Every third batch is held across turns of the event loop, while the worker reads on:
        // a lent batch stays as it came until the next is asked for.
        if (held.length % 3 === 0) await new Promise((res) => setTimeout(res, 2));
        assert.deepEqual([...b.t], first, `lend ${lend}: batch ${held.length} changed while it was the consumer's`);
        for (let i = 0; i < b.length; i++) seen.push(b.t[i]! - 1723161254000000, b.bid[i]!);
        held.push({ batch: b, first });
      }
      assert.deepEqual(seen, want, `lend ${lend}, ${chunkBytes ?? 'whole-file'} reads`);
      // Read again after the iteration: a kept batch is as it came; a lent one's buffer went back,
      // by transfer (its views read as empty) or as a shared slot filled again with later rows.
      const empty = held.filter((h) => h.batch.t.length === 0).length;
      const refilled = held.filter((h) => h.batch.t.length > 0 && [...h.batch.t].some((t, i) => t !== h.first[i])).length;
      const what = `lend ${lend}, ${chunkBytes ?? 'whole-file'} reads: ${empty} empty, ${refilled} refilled of ${held.length}`;
      if (!lend) assert.equal(empty + refilled, 0, what);
      else if (chunkBytes === undefined) assert.ok(empty >= 20, what);
      // (A read that completes two batches while every slot is busy sends one by transfer.)
      else assert.ok(refilled >= 20, what);
    }
  }
});

test('a worker fills again the buffers of lent batches (stale rows beyond a batch show it), not of kept ones', async () => {
  const rows = 300;
  const t0 = 1723161254000000;
  const body = Array.from({ length: rows }, (_, i) => `${t0 + i},${1 + i},${2 + i}`).join('\n');
  const path = tmpFile('refilled-batches.csv', 'time,bid,ask\n' + body + '\n');
  const { openQuotes } = await import('../src/io/sources.js');
  const refilledForm = (stale: number) => stale >= t0 + 6 && stale < t0 + rows && (stale - t0 - 6) % 7 === 0;
  for (const lend of [true, false]) {
    // Small reads, so the worker parses on after posting its first batches and the buffers come
    // back while rows remain. 300 rows in batches of 7: the last batch holds rows 294–299 only.
    const opts: InternalReadOptions = { ...STRICT, batchRows: 7, chunkBytes: 256, worker: true, lend };
    // A read that completes two batches while every shared slot is busy gives the second a fresh
    // buffer: the last batch may be one. Three reads; a lent read must show a refilled one.
    const stales: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      for await (const b of openQuotes(path, opts)) {
        // Slot 6 of the last batch's buffer (read while the batch is lent): never written for
        // this batch. A refilled buffer still holds the time of an earlier batch's row there
        // (t0 + 7·i + 6 for some batch i); a fresh one holds 0.
        if (b.length < 7) stales.push(new Float64Array(b.t.buffer, 0, 7)[6]!);
      }
      if (!lend || refilledForm(stales.at(-1)!)) break;
    }
    for (const stale of stales) assert.ok(stale === 0 || refilledForm(stale), `a fresh or refilled buffer: ${stale}`);
    if (lend) assert.ok(refilledForm(stales.at(-1)!), `a refilled buffer: ${stales.join(', ')}`);
    else assert.deepEqual(stales, [0], 'a fresh buffer');
  }
});

test('readBatches fills the buffers `returned` hands it, with the same rows as fresh ones', async () => {
  const body = Array.from({ length: 50 }, (_, i) => `${1723161254000000 + 10 * i},${100 + i},${101 + i}`).join('\n');
  const path = tmpFile('returned-buffers.csv', 'time,bid,ask\n' + body + '\n');
  const fresh = await readQuotes(path, { ...STRICT, batchRows: 8 });
  // Every buffer handed over is full of stale values, and each must come back as a batch.
  const handed = new Set<ArrayBuffer>();
  const returned = (bytes: number): ArrayBuffer => {
    const b = new ArrayBuffer(bytes);
    new Float64Array(b).fill(-1);
    handed.add(b);
    return b;
  };
  const { readBatches } = await import('../src/io/reader.js');
  const t: number[] = [];
  const mids: number[] = [];
  for await (const b of readBatches(path, 'quotes', { ...STRICT, batchRows: 8, returned })) {
    assert.ok(handed.has(b.t.buffer as ArrayBuffer), 'the batch is written into a handed-over buffer');
    for (let i = 0; i < b.length; i++) t.push(b.t[i]!), mids.push(b.price[i]!);
  }
  assert.deepEqual(t, fresh.t);
  assert.deepEqual(mids, fresh.price);
});

test('worker: an early break stops the worker and the source can be read again', async () => {
  const body = Array.from({ length: 100 }, (_, i) => `${1723161254000000 + i},1,2`).join('\n');
  const path = tmpFile('early-break.csv', 'time,bid,ask\n' + body + '\n');
  const { openQuotes } = await import('../src/io/sources.js');
  const src = openQuotes(path, { ...STRICT, batchRows: 10, worker: true });
  for await (const b of src) {
    assert.equal(b.length, 10);
    break;
  }
  assert.throws(() => src.report(), /available once/);
  let n = 0;
  for await (const b of src) n += b.length;
  assert.equal(n, 100);
  assert.equal(src.report().records, 100);
});

test('two files opened at once are read concurrently (two workers) with the same results as one by one', async () => {
  const a = generate(5001, false);
  const b = generate(5002, false);
  const [ra, rb] = await Promise.all([outcome(a, { ...STRICT, worker: true }), outcome(b, { ...STRICT, worker: true })]);
  assertSame(ra, await outcome(a, STRICT), 'a');
  assertSame(rb, await outcome(b, STRICT), 'b');
});

test('`-` reads stdin (plain and gzip) in a child process', () => {
  const sources = fileURLToPath(new URL('../src/io/sources.js', import.meta.url));
  const script = `
    import { openQuotes } from ${JSON.stringify(sources)};
    const src = openQuotes('-', { clock: 'exchange', sort: false, skipBadRows: false });
    const t = [];
    for await (const b of src) t.push(...b.t);
    console.log(JSON.stringify({ t, report: src.report() }));
  `;
  const text = 'time,bid,ask\n1723161254087891,1,2\n1723161254087895,1,3\n';
  for (const input of [Buffer.from(text), gzipSync(Buffer.from(text))]) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { t: number[]; report: { file: string; rows: number } };
    assert.deepEqual(out.t, [1723161254087891, 1723161254087895]);
    assert.equal(out.report.file, '<stdin>');
    assert.equal(out.report.rows, 2);
  }
  const bad = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: 'time,bid,ask\n1,x,2\n', encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /<stdin>:2: non-numeric bid in column bid: "x"/);
});

test('the worker entry exists in the compiled layout next to sources.js', () => {
  const worker = fileURLToPath(new URL('../src/io/worker.js', import.meta.url));
  assert.match(readFileSync(worker, 'utf8'), /parentPort/);
});

test('a worker reads synchronously (file-read.ts): plain and gzip files, many reads, a truncated gzip: all as in the main thread', async () => {
  const t0 = 1723161254000000;
  const body = Array.from({ length: 3000 }, (_, i) => `${t0 + 3 * i},${100 + (i % 17)},${101 + (i % 17)}`).join('\n');
  const text = 'time,bid,ask\n' + body + '\n';
  // Two gzip members (a concatenated .gz), and the same bytes cut short.
  const half = text.length >> 1;
  const gz = Buffer.concat([gzipSync(text.slice(0, half)), gzipSync(text.slice(half))]);
  const plain = tmpFile('sync-read.csv', text);
  const gzPath = tmpFile('sync-read.csv.bin', gz);
  const { renameSync } = await import('node:fs');
  const gzFile = gzPath.replace(/\.bin$/, '.gz');
  renameSync(gzPath, gzFile);
  const cut = tmpFile('sync-read-cut.csv.bin', gz.subarray(0, gz.length - 100));
  const cutFile = cut.replace(/\.bin$/, '.gz');
  renameSync(cut, cutFile);
  const read = async (path: string, worker: boolean) => {
    try {
      return { ok: await readQuotes(path, { ...STRICT, batchRows: 100, chunkBytes: 4096, worker } as InternalReadOptions) };
    } catch (e) {
      return { error: `${(e as Error).name}: ${(e as Error).message}` };
    }
  };
  for (const path of [plain, gzFile, cutFile]) {
    const here = await read(path, false);
    assert.deepEqual(await read(path, true), here, path);
    if (path === cutFile) assert.ok('error' in here, 'a truncated gzip is an error');
    else assert.equal((here as { ok: { t: number[] } }).ok.t.length, 3000);
  }
});

/** Files of one market over consecutive hours of `rows` ticks each (every third one gzipped), and a bad row in file `bad` if given. */
function streamFiles(name: string, files: number, rows: number, bad?: number): string[] {
  const t0 = 1723161254000000;
  return Array.from({ length: files }, (_, f) => {
    const body = Array.from({ length: rows }, (_, i) => {
      const t = t0 + f * 3_600_000_000 + 1000 * i;
      return f === bad && i === 7 ? `${t},oops,1` : `${t},${100 + ((f + i) % 13)},${101 + ((f + i) % 13)}`;
    });
    return tmpFile(`${name}-${f}.csv${f % 3 === 2 ? '.gz' : ''}`, `time,bid,ask\n${body.join('\n')}\n`);
  });
}

/** A market's files read as one stream: every tick, the stream's rows, or the error's class and message. */
async function readStream(paths: string[], opts: InternalReadOptions): Promise<unknown> {
  const { openQuoteStream } = await import('../src/io/multi.js');
  const src = openQuoteStream(paths, opts);
  const t: number[] = [];
  const price: number[] = [];
  try {
    for await (const b of src) for (let i = 0; i < b.length; i++) t.push(b.t[i]!), price.push(b.price[i]!);
    return { t, price, rows: src.report().rows, files: src.reports().length };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

test('a stream of files read by workers: one thread for all its files, the same ticks and errors as in this thread', { timeout: 120_000 }, async () => {
  const { readersStartedSoFar: started } = await import('../src/io/sources.js');
  const { keptReaders } = await import('../src/io/reader-keeper.js');
  // Small batches and reads, so that each file is many batches, lent or kept.
  const opts = { ...STRICT, batchRows: 16, chunkBytes: 2048 };
  const a = streamFiles('stream-a', 4, 400);
  const b = streamFiles('stream-b', 3, 300);
  for (const lend of [false, true]) {
    const before = started();
    const here = await readStream(a, { ...opts, worker: false });
    assert.equal((here as { t: number[] }).t.length, 1600);
    assert.deepEqual(await readStream(a, { ...opts, worker: true, lend }), here, `lend ${lend}`);
    assert.equal(started() - before, 1, 'four files, one thread');
    assert.equal(keptReaders(), 0, 'the last file\'s thread ends with the stream');
  }
  // Two streams at once: a thread each.
  const before = started();
  const [wa, wb] = await Promise.all([readStream(a, { ...opts, worker: true }), readStream(b, { ...opts, worker: true })]);
  assert.deepEqual(wa, await readStream(a, { ...opts, worker: false }));
  assert.deepEqual(wb, await readStream(b, { ...opts, worker: false }));
  assert.equal(started() - before, 2);
  assert.equal(keptReaders(), 0);
  // A bad row in the third file: the same error as in this thread, from the kept thread, which then ends.
  const bad = streamFiles('stream-bad', 4, 400, 2);
  const failedHere = await readStream(bad, { ...opts, worker: false });
  assert.match((failedHere as { error: string }).error, /stream-bad-2\.csv\.gz/);
  const beforeBad = started();
  assert.deepEqual(await readStream(bad, { ...opts, worker: true }), failedHere);
  assert.equal(started() - beforeBad, 1);
  assert.equal(keptReaders(), 0);
  // And the next stream starts a thread of its own.
  assert.deepEqual(await readStream(a, { ...opts, worker: true }), await readStream(a, { ...opts, worker: false }));
  assert.equal(started() - beforeBad, 2);
});

test('a stream\'s kept thread ends however the stream ends: a break, a file read in this thread, a file gone', { timeout: 120_000 }, async () => {
  const { readersStartedSoFar: started } = await import('../src/io/sources.js');
  const { keptReaders } = await import('../src/io/reader-keeper.js');
  const { openQuoteStream } = await import('../src/io/multi.js');
  const opts = { ...STRICT, batchRows: 16, chunkBytes: 2048 };
  const a = streamFiles('keep-a', 3, 400);
  // A break in a worker's read: that read's thread ends with it.
  let n = 0;
  for await (const batch of openQuoteStream(a, { ...opts, worker: true })) {
    n += batch.length;
    if (n >= 450) break;
  }
  assert.equal(keptReaders(), 0, 'a break in the second file');
  assert.deepEqual(await readStream(a, { ...opts, worker: true }), await readStream(a, { ...opts, worker: false }), 'a stream after a break');
  // Files of 4 MiB or more go to a worker, smaller ones are read here (`worker` unset): the
  // thread kept after the first waits through the small one and reads the third; after a
  // small last file the stream ends it.
  const [big0, big1] = streamFiles('keep-big', 2, 180_000);
  const smallAt = (name: string, minutes: number): string => {
    const t = 1723161254000000 + minutes * 60_000_000;
    return tmpFile(name, `time,bid,ask\n${Array.from({ length: 50 }, (_, i) => `${t + 1000 * i},100,101`).join('\n')}\n`);
  };
  const small = smallAt('keep-small.csv', 30);
  const { rmSync, statSync } = await import('node:fs');
  assert.ok(statSync(big0!).size >= 4 << 20 && statSync(small).size < 4 << 20, 'one file for a worker, one for this thread');
  for (const paths of [[big0!, small, big1!], [big0!, small]]) {
    const before = started();
    const here = await readStream(paths, { ...STRICT, worker: false });
    assert.deepEqual(await readStream(paths, { ...STRICT, worker: undefined }), here);
    assert.equal(started() - before, 1, `${paths.length} files`);
    assert.equal(keptReaders(), 0);
  }
  // While a thread is kept, the stream ends in a file read here: a break in it, or the file gone
  // before its turn (it cannot be opened). The stream's end ends the kept thread.
  let kept = 0;
  for await (const batch of openQuoteStream([big0!, small, big1!], { ...STRICT, worker: undefined })) {
    if (batch.t[0]! >= 1723161254000000 + 30 * 60_000_000) {
      kept = keptReaders();
      break;
    }
  }
  assert.equal(kept, 1, 'the big file\'s thread waits while the small one is read');
  assert.equal(keptReaders(), 0, 'and ends with the stream');
  const gone = smallAt('keep-gone.csv', 40);
  let removed = false;
  await assert.rejects(
    (async () => {
      for await (const _ of openQuoteStream([big0!, gone, big1!], { ...STRICT, worker: undefined })) {
        if (!removed) rmSync(gone), (removed = true);
      }
    })(),
    (e: unknown) => e instanceof Error && e.message.includes('keep-gone.csv'),
  );
  assert.equal(keptReaders(), 0);
});
