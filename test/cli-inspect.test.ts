/**
 * End-to-end: `leadlag inspect` command lines — format detection and row counts on every
 * fixture, statistics against a by-the-book reference computed here from the file's text,
 * every counted row problem on hand-made files, stdin (replayed when it is trades), machine
 * formats, and files that cannot be inspected (the others are still reported). They run in
 * this process (leadlagInProcess); standard input needs the built CLI.
 */
import { test } from 'node:test';
import { type7 as type7Ref } from './reference.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { FIXTURES, leadlag, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';
import { Rewindable } from '../src/io/replay.js';

type Json = Record<string, unknown>;

const fx = (layout: string, name: string) => join(FIXTURES, layout, name);

async function inspectJson(args: string[], input?: string | Buffer): Promise<Json[]> {
  // Standard input needs the built CLI; files are inspected in this process.
  const r = input === undefined ? await leadlagInProcess(['inspect', ...args, '--format', 'json']) : await leadlag(['inspect', ...args, '--format', 'json'], { input });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  return JSON.parse(r.stdout) as Json[];
}

/** The file's text (gunzipped for .gz). */
function text(path: string): string {
  const raw = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
}

/** Data rows of a CSV with a header: its non-empty lines minus one. */
function dataRows(path: string): number {
  return text(path).split('\n').filter((l) => l !== '').length - 1;
}

/** A column of a plain CSV (no quotes) by header name. */
function column(path: string, name: string): string[] {
  const [head, ...lines] = text(path).split('\n').filter((l) => l !== '');
  const i = head!.split(',').indexOf(name);
  assert.ok(i >= 0, `${path} has no column ${name}`);
  return lines.map((l) => l.split(',')[i]!);
}

/** Type 7 by the book (test/reference.ts); null for no values, as the JSON prints it. */
function type7(sorted: number[], q: number): number | null {
  return sorted.length === 0 ? null : type7Ref(sorted, q);
}

/**
 * The statistics by the book, from all rows' times and prices (every row usable): a row
 * earlier than a row before it is out of order and left out; equal times collapse to one
 * tick whose price is the last row's; gaps are between consecutive ticks.
 */
function reference(times: number[], prices: number[]): Json {
  const ticks: Array<[number, number]> = [];
  let outOfOrder = 0;
  let latest = -Infinity;
  let kept = 0;
  times.forEach((t, i) => {
    if (t < latest) return void outOfOrder++;
    latest = t;
    kept++;
    if (ticks.length > 0 && ticks[ticks.length - 1]![0] === t) ticks[ticks.length - 1]![1] = prices[i]!;
    else ticks.push([t, prices[i]!]);
  });
  const gaps = ticks.slice(1).map(([t], i) => [t - ticks[i]![0], ticks[i]![0]] as const);
  const sorted = gaps.map((g) => g[0]).sort((a, b) => a - b);
  const longest = gaps.reduce<readonly [number, number] | null>((best, g) => (best === null || g[0] > best[0] ? g : best), null);
  return {
    usable_rows: kept,
    out_of_order_rows: outOfOrder,
    ticks: ticks.length,
    same_time_rows: kept - ticks.length,
    first_time_us: ticks[0]![0],
    last_time_us: ticks[ticks.length - 1]![0],
    duration_us: ticks[ticks.length - 1]![0] - ticks[0]![0],
    gaps: gaps.length,
    gap_median_us: type7(sorted, 0.5),
    gap_p99_us: type7(sorted, 0.99),
    gaps_over_50ms: sorted.filter((g) => g > 50_000).length,
    gaps_over_1s: sorted.filter((g) => g > 1_000_000).length,
    longest_gap_us: longest?.[0] ?? null,
    longest_gap_start_us: longest?.[1] ?? null,
    price_min: Math.min(...ticks.map((t) => t[1])),
    price_max: Math.max(...ticks.map((t) => t[1])),
  };
}

function pick(o: Json, keys: string[]): Json {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}

const FIXTURE_FILES: ReadonlyArray<readonly [layout: string, name: string, format: string, kind: string]> = [
  ['tardis', 'spot_quotes.csv', 'tardis-quotes', 'quotes'],
  ['tardis', 'perp_quotes.csv', 'tardis-quotes', 'quotes'],
  ['tardis', 'spot_trades.csv', 'tardis-trades', 'trades'],
  ['exchange', 'spot_quotes.csv', 'exchange-quotes', 'quotes'],
  ['exchange', 'perp_quotes.csv', 'exchange-quotes', 'quotes'],
  ['exchange', 'spot_trades.csv', 'exchange-trades', 'trades'],
  ['generic', 'spot_quotes.csv', 'generic-quotes', 'quotes'],
  ['generic', 'perp_quotes.csv.gz', 'generic-quotes', 'quotes'],
  ['binance', 'spot_quotes.csv', 'binance-bookticker', 'quotes'],
  ['binance', 'perp_quotes.csv', 'binance-bookticker', 'quotes'],
  ['binance', 'spot_trades.csv', 'binance-trades', 'trades'],
];

test('inspect detects the format of every fixture and counts its rows (lines − 1), all usable', async () => {
  const paths = FIXTURE_FILES.map(([layout, name]) => fx(layout, name));
  const out = await inspectJson(paths);
  assert.equal(out.length, paths.length);
  FIXTURE_FILES.forEach(([, , format, kind], i) => {
    const rows = dataRows(paths[i]!);
    const o = out[i]!;
    assert.equal(o.file, paths[i]);
    assert.equal(o.format, format, paths[i]);
    assert.equal(o.kind, kind, paths[i]);
    assert.equal(o.rows, rows, paths[i]);
    // The fixtures are clean: never crossed, never backwards, no bad values.
    assert.equal(o.usable_rows, rows, paths[i]);
    assert.deepEqual(o.problems, {}, paths[i]);
    assert.equal(o.out_of_order_rows, 0);
    assert.equal(o.unparsable_rows, 0);
    assert.equal(o.non_positive_rows, 0);
    assert.equal(o.crossed_rows, kind === 'quotes' ? 0 : null);
  });
});

test('inspect: time column and unit of each layout', async () => {
  const out = await inspectJson([fx('tardis', 'spot_quotes.csv'), fx('exchange', 'spot_quotes.csv'), fx('generic', 'spot_quotes.csv'), fx('binance', 'spot_quotes.csv'), fx('binance', 'spot_trades.csv')]);
  assert.deepEqual(
    out.map((o) => [o.time_column, o.time_unit]),
    [['timestamp', 'us'], ['time', 'iso'], ['ts_us', 'us'], ['transaction_time', 'ms'], ['time', 'ms']],
  );
});

test('inspect on Tardis quotes and trades matches the statistics computed by the book from the file', async () => {
  const quotes = fx('tardis', 'spot_quotes.csv');
  const trades = fx('tardis', 'spot_trades.csv');
  const [q, t] = await inspectJson([quotes, trades]);
  const bid = column(quotes, 'bid_price').map(Number);
  const ask = column(quotes, 'ask_price').map(Number);
  const qRef = reference(column(quotes, 'timestamp').map(Number), bid.map((b, i) => (b + ask[i]!) / 2));
  assert.deepEqual(pick(q!, Object.keys(qRef)), qRef);
  assert.equal(q!.first_time, '2024-08-08T12:00:00.000644Z'); // first row's timestamp 1723118400000644
  // The fixtures have bursts: several rows per timestamp.
  assert.ok((q!.same_time_rows as number) > 0);
  const tRef = reference(column(trades, 'timestamp').map(Number), column(trades, 'price').map(Number));
  assert.deepEqual(pick(t!, Object.keys(tRef)), tRef);
});

test('inspect --clock local reads local_timestamp, which in the fixture goes back in time at places', async () => {
  const quotes = fx('tardis', 'perp_quotes.csv');
  const [q] = await inspectJson([quotes, '--clock', 'local']);
  const bid = column(quotes, 'bid_price').map(Number);
  const ask = column(quotes, 'ask_price').map(Number);
  const ref = reference(column(quotes, 'local_timestamp').map(Number), bid.map((b, i) => (b + ask[i]!) / 2));
  assert.equal(q!.time_column, 'local_timestamp');
  assert.deepEqual(pick(q!, Object.keys(ref)), ref);
  const backwards = (q!.problems as Record<string, { count: number }>).time_going_backwards?.count ?? 0;
  assert.equal(backwards, ref.out_of_order_rows);
});

test('inspect --clock local on a file with one clock warns, as the analyses do; with a receipt clock it does not', async () => {
  const one = await leadlagInProcess(['inspect', fx('exchange', 'spot_quotes.csv'), '--clock', 'local', '--format', 'json']);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stderr, /warning: --clock local has no effect on .*exchange\/spot_quotes\.csv: it has no receipt clock .*times come from 'time'\)/);
  const two = await leadlagInProcess(['inspect', fx('tardis', 'spot_quotes.csv'), '--clock', 'local', '--format', 'json']);
  assert.equal(two.stderr, '');
});

test('inspect: the same ticks in the Tardis, exchange and generic (.gz) layouts give the same statistics', async () => {
  // Only the Tardis layout carries a second clock, so its clock facts are layout facts too;
  // each layout names its price columns its own way.
  const layoutOnly = ['file', 'format', 'time_column', 'time_unit', 'price_column', 'bid_column', 'ask_column', 'quantity_column', 'side_column', 'delimiter', 'clock', 'second_clock', 'clock_rows', 'equal_stamps_share', 'negative_latency_share', 'latency_median_us', 'latency_p1_us', 'latency_p99_us', 'latency_max_us', 'exchange_clock_out_of_order_rows', 'receipt_clock_out_of_order_rows', 'clock_warnings'];
  const strip = (o: Json) => Object.fromEntries(Object.entries(o).filter(([k]) => !layoutOnly.includes(k)));
  const [tardis, exchange, generic] = await inspectJson([fx('tardis', 'perp_quotes.csv'), fx('exchange', 'perp_quotes.csv'), fx('generic', 'perp_quotes.csv.gz')]);
  assert.deepEqual(strip(exchange!), strip(tardis!));
  assert.deepEqual(strip(generic!), strip(tardis!));
});

/*
 * Quotes with every problem (generic layout, times in µs from the column name):
 *   line 2   1000,100,101      usable, tick 1000
 *   line 3   1000,100,102      usable, same time as line 2 (burst); the tick's mid is 101
 *   line 4   2000,100,100      usable and locked (bid = ask), mid 100
 *   line 5   3000,102,101      crossed (bid > ask)
 *   line 6   4000,,101         one-sided (empty bid)
 *   line 7   5000,abc,101      non-numeric bid (unparsable)
 *   line 8   bad,100,101       unparsable time
 *   line 9   6000,100          short row (unparsable)
 *   line 10  7000,0,101        non-positive bid
 *   line 11  1500,100,101      out of order: 1500 < 2000, the latest usable time
 *   line 12  60000,100,101     usable, gap 58 000 µs (> 50 ms), mid 100.5
 *   line 13  1200000,99,101    usable, gap 1 140 000 µs (> 50 ms and > 1 s), mid 100
 * rows 12 = usable 5 + 7 problems; ticks 1000, 2000, 60000, 1200000 → 4, same-time 1.
 * Gaps 1000, 58000, 1140000: median 58000; p99 h = 2 · 0.99 = 1.98 →
 *   58000 + 0.98 · (1140000 − 58000) = 1118360. Longest 1140000 from 60000.
 * Unparsable 3 (lines 7, 8, 9), non-positive 1, crossed 1, locked 1, one-sided 1, out of order 1.
 * Tick mids 101, 100, 100.5, 100 → min 100, max 101.
 */
const QUOTES_WITH_PROBLEMS = [
  'ts_us,bid,ask',
  '1000,100,101',
  '1000,100,102',
  '2000,100,100',
  '3000,102,101',
  '4000,,101',
  '5000,abc,101',
  'bad,100,101',
  '6000,100',
  '7000,0,101',
  '1500,100,101',
  '60000,100,101',
  '1200000,99,101',
  '',
].join('\n');

test('inspect counts every row problem of a quote file, with its line, and never fails on them', async () => {
  const dir = tempFiles({ 'q.csv': QUOTES_WITH_PROBLEMS });
  const [q] = await inspectJson([join(dir, 'q.csv')]);
  assert.deepEqual(
    pick(q!, ['kind', 'format', 'rows', 'usable_rows', 'ticks', 'same_time_rows', 'out_of_order_rows', 'crossed_rows', 'locked_rows', 'one_sided_rows', 'unparsable_rows', 'non_positive_rows']),
    { kind: 'quotes', format: 'generic-quotes', rows: 12, usable_rows: 5, ticks: 4, same_time_rows: 1, out_of_order_rows: 1, crossed_rows: 1, locked_rows: 1, one_sided_rows: 1, unparsable_rows: 3, non_positive_rows: 1 },
  );
  assert.deepEqual(
    pick(q!, ['first_time_us', 'last_time_us', 'duration_us', 'gaps', 'gap_median_us', 'gaps_over_50ms', 'gaps_over_1s', 'longest_gap_us', 'longest_gap_start_us', 'longest_gap_start', 'price_min', 'price_max']),
    { first_time_us: 1000, last_time_us: 1200000, duration_us: 1199000, gaps: 3, gap_median_us: 58000, gaps_over_50ms: 2, gaps_over_1s: 1, longest_gap_us: 1140000, longest_gap_start_us: 60000, longest_gap_start: '1970-01-01T00:00:00.060000Z', price_min: 100, price_max: 101 },
  );
  assert.ok(Math.abs((q!.gap_p99_us as number) - 1118360) < 1e-6);
  assert.deepEqual(q!.problems, {
    crossed_quote: { count: 1, first_lines: [5] },
    one_sided_quote: { count: 1, first_lines: [6] },
    non_numeric_bid: { count: 1, first_lines: [7] },
    unparsable_time: { count: 1, first_lines: [8] },
    short_row: { count: 1, first_lines: [9] },
    non_positive_bid: { count: 1, first_lines: [10] },
    time_going_backwards: { count: 1, first_lines: [11] },
  });
  // One row behind line 10 is no run: nothing points at a likely bad line.
  assert.equal(q!.likely_bad_line, null);
});

test('inspect: the usable rows are what the other commands keep with --skip-bad-rows', async () => {
  // pair --skip-bad-rows reports the rows it skipped by kind on stderr: the same kinds and
  // counts as inspect's problems (the good file only gives pair a partner with an overlap).
  const dir = tempFiles({ 'q.csv': QUOTES_WITH_PROBLEMS, 'ok.csv': 'ts_us,bid,ask\n0,100,101\n2000000,100,101\n' });
  const r = await leadlagInProcess(['pair', join(dir, 'q.csv'), join(dir, 'ok.csv'), '--skip-bad-rows', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  for (const [kind, count] of [['crossed quote', 1], ['one-sided quote', 1], ['non-numeric bid', 1], ['unparsable time', 1], ['short row', 1], ['non-positive bid', 1], ['time going backwards', 1]] as const) {
    assert.match(r.stderr, new RegExp(`skipped ${count} rows? \\(${kind}\\)`), kind);
  }
});

/**
 * 200 price rows, one a second from T0 (line k + 2 holds row k), save row 20 (line 22): its
 * time is T0 + 20 s + `aheadS`.
 */
function typoFile(aheadS: number): string {
  const T0 = 1723118400000000; // 2024-08-08T12:00:00Z
  const rows = Array.from({ length: 200 }, (_, k) => `${T0 + (k + (k === 20 ? aheadS : 0)) * 1e6},${100 + (k % 2)}`);
  return `ts_us,price\n${rows.join('\n')}\n`;
}

/*
 * An hour ahead: line 22 at 13:00:20 is kept, and lines 23–201 (rows 21–199, 12:00:21 to
 * 12:03:19) are all earlier: 179 rows, all behind line 22 in one run, so it is the likely bad
 * line. The usable rows are lines 2–22: last 13:00:20, duration 3620 s, and the longest gap
 * 3601 s from 12:00:19 (line 21) into line 22 — all three made by that row.
 */
test('inspect names the one row that puts the rows after it out of order, as pair --skip-bad-rows does', async () => {
  const dir = tempFiles({ 'typo.csv': typoFile(3600) });
  const file = join(dir, 'typo.csv');
  const [q] = await inspectJson([file]);
  assert.deepEqual(pick(q!, ['usable_rows', 'out_of_order_rows', 'last_time', 'duration_us', 'longest_gap_us', 'longest_gap_start']), {
    usable_rows: 21,
    out_of_order_rows: 179,
    last_time: '2024-08-08T13:00:20.000000Z',
    duration_us: 3620e6,
    longest_gap_us: 3601e6,
    longest_gap_start: '2024-08-08T12:00:19.000000Z',
  });
  assert.deepEqual(q!.likely_bad_line, { line: 22, time: '2024-08-08T13:00:20.000000Z', time_us: 1723118400000000 + 3620e6, rows_behind: 179, affects: ['last_time', 'duration_us', 'longest_gap_us'] });
  // The human note is the readers' own sentence, then what in the table that row made.
  const human = await leadlagInProcess(['inspect', file]);
  const pair = await leadlagInProcess(['pair', file, file, '--skip-bad-rows', '--format', 'json']);
  const warned = /typo\.csv: (179 of the rows going back in time, one after another, are earlier than line 22 \(2024-08-08T13:00:20\.000000Z\), which was kept: [^\n]*)\n/.exec(pair.stderr);
  assert.ok(warned, pair.stderr);
  assert.ok(human.stdout.includes(`typo.csv: ${warned[1]}; the last, duration and longest gap above come from that row\n`), human.stdout);
  const csv = await leadlagInProcess(['inspect', file, '--format', 'csv']);
  assert.match(csv.stdout, /,likely_bad_line\.line,22\n.*,likely_bad_line\.rows_behind,179\n.*,likely_bad_line\.affects,last_time duration_us longest_gap_us\n/s);
});

/*
 * Only 5 s ahead: line 22 at 12:00:25; lines 23–26 (12:00:21 to 12:00:24) fall behind it, 4 in a
 * run, and line 27 (12:00:25, the same time) is kept again. The last time is line 201's; the
 * longest gap is the 6 s from 12:00:19 into line 22.
 */
test('inspect: a row a little ahead is named too, with only the longest gap made by it', async () => {
  const dir = tempFiles({ 'ahead.csv': typoFile(5) });
  const [q] = await inspectJson([join(dir, 'ahead.csv')]);
  assert.deepEqual(pick(q!, ['out_of_order_rows', 'last_time', 'longest_gap_us']), { out_of_order_rows: 4, last_time: '2024-08-08T12:03:19.000000Z', longest_gap_us: 6e6 });
  assert.deepEqual(q!.likely_bad_line, { line: 22, time: '2024-08-08T12:00:25.000000Z', time_us: 1723118400000000 + 25e6, rows_behind: 4, affects: ['longest_gap_us'] });
  const human = await leadlagInProcess(['inspect', join(dir, 'ahead.csv')]);
  assert.match(human.stdout, /ahead\.csv: 4 of the rows going back in time, .* line 22 \(2024-08-08T12:00:25\.000000Z\), .*; the longest gap above comes from that row\n/);
});

/*
 * A `time,price,qty` header fits the generic price-only quote layout and the generic trade
 * layout: having a quantity, it is read as trades. Times in µs by --time-unit.
 *   line 2  1000,10,1     usable
 *   line 3  1000,10.5,2   usable, same time (trades are not collapsed by the analysis, but
 *                         ticks count distinct times)
 *   line 4  900,10,1      out of order
 *   line 5  2000,-1,1     non-positive price
 *   line 6  3000,10,0     non-positive quantity
 *   line 7  4000,10,x     non-numeric quantity (unparsable)
 *   line 8  5000,11,1     usable, gap 4000
 * rows 7, usable 3, ticks 2 (1000, 5000), one gap of 4000 µs; prices of ticks 10.5 and 11.
 */
test('inspect reads a header with a price and a quantity as trades and counts its problems', async () => {
  const dir = tempFiles({ 't.csv': 'time,price,qty\n1000,10,1\n1000,10.5,2\n900,10,1\n2000,-1,1\n3000,10,0\n4000,10,x\n5000,11,1\n' });
  const [t] = await inspectJson([join(dir, 't.csv'), '--time-unit', 'us']);
  assert.deepEqual(
    pick(t!, ['kind', 'format', 'time_unit', 'rows', 'usable_rows', 'ticks', 'same_time_rows', 'out_of_order_rows', 'non_positive_rows', 'unparsable_rows', 'crossed_rows', 'locked_rows', 'one_sided_rows', 'gaps', 'gap_median_us', 'gap_p99_us', 'price_min', 'price_max']),
    { kind: 'trades', format: 'generic-trades', time_unit: 'us', rows: 7, usable_rows: 3, ticks: 2, same_time_rows: 1, out_of_order_rows: 1, non_positive_rows: 2, unparsable_rows: 1, crossed_rows: null, locked_rows: null, one_sided_rows: null, gaps: 1, gap_median_us: 4000, gap_p99_us: 4000, price_min: 10.5, price_max: 11 },
  );
  assert.deepEqual(t!.problems, {
    time_going_backwards: { count: 1, first_lines: [4] },
    non_positive_price: { count: 1, first_lines: [5] },
    non_positive_quantity: { count: 1, first_lines: [6] },
    non_numeric_quantity: { count: 1, first_lines: [7] },
  });
});

test('inspect counts the usable trades whose side no reader knows; null without a side column', async () => {
  // Worked by hand: sides buy, b, unknown, (empty), XX, SELL on usable rows, and a bad row (price 0)
  // with the side 'q': two unread among the usable rows (b, XX); the bad row is not counted.
  const rows = ['1000,10,1,buy', '2000,10,1,b', '3000,10,1,unknown', '4000,10,1,', '5000,10,1,XX', '6000,0,1,q', '7000,10,1,SELL'];
  const dir = tempFiles({ 'sides.csv': `time,price,qty,side\n${rows.join('\n')}\n`, 'plain.csv': 'time,price,qty\n1000,10,1\n' });
  const [sides, plain] = await inspectJson([join(dir, 'sides.csv'), join(dir, 'plain.csv'), '--time-unit', 'us']);
  assert.deepEqual(pick(sides!, ['usable_rows', 'non_positive_rows', 'unread_side_rows']), { usable_rows: 6, non_positive_rows: 1, unread_side_rows: 2 });
  assert.equal(plain!.unread_side_rows, null);
});

test('inspect: a price-only quote file has no crossed, locked or one-sided counts', async () => {
  // ts_ms,price: 3 rows at 1, 2, 2 ms → ticks 2, one gap of 1000 µs, prices 5 and 7 (last of the burst).
  const dir = tempFiles({ 'p.csv': 'ts_ms,price\n1,5\n2,6\n2,7\n' });
  const [p] = await inspectJson([join(dir, 'p.csv')]);
  assert.deepEqual(
    pick(p!, ['kind', 'format', 'time_unit', 'rows', 'ticks', 'gap_median_us', 'crossed_rows', 'locked_rows', 'one_sided_rows', 'price_min', 'price_max']),
    { kind: 'quotes', format: 'generic-quotes', time_unit: 'ms', rows: 3, ticks: 2, gap_median_us: 1000, crossed_rows: null, locked_rows: null, one_sided_rows: null, price_min: 5, price_max: 7 },
  );
});

test('inspect: a missing file exits 66 after the other files are reported', async () => {
  const good = fx('tardis', 'spot_quotes.csv');
  const missing = join(tempFiles({}), 'missing.csv');
  const r = await leadlagInProcess(['inspect', good, missing, fx('binance', 'spot_trades.csv'), '--format', 'json']);
  assert.equal(r.code, 66);
  assert.match(r.stderr, /missing\.csv: no such file/);
  const out = JSON.parse(r.stdout) as Json[];
  assert.equal(out.length, 3);
  assert.equal(out[0]!.rows, dataRows(good));
  assert.deepEqual(out[1], { file: missing, error: `${missing}: no such file`, exit_code: 66 });
  assert.equal(out[2]!.format, 'binance-trades');
});

test('inspect: files that are neither quotes nor trades, or empty, exit 65; every bad file is named', async () => {
  const dir = tempFiles({ 'bad.csv': 'a,b,c\n1,2,3\n', 'empty.csv': '', 'header.csv': 'ts_us,bid,ask\n' });
  const files = ['bad.csv', 'empty.csv', 'header.csv'].map((f) => join(dir, f));
  const r = await leadlagInProcess(['inspect', files[0]!, fx('tardis', 'spot_trades.csv'), files[1]!, files[2]!]);
  assert.equal(r.code, 65);
  assert.match(r.stderr, /bad\.csv:1: neither a quote nor a trade file/);
  assert.match(r.stderr, /empty\.csv: no rows: the file is empty/);
  assert.match(r.stderr, /header\.csv: no rows: the file has a header but no data rows/);
  assert.equal(r.stderr.trim().split('\n').length, 3);
  // The good file is still reported in the human table.
  assert.match(r.stdout, /Data quality of 1 file/);
  assert.match(r.stdout, /tardis-trades/);
  assert.doesNotMatch(r.stderr, /at .*\.js/); // no stack trace
});

test('inspect: a missing file takes precedence (66) over a bad one (65)', async () => {
  const dir = tempFiles({ 'bad.csv': 'a,b\n1,2\n' });
  const r = await leadlagInProcess(['inspect', join(dir, 'bad.csv'), join(dir, 'nope.csv'), '--format', 'csv']);
  assert.equal(r.code, 66);
  assert.match(r.stderr, /bad\.csv/);
  assert.match(r.stderr, /nope\.csv: no such file/);
  assert.match(r.stdout, /nope\.csv,exit_code,66/);
  assert.match(r.stdout, /bad\.csv,exit_code,65/);
});

test('inspect - reads stdin: headerless Binance trades and gzipped Tardis trades (read again as trades)', async () => {
  // Binance spot dumps have no header and a 7th column (is_best_match).
  const binance = fx('binance', 'spot_trades.csv');
  const headerless = text(binance).split('\n').slice(1).filter((l) => l !== '').map((l) => `${l},true`).join('\n') + '\n';
  const [b] = await inspectJson(['-'], headerless);
  const [byPath] = await inspectJson([binance]);
  assert.equal(b!.file, '<stdin>');
  assert.equal(b!.format, 'binance-trades-noheader');
  assert.equal(b!.rows, dataRows(binance));
  for (const k of ['ticks', 'gap_median_us', 'gap_p99_us', 'longest_gap_us', 'price_min', 'price_max']) assert.equal(b![k], byPath![k], k);

  const tardis = fx('tardis', 'spot_trades.csv');
  const [z] = await inspectJson(['-'], gzipSync(readFileSync(tardis)));
  const [plain] = await inspectJson([tardis]);
  assert.deepEqual({ ...z, file: tardis }, plain);
});

test('inspect - on a trade stream of several MiB gives what the same file gives by path', async () => {
  // 60 000 Tardis trade rows (~4.5 MB), 1 to 700 µs apart with a repeat every 7th row: the
  // quote attempt reads the first chunks, so the trade reading must replay them exactly.
  const lines = ['exchange,symbol,timestamp,local_timestamp,id,side,price,amount'];
  let t = 1723118400000000;
  for (let i = 0; i < 60000; i++) {
    if (i % 7 !== 0) t += 1 + ((i * 7919) % 700);
    lines.push(`binance,BTCUSDT,${t},${t + 300},${1000000 + i},${i % 2 ? 'buy' : 'sell'},${60000 + (i % 113) / 100},0.0${1 + (i % 9)}`);
  }
  const csv = lines.join('\n') + '\n';
  const dir = tempFiles({ 'big.csv': csv });
  const [s] = await inspectJson(['-'], csv);
  const [p] = await inspectJson([join(dir, 'big.csv')]);
  assert.equal(s!.rows, 60000);
  assert.equal(s!.format, 'tardis-trades');
  assert.deepEqual({ ...s, file: p!.file }, p);
});

test('Rewindable (the stdin replay): a new stream starts from byte 0 however far the abandoned one had read', async () => {
  // 40 chunks of 64 KiB (each over a stream's 16 KiB read-ahead, so streams take them one by
  // one). Stream 1 takes 5 and is abandoned; draining it must end without taking chunks
  // from stream 2, which commits after 3 chunks and must still get all 40 in order.
  const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(65536, 65 + (i % 26)));
  const r = new Rewindable(Readable.from(chunks));
  const it1 = r.stream()[Symbol.asyncIterator]();
  for (let i = 0; i < 5; i++) assert.equal((await it1.next()).done, false);
  const s2 = r.stream();
  for (;;) if ((await it1.next()).done) break;
  const got: Buffer[] = [];
  for await (const c of s2) {
    got.push(c as Buffer);
    if (got.length === 3) r.commit();
  }
  assert.ok(Buffer.concat(got).equals(Buffer.concat(chunks)));
  assert.throws(() => r.stream(), /after commit/);
});

test('inspect --format csv is long (file,metric,value) and carries the JSON values', async () => {
  const dir = tempFiles({ 'q.csv': QUOTES_WITH_PROBLEMS });
  const file = join(dir, 'q.csv');
  const [j] = await inspectJson([file]);
  const r = await leadlagInProcess(['inspect', file, '--format', 'csv']);
  assert.equal(r.code, 0);
  const [head, ...rows] = r.stdout.trim().split('\n');
  assert.equal(head, 'file,metric,value');
  const values = new Map(rows.map((l) => l.split(',')).map(([f, m, v]) => (assert.equal(f, file), [m!, v!])));
  for (const k of ['rows', 'ticks', 'crossed_rows', 'gap_median_us', 'gap_p99_us', 'longest_gap_start', 'price_max']) assert.equal(values.get(k), String(j![k]), k);
  assert.equal(values.get('problems.crossed_quote'), '1');
  assert.equal(values.get('problems.crossed_quote.first_lines'), '5');
  const tsv = await leadlagInProcess(['inspect', file, '--format', 'tsv']);
  assert.equal(tsv.stdout.split('\n')[0], 'file\tmetric\tvalue');
});

test('inspect human table: one column per file and the rows left out, by kind and line', async () => {
  const dir = tempFiles({ 'q.csv': QUOTES_WITH_PROBLEMS });
  const r = await leadlagInProcess(['inspect', join(dir, 'q.csv'), fx('generic', 'perp_quotes.csv.gz')]);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /Data quality of 2 files/);
  assert.match(r.stdout, /q\.csv .*perp_quotes\.csv\.gz/);
  assert.match(r.stdout, /crossed quote \(line 5\)/);
  assert.match(r.stdout, /time going backwards \(line 11\)/);
  assert.match(r.stdout, /longest gap +│ +1\.14 s/);
  assert.doesNotMatch(r.stdout, /\x1b\[/); // no colour on a pipe
});

test('inspect: bad options are usage errors (exit 2)', async () => {
  const f = fx('tardis', 'spot_quotes.csv');
  for (const args of [['--time-unit', 'days'], ['--clock', 'wall'], ['--threshold', 'x'], ['--grid', '0'], ['--format', 'xml']]) {
    const r = await leadlagInProcess(['inspect', f, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '');
  }
  const none = await leadlagInProcess(['inspect']);
  assert.equal(none.code, 2);
  const help = await leadlagInProcess(['help', 'inspect']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Example:\n {2}\$ leadlag inspect/);
});

test('inspect DIR of files large enough for threads: each file in its place, as inspected alone (two lanes, a thread each)', { timeout: 120_000 }, async () => {
  // Three quote files of 4 MiB or more (each scanned in a lane's thread), named out of time order.
  const t0 = 1723161254000000;
  const file = (hour: number): string => `time,bid,ask\n${Array.from({ length: 180_000 }, (_, i) => `${t0 + hour * 3_600_000_000 + 1000 * i},${100 + (i % 13)},${101 + (i % 13)}`).join('\n')}\n`;
  const dir = tempFiles({ 'c.csv': file(0), 'a.csv': file(2), 'b.csv': file(1) });
  const r = await leadlagInProcess(['inspect', dir, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const entries = JSON.parse(r.stdout) as { file: string }[];
  assert.deepEqual(entries.map((e) => e.file), ['a.csv', 'b.csv', 'c.csv'].map((n) => join(dir, n)));
  for (const name of ['a.csv', 'b.csv', 'c.csv']) {
    const alone = await leadlagInProcess(['inspect', join(dir, name), '--format', 'json']);
    assert.deepEqual(entries.find((e) => e.file === join(dir, name)), (JSON.parse(alone.stdout) as unknown[])[0], name);
  }
});

test('inspect --format tsv: a tab, a line break or a backslash in a file name is escaped, never quoted, so every row has three fields', async () => {
  const spot = readFileSync(join(FIXTURES, 'tardis', 'spot_quotes.csv'), 'utf8');
  const dir = tempFiles({ 'ta\tb.csv': spot, 'we"ird\\q.csv': spot });
  const a = join(dir, 'ta\tb.csv');
  const b = join(dir, 'we"ird\\q.csv');
  const r = await leadlagInProcess(['inspect', a, b, '--format', 'tsv', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
  for (const row of rows) assert.equal(row.length, 3, row.join(' | '));
  // \t for the tab, \\ for the backslash, the quote as is (by hand from the names above).
  assert.ok(rows.some((row) => row[0] === join(dir, 'ta\\tb.csv') && row[1] === 'kind'), 'the tab escaped');
  assert.ok(rows.some((row) => row[0] === join(dir, 'we"ird\\\\q.csv') && row[1] === 'kind'), 'the backslash escaped, the quote kept');
  // The pair's files one a row (joined by a space, two paths with spaces could not be split).
  assert.deepEqual(rows.filter((row) => row[0] === 'pair' && row[1]!.startsWith('file')), [['pair', 'file_a', join(dir, 'ta\\tb.csv')], ['pair', 'file_b', join(dir, 'we"ird\\\\q.csv')]]);
});

test('inspect warns of a quiet spell of more than a minute inside a quote file, as the analyses do; not of one of a minute', async () => {
  // Ticks a second apart from 12:00:00, then nothing from 12:00:10 to 12:02:10 (120 s), then more.
  const T = 1723118400000000;
  const rows = (gapS: number) => ['time,bid,ask', ...Array.from({ length: 20 }, (_, i) => `${T + (i < 11 ? i : i + gapS - 1) * 1_000_000},100,${101 + (i % 2)}`)].join('\n') + '\n';
  const dir = tempFiles({ 'quiet.csv': rows(120), 'minute.csv': rows(60) });
  const quiet = await leadlagInProcess(['inspect', join(dir, 'quiet.csv'), '--format', 'json']);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.match(quiet.stderr, /warning: .*quiet\.csv has no tick for 2 min 00 s, from 2024-08-08T12:00:10\.000000Z to 2024-08-08T12:02:10\.000000Z: the feed stopped/);
  const minute = await leadlagInProcess(['inspect', join(dir, 'minute.csv'), '--format', 'json']);
  assert.doesNotMatch(minute.stderr, /has no tick for/);
});

test('inspect --sort warns, as pair --sort does, when sorting moved a row back by more than a minute', async () => {
  const rows = (times: string[]) => ['time,bid,ask', ...times.map((t, i) => `${t},100,${101 + (i % 2)}`)].join('\n') + '\n';
  // Line 4 lies 3598.5 s behind line 3 (an hour of local times written twice over).
  const dir = tempFiles({ 'repeated.csv': rows(['2024-10-27 02:00:00', '2024-10-27 02:59:59', '2024-10-27 02:00:00.5', '2024-10-27 02:59:59.5']) });
  const inspect = await leadlagInProcess(['inspect', join(dir, 'repeated.csv'), '--sort', '--format', 'json']);
  assert.equal(inspect.code, 0, inspect.stderr);
  const pair = await leadlagInProcess(['pair', join(dir, 'repeated.csv'), join(dir, 'repeated.csv'), '--sort', '--format', 'json']);
  const note = /warning: .*repeated\.csv: --sort moved line 4 back by 59 min 58 s, behind line 3: more than jitter/;
  assert.match(inspect.stderr, note);
  assert.match(pair.stderr, note);
  const unsorted = await leadlagInProcess(['inspect', join(dir, 'repeated.csv'), '--format', 'json']);
  assert.doesNotMatch(unsorted.stderr, /--sort moved/);
});

test('inspect names the likely bad line by the readers\' rule: a burst at one time typed ahead is named, a block gone back past the row before is not', async () => {
  const T = 1723118400000000;
  const file = (secs: number[]) => ['time,bid,ask', ...secs.map((s, i) => `${T + s * 1_000_000},100,${101 + (i % 2)}`)].join('\n') + '\n';
  // Lines 5–6 at 90 s (one packet typed ahead) with 40, 50, 60 s behind them, all after line 4's 30 s.
  // Lines 2–5 at 10…40 s, then 15, 25, 35 s again: two of the three lie behind line 4 as well.
  const dir = tempFiles({ 'burst.csv': file([10, 20, 30, 90, 90, 40, 50, 60]), 'block.csv': file([10, 20, 30, 40, 15, 25, 35, 50]) });
  const [burst] = await inspectJson([join(dir, 'burst.csv')]);
  const named = burst!.likely_bad_line as { line: number; rows_behind: number } | null;
  assert.deepEqual([named?.line, named?.rows_behind], [6, 3]);
  const [block] = await inspectJson([join(dir, 'block.csv')]);
  assert.equal(block!.likely_bad_line, null);
});

test('inspect warns, as the analyses do, of a mid that doubles or halves between two rows (prices in cents in part of a file)', async () => {
  const T = 1723118400000000;
  // Mids 101, 101, 10100 (line 4), 10100, 101 (line 6): two steps of ×100, the first at line 4.
  const rows = [[100, 102], [100, 102], [10000, 10200], [10000, 10200], [100, 102]];
  const dir = tempFiles({ 'cents.csv': ['time,bid,ask', ...rows.map(([b, a], i) => `${T + i * 1000},${b},${a}`)].join('\n') + '\n' });
  // inspect names the line (it reads row by row); the analyses' readers the tick's time (line 4's: T + 2 ms).
  const inspect = await leadlagInProcess(['inspect', join(dir, 'cents.csv'), '--format', 'json']);
  assert.equal(inspect.code, 0, inspect.stderr);
  assert.match(inspect.stderr, /warning: .*cents\.csv: the mid steps from 101 to 10100 at line 4, and 1 more time: a change of units \(prices in cents\)/);
  const pair = await leadlagInProcess(['pair', join(dir, 'cents.csv'), join(dir, 'cents.csv'), '--format', 'json']);
  assert.equal(pair.code, 0, pair.stderr);
  assert.match(pair.stderr, /warning: .*cents\.csv: the mid steps from 101 to 10100 at 2024-08-08T12:00:00\.002000Z, and 1 more time: a change of units \(prices in cents\)/);
  // Sorted, inspect keeps no line: the step is said by its time, as the analyses say it.
  const sorted = await leadlagInProcess(['inspect', join(dir, 'cents.csv'), '--sort', '--format', 'json']);
  assert.match(sorted.stderr, /cents\.csv: the mid steps from 101 to 10100 at 2024-08-08T12:00:00\.002000Z, and 1 more time/);
});

test('inspect judges the mid\'s steps between ticks (a burst\'s last row), as the analyses do: a stub inside a burst is none, a step split over a burst\'s rows is one', async () => {
  const T = 1723118400000000;
  const dir = tempFiles({
    // Tick 1's burst passes through 10100 and ends at 101: the tick is 101, no step.
    'stub.csv': `time,bid,ask\n${T},100,102\n${T + 1000},10000,10200\n${T + 1000},100,102\n${T + 2000},100.5,102\n`,
    // 100, then a burst 150 → 200 (no step of 2× row to row), then 200: the ticks step 100 → 200.
    'split.csv': `time,price\n${T},100\n${T + 1000},150\n${T + 1000},200\n${T + 2000},200\n`,
  });
  for (const [file, steps] of [['stub.csv', false], ['split.csv', true]] as const) {
    const inspect = await leadlagInProcess(['inspect', join(dir, file), '--format', 'json']);
    const pair = await leadlagInProcess(['pair', join(dir, file), join(dir, file), '--format', 'json']);
    assert.equal(pair.code, 0, pair.stderr);
    assert.equal(/mid steps/.test(inspect.stderr), steps, `inspect ${file}: ${inspect.stderr}`);
    assert.equal(/mid steps/.test(pair.stderr), steps, `pair ${file}: ${pair.stderr}`);
  }
});
