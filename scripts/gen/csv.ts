/**
 * CSV output of the synthetic data: byte sinks (file, memory), the buffered
 * ASCII `LineWriter` and ISO time writer, and the quote and trade writers for
 * the Tardis, exchange, Binance and generic layouts. Each writer draws its
 * cosmetic randomness from its own stream, so the rows never depend on the
 * format.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RowSink } from './generator.js';
import type { QuoteRows, TradeRows } from './model.js';
import { Rng, STREAM } from './rng.js';

// ─────────────────────────────── byte output ───────────────────────────────

/** Where a writer's bytes go: a file descriptor, or memory (fixtures and tests). */
export interface ByteSink {
  put(bytes: Uint8Array): void;
  close(): void;
}

export class FileSink implements ByteSink {
  private readonly fd: number;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  put(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }
  close(): void {
    closeSync(this.fd);
  }
}

export class MemorySink implements ByteSink {
  private readonly parts: Buffer[] = [];
  put(bytes: Uint8Array): void {
    this.parts.push(Buffer.from(bytes));
  }
  close(): void {}
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const BUFFER_BYTES = 1 << 22;

/**
 * ASCII writer into a 4 MB buffer, flushed to the sink when nearly full: lines
 * are built byte by byte (no per-row strings), one write call per 4 MB.
 */
export class LineWriter {
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;
  private readonly scratch = new Uint8Array(24);

  constructor(private readonly sink: ByteSink) {}

  /** Call once per row: makes room for a line of up to 1 KB. */
  reserve(): void {
    if (this.pos > BUFFER_BYTES - 1024) this.flush();
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer < 2^53 in decimal. */
  uint(n: number): void {
    if (n >= 1e9) {
      const hi = Math.floor(n / 1e9);
      this.uint(hi);
      this.padded(n - hi * 1e9, 9);
      return;
    }
    let v = n | 0;
    let k = 0;
    do {
      this.scratch[k++] = 48 + (v % 10);
      v = (v / 10) | 0;
    } while (v > 0);
    while (k > 0) this.buf[this.pos++] = this.scratch[--k] ?? 48;
  }

  /** `v` (< 10^width, non-negative) with leading zeros to `width` digits. */
  padded(v: number, width: number): void {
    let x = v;
    for (let i = width - 1; i >= 0; i--) {
      const q = Math.floor(x / 10);
      this.buf[this.pos + i] = 48 + (x - q * 10);
      x = q;
    }
    this.pos += width;
  }

  /** `units / 10^decimals` with exactly `decimals` fractional digits. */
  fixed(units: number, decimals: number): void {
    const scale = 10 ** decimals;
    const whole = Math.floor(units / scale);
    this.uint(whole);
    if (decimals > 0) {
      this.byte(46);
      this.padded(units - whole * scale, decimals);
    }
  }

  flush(): void {
    if (this.pos > 0) this.sink.put(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  close(): void {
    this.flush();
    this.sink.close();
  }
}

const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const COMMA = 44;
const NEWLINE = 10;

/** `YYYY-MM-DD HH:MM:SS[.ffffff]+00:00`, µs precision; trailing zeros of the fraction dropped when `trim`. */
export class IsoTimeWriter {
  private day = NaN;
  private dayPrefix = ascii('');
  private readonly suffix = ascii('+00:00');

  write(w: LineWriter, tUs: number, trim: boolean): void {
    const sec = Math.floor(tUs / 1e6);
    const frac = tUs - sec * 1e6;
    const day = Math.floor(sec / 86400);
    if (day !== this.day) {
      this.day = day;
      this.dayPrefix = ascii(new Date(day * 86400e3).toISOString().slice(0, 10) + ' ');
    }
    w.bytes(this.dayPrefix);
    const s = sec - day * 86400;
    w.padded(Math.floor(s / 3600), 2);
    w.byte(58);
    w.padded(Math.floor((s % 3600) / 60), 2);
    w.byte(58);
    w.padded(s % 60, 2);
    if (!trim) {
      w.byte(46);
      w.padded(frac, 6);
    } else if (frac > 0) {
      let digits = 6;
      let f = frac;
      while (f % 10 === 0) {
        f /= 10;
        digits--;
      }
      w.byte(46);
      w.padded(f, digits);
    }
    w.bytes(this.suffix);
  }
}

// ─────────────────────────────── CSV formats ───────────────────────────────

export const QUOTE_FORMATS = ['tardis', 'exchange', 'binance', 'generic'] as const;
export type QuoteFormat = (typeof QUOTE_FORMATS)[number];
export const TRADE_FORMATS = ['tardis', 'exchange', 'binance'] as const;
export type TradeFormat = (typeof TRADE_FORMATS)[number];
export type Market = 'spot' | 'perp';

/** Header line of each format (without the newline). */
export const QUOTE_HEADERS: Readonly<Record<QuoteFormat, string>> = {
  tardis: 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount',
  exchange: 'time,symbol,bid_price,ask_price',
  binance: 'update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time',
  generic: 'ts_us,bid,ask',
};

export const TRADE_HEADERS: Readonly<Record<TradeFormat, string>> = {
  tardis: 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount',
  exchange: 'time,symbol,price,quantity,is_market_maker',
  binance: 'id,price,qty,quote_qty,time,is_buyer_maker',
};

/**
 * Quote CSV writer. Times: Tardis µs (local = exchange + 0.2–2 ms, never
 * decreasing), exchange ISO with µs (trailing fractional zeros dropped on about
 * half the rows), Binance ms (rows within one ms become a burst), generic µs.
 * The exchange layout writes spot prices with 8 decimals, as Binance spot
 * exports do; the value is the same.
 */
export class QuoteCsvWriter implements RowSink<QuoteRows> {
  private readonly w: LineWriter;
  private readonly rng: Rng;
  private readonly iso = new IsoTimeWriter();
  private readonly prefix: Uint8Array;
  private readonly spot: boolean;
  private local = 0;
  private updateId: number;

  constructor(
    private readonly format: QuoteFormat,
    market: Market,
    sink: ByteSink,
    seed: number,
  ) {
    this.w = new LineWriter(sink);
    this.rng = new Rng(seed, market === 'spot' ? STREAM.formatSpot : STREAM.formatPerp);
    this.prefix = ascii(
      format === 'tardis'
        ? `${market === 'spot' ? 'binance' : 'binance-futures'},BTCUSDT,`
        : format === 'exchange'
          ? ',BTCUSDT,'
          : '',
    );
    this.updateId = market === 'spot' ? 48_123_456_789 : 5_012_345_678_901;
    this.w.bytes(ascii(QUOTE_HEADERS[format] + '\n'));
    this.spot = market === 'spot';
  }

  write(rows: QuoteRows): void {
    const w = this.w;
    for (let i = 0; i < rows.length; i++) {
      w.reserve();
      const t = rows.t[i] ?? 0;
      const bid = rows.bid[i] ?? 0;
      const ask = rows.ask[i] ?? 0;
      switch (this.format) {
        case 'tardis':
          w.bytes(this.prefix);
          w.uint(t);
          w.byte(COMMA);
          this.local = Math.max(this.local, t + 200 + Math.floor(this.rng.exp(400)));
          w.uint(this.local);
          w.byte(COMMA);
          w.fixed(rows.askQty[i] ?? 0, 3);
          w.byte(COMMA);
          w.fixed(ask, 2);
          w.byte(COMMA);
          w.fixed(bid, 2);
          w.byte(COMMA);
          w.fixed(rows.bidQty[i] ?? 0, 3);
          break;
        case 'exchange':
          this.iso.write(w, t, this.rng.chance(0.5));
          w.bytes(this.prefix);
          this.price(bid);
          w.byte(COMMA);
          this.price(ask);
          break;
        case 'binance': {
          const ms = Math.floor(t / 1000);
          this.updateId += 1 + (this.rng.chance(0.2) ? this.rng.int(1, 5) : 0);
          this.local = Math.max(this.local, ms + this.rng.int(0, 2));
          w.uint(this.updateId);
          w.byte(COMMA);
          w.fixed(bid, 2);
          w.byte(COMMA);
          w.fixed(rows.bidQty[i] ?? 0, 3);
          w.byte(COMMA);
          w.fixed(ask, 2);
          w.byte(COMMA);
          w.fixed(rows.askQty[i] ?? 0, 3);
          w.byte(COMMA);
          w.uint(ms);
          w.byte(COMMA);
          w.uint(this.local);
          break;
        }
        case 'generic':
          w.uint(t);
          w.byte(COMMA);
          w.fixed(bid, 2);
          w.byte(COMMA);
          w.fixed(ask, 2);
          break;
      }
      w.byte(NEWLINE);
    }
  }

  private price(cents: number): void {
    this.w.fixed(cents, 2);
    if (this.spot) this.w.bytes(SIX_ZEROS);
  }

  close(): void {
    this.w.close();
  }
}

const SIX_ZEROS = ascii('000000');
const TRUE = ascii('true');
const FALSE = ascii('false');
const BUY = ascii('buy');
const SELL = ascii('sell');

/**
 * Spot trade CSV writer. Tardis: µs, `side` = aggressor; exchange: ISO µs,
 * 8-decimal price and quantity, `is_market_maker` true when the buyer was the
 * maker (a sell aggressor); Binance: ms, `is_buyer_maker` likewise,
 * `quote_qty` = price × qty exactly.
 */
export class TradeCsvWriter implements RowSink<TradeRows> {
  private readonly w: LineWriter;
  private readonly rng: Rng;
  private readonly iso = new IsoTimeWriter();
  private readonly prefix: Uint8Array;
  private local = 0;
  private id = 3_712_345_678;

  constructor(
    private readonly format: TradeFormat,
    sink: ByteSink,
    seed: number,
  ) {
    this.w = new LineWriter(sink);
    this.rng = new Rng(seed, STREAM.formatTrades);
    this.prefix = ascii(format === 'tardis' ? 'binance,BTCUSDT,' : ',BTCUSDT,');
    this.w.bytes(ascii(TRADE_HEADERS[format] + '\n'));
  }

  write(rows: TradeRows): void {
    const w = this.w;
    for (let i = 0; i < rows.length; i++) {
      w.reserve();
      const t = rows.t[i] ?? 0;
      const price = rows.price[i] ?? 0;
      const units = rows.qtyUnits[i] ?? 0;
      const decimals = rows.qtyDecimals[i] ?? 0;
      const buyer = (rows.side[i] ?? 0) > 0;
      this.id += 1;
      switch (this.format) {
        case 'tardis':
          w.bytes(this.prefix);
          w.uint(t);
          w.byte(COMMA);
          this.local = Math.max(this.local, t + 200 + Math.floor(this.rng.exp(400)));
          w.uint(this.local);
          w.byte(COMMA);
          w.uint(this.id);
          w.byte(COMMA);
          w.bytes(buyer ? BUY : SELL);
          w.byte(COMMA);
          w.fixed(price, 2);
          w.byte(COMMA);
          w.fixed(units, decimals);
          break;
        case 'exchange':
          this.iso.write(w, t, this.rng.chance(0.5));
          w.bytes(this.prefix);
          w.fixed(price, 2);
          w.bytes(SIX_ZEROS);
          w.byte(COMMA);
          w.fixed(units * 10 ** (8 - decimals), 8);
          w.byte(COMMA);
          w.bytes(buyer ? FALSE : TRUE);
          break;
        case 'binance':
          w.uint(this.id);
          w.byte(COMMA);
          w.fixed(price, 2);
          w.byte(COMMA);
          w.fixed(units, decimals);
          w.byte(COMMA);
          // cents × units < 7e6 × 1e9 < 2^53: exact.
          w.fixed(price * units, decimals + 2);
          w.byte(COMMA);
          w.uint(Math.floor(t / 1000));
          w.byte(COMMA);
          w.bytes(buyer ? FALSE : TRUE);
          break;
      }
      w.byte(NEWLINE);
    }
  }

  close(): void {
    this.w.close();
  }
}
