/**
 * The contract between the I/O layer (src/io) and the commands (src/cli/commands).
 * Commands open inputs only through `openQuotes` / `openTrades` (src/io/sources.ts).
 */
import type { TickBatch, TradeBatch } from '../core/types.js';

export type TimeUnit = 's' | 'ms' | 'us' | 'ns';
export type Clock = 'exchange' | 'local';
/** A strftime-like time pattern such as `%Y-%m-%d %H:%M:%S.%f` (see parsePatternMicros in time.ts). */
export type TimePatternText = `${string}%${string}`;
/** How the time column is read: ISO-8601 strings, epoch numbers in a unit, or a pattern. */
export type TimeFormat = 'iso' | TimeUnit | TimePatternText;

/**
 * Columns named by the user (`--time-col` …), overriding recognition for those roles; names
 * are matched trimmed and case-insensitively. Roles a file's kind does not have are ignored
 * (quantity and side for quotes, bid and ask for trades).
 */
export interface ColumnMap {
  readonly time?: string;
  /** Quotes with one price column (then bid = ask = price), or the trade price. */
  readonly price?: string;
  readonly bid?: string;
  readonly ask?: string;
  readonly qty?: string;
  /** Buy/sell words or a maker flag (true: the buyer was the maker, so the seller was the aggressor). */
  readonly side?: string;
}

export interface ReadOptions {
  /** Tardis files: `timestamp` (exchange, default) or `local_timestamp`. */
  readonly clock: Clock;
  /** Overrides the unit of integer/decimal epoch times; otherwise the column suffix, then the magnitude decides. */
  readonly timeUnit?: TimeUnit;
  /** Columns to read by name, overriding recognition (see ColumnMap). */
  readonly columns?: ColumnMap;
  /** How to read the time column; overrides the format's own reading (and `timeUnit`). */
  readonly timeFormat?: TimeFormat;
  /** The field delimiter, one of `,` `;` `\t` `|`; default: detected from the header line. */
  readonly delimiter?: string;
  /** Sort rows by time (stable) instead of failing on time going backwards. Holds the whole file in memory. */
  readonly sort: boolean;
  /** Skip and count bad rows instead of failing on the first. */
  readonly skipBadRows: boolean;
  /** 'fast' (default): byte-level parser with csv-parse for lines that need it; 'csv': csv-parse for every line. */
  readonly parser?: 'fast' | 'csv';
  /** Parse in a worker thread; default: when the input is a regular file of 4 MiB or more (below that a worker's start-up costs more than it saves). */
  readonly worker?: boolean;
  /**
   * Lend the batches instead of giving them: a batch is valid until the next one is asked for
   * (or the iteration ends), when a reader worker takes its buffer back to fill again; its
   * arrays then read as empty, or (a shared slot) as a later batch's rows. For consumers that
   * copy what they keep (every command's). Default false: a batch is the consumer's to keep.
   */
  readonly lend?: boolean;
  /** Rows per batch handed to the analysis (default 16 384, DEFAULT_BATCH_ROWS). */
  readonly batchRows?: number;
  /**
   * Stop reading once a row at or after this time (µs) has been read, and close the input:
   * the rest of a time-ordered file can only be later (a ranged run passes E + margin). Ignored
   * with `sort`, which must read every row. The report then describes the rows read (readUntil).
   */
  readonly until?: number;
  /** Progress callback, called at most a few times a second with bytes/rows so far. */
  readonly onProgress?: (p: Progress) => void;
}

export interface Progress {
  readonly file: string;
  readonly bytesRead: number;
  /** Total bytes of the (compressed) file, undefined for stdin. */
  readonly bytesTotal: number | undefined;
  readonly rows: number;
}

/** A kept row (its line and time, µs) and the run of rows going back in time that fell behind it, one after another. */
export interface BehindRow {
  readonly line: number;
  readonly time: number;
  readonly rows: number;
  /**
   * Of those rows, how many are earlier than the kept row before it, too: most of them, and the
   * kept row is not alone out of place (a block repeated or out of order went back past it).
   * Absent from reports made before it was counted.
   */
  readonly pastPrevious?: number;
}

/** What a reader saw, available once its batches have been consumed to the end. */
export interface ReadReport {
  readonly file: string;
  /** e.g. 'tardis-quotes', 'exchange-quotes', 'binance-bookticker', 'generic-quotes', 'binance-trades', … */
  readonly format: string;
  /** Name of the column the times were read from, and the unit they were read in. */
  readonly timeColumn: string;
  /** Trades: the column the aggressor side was read from, undefined when the file has none. */
  readonly sideColumn?: string;
  readonly timeUnit: TimeUnit | 'iso' | TimePatternText;
  /** Data rows read (header excluded). */
  readonly rows: number;
  /** Rows handed on after skipping (quotes: before burst collapse). */
  readonly goodRows: number;
  /** Ticks after burst collapse (quotes) or trades handed on. */
  readonly records: number;
  /**
   * Rows skipped by kind (e.g. 'one-sided quote', 'non-numeric price'), with the first few line
   * numbers. For rows going back in time, `behind`: the kept row (its line and time, µs) that the
   * longest run of them fell behind, one after another (a single time far ahead of its
   * neighbours hides every row after it; one file's lines only; see likelyBadLine).
   */
  readonly skipped: ReadonlyArray<{ readonly kind: string; readonly count: number; readonly firstLines: readonly number[]; readonly behind?: BehindRow }>;
  /** First and last time in µs, NaN when empty. */
  readonly firstTime: number;
  readonly lastTime: number;
  /**
   * Quote files: spells of more than a minute (QUIET_US) between consecutive ticks handed on:
   * how many, and the last QUIET_KEPT of them, each from the tick before to the tick after.
   * Absent for trades, and where no reader made the report (a test's hand-made one).
   */
  readonly quiet?: { readonly count: number; readonly spells: readonly { readonly from: number; readonly to: number }[] };
  /**
   * Trades files with a side column: the trades kept whose side value the column's reader does
   * not know (`mode`, the plan's sideMode: buy/sell/unknown words, a maker flag true/false, or
   * either), which take no side; the first one's file, line and value. Absent where the count is 0.
   */
  readonly unreadSides?: { readonly count: number; readonly file: string; readonly line: number; readonly value: string; readonly mode: 'text' | 'maker' | 'any' };
  /**
   * Set when reading stopped before the end of the input (ReadOptions.until): rows, records,
   * skipped and lastTime then describe the rows up to the first kept row at or after this time
   * (lastTime is that row's), and the rest of the file was not read.
   */
  readonly readUntil?: number;
  /**
   * Under --sort: the farthest a row lay behind the latest time before it, that row's line, and
   * the latest's (`behind`; file: the file they are in). Absent where no row did. More than a minute is two stretches of
   * time interleaved (files joined out of order, local times across a clock change), not jitter.
   */
  readonly sortedBack?: { readonly us: number; readonly line: number; readonly behind: number; readonly file: string };
  /**
   * Quote files: steps of the mid by a factor of 2 or more between consecutive ticks (scale-watch.ts
   * SCALE_BREAK), how many, and the first's time, mids and file. Absent where there are none.
   */
  readonly scaleBreaks?: { readonly count: number; readonly time: number; readonly from: number; readonly to: number; readonly file: string };
  /**
   * A stream of several files (io/multi.ts): each file's own report, in reading order. The
   * stream's format, time column and unit are the first file's; what an option did is judged
   * per file (cli/sanity.ts).
   */
  readonly perFile?: readonly ReadReport[];
}

export interface QuoteSource extends AsyncIterable<TickBatch> {
  readonly file: string;
  /** Valid after the iteration has completed. */
  report(): ReadReport;
}

export interface TradeSource extends AsyncIterable<TradeBatch> {
  readonly file: string;
  report(): ReadReport;
}
