/**
 * Random tick files for the reader's equivalence tests (io-paths.test.ts, reader-threads.test.ts):
 * every layout with the awkward cases (CRLF, BOM, blank lines, quoted fields, mixed fractional
 * digits, exponents, long mantissas, bad rows), and the outcome of reading one (batches and
 * report, or the error) in a form deepStrictEqual can compare.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { InternalReadOptions } from '../src/io/reader.js';
import { mulberry32, readQuotes, readTrades, tmpFile, type Quotes, type Trades } from './io-helpers.js';
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

export interface Generated {
  readonly path: string;
  readonly kind: 'quotes' | 'trades';
  readonly text: string;
  /** The file's bytes (gzipped for a .gz path). */
  readonly bytes: Buffer;
}

/** A random file: layout, line ends, BOM, blank lines, quoting, bursts, backwards times and bad rows. */
export function generate(seed: number, withBadRows: boolean): Generated {
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
  return { path, kind: layout.kind, text, bytes: readFileSync(path) };
}

export type Outcome = { ok: Quotes | Trades } | { error: { name: string; message: string; line: unknown; value: unknown } };

/**
 * Reads `g` to the end: from its file, or from its bytes in memory as a stream (`memory`). The
 * parser is handed reads of at most `chunkBytes` either way; the file costs an open, a stat, a
 * close and a system call per read: ~10× the time of parsing these tiny files.
 */
export async function outcome(g: Generated, opts: InternalReadOptions, from: 'file' | 'memory' = 'file'): Promise<Outcome> {
  const input = from === 'file' ? g.path : { stream: Readable.from([g.bytes]), name: g.path };
  try {
    return { ok: g.kind === 'quotes' ? await readQuotes(input, opts) : await readTrades(input, opts) };
  } catch (e) {
    const err = e as Error & { line?: unknown; value?: unknown };
    return { error: { name: err.name, message: err.message, line: err.line, value: err.value } };
  }
}

/** deepEqual that tells NaN from NaN and -0 from 0 like Object.is. */
export function assertSame(a: Outcome, b: Outcome, what: string): void {
  assert.deepStrictEqual(a, b, what);
}

// LEADLAG_IO_SEEDS=5000 runs a longer soak of the same comparisons.
export const SEEDS = Array.from({ length: Number(process.env.LEADLAG_IO_SEEDS ?? 250) }, (_, i) => 1000 + i);

/**
 * A read size every generated file fits in (they are at most a few kB), so a read with it takes
 * the same path as the 1 MiB default — one read of the whole file — without allocating 1 MiB
 * buffers for each of the thousands of small reads, which made the garbage collector the cost.
 * Reads this small do not take the line kernel by default (reader.ts, KERNEL_MIN_READ): the
 * tests that read with ONE_READ ask for it (`kernel: true`), as the default read would take it.
 */
export const ONE_READ = 1 << 16;

/**
 * A batch size above any generated file's row count (at most 60): a read hands on one batch, as
 * with the default of 16 384 rows, without allocating two 512 KiB batch buffers for every read.
 */
export const ONE_BATCH = 1024;
