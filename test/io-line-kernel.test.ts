/**
 * The line kernel (src/io/line-kernel.ts, src/io/wasm/line-scan.wat) takes the common lines of
 * the fast path and must leave every read exactly as the JavaScript loop alone reads it: the
 * same ticks, bit for bit, the same batches, the same report and the same errors, whatever the
 * file holds and wherever the reads cut it. The JavaScript loop (`kernel: false`) is the
 * reference here; io-fastpath.test.ts holds both (kernel on, the default) to csv-parse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KERNEL_ROWS, LineKernel, kernelReads } from '../src/io/line-kernel.js';
import { LINE_SCAN_WASM } from '../src/io/line-scan-wasm.js';
import type { FormatPlan } from '../src/io/formats.js';
import type { InternalReadOptions } from '../src/io/reader.js';
import { kernelCheck } from '../scripts/build-wasm.js';
import { inspectInput } from '../src/io/inspect-scan.js';
import { mulberry32, readQuotes, readTrades, SKIP, STRICT, tmpFile } from './io-helpers.js';


test('the embedded kernel is src/io/wasm/line-scan.wat, compiled (npm run build:wasm after an edit)', async () => {
  const check = await kernelCheck('LINE_SCAN_WASM');
  assert.equal(LINE_SCAN_WASM, check.base64);
  assert.equal(check.onDisk, check.expected);
});

/** The members of a plan the kernel reads: `roles` per column (−1 not read). */
function planOf(roles: number[], delimiter = ','): FormatPlan {
  return { ncols: roles.length, colRole: Int8Array.from(roles), delimiter: delimiter.charCodeAt(0) } as unknown as FormatPlan;
}

/** A kernel with `text` at the start of its first buffer. */
function kernelWith(text: string, roles: number[]): { kernel: LineKernel; buf: Buffer; bytes: number } {
  const kernel = LineKernel.acquire(1 << 16)!;
  assert.ok(kernel, 'WebAssembly runs here');
  kernel.setPlan(planOf(roles));
  const buf = kernel.buffers[0];
  return { kernel, buf, bytes: buf.write(text, 0, 'latin1') };
}

test('the kernel takes plain lines with the numbers worked by hand, and stops at the first line it refuses', () => {
  // Columns: not read, time (role 0), price (role 3).
  const lines = ['x,1723118400000070,60003.97', 'y,5,0.5', 'z,6,-1', 'w,7,2'];
  const { kernel, buf, bytes } = kernelWith(lines.join('\n') + '\n', [-1, 0, 3]);
  try {
    assert.equal(kernel.scan(buf, 0, bytes, 0), 2);
    const t = kernel.columns[0]!;
    const price = kernel.columns[3]!;
    // 1723118400000070 · 10^0; 6000397 / 10^2 is the double nearest 60003.97; 5 / 10 = 0.5.
    assert.deepEqual([t[0], t[1]], [1723118400000070, 5]);
    assert.deepEqual([price[0], price[1]], [60003.97, 0.5]);
    // Line 3 ('-1', a sign) is refused: the kernel stops at its first byte (28 + 8 bytes in).
    const third = lines[0]!.length + 1 + lines[1]!.length + 1;
    assert.equal(kernel.stop(buf), third);
    assert.deepEqual([...kernel.lineStarts.subarray(0, 2)].map((a) => a - buf.byteOffset), [0, lines[0]!.length + 1]);
    // Asked again at the refused line, it takes nothing and stays there.
    assert.equal(kernel.scan(buf, third, bytes, 0), 0);
    assert.equal(kernel.stop(buf), third);
    // Past it, the last line: 7, 2.
    const fourth = third + lines[2]!.length + 1;
    assert.equal(kernel.scan(buf, fourth, bytes, 0), 1);
    assert.deepEqual([t[0], price[0], kernel.stop(buf)], [7, 2, bytes]);
  } finally {
    kernel.release();
  }
});

test('the kernel scales times by the time exponent and refuses what the loop would not take in its fused scan', () => {
  // Time in ms (exponent 3 to µs): '1723118400000.5' is 17231184000005 · 10^(3−1) µs.
  const cases: Array<[string, number | null]> = [
    ['1723118400000.5', 1723118400000500],
    ['1723118400000', 1723118400000000],
    ['1.2345', null], // 4 fractional digits > exponent 3
    ['9007199254740.992', null], // m itself is 9007199254740992 > 2^53 − 1
    ['9007199254741', null], // m < 2^53, but m · 10^3 = 9007199254741000 µs > 2^53 − 1
    ['9007199254740', 9007199254740000], // the largest ms time below 2^53 µs
    ['', null],
    [' 1', null],
    ['1e3', null],
    ['"1"', null],
    ['1\r', null],
  ];
  for (const [field, want] of cases) {
    const { kernel, buf, bytes } = kernelWith(`${field},1.5\n`, [0, 1]);
    try {
      const n = kernel.scan(buf, 0, bytes, 3);
      if (want === null) {
        assert.equal(n, 0, JSON.stringify(field));
        assert.equal(kernel.stop(buf), 0);
      } else {
        assert.equal(n, 1, JSON.stringify(field));
        assert.equal(kernel.columns[0]![0], want);
        assert.equal(kernel.columns[1]![0], 1.5);
      }
    } finally {
      kernel.release();
    }
  }
  // Values: up to 18 digits in all (leading zeros count; a longer field is the loop's); 2^53 − 1 and no more.
  const values: Array<[string, number | null]> = [
    ['0.00000000000000001', 1e-17], // 1 / 10^17, the double nearest 10^−17
    ['0.000000000000000001', null], // 19 digits
    ['0.0000000000000000000001', null],
    ['9007199254740991', 9007199254740991],
    ['9007199254740992', null],
    ['0000000000000000012', null], // 19 digits: left to the loop, which takes it
    ['.5', 0.5],
    ['5.', 5],
    ['.', null],
  ];
  for (const [field, want] of values) {
    const { kernel, buf, bytes } = kernelWith(`7,${field}\n`, [0, 1]);
    try {
      const n = kernel.scan(buf, 0, bytes, 0);
      assert.equal(n, want === null ? 0 : 1, JSON.stringify(field));
      if (want !== null) assert.equal(kernel.columns[1]![0], want);
    } finally {
      kernel.release();
    }
  }
});

test('the kernel reads runs of eight digits at once: exact values, and a non-digit at any place refused', () => {
  const MAX = 2n ** 53n - 1n;
  /** The rows the kernel takes of `text` (time exponent 0: a clock's v is its m), and row 0's values. */
  const take = (text: string): [number, number, number] => {
    const { kernel, buf, bytes } = kernelWith(text, [0, 1]);
    try {
      return [kernel.scan(buf, 0, bytes, 0), kernel.columns[0]![0]!, kernel.columns[1]![0]!];
    } finally {
      kernel.release();
    }
  };
  const refused = (text: string): boolean => take(text)[0] === 0;
  // Digit runs of every length to 19, with '0' and '9' (the ends of the digit range) among
  // them: a clock is taken when m ≤ 2^53 − 1 (BigInt says which), its value m; a value with
  // two decimals when its 18 digits or fewer make m ≤ 2^53 − 1, its value m / 100.
  const digits = '1029384756102938475';
  for (let len = 1; len <= 19; len++) {
    const field = digits.slice(0, len);
    const [n, t] = take(`${field},1\n`);
    if (BigInt(field) > MAX) assert.equal(n, 0, field);
    else assert.deepEqual([n, t], [1, Number(field)], field);
    const m = field + '25';
    const [nv, , v] = take(`1,${field}.25\n`);
    if (m.length > 18 || BigInt(m) > MAX) assert.equal(nv, 0, m);
    else assert.deepEqual([nv, v], [1, Number(m) / 100], m);
  }
  // A byte just outside '0'..'9' (':' above, '/' below), a control byte, and bytes of 0x80 and
  // up, at every place of the first two 8-byte steps of a run: never read as a digit.
  for (const odd of [':', '/', '\x7f', '\x80', '\xb9', '\xba', '\xc3', '\xff', ' ']) {
    for (let at = 0; at <= 17; at++) {
      const field = '1'.repeat(at) + odd + '5';
      assert.ok(refused(`${field},1\n`), `time ${JSON.stringify(field)}`);
      assert.ok(refused(`1,${field}\n`), `value ${JSON.stringify(field)}`);
      assert.ok(refused(`1,1.${field}\n`), `fraction ${JSON.stringify(field)}`);
    }
  }
});

test('the kernel refuses blank lines, lone CRs, quotes and lines with more or fewer fields than the header', () => {
  for (const line of ['', '\r', 'a\rb,1,2', 'a,1\r2,3', 'a,1,2\rx', '"a",1,2', 'a"b,1,2', 'a,1', 'a,1,2,3', 'a,1,2,']) {
    const { kernel, buf, bytes } = kernelWith(`${line}\n`, [-1, 0, 1]);
    try {
      assert.equal(kernel.scan(buf, 0, bytes, 0), 0, JSON.stringify(line));
    } finally {
      kernel.release();
    }
  }
  // CRLF ends, after a number and after a column not read: taken, the CR not part of the number.
  {
    const { kernel, buf, bytes } = kernelWith('a,1,2.5\r\nb,3,4\r\n', [-1, 0, 1]);
    try {
      assert.equal(kernel.scan(buf, 0, bytes, 0), 2);
      assert.deepEqual([kernel.columns[0]![0], kernel.columns[1]![0], kernel.columns[0]![1], kernel.columns[1]![1]], [1, 2.5, 3, 4]);
      assert.equal(kernel.stop(buf), bytes);
    } finally {
      kernel.release();
    }
    const crlf = kernelWith('1,2.5,a\r\n', [0, 1, -1]);
    try {
      assert.equal(crlf.kernel.scan(crlf.buf, 0, crlf.bytes, 0), 1);
    } finally {
      crlf.kernel.release();
    }
  }
  // Not read: anything but a quote or a CR, empty included.
  const { kernel, buf, bytes } = kernelWith(' -.+x\u00e9,1,2\n,3,4\n', [-1, 0, 1]);
  try {
    assert.equal(kernel.scan(buf, 0, bytes, 0), 2);
  } finally {
    kernel.release();
  }
});

test('the kernel compares a symbol column with the first symbol, byte for byte, and refuses any line while it is unknown', () => {
  // Columns: symbol (ROLE_SYMBOL, 7), time, price.
  const lines = ['BTCUSDT,1,2', 'BTCUSDT,3,4', 'BTCUSDT_PERP,5,6', 'BTCUSD,7,8', 'ETHUSDT,9,9', ',10,1', 'BTCUSDT,11,1'];
  const { kernel, buf, bytes } = kernelWith(lines.join('\n') + '\n', [7, 0, 3]);
  const at = (k: number) => lines.slice(0, k).reduce((s, l) => s + l.length + 1, 0);
  try {
    assert.equal(kernel.scan(buf, 0, bytes, 0), 0, 'no first symbol yet: the loop reads the first line');
    kernel.setSymbol(Buffer.from('BTCUSDT'));
    assert.equal(kernel.scan(buf, 0, bytes, 0), 2);
    assert.deepEqual([kernel.columns[0]![1], kernel.columns[3]![1]], [3, 4]); // nothing written for the symbol
    // A longer symbol with the first as its prefix, a shorter one, another, an empty one: each refused.
    for (const k of [2, 3, 4, 5]) {
      assert.equal(kernel.scan(buf, at(k), bytes, 0), 0, lines[k]);
      assert.equal(kernel.stop(buf), at(k));
    }
    assert.equal(kernel.scan(buf, at(6), bytes, 0), 1);
    // Eight bytes exactly (the last the one-word compare takes) and longer ones (compared byte by byte).
    for (const [first, same, other] of [['ETHUSDT1', 'ETHUSDT1,1,2', 'ETHUSDT2,1,2'], ['BTCUSD_PERP', 'BTCUSD_PERP,1,2', 'BTCUSD_PERQ,1,2'], ['BTCUSD_PERP', 'BTCUSD_PERP,1,2', 'BTCUSD_PERPX,1,2']] as const) {
      const k = kernelWith(`${same}\n${same}\n${other}\n`, [7, 0, 3]);
      try {
        k.kernel.setSymbol(Buffer.from(first));
        assert.equal(k.kernel.scan(k.buf, 0, k.bytes, 0), 2, `${first}: ${other}`);
        assert.equal(k.kernel.stop(k.buf), 2 * (same.length + 1));
      } finally {
        k.kernel.release();
      }
    }
    // A symbol the compare cannot bound by the line's end (a quoted field's line break), or one
    // holding the delimiter (a quoted "BTC,USDT": the unquoted BTC,USDT is two fields, a long row
    // to the loop), is never compared.
    kernel.setSymbol(Buffer.from('BTC\nUSDT'));
    assert.equal(kernel.scan(buf, 0, bytes, 0), 0);
    const comma = kernelWith('BTC,USDT,1,2\n', [7, 0, 3]);
    try {
      comma.kernel.setSymbol(Buffer.from('BTC,USDT'));
      assert.equal(comma.kernel.scan(comma.buf, 0, comma.bytes, 0), 0);
    } finally {
      comma.kernel.release();
    }
    // An empty first symbol is compared: empty fields taken, any other refused.
    const empty = kernelWith(',1,2\n,3,4\nX,5,6\n', [7, 0, 3]);
    try {
      empty.kernel.setSymbol(new Uint8Array(0));
      assert.equal(empty.kernel.scan(empty.buf, 0, empty.bytes, 0), 2);
    } finally {
      empty.kernel.release();
    }
  } finally {
    kernel.release();
  }
  // The symbol last, before a CRLF; a CR not before '\n' is refused.
  const crlf = kernelWith('1,2,BTCUSDT\r\n3,4,BTCUSDT\r\n5,6,BTCUSDT\rx\n', [0, 3, 7]);
  try {
    crlf.kernel.setSymbol(Buffer.from('BTCUSDT'));
    assert.equal(crlf.kernel.scan(crlf.buf, 0, crlf.bytes, 0), 2);
    assert.deepEqual([crlf.kernel.columns[0]![1], crlf.kernel.columns[3]![1]], [3, 4]);
  } finally {
    crlf.kernel.release();
  }
});

test('a symbol holding the delimiter, quoted in the first row and unquoted later, is a long row with the kernel on and off', async () => {
  // The review's file: the kernel compared 8 bytes of 'BTC,USDT,200,201' and read 200/201 as the prices.
  const path = tmpFile('kernel-delim-symbol.csv', 'time,symbol,bid,ask\n1723118400000000,"BTC,USDT",100,101\n1723118400000001,BTC,USDT,200,201\n' + '1723118400000002,"BTC,USDT",100,101\n'.repeat(2000));
  const layout = { kind: 'quotes' as const, header: '', cols: '', unit: 1, opts: {} };
  for (const skipBadRows of [false, true]) {
    const opts: InternalReadOptions = { ...STRICT, skipBadRows, kernel: true };
    const on = await outcome(path, layout, opts);
    assert.deepStrictEqual(on, await outcome(path, layout, { ...opts, kernel: false }), `skip ${skipBadRows}`);
    if (skipBadRows) assert.deepEqual((on as { ok: { report: { skipped: unknown } } }).ok.report.skipped, [{ kind: 'long row', count: 1, firstLines: [3] }]);
    else assert.match((on as { error: { message: string } }).error.message, /:3: long row: expected 4 fields, found 5/);
  }
});

test('a first row of the wrong shape does not set the symbol: --skip-bad-rows skips it alone, kernel on and off', async () => {
  // Row 2 has a decimal comma (5 fields for 4): its symbol is not the file's. Rows 3… are BTCUSDT.
  const path = tmpFile('kernel-first-long.csv', 'ts_us,bid,ask,symbol\n1723118400000000,60000,5,60000.01,BTCUSDT\n' + Array.from({ length: 2000 }, (_, i) => `${1723118400000001 + i},60000,60000.01,BTCUSDT\n`).join(''));
  const layout = { kind: 'quotes' as const, header: '', cols: '', unit: 1, opts: {} };
  for (const kernel of [true, false]) {
    const r = (await outcome(path, layout, { ...SKIP, kernel })) as { ok: { report: { skipped: unknown; goodRows: number } } };
    assert.deepEqual(r.ok.report.skipped, [{ kind: 'long row', count: 1, firstLines: [2] }], `kernel ${kernel}`);
    assert.equal(r.ok.report.goodRows, 2000);
  }
});

test('the kernel takes at most KERNEL_ROWS rows a call', () => {
  const text = Array.from({ length: KERNEL_ROWS + 3 }, (_, i) => `${i},1`).join('\n') + '\n';
  const kernel = LineKernel.acquire(text.length)!;
  try {
    kernel.setPlan(planOf([0, 1]));
    const buf = kernel.buffers[0];
    const bytes = buf.write(text, 0, 'latin1');
    assert.equal(kernel.scan(buf, 0, bytes, 0), KERNEL_ROWS);
    const stop = kernel.stop(buf);
    assert.equal(buf.toString('latin1', stop, stop + 6), `${KERNEL_ROWS},1`);
    assert.equal(kernel.scan(buf, stop, bytes, 0), 3);
    assert.deepEqual([...kernel.columns[0]!.subarray(0, 3)], [KERNEL_ROWS, KERNEL_ROWS + 1, KERNEL_ROWS + 2]);
  } finally {
    kernel.release();
  }
});

test('kernelReads: delimiters below "." and the roles the kernel writes only', () => {
  assert.equal(kernelReads(planOf([-1, 0, 1, 2])), true);
  assert.equal(kernelReads(planOf([0, 1, 2], '\t')), true);
  assert.equal(kernelReads(planOf([0, 1, 2], ';')), false);
  assert.equal(kernelReads(planOf([0, 3, 4, 5])), false); // a side column
  assert.equal(kernelReads(planOf([0, 7, 1, 2])), true); // a symbol column (ROLE_SYMBOL), compared
});

// ---- random files: kernel on and off read the same ----

interface Layout {
  readonly kind: 'quotes' | 'trades';
  readonly header: string;
  /** Per column: 't' time, 'v' a mapped value, 's' the symbol (compared with the first row's), 'x' not read. */
  readonly cols: string;
  /** The time's unit in the file: µs, ms or s. */
  readonly unit: number;
  readonly opts: Partial<InternalReadOptions>;
}

const LAYOUTS: readonly Layout[] = [
  { kind: 'quotes', header: 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount', cols: 'xstxxvvx', unit: 1, opts: {} },
  { kind: 'quotes', header: 'update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time', cols: 'xvxvxtx', unit: 1000, opts: {} },
  { kind: 'quotes', header: 'ts_us,bid,ask', cols: 'tvv', unit: 1, opts: {} },
  { kind: 'quotes', header: 'when,mark,note', cols: 'tvx', unit: 1e6, opts: { columns: { time: 'when', price: 'mark' }, timeUnit: 's' } },
  { kind: 'trades', header: 'ts,price,qty,venue', cols: 'tvvx', unit: 1000, opts: { columns: { time: 'ts', price: 'price', qty: 'qty' }, timeUnit: 'ms' } },
  // The symbol last: its field meets the line's end (a CRLF in a quarter of the files).
  { kind: 'quotes', header: 'ts_us,bid,ask,symbol', cols: 'tvvs', unit: 1, opts: {} },
];

/** A mapped field most of the time a plain decimal; with probability `edge` one of the lines the kernel must refuse or take exactly. */
function valueField(rnd: () => number, edge: number, base: number, bidAsk: number): string {
  if (rnd() < edge) {
    const odd = ['', '-1.5', '+2', '1e2', ' 3.5', '3.5 ', 'abc', '0', '0.0', '.5', '5.', '.', '00012.50', '1234567890123456789',
      '9007199254740991', '9007199254740992', '0.0000000000000000000001', '0.00000000000000000000001', 'NaN', 'Infinity', '"7.25"',
      '123456789012345678', '1e400', '0.1e1'];
    return odd[Math.floor(rnd() * odd.length)]!;
  }
  const d = Math.floor(rnd() * 9);
  return (base + bidAsk * 0.01 + rnd() * 0.5).toFixed(d);
}

function timeField(rnd: () => number, edge: number, micros: number, unit: number): string {
  if (rnd() < edge) {
    const odd = ['', '-5', 'x', `${micros / unit}.123456789`, '1e15', `${Math.floor(micros / unit) - 1000}`, `"${Math.floor(micros / unit)}"`, '9007199254740993'];
    return odd[Math.floor(rnd() * odd.length)]!;
  }
  // Fractions of the unit where it is coarser than a µs (a ms time with .5, a s time with .25).
  const v = micros / unit;
  return unit === 1 ? String(micros) : rnd() < 0.3 ? v.toFixed(Math.floor(rnd() * 4)) : String(Math.floor(v));
}

function otherField(rnd: () => number, edge: number): string {
  if (rnd() < edge) return ['', '"quoted, with a comma"', '"two\nlines"', 'a\rb', 'é', ' ', '-'][Math.floor(rnd() * 7)]!;
  return ['binance', 'BTCUSDT', '17', '0.001', 'x-y.z'][Math.floor(rnd() * 5)]!;
}

/** The symbol: mostly one, with probability `edge` another, a longer or shorter one, an empty or a quoted one. */
function symbolField(rnd: () => number, edge: number): string {
  if (rnd() < edge) return ['BTCUSDT_PERP', 'BTCUSD', 'ETHUSDT', '', '"BTCUSDT"', '"BTC,USDT"', 'btcusdt', 'BTCUSDT '][Math.floor(rnd() * 8)]!;
  return 'BTCUSDT';
}

function randomFile(seed: number, layout: Layout, rows: number, edge: number): string {
  const rnd = mulberry32(seed);
  const lines = [layout.header];
  let micros = 1723118400000000;
  for (let i = 0; i < rows; i++) {
    micros += Math.floor(rnd() * 3) * layout.unit;
    let v = 0;
    const fields = [...layout.cols].map((c) =>
      c === 't' ? timeField(rnd, edge, micros, layout.unit) : c === 'v' ? valueField(rnd, edge, 60000, v++) : c === 's' ? symbolField(rnd, edge) : otherField(rnd, edge),
    );
    if (rnd() < edge) fields.push('extra');
    if (rnd() < edge) fields.pop();
    lines.push(fields.join(','));
    if (rnd() < edge) lines.push('');
  }
  // CRLF in a quarter of the files, which meet every layout (seed % 5) in turn.
  const eol = seed % 4 === 0 ? '\r\n' : '\n';
  return lines.join(eol) + (seed % 3 === 0 ? '' : eol);
}

async function outcome(path: string, layout: Layout, opts: InternalReadOptions): Promise<unknown> {
  try {
    return { ok: layout.kind === 'trades' ? await readTrades(path, opts) : await readQuotes(path, opts) };
  } catch (e) {
    const err = e as Error & { line?: unknown; value?: unknown };
    return { error: { name: err.name, message: err.message, line: err.line, value: err.value } };
  }
}

/** Counts the rows the kernel takes while `run` runs (reads in this thread only). */
async function countTaken(run: () => Promise<void>): Promise<number> {
  const scan = LineKernel.prototype.scan;
  let taken = 0;
  LineKernel.prototype.scan = function (this: LineKernel, ...args: Parameters<typeof scan>) {
    const n = scan.apply(this, args);
    taken += n;
    return n;
  };
  try {
    await run();
  } finally {
    LineKernel.prototype.scan = scan;
  }
  return taken;
}

/**
 * Rows of the random file read at each read size; a file of fewer rows is the first rows of the
 * 1 000-row one (randomFile draws row by row). Reads of 256 KiB and 4 KiB, where the kernel
 * takes runs of many lines and batches of 512 fill, read all 1 000 (and `until`, `sort`). At
 * 61 bytes a read holds a line or two, taken a kernel call at a time (in the two wide layouts
 * the first line of more than about 60 bytes replaces the kernel's 124-byte buffers with grown
 * ones it does not own, and the loop reads the rest): 150 rows still give every layout and edge
 * rate, 71–143 kernel calls in each narrow-layout file a skipping read gets to the end of (up to
 * 65 of them refusals, at the 8 % rate), the kernel's buffers replaced after 1–53 rows in the
 * wide ones, strict reads ending in four kinds of error after 13–34 kernel rows, and lone-CR
 * errors in 10 files; more rows repeat these calls. At 7 bytes the kernel takes no row (its
 * 16-byte buffers never hold a whole line and are replaced before the first parse): those reads
 * check that a kernel whose buffers are gone changes nothing, which 50 rows show as well as 1 000.
 */
const ROWS_AT_READ: ReadonlyMap<number, number> = new Map([[1 << 18, 1000], [4096, 1000], [61, 150], [7, 50]]);

test('random files, strict and skipping, at several read sizes: kernel on == kernel off', async () => {
  let taken = 0;
  let rowsRead = 0;
  let stoppedEarly = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const layout = LAYOUTS[seed % LAYOUTS.length]!;
    // A third of the files almost clean (so strict reads get far), the rest full of odd lines.
    const edge = seed % 3 === 0 ? 0.0005 : seed % 3 === 1 ? 0.01 : 0.08;
    const paths = new Map<number, string>();
    const pathOf = (rows: number): string => {
      if (!paths.has(rows)) paths.set(rows, tmpFile(`kernel-${seed}-${rows}.csv`, randomFile(seed, layout, rows, edge)));
      return paths.get(rows)!;
    };
    // Reading stops at `until` (a time a third of the way in) or sorts: the validator's other
    // paths for the kernel's rows (QuoteValidator.bulk, TradeValidator.bulk).
    const until = 1723118400000000 + 330 * layout.unit;
    const modes: Array<[string, Partial<InternalReadOptions>]> = [['', {}], ['until', { until }], ['sort', { sort: true }]];
    for (const skipBadRows of [false, true]) {
      for (const [chunkBytes, rows] of ROWS_AT_READ) {
        if (chunkBytes === 7 && seed % 6 !== 0) continue; // 7-byte reads are slow: a sixth of the files, every layout
        const path = pathOf(rows);
        for (const [mode, extra] of modes) {
          if (mode !== '' && chunkBytes !== 4096) continue;
          const opts: InternalReadOptions = { ...STRICT, ...layout.opts, skipBadRows, chunkBytes, batchRows: 512, kernel: true, ...extra };
          const want = await outcome(path, layout, { ...opts, kernel: false });
          let got: unknown;
          taken += await countTaken(async () => {
            got = await outcome(path, layout, opts);
          });
          assert.deepStrictEqual(got, want, `seed ${seed} (${layout.header}), skip ${skipBadRows}, ${chunkBytes}-byte reads ${mode}`);
          const ok = (want as { ok?: { report: { rows: number; readUntil?: number } } }).ok;
          if (ok) rowsRead += ok.report.rows;
          if (ok?.report.readUntil !== undefined) stoppedEarly++;
        }
      }
    }
  }
  // The comparison means something only if the kernel took most rows.
  assert.ok(taken > 0.5 * rowsRead, `the kernel took ${taken} of ${rowsRead} rows`);
  assert.ok(stoppedEarly >= 10, `${stoppedEarly} reads stopped at until`);
});

/** Kernels acquired and released while `run` runs (reads in this thread only). */
async function kernelUse(run: () => Promise<unknown>): Promise<{ acquired: number; released: number }> {
  const acquire = LineKernel.acquire;
  const release = LineKernel.prototype.release;
  const use = { acquired: 0, released: 0 };
  LineKernel.acquire = (bytes: number) => {
    const k = acquire.call(LineKernel, bytes);
    if (k !== null) use.acquired++;
    return k;
  };
  LineKernel.prototype.release = function (this: LineKernel) {
    use.released++;
    release.call(this);
  };
  try {
    await run().catch(() => undefined);
  } finally {
    LineKernel.acquire = acquire;
    LineKernel.prototype.release = release;
  }
  return use;
}

test('a reader gives its kernel back however the read ends, and small reads take none', async () => {
  const t0 = 1723118400000000;
  const good = Array.from({ length: 400 }, (_, i) => `${t0 + i},${100 + i},${101 + i}`);
  const path = tmpFile('kernel-release.csv', ['ts_us,bid,ask', ...good].join('\n') + '\n');
  const bad = tmpFile('kernel-release-bad.csv', ['ts_us,bid,ask', ...good.slice(0, 200), `${t0 + 200},5,4`, ...good.slice(201)].join('\n') + '\n');
  // gzip's magic bytes, then garbage: opened as gzip, its first read fails (a plain text named
  // .gz is refused at the open, before any kernel).
  const notGzip = tmpFile('kernel-release.bin', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  const { rmSync, renameSync } = await import('node:fs');
  const corrupt = notGzip.replace(/\.bin$/, '.csv.gz');
  renameSync(notGzip, corrupt);
  const { readBatches } = await import('../src/io/reader.js');
  const drain = async (file: string, opts: Partial<InternalReadOptions>, stopAfter = Infinity) => {
    let n = 0;
    for await (const _ of readBatches(file, 'quotes', { ...STRICT, batchRows: 64, ...opts })) if (++n >= stopAfter) break;
  };
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['to the end', () => drain(path, {})],
    ['a strict error (a crossed quote on line 202)', () => drain(bad, {})],
    ['an early break', () => drain(path, {}, 1)],
    ['at until', () => drain(path, { until: t0 + 100 })],
    ['a first read that fails (corrupt gzip)', () => drain(corrupt, {})],
  ];
  for (const [what, run] of cases) {
    const use = await kernelUse(run);
    assert.deepEqual(use, { acquired: 1, released: 1 }, what);
  }
  // The first rows of a file, read 16 KiB at a time (multi.ts, each of a month of files): no kernel.
  assert.deepEqual(await kernelUse(() => drain(path, { chunkBytes: 16 << 10 })), { acquired: 0, released: 0 });
  rmSync(corrupt, { force: true });
});

test('bulk rules on the cases random files may miss: a zero price, backwards trades after a skipped row', async () => {
  const t0 = 1723118400000000;
  const files: Array<[string, string, 'quotes' | 'trades', Partial<InternalReadOptions>]> = [
    // One price per quote: a price of 0 is a non-positive price (skipped or the error), never kept.
    ['price-zero.csv', ['ts,price,x', `${t0},5,a`, `${t0 + 1},0,a`, `${t0 + 2},6,a`].join('\n') + '\n', 'quotes', { columns: { time: 'ts', price: 'price' }, timeUnit: 'us' }],
    // Trades: a bad row, then a row before the last kept one (backwards: its message names the
    // kept row's line, 5).
    [
      'trades-back.csv',
      ['ts,price,qty', `${t0},5,1`, `${t0 + 5},-5,1`, `${t0 + 10},6,1`, `${t0 + 20},7,1`, `${t0 + 15},8,1`, `${t0 + 30},9,1`].join('\n') + '\n',
      'trades',
      { columns: { time: 'ts', price: 'price', qty: 'qty' }, timeUnit: 'us' },
    ],
  ];
  for (const [name, text, kind, layoutOpts] of files) {
    const path = tmpFile(name, text);
    const layout = { kind } as Layout;
    for (const skipBadRows of [false, true]) {
      const opts: InternalReadOptions = { ...STRICT, ...layoutOpts, skipBadRows, kernel: true };
      const want = await outcome(path, layout, { ...opts, kernel: false });
      let got: unknown;
      const taken = await countTaken(async () => {
        got = await outcome(path, layout, opts);
      });
      // (Strict reads of the trades stop at line 3, before the kernel has taken a row.)
      if (skipBadRows) assert.ok(taken > 0, `${name}: the kernel took rows`);
      assert.deepStrictEqual(got, want, `${name}, skip ${skipBadRows}`);
    }
  }
});

test("the kernel reads inspect's second clock (its column 5) with its own exponent, worked by hand", () => {
  // Columns: time in µs (role 0, exponent 0), the second clock in ms (kernel column 5, exponent 3), a price.
  const text = '1723118400000070,1723118400000.5,2.5\n1723118400000071,1723118400001,3\n';
  const { kernel, buf, bytes } = kernelWith(text, [0, 5, 3]);
  try {
    assert.equal(kernel.scan(buf, 0, bytes, 0, 3), 2);
    // 17231184000005 · 10^(3−1) and 1723118400001 · 10^3 µs.
    assert.deepEqual([kernel.columns[5]![0], kernel.columns[5]![1]], [1723118400000500, 1723118400001000]);
    assert.deepEqual([kernel.columns[0]![0], kernel.columns[3]![1]], [1723118400000070, 3]);
    // Its exponent −1 (a second clock not known as epoch numbers) refuses every line; so do more
    // fractional digits than its exponent (0: a µs clock with .5).
    assert.equal(kernel.scan(buf, 0, bytes, 0, -1), 0);
    assert.equal(kernel.scan(buf, 0, bytes, 0, 0), 0);
    assert.equal(kernel.stop(buf), 0);
  } finally {
    kernel.release();
  }
});

/**
 * Layouts with two clocks: the time column `t`, the other clock `c` (a latency later, in units of
 * `clockUnit` µs), values `v`. The last has clocks in different units (µs and ms, each decided
 * by its own first value), so each clock must be read with its own exponent.
 */
const TWO_CLOCKS: readonly { header: string; cols: string; unit: number; clockUnit: number }[] = [
  { header: 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount', cols: 'xxtcxvvx', unit: 1, clockUnit: 1 },
  { header: 'update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time', cols: 'xvxvxtc', unit: 1000, clockUnit: 1000 },
  { header: 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount', cols: 'xxtcxxvv', unit: 1, clockUnit: 1 },
  { header: 'timestamp,local_timestamp,bid_price,ask_price', cols: 'tcvv', unit: 1, clockUnit: 1000 },
];

function twoClockFile(seed: number, layout: (typeof TWO_CLOCKS)[number], rows: number, edge: number): string {
  const rnd = mulberry32(seed);
  const lines = [layout.header];
  let micros = 1723118400000000;
  for (let i = 0; i < rows; i++) {
    micros += Math.floor(rnd() * 3) * layout.unit;
    const latency = Math.floor(rnd() * 40) * layout.clockUnit;
    let v = 0;
    const fields = [...layout.cols].map((c) =>
      c === 't' ? timeField(rnd, edge, micros, layout.unit) : c === 'c' ? timeField(rnd, edge, micros + latency, layout.clockUnit) : c === 'v' ? valueField(rnd, edge, 60000, v++) : otherField(rnd, edge),
    );
    if (rnd() < edge) fields.push('extra');
    if (rnd() < edge) fields.pop();
    lines.push(fields.join(','));
  }
  return lines.join('\n') + '\n';
}

test("inspect's scan with both clocks: kernel on == kernel off (every count, quantile and first line), whichever clock is the time", async () => {
  let taken = 0;
  let rows = 0;
  // Two files per layout, each with its own share of odd lines.
  for (let seed = 1; seed <= 8; seed++) {
    const layout = TWO_CLOCKS[seed % TWO_CLOCKS.length]!;
    const edge = seed % 3 === 0 ? 0.0005 : seed % 3 === 1 ? 0.01 : 0.08;
    const path = tmpFile(`inspect-kernel-${seed}.csv`, twoClockFile(seed, layout, 1500, edge));
    for (const clock of ['exchange', 'local'] as const) {
      // Each scan zeroes and reads its histograms (a 10 ms gap histogram here, not the default 1 s):
      // whole reads for both clocks, 61-byte reads and sorting for one each.
      const reads = clock === 'exchange' ? [[1 << 18, false], [61, false]] : [[1 << 18, false], [4096, true]];
      for (const [chunkBytes, sort] of reads as [number, boolean][]) {
        const opts = { clock, chunkBytes, sort, histogramUs: 10_000 };
        const want = await inspectOutcome(path, { ...opts, kernel: false });
        let got: unknown;
        taken += await countTaken(async () => {
          got = await inspectOutcome(path, { ...opts, kernel: true });
        });
        assert.deepStrictEqual(got, want, `seed ${seed} (${layout.header}), clock ${clock}, ${chunkBytes}-byte reads${sort ? ', sorted' : ''}`);
        rows += (want as { ok?: { rows: number } }).ok?.rows ?? 0;
      }
    }
  }
  // The comparison means something only if the kernel took most rows (both clocks included).
  assert.ok(taken > 0.5 * rows, `the kernel took ${taken} of ${rows} rows`);
});

async function inspectOutcome(path: string, opts: Parameters<typeof inspectInput>[1]): Promise<unknown> {
  try {
    // NaN quantiles and the like compare by value with deepStrictEqual; JSON would turn them into null.
    return { ok: await inspectInput(path, opts) };
  } catch (e) {
    const err = e as Error & { line?: unknown; value?: unknown };
    return { error: { name: err.name, message: err.message, line: err.line, value: err.value } };
  }
}

test('a lone CR or a quote after lines the kernel took is met at its own line, kernel on and off', async () => {
  // 3 000 plain lines (the kernel takes them) around one odd line in an unread column, all in
  // the first 1 MiB read: the JavaScript loop meets the odd line only after the kernel's rows,
  // so the buffer's searches for quotes and lone CRs must still find it there.
  const header = 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount';
  const line = (i: number, exchange: string) => `${exchange},BTCUSDT,${1723118400000000 + i * 1000},${1723118400000500 + i * 1000},1.5,60001.5,60001.0,2.25`;
  const fileWith = (name: string, odd: string) => {
    const rows = Array.from({ length: 3000 }, (_, i) => line(i, i === 2000 ? odd : 'binance'));
    return tmpFile(name, [header, ...rows].join('\n') + '\n');
  };
  const loneCr = fileWith('kernel-lone-cr.csv', 'bin\rance');
  for (const kernel of [true, false]) {
    for (const skipBadRows of [false, true]) {
      const err = await readQuotes(loneCr, { ...STRICT, skipBadRows, kernel }).then(
        () => assert.fail('a lone CR must stop the read'),
        (e: Error & { line?: number }) => e,
      );
      // Line 1 is the header, row i is on line i + 2.
      assert.equal(err.line, 2002, `kernel ${kernel}, skip ${skipBadRows}`);
      assert.match(err.message, /lone CR/);
    }
  }
  // A quoted unread field holding the delimiter: one field, so the row is read as the others.
  const quoted = fileWith('kernel-quote.csv', '"bin,ance"');
  const plain = fileWith('kernel-plain.csv', 'binance');
  const unnamed = (q: Awaited<ReturnType<typeof readQuotes>>) => ({ ...q, report: { ...q.report, file: '' } });
  const want = unnamed(await readQuotes(plain, { ...STRICT, kernel: false }));
  for (const kernel of [true, false]) assert.deepEqual(unnamed(await readQuotes(quoted, { ...STRICT, kernel })), want, `kernel ${kernel}`);
});
