/**
 * The reader on the real Binance recordings in /work/shared/data (skipped when absent).
 * Expected counts come from the data's README (rows per file) and from an independent
 * straightforward reading in the test (zlib + split + Date.parse-free ISO reference).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { STRICT, isoReferenceMicros, readQuotes, readTrades } from './io-helpers.js';

const DIR = '/work/shared/data/binance-btcusdt-20240808';
const skip = existsSync(DIR) ? false : `${DIR} is not present`;

/** Reference ticks: split lines, reference ISO times, Number prices, last row of each time wins. */
function referenceQuotes(path: string): { t: number[]; price: number[]; rows: number } {
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter((l) => l !== '');
  const t: number[] = [];
  const price: number[] = [];
  for (const line of lines.slice(1)) {
    const [time, , bid, ask] = line.split(',');
    const us = isoReferenceMicros(time!);
    const mid = (Number(bid) + Number(ask)) / 2;
    if (t.length > 0 && t[t.length - 1] === us) price[price.length - 1] = mid;
    else {
      t.push(us);
      price.push(mid);
    }
  }
  return { t, price, rows: lines.length - 1 };
}

test('real quotes: row counts as documented, ticks equal a straightforward reference reading', { skip }, async () => {
  const documented: Record<string, number> = { 'spot_quotes.csv.gz': 28040, 'perp_quotes.csv.gz': 66089, 'coinm_quotes.csv.gz': 19136 };
  for (const [name, rows] of Object.entries(documented)) {
    const path = join(DIR, name);
    const q = await readQuotes(path, { ...STRICT, worker: true });
    assert.equal(q.report.rows, rows, name);
    assert.equal(q.report.format, 'exchange-quotes');
    const ref = referenceQuotes(path);
    assert.equal(ref.rows, rows);
    assert.deepEqual(q.t, ref.t, name);
    assert.deepEqual(q.price, ref.price, name);
    assert.deepEqual(q.report.skipped, []);
    // The general CSV parser reads the same ticks: on the spot file (the three files share one
    // layout, and the generated files of io-paths.test.ts compare the two parsers on every rule).
    if (name !== 'spot_quotes.csv.gz') continue;
    const csv = await readQuotes(path, { ...STRICT, parser: 'csv' });
    assert.deepEqual(csv.t, q.t);
    assert.deepEqual(csv.price, q.price);
  }
});

test('real trades: 9 757 spot trades, sides from is_market_maker', { skip }, async () => {
  const path = join(DIR, 'spot_trades.csv.gz');
  const tr = await readTrades(path, { ...STRICT, worker: true });
  assert.equal(tr.report.rows, 9757);
  assert.equal(tr.report.records, 9757);
  assert.equal(tr.report.format, 'exchange-trades');
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter((l) => l !== '').slice(1);
  assert.deepEqual(
    tr.side,
    lines.map((l) => (l.split(',')[4] === 'true' ? -1 : 1)),
  );
  assert.deepEqual(
    tr.qty,
    lines.map((l) => Number(l.split(',')[3])),
  );
});
