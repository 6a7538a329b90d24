/**
 * The reading pipeline, in the current thread:
 * input bytes (open.ts) → rows (fastparse.ts or csvparse.ts, same converters)
 * → row rules, order, bursts (validate.ts) → typed-array batches.
 *
 * `scanRows` is the raw layer (rows before any rule, e.g. for an `inspect` command);
 * `readBatches` is what openQuotes / openTrades iterate, in this thread or a worker.
 * Memory: two read buffers (2 MiB each, for a 1 MiB read behind a carried line; in the line
 * kernel's memory for reads of KERNEL_MIN_READ or more; grown only for a longer line) plus the
 * batches in flight; `sort` holds the whole file's rows.
 */
import type { ReaderKeeper } from './reader-keeper.js';
import type { TickBatch, TradeBatch } from '../core/types.js';
import { DataError, UsageError } from '../errors.js';
import type { ReadOptions, ReadReport } from './types.js';
import { columnName, detectDelimiter, planFromHeader, ROLE_SIDE, timeColumnName, withSecondClock, type FormatPlan, type Kind } from './formats.js';
import { FastParser, checkHasRows, loneCrError, type HeaderHandler, type RowSink } from './fastparse.js';
import { csvRecords } from './csvparse.js';
import { FieldConverter, RecordText, RowScratch } from './rows.js';
import { inputName, openInput, type InputSpec } from './open.js';
import type { ByteSource } from './byte-source.js';
import { QuoteValidator, TradeValidator } from './validate.js';
import { VERDICT_KIND, Verdict } from './row-verdict.js';
import type { ReturnedBuffers } from './batches.js';
import { LineKernel } from './line-kernel.js';

/** ReadOptions plus knobs for tests and benchmarks. */
export interface InternalReadOptions extends ReadOptions {
  /** Bytes per read (default 1 MiB); tiny values exercise lines split across reads. */
  readonly chunkBytes?: number;
  /** Rows `sort` may hold (default MAX_SORT_ROWS); small values exercise the limit. */
  readonly maxSortRows?: number;
  /** Buffers the consumer has returned, for the batches (a worker's; see ReturnedBuffers). */
  readonly returned?: ReturnedBuffers;
  /**
   * The fast path's line kernel (line-kernel.ts) for the lines it reads, where WebAssembly runs:
   * true always; false never (the JavaScript loop reads every line); default for reads of
   * KERNEL_MIN_READ bytes or more. The rows are the same.
   */
  readonly kernel?: boolean;
  /**
   * Where a reader worker (sources.ts) whose read is complete is kept for the next read, and
   * where the next read takes it from, instead of ending it: a stream's (multi.ts), so that its
   * files are read by one warm thread. The stream ends the thread when it ends.
   */
  readonly keepReader?: ReaderKeeper;
}

/**
 * Rows per batch handed from a reader to the analysis: 16 Ki rows (512 KiB of quote columns).
 * Each batch was then a fresh buffer, transferred and later collected; at 64 Ki rows the
 * batches in flight and not yet collected held 40–50 MB more at the peak (pair over the bench
 * hour: 195 against 150–180 MB; with .gz input 255–330 against 245–265 MB), with no gain in
 * speed. The commands' batches are now lent (ReadOptions.lend): their buffers go back to the
 * worker.
 */
export const DEFAULT_BATCH_ROWS = 16384;
const DEFAULT_CHUNK = 1 << 20;
/**
 * Reads of at least this many bytes take the line kernel by default. A kernel holds 4 MiB (its
 * buffers are sized for the default read), which a small read does not repay: finding the
 * first times of a month of daily files opens them all at once, with 16 KiB reads.
 */
const KERNEL_MIN_READ = 256 << 10;
const MAX_LINE = 64 << 20;
const PROGRESS_MS = 250;

/** What the raw scan found out about the file. */
export interface ScanInfo {
  readonly file: string;
  readonly plan: FormatPlan;
  readonly converter: FieldConverter;
  /** Data rows seen. */
  readonly rows: number;
}

/** Called after every chunk read (and with final = true at the end), with compressed bytes and data rows so far. */
export type ChunkCallback = (bytesRead: number, bytesTotal: number | undefined, rows: number, final: boolean) => void;

type SinkFactory = (plan: FormatPlan, conv: FieldConverter) => RowSink;

/**
 * Feeds every data row of `input` (header recognised per `kind`) to the sink made for its
 * format, before any validation: a RowScratch with NaN for unparsable values and
 * `empty` / `short` flags. Yields after each chunk so a caller can drain what the sink
 * produced. Returns what it learned about the file.
 * @throws OpenError when the input cannot be read; DataError for an unknown header, a
 *   missing column, malformed quoting or no rows (and whatever the sink throws).
 */
export async function* scanRows(
  input: InputSpec,
  kind: Kind,
  opts: Pick<InternalReadOptions, 'clock' | 'timeUnit' | 'columns' | 'timeFormat' | 'delimiter' | 'parser' | 'chunkBytes' | 'kernel'> & { readonly secondClock?: boolean },
  makeSink: SinkFactory,
  onChunk?: ChunkCallback,
): AsyncGenerator<void, ScanInfo, undefined> {
  const file = inputName(input);
  const delimiter = delimiterCode(opts.delimiter);
  const onHeader = (fields: string[], line: number, delimiterCode: number): FormatPlan => {
    const plan = planFromHeader(
      fields,
      kind,
      { clock: opts.clock, timeUnit: opts.timeUnit, columns: opts.columns, timeFormat: opts.timeFormat, delimiterCode },
      { file, line, text: fields.join(String.fromCharCode(delimiterCode)) },
    );
    // inspect compares the file's two clocks; the analyses read only one.
    return opts.secondClock === true ? withSecondClock(plan) : plan;
  };
  const src = await openInput(input);
  try {
    const chunk = Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK);
    if (opts.parser === 'csv') {
      return yield* scanCsv(src.name, chunk, src, onHeader, makeSink, onChunk, delimiter);
    }
    return yield* scanFast(src.name, chunk, src, onHeader, makeSink, onChunk, delimiter, opts.kernel ?? chunk >= KERNEL_MIN_READ);
  } finally {
    await src.close();
  }
}

type Readable = Pick<ByteSource, 'readInto' | 'bytesRead' | 'bytesTotal'>;

/** The char code of a given delimiter; undefined (detect) when none is given. @throws UsageError for anything but one plain ASCII character. */
function delimiterCode(delimiter: string | undefined): number | undefined {
  if (delimiter === undefined) return undefined;
  const code = delimiter.charCodeAt(0);
  if (delimiter.length !== 1 || code > 127 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new UsageError(`--delimiter must be one character such as , ; | or a tab, got ${JSON.stringify(delimiter)}`);
  }
  return code;
}

/**
 * The fast path's read loop, double-buffered: while one buffer's complete lines are
 * parsed, the next read already fills the other buffer (behind a copy of the
 * unfinished last line), so parsing never waits for the disk when it need not.
 */
async function* scanFast(
  file: string,
  chunk: number,
  src: Readable,
  onHeader: HeaderHandler,
  makeSink: SinkFactory,
  onChunk: ChunkCallback | undefined,
  delimiter: number | undefined,
  useKernel: boolean,
): AsyncGenerator<void, ScanInfo, undefined> {
  const size = Math.min(chunk, DEFAULT_CHUNK) + 1;
  // The read buffers are the line kernel's own memory, so that it reads them where they are;
  // twice `size`, the size a buffer grows to at the first read that lands behind a carried line.
  const kernel = useKernel ? LineKernel.acquire(2 * size) : null;
  const parser = new FastParser(file, onHeader, makeSink, delimiter, kernel);
  let cur: Buffer = kernel?.buffers[0] ?? Buffer.allocUnsafe(size);
  let next: Buffer = kernel?.buffers[1] ?? Buffer.allocUnsafe(size);
  let have = 0; // bytes carried over at the start of cur
  let first = true;
  let n = 0;
  let pending: Promise<number> | undefined;
  try {
    n = await src.readInto(cur, 0, Math.min(chunk, cur.length - 1));
    for (;;) {
      const eof = n === 0;
      let end = have + n;
      let start = 0;
      let regionEnd: number;
      if (first && (end >= 3 || eof)) {
        first = false;
        if (end >= 3 && cur[0] === 0xef && cur[1] === 0xbb && cur[2] === 0xbf) start = 3;
      }
      if (first) {
        regionEnd = 0; // fewer than 3 bytes so far: wait for more before looking for a BOM
      } else if (eof) {
        if (end > start && cur[end - 1] !== 10) cur[end++] = 10;
        regionEnd = end;
      } else {
        regionEnd = Math.max(start, cur.lastIndexOf(10, end - 1) + 1);
      }
      const carry = end - regionEnd;
      if (!eof) {
        if (carry + chunk + 1 > next.length) {
          if (carry > MAX_LINE) throw new DataError(file, parser.line + 1, `a line longer than ${MAX_LINE >> 20} MiB`);
          next = Buffer.allocUnsafe(Math.max(next.length * 2, carry + Math.min(chunk, DEFAULT_CHUNK) + 1));
        }
        cur.copy(next, 0, regionEnd, end);
        pending = src.readInto(next, carry, Math.min(chunk, next.length - 1 - carry));
      }
      const stop = regionEnd > start ? parser.parseLines(cur, start, regionEnd, eof) : regionEnd;
      if (eof) break;
      n = await pending!;
      pending = undefined;
      have = carry;
      if (stop < regionEnd) {
        // A quoted record continues past this buffer: keep its lines in front of the carry.
        const held = regionEnd - stop;
        const merged = Buffer.allocUnsafe(held + carry + n + chunk + 1);
        cur.copy(merged, 0, stop, regionEnd);
        next.copy(merged, held, 0, carry + n);
        next = merged;
        have = held + carry;
      }
      [cur, next] = [next, cur];
      onChunk?.(src.bytesRead(), src.bytesTotal, parser.rows, false);
      yield;
    }
  } finally {
    // Never leave a read running into a buffer (or a file handle about to be closed).
    if (pending) await pending.catch(() => 0);
    kernel?.release();
  }
  parser.finish();
  onChunk?.(src.bytesRead(), src.bytesTotal, parser.rows, true);
  return { file, plan: parser.plan!, converter: parser.converter!, rows: parser.rows };
}

async function* scanCsv(
  file: string,
  chunk: number,
  src: Readable,
  onHeader: HeaderHandler,
  makeSink: SinkFactory,
  onChunk: ChunkCallback | undefined,
  given: number | undefined,
): AsyncGenerator<void, ScanInfo, undefined> {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const b = Buffer.allocUnsafe(chunk);
      const n = await src.readInto(b, 0, chunk);
      if (n === 0) return;
      yield b.subarray(0, n);
    }
  }
  const { delimiter, bytes } = given === undefined ? await sniffDelimiter(chunks()) : { delimiter: given, bytes: chunks() };
  const text = new RecordText();
  text.delimiter = String.fromCharCode(delimiter);
  const r = new RowScratch(text);
  let plan: FormatPlan | undefined;
  let conv: FieldConverter | undefined;
  let sink: RowSink | undefined;
  let rows = 0;
  for await (const records of csvRecords(bytes, file, text.delimiter)) {
    for (const rec of records) {
      if (!plan) {
        plan = onHeader(rec.fields, rec.line, delimiter);
        conv = new FieldConverter(plan);
        sink = makeSink(plan, conv);
        if (!plan.headerless) continue;
      }
      // The header's own lone-CR rule (formats.ts) has run; this is the data rows'.
      const cr = rec.fields.findIndex((f) => f.includes('\r'));
      if (cr >= 0) throw loneCrError(file, rec.line, [...rec.fields.slice(0, cr), rec.fields[cr]!.split('\r')[0]].join(text.delimiter));
      text.fields = rec.fields;
      conv!.record(rec.fields, r);
      r.line = rec.line;
      rows++;
      sink!.row(r);
    }
    onChunk?.(src.bytesRead(), src.bytesTotal, rows, false);
    yield;
  }
  checkHasRows(file, plan !== undefined, rows);
  onChunk?.(src.bytesRead(), src.bytesTotal, rows, true);
  return { file, plan: plan!, converter: conv!, rows };
}

/**
 * The csv-parse path must know the delimiter before it parses: reads chunks until the first
 * record (after a BOM and blank lines, its quotes balanced) is complete, detects the delimiter
 * from it as the fast path does, and hands back every byte for parsing.
 */
async function sniffDelimiter(chunks: AsyncIterable<Buffer>): Promise<{ delimiter: number; bytes: AsyncIterable<Buffer> }> {
  const it = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let header: string | undefined;
  while (header === undefined) {
    const next = await it.next();
    if (!next.done) head.push(next.value);
    header = firstRecordText(Buffer.concat(head).toString('utf8'), next.done === true);
  }
  async function* bytes(): AsyncGenerator<Buffer> {
    yield* head;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  return { delimiter: detectDelimiter(header), bytes: bytes() };
}

/** The first non-blank record of `text` (a BOM dropped), or undefined when it may continue beyond `text`. */
function firstRecordText(text: string, eof: boolean): string | undefined {
  let s = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (text[s] === '\n' || (text[s] === '\r' && text[s + 1] === '\n')) s += text[s] === '\n' ? 1 : 2;
  let quotes = 0;
  for (let i = s; i < text.length; i++) {
    if (text[i] === '"') quotes++;
    else if (text[i] === '\n' && quotes % 2 === 0) return text.slice(s, i);
  }
  return eof ? text.slice(s) : undefined;
}

/**
 * Batches of collapsed ticks (quotes) or trades, in time order, and the report as the
 * generator's return value. Progress goes to `opts.onProgress` at most every 250 ms
 * (and once at the end).
 * @throws OpenError / DataError as described in scanRows and validate.ts; DataError
 *   'no usable rows' when rows were read but every one was skipped.
 */
export async function* readBatches(
  input: InputSpec,
  kind: Kind,
  opts: InternalReadOptions,
): AsyncGenerator<TickBatch | TradeBatch, ReadReport, undefined> {
  const file = inputName(input);
  const vopts = {
    file,
    skipBadRows: opts.skipBadRows,
    sort: opts.sort,
    batchRows: Math.max(1, Math.floor(opts.batchRows ?? DEFAULT_BATCH_ROWS)),
    maxSortRows: opts.maxSortRows,
    until: opts.until,
    returned: opts.returned,
  };
  let validator: QuoteValidator | TradeValidator | undefined;
  let format: { plan: FormatPlan; converter: FieldConverter } | undefined;
  const makeSink = (plan: FormatPlan, converter: FieldConverter): RowSink => {
    format = { plan, converter };
    // An unreadable time's error names the unit the times are read in, decided by the first row where the plan does not fix it.
    const withUnit = { ...vopts, timeUnit: () => (converter.time.mode === 'num' ? converter.time.unit : undefined), symbol: () => converter.symbolText() };
    return (validator = kind === 'quotes' ? new QuoteValidator(plan, withUnit) : new TradeValidator(plan, withUnit));
  };
  let lastProgress = -Infinity;
  const onProgress = opts.onProgress;
  const onChunk: ChunkCallback | undefined = onProgress
    ? (bytesRead, bytesTotal, rows, final) => {
        const now = performance.now();
        if (!final && now - lastProgress < PROGRESS_MS) return;
        lastProgress = now;
        onProgress({ file, bytesRead, bytesTotal, rows });
      }
    : undefined;
  const scan = scanRows(input, kind, opts, makeSink, onChunk);
  let scanned = false;
  try {
    for (;;) {
      const step = await scan.next();
      if (validator) yield* drain<TickBatch | TradeBatch>(validator.batcher.out);
      if (step.done) {
        scanned = true;
        break;
      }
      // Past `until` in a time-ordered file: the rest is later still; leave it unread.
      if (validator?.stopped) break;
    }
  } finally {
    // A consumer that stops early (break), or a read that stopped at `until`, must still close the input.
    if (!scanned) await scan.return(undefined as never);
  }
  const v = validator!;
  const info = format!;
  for (const _ of v.end()) yield* drain<TickBatch | TradeBatch>(v.batcher.out);
  yield* drain<TickBatch | TradeBatch>(v.batcher.out);
  if (v.records === 0) {
    throw new DataError(file, undefined, `no usable rows: all ${v.rows} data rows were skipped (${v.skipped.summary()})`);
  }
  const outnumbered = outnumberedSymbol(v, info.converter.symbolText());
  if (outnumbered !== undefined) throw new DataError(file, undefined, outnumbered);
  return {
    file,
    format: info.plan.format,
    timeColumn: timeColumnName(info.plan),
    sideColumn: info.plan.sideMode === 'none' ? undefined : columnName(info.plan, ROLE_SIDE),
    timeUnit: info.converter.time.reportUnit ?? info.plan.timeUnit ?? 'us',
    rows: v.rows,
    goodRows: v.goodRows,
    records: v.records,
    skipped: v.skipped.list(),
    firstTime: v.firstTime,
    lastTime: v.lastTime,
    // Quotes only: trades are often quiet for a minute (docs/time.md).
    ...(kind === 'quotes' ? { quiet: { count: v.quiet.count, spells: v.quiet.spells } } : {}),
    ...(v instanceof TradeValidator && v.unreadSides.count > 0 && info.plan.sideMode !== 'none' ? { unreadSides: { ...v.unreadSides, file, mode: info.plan.sideMode } } : {}),
    ...(v.stopped ? { readUntil: opts.until } : {}),
    ...(v.sortedBack.us > 0 ? { sortedBack: { ...v.sortedBack, file } } : {}),
  };
}

/**
 * Under --skip-bad-rows the first row's symbol is the file's, and rows naming another are
 * skipped. When those outnumber the rows kept, the first row was most likely a stray (or the
 * file holds another market), and the analysis would run on a sliver of the file: refused,
 * rather than a table presented as the file's (docs/input-formats.md, "One market a file").
 */
function outnumberedSymbol(v: QuoteValidator | TradeValidator, symbol: string): string | undefined {
  const other = v.skipped.list().find((k) => k.kind === VERDICT_KIND[Verdict.otherSymbol]);
  if (other === undefined || other.count <= v.goodRows) return undefined;
  const kept = `${v.goodRows} ${v.goodRows === 1 ? 'row' : 'rows'}`;
  return (
    `--skip-bad-rows kept ${kept} of the first row's symbol ${JSON.stringify(symbol)} and skipped ${other.count} rows of another symbol ` +
    `(from line ${other.firstLines[0]}): the first row looks stray, or the file holds another market; ` +
    'remove the stray rows or keep one symbol a file'
  );
}

function* drain<T>(out: T[]): Generator<T> {
  while (out.length > 0) yield out.shift()!;
}
