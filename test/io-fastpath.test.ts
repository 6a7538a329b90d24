/**
 * The byte-level fast path and the csv-parse reference path must hand the analysis exactly
 * the same ticks (and the same errors) on every bundled fixture and every bad-input file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { BAD_INPUT_FILES } from './bad-inputs.js';
import { readQuotes, readTrades, STRICT } from './io-helpers.js';
import type { InternalReadOptions } from '../src/io/reader.js';

/**
 * Batches and reads larger than any file here (2 135 rows, 188 kB at most): one batch and one
 * read per file, as with the defaults (16 384 rows, 1 MiB), without allocating a 512 KiB batch
 * buffer twice and 1–2 MiB of read buffers for each of this file's ~1 000 reads, which made
 * the garbage collector most of its time. `outcome` checks that every file fits.
 */
const LEAN = { batchRows: 4096, chunkBytes: 1 << 18 } as const;

async function outcome(path: string, trades: boolean, given: InternalReadOptions) {
  const opts = { ...LEAN, ...given };
  assert.ok(statSync(path).size < LEAN.chunkBytes, `${path} must fit in one read`);
  try {
    return { ok: trades ? await readTrades(path, opts) : await readQuotes(path, opts) };
  } catch (e) {
    const err = e as Error & { line?: unknown; value?: unknown };
    return { error: { name: err.name, message: err.message, line: err.line, value: err.value } };
  }
}

async function assertPathsAgree(path: string, trades: boolean, opts: Partial<InternalReadOptions> = {}) {
  for (const skipBadRows of [false, true]) {
    const base = { ...STRICT, ...opts, skipBadRows };
    const fast = await outcome(path, trades, base);
    const csv = await outcome(path, trades, { ...base, parser: 'csv' });
    assert.deepStrictEqual(fast, csv, `${path} (skip ${skipBadRows})`);
    // Tiny reads split lines, headers and the delimiter sniffing across chunks (small files only: a read per 7 bytes is slow).
    if (statSync(path).size > 4096) continue;
    const tiny = await outcome(path, trades, { ...base, parser: 'csv', chunkBytes: 7 });
    assert.deepStrictEqual(tiny, csv, `${path} (csv, 7-byte reads, skip ${skipBadRows})`);
    assert.deepStrictEqual(await outcome(path, trades, { ...base, chunkBytes: 7 }), csv, `${path} (fast, 7-byte reads, skip ${skipBadRows})`);
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

/** The same text with another delimiter in place of every comma (none of these files quotes a comma). */
const withDelimiter = (text: string, d: string) => text.replaceAll(',', d);

test('fast path == csv-parse path with ; | and tab delimiters, detected or given, on every fixture and bad-input file', async () => {
  const files: Array<[string, string, boolean]> = [];
  for (const layout of ['tardis', 'exchange', 'binance', 'generic']) {
    for (const f of readdirSync(join(FIXTURES, layout))) {
      if (f.endsWith('.gz')) continue;
      files.push([`${layout}-${f}`, readFileSync(join(FIXTURES, layout, f), 'utf8'), f.includes('trades')]);
    }
  }
  for (const [name, content] of Object.entries(BAD_INPUT_FILES)) if (typeof content === 'string') files.push([name, content, false]);
  for (const d of [';', '|', '\t']) {
    const dir = tempFiles(Object.fromEntries(files.map(([name, text]) => [name, withDelimiter(text, d)])));
    for (const [name, text, trades] of files) {
      // Every file with `;`; the other delimiters on the smaller files (the bad inputs and Binance's).
      if (d !== ';' && text.length > 50_000) continue;
      const path = join(dir, name);
      await assertPathsAgree(path, trades);
      if (text.length < 50_000) await assertPathsAgree(path, trades, { delimiter: d });
      // And the same ticks as the comma original, whenever that reads (line text in errors differs by delimiter).
      if (text.includes('"')) continue;
      const original = await outcome(join(tempFiles({ [name]: text }), name), trades, STRICT);
      const other = await outcome(path, trades, STRICT);
      if ('ok' in original && original.ok) {
        assert.ok('ok' in other && other.ok, `${name} with ${JSON.stringify(d)}`);
        assert.deepEqual({ ...other.ok, report: { ...other.ok.report, file: '' } }, { ...original.ok, report: { ...original.ok.report, file: '' } }, name);
      }
    }
  }
});

test('fast path == csv-parse path on mapped columns and pattern times, and both equal the named format', async () => {
  // Tardis quotes and trades with every column renamed: only the options say what is what.
  const rename = (text: string, names: string) => `${names}\n${text.slice(text.indexOf('\n') + 1)}`;
  const quotes = readFileSync(join(FIXTURES, 'tardis', 'spot_quotes.csv'), 'utf8');
  const trades = readFileSync(join(FIXTURES, 'tardis', 'spot_trades.csv'), 'utf8');
  const dir = tempFiles({
    'q.csv': rename(quotes, 'venue,pair,t_exch,t_local,a_sz,a_px,b_px,b_sz'),
    'tr.csv': rename(trades, 'venue,pair,t_exch,t_local,trade_id,aggressor,px,sz'),
    // Times as text in a pattern, some rows with a fraction and some without.
    'p.csv': 'when;px\n2024-08-08 12:00:00;100\n2024-08-08 12:00:00.5;101\n2024-08-08 12:00:01.25;x\n2024-08-08 12:00:02;102\n',
  });
  const q: InternalReadOptions = { ...STRICT, columns: { time: 't_exch', bid: 'b_px', ask: 'a_px' } };
  const t: InternalReadOptions = { ...STRICT, columns: { time: 't_exch', price: 'px', qty: 'sz', side: 'aggressor' } };
  await assertPathsAgree(join(dir, 'q.csv'), false, q);
  await assertPathsAgree(join(dir, 'tr.csv'), true, t);
  await assertPathsAgree(join(dir, 'p.csv'), false, { timeFormat: '%Y-%m-%d %H:%M:%S.%f', columns: { time: 'when', price: 'px' } });
  const strip = <T extends { report: object }>(r: T) => ({ ...r, report: { ...r.report, file: '', format: '', timeColumn: '', sideColumn: '' } });
  assert.deepEqual(strip(await readQuotes(join(dir, 'q.csv'), q)), strip(await readQuotes(join(FIXTURES, 'tardis', 'spot_quotes.csv'))));
  assert.deepEqual(strip(await readTrades(join(dir, 'tr.csv'), t)), strip(await readTrades(join(FIXTURES, 'tardis', 'spot_trades.csv'))));
});
