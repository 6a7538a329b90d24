/**
 * The byte-level fast path and the csv-parse reference path must hand the analysis exactly
 * the same ticks (and the same errors) on every bundled fixture and every bad-input file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { BAD_INPUT_FILES } from './bad-inputs.js';
import { readQuotes, readTrades, STRICT } from './io-helpers.js';
import type { InternalReadOptions } from '../src/io/reader.js';

async function outcome(path: string, trades: boolean, opts: InternalReadOptions) {
  try {
    return { ok: trades ? await readTrades(path, opts) : await readQuotes(path, opts) };
  } catch (e) {
    const err = e as Error & { line?: unknown; value?: unknown };
    return { error: { name: err.name, message: err.message, line: err.line, value: err.value } };
  }
}

async function assertPathsAgree(path: string, trades: boolean) {
  for (const skipBadRows of [false, true]) {
    const base = { ...STRICT, skipBadRows };
    const fast = await outcome(path, trades, base);
    const csv = await outcome(path, trades, { ...base, parser: 'csv' });
    assert.deepStrictEqual(fast, csv, `${path} (skip ${skipBadRows})`);
  }
}

test('fast path == csv-parse path on every fixture file', async () => {
  let n = 0;
  for (const layout of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!layout.isDirectory()) continue;
    for (const f of readdirSync(join(FIXTURES, layout.name))) {
      await assertPathsAgree(join(FIXTURES, layout.name, f), f.includes('trades'));
      n++;
    }
  }
  assert.ok(n >= 10, `${n} fixture files`);
});

test('fast path == csv-parse path on every bad-input file, strict and skipping', async () => {
  const dir = tempFiles(BAD_INPUT_FILES);
  for (const name of Object.keys(BAD_INPUT_FILES)) await assertPathsAgree(join(dir, name), false);
});
