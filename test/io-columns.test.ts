/**
 * Any CSV a researcher has: columns named by option, the names recognised without options,
 * other delimiters and strftime-like time patterns — at the input layer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError, UsageError } from '../src/errors.js';
import { compileTimePattern, parsePatternMicros } from '../src/io/time.js';
import { detectDelimiter } from '../src/io/formats.js';
import { STRICT, readQuotes, readTrades, rejection, tmpFile } from './io-helpers.js';

/** µs of a UTC wall-clock time, by Date.UTC (independent of the parsers under test). */
const utc = (y: number, mo: number, d: number, h: number, mi: number, s: number, us = 0) => Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + us;

function pattern(text: string): Int32Array {
  const p = compileTimePattern(text);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

function patternMicros(p: string, value: string): number {
  const bytes = Buffer.from(value, 'utf8');
  return parsePatternMicros(pattern(p), bytes, 0, bytes.length);
}

test('parsePatternMicros: %Y-%m-%d %H:%M:%S, with and without %f, gives Date.UTC µs', () => {
  assert.equal(patternMicros('%Y-%m-%d %H:%M:%S', '2018-08-12 00:00:19'), utc(2018, 8, 12, 0, 0, 19));
  assert.equal(patternMicros('%Y-%m-%d %H:%M:%S.%f', '2018-08-12 00:00:19.25'), utc(2018, 8, 12, 0, 0, 19, 250000));
  assert.equal(patternMicros('%Y-%m-%d %H:%M:%S.%f', '2018-08-12 00:00:19.000001'), utc(2018, 8, 12, 0, 0, 19, 1));
  // Digits past the 6th are dropped (floor to µs), as for ISO times.
  assert.equal(patternMicros('%Y-%m-%d %H:%M:%S.%f', '2018-08-12 00:00:19.123456789'), utc(2018, 8, 12, 0, 0, 19, 123456));
  // `.%f` may be absent altogether (tools drop a zero fraction), but not half there.
  assert.equal(patternMicros('%Y-%m-%d %H:%M:%S.%f', '2018-08-12 00:00:19'), utc(2018, 8, 12, 0, 0, 19));
  assert.ok(Number.isNaN(patternMicros('%Y-%m-%d %H:%M:%S.%f', '2018-08-12 00:00:19.')));
  // Without %f a fraction is text the pattern does not have.
  assert.ok(Number.isNaN(patternMicros('%Y-%m-%d %H:%M:%S', '2018-08-12 00:00:19.5')));
});

test('parsePatternMicros: day-first dates, one-digit fields, %y, %F %T, zones, and what does not match', () => {
  assert.equal(patternMicros('%d.%m.%Y %H:%M:%S,%f', '12.08.2018 00:00:19,5'), utc(2018, 8, 12, 0, 0, 19, 500000));
  assert.equal(patternMicros('%m/%d/%Y %H:%M:%S', '8/2/2018 7:05:09'), utc(2018, 8, 2, 7, 5, 9));
  assert.equal(patternMicros('%d/%m/%y %H:%M', '02/08/18 07:05'), utc(2018, 8, 2, 7, 5, 0));
  assert.equal(patternMicros('%d/%m/%y %H:%M', '02/08/69 07:05'), utc(1969, 8, 2, 7, 5, 0));
  assert.equal(patternMicros('%FT%T', '2024-08-08T23:54:14'), utc(2024, 8, 8, 23, 54, 14));
  assert.equal(patternMicros('%Y%m%d %H%M%S', '20240808 235414'), utc(2024, 8, 8, 23, 54, 14));
  // 2024-08-09 01:54:14 at +02:00 is 23:54:14 UTC the day before.
  for (const z of ['+02:00', '+0200', '+02']) assert.equal(patternMicros('%Y-%m-%d %H:%M:%S%z', `2024-08-09 01:54:14${z}`), utc(2024, 8, 8, 23, 54, 14), z);
  assert.equal(patternMicros('%Y-%m-%d %H:%M:%S%z', '2024-08-08 23:54:14Z'), utc(2024, 8, 8, 23, 54, 14));
  assert.equal(patternMicros('%Y-%m-%d %H:%M:%S', '  2024-08-08 23:54:14 '), utc(2024, 8, 8, 23, 54, 14));
  assert.equal(patternMicros('100%% %H:%M', '100% 01:02'), utc(1970, 1, 1, 1, 2, 0));
  for (const bad of ['2024-02-30 00:00:00', '2024-13-01 00:00:00', '2024-08-08 24:00:00', '2024-08-08 23:60:00', '2024-08-08 23:54:14x', '2024-08-08', '', 'x024-08-08 23:54:14']) {
    assert.ok(Number.isNaN(patternMicros('%Y-%m-%d %H:%M:%S', bad)), bad);
  }
});

test('compileTimePattern: an unknown directive, no directive, or a field twice is refused with a reason', () => {
  assert.match(compileTimePattern('%Y-%Q') as string, /unknown directive %Q/);
  assert.match(compileTimePattern('YYYY-MM-DD') as string, /at least one directive/);
  assert.match(compileTimePattern('%Y %Y') as string, /given twice/);
  assert.match(compileTimePattern('%Y %y') as string, /given twice/);
  assert.match(compileTimePattern('%Y %') as string, /unknown directive/);
});

test('detectDelimiter: the most frequent of , tab ; | outside quotes; comma on a tie or when none occurs', () => {
  assert.equal(detectDelimiter('a,b,c'), 44);
  assert.equal(detectDelimiter('a;b;c'), 59);
  assert.equal(detectDelimiter('a\tb\tc'), 9);
  assert.equal(detectDelimiter('a|b|c'), 124);
  assert.equal(detectDelimiter('"x,y";b;c'), 59);
  assert.equal(detectDelimiter('a;b,c'), 44);
  assert.equal(detectDelimiter('price'), 44);
});

test('the Python lead-lag package file: date,last with "2018-08-12 00:00:19" reads without options', async () => {
  const path = tmpFile('leadlag-py.csv', 'date,last\n2018-08-12 00:00:19,6300.5\n2018-08-12 00:00:20,6301\n2018-08-12 00:00:20,6302\n');
  const q = await readQuotes(path);
  // The burst at :20 is one tick, its last row.
  assert.deepEqual(q.t, [utc(2018, 8, 12, 0, 0, 19), utc(2018, 8, 12, 0, 0, 20)]);
  assert.deepEqual(q.price, [6300.5, 6302]);
  assert.equal(q.report.format, 'generic-quotes');
  assert.equal(q.report.timeColumn, 'date');
  assert.equal(q.report.timeUnit, 'iso');
});

test('each newly recognised time name is read without options', async () => {
  const T = utc(2024, 8, 8, 23, 54, 14, 87891);
  for (const name of ['date', 'datetime', 'Date', 'DateTime', 'time_exchange', 'time_coinapi']) {
    const q = await readQuotes(tmpFile('time-name.csv', `${name},bid,ask\n2024-08-08T23:54:14.0878910Z,1,2\n`));
    assert.deepEqual(q.t, [T], name);
    assert.equal(q.report.timeColumn, name); // matched in any case, reported as written
  }
  // Databento's ts_event and ts_recv are ns by name: 1723161254087891 would be µs by magnitude.
  for (const name of ['ts_event', 'ts_recv']) {
    const q = await readQuotes(tmpFile('ts-event.csv', `${name},bid_px_00,ask_px_00\n1723161254087891,1,2\n`));
    assert.deepEqual(q.t, [1723161254087], name);
    assert.equal(q.report.timeUnit, 'ns');
  }
});

test('--clock picks the exchange or the receiver time of Databento and CoinAPI files, as for Tardis', async () => {
  const databento = tmpFile('databento.csv', 'ts_recv,ts_event,bid_px,ask_px\n1723161254087899000,1723161254087891000,1,2\n');
  assert.deepEqual((await readQuotes(databento)).t, [1723161254087891]);
  const local = await readQuotes(databento, { ...STRICT, clock: 'local' });
  assert.deepEqual(local.t, [1723161254087899]);
  assert.equal(local.report.timeColumn, 'ts_recv');
  const coinapi = tmpFile('coinapi.csv', 'time_exchange;time_coinapi;ask_px;ask_sx;bid_px;bid_sx\n2024-08-08T23:54:14.0000000Z;2024-08-08T23:54:14.0100000Z;2;1;1;1\n');
  assert.deepEqual((await readQuotes(coinapi)).t, [utc(2024, 8, 8, 23, 54, 14)]);
  assert.deepEqual((await readQuotes(coinapi, { ...STRICT, clock: 'local' })).t, [utc(2024, 8, 8, 23, 54, 14, 10000)]);
});

test('each newly recognised bid/ask pair and single price column is read without options', async () => {
  for (const [bid, ask] of [['best_bid', 'best_ask'], ['bid_px', 'ask_px'], ['bid_px_00', 'ask_px_00'], ['BidPrice', 'AskPrice'], ['best_bid_price', 'best_ask_price']]) {
    const q = await readQuotes(tmpFile('pair.csv', `ts,${ask},${bid}\n1723161254087891,101,100\n`));
    assert.deepEqual([q.bid, q.ask, q.price], [[100], [101], [100.5]], bid);
  }
  for (const price of ['last', 'close', 'mid_price', 'Close']) {
    const q = await readQuotes(tmpFile('one.csv', `time,${price}\n1723161254087891,61800.5\n`));
    assert.deepEqual([q.bid, q.ask, q.price], [[61800.5], [61800.5], [61800.5]], price);
  }
  // A lone bid names the ask it misses, and the option that would map one.
  const e = await rejection(readQuotes(tmpFile('lone.csv', 'ts,best_bid\n1,2\n')));
  assert.match(e.message, /missing column best_ask \(or name it with --ask-col\)/);
});

test('CoinAPI-style trades: semicolons, base_amount and taker_side are recognised', async () => {
  const path = tmpFile('coinapi-trades.csv', 'time_exchange;time_coinapi;guid;price;base_amount;taker_side\n2024-08-08T23:54:14.5Z;2024-08-08T23:54:14.6Z;g1;100.5;0.25;SELL\n2024-08-08T23:54:15Z;2024-08-08T23:54:15.1Z;g2;100.6;1;BUY\n');
  const tr = await readTrades(path);
  assert.deepEqual(tr.t, [utc(2024, 8, 8, 23, 54, 14, 500000), utc(2024, 8, 8, 23, 54, 15)]);
  assert.deepEqual(tr.price, [100.5, 100.6]);
  assert.deepEqual(tr.qty, [0.25, 1]);
  assert.deepEqual(tr.side, [-1, 1]);
  assert.equal(tr.report.sideColumn, 'taker_side');
});

test('a semicolon-delimited export (decimal points, quoted fields) gives the same ticks as its comma twin', async () => {
  const comma = tmpFile('twin-comma.csv', 'time,symbol,bid_price,ask_price\n2024-08-08 23:54:14.1+00:00,"BTC,USDT",100.5,101\n2024-08-08 23:54:15+00:00,"BTC,USDT",100.25,101\n');
  const semi = tmpFile('twin-semi.csv', 'time;symbol;bid_price;ask_price\n2024-08-08 23:54:14.1+00:00;"BTC;USDT";100.5;101\n2024-08-08 23:54:15+00:00;"BTC;USDT";100.25;101\n');
  const a = await readQuotes(comma);
  for (const opts of [STRICT, { ...STRICT, delimiter: ';' }, { ...STRICT, parser: 'csv' as const }]) {
    const b = await readQuotes(semi, opts);
    assert.deepEqual({ ...b, report: { ...b.report, file: '' } }, { ...a, report: { ...a.report, file: '' } });
  }
  // A short row is shown as its line, with its own delimiter.
  const short = tmpFile('semi-short.csv', 'ts;bid;ask\n1723161254087891;1\n');
  const e = await rejection(readQuotes(short));
  assert.equal(e.value, '1723161254087891;1');
});

test('columns named by option read quotes with one price or with bid and ask, and trades whose side is a word or a maker flag', async () => {
  const one = await readQuotes(tmpFile('m1.csv', 'Zeit;Kurs;Volumen\n12.08.2018 00:00:19;6300.5;1\n'), { ...STRICT, columns: { time: 'zeit', price: 'KURS' }, timeFormat: '%d.%m.%Y %H:%M:%S' });
  assert.deepEqual([one.t, one.price], [[utc(2018, 8, 12, 0, 0, 19)], [6300.5]]);
  assert.equal(one.report.format, 'mapped-quotes');
  assert.equal(one.report.timeColumn, 'Zeit'); // as the header writes it, though --time-col said zeit
  assert.equal(one.report.timeUnit, '%d.%m.%Y %H:%M:%S');
  // Only the bid named: the ask is recognised by name.
  const ba = await readQuotes(tmpFile('m2.csv', 'stamp|BidPx|ask\n1723161254087|100|101\n'), { ...STRICT, columns: { time: 'stamp', bid: 'bidpx' } });
  assert.deepEqual([ba.t, ba.bid, ba.ask], [[1723161254087000], [100], [101]]);
  const tr = await readTrades(tmpFile('m3.csv', 'when\tpx\tvol\tm\tdir\n1723161254087\t100\t2\ttrue\tbuy\n1723161254088\t100\t3\tfalse\tsell\n'), { ...STRICT, columns: { time: 'when', price: 'px', qty: 'vol', side: 'm' } });
  assert.deepEqual([tr.t, tr.qty, tr.side], [[1723161254087000, 1723161254088000], [2, 3], [-1, 1]]);
  const words = await readTrades(tmpFile('m4.csv', 'when\tpx\tvol\tm\tdir\n1723161254087\t100\t2\ttrue\tBuy\n'), { ...STRICT, columns: { time: 'when', price: 'px', qty: 'vol', side: 'dir' } });
  assert.deepEqual(words.side, [1]);
  assert.equal(words.report.sideColumn, 'dir');
});

test('--time-format: iso and epoch units override what the file would decide; a unit applies even to Tardis', async () => {
  const path = tmpFile('tf.csv', 'ts,bid,ask\n1723161254,1,2\n');
  assert.deepEqual((await readQuotes(path)).t, [1723161254000000]);
  assert.deepEqual((await readQuotes(path, { ...STRICT, timeFormat: 'ms' })).t, [1723161254000]);
  const iso = await rejection(readQuotes(path, { ...STRICT, timeFormat: 'iso' }));
  assert.match(iso.message, /unparsable time in column ts/);
  const tardis = tmpFile('tf-tardis.csv', 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\nb,X,1723161254087,1723161254088,1,2,1,1\n');
  assert.deepEqual((await readQuotes(tardis, { ...STRICT, timeFormat: 'ms' })).t, [1723161254087000]);
});

test('a named column the header lacks, two roles on one column, and --price-col with --bid-col are usage errors', async () => {
  const path = tmpFile('usage.csv', 'date,last,bid,ask\n2018-08-12 00:00:19,1,1,2\n');
  const missing = await rejection(readQuotes(path, { ...STRICT, columns: { time: 'Datum' } }));
  assert.ok(missing instanceof UsageError);
  assert.match(missing.message, /^--time-col Datum: .*usage\.csv has no column Datum \(its columns: date, last, bid, ask\)$/);
  const twice = await rejection(readQuotes(path, { ...STRICT, columns: { time: 'last', price: 'last' } }));
  assert.ok(twice instanceof UsageError);
  assert.match(twice.message, /column last cannot have two roles: --time-col and --price-col/);
  // A named column that recognition gives another role to is refused too.
  const taken = await rejection(readQuotes(path, { ...STRICT, columns: { time: 'bid' } }));
  assert.match(taken.message, /column bid cannot have two roles: --time-col and the bid column found by name \(name another with --bid-col\)/);
  const both = await rejection(readQuotes(path, { ...STRICT, columns: { price: 'last', bid: 'bid' } }));
  assert.match(both.message, /--price-col .* not both/);
  // Parsed in a worker thread, the error is still a UsageError.
  const inWorker = await rejection(readQuotes(path, { ...STRICT, worker: true, columns: { time: 'Datum' } }));
  assert.ok(inWorker instanceof UsageError, inWorker.message);
  // Trade-only roles are ignored for quotes (one --qty-col serves classify's three files).
  assert.equal((await readQuotes(path, { ...STRICT, columns: { qty: 'nope' } })).t.length, 1);
});

test('an unknown trades header suggests options from the column names', async () => {
  const path = tmpFile('unknown-trades.csv', 'Zeitpunkt,Preis,Menge,TakerSide\n1,2,3,buy\n');
  const e = await rejection(readTrades(path));
  assert.ok(e instanceof DataError);
  // No name matches price or quantity patterns: Preis and Menge are offered in column order.
  assert.match(e.message, /unrecognised trades header with columns Zeitpunkt, Preis, Menge, TakerSide; name them with options \(try --time-col Zeitpunkt --price-col Preis --qty-col Menge --side-col TakerSide\)/);
  const quotes = tmpFile('unknown-quotes.csv', 'Trade Time,Best Bid,Best Offer\n1,2,3\n');
  assert.match((await rejection(readQuotes(quotes))).message, /try --time-col 'Trade Time' --bid-col 'Best Bid' --ask-col 'Best Offer'/);
  // A name the header repeats is one column to the options: offered once, the role left open.
  assert.match((await rejection(readTrades(tmpFile('repeated.csv', 'when,bid,bid\n1,2,3\n')))).message, /try --time-col when --price-col bid --qty-col <column>\)/);
  // A forced delimiter that leaves the header in one piece points at the delimiter.
  const forced = await rejection(readQuotes(tmpFile('forced.csv', 'a;b;c\n1;2;3\n'), { ...STRICT, delimiter: ',' }));
  assert.match(forced.message, /the header is one column: are the fields separated by ";"\? try --delimiter ';'/);
});
