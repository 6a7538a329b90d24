import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError, OpenError } from '../src/errors.js';
import { openQuotes } from '../src/io/sources.js';
import type { InternalReadOptions } from '../src/io/reader.js';
import { SKIP, STRICT, readQuotes, readTrades, rejection, tmpFile } from './io-helpers.js';
import { fakeContext } from './context-helpers.js';

const QH = 'time,bid,ask\n';
const TH = 'time,price,qty\n';

/** One strict-mode case: the file body after the header, the line and value the error must name. */
interface Case {
  readonly name: string;
  readonly kind: 'quotes' | 'trades';
  readonly header?: string;
  readonly body: string;
  readonly line: number;
  readonly value: string | undefined;
  readonly problem: RegExp;
  readonly skipKind: string;
  /** Rows going back in time: the time (µs) of the kept row before them (epoch seconds by magnitude). */
  readonly keptUs?: number;
}

const GOOD_Q = '1000000,1,2\n';
const GOOD_T = '1000000,1,2\n';

const CASES: Case[] = [
  { name: 'short row', kind: 'quotes', body: `${GOOD_Q}1000001,1\n`, line: 3, value: '1000001,1', problem: /short row: expected 3 fields, found 2/, skipKind: 'short row' },
  { name: 'unparsable ISO time', kind: 'quotes', body: `${GOOD_Q}2024-13-01 00:00:00,1,2\n`, line: 3, value: '2024-13-01 00:00:00', problem: /unparsable time in column time/, skipKind: 'unparsable time' },
  // ISO times that are well written but not times leadlag holds say why.
  // On the first row: after rows read with seconds, that format would refuse them, and no hint is given.
  { name: 'a time without seconds', kind: 'quotes', body: '2024-08-08 12:01,1,2\n2024-08-08T12:02:00Z,1,2\n', line: 2, value: '2024-08-08 12:01', problem: /unparsable time in column time \(a time without seconds: --time-format '%Y-%m-%d %H:%M' reads it/, skipKind: 'unparsable time' },
  { name: 'a time without seconds, with a zone', kind: 'quotes', body: '2024-08-08T12:01Z,1,2\n2024-08-08T12:02:00Z,1,2\n', line: 2, value: '2024-08-08T12:01Z', problem: /unparsable time in column time \(a time without seconds: --time-format '%Y-%m-%dT%H:%M%z' reads it/, skipKind: 'unparsable time' },
  { name: 'a leap second', kind: 'quotes', body: '2016-12-31T23:59:59Z,1,2\n2016-12-31T23:59:60Z,1,2\n', line: 3, value: '2016-12-31T23:59:60Z', problem: /unparsable time in column time \(a leap second: times since the epoch have no :60\)/, skipKind: 'unparsable time' },
  { name: 'a year after 2255', kind: 'quotes', body: '2255-01-01T00:00:00Z,1,2\n2256-01-01T00:00:00Z,1,2\n', line: 3, value: '2256-01-01T00:00:00Z', problem: /\(a year after 2255: microseconds since 1970 no longer fit exactly\)/, skipKind: 'unparsable time' },
  // A number in a named unit past the µs clock's exact range (2^53 − 1 µs, 2255): 9 007 199 254 740 992 µs is one past it.
  { name: 'a number past 2255 in its unit', kind: 'quotes', header: 'time_us,bid,ask\n', body: `${GOOD_Q}9007199254740992,1,2\n`, line: 3, value: '9007199254740992', problem: /unparsable time in column time_us \(9007199254740992 microseconds since 1970 lies past the year 2255, .*is the unit wrong \(--time-unit sets it\), or the value\?\)/, skipKind: 'unparsable time' },
  // The same where the first row's magnitude decided the unit (µs here, the column's name says none).
  { name: 'a number past 2255 in the unit its first row decided', kind: 'quotes', body: '1723118400000644,1,2\n1723118400000644000,1,2\n', line: 3, value: '1723118400000644000', problem: /unparsable time in column time \(1723118400000644000 microseconds since 1970 lies past the year 2255/, skipKind: 'unparsable time' },
  { name: 'unparsable numeric time', kind: 'quotes', body: `${GOOD_Q}12x4,1,2\n`, line: 3, value: '12x4', problem: /unparsable time/, skipKind: 'unparsable time' },
  { name: 'empty time', kind: 'quotes', body: `${GOOD_Q},1,2\n`, line: 3, value: '', problem: /unparsable time/, skipKind: 'unparsable time' },
  { name: 'non-numeric bid', kind: 'quotes', body: `${GOOD_Q}1000001,abc,2\n`, line: 3, value: 'abc', problem: /non-numeric bid in column bid/, skipKind: 'non-numeric bid' },
  { name: 'NaN ask', kind: 'quotes', body: `${GOOD_Q}1000001,1,NaN\n`, line: 3, value: 'NaN', problem: /non-numeric ask in column ask/, skipKind: 'non-numeric ask' },
  { name: 'Infinity ask', kind: 'quotes', body: `${GOOD_Q}1000001,1,Infinity\n`, line: 3, value: 'Infinity', problem: /non-numeric ask/, skipKind: 'non-numeric ask' },
  { name: 'zero bid', kind: 'quotes', body: `${GOOD_Q}1000001,0,2\n`, line: 3, value: '0', problem: /non-positive bid/, skipKind: 'non-positive bid' },
  { name: 'negative ask', kind: 'quotes', body: `${GOOD_Q}1000001,1,-2\n`, line: 3, value: '-2', problem: /non-positive ask/, skipKind: 'non-positive ask' },
  { name: 'crossed quote', kind: 'quotes', body: `${GOOD_Q}1000001,2.5,2.25\n`, line: 3, value: '2.5 > 2.25', problem: /crossed quote \(bid > ask\)/, skipKind: 'crossed quote' },
  { name: 'zero price (price-only quotes)', kind: 'quotes', header: 'time,price\n', body: '1000000,1\n1000001,0.0\n', line: 3, value: '0.0', problem: /non-positive price in column price/, skipKind: 'non-positive price' },
  { name: 'non-numeric price (price-only quotes)', kind: 'quotes', header: 'time,mid\n', body: '1000000,1\n1000001,1e999\n', line: 3, value: '1e999', problem: /non-numeric price in column mid/, skipKind: 'non-numeric price' },
  { name: 'time going backwards (quotes)', kind: 'quotes', body: `${GOOD_Q}1000002,1,2\n1000001,1,2\n`, line: 4, value: '1000001', problem: /time goes backwards.*line 3.*--sort/, skipKind: 'time going backwards', keptUs: 1000002e6 },
  { name: 'trade non-numeric price', kind: 'trades', body: `${GOOD_T}1000001,x1,2\n`, line: 3, value: 'x1', problem: /non-numeric price in column price/, skipKind: 'non-numeric price' },
  { name: 'trade negative price', kind: 'trades', body: `${GOOD_T}1000001,-1,2\n`, line: 3, value: '-1', problem: /non-positive price/, skipKind: 'non-positive price' },
  { name: 'trade non-numeric qty', kind: 'trades', body: `${GOOD_T}1000001,1,lots\n`, line: 3, value: 'lots', problem: /non-numeric quantity in column qty/, skipKind: 'non-numeric quantity' },
  { name: 'trade zero qty', kind: 'trades', body: `${GOOD_T}1000001,1,0\n`, line: 3, value: '0', problem: /non-positive quantity/, skipKind: 'non-positive quantity' },
  { name: 'trade short row', kind: 'trades', body: `${GOOD_T}1000001\n`, line: 3, value: '1000001', problem: /short row/, skipKind: 'short row' },
  // A decimal comma: "1,5" in the quantity makes a fourth field; the row's values shifted.
  { name: 'trade long row', kind: 'trades', body: `${GOOD_T}1000001,1,2,5\n`, line: 3, value: '1000001,1,2,5', problem: /long row: expected 3 fields, found 4 \(a decimal comma/, skipKind: 'long row' },
  { name: 'long row', kind: 'quotes', body: `${GOOD_Q}1000001,61828,34,61828,35\n`, line: 3, value: '1000001,61828,34,61828,35', problem: /long row: expected 3 fields, found 5/, skipKind: 'long row' },
  // A second symbol in a symbol column: a file holds one market.
  { name: 'another symbol', kind: 'quotes', header: 'time,symbol,bid,ask\n', body: '1000000,BTCUSDT,1,2\n1000001,BTCUSD_PERP,1,2\n', line: 3, value: 'BTCUSD_PERP', problem: /another symbol in column symbol \(the rows before are "BTCUSDT"\): a file holds one market.*give each symbol its own file/, skipKind: 'another symbol' },
  // Other names for the instrument's column (formats.ts INSTRUMENT_NAMES): an instrument, a ticker.
  { name: 'another instrument', kind: 'quotes', header: 'time,instrument,bid,ask\n', body: '1000000,BTC-PERPETUAL,1,2\n1000001,ETH-PERPETUAL,1,2\n', line: 3, value: 'ETH-PERPETUAL', problem: /another symbol in column instrument \(the rows before are "BTC-PERPETUAL"\)/, skipKind: 'another symbol' },
  { name: 'another ticker', kind: 'trades', header: 'time,ticker,price,qty\n', body: '1000000,AAPL,1,2\n1000001,MSFT,1,2\n', line: 3, value: 'MSFT', problem: /another symbol in column ticker/, skipKind: 'another symbol' },
  { name: 'trade another symbol', kind: 'trades', header: 'time,price,qty,symbol\n', body: '1000000,1,2,ETHUSDT\n1000001,1,2,ETHUSDT\n1000002,1,2,BTCUSDT\n', line: 4, value: 'BTCUSDT', problem: /another symbol in column symbol \(the rows before are "ETHUSDT"\)/, skipKind: 'another symbol' },
  // The extra field not empty after an empty one, and with a CRLF line end.
  { name: 'long row after an empty extra field', kind: 'quotes', body: `${GOOD_Q}1000001,1,2,,x\r\n`, line: 3, value: '1000001,1,2,,x', problem: /long row: expected 3 fields, found 5/, skipKind: 'long row' },
  { name: 'time going backwards (trades)', kind: 'trades', body: `${GOOD_T}999999,1,2\n`, line: 3, value: '999999', problem: /time goes backwards/, skipKind: 'time going backwards', keptUs: 1000000e6 },
];

function read(kind: 'quotes' | 'trades', path: string, opts = STRICT): Promise<unknown> {
  return kind === 'quotes' ? readQuotes(path, opts) : readTrades(path, opts);
}

for (const c of CASES) {
  test(`strict mode: ${c.name} is a DataError naming file, line and value`, async () => {
    const path = tmpFile(`strict-${c.name.replace(/\W+/g, '-')}.csv`, (c.header ?? (c.kind === 'quotes' ? QH : TH)) + c.body);
    for (const parser of ['fast', 'csv'] as const) {
      const e = await rejection(read(c.kind, path, { ...STRICT, parser }));
      assert.ok(e instanceof DataError, `${parser}: ${e.message}`);
      assert.equal(e.file, path);
      assert.equal(e.line, c.line, parser);
      assert.equal(e.value, c.value, parser);
      assert.match(e.problem as string, c.problem, parser);
      assert.ok(e.message.startsWith(`${path}:${c.line}: `), e.message);
      if (c.value !== undefined) assert.ok(e.message.endsWith(`: ${JSON.stringify(c.value)}`), e.message);
    }
  });

  test(`skip mode: ${c.name} is skipped and counted with its line`, async () => {
    const path = tmpFile(`skip-${c.name.replace(/\W+/g, '-')}.csv`, (c.header ?? (c.kind === 'quotes' ? QH : TH)) + c.body);
    const r = (await read(c.kind, path, SKIP)) as { report: { skipped: unknown; rows: number; goodRows: number } };
    // A row going back in time is also behind the kept row before it (the previous line).
    const behind = c.keptUs !== undefined ? { behind: { line: c.line - 1, time: c.keptUs, rows: 1, pastPrevious: 0 } } : {};
    assert.deepEqual(r.report.skipped, [{ kind: c.skipKind, count: 1, firstLines: [c.line], ...behind }]);
    assert.equal(r.report.goodRows, r.report.rows - 1);
  });
}

test('empty extra fields (trailing delimiters) shift nothing and are read, on both parsers', async () => {
  // Lines 2 and 3 end in one and two empty fields beyond the header's three, line 4 in a CRLF.
  const path = tmpFile('trailing.csv', `${QH}1000000,1,2,\n1000001,1,4,,\n1000002,3,4,\r\n`);
  for (const parser of ['fast', 'csv'] as const) {
    const q = await readQuotes(path, { ...STRICT, parser });
    assert.deepEqual([...q.price], [1.5, 2.5, 3.5], parser);
  }
});

test('a locked quote (bid == ask) is fine', async () => {
  const q = await readQuotes(tmpFile('locked.csv', `${QH}1000000,2,2\n`));
  assert.deepEqual(q.price, [2]);
});

test('skip mode keeps the first 5 line numbers per kind and counts all, kinds in order of first appearance', async () => {
  let body = '1000000,1,2\n'; // line 2
  // lines 3..10: alternate non-numeric bid (odd lines) and crossed (even lines)
  for (let line = 3; line <= 10; line++) body += line % 2 ? `${1000000 + line},x,2\n` : `${1000000 + line},3,2\n`;
  body += '1000020,1,2\n'; // line 11
  const path = tmpFile('skip-many.csv', QH + body);
  const q = await readQuotes(path, SKIP);
  assert.deepEqual(q.report.skipped, [
    { kind: 'non-numeric bid', count: 4, firstLines: [3, 5, 7, 9] },
    { kind: 'crossed quote', count: 4, firstLines: [4, 6, 8, 10] },
  ]);
  const many = tmpFile('skip-seven.csv', QH + '1000000,1,2\n' + 'x,1,2\n'.repeat(7) + '1000001,1,2\n');
  const m = await readQuotes(many, SKIP);
  assert.deepEqual(m.report.skipped, [{ kind: 'unparsable time', count: 7, firstLines: [3, 4, 5, 6, 7] }]);
  assert.equal(m.report.rows, 9);
  assert.equal(m.report.goodRows, 2);
});

test('skip mode: a row earlier than the last kept row is skipped, later rows compare with the last kept one', async () => {
  // times: 10 (kept), 30 (kept), 20 (< 30: skipped), 25 (< 30: skipped), 30 (= 30: kept, same tick), 40 (kept)
  const path = tmpFile('skip-backwards.csv', `${QH}10,1,2\n30,1,2\n20,1,2\n25,1,2\n30,1,4\n40,1,2\n`);
  const q = await readQuotes(path, { ...SKIP, timeUnit: 'us' });
  assert.deepEqual(q.t, [10, 30, 40]);
  assert.deepEqual(q.ask, [2, 4, 2]);
  // Lines 4 and 5 both fell behind line 3 (time 30), one after the other.
  assert.deepEqual(q.report.skipped, [{ kind: 'time going backwards', count: 2, firstLines: [4, 5], behind: { line: 3, time: 30, rows: 2, pastPrevious: 0 } }]);
  assert.equal(q.report.goodRows, 4);
  assert.equal(q.report.records, 3);
});

test('skip mode: the longest run of rows behind one kept row names that row, and the warning says it may be the bad one', async () => {
  // times: 10, 50 (kept, ahead), 20, 25 (behind line 3), 60 (kept), 55 (behind line 6), 70, 61,
  // 62, 63 (61–63 behind line 8: the longest run, 3 rows), 80.
  const path = tmpFile('skip-behind.csv', `${QH}10,1,2
50,1,2
20,1,2
25,1,2
60,1,2
55,1,2
70,1,2
61,1,2
62,1,2
63,1,2
80,1,2
`);
  const q = await readQuotes(path, { ...SKIP, timeUnit: 'us' });
  assert.deepEqual(q.report.skipped, [{ kind: 'time going backwards', count: 6, firstLines: [4, 5, 7, 9, 10], behind: { line: 8, time: 70, rows: 3, pastPrevious: 0 } }]);
  const { ctx, stderr } = fakeContext();
  ctx.reportSkipped(q.report);
  // 3 of 6 is half: said. (Of 7 it would not be.)
  // Line 8's time, 70 µs, shown as a UTC time.
  assert.match(stderr(), /3 of the rows going back in time, one after another, are earlier than line 8 \(1970-01-01T00:00:00\.000070Z\), which was kept: if that line's time is wrong, remove it/);
  const { ctx: c2, stderr: e2 } = fakeContext();
  c2.reportSkipped({ ...q.report, skipped: [{ ...q.report.skipped[0]!, count: 7 }] });
  assert.doesNotMatch(e2(), /one after another/);
});

test('skip mode: rows that go back past the kept row before the last too are a block out of order, and that last row is not blamed', async () => {
  // times: 10, 20, 30, 40 (lines 2–5), then 15, 25, 35 again (a repeated stretch, lines 6–8),
  // then 50. All three fall behind line 5 (40), and two of them (15, 25) also behind line 4 (30):
  // line 5 is not the one out of place, and removing it would only put the blame on line 4.
  const block = tmpFile('skip-block.csv', QH + [10, 20, 30, 40, 15, 25, 35, 50].map((t) => `${t},1,2\n`).join(''));
  const q = await readQuotes(block, { ...SKIP, timeUnit: 'us' });
  assert.deepEqual(q.report.skipped, [{ kind: 'time going backwards', count: 3, firstLines: [6, 7, 8], behind: { line: 5, time: 40, rows: 3, pastPrevious: 2 } }]);
  const { ctx, stderr } = fakeContext();
  ctx.reportSkipped(q.report);
  assert.doesNotMatch(stderr(), /one after another/);
  // One time far ahead (line 4: 90) with the rows after it in order from line 3's 30 on: blamed.
  const ahead = tmpFile('skip-ahead.csv', QH + [10, 30, 90, 40, 50, 60].map((t) => `${t},1,2\n`).join(''));
  const a = await readQuotes(ahead, { ...SKIP, timeUnit: 'us' });
  assert.deepEqual(a.report.skipped[0]!.behind, { line: 4, time: 90, rows: 3, pastPrevious: 0 });
  const { ctx: c2, stderr: e2 } = fakeContext();
  c2.reportSkipped(a.report);
  assert.match(e2(), /3 of the rows going back in time, one after another, are earlier than line 4/);
});

test('the likely bad line on both paths (µs numbers in bulk, ISO times row by row): a burst at one bad time is still named; a block gone back is not', async () => {
  const iso = (s: number) => new Date(Date.UTC(2024, 7, 8, 12, 0, s)).toISOString();
  const us = (s: number) => String(1723118400_000000 + s * 1_000_000);
  for (const [form, t] of [['µs', us], ['ISO', iso]] as const) {
    // Lines 2–4 at 10, 20, 30 s, then lines 5–6 both at 90 s (one packet's time typed ahead),
    // then 40, 50, 60 s (lines 7–9) behind them: the kept row before 90 is 30 (not 90 itself), and
    // the three lie after it: line 6 is named.
    const burst = tmpFile(`burst-${form}.csv`, `${QH}${[10, 20, 30, 90, 90, 40, 50, 60].map((s) => `${t(s)},1,2`).join('\n')}\n`);
    const b = await readQuotes(burst, SKIP);
    assert.deepEqual(b.report.skipped[0]!.behind, { line: 6, time: 1723118400_000000 + 90_000_000, rows: 3, pastPrevious: 0 }, form);
    // Lines 2–5 at 10, 20, 30, 40 s, then 15, 25, 35 again: all behind line 5, two behind line 4 too.
    const block = tmpFile(`block-${form}.csv`, `${QH}${[10, 20, 30, 40, 15, 25, 35, 50].map((s) => `${t(s)},1,2`).join('\n')}\n`);
    const k = await readQuotes(block, SKIP);
    assert.deepEqual(k.report.skipped[0]!.behind, { line: 5, time: 1723118400_000000 + 40_000_000, rows: 3, pastPrevious: 2 }, form);
  }
});

test('bursts: rows with the same time are one tick, the last row wins, also across batch boundaries (batchRows 2)', async () => {
  // Line times (µs): 1,1,1 | 2 | 3,3 | 4,4,4,4 | 5 ; the kept row of each time has ask = 10·t + (its index in the burst).
  const rows: string[] = [];
  const burst = (t: number, n: number): void => {
    for (let i = 0; i < n; i++) rows.push(`${t},1,${10 * t + i}`);
  };
  burst(1, 3);
  burst(2, 1);
  burst(3, 2);
  burst(4, 4);
  burst(5, 1);
  const path = tmpFile('bursts.csv', QH + rows.join('\n') + '\n');
  for (const chunkBytes of [1, 5, 1 << 20]) {
    const q = await readQuotes(path, { ...STRICT, timeUnit: 'us', batchRows: 2, chunkBytes });
    assert.deepEqual(q.t, [1, 2, 3, 4, 5]);
    assert.deepEqual(q.ask, [12, 20, 31, 43, 50]);
    assert.deepEqual(q.lengths, [2, 2, 1]);
    assert.equal(q.report.goodRows, 11);
    assert.equal(q.report.records, 5);
  }
});

test('trades are never collapsed: equal times stay separate rows', async () => {
  const path = tmpFile('trades-equal.csv', `${TH}5,1,1\n5,1,2\n5,1,3\n6,1,4\n`);
  const tr = await readTrades(path, { ...STRICT, timeUnit: 'us', batchRows: 2 });
  assert.deepEqual(tr.t, [5, 5, 5, 6]);
  assert.deepEqual(tr.qty, [1, 2, 3, 4]);
  assert.deepEqual(tr.lengths, [2, 2]);
});

test('sort: rows are stably sorted by time before burst collapse (file order wins ties)', async () => {
  // (t, ask) in file order: (3,30) (1,10) (3,31) (2,20) (1,11) → sorted stable: (1,10) (1,11) (2,20) (3,30) (3,31)
  // → collapsed: 1→11, 2→20, 3→31.
  const path = tmpFile('sort.csv', `${QH}3,1,30\n1,1,10\n3,1,31\n2,1,20\n1,1,11\n`);
  const q = await readQuotes(path, { ...STRICT, timeUnit: 'us', sort: true, batchRows: 2 });
  assert.deepEqual(q.t, [1, 2, 3]);
  assert.deepEqual(q.ask, [11, 20, 31]);
  const tr = await readTrades(tmpFile('sort-trades.csv', `${TH}3,1,1\n1,1,2\n3,1,3\n1,1,4\n`), { ...STRICT, timeUnit: 'us', sort: true });
  assert.deepEqual(tr.t, [1, 1, 3, 3]);
  assert.deepEqual(tr.qty, [2, 4, 1, 3]);
  // Sorting and skipping combine: bad rows are skipped, the rest sorted.
  const mixed = tmpFile('sort-skip.csv', `${QH}3,1,30\nx,1,1\n1,1,10\n`);
  const m = await readQuotes(mixed, { ...SKIP, timeUnit: 'us', sort: true });
  assert.deepEqual(m.t, [1, 3]);
  assert.deepEqual(m.report.skipped, [{ kind: 'unparsable time', count: 1, firstLines: [3] }]);
});

test('an empty file, a blank-only file and a header-only file are "no rows" data errors', async () => {
  for (const [name, content] of [['empty.csv', ''], ['blank.csv', '\n\r\n\n'], ['header-only.csv', QH], ['bom-only.csv', '\uFEFF']]) {
    for (const parser of ['fast', 'csv'] as const) {
      const e = await rejection(readQuotes(tmpFile(name!, content!), { ...STRICT, parser }));
      assert.ok(e instanceof DataError, `${name} ${parser}`);
      assert.match(e.message, /no rows/, name);
    }
  }
});

test('skip mode with every row skipped is a "no usable rows" data error with the counts', async () => {
  const e = await rejection(readQuotes(tmpFile('all-bad.csv', `${QH}x,1,2\n1,0,2\n`), SKIP));
  assert.ok(e instanceof DataError);
  assert.match(e.message, /no usable rows: all 2 data rows were skipped \(1 unparsable time \(line 2\), 1 non-positive bid \(line 3\)\)/);
});

test('a missing file, a directory and a corrupt or truncated gzip are OpenErrors, raised on the first next()', async () => {
  const missing = join(dirname(tmpFile('anchor.csv', '')), 'does-not-exist.csv');
  const src = openQuotes(missing, STRICT); // opening is lazy: no throw here
  const e = await rejection(src[Symbol.asyncIterator]().next());
  assert.ok(e instanceof OpenError);
  assert.match(e.message, /does-not-exist\.csv: no such file/);
  const dir = join(dirname(missing), 'a-directory');
  mkdirSync(dir, { recursive: true });
  const d = await rejection(readQuotes(dir));
  assert.ok(d instanceof OpenError);
  assert.match(d.message, /is a directory/);
  const corrupt = tmpFile('corrupt.csv.gz', Buffer.alloc(0));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(corrupt, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  const c = await rejection(readQuotes(corrupt));
  assert.ok(c instanceof OpenError, c.message);
  assert.match(c.message, /corrupt gzip/);
  const notGzip = tmpFile('plain-named.csv.gz', Buffer.alloc(0));
  writeFileSync(notGzip, 'time,bid,ask\n1,1,2\n');
  const ng = await rejection(readQuotes(notGzip));
  assert.ok(ng instanceof OpenError);
  // Said as a plain file under a .gz name, not as corrupt gzip data (zlib's "incorrect header check").
  assert.match(ng.message, /plain-named\.csv\.gz: the file is named \.gz but does not hold gzip data \(it begins as text: "time"…\); if it is plain text, give it a name without \.gz$/);
  const whole = gzipSync(Buffer.from(QH + '1000000,1,2\n'.repeat(1000)));
  const truncated = tmpFile('truncated.csv', Buffer.alloc(0));
  writeFileSync(truncated, whole.subarray(0, whole.length - 20));
  const t = await rejection(readQuotes(truncated));
  assert.ok(t instanceof OpenError, t.message);
  assert.match(t.message, /corrupt gzip/);
});

test('permission denied is an OpenError', { skip: process.getuid?.() === 0 ? 'running as root: permissions are not enforced' : false }, async () => {
  const path = tmpFile('no-permission.csv', QH + '1,1,2\n');
  chmodSync(path, 0o000);
  const e = await rejection(readQuotes(path));
  assert.ok(e instanceof OpenError);
  assert.match(e.message, /permission denied/);
});

test('malformed quoting is a data error at the record start line in both parsers', async () => {
  for (const [body, line, re] of [
    ['1000000,1,2\n1000001,1,x"y\n', 3, /a quote inside an unquoted field/],
    ['1000000,1,2\n1000001,1,"2"x\n', 3, /text after a closing quote/],
    ['1000000,1,2\n\n1000001,1,"2\n1000002,1,2\n', 4, /a quote is never closed/],
  ] as const) {
    const path = tmpFile('bad-quotes.csv', QH + body);
    for (const parser of ['fast', 'csv'] as const) {
      const e = await rejection(readQuotes(path, { ...STRICT, parser }));
      assert.ok(e instanceof DataError, `${parser}: ${e.message}`);
      assert.equal(e.line, line, `${parser}: ${e.message}`);
      assert.match(e.message, re);
    }
  }
});

test('an unclosed quote early in a large file is reported at its line by both parsers (without holding the file)', async () => {
  const rows = Array.from({ length: 70000 }, (_, i) => `${2000000 + i},1,2`).join('\n');
  const path = tmpFile('unclosed-big.csv', `${QH}1000000,1,2\n1000001,"1,2\n${rows}\n`);
  for (const parser of ['fast', 'csv'] as const) {
    const e = await rejection(readQuotes(path, { ...STRICT, parser }));
    assert.ok(e instanceof DataError, e.message);
    assert.equal(e.line, 3);
    assert.match(e.message, /a quote is never closed/);
  }
});

test('progress is reported with bytes and rows, not per row', async () => {
  const path = tmpFile('progress.csv', QH + Array.from({ length: 20000 }, (_, i) => `${1000000 + i},1,2`).join('\n'));
  const calls: Array<{ bytesRead: number; rows: number; bytesTotal: number | undefined }> = [];
  await readQuotes(path, { ...STRICT, chunkBytes: 1000, onProgress: (p) => calls.push(p) });
  assert.ok(calls.length >= 1 && calls.length < 50, `${calls.length} calls`);
  const last = calls[calls.length - 1]!;
  assert.equal(last.rows, 20000);
  assert.equal(last.bytesRead, last.bytesTotal);
});

test('scanRows hands on raw rows before any rule (for inspect): NaN values, empty flags, short rows, line numbers', async () => {
  const { scanRows } = await import('../src/io/reader.js');
  const path = tmpFile(
    'raw.csv',
    'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\n' +
      'b,S,20,21,1,101,100,1\n' +
      'b,S,10,11,1,99,100,1\n' + // backwards and crossed: still handed on
      '\n' +
      'b,S,10,11,1,,100,1\n' + // one-sided (line 5)
      'b,S,x,11,1,101,100\n', // unparsable time and short (line 6)
  );
  const seen: Array<[number, number, number, number, number, boolean]> = [];
  const gen = scanRows(path, 'quotes', { clock: 'exchange' }, () => ({
    row: (r) => seen.push([r.line, r.t, r.bid, r.ask, r.empty, r.short]),
  }));
  let step = await gen.next();
  while (!step.done) step = await gen.next();
  assert.equal(step.value.plan.format, 'tardis-quotes');
  assert.equal(step.value.rows, 4);
  const ASK_EMPTY = 1 << 2; // ROLE_ASK = 2
  assert.deepEqual(seen, [
    [2, 20, 100, 101, 0, false],
    [3, 10, 100, 99, 0, false],
    [5, 10, 100, NaN, ASK_EMPTY, false],
    [6, NaN, 100, 101, 0, true],
  ]);
});

test('an early break closes the input file (in-thread, plain and gzip)', { skip: existsSync('/proc/self/fd') ? false : 'no /proc' }, async () => {
  const body = Array.from({ length: 5000 }, (_, i) => `${1000000 + i},1,2`).join('\n');
  const openFds = (path: string): number =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === path;
      } catch {
        return false;
      }
    }).length;
  for (const name of ['early.csv', 'early.csv.gz']) {
    const path = tmpFile(name, QH + body);
    const opts: InternalReadOptions = { ...STRICT, batchRows: 10, chunkBytes: 4096 };
    const src = openQuotes(path, opts);
    for await (const b of src) {
      assert.equal(b.length, 10);
      // (a small gzip file may already have been read whole and closed by its stream)
      if (!name.endsWith('.gz')) assert.equal(openFds(path), 1, `${name} open while reading`);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(openFds(path), 0, `${name} closed after break`);
  }
});

test('quiet spells: more than a minute between handed-on ticks, found alike by every path of the reader', async () => {
  // Worked by hand, in seconds after T0: ticks 0…9; a bad row at 40 (skipped, so no tick); a
  // burst of two rows at 70 (one tick); 71…80; 140 (exactly 60 s after 80: not more than a
  // minute); 141…150; 210 s + 1 µs (60.000001 s after 150); 211…215. Two spells: 9 → 70 and
  // 150 → 210.000001.
  const T0 = 1723118400000000;
  const S = 1_000_000;
  const times = [...range(0, 9), 70, 70, ...range(71, 80), 140, ...range(141, 150)].map((s) => T0 + s * S);
  times.push(T0 + 210 * S + 1, ...range(211, 215).map((s) => T0 + s * S));
  const rows = times.map((t, i) => `${t},${(100 + (i % 3) / 100).toFixed(2)},${(100.05 + (i % 5) / 100).toFixed(2)}`);
  rows.splice(10, 0, `${T0 + 40 * S},x,100.05`);
  const path = tmpFile('quiet.csv', QH + rows.join('\n') + '\n');
  const want = { count: 2, spells: [{ from: T0 + 9 * S, to: T0 + 70 * S }, { from: T0 + 150 * S, to: T0 + 210 * S + 1 }] };
  const paths: [string, Partial<InternalReadOptions>][] = [
    ['the line kernel', { kernel: true, chunkBytes: 1 << 18 }],
    ['the JavaScript loop', { kernel: false }],
    ['csv-parse', { parser: 'csv' }],
    ['--sort', { sort: true }],
    ['a worker thread', { worker: true }],
  ];
  for (const [name, o] of paths) {
    const { report } = await readQuotes(path, { ...SKIP, ...o });
    assert.deepEqual(report.quiet, want, name);
    assert.equal(report.records, times.length - 1, `${name}: the burst is one tick`);
  }
  // A read that stops at `until` (100 s) has met the first spell only.
  const { report } = await readQuotes(path, { ...SKIP, until: T0 + 100 * S } as InternalReadOptions);
  assert.deepEqual(report.quiet, { count: 1, spells: want.spells.slice(0, 1) });
});

test('quiet spells: a file lists its last 1 000 (those nearest the range) and counts the rest', async () => {
  // Row i at i × 61 s: spell i runs from row i to row i + 1. 1 003 rows give 1 002 spells, of
  // which the last 1 000 are spells 2 … 1 001; 2 503 rows give 2 502, past the point where the
  // log cuts itself back (2 000 kept), and the last 1 000 are spells 1 502 … 2 501.
  const T0 = 1723118400000000;
  const step = 61_000_000;
  for (const [rows, first] of [[1003, 2], [2503, 1502]] as const) {
    const text = QH + Array.from({ length: rows }, (_, i) => `${T0 + i * step},100.00,100.02`).join('\n') + '\n';
    const { report } = await readQuotes(tmpFile(`quiet-many-${rows}.csv`, text), STRICT);
    const spells = report.quiet!.spells;
    assert.equal(report.quiet!.count, rows - 1);
    assert.equal(spells.length, 1000);
    assert.deepEqual([spells[0], spells[999]], [{ from: T0 + first * step, to: T0 + (first + 1) * step }, { from: T0 + (rows - 2) * step, to: T0 + (rows - 1) * step }]);
  }
});

test('quiet spells: a trades file carries none (trades are often quiet for a minute)', async () => {
  const T0 = 1723118400000000;
  const { report } = await readTrades(tmpFile('quiet-trades.csv', `${TH}${T0},100.00,1\n${T0 + 90_000_000},100.00,1\n`), STRICT);
  assert.equal(report.quiet, undefined);
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

test('unread sides: a side value no reader knows is counted, with the first one\'s line and value; unknown and empty are no side, not unread', async () => {
  // Rows 2…8 (line 1 is the header): buy, SELL, unknown, empty, b, XX, sell. Lines 6 and 7 hold
  // values no side word is: two unread, the first "b" on line 6. The trade at line 5 has no side.
  const T0 = 1723118400000000;
  const sides = ['buy', 'SELL', 'unknown', '', 'b', 'XX', 'sell'];
  const text = 'time,price,qty,side\n' + sides.map((side, i) => `${T0 + i * 1000},100.00,1,${side}`).join('\n') + '\n';
  const path = tmpFile('sides.csv', text);
  for (const o of [{}, { sort: true }, { parser: 'csv' as const }]) {
    const tr = await readTrades(path, { ...STRICT, ...o });
    assert.deepEqual(tr.side, [1, -1, 0, 0, 0, 0, -1], JSON.stringify(o));
    assert.deepEqual(tr.report.unreadSides, { count: 2, file: path, line: 6, value: 'b', mode: 'text' }, JSON.stringify(o));
  }
  // A file whose sides are all read carries none.
  const clean = await readTrades(tmpFile('sides-clean.csv', 'time,price,qty,side\n' + `${T0},100.00,1,buy\n${T0 + 1},100.00,1,unknown\n`), STRICT);
  assert.equal(clean.report.unreadSides, undefined);
  // A maker-flag column (Binance's is_buyer_maker) reads true/false only: sell (line 3) and 1 are
  // unread there, and its mode says so; true → seller aggressor (−1), false → +1.
  const maker = 'id,price,qty,quote_qty,time,is_buyer_maker\n' + ['true', 'sell', 'False', '1', ''].map((f, i) => `${i + 1},100.00,1,100,${1723118400000 + i},${f}`).join('\n') + '\n';
  const mk = await readTrades(tmpFile('sides-maker.csv', maker), STRICT);
  assert.deepEqual(mk.side, [-1, 0, 1, 0, 0]);
  assert.deepEqual(mk.report.unreadSides, { count: 2, file: mk.report.file, line: 3, value: 'sell', mode: 'maker' });
});

test('the instrument column checked is the most preferred the header has: symbol over ticker; a numeric instrument_id is not one', async () => {
  // A continuous contract (Databento's ES.c.0) keeps its symbol while its instrument_id changes
  // at the roll: one market, read whole.
  const roll = tmpFile('roll.csv', 'time,instrument_id,symbol,bid,ask\n1000000,1,ES.c.0,1,2\n1000001,2,ES.c.0,1,2\n');
  assert.equal((await readQuotes(roll)).t.length, 2);
  // A ticker column before the symbol column: symbol is the one compared (its second value is the bad row).
  const both = tmpFile('ticker-symbol.csv', 'time,ticker,symbol,bid,ask\n1000000,X,BTCUSDT,1,2\n1000001,Y,ETHUSDT,1,2\n');
  const e = await rejection(readQuotes(both));
  assert.ok(e instanceof DataError && /another symbol in column symbol/.test(e.message), String(e));
});

test('skip mode: rows of another symbol that outnumber the first symbol\'s kept rows refuse the read (a stray first row)', async () => {
  // Line 2 names ETHUSDT, lines 3–5 BTCUSDT: the first row's symbol keeps 1 row against 3
  // skipped, so the table would describe one stray row of the file.
  const stray = tmpFile('stray-first-symbol.csv', 'time,symbol,bid,ask\n1000000,ETHUSDT,1,2\n1000001,BTCUSDT,1,2\n1000002,BTCUSDT,1,2\n1000003,BTCUSDT,1,2\n');
  for (const parser of ['fast', 'csv'] as const) {
    const e = await rejection(readQuotes(stray, { ...SKIP, parser }));
    assert.ok(e instanceof DataError, `${parser}: ${e.message}`);
    assert.match(e.message, /kept 1 row of the first row's symbol "ETHUSDT" and skipped 3 rows of another symbol \(from line 3\)/, parser);
  }
  // A tie (2 kept, 2 skipped) is still read: the first symbol is not outnumbered.
  const tie = tmpFile('tie-symbol.csv', 'time,symbol,bid,ask\n1000000,BTCUSDT,1,2\n1000001,ETHUSDT,1,2\n1000002,BTCUSDT,1,2\n1000003,ETHUSDT,1,2\n');
  const q = await readQuotes(tie, SKIP);
  assert.deepEqual(q.report.skipped, [{ kind: 'another symbol', count: 2, firstLines: [3, 5] }]);
});

test('a step back of about an hour is said to look like a clock change, with UTC advice instead of --sort; --sort reports how far back it moved a row', async () => {
  // Local wall-clock times across the autumn change: 02:59:58 then 02:00:01 (59 min 57 s back).
  const hour = tmpFile('clock-change.csv', `${QH}2024-10-27 02:59:58,1,2\n2024-10-27 02:00:01,1,2\n2024-10-27 02:00:03,1,2\n`);
  const e = await rejection(readQuotes(hour));
  assert.ok(e instanceof DataError && e.line === 3, String(e));
  assert.match(e.message, /time goes backwards: .*; a step back of about an hour \(or half an hour\) in times without a zone: if the clocks went back there \(local time\), write the times in UTC or with their offset .*; if line 2's time is wrong, remove it/);
  assert.doesNotMatch(e.message, /use --sort/);
  // The same step in times with a zone, or since the epoch, is no clock change: the usual advice.
  const utc = tmpFile('hour-utc.csv', `${QH}2024-10-27T02:59:58Z,1,2\n2024-10-27T02:00:01Z,1,2\n`);
  assert.match((await rejection(readQuotes(utc))).message, /rows must be in time order \(use --sort to sort them\)/);
  const epoch = tmpFile('hour-epoch.csv', `${QH}1729997998000000,1,2\n1729994401000000,1,2\n`);
  assert.match((await rejection(readQuotes(epoch, { ...STRICT, timeUnit: 'us' }))).message, /rows must be in time order \(use --sort to sort them\)/);
  // Five seconds back: disorder, for which --sort is the advice.
  const jitter = tmpFile('jitter.csv', `${QH}2024-10-27 02:59:58,1,2\n2024-10-27 02:59:53,1,2\n`);
  assert.match((await rejection(readQuotes(jitter))).message, /rows must be in time order \(use --sort to sort them\)/);
  // Under --sort: the farthest row behind the latest before it, 3597 s (line 3, behind line 2), with its file.
  const sorted = await readQuotes(hour, { ...STRICT, sort: true });
  assert.deepEqual(sorted.report.sortedBack, { us: 3_597_000_000, line: 3, behind: 2, file: hour });
  assert.equal((await readQuotes(tmpFile('in-order.csv', `${QH}1000000,1,2\n1000001,1,2\n`), { ...STRICT, sort: true })).report.sortedBack, undefined);
});

test('a mid that doubles or halves between two ticks is counted with the first one\'s time and mids, on both parsing paths; steps short of 2× are not', async () => {
  const us = (s: number) => String(1723118400_000000 + s * 1_000_000);
  const iso = (s: number) => new Date(Date.UTC(2024, 7, 8, 12, 0, s)).toISOString();
  for (const [form, t] of [['µs', us], ['ISO', iso]] as const) {
    // Ticks 0–1 at 100/102 (mid 101), ticks 2–3 in cents (mid 10100), tick 4 back (mid 101):
    // two steps of ×100, the first at tick 2's time. A step of 1.9× (tick 5, mid 191.9) is none.
    const rows = [[100, 102], [100, 102], [10000, 10200], [10000, 10200], [100, 102], [190.9, 192.9]];
    const path = tmpFile(`scale-${form}.csv`, QH + rows.map(([b, a], i) => `${t(i)},${b},${a}\n`).join(''));
    const q = await readQuotes(path);
    assert.deepEqual(q.report.scaleBreaks, { count: 2, time: 1723118402_000000, from: 101, to: 10100, file: path }, form);
  }
  const { ctx, stderr } = fakeContext();
  ctx.reportSkipped({ ...(await readQuotes(tmpFile('scale-note.csv', `${QH}1723118400000000,100,102\n1723118400000001,10000,10200\n`))).report });
  assert.match(stderr(), /scale-note\.csv: the mid steps from 101 to 10100 at 2024-08-08T12:00:00\.000001Z: a change of units \(prices in cents\), rows of another instrument, or a stub quote\?/);
  assert.equal((await readQuotes(tmpFile('scale-none.csv', `${QH}1000000,100,102\n1000001,150,152\n`))).report.scaleBreaks, undefined);
  // 33 000 ticks, in cents from tick 16 384 on: the step lies on the boundary between the first
  // batch of 16 384 ticks and the second, which the watch bridges with the last price it saw.
  const rows = Array.from({ length: 33_000 }, (_, i) => {
    const m = i >= 16_384 ? 100 : 1;
    return `${1723118400_000000 + i * 1000},${(100 * m).toFixed(2)},${(102 * m).toFixed(2)}\n`;
  });
  const big = tmpFile('scale-big.csv', QH + rows.join(''));
  const q = await readQuotes(big, { ...STRICT, batchRows: 16_384 } as typeof STRICT);
  assert.deepEqual(q.report.scaleBreaks, { count: 1, time: 1723118400_000000 + 16_384 * 1000, from: 101, to: 10100, file: big });
});
