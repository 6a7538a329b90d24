/**
 * Data-quality scan of one quote or trade file (`leadlag inspect`): every raw row
 * (scanRows, before any rule) is classified by the reader's own row rules — the same
 * kinds, in the same order of checks as validate.ts — and the usable rows feed the
 * streaming Timeline kernel (src/core/quality.ts). Nothing is rejected: problems are
 * counted with their first line numbers.
 *
 * So the counts say what `pair`/`xcorr`/`classify` would do with the file: with no
 * problem they read it as is; with problems they stop at the first, and with
 * --skip-bad-rows they analyse exactly the `ticks` counted here.
 *
 * Cost: the parse plus a few compares per row; memory: the read buffers and the gap
 * histogram (4 MB), never per row.
 */
import type { Readable } from 'node:stream';
import { DataError } from '../errors.js';
import { Timeline, type TimelineOptions, type TimelineSummary } from '../core/quality.js';
import { planFromHeader, ROLE_ASK, ROLE_BID, type FormatPlan, type Kind } from './formats.js';
import type { RowSink } from './fastparse.js';
import { inputName, type InputSpec } from './open.js';
import { scanRows, type InternalReadOptions, type ScanInfo } from './reader.js';
import { Rewindable } from './replay.js';
import type { FieldConverter, RowScratch } from './rows.js';
import type { Clock, Progress, ReadReport, TimeUnit } from './types.js';
import { SkipLog } from './validate.js';

export interface InspectScanOptions extends TimelineOptions, Pick<InternalReadOptions, 'parser' | 'chunkBytes'> {
  readonly clock: Clock;
  readonly timeUnit?: TimeUnit;
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
  /** Unit the times were read in; null when no row had a usable time to decide it by. */
  readonly timeUnit: TimeUnit | 'iso' | null;
  /** Data rows (header excluded). */
  readonly rows: number;
  /** Order, bursts, gaps, span and price range of the usable rows. */
  readonly timeline: TimelineSummary;
  /** Short rows, unparsable times and non-numeric prices or quantities. */
  readonly unparsable: number;
  /** Zero or negative prices or quantities. */
  readonly nonPositive: number;
  /** Quotes with bid and ask columns only (null otherwise): empty bid or ask, bid > ask, bid = ask (locked rows stay usable). */
  readonly oneSided: number | null;
  readonly crossed: number | null;
  readonly locked: number | null;
  /**
   * Every row left out, by the reader's kind names ('short row', 'unparsable time',
   * 'non-numeric bid', 'non-positive price', 'one-sided quote', 'crossed quote',
   * 'time going backwards', …) with the first 5 line numbers, in order of first appearance.
   * rows = timeline.rows + Σ counts.
   */
  readonly problems: ReadReport['skipped'];
}

const KIND_SHORT = 'short row';
const KIND_TIME = 'unparsable time';
const KIND_ONE_SIDED = 'one-sided quote';
const KIND_CROSSED = 'crossed quote';
const KIND_BACKWARDS = 'time going backwards';

/** The RowSink: classifies each raw row, feeds the usable ones to a Timeline. No allocation per good row. */
export class InspectSink implements RowSink {
  rows = 0;
  unparsable = 0;
  nonPositive = 0;
  oneSided = 0;
  crossed = 0;
  locked = 0;
  readonly problems = new SkipLog();
  readonly timeline: Timeline;
  private readonly bidAsk: boolean;
  private readonly oneSidedMask = (1 << ROLE_BID) | (1 << ROLE_ASK);
  /** Kind names per value role, built once: [non-numeric, non-positive]. */
  private readonly priceKinds = ['non-numeric price', 'non-positive price'] as const;
  private readonly bidKinds = ['non-numeric bid', 'non-positive bid'] as const;
  private readonly askKinds = ['non-numeric ask', 'non-positive ask'] as const;
  private readonly qtyKinds = ['non-numeric quantity', 'non-positive quantity'] as const;

  constructor(
    readonly plan: FormatPlan,
    readonly converter: FieldConverter,
    opts: TimelineOptions = {},
  ) {
    this.timeline = new Timeline(opts);
    this.bidAsk = plan.kind === 'quotes' && !plan.priceOnly;
  }

  row(r: RowScratch): void {
    this.rows++;
    if (r.short) return this.unusable(KIND_SHORT, r.line);
    const t = r.t;
    if (t !== t) return this.unusable(KIND_TIME, r.line);
    let price: number;
    if (this.bidAsk) {
      if ((r.empty & this.oneSidedMask) !== 0) {
        this.oneSided++;
        this.problems.add(KIND_ONE_SIDED, r.line);
        return;
      }
      const bid = r.bid;
      const ask = r.ask;
      if (!this.positive(bid, this.bidKinds, r.line) || !this.positive(ask, this.askKinds, r.line)) return;
      if (bid > ask) {
        this.crossed++;
        this.problems.add(KIND_CROSSED, r.line);
        return;
      }
      if (bid === ask) this.locked++;
      // The reader's expression, so prices agree bit for bit with what the analysis sees.
      price = (bid + ask) / 2;
    } else {
      price = r.price;
      if (!this.positive(price, this.priceKinds, r.line)) return;
      if (this.plan.kind === 'trades' && !this.positive(r.qty, this.qtyKinds, r.line)) return;
    }
    if (!this.timeline.push(t, price)) this.problems.add(KIND_BACKWARDS, r.line);
  }

  private positive(v: number, kinds: readonly [string, string], line: number): boolean {
    if (v > 0) return true;
    if (v !== v) this.unusable(kinds[0], line);
    else {
      this.nonPositive++;
      this.problems.add(kinds[1], line);
    }
    return false;
  }

  private unusable(kind: string, line: number): void {
    this.unparsable++;
    this.problems.add(kind, line);
  }
}

/** Thrown from the quote sink factory when the header reads better as trades. */
class PreferTrades extends Error {}

/**
 * A trade header also fits the generic price-only quote layout (a time and a `price`
 * column); when it fits a trade layout too (it has a quantity, or is a known trade
 * export), it is a trade file.
 */
function readsAsTrades(plan: FormatPlan, o: InspectScanOptions): boolean {
  if (plan.kind !== 'quotes' || !plan.priceOnly || !plan.format.startsWith('generic')) return false;
  try {
    planFromHeader(plan.names, 'trades', o.clock, o.timeUnit, { file: '', line: 0, text: '' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Inspects one file: read as quotes when its header is a quote format, else as trades.
 * `-` is standard input (read once; its start is replayed when it turns out to be trades).
 * @throws OpenError when the input cannot be read; DataError when it is neither a quote
 *   nor a trade file, is empty, or its CSV quoting is malformed (row-level problems are
 *   counted, never thrown).
 */
export async function inspectInput(input: InputSpec, o: InspectScanOptions): Promise<FileQuality> {
  const file = inputName(input);
  const replay = input === '-' ? new Rewindable(o.stdin ?? process.stdin) : undefined;
  const source = (): InputSpec => (replay ? { stream: replay.stream(), name: file } : input);
  const asQuotes = await attempt(source(), 'quotes', o, replay);
  if (asQuotes.ok) return asQuotes.quality;
  const asTrades = await attempt(source(), 'trades', o, replay);
  if (asTrades.ok) return asTrades.quality;
  throw neither(file, asQuotes.error, asTrades.error);
}

type Attempt = { ok: true; quality: FileQuality } | { ok: false; error: DataError | undefined };

/** One scan as `kind`; not ok when the header did not fit `kind` (the error, or undefined when trades fit better). */
async function attempt(input: InputSpec, kind: Kind, o: InspectScanOptions, replay: Rewindable | undefined): Promise<Attempt> {
  const file = inputName(input);
  let sink: InspectSink | undefined;
  const makeSink = (plan: FormatPlan, conv: FieldConverter): RowSink => {
    if (readsAsTrades(plan, o)) throw new PreferTrades();
    replay?.commit();
    return (sink = new InspectSink(plan, conv, o));
  };
  const onProgress = o.onProgress;
  const onChunk = onProgress
    ? (bytesRead: number, bytesTotal: number | undefined, rows: number) => onProgress({ file, bytesRead, bytesTotal, rows })
    : undefined;
  let info: ScanInfo;
  try {
    const scan = scanRows(input, kind, o, makeSink, onChunk);
    for (;;) {
      const step = await scan.next();
      if (step.done) {
        info = step.value;
        break;
      }
    }
  } catch (e) {
    if (e instanceof PreferTrades) return { ok: false, error: undefined };
    // Only a header that did not fit is worth another try; anything later is this file's error.
    if (sink === undefined && e instanceof DataError) return { ok: false, error: e };
    throw e;
  }
  const s = sink!;
  const bidAsk = info.plan.kind === 'quotes' && !info.plan.priceOnly;
  return {
    ok: true,
    quality: {
      file,
      kind: info.plan.kind,
      format: info.plan.format,
      timeColumn: info.plan.timeColumn,
      timeUnit: info.converter.time.reportUnit ?? info.plan.timeUnit ?? null,
      rows: info.rows,
      timeline: s.timeline.summary(),
      unparsable: s.unparsable,
      nonPositive: s.nonPositive,
      oneSided: bidAsk ? s.oneSided : null,
      crossed: bidAsk ? s.crossed : null,
      locked: bidAsk ? s.locked : null,
      problems: s.problems.list(),
    },
  };
}

/** Neither layout fits: one error naming both reasons (or the shared one, e.g. an empty file). */
function neither(file: string, quotes: DataError | undefined, trades: DataError | undefined): DataError {
  if (!quotes || !trades) return (quotes ?? trades)!;
  if (quotes.problem === trades.problem) return trades;
  const short = (p: string) => (p.startsWith('unrecognised') ? 'unrecognised header' : p);
  const [q, t] = [short(quotes.problem), short(trades.problem)];
  const why = q === t ? q : `as quotes: ${q}; as trades: ${t}`;
  return new DataError(file, trades.line ?? quotes.line, `neither a quote nor a trade file (${why}; see Input formats in the README)`, trades.value ?? quotes.value);
}
