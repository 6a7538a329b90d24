import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../src/errors.js';
import { STRICT, readQuotes, readTrades, rejection, tmpFile } from './io-helpers.js';

// 2024-08-08T23:54:14Z in µs = Date.UTC(2024, 7, 8, 23, 54, 14) · 1000.
const T0 = Date.UTC(2024, 7, 8, 23, 54, 14) * 1000;

test('exchange quotes: ISO times with a space and +00:00, mid = (bid + ask) / 2', async () => {
  const path = tmpFile(
    'exchange-quotes.csv',
    'time,symbol,bid_price,ask_price\n' +
      '2024-08-08 23:54:14.087891+00:00,BTCUSDT,61837.63000000,61837.64000000\n' +
      '2024-08-08 23:54:14.1+00:00,BTCUSDT,61837.60,61837.70\n',
  );
  const q = await readQuotes(path);
  assert.deepEqual(q.t, [T0 + 87891, T0 + 100000]);
  assert.deepEqual(q.bid, [61837.63, 61837.6]);
  assert.deepEqual(q.ask, [61837.64, 61837.7]);
  assert.deepEqual(q.price, [(61837.63 + 61837.64) / 2, (61837.6 + 61837.7) / 2]);
  assert.equal(q.report.format, 'exchange-quotes');
  assert.equal(q.report.timeColumn, 'time');
  assert.equal(q.report.timeUnit, 'iso');
  assert.equal(q.report.rows, 2);
  assert.equal(q.report.records, 2);
  assert.equal(q.report.firstTime, T0 + 87891);
  assert.equal(q.report.lastTime, T0 + 100000);
});

const TARDIS_HEADER = 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\n';

test('Tardis quotes: µs times, exchange clock by default, local clock on request', async () => {
  const path = tmpFile(
    'tardis-quotes.csv',
    TARDIS_HEADER +
      'binance-futures,BTCUSDT,1723161254087891,1723161254089000,0.5,61800.3,61800.2,1.2\n' +
      'binance-futures,BTCUSDT,1723161254090000,1723161254091500,0.5,61800.4,61800.3,1.2\n',
  );
  const q = await readQuotes(path);
  assert.deepEqual(q.t, [1723161254087891, 1723161254090000]);
  assert.deepEqual(q.bid, [61800.2, 61800.3]);
  assert.deepEqual(q.ask, [61800.3, 61800.4]);
  assert.equal(q.report.format, 'tardis-quotes');
  assert.equal(q.report.timeColumn, 'timestamp');
  assert.equal(q.report.timeUnit, 'us');
  const local = await readQuotes(path, { ...STRICT, clock: 'local' });
  assert.deepEqual(local.t, [1723161254089000, 1723161254091500]);
  assert.equal(local.report.timeColumn, 'local_timestamp');
});

test('Tardis quotes: a row with an empty bid or ask is skipped as a one-sided quote even in strict mode', async () => {
  const path = tmpFile(
    'tardis-onesided.csv',
    TARDIS_HEADER +
      'binance,BTCUSDT,1000000000000000,1000000000000001,0.5,101,100,1\n' +
      'binance,BTCUSDT,1000000000000010,1000000000000011,0.5,101,,\n' + // line 3: no bid
      'binance,BTCUSDT,1000000000000020,1000000000000021,,,100,1\n' + // line 4: no ask
      'binance,BTCUSDT,1000000000000030,1000000000000031,0.5,102,101,1\n',
  );
  const q = await readQuotes(path);
  assert.deepEqual(q.t, [1000000000000000, 1000000000000030]);
  assert.equal(q.report.rows, 4);
  assert.equal(q.report.goodRows, 2);
  assert.deepEqual(q.report.skipped, [{ kind: 'one-sided quote', count: 2, firstLines: [3, 4] }]);
});

test('Binance bookTicker: ms transaction_time, best bid/ask columns; event_time with --clock local', async () => {
  const path = tmpFile(
    'bookticker.csv',
    'update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time\n' +
      '4848,61800.10,3.2,61800.20,1.0,1723161254087,1723161254090\n',
  );
  const q = await readQuotes(path);
  assert.deepEqual(q.t, [1723161254087000]);
  assert.deepEqual(q.bid, [61800.1]);
  assert.deepEqual(q.ask, [61800.2]);
  assert.equal(q.report.format, 'binance-bookticker');
  assert.equal(q.report.timeColumn, 'transaction_time');
  assert.equal(q.report.timeUnit, 'ms');
  // --clock local reads when Binance sent the update (3 ms later here), still as bookTicker.
  const local = await readQuotes(path, { ...STRICT, clock: 'local' });
  assert.deepEqual(local.t, [1723161254090000]);
  assert.equal(local.report.format, 'binance-bookticker');
  assert.equal(local.report.timeColumn, 'event_time');
});

test('generic quotes: columns in any order, names trimmed and case-insensitive, extra columns ignored', async () => {
  const path = tmpFile('generic-order.csv', ' Ask , venue,TS_MS ,Bid\n101,x,1723161254087,100\n');
  const q = await readQuotes(path);
  assert.deepEqual(q.t, [1723161254087000]);
  assert.deepEqual(q.bid, [100]);
  assert.deepEqual(q.ask, [101]);
  assert.deepEqual(q.price, [100.5]);
  assert.equal(q.report.format, 'generic-quotes');
  assert.equal(q.report.timeColumn, 'TS_MS'); // matched in any case, reported as written (trimmed)
  assert.equal(q.report.timeUnit, 'ms');
});

test('generic quotes: a price or mid column gives bid = ask = price', async () => {
  for (const col of ['price', 'mid']) {
    const path = tmpFile(`generic-${col}.csv`, `t,${col}\n1723161254,61800.5\n1723161255,61801\n`);
    const q = await readQuotes(path);
    assert.deepEqual(q.t, [1723161254000000, 1723161255000000]);
    assert.deepEqual(q.price, [61800.5, 61801]);
    assert.deepEqual(q.bid, q.price);
    assert.deepEqual(q.ask, q.price);
    assert.equal(q.report.timeUnit, 's');
  }
});

test('generic quotes: bid_price/ask_price with ISO times under a "timestamp" column', async () => {
  const path = tmpFile('generic-iso.csv', 'timestamp,bid_price,ask_price\n2024-08-08T23:54:14.5Z,1,2\n');
  const q = await readQuotes(path);
  assert.deepEqual(q.t, [T0 + 500000]);
  assert.equal(q.report.timeUnit, 'iso');
});

test('numeric time units: suffix decides, else the first row magnitude, and timeUnit overrides both', async () => {
  // 1723161254087891 has magnitude 1.7e15: µs by magnitude.
  const byMagnitude = tmpFile('unit-mag.csv', 'time,bid,ask\n1723161254087891,1,2\n');
  assert.deepEqual((await readQuotes(byMagnitude)).t, [1723161254087891]);
  // The suffix says ns although the value would look like µs by magnitude: 1723161254087891 ns = 1723161254087 µs.
  const bySuffix = tmpFile('unit-suffix.csv', 'time_ns,bid,ask\n1723161254087891,1,2\n');
  const s = await readQuotes(bySuffix);
  assert.deepEqual(s.t, [1723161254087]);
  assert.equal(s.report.timeUnit, 'ns');
  const overridden = await readQuotes(bySuffix, { ...STRICT, timeUnit: 'us' });
  assert.deepEqual(overridden.t, [1723161254087891]);
  assert.equal(overridden.report.timeUnit, 'us');
  // Overriding the magnitude: 1723161254 read as ms is 1723161254000 µs (not seconds).
  const small = tmpFile('unit-override.csv', 'time,bid,ask\n1723161254,1,2\n');
  assert.deepEqual((await readQuotes(small, { ...STRICT, timeUnit: 'ms' })).t, [1723161254000]);
  const secondsFraction = tmpFile('unit-sec.csv', 'ts,bid,ask\n1723161254.0878915,1,2\n');
  assert.deepEqual((await readQuotes(secondsFraction)).t, [1723161254087891]);
  const nanos = tmpFile('unit-ns.csv', 'ts,bid,ask\n1723161254087891999,1,2\n');
  const n = await readQuotes(nanos);
  assert.deepEqual(n.t, [1723161254087891]);
  assert.equal(n.report.timeUnit, 'ns');
});

test('exchange trades: is_market_maker true → seller aggressor −1, false → +1', async () => {
  const path = tmpFile(
    'exchange-trades.csv',
    'time,symbol,price,quantity,is_market_maker\n' +
      '2024-08-08 23:54:14.087896+00:00,BTCUSDT,61837.63000000,0.02000000,true\n' +
      '2024-08-08 23:54:14.087896+00:00,BTCUSDT,61837.64000000,0.00009000,False\n',
  );
  const tr = await readTrades(path);
  assert.deepEqual(tr.t, [T0 + 87896, T0 + 87896]);
  assert.deepEqual(tr.price, [61837.63, 61837.64]);
  assert.deepEqual(tr.qty, [0.02, 0.00009]);
  assert.deepEqual(tr.side, [-1, 1]);
  assert.equal(tr.report.format, 'exchange-trades');
  assert.equal(tr.report.records, 2);
});

test('Tardis trades: side buy/sell → +1/−1, anything else → 0', async () => {
  const path = tmpFile(
    'tardis-trades.csv',
    'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n' +
      'binance,BTCUSDT,1723161254087891,1723161254089000,1,buy,61800.1,0.5\n' +
      'binance,BTCUSDT,1723161254087891,1723161254089001,2,sell,61800.0,0.25\n' +
      'binance,BTCUSDT,1723161254087900,1723161254089002,3,unknown,61800.0,1\n',
  );
  const tr = await readTrades(path);
  assert.deepEqual(tr.t, [1723161254087891, 1723161254087891, 1723161254087900]);
  assert.deepEqual(tr.side, [1, -1, 0]);
  assert.deepEqual(tr.qty, [0.5, 0.25, 1]);
  assert.equal(tr.report.format, 'tardis-trades');
});

test('Binance trades and aggTrades with headers: ms before 2025, µs after, by magnitude', async () => {
  const trades = tmpFile(
    'binance-trades.csv',
    'id,price,qty,quote_qty,time,is_buyer_maker\n1,61800.5,0.1,6180.05,1723161254087,true\n',
  );
  const tr = await readTrades(trades);
  assert.deepEqual(tr.t, [1723161254087000]);
  assert.deepEqual(tr.side, [-1]);
  assert.equal(tr.report.format, 'binance-trades');
  assert.equal(tr.report.timeUnit, 'ms');
  const agg = tmpFile(
    'binance-agg.csv',
    'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n' +
      '7,94000.1,0.3,10,12,1736899200123456,false\n',
  );
  const ag = await readTrades(agg);
  assert.deepEqual(ag.t, [1736899200123456]);
  assert.deepEqual(ag.side, [1]);
  assert.equal(ag.report.format, 'binance-aggtrades');
  assert.equal(ag.report.timeUnit, 'us');
});

test('Binance spot dumps without a header: 7 and 8 columns; the first line is data (line 1)', async () => {
  const seven = tmpFile('BTCUSDT-trades-2024-08-08.csv', '1,61800.5,0.1,6180.05,1723161254087,True,True\n2,61800.6,0.2,12360.12,1723161254090,False,True\n');
  const s = await readTrades(seven);
  assert.deepEqual(s.t, [1723161254087000, 1723161254090000]);
  assert.deepEqual(s.side, [-1, 1]);
  assert.deepEqual(s.qty, [0.1, 0.2]);
  assert.equal(s.report.format, 'binance-trades-noheader');
  assert.equal(s.report.rows, 2);
  const eight = tmpFile('BTCUSDT-aggTrades-2025-01-15.csv.gz', '7,94000.1,0.3,10,12,1736899200123456,false,true\n');
  const e = await readTrades(eight);
  assert.deepEqual(e.t, [1736899200123456]);
  assert.deepEqual(e.price, [94000.1]);
  assert.equal(e.report.format, 'binance-aggtrades-noheader');
  // Line numbers count the first line as data.
  const bad = tmpFile('noheader-bad.csv', '1,61800.5,0.1,6180.05,1723161254087,true,true\n2,-1,0.2,1,1723161254090,false,true\n');
  const err = await rejection(readTrades(bad));
  assert.equal(err.line, 2);
});

test('generic trades: time + price + size, optional side or is_buyer_maker', async () => {
  const a = tmpFile('generic-trades.csv', 'ts_us,price,size,side\n1723161254087891,100,2,Sell\n');
  const ta = await readTrades(a);
  assert.deepEqual(ta.t, [1723161254087891]);
  assert.deepEqual(ta.side, [-1]);
  assert.equal(ta.report.format, 'generic-trades');
  const b = tmpFile('generic-trades-maker.csv', 'time,price,amount,is_buyer_maker\n2024-08-08T23:54:14Z,100,2,false\n');
  assert.deepEqual((await readTrades(b)).side, [1]);
  const c = tmpFile('generic-trades-noside.csv', 'timestamp,qty,price\n1723161254087,2,100\n');
  const tc = await readTrades(c);
  assert.deepEqual(tc.side, [0]);
  assert.deepEqual(tc.qty, [2]);
});

test('a generic trades header given as quotes is refused, naming its quantity column; a price series is still quotes', async () => {
  // Each header fits the price-only quote layout (a time and `price`); a quantity beside the
  // price also makes it a generic trades header, and that is what refuses it as quotes.
  const refused: Array<[string, string]> = [
    ['time,symbol,price,qty,is_buyer_maker\n2024-08-08T23:54:14Z,BTCUSDT,100,2,true\n', 'qty'],
    ['ts_us,price,qty,side\n1723161254087891,100,2,buy\n', 'qty'],
    ['timestamp,price,size\n1723161254087,100,2\n', 'size'],
  ];
  for (const [content, qty] of refused) {
    const path = tmpFile('gtrades.csv', content);
    const e = await rejection(readQuotes(path));
    assert.ok(e instanceof DataError, content);
    assert.equal(e.line, 1);
    assert.match(e.message, new RegExp(`gtrades\\.csv:1: this is a trades file \\(a quantity column, ${qty}, beside the price\\), not quotes \\(trades go to classify --trades\\)`));
    assert.equal((await readTrades(path)).report.format, 'generic-trades'); // and it reads as what it is
  }
  // Naming the time column (format mapped-…) does not get a trades file past the rule.
  const mapped = tmpFile('gtrades-mapped.csv', 'Zeit,price,amount\n1723161254087,100,2\n');
  assert.match((await rejection(readQuotes(mapped, { ...STRICT, columns: { time: 'Zeit' } }))).message, /this is a trades file \(a quantity column, amount, beside the price\)/);
  // No quantity, no trades: a price series with other columns, and `last` with a size (a trade
  // price is named `price`, so this header is no trades header), are read as quotes.
  for (const content of ['ts_us,price,venue\n1723161254087891,100,x\n', 'ts_us,last,size\n1723161254087891,100,3\n']) {
    const q = await readQuotes(tmpFile('series.csv', content));
    assert.deepEqual(q.price, [100], content);
    assert.equal(q.report.format, 'generic-quotes', content);
  }
});

test('an unknown header is a data error at line 1 listing its columns, options that would map them, and the expected formats', async () => {
  const path = tmpFile('unknown.csv', 'foo,bar\n1,2\n');
  const e = await rejection(readQuotes(path));
  assert.ok(e instanceof DataError);
  assert.equal(e.line, 1);
  // No name says which is which: the first column is offered as the time, the next as the price.
  assert.match(e.message, /unknown\.csv:1: unrecognised quotes header with columns foo, bar; name them with options \(try --time-col foo --price-col bar\)/);
  assert.match(e.message, /Recognised without options: time,symbol,bid_price,ask_price/);
  assert.match(e.message, /Tardis/);
  assert.match(e.message, /"foo,bar"$/);
  const t = await rejection(readTrades(path));
  assert.match(t.message, /unrecognised trades header.*Binance spot dumps without a header/);
});

test('a file without a header line is said to have none, with a header line to add, not options named after its values', async () => {
  // Three numbers: no names at all. A line of some words and mostly numbers (a Tardis trade
  // without its header): data too. A header of names with one number among them stays a header.
  const q = await rejection(readQuotes(tmpFile('nohdr.csv', '1723118400000000,1,2\n1723118400000001,1,3\n')));
  assert.ok(q instanceof DataError);
  assert.equal(q.problem, "the first line holds no column names, only values (1723118400000000, 1, 2): the file has no header line (only Binance spot trade dumps are read without one); add one naming its 3 columns in order, `time` for the time, `bid` and `ask` (or one `price`) and any name for the rest: { echo 'NAME1,NAME2,NAME3'; cat FILE; } > named.csv (docs/input-formats.md)");
  const t = await rejection(readTrades(tmpFile('nohdr-t.csv', 'binance,BTCUSDT,1723118400411423,1723118400411854,3712345679,sell,59999.30,0.001\n')));
  assert.match(t.message, /no header line; add one naming its 8 columns in order, `time`, `price` and `qty` \(and `side`\) and any name for the rest: \{ echo 'NAME1,NAME2,NAME3,NAME4,NAME5,NAME6,NAME7,NAME8'; cat FILE; \}/);
  // A bookTicker without its header (7 numeric fields, as a Binance trade dump has): no header, not trades.
  const ticker = await rejection(readQuotes(tmpFile('ticker.csv', '48123456790,60000.00,1.000,60000.01,3.525,1723118400000,1723118400001\n')));
  assert.match(ticker.message, /the first line holds no column names, only values \(48123456790, .*\): the file has no header line/);
  const named = await rejection(readQuotes(tmpFile('names.csv', 'foo,bar,2024\n1,2,3\n')));
  assert.match(named.message, /unrecognised quotes header with columns foo, bar, 2024/);
});

test('a missing column is named', async () => {
  const cases: Array<[string, 'q' | 't', RegExp]> = [
    ['exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_amount\n', 'q', /missing column bid_price/],
    ['time,bid,venue\n', 'q', /missing column ask\b/],
    ['bid,ask\n', 'q', /missing time column/],
    ['time,price\n', 't', /missing column qty \(or quantity, amount, size, base_amount; or name it with --qty-col\)/],
    ['update_id,best_bid_price,best_bid_qty,best_ask_qty,transaction_time\n', 'q', /missing column best_ask_price for Binance bookTicker/],
  ];
  for (const [header, kind, re] of cases) {
    const path = tmpFile('missing.csv', `${header}1,2,3\n`);
    const e = await rejection(kind === 'q' ? readQuotes(path) : readTrades(path));
    assert.ok(e instanceof DataError, header);
    assert.equal(e.line, 1);
    assert.match(e.message, re, header);
  }
  const local = tmpFile('tardis-nolocal.csv', 'exchange,symbol,timestamp,ask_price,bid_price\nx,y,1,2,1\n');
  const e = await rejection(readQuotes(local, { ...STRICT, clock: 'local' }));
  assert.match(e.message, /missing column local_timestamp/);
});

test('CRLF line ends, a UTF-8 BOM, blank lines (counted in line numbers) and no final newline', async () => {
  const path = tmpFile('crlf.csv', '\uFEFF\r\ntime,bid,ask\r\n\r\n1723161254087891,1,2\r\n\n1723161254087892,1,3');
  const q = await readQuotes(path);
  assert.deepEqual(q.t, [1723161254087891, 1723161254087892]);
  assert.deepEqual(q.ask, [2, 3]);
  assert.equal(q.report.rows, 2);
  // Line 7 is the 3rd data row here: BOM+blank (1), header (2), blank (3), row (4), blank (5), row (6), bad row (7).
  const bad = tmpFile('crlf-bad.csv', '\uFEFF\r\ntime,bid,ask\r\n\r\n1723161254087891,1,2\r\n\n1723161254087892,1,3\r\n1723161254087893,x,3\r\n');
  const e = await rejection(readQuotes(bad));
  assert.equal(e.line, 7);
  assert.equal(e.value, 'x');
});

test('quoted fields anywhere, including the header and a quoted symbol with a comma and an escaped quote', async () => {
  // Every row names the symbol BTC,"USDT (quoted as "BTC,""USDT"), so all are one market's.
  const path = tmpFile(
    'quoted.csv',
    '"time","symbol","bid_price","ask_price"\n' +
      '"2024-08-08 23:54:14+00:00","BTC,""USDT","100.5",101\n' +
      '2024-08-08 23:54:15+00:00,"BTC,""USDT",100.25,"101"\n' +
      '2024-08-08 23:54:16+00:00,"BTC,""USDT",100,101\n',
  );
  const q = await readQuotes(path);
  assert.deepEqual(q.t, [T0, T0 + 1_000_000, T0 + 2_000_000]);
  assert.deepEqual(q.bid, [100.5, 100.25, 100]);
  // A symbol compares by its value, quoted or not: "BTCUSDT" and BTCUSDT are one.
  const mixed = tmpFile('quoted-symbol.csv', 'time,symbol,bid_price,ask_price\n2024-08-08 23:54:14+00:00,"BTCUSDT",1,2\n2024-08-08 23:54:15+00:00,BTCUSDT,1,3\n');
  assert.deepEqual((await readQuotes(mixed)).price, [1.5, 2]);
});

test('.gz files are decompressed (by name or by magic bytes)', async () => {
  const text = 'time,bid,ask\n1723161254087891,1,2\n1723161254087892,1,3\n';
  assert.deepEqual((await readQuotes(tmpFile('q.csv.gz', text))).t, [1723161254087891, 1723161254087892]);
  const { gzipSync } = await import('node:zlib');
  const sneaky = tmpFile('q-gzipped-without-suffix.csv', gzipSync(Buffer.from(text)));
  assert.deepEqual((await readQuotes(sneaky)).ask, [2, 3]);
});
