/**
 * Row rules (docs/definitions.md §1, §7): every parsed row is judged by the one row
 * classifier (row-verdict.ts, shared with `inspect`), then either handed on or rejected.
 * Strict by default — the first bad row throws a DataError naming the file, line and
 * offending value; with `skipBadRows` it is skipped and counted by kind
 * (first 5 line numbers kept). Quotes with an empty bid or ask (one-sided book) are
 * always skipped and counted as 'one-sided quote', never an error.
 *
 * Order: rows must not go backwards in time (a row earlier than the last kept row is
 * an error, or skipped). With `sort`, rows are instead gathered — the whole file in
 * memory, ~30 bytes per row, at most MAX_SORT_ROWS — and stably sorted by time at the end (ties keep file
 * order).
 *
 * Bursts (quotes): rows with the same time are one tick, the last row in file order
 * wins. The last row is held back until a later time or the end, so a burst that
 * straddles a batch (or chunk) boundary still collapses.
 */
import { ascendingOrder } from '../core/order.js';
import { DataError } from '../errors.js';
import type { BehindRow, ReadReport, TimeUnit } from './types.js';
import { ROLE_ASK, ROLE_BID, ROLE_PRICE, ROLE_QTY, ROLE_SIDE, ROLE_TIME, type FormatPlan } from './formats.js';
import { KIND_BACKWARDS, midOf, RowClassifier, Verdict, VERDICT_KIND } from './row-verdict.js';
import type { RowSink } from './fastparse.js';
import type { RowScratch } from './rows.js';
import { QuoteBatcher, TradeBatcher, type ReturnedBuffers } from './batches.js';
import { formatMicros } from './time.js';
import { duration as formatDuration } from '../core/human-text.js';
import { scaleBreakNote } from './scale-watch.js';
import { MAX_SORT_ROWS, sortLimitError } from './sort-limit.js';

const FIRST_LINES = 5;

/** Skipped rows by kind, in order of first appearance. */
export class SkipLog {
  private readonly kinds = new Map<string, { count: number; firstLines: number[] }>();
  total = 0;
  // The run of rows behind one kept row (see behind()) and the longest so far.
  private runLine = -1;
  private run = 0;
  private past = 0;
  private longest: BehindRow = { line: -1, time: NaN, rows: 0, pastPrevious: 0 };

  add(kind: string, line: number): void {
    let k = this.kinds.get(kind);
    if (!k) {
      k = { count: 0, firstLines: [] };
      this.kinds.set(kind, k);
    }
    k.count++;
    if (k.firstLines.length < FIRST_LINES) k.firstLines.push(line);
    this.total++;
  }

  /**
   * A row skipped for going back in time, behind the kept row on `line` at `time` (µs): the
   * longest run of such rows behind one kept row, in a row, is reported with that row
   * (ReadReport `behind`).
   */
  behind(line: number, time: number, pastPrevious: boolean): void {
    const same = line === this.runLine;
    this.run = same ? this.run + 1 : 1;
    this.past = (same ? this.past : 0) + (pastPrevious ? 1 : 0);
    this.runLine = line;
    if (this.run > this.longest.rows) this.longest = { line, time, rows: this.run, pastPrevious: this.past };
  }

  list(): ReadReport['skipped'] {
    return [...this.kinds].map(([kind, k]) => ({ kind, count: k.count, firstLines: [...k.firstLines], ...(kind === KIND_BACKWARDS && this.longest.rows > 0 ? { behind: { ...this.longest } } : {}) }));
  }

  /** e.g. "3 one-sided quote (lines 4, 9, 12), 1 crossed quote (line 7)". */
  summary(): string {
    return this.list()
      .map((k) => `${k.count} ${k.kind} (line${k.firstLines.length > 1 ? 's' : ''} ${k.firstLines.join(', ')}${k.count > k.firstLines.length ? ', …' : ''})`)
      .join(', ');
  }
}

/**
 * The kept row whose time is more likely wrong than the times of the rows it put out of order:
 * at least 2 rows going back in time, and at least half of them, fell behind it one after
 * another (one time far ahead of its neighbours — a typo, a clock jump — hides every row after
 * it until the file catches up), and most of those are no earlier than the kept row before it,
 * so that this row alone is out of place. Where most are earlier than that one too, a block
 * went back (a stretch repeated, files joined out of order, ms times in a µs file): the kept
 * row was the right one, and removing it only moved the blame a line up. Undefined then, for
 * any other skipped kind, or for a scattered disorder.
 */
export function likelyBadLine(s: ReadReport['skipped'][number]): BehindRow | undefined {
  const b = s.behind;
  return b !== undefined && b.rows >= 2 && 2 * b.rows >= s.count && 2 * (b.pastPrevious ?? 0) < b.rows ? b : undefined;
}

/** How far back --sort may move a row without a word: a minute (QUIET_US), past any jitter of a feed's timestamps. */
export const SORTED_FAR_US = 60_000_000;

/** What --sort did to a row moved back by more than SORTED_FAR_US, as the commands' warning and `inspect --sort` both say it; undefined otherwise. */
export function sortedBackNote(back: { readonly us: number; readonly line: number; readonly behind: number; readonly file: string } | undefined): string | undefined {
  if (back === undefined || !(back.us > SORTED_FAR_US)) return undefined;
  return (
    `${back.file}: --sort moved line ${back.line} back by ${formatDuration(back.us)}, behind line ${back.behind}: more than jitter. If line ${back.behind}'s time is wrong (typed ahead), remove it; ` +
    'where two stretches of time were interleaved (files joined out of order, or local times repeated when the clocks went back: write them in UTC or with their offset), the counts over them now mix both'
  );
}

/**
 * The notes a file's read may carry beyond its skipped rows, as the commands and `inspect` say
 * them: a row --sort moved far back, and the mid's steps of scale.
 */
export function readNotes(r: { readonly sortedBack?: Parameters<typeof sortedBackNote>[0]; readonly scaleBreaks?: Parameters<typeof scaleBreakNote>[0] }): string[] {
  return [sortedBackNote(r.sortedBack), scaleBreakNote(r.scaleBreaks)].filter((n): n is string => n !== undefined);
}

/** What to do about a likelyBadLine, as the readers' warning and `inspect` both say it. */
export function likelyBadLineNote(b: BehindRow): string {
  return `${b.rows} of the rows going back in time, one after another, are earlier than line ${b.line} (${formatMicros(b.time)}), which was kept: if that line's time is wrong, remove it (or use --sort) rather than lose the rows after it`;
}

export interface ValidatorOptions {
  readonly file: string;
  readonly skipBadRows: boolean;
  readonly sort: boolean;
  readonly batchRows: number;
  /** Rows `sort` may hold (default MAX_SORT_ROWS; smaller in tests). */
  readonly maxSortRows?: number;
  /**
   * Stop once a row at or after this time (µs) has been kept: later rows are neither counted
   * nor checked (see `stopped`). Only without `sort`, where kept rows are in time order.
   */
  readonly until?: number;
  /** Where the batcher takes buffers a consumer has returned (see ReturnedBuffers). */
  readonly returned?: ReturnedBuffers;
  /** The epoch unit the times are read in, once known (the converter's: the first row may decide it), for the error of an unreadable time. */
  readonly timeUnit?: () => TimeUnit | undefined;
  /** The file's first symbol, for the error of a row naming another (FieldConverter.symbolText). */
  readonly symbol?: () => string;
}

/** A growable typed column (only used under `sort`; also by inspect's --sort). */
export class Column<T extends Float64Array | Int8Array> {
  constructor(public data: T) {}
  push(n: number, v: number): void {
    if (n === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(Math.max(1024, n * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[n] = v;
  }
}

/** The order in which gathered rows are handed on: by time, file order for ties. Null when already in order. */
export function stableOrder(t: Float64Array, n: number): Uint32Array | null {
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = t[i - 1]! <= t[i]!;
  if (sorted) return null;
  // A radix order: a comparator sort of a few million rows took seconds.
  return ascendingOrder(t, n);
}

/**
 * The longest time between two of a market's ticks that passes without a word: a minute
 * (docs/time.md, "Quiet spells"). Quote feeds of a traded market update many times a second,
 * so a longer silence is an outage, a file cut short, or a market that closes.
 */
export const QUIET_US = 60_000_000;
/**
 * Quiet spells a file's report lists: its last ones, since a read runs from the file's start to
 * the range's end, so the last are those nearest the range; earlier ones are only counted.
 */
export const QUIET_KEPT = 1000;

/** Spells of more than {@link QUIET_US} between consecutive handed-on records (reported for quote files only: ReadReport.quiet). */
export class QuietLog {
  count = 0;
  private kept: { from: number; to: number }[] = [];

  note(from: number, to: number): void {
    this.count++;
    this.kept.push({ from, to });
    // Cut back now and then, not at every spell: a month of spells costs no quadratic shifting.
    if (this.kept.length >= 2 * QUIET_KEPT) this.kept = this.kept.slice(-QUIET_KEPT);
  }

  /** The last {@link QUIET_KEPT} spells, in time order. */
  get spells(): { from: number; to: number }[] {
    return this.kept.slice(-QUIET_KEPT);
  }
}

/**
 * A step back of about an hour (or half an hour, as a few zones shift) in times written without
 * a zone: what local wall-clock times show when the clocks go back for the winter, the hour after
 * repeating the hour before. --sort would interleave the two hours into one and every count and
 * lag over them would be wrong. Times with a zone (Z, +02:00) or since the epoch cannot repeat an
 * hour: there it is a time typed wrong, as any other step back.
 */
function clockChangeLike(backUs: number, text: string | undefined): boolean {
  const minutes = backUs / 60e6;
  const hourish = (minutes >= 55 && minutes <= 65) || (minutes >= 25 && minutes <= 35);
  return hourish && text !== undefined && zoneless(text);
}

/** A time written as a date and a clock with no zone after it (not an epoch number, no Z or ±hh:mm). */
function zoneless(text: string): boolean {
  const t = text.trim().replace(/^"|"$/g, '');
  return !/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$/.test(t) && !/(Z|z|[+-]\d\d(:?\d\d)?)$/.test(t) && /\d:\d\d/.test(t);
}

/** The advice for a clockChangeLike step back: the clocks, or the one row before it typed wrong. */
function clockChange(keptLine: number): string {
  return (
    'a step back of about an hour (or half an hour) in times without a zone: if the clocks went back there (local time), write the times in UTC or with their offset (+02:00) ' +
    `rather than sort them (--sort would interleave the repeated hour with the one before it); if line ${keptLine}'s time is wrong, remove it`
  );
}

/** Checks shared by quotes and trades. */
abstract class Rules implements RowSink {
  rows = 0;
  goodRows = 0;
  records = 0;
  firstTime = NaN;
  lastTime = NaN;
  readonly skipped = new SkipLog();
  readonly quiet = new QuietLog();
  /** Time and line of the last row kept, for the order check. */
  protected lastT = -Infinity;
  /**
   * The latest kept time before the last kept one (strictly earlier: a burst of rows at one bad
   * time must not make the bad time its own "before"): a row going back past it too is no sign
   * that the last is wrong (likelyBadLine).
   */
  protected previousT = -Infinity;
  protected lastLine = 0;
  protected gathered = 0;
  /**
   * A row at or after `until` was kept: since kept rows are in time order, every later row is
   * past it too, and the reader may leave the rest of the input unread.
   */
  stopped = false;
  protected readonly until: number;
  protected readonly gatherT = new Column(new Float64Array(0));
  protected readonly classifier: RowClassifier;

  constructor(
    protected readonly plan: FormatPlan,
    protected readonly opts: ValidatorOptions,
  ) {
    this.classifier = new RowClassifier(plan);
    this.until = opts.sort ? Infinity : (opts.until ?? Infinity);
  }

  abstract row(r: RowScratch): void;
  /**
   * Hands on everything held back; run once at the end of input. Yields after each batch
   * it completes, so a caller can pass batches on while a sorted file is replayed.
   */
  abstract end(): Generator<void, void, undefined>;

  /** A bad row: throw in strict mode, count it otherwise. */
  protected bad(r: RowScratch, kind: string, problem: string, value: string | undefined): void {
    if (!this.opts.skipBadRows) throw new DataError(this.opts.file, r.line, problem, value);
    this.skipped.add(kind, r.line);
  }

  protected columnText(r: RowScratch, role: number): string {
    return r.text.fieldText(this.plan.roleCol[role]!);
  }

  /**
   * The row rules (row-verdict.ts); false when the row was rejected. One-sided quotes are
   * always skipped and counted, never an error.
   */
  protected usable(r: RowScratch): boolean {
    const v = this.classifier.classify(r);
    if (v === Verdict.ok) return true;
    if (v === Verdict.oneSided) {
      this.skipped.add(VERDICT_KIND[v]!, r.line);
      return false;
    }
    if (!this.opts.skipBadRows) {
      const { problem, value } = this.classifier.problem(v, r, this.opts.timeUnit?.(), this.opts.symbol?.(), this.goodRows > 0);
      throw new DataError(this.opts.file, r.line, problem, value);
    }
    this.skipped.add(VERDICT_KIND[v]!, r.line);
    return false;
  }

  /** The order check; false when the row goes back in time (and was rejected). */
  protected inOrder(r: RowScratch): boolean {
    if (r.t >= this.lastT) {
      if (r.t > this.lastT) this.previousT = this.lastT;
      this.lastT = r.t;
      this.lastLine = r.line;
      return true;
    }
    this.bad(
      r,
      KIND_BACKWARDS,
      `time goes backwards: ${formatMicros(r.t)} is before ${formatMicros(this.lastT)} on line ${this.lastLine}; ` +
        (clockChangeLike(this.lastT - r.t, this.columnText(r, ROLE_TIME)) ? clockChange(this.lastLine) : 'rows must be in time order (use --sort to sort them)'),
      this.columnText(r, ROLE_TIME),
    );
    this.skipped.behind(this.lastLine, this.lastT, r.t < this.previousT);
    return false;
  }

  /**
   * What row() records of a kernel row that every rule passes, in time order (the validators'
   * bulk): counted, its time and line the last kept. The caller then accepts it.
   */
  protected keptInBulk(t: number, line: number): void {
    this.rows++;
    if (t > this.lastT) this.previousT = this.lastT;
    this.lastT = t;
    this.lastLine = line;
  }

  /** Rows a bulk call hands to row() one by one (under `sort`, or where bulk rules do not apply). */
  protected eachRow(n: number, fill: (i: number) => RowScratch): void {
    for (let i = 0; i < n; i++) this.row(fill(i));
  }

  /** The index of the next gathered row under `sort`. @throws DataError past MAX_SORT_ROWS. */
  protected gatherSlot(r: RowScratch): number {
    const max = this.opts.maxSortRows ?? MAX_SORT_ROWS;
    if (this.gathered >= max) throw sortLimitError(this.opts.file, r.line, max);
    if (r.t < this.gatherLatest && this.gatherLatest - r.t > this.sortedBack.us) this.sortedBack = { us: this.gatherLatest - r.t, line: r.line, behind: this.gatherLatestLine };
    else if (r.t > this.gatherLatest) {
      this.gatherLatest = r.t;
      this.gatherLatestLine = r.line;
    }
    return this.gathered++;
  }

  /** Under `sort`: the latest time gathered so far and its line, and the farthest a row lay behind it (that row's line, and the latest's). */
  private gatherLatest = -Infinity;
  private gatherLatestLine = 0;
  sortedBack = { us: 0, line: 0, behind: 0 };

  protected emitted(t: number): void {
    if (this.records === 0) this.firstTime = t;
    else if (t - this.lastTime > QUIET_US) this.quiet.note(this.lastTime, t);
    this.lastTime = t;
    this.records++;
  }
}

/** Quote rows → collapsed ticks (mid = (bid + ask) / 2, or the price column). */
export class QuoteValidator extends Rules {
  readonly batcher: QuoteBatcher;
  private hasPending = false;
  private pt = 0;
  private pbid = 0;
  private pask = 0;
  private pprice = 0;
  private readonly gatherBid = new Column(new Float64Array(0));
  private readonly gatherAsk = new Column(new Float64Array(0));

  constructor(plan: FormatPlan, opts: ValidatorOptions) {
    super(plan, opts);
    this.batcher = new QuoteBatcher(opts.batchRows, plan.priceOnly, opts.returned);
  }

  row(r: RowScratch): void {
    if (this.stopped) return;
    this.rows++;
    if (!this.usable(r)) return;
    const priceOnly = this.plan.priceOnly;
    const bid = priceOnly ? r.price : r.bid;
    const ask = priceOnly ? r.price : r.ask;
    if (this.opts.sort) {
      const n = this.gatherSlot(r);
      this.gatherT.push(n, r.t);
      this.gatherBid.push(n, bid);
      this.gatherAsk.push(n, ask);
      return;
    }
    if (!this.inOrder(r)) return;
    this.accept(r.t, bid, ask);
    this.stopped = r.t >= this.until;
  }

  /**
   * The line kernel's rows (RowSink.bulk): a row every rule passes and in time order is kept
   * here as row() would keep it (counted, its line the last kept, collapsed into the pending
   * tick); any other row, and every row under `sort`, goes to row() itself. The kernel's times
   * and values are plain numbers, its rows never short and never empty, so what is left of the
   * row rules (row-verdict.ts, the quote branch) is checked here in the classifier's terms.
   */
  bulk(cols: readonly Float64Array[], n: number, firstLine: number, fill: (i: number) => RowScratch): void {
    if (this.opts.sort) return this.eachRow(n, fill);
    const priceOnly = this.plan.priceOnly;
    const time = cols[ROLE_TIME]!;
    const bids = cols[priceOnly ? ROLE_PRICE : ROLE_BID]!;
    const asks = cols[priceOnly ? ROLE_PRICE : ROLE_ASK]!;
    let i = 0;
    while (i < n && !this.stopped) {
      i = this.keptRun(time, bids, asks, i, n, firstLine);
      if (i < n && !this.stopped) this.row(fill(i++));
    }
  }

  /**
   * The rows from `from` that every rule passes, in time order, kept as row() keeps them: the
   * classifier's ok for these rows (bid > 0, ask > 0, bid ≤ ask and a finite mid for bid-ask
   * quotes; price > 0 for one price, read into both), then inOrder's test. Returns the first
   * row not kept (`n`, a row for row() to judge, or the row after the one that reached `until`).
   * The validator's state is carried in locals through the run and written back once.
   */
  private keptRun(time: Float64Array, bids: Float64Array, asks: Float64Array, from: number, n: number, firstLine: number): number {
    const priceOnly = this.plan.priceOnly;
    const until = this.until;
    const batcher = this.batcher;
    let lastT = this.lastT;
    let hasPending = this.hasPending;
    let pt = this.pt;
    let pbid = this.pbid;
    let pask = this.pask;
    let pprice = this.pprice;
    let records = this.records;
    let firstTime = this.firstTime;
    let lastTime = this.lastTime;
    let stopped = false;
    let i = from;
    for (; i < n && !stopped; i++) {
      const t = time[i]!;
      const bid = bids[i]!;
      const ask = asks[i]!;
      const mid = priceOnly ? bid : midOf(bid, ask);
      const usable = priceOnly ? bid > 0 : bid > 0 && ask > 0 && bid <= ask && Number.isFinite(mid);
      if (!usable || !(t >= lastT)) break;
      lastT = t;
      // accept(): a row at the pending row's time replaces it; a later row sends it on (emit()).
      if (hasPending && t !== pt) {
        batcher.add(pt, pbid, pask, pprice);
        if (records === 0) firstTime = pt;
        else if (pt - lastTime > QUIET_US) this.quiet.note(lastTime, pt);
        lastTime = pt;
        records++;
      }
      hasPending = true;
      pt = t;
      pbid = bid;
      pask = ask;
      pprice = mid;
      stopped = t >= until;
    }
    const kept = i - from;
    if (kept === 0) return i;
    this.rows += kept;
    this.goodRows += kept;
    // The kept time before the last, strictly earlier (likelyBadLine), found back from the run's
    // end rather than kept row by row: this loop is the readers' hottest.
    if (lastT > this.lastT) {
      let j = i - 1;
      while (j >= from && time[j] === lastT) j--;
      this.previousT = j >= from ? time[j]! : this.lastT;
    }
    this.lastT = lastT;
    this.lastLine = firstLine + i - 1;
    this.records = records;
    this.firstTime = firstTime;
    this.lastTime = lastTime;
    this.hasPending = hasPending;
    this.pt = pt;
    this.pbid = pbid;
    this.pask = pask;
    this.pprice = pprice;
    this.stopped = stopped;
    return i;
  }

  /** Burst collapse: a row at the pending row's time replaces it; a later row sends it on. */
  private accept(t: number, bid: number, ask: number): void {
    this.goodRows++;
    if (this.hasPending && t !== this.pt) this.emit();
    this.hasPending = true;
    this.pt = t;
    this.pbid = bid;
    this.pask = ask;
    // The same expression in every path, so both parsers hand on bit-identical mids.
    this.pprice = this.plan.priceOnly ? bid : midOf(bid, ask);
  }

  private emit(): void {
    this.batcher.add(this.pt, this.pbid, this.pask, this.pprice);
    this.emitted(this.pt);
  }

  *end(): Generator<void, void, undefined> {
    if (this.opts.sort) {
      const n = this.gathered;
      const t = this.gatherT.data;
      const bid = this.gatherBid.data;
      const ask = this.gatherAsk.data;
      this.gatherT.data = this.gatherBid.data = this.gatherAsk.data = new Float64Array(0);
      const order = stableOrder(t, n);
      for (let k = 0; k < n; k++) {
        const i = order ? order[k]! : k;
        this.accept(t[i]!, bid[i]!, ask[i]!);
        if (this.batcher.out.length > 0) yield;
      }
    }
    if (this.hasPending) this.emit();
    this.hasPending = false;
    this.batcher.flush();
  }
}

/** Trade rows → trade batches (no collapse: several trades may share a time). */
export class TradeValidator extends Rules {
  readonly batcher: TradeBatcher;
  private readonly gatherPrice = new Column(new Float64Array(0));
  private readonly gatherQty = new Column(new Float64Array(0));
  private readonly gatherSide = new Column(new Int8Array(0));
  private readonly hasSide: boolean;

  constructor(plan: FormatPlan, opts: ValidatorOptions) {
    super(plan, opts);
    this.batcher = new TradeBatcher(opts.batchRows, opts.returned);
    this.hasSide = plan.sideMode !== 'none';
  }

  row(r: RowScratch): void {
    if (this.stopped) return;
    this.rows++;
    if (!this.usable(r)) return;
    const side = this.hasSide ? r.side : 0;
    if (this.opts.sort) {
      const n = this.gatherSlot(r);
      this.gatherT.push(n, r.t);
      this.gatherPrice.push(n, r.price);
      this.gatherQty.push(n, r.qty);
      this.gatherSide.push(n, side);
      if (this.hasSide && r.sideUnread) this.noteUnreadSide(r);
      return;
    }
    if (!this.inOrder(r)) return;
    if (this.hasSide && r.sideUnread) this.noteUnreadSide(r);
    this.accept(r.t, r.price, r.qty, side);
    this.stopped = r.t >= this.until;
  }

  /**
   * Trades kept whose side field held a value no side reader knows (RowScratch.sideUnread):
   * how many, and the first one's line and value. They take side 0, as a trade without a side.
   */
  readonly unreadSides = { count: 0, line: 0, value: '' };

  /** Counts a kept row with an unread side (under `sort`, every row gathered is kept). */
  private noteUnreadSide(r: RowScratch): void {
    if (this.unreadSides.count++ === 0) {
      this.unreadSides.line = r.line;
      this.unreadSides.value = this.columnText(r, ROLE_SIDE);
    }
  }

  /**
   * The line kernel's rows (RowSink.bulk), as QuoteValidator.bulk: a row with price > 0 and
   * quantity > 0 and in time order is kept here as row() keeps it; any other row, every row
   * under `sort` and every row of a file with a side column (which the kernel does not read)
   * goes to row().
   */
  bulk(cols: readonly Float64Array[], n: number, firstLine: number, fill: (i: number) => RowScratch): void {
    if (this.opts.sort || this.hasSide) return this.eachRow(n, fill);
    const time = cols[ROLE_TIME]!;
    const prices = cols[ROLE_PRICE]!;
    const qtys = cols[ROLE_QTY]!;
    const until = this.until;
    for (let i = 0; i < n; i++) {
      if (this.stopped) return;
      const t = time[i]!;
      const price = prices[i]!;
      const qty = qtys[i]!;
      if (!(price > 0 && qty > 0 && t >= this.lastT)) {
        this.row(fill(i));
        continue;
      }
      this.keptInBulk(t, firstLine + i);
      this.accept(t, price, qty, 0);
      this.stopped = t >= until;
    }
  }

  private accept(t: number, price: number, qty: number, side: number): void {
    this.goodRows++;
    this.batcher.add(t, price, qty, side);
    this.emitted(t);
  }

  *end(): Generator<void, void, undefined> {
    if (this.opts.sort) {
      const n = this.gathered;
      const t = this.gatherT.data;
      const price = this.gatherPrice.data;
      const qty = this.gatherQty.data;
      const side = this.gatherSide.data;
      this.gatherT.data = this.gatherPrice.data = this.gatherQty.data = new Float64Array(0);
      this.gatherSide.data = new Int8Array(0);
      const order = stableOrder(t, n);
      for (let k = 0; k < n; k++) {
        const i = order ? order[k]! : k;
        this.accept(t[i]!, price[i]!, qty[i]!, side[i]!);
        if (this.batcher.out.length > 0) yield;
      }
    }
    this.batcher.flush();
  }
}
