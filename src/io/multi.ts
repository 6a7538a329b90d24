/**
 * Several files of one market read as one stream (docs/time.md): the files are ordered by
 * their first timestamp, each is read with its own header and format detection, and a file
 * that starts at or before the previous one's last tick is refused (exit 65, both named).
 * It presents the interface of a single-file source, so every command reads a month of daily
 * files as it reads one file.
 *
 * With a read range (the analysis range plus its margins), files wholly outside it are not
 * read: each is opened for its first row only, and a file is skipped when it begins at or
 * after the range's end, or when the next file begins at or before the range's start (files
 * do not overlap, so it ends before that). The contents decide, not the names: a daily file
 * named by a local date, or misnamed, holds rows outside the day its name gives. A name is
 * used only for a file whose first row cannot be read (a damaged or foreign file in a month's
 * folder): when the date in it misses the range, the file is left alone rather than failing a
 * run that does not need it; and with `sort`, whose first time means reading a file whole,
 * such a file is left unopened. And a file is read only until its first row at or after
 * the range's end (ReadOptions.until; not with `sort`, which must see every row): rows are in
 * time order, so the rest of it lies past the range (and the later files, which begin past
 * it, are skipped as above).
 */
import { DataError } from '../errors.js';
import type { TickBatch, TradeBatch } from '../core/types.js';
import type { Kind } from './formats.js';
import { dayFromName, isFile } from './paths.js';
import { openQuotes, openTrades } from './sources.js';
import type { QuoteSource, ReadOptions, ReadReport, TradeSource } from './types.js';
import type { InternalReadOptions } from './reader.js';
import { ReaderKeeper } from './reader-keeper.js';
import { QUIET_KEPT } from './validate.js';
import { isoMicros } from './output.js';
import { scaleStep } from './scale-watch.js';
import { sameFile } from './identity.js';
import { isHeaderOnlyError } from './fastparse.js';

/** Times to read, µs: [from, to). Infinite ends mean unbounded. */
export interface ReadRange {
  readonly from: number;
  readonly to: number;
}

/** A source over one or more files, with the report of each file read. */
export interface MultiFileSource<B> extends AsyncIterable<B> {
  readonly file: string;
  /** What the files hold. */
  readonly kind: Kind;
  /** The whole stream's report (rows summed, first and last time of the stream). */
  report(): ReadReport;
  /** One report per file read, in reading order. */
  reports(): ReadReport[];
  /** Files left unread because they lie wholly outside the read range. */
  readonly skippedFiles: readonly string[];
  /**
   * Files of a list with a header line and no data rows, left out: a day without ticks reads as
   * the gap between its neighbours (docs/time.md). A lone such file is still refused.
   */
  readonly emptyFiles: readonly string[];
  /**
   * Every file is a regular file, so reading can start before the stream's turn without waiting
   * on another process (src/cli/pump.ts EarlyStart); false for `-`, FIFOs and what cannot be stat'ed.
   */
  readonly canStartEarly: boolean;
}

type Batch = TickBatch | TradeBatch;
type Single = QuoteSource | TradeSource;

/** Quote files of one market as one stream; one path behaves exactly as openQuotes. */
export function openQuoteStream(paths: readonly string[], opts: ReadOptions, range?: ReadRange): MultiFileSource<TickBatch> {
  return new MultiSource<TickBatch>(paths, 'quotes', opts, range);
}

/** Trade files of one market as one stream (non-decreasing times; files still may not overlap). */
export function openTradeStream(paths: readonly string[], opts: ReadOptions, range?: ReadRange): MultiFileSource<TradeBatch> {
  return new MultiSource<TradeBatch>(paths, 'trades', opts, range);
}

class MultiSource<B extends Batch> implements MultiFileSource<B> {
  readonly file: string;
  private done: ReadReport[] | undefined;
  skippedFiles: string[] = [];
  emptyFiles: string[] = [];

  constructor(
    private readonly paths: readonly string[],
    readonly kind: Kind,
    private readonly opts: ReadOptions,
    private readonly range: ReadRange | undefined,
  ) {
    if (paths.length === 0) throw new RangeError('a market needs at least one file');
    this.file = paths.length === 1 ? paths[0]! : paths.join(',');
    if (paths.length === 1 && paths[0] === '-') this.file = '-';
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    return this.run();
  }

  get canStartEarly(): boolean {
    return this.paths.every((p) => p !== '-' && isFile(p));
  }

  /** A file of the stream; `keeper`: where a reader thread waits for the stream's next file (reader-keeper.ts). */
  private open(path: string, keeper: ReaderKeeper | undefined): Single {
    const to = this.range?.to ?? Infinity;
    const opts: InternalReadOptions = { ...this.opts, ...(Number.isFinite(to) ? { until: to } : {}), ...(keeper !== undefined ? { keepReader: keeper } : {}) };
    return this.kind === 'quotes' ? openQuotes(path, opts) : openTrades(path, opts);
  }

  private async *run(): AsyncGenerator<B, void, undefined> {
    this.done = undefined;
    const order = await this.plan();
    const reports: ReadReport[] = [];
    let previous: ReadReport | undefined;
    // Quotes: the last mid handed on, so that a step of scale where two files meet (a day in
    // dollars, the next in cents) is seen as one inside a file is (scale-watch.ts).
    let lastPrice = NaN;
    // One reader thread for the stream's files (a single file's ends with its read, as before).
    const keeper = order.length > 1 ? new ReaderKeeper() : undefined;
    try {
      for (const path of order) {
        const src = this.open(path, keeper);
        let first = true;
        let junction: { time: number; from: number; to: number } | undefined;
        for await (const batch of src as AsyncIterable<B>) {
          if (first && batch.length > 0 && previous !== undefined) {
            refuseOverlap(previous, path, batch.t[0]!, this.kind);
            const price = (batch as TickBatch).price?.[0];
            if (this.kind === 'quotes' && price !== undefined && scaleStep(lastPrice, price)) junction = { time: batch.t[0]!, from: lastPrice, to: price };
          }
          if (batch.length > 0) {
            first = false;
            if (this.kind === 'quotes') lastPrice = (batch as TickBatch).price[batch.length - 1]!;
          }
          yield batch;
        }
        previous = withJunction(src.report(), junction);
        reports.push(previous);
      }
    } finally {
      // The last file's thread, or one kept for a next file that was read in this thread, could
      // not be opened, or never came (an error, an early `break`).
      keeper?.end();
    }
    this.done = reports;
  }

  /** The files to read, in order of their first timestamp, range pruning applied. */
  private async plan(): Promise<string[]> {
    const range = this.range;
    const paths = this.paths;
    this.skippedFiles = [];
    this.emptyFiles = [];
    if (paths.length === 1) return [...paths];
    // With --sort a file's first time is its least, found only by reading it whole: there a
    // file named for a day outside the range is left unopened, as the name says (docs/time.md).
    const byName = this.opts.sort === true && range !== undefined ? paths.filter((p) => namedOutside(p, range)) : [];
    this.skippedFiles.push(...byName);
    const opened = paths.filter((p) => !byName.includes(p));
    const firsts = await Promise.all(opened.map((p) => firstTimeOf(p, this.kind, this.opts).catch((err: unknown) => ({ err }))));
    const order: { p: string; t: number }[] = [];
    opened.forEach((p, i) => {
      const first = firsts[i]!;
      if (typeof first === 'number') order.push({ p, t: first });
      else if (isHeaderOnlyError(first.err)) this.emptyFiles.push(p);
      else if (range !== undefined && namedOutside(p, range)) this.skippedFiles.push(p);
      else throw first.err;
    });
    // Every file unreadable, each named for a day outside the range or holding no rows: the first one's error (or, all left by name, the last one).
    if (order.length === 0) {
      if (firsts.length > 0) throw (firsts[0] as { err: unknown }).err;
      return [paths[paths.length - 1]!];
    }
    order.sort((x, y) => x.t - y.t || (x.p < y.p ? -1 : 1));
    if (range === undefined) return order.map((o) => o.p);
    const kept: string[] = [];
    for (let i = 0; i < order.length; i++) {
      const next = order[i + 1];
      // Files do not overlap, so this one ends before the next begins (trades may share a time
      // across files: one that ends at the range's start holds a trade in it).
      const before = next !== undefined && (this.kind === 'trades' ? next.t < range.from : next.t <= range.from);
      const after = order[i]!.t >= range.to;
      if (before || after) this.skippedFiles.push(order[i]!.p);
      else kept.push(order[i]!.p);
    }
    // Keep at least one file so that "no data in range" is reported as such, not as a crash: the
    // first when the range ends before the data begins (the message gives the data's first
    // times), else the last (it gives where the data ends).
    if (kept.length > 0) return kept;
    const near = range.to <= order[0]!.t ? order[0]! : order[order.length - 1]!;
    this.skippedFiles = this.skippedFiles.filter((p) => p !== near.p);
    return [near.p];
  }

  report(): ReadReport {
    const rs = this.reports();
    if (rs.length === 1) return rs[0]!;
    const formats = [...new Set(rs.map((r) => r.format))];
    const skipped = new Map<string, { kind: string; count: number; firstLines: number[] }>();
    for (const r of rs) {
      for (const s of r.skipped) {
        const e = skipped.get(s.kind) ?? { kind: s.kind, count: 0, firstLines: [] };
        e.count += s.count;
        skipped.set(s.kind, e);
      }
    }
    const sum = (f: (r: ReadReport) => number) => rs.reduce((a, r) => a + f(r), 0);
    return {
      file: this.file,
      format: formats.join(','),
      timeColumn: rs[0]!.timeColumn,
      sideColumn: rs.every((r) => r.sideColumn !== undefined) ? rs[0]!.sideColumn : undefined,
      timeUnit: rs[0]!.timeUnit,
      rows: sum((r) => r.rows),
      goodRows: sum((r) => r.goodRows),
      records: sum((r) => r.records),
      skipped: [...skipped.values()],
      firstTime: rs[0]!.firstTime,
      lastTime: rs[rs.length - 1]!.lastTime,
      ...unreadSidesOf(rs),
      ...(rs.some((r) => r.quiet !== undefined) ? { quiet: { count: sum((r) => r.quiet?.count ?? 0), spells: rs.flatMap((r) => r.quiet?.spells ?? []).slice(-QUIET_KEPT) } } : {}),
      ...(rs[rs.length - 1]!.readUntil !== undefined ? { readUntil: rs[rs.length - 1]!.readUntil } : {}),
      perFile: rs,
    };
  }

  reports(): ReadReport[] {
    if (!this.done) throw new Error(`${this.file}: report() is available once the batches have been read to the end`);
    return this.done;
  }
}

/** A file's report with the step of scale where it meets the file before (the first in it, by time). */
function withJunction(r: ReadReport, j: { time: number; from: number; to: number } | undefined): ReadReport {
  if (j === undefined) return r;
  return { ...r, scaleBreaks: { ...j, count: (r.scaleBreaks?.count ?? 0) + 1, file: r.file } };
}

/** The file's name carries one date (paths.ts dayFromName) whose UTC day misses the range. */
function namedOutside(path: string, range: ReadRange): boolean {
  const day = dayFromName(path);
  return day !== undefined && (day.end <= range.from || day.start >= range.to);
}

/**
 * The first tick's time of a file, reading only its first batch. Bad rows are skipped here
 * (a bad row further on is reported when, and if, the file is read); a file with no usable
 * row or an unknown format fails here, naming it.
 */
async function firstTimeOf(path: string, kind: Kind, opts: ReadOptions): Promise<number> {
  const { readBatches } = await import('./reader.js');
  const gen = readBatches(path, kind, { ...opts, skipBadRows: true, onProgress: undefined, worker: false, batchRows: 16, chunkBytes: 16 << 10 });
  try {
    for (;;) {
      const step = await gen.next();
      if (step.done) return NaN;
      if (step.value.length > 0) return step.value.t[0]!;
    }
  } finally {
    await gen.return(undefined as never);
  }
}

/**
 * Whether a market's next file, starting at `first`, overlaps the file before it, which ended at
 * `previousLast`: trades may repeat a time; quotes collapse a time into one tick, so a shared time
 * is an overlap.
 */
export function overlapsPrevious(kind: Kind, first: number, previousLast: number): boolean {
  return kind === 'trades' ? first < previousLast : first <= previousLast;
}

function refuseOverlap(previous: ReadReport, path: string, first: number, kind: Kind): void {
  if (!overlapsPrevious(kind, first, previous.lastTime)) return;
  // One file named twice (by the same path, a link or a list that repeats it) is said as such.
  if (previous.file === path || sameFile(previous.file, path)) {
    throw new DataError(path, undefined, `the file is given twice for one market${previous.file === path ? '' : ` (also as ${previous.file})`}: pass each file once`);
  }
  // A file read only up to the range's end (ReadReport.readUntil) goes on past its last row read.
  const ends = previous.readUntil === undefined ? 'ends at' : 'has rows (read up to the range\'s end) to at least';
  const at = first === previous.lastTime ? `at ${isoMicros(first)}, the time ${previous.file} ${previous.readUntil === undefined ? 'ends at' : 'reaches'}` : `at ${isoMicros(first)}, before ${previous.file} ${ends} ${isoMicros(previous.lastTime)}`;
  throw new DataError(
    `${previous.file} and ${path}`,
    undefined,
    `the files overlap in time: ${path} starts ${at}; pass files that do not overlap`,
  );
}

/** The stream's unread sides: the files' counts summed, the first file's first one. */
function unreadSidesOf(rs: readonly ReadReport[]): Pick<ReadReport, 'unreadSides'> {
  const first = rs.find((r) => r.unreadSides !== undefined)?.unreadSides;
  return first === undefined ? {} : { unreadSides: { ...first, count: rs.reduce((a, r) => a + (r.unreadSides?.count ?? 0), 0) } };
}
