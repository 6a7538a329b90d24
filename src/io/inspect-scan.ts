/**
 * Data-quality scan of one quote or trade file (`leadlag inspect`): every raw row
 * (scanRows, before any rule) is classified by the readers' own row classifier
 * (row-verdict.ts, the one validate.ts uses) and the usable rows feed the streaming
 * kernels: Timeline (src/core/quality.ts), TickSize, and ClockCheck when the file has two
 * clocks (its second clock is read too). Nothing is rejected: problems are counted with
 * their first line numbers.
 *
 * So the counts say what `pair`/`xcorr`/`classify` would do with the file: with no
 * problem they read it as is; with problems they stop at the first, and with
 * --skip-bad-rows they analyse exactly the `ticks` counted here.
 *
 * Cost: the parse plus a few compares per row; memory: the read buffers, the gap
 * histogram (4 MB) and the latency histogram (8 MB), never per row (save latencies beyond
 * ±1 s, 8 bytes each).
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { DataError } from '../errors.js';
import { Timeline, type TimelineOptions, type TimelineSummary } from '../core/quality.js';
import { clockKind, clockPairOf, columnName, ROLE_ASK, ROLE_BID, ROLE_PRICE, ROLE_QTY, ROLE_SIDE, timeColumnName, type FormatPlan, type Kind } from './formats.js';
import { ClockCheck, type ClockSummary } from '../core/clocks.js';
import { TickSize, type TickSummary } from '../core/ticksize.js';
import { KIND_BACKWARDS, midOf, RowClassifier, Verdict, VERDICT_KIND, verdictClass, type VerdictCode } from './row-verdict.js';
import type { RowSink } from './fastparse.js';
import { inputName, type InputSpec } from './open.js';
import { scanRows, type InternalReadOptions, type ScanInfo } from './reader.js';
import { Rewindable } from './replay.js';
import type { FieldConverter, RowScratch } from './rows.js';
import type { BehindRow, Clock, Progress, ReadOptions, ReadReport, TimePatternText, TimeUnit } from './types.js';
import { Column, likelyBadLine, SkipLog, stableOrder } from './validate.js';
import { scaleStep } from './scale-watch.js';
import { MAX_SORT_ROWS, sortLimitError } from './sort-limit.js';

export interface InspectScanOptions extends TimelineOptions, Pick<InternalReadOptions, 'parser' | 'chunkBytes' | 'kernel'>, Pick<ReadOptions, 'columns' | 'timeFormat' | 'delimiter'> {
  readonly clock: Clock;
  readonly timeUnit?: TimeUnit;
  /**
   * As the readers' --sort: the usable rows are sorted by time (stably) before the timeline
   * statistics, so they describe what a sorted analysis sees; holds the usable rows in memory
   * (16 bytes each), at most MAX_SORT_ROWS of them as the readers do (a DataError past it).
   * `out of order` still counts the rows out of order in the file.
   */
  readonly sort?: boolean;
  /** Rows `sort` may hold (default MAX_SORT_ROWS; smaller in tests). */
  readonly maxSortRows?: number;
  /** Called after every chunk read with bytes and rows so far. */
  readonly onProgress?: (p: Progress) => void;
  /** Standard input, for `-` (default process.stdin). */
  readonly stdin?: Readable;
}

/** What inspect found in one file. Row counts partition `rows` (see FileQuality.problems). */
export interface FileQuality {
  readonly file: string;
  readonly kind: Kind;
  /** As ReadReport.format, e.g. 'tardis-quotes', 'binance-trades-noheader'. */
  readonly format: string;
  readonly timeColumn: string;
  /** Unit the times were read in (or the --time-format pattern); null when no row had a usable time to decide it by. */
  readonly timeUnit: TimeUnit | 'iso' | TimePatternText | null;
  /** The columns read for the other roles (absent roles are left out). */
  readonly columns: { readonly price?: string; readonly bid?: string; readonly ask?: string; readonly quantity?: string; readonly side?: string };
  /** The field delimiter: `,` `;` `\t` or `|`. */
  readonly delimiter: string;
  /** Data rows (header excluded). */
  readonly rows: number;
  /** Order, bursts, gaps, span and price range of the usable rows. */
  readonly timeline: TimelineSummary;
  /** Short and long rows, rows of another symbol, unparsable times and non-numeric prices or quantities. */
  readonly unparsable: number;
  /** Zero or negative prices or quantities. */
  readonly nonPositive: number;
  /** Trades with a side column: usable rows whose side value no reader knows (RowScratch.sideUnread; `--trade-side flag` takes the quote rule for them); null without a side column. */
  readonly unreadSides: number | null;
  /** Quotes with bid and ask columns only (null otherwise): empty bid or ask, bid > ask, bid = ask (locked rows stay usable). */
  readonly oneSided: number | null;
  readonly crossed: number | null;
  readonly locked: number | null;
  /** Which clock the times are on: the venue's (exchange), a receipt time, or unknown. */
  readonly clock: 'exchange' | 'receipt' | 'unknown';
  /** The file's other clock column and what its two clocks say; null when it has one clock. */
  readonly secondClock: string | null;
  readonly clocks: ClockSummary | null;
  /** The price grid: smallest increment and one-tick share of mid (or price) moves. */
  readonly tickSize: TickSummary;
  /**
   * Every row left out, by the reader's kind names ('short row', 'unparsable time',
   * 'non-numeric bid', 'non-positive price', 'one-sided quote', 'crossed quote',
   * 'time going backwards', …) with the first 5 line numbers, in order of first appearance.
   * rows = timeline.rows + Σ counts.
   */
  readonly problems: ReadReport['skipped'];
  /**
   * The kept row that most of the rows going back in time fell behind, one after another
   * (likelyBadLine, the rule of the readers' warning): its line, time and how many; null
   * when there is none (and under sort, which leaves no row out for its order). The timeline
   * includes it.
   */
  readonly likelyBadLine: BehindRow | null;
  /** Quote files: steps of the mid by SCALE_BREAK or more between consecutive kept rows (ReadReport.scaleBreaks); absent where none. */
  readonly scaleBreaks?: { readonly count: number; readonly line?: number; readonly time: number; readonly from: number; readonly to: number; readonly file: string };
  /** Under sort: the row that lay farthest behind the latest time before it (ReadReport.sortedBack); absent where none did. */
  readonly sortedBack?: { readonly us: number; readonly line: number; readonly behind: number; readonly file: string };
}

/**
 * The mid's steps of SCALE_BREAK or more between ticks, a tick being the last row of its time, as
 * the readers collapse bursts and the analyses watch them (scale-watch.ts): row by row, a burst's
 * passing stub quote was warned of here and never by the analyses, and a step split over a burst's
 * rows (×1.5 twice) the other way round.
 */
class TickSteps {
  private time = NaN;
  private price = NaN;
  private line = 0;
  private last = NaN;
  private done = false;
  private readonly found = { count: 0, line: 0, time: NaN, from: NaN, to: NaN };

  /** A kept row: its time (µs), mid and line (0 where unknown). */
  push(t: number, price: number, line: number): void {
    if (t !== this.time) {
      this.close();
      this.time = t;
      this.line = line;
    }
    this.price = price;
  }

  /** The steps, the last tick closed; call once, at the end. */
  finish(): { count: number; line: number; time: number; from: number; to: number } {
    if (!this.done) this.close();
    this.done = true;
    return this.found;
  }

  private close(): void {
    if (Number.isNaN(this.time)) return;
    if (scaleStep(this.last, this.price) && this.found.count++ === 0) Object.assign(this.found, { line: this.line, time: this.time, from: this.last, to: this.price });
    this.last = this.price;
  }
}

/** The RowSink: classifies each raw row (row-verdict.ts), feeds the usable ones to the kernels. No allocation per good row. */
export class InspectSink implements RowSink {
  rows = 0;
  unparsable = 0;
  nonPositive = 0;
  unreadSides = 0;
  oneSided = 0;
  crossed = 0;
  locked = 0;
  readonly problems = new SkipLog();
  readonly timeline: Timeline;
  readonly ticks = new TickSize();
  /** Present when the file has a second clock (FormatPlan.secondClock). */
  readonly clocks: ClockCheck | undefined;
  private readonly classifier: RowClassifier;
  private readonly bidAsk: boolean;
  /** The time column is the receipt clock (the second clock is then the exchange's). */
  private readonly timeIsReceipt: boolean;
  private readonly file: string;
  private readonly maxSortRows: number;
  /** The last row the timeline kept (line and time): a row going back in time falls behind it. */
  private keptLine = -1;
  private keptTime = NaN;
  /** The time of the kept row before that one (likelyBadLine's check). */
  private previousTime = -Infinity;
  /** The mid's steps of SCALE_BREAK or more between ticks, as the analyses count them (quotes only). */
  private readonly steps = new TickSteps();
  /** Under sort: the usable rows (time, price, bid, ask), and the rows out of order in the file. */
  private readonly sorted: { t: Column<Float64Array>; p: Column<Float64Array>; b: Column<Float64Array>; a: Column<Float64Array>; n: number; latest: number; latestLine: number; back: number; farthest: { us: number; line: number; behind: number } } | undefined;

  constructor(
    readonly plan: FormatPlan,
    readonly converter: FieldConverter,
    opts: TimelineOptions & { readonly sort?: boolean; readonly file?: string; readonly maxSortRows?: number } = {},
  ) {
    this.file = opts.file ?? '<input>';
    this.maxSortRows = opts.maxSortRows ?? MAX_SORT_ROWS;
    this.timeline = new Timeline(opts);
    const column = () => new Column(new Float64Array(0));
    this.sorted = opts.sort === true ? { t: column(), p: column(), b: column(), a: column(), n: 0, latest: -Infinity, latestLine: 0, back: 0, farthest: { us: 0, line: 0, behind: 0 } } : undefined;
    this.classifier = new RowClassifier(plan);
    this.bidAsk = plan.kind === 'quotes' && !plan.priceOnly;
    const pair = plan.secondClock === undefined ? undefined : clockPairOf(plan);
    this.clocks = pair === undefined ? undefined : new ClockCheck(pair.equalMeansNoExchangeTime);
    this.timeIsReceipt = clockKind(plan) === 'receipt';
  }

  row(r: RowScratch): void {
    this.rows++;
    const v = this.classifier.classify(r);
    if (v !== Verdict.ok) return this.bad(v, r.line);
    if (r.sideUnread) this.unreadSides++;
    const t = r.t;
    const clocks = this.clocks;
    if (clocks) {
      if (this.timeIsReceipt) clocks.push(r.t2, t);
      else clocks.push(t, r.t2);
    }
    let price: number;
    let bid: number;
    let ask: number;
    if (this.bidAsk) {
      bid = r.bid;
      ask = r.ask;
      if (bid === ask) this.locked++;
      // The reader's expression, so prices agree bit for bit with what the analysis sees.
      price = midOf(bid, ask);
    } else {
      price = bid = ask = r.price;
    }
    const sorted = this.sorted;
    if (sorted) {
      // The readers' --sort bound (validate.ts), with the same message: memory stays bounded.
      if (sorted.n >= this.maxSortRows) throw sortLimitError(this.file, r.line, this.maxSortRows);
      if (t < sorted.latest) {
        sorted.back++;
        if (sorted.latest - t > sorted.farthest.us) sorted.farthest = { us: sorted.latest - t, line: r.line, behind: sorted.latestLine };
      } else if (t > sorted.latest) {
        sorted.latest = t;
        sorted.latestLine = r.line;
      }
      sorted.t.push(sorted.n, t);
      sorted.b.push(sorted.n, bid);
      sorted.a.push(sorted.n, ask);
      sorted.p.push(sorted.n++, price);
    } else if (this.timeline.push(t, price)) {
      // The tick size and mid changes over the rows kept, in their order: a row going back in
      // time is no usable row (a shuffled file counted 2866 mid changes over 733 usable rows).
      this.ticks.push(bid, ask, price);
      this.keptLine = r.line;
      // Strictly earlier, as the validators keep it (validate.ts previousT): a burst at one time is one time.
      if (!Number.isNaN(this.keptTime) && t > this.keptTime) this.previousTime = this.keptTime;
      this.keptTime = t;
      if (this.plan.kind === 'quotes') this.steps.push(t, price, r.line);
    } else {
      // As the validators log it, so the likely bad line is found by the same rule (likelyBadLine).
      this.problems.add(KIND_BACKWARDS, r.line);
      this.problems.behind(this.keptLine, this.keptTime, t < this.previousTime);
    }
  }

  /** The mid's steps of SCALE_BREAK or more, for the commands' warning (scaleBreakNote). */
  scaleBreaks(file: string): Pick<FileQuality, 'scaleBreaks'> {
    const { count, line, time, from, to } = this.steps.finish();
    // Line 0: the rows were replayed sorted, without their lines; the time says where.
    return count === 0 ? {} : { scaleBreaks: { count, ...(line > 0 ? { line } : {}), time, from, to, file } };
  }

  /** Under sort, the row moved farthest back, for the commands' warning (sortedBackNote). */
  sortedBack(file: string): Pick<FileQuality, 'sortedBack'> {
    const f = this.sorted?.farthest;
    return f === undefined || f.us === 0 ? {} : { sortedBack: { ...f, file } };
  }

  /**
   * The timeline statistics; under sort, of the usable rows in time order (ties in file order),
   * which also feeds the tick size in that order. Call once, at the end, before tickSummary.
   */
  timelineSummary(): TimelineSummary {
    const sorted = this.sorted;
    if (!sorted) return this.timeline.summary();
    const { t, p, b, a, n } = sorted;
    const order = stableOrder(t.data, n);
    for (let k = 0; k < n; k++) {
      const i = order ? order[k]! : k;
      this.timeline.push(t.data[i]!, p.data[i]!);
      this.ticks.push(b.data[i]!, a.data[i]!, p.data[i]!);
      // Sorted, a row's line is not kept: the step is said by its time.
      if (this.plan.kind === 'quotes') this.steps.push(t.data[i]!, p.data[i]!, 0);
    }
    return { ...this.timeline.summary(), outOfOrder: sorted.back };
  }

  private bad(v: VerdictCode, line: number): void {
    this.problems.add(VERDICT_KIND[v]!, line);
    switch (verdictClass(v)) {
      case 'oneSided':
        this.oneSided++;
        break;
      case 'crossed':
        this.crossed++;
        break;
      case 'nonPositive':
        this.nonPositive++;
        break;
      default:
        this.unparsable++;
    }
  }
}

/**
 * Inspects one file: read as quotes when its header is a quote format, else as trades (a
 * trades header that would also pass as price-only quotes is refused as quotes by the format
 * detector, as the analyses refuse it, so it is read as trades here).
 * `-` is standard input (read once; its start is replayed when it turns out to be trades), and
 * so is any other input that cannot be reopened (a FIFO, `/dev/fd/N`, a device).
 * @throws OpenError when the input cannot be read; DataError when it is neither a quote
 *   nor a trade file, is empty, or its CSV quoting is malformed (row-level problems are
 *   counted, never thrown).
 */
export async function inspectInput(input: InputSpec, o: InspectScanOptions): Promise<FileQuality> {
  const file = inputName(input);
  const replay = oneShot(input, o);
  const source = (): InputSpec => (replay ? { stream: replay.stream(), name: file } : input);
  const asQuotes = await attempt(source(), 'quotes', o, replay);
  if (asQuotes.ok) return asQuotes.quality;
  const asTrades = await attempt(source(), 'trades', o, replay);
  if (asTrades.ok) return asTrades.quality;
  throw neither(file, asQuotes.error, asTrades.error);
}

/**
 * Inputs that can be read only once — `-`, a FIFO, a process substitution, a device — get a
 * Rewindable, so the second attempt (as trades) sees the same bytes; files are simply reopened.
 */
function oneShot(input: InputSpec, o: InspectScanOptions): Rewindable | undefined {
  if (input === '-') return new Rewindable(o.stdin ?? process.stdin);
  if (typeof input !== 'string') return undefined;
  let st;
  try {
    st = statSync(input);
  } catch {
    return undefined; // the reader reports why it cannot be opened
  }
  return st.isFile() || st.isDirectory() ? undefined : new Rewindable(createReadStream(input, { highWaterMark: 1 << 20 }));
}

type Attempt = { ok: true; quality: FileQuality } | { ok: false; error: DataError };

/** One scan as `kind`; not ok, with the error, when the header did not fit `kind`. */
async function attempt(input: InputSpec, kind: Kind, o: InspectScanOptions, replay: Rewindable | undefined): Promise<Attempt> {
  const file = inputName(input);
  let sink: InspectSink | undefined;
  const makeSink = (plan: FormatPlan, conv: FieldConverter): RowSink => {
    replay?.commit();
    return (sink = new InspectSink(plan, conv, { ...o, file }));
  };
  const onProgress = o.onProgress;
  const onChunk = onProgress
    ? (bytesRead: number, bytesTotal: number | undefined, rows: number) => onProgress({ file, bytesRead, bytesTotal, rows })
    : undefined;
  let info: ScanInfo;
  try {
    const scan = scanRows(input, kind, { ...o, secondClock: true }, makeSink, onChunk);
    for (;;) {
      const step = await scan.next();
      if (step.done) {
        info = step.value;
        break;
      }
    }
  } catch (e) {
    // Only a header that did not fit is worth another try; anything later is this file's error.
    if (sink === undefined && e instanceof DataError) return { ok: false, error: e };
    throw e;
  }
  const s = sink!;
  const problems = s.problems.list();
  const bidAsk = info.plan.kind === 'quotes' && !info.plan.priceOnly;
  return {
    ok: true,
    quality: {
      file,
      kind: info.plan.kind,
      format: info.plan.format,
      timeColumn: timeColumnName(info.plan),
      timeUnit: info.converter.time.reportUnit ?? info.plan.timeUnit ?? null,
      columns: columnsOf(info.plan),
      delimiter: String.fromCharCode(info.plan.delimiter),
      rows: info.rows,
      timeline: s.timelineSummary(),
      unparsable: s.unparsable,
      nonPositive: s.nonPositive,
      unreadSides: info.plan.sideMode === 'none' ? null : s.unreadSides,
      oneSided: bidAsk ? s.oneSided : null,
      crossed: bidAsk ? s.crossed : null,
      locked: bidAsk ? s.locked : null,
      clock: clockKind(info.plan),
      secondClock: info.plan.secondClock ?? null,
      clocks: s.clocks?.summary() ?? null,
      tickSize: s.ticks.summary(),
      problems,
      likelyBadLine: firstLikelyBadLine(problems),
      ...s.sortedBack(file),
      ...s.scaleBreaks(file),
    },
  };
}

/** The likely bad line among the problems (only rows going back in time have one), or null. */
function firstLikelyBadLine(problems: FileQuality['problems']): BehindRow | null {
  for (const p of problems) {
    const b = likelyBadLine(p);
    if (b !== undefined) return b;
  }
  return null;
}

/** The column read for each role besides time, by its header name. */
function columnsOf(plan: FormatPlan): FileQuality['columns'] {
  const out: Record<string, string> = {};
  const roles: Array<[string, number]> = [['price', ROLE_PRICE], ['bid', ROLE_BID], ['ask', ROLE_ASK], ['quantity', ROLE_QTY], ['side', ROLE_SIDE]];
  for (const [key, role] of roles) {
    const n = columnName(plan, role);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

/** Neither layout fits: one error naming both reasons (or the shared one, e.g. an empty file). */
function neither(file: string, quotes: DataError, trades: DataError): DataError {
  if (quotes.problem === trades.problem) return trades;
  // An unrecognised header's message ends in the long list of layouts: keep its columns and suggestions.
  const unknown = /^unrecognised \w+ header (with columns .*); name them with options \((.*)\)\. Recognised without options/;
  const [uq, ut] = [unknown.exec(quotes.problem), unknown.exec(trades.problem)];
  const short = (p: string, u: RegExpExecArray | null) => (u ? `unrecognised header ${u[1]} (${u[2]})` : p);
  const [q, t] = [short(quotes.problem, uq), short(trades.problem, ut)];
  const why = uq && ut ? `unrecognised header ${uq[1]}; name them with options (as quotes: ${uq[2]}; as trades: ${ut[2]})` : q === t ? q : `as quotes: ${q}; as trades: ${t}`;
  return new DataError(file, trades.line ?? quotes.line, `neither a quote nor a trade file (${why}; see Input formats in the README)`, trades.value ?? quotes.value);
}
