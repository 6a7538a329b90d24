/**
 * The byte-level parser against the csv-parse reference path, the worker against the
 * in-thread reader, stdin and streams against files — over many generated files in
 * every format with the awkward cases (CRLF, BOM, blank lines, quoted fields, mixed
 * fractional digits, exponents, long mantissas, bad rows), in strict and skip mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openInput } from '../src/io/sources.js';
import type { InternalReadOptions } from '../src/io/reader.js';
import { STRICT, mulberry32, readQuotes, readTrades, tmpFile, type Quotes, type Trades } from './io-helpers.js';

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

interface Layout {
  readonly kind: 'quotes' | 'trades';
  readonly header: string[] | null;
  /** Fields of one row at time µs, bid/ask (or price) and quantity. */
  row(rnd: Rnd, us: number, lo: string, hi: string, qty: string): string[];
  readonly timeStyle: 'iso' | 'us' | 'ms' | 's' | 'ns';
}

function isoText(rnd: Rnd, us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const base = d.toISOString().slice(0, 19).replace('T', pick(rnd, ['T', ' ']));
  const frac = String(us % 1_000_000).padStart(6, '0') + String(Math.floor(rnd() * 1000)).padStart(3, '0');
  const digits = Math.floor(rnd() * 10);
  const zone = pick(rnd, ['', 'Z', '+00:00', '+0000', '+00', '-00:00']);
  return `${base}${digits ? '.' + frac.slice(0, digits) : ''}${zone}`;
}

function timeText(rnd: Rnd, style: Layout['timeStyle'], us: number): string {
  switch (style) {
    case 'iso':
      return isoText(rnd, us);
    case 'us':
      return String(us);
    case 'ms':
      return String(Math.floor(us / 1000)) + (rnd() < 0.2 ? '.' + String(us % 1000).padStart(3, '0') : '');
    case 's':
      return String(Math.floor(us / 1e6)) + '.' + String(us % 1e6).padStart(6, '0').slice(0, 1 + Math.floor(rnd() * 6));
    case 'ns':
      return String(us) + String(Math.floor(rnd() * 1000)).padStart(3, '0');
  }
}

const LAYOUTS: Layout[] = [
  { kind: 'quotes', header: ['time', 'symbol', 'bid_price', 'ask_price'], timeStyle: 'iso', row: (r, t, lo, hi) => [isoText(r, t), 'BTCUSDT', lo, hi] },
  {
    kind: 'quotes',
    header: ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'ask_amount', 'ask_price', 'bid_price', 'bid_amount'],
    timeStyle: 'us',
    row: (_r, t, lo, hi, q) => ['binance-futures', 'BTCUSDT', String(t), String(t + 1500), q, hi, lo, q],
  },
  {
    kind: 'quotes',
    header: ['update_id', 'best_bid_price', 'best_bid_qty', 'best_ask_price', 'best_ask_qty', 'transaction_time', 'event_time'],
    timeStyle: 'ms',
    row: (r, t, lo, hi, q) => ['77', lo, q, hi, q, timeText(r, 'ms', t), String(Math.floor(t / 1000) + 3)],
  },
  { kind: 'quotes', header: ['ts_ns', 'Bid', 'ASK'], timeStyle: 'ns', row: (r, t, lo, hi) => [timeText(r, 'ns', t), lo, hi] },
  { kind: 'quotes', header: ['t', 'price'], timeStyle: 's', row: (r, t, lo) => [timeText(r, 's', t), lo] },
  { kind: 'quotes', header: ['venue', 'mid', 'timestamp'], timeStyle: 'iso', row: (r, t, lo) => ['x', lo, isoText(r, t)] },
  { kind: 'trades', header: ['time', 'symbol', 'price', 'quantity', 'is_market_maker'], timeStyle: 'iso', row: (r, t, lo, _h, q) => [isoText(r, t), 'BTCUSDT', lo, q, pick(r, ['true', 'false', 'True'])] },
  {
    kind: 'trades',
    header: ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'id', 'side', 'price', 'amount'],
    timeStyle: 'us',
    row: (r, t, lo, _h, q) => ['binance', 'BTCUSDT', String(t), String(t + 900), '5', pick(r, ['buy', 'sell', 'unknown']), lo, q],
  },
  { kind: 'trades', header: ['id', 'price', 'qty', 'quote_qty', 'time', 'is_buyer_maker'], timeStyle: 'ms', row: (r, t, lo, _h, q) => ['1', lo, q, '9.5', timeText(r, 'ms', t), pick(r, ['true', 'false'])] },
  { kind: 'trades', header: null, timeStyle: 'ms', row: (r, t, lo, _h, q) => ['1', lo, q, '9.5', String(Math.floor(t / 1000)), pick(r, ['true', 'false']), 'true'] },
  { kind: 'trades', header: null, timeStyle: 'us', row: (r, t, lo, _h, q) => ['7', lo, q, '1', '2', String(t), pick(r, ['true', 'false']), 'true'] },
  { kind: 'trades', header: ['time_us', 'size', 'price', 'side'], timeStyle: 'us', row: (r, t, lo, _h, q) => [String(t), q, lo, pick(r, ['buy', 'SELL', ''])] },
];

function priceText(rnd: Rnd, v: number): string {
  const style = rnd();
  if (style < 0.7) return v.toFixed(Math.floor(rnd() * 9));
  if (style < 0.8) return v.toExponential(Math.floor(rnd() * 6));
  if (style < 0.9) return v.toFixed(2) + '0'.repeat(20); // a long mantissa → text path
  return String(v);
}

/** A random bad field or row, as text (some are only bad for some layouts). */
function corrupt(rnd: Rnd, fields: string[]): string[] {
  const f = [...fields];
  const i = Math.floor(rnd() * f.length);
  switch (Math.floor(rnd() * 6)) {
    case 0:
      f[i] = pick(rnd, ['', 'x', 'NaN', 'Infinity', '-1', '0', '1e999', ' ']);
      return f;
    case 1:
      return f.slice(0, Math.max(1, f.length - 1 - Math.floor(rnd() * 2)));
    case 2:
      f[i] = `"${f[i]}"`;
      return f;
    case 3:
      return [...f, 'extra'];
    default:
      f[i] = '';
      return f;
  }
}

interface Generated {
  readonly path: string;
  readonly kind: 'quotes' | 'trades';
  readonly text: string;
}

/** A random file: layout, line ends, BOM, blank lines, quoting, bursts, backwards times and bad rows. */
function generate(seed: number, withBadRows: boolean): Generated {
  const rnd = mulberry32(seed);
  const layout = pick(rnd, LAYOUTS);
  const eol = rnd() < 0.3 ? '\r\n' : '\n';
  const lines: string[] = [];
  if (layout.header) lines.push(layout.header.map((h) => (rnd() < 0.1 ? `"${h}"` : h)).join(','));
  let us = 1_723_161_254_000_000 + Math.floor(rnd() * 1e9);
  let mid = 100 + rnd() * 60000;
  const n = 1 + Math.floor(rnd() * 60);
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.05) lines.push('');
    const step = rnd();
    if (step < 0.2) us += 0; // burst
    else if (step < 0.23 && withBadRows) us -= Math.floor(rnd() * 3000); // backwards
    else us += Math.floor(rnd() * 5000);
    mid *= 1 + (rnd() - 0.5) * 0.002;
    const spread = rnd() < 0.1 ? 0 : rnd() * 0.5;
    const lo = priceText(rnd, mid);
    const hi = spread === 0 ? lo : priceText(rnd, mid + spread);
    const qty = priceText(rnd, rnd() * 3 + 0.001);
    let fields = layout.row(rnd, us, lo, hi, qty);
    if (rnd() < 0.1) fields = fields.map((f) => (rnd() < 0.3 ? `"${f.replace(/"/g, '""')}"` : f));
    if (withBadRows && rnd() < 0.12) fields = corrupt(rnd, fields);
    lines.push(fields.join(','));
  }
  let text = (rnd() < 0.3 ? '\uFEFF' : '') + lines.join(eol) + (rnd() < 0.8 ? eol : '');
  if (rnd() < 0.1) text = eol + text.replace(/^\uFEFF/, '');
  const path = tmpFile(`gen-${seed}${rnd() < 0.2 ? '.csv.gz' : '.csv'}`, text);
  return { path, kind: layout.kind, text };
}

type Outcome = { ok: Quotes | Trades } | { error: { name: string; message: string; line: unknown; value: unknown } };

async function outcome(g: Generated, opts: InternalReadOptions): Promise<Outcome> {
  try {
    return { ok: g.kind === 'quotes' ? await readQuotes(g.path, opts) : await readTrades(g.path, opts) };
  } catch (e) {
    const err = e as Error & { line?: unknown; value?: unknown };
    return { error: { name: err.name, message: err.message, line: err.line, value: err.value } };
  }
}

/** deepEqual that tells NaN from NaN and -0 from 0 like Object.is. */
function assertSame(a: Outcome, b: Outcome, what: string): void {
  assert.deepStrictEqual(a, b, what);
}

// LEADLAG_IO_SEEDS=5000 runs a longer soak of the same comparisons.
const SEEDS = Array.from({ length: Number(process.env.LEADLAG_IO_SEEDS ?? 300) }, (_, i) => 1000 + i);

test('fast parser == csv-parse path on 300 generated files, strict and skip mode (same batches, reports and errors)', async () => {
  let errors = 0;
  let oks = 0;
  for (const seed of SEEDS) {
    const g = generate(seed, seed % 3 !== 0);
    for (const skipBadRows of [false, true]) {
      const base = { ...STRICT, skipBadRows, batchRows: 7 };
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
  for (const seed of SEEDS.slice(0, 60)) {
    const g = generate(seed, seed % 2 === 0);
    const whole = await outcome(g, { ...STRICT, skipBadRows: true });
    for (const chunkBytes of [1, 3, 17, 64]) {
      assertSame(await outcome(g, { ...STRICT, skipBadRows: true, chunkBytes }), whole, `seed ${seed} chunk ${chunkBytes}`);
    }
  }
});

test('worker == in-thread on generated files, errors included (same class, message, line, value)', async () => {
  for (const seed of SEEDS.slice(0, 40)) {
    const g = generate(seed, seed % 2 === 0);
    for (const skipBadRows of [false, true]) {
      const inThread = await outcome(g, { ...STRICT, skipBadRows, batchRows: 5 });
      const worker = await outcome(g, { ...STRICT, skipBadRows, batchRows: 5, worker: true });
      assertSame(worker, inThread, `seed ${seed}`);
    }
  }
});

test('worker: a file of many batches arrives complete and in order under backpressure (batchRows 1)', async () => {
  const body = Array.from({ length: 500 }, (_, i) => `${1723161254000000 + i},1,${2 + i}`).join('\n');
  const path = tmpFile('many-batches.csv', 'time,bid,ask\n' + body + '\n');
  const w = await readQuotes(path, { ...STRICT, batchRows: 1, worker: true });
  assert.equal(w.lengths.length, 500);
  assert.deepEqual(w.t, Array.from({ length: 500 }, (_, i) => 1723161254000000 + i));
});

test('worker: an early break stops the worker and the source can be read again', async () => {
  const body = Array.from({ length: 100 }, (_, i) => `${1723161254000000 + i},1,2`).join('\n');
  const path = tmpFile('early-break.csv', 'time,bid,ask\n' + body + '\n');
  const { openQuotes } = await import('../src/io/sources.js');
  const src = openQuotes(path, { ...STRICT, batchRows: 10, worker: true });
  for await (const b of src) {
    assert.equal(b.length, 10);
    break;
  }
  assert.throws(() => src.report(), /available once/);
  let n = 0;
  for await (const b of src) n += b.length;
  assert.equal(n, 100);
  assert.equal(src.report().records, 100);
});

test('two files opened at once are read concurrently (two workers) with the same results as one by one', async () => {
  const a = generate(5001, false);
  const b = generate(5002, false);
  const [ra, rb] = await Promise.all([outcome(a, { ...STRICT, worker: true }), outcome(b, { ...STRICT, worker: true })]);
  assertSame(ra, await outcome(a, STRICT), 'a');
  assertSame(rb, await outcome(b, STRICT), 'b');
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

test('`-` reads stdin (plain and gzip) in a child process', () => {
  const sources = fileURLToPath(new URL('../src/io/sources.js', import.meta.url));
  const script = `
    import { openQuotes } from ${JSON.stringify(sources)};
    const src = openQuotes('-', { clock: 'exchange', sort: false, skipBadRows: false });
    const t = [];
    for await (const b of src) t.push(...b.t);
    console.log(JSON.stringify({ t, report: src.report() }));
  `;
  const text = 'time,bid,ask\n1723161254087891,1,2\n1723161254087895,1,3\n';
  for (const input of [Buffer.from(text), gzipSync(Buffer.from(text))]) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { t: number[]; report: { file: string; rows: number } };
    assert.deepEqual(out.t, [1723161254087891, 1723161254087895]);
    assert.equal(out.report.file, '<stdin>');
    assert.equal(out.report.rows, 2);
  }
  const bad = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: 'time,bid,ask\n1,x,2\n', encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /<stdin>:2: non-numeric bid in column bid: "x"/);
});

test('the worker entry exists in the compiled layout next to sources.js', () => {
  const worker = fileURLToPath(new URL('../src/io/worker.js', import.meta.url));
  assert.match(readFileSync(worker, 'utf8'), /parentPort/);
});
