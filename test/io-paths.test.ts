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
import { ONE_READ, SEEDS, assertSame, generate, outcome, type Outcome } from './io-generated.js';

test('fast parser == csv-parse path on 300 generated files, strict and skip mode (same batches, reports and errors)', async () => {
  let errors = 0;
  let oks = 0;
  for (const seed of SEEDS) {
    const g = generate(seed, seed % 3 !== 0);
    assert.ok(Buffer.byteLength(g.text) < ONE_READ, `seed ${seed}: the file must fit in one read`);
    for (const skipBadRows of [false, true]) {
      const base = { ...STRICT, skipBadRows, batchRows: 7, chunkBytes: ONE_READ };
      const fast = await outcome(g, base);
      const csv = await outcome(g, { ...base, parser: 'csv' });
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
    const whole = await outcome(g, { ...STRICT, skipBadRows: true, chunkBytes: ONE_READ });
    // 1-byte reads split every line at every offset but cost one read per byte (most of this
    // test's time): they run on the first third of the files, the other sizes on all of them.
    const sizes = seed - seeds[0]! < 20 ? [1, 3, 17, 64] : [3, 17, 64];
    for (const chunkBytes of sizes) {
      assertSame(await outcome(g, { ...STRICT, skipBadRows: true, chunkBytes }), whole, `seed ${seed} chunk ${chunkBytes}`);
    }
  }
});

test('a Readable input gives the same result as the file, plain and gzipped', async () => {
  for (const seed of SEEDS.slice(0, 30)) {
    const g = generate(seed, false);
    const fromFile = await outcome(g, STRICT);
    for (const gz of [false, true]) {
      const raw = Buffer.from(g.text, 'utf8');
      const bytes = gz ? gzipSync(raw) : raw;
      // Small uneven chunks, to split lines and the gzip header across reads.
      const chunks = [];
      for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
      const src = openInput({ stream: Readable.from(chunks), name: g.path }, g.kind, STRICT);
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
