/**
 * The byte-level parser against the csv-parse reference path, and streams against files —
 * over many generated files (io-generated.ts) in every format with the awkward cases, in
 * strict and skip mode. The worker thread and stdin cases are in reader-threads.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { openInput } from '../src/io/sources.js';
import { STRICT, type Quotes } from './io-helpers.js';
import { ONE_BATCH, ONE_READ, SEEDS, assertSame, generate, outcome, type Outcome } from './io-generated.js';

test('fast parser == csv-parse path on 250 generated files, strict and skip mode (same batches, reports and errors)', async () => {
  // From memory: the parsers are compared here; reading files is the next two tests' part.
  // 250 files reach every block of src/io that 300 reach (V8's block coverage of this file's
  // run, compared); 200 miss some (a quoted field's line text, nanosecond epochs, a bulk rule).
  let errors = 0;
  let oks = 0;
  for (const seed of SEEDS) {
    const g = generate(seed, seed % 3 !== 0);
    assert.ok(Buffer.byteLength(g.text) < ONE_READ, `seed ${seed}: the file must fit in one read`);
    for (const skipBadRows of [false, true]) {
      const base = { ...STRICT, skipBadRows, batchRows: 7, chunkBytes: ONE_READ, kernel: true };
      const fast = await outcome(g, base, 'memory');
      const csv = await outcome(g, { ...base, parser: 'csv' }, 'memory');
      assertSame(fast, csv, `seed ${seed} skip ${skipBadRows}: ${JSON.stringify(g.text.slice(0, 300))}`);
      if ('error' in fast) errors++;
      else oks++;
    }
  }
  // The generator must exercise both outcomes substantially.
  assert.ok(errors > 50 && oks > 200, `errors ${errors}, oks ${oks}`);
});

test('fast parser gives the same result whatever the read size (lines split across reads)', async () => {
  const seeds = SEEDS.slice(0, 60);
  for (const seed of seeds) {
    const g = generate(seed, seed % 2 === 0);
    assert.ok(Buffer.byteLength(g.text) < ONE_READ, `seed ${seed}: the file must fit in one read`);
    const opts = { ...STRICT, skipBadRows: true, batchRows: ONE_BATCH };
    const whole = await outcome(g, { ...opts, chunkBytes: ONE_READ, kernel: true });
    // 1-byte reads split every line at every offset, 3 and 17 bytes split fields and lines in
    // other places; from a file each read is a system call, so these come from memory. 64-byte
    // reads come from the file: the file source's own short reads are covered too. 1-byte reads
    // cost a few promises per byte (node:test tracks each one): the first 20 files have them.
    for (const chunkBytes of seed - seeds[0]! < 20 ? [1, 3, 17] : [3, 17]) {
      assertSame(await outcome(g, { ...opts, chunkBytes }, 'memory'), whole, `seed ${seed} chunk ${chunkBytes} (memory)`);
    }
    assertSame(await outcome(g, { ...opts, chunkBytes: 64 }), whole, `seed ${seed} chunk 64`);
  }
});

test('a Readable input gives the same result as the file, plain and gzipped', async () => {
  for (const seed of SEEDS.slice(0, 30)) {
    const g = generate(seed, false);
    const opts = { ...STRICT, batchRows: ONE_BATCH, chunkBytes: ONE_READ, kernel: true };
    const fromFile = await outcome(g, opts);
    for (const gz of [false, true]) {
      const raw = Buffer.from(g.text, 'utf8');
      const bytes = gz ? gzipSync(raw) : raw;
      // Small uneven chunks, to split lines and the gzip header across reads.
      const chunks = [];
      for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
      const src = openInput({ stream: Readable.from(chunks), name: g.path }, g.kind, opts);
      let fromStream: Outcome;
      try {
        const cols: Record<string, number[]> = {};
        const lengths: number[] = [];
        for await (const batch of src) {
          lengths.push(batch.length);
          for (const [k, v] of Object.entries(batch)) {
            if (k === 'length') continue;
            cols[k] ??= [];
            cols[k]!.push(...(v as Float64Array));
          }
        }
        fromStream = { ok: { ...cols, lengths, report: src.report() } as unknown as Quotes };
      } catch (e) {
        const err = e as Error & { line?: unknown; value?: unknown };
        fromStream = { error: { name: err.name, message: err.message, line: err.line, value: err.value } };
      }
      if ('ok' in fromFile && 'ok' in fromStream) {
        const f = fromFile.ok as unknown as Record<string, unknown>;
        const s = fromStream.ok as unknown as Record<string, unknown>;
        for (const k of Object.keys(f)) {
          if (k === 'report') continue;
          assert.deepStrictEqual(s[k], f[k], `seed ${seed} gz ${gz} ${k}`);
        }
        assert.deepStrictEqual(s.report, f.report, `seed ${seed}`);
      } else {
        assertSame(fromStream, fromFile, `seed ${seed} gz ${gz}`);
      }
    }
  }
});
