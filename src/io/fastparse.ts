/**
 * The byte-level line scanner: splits complete lines on the delimiter (comma, tab, `;` or
 * `|`, given or detected from the header line), converts only the
 * columns the plan maps, straight from the bytes into a reused RowScratch, and hands
 * each row to a sink. No per-row strings or objects.
 *
 * A line containing `"` is handed to csv-parse (sync, that line only — continued over
 * the next lines while its quotes are unbalanced) and then to the same converters,
 * so quoted fields work anywhere. `\r\n` line ends, blank lines (counted, not rows)
 * and a final line without a newline are handled; a leading BOM is the caller's job.
 */
import { DataError } from '../errors.js';
import { ROLE_ASK, ROLE_BID, ROLE_CLOCK2, ROLE_PRICE, ROLE_QTY, ROLE_SIDE, ROLE_SYMBOL, ROLE_TIME, detectDelimiter, type FormatPlan } from './formats.js';
import { UNCLOSED_QUOTE, parseQuotedRecord } from './csvparse.js';
import { FieldConverter, RowScratch, type FieldText } from './rows.js';
import { POW10 } from './numbers.js';
import { KERNEL_CLOCK2, kernelReads, type LineKernel } from './line-kernel.js';

/** Receives every data row (before any validation). */
export interface RowSink {
  row(r: RowScratch): void;
  /**
   * Optional: the n rows the line kernel just took (line-kernel.ts), in bulk, on consecutive
   * lines from `firstLine`: `cols[role]` holds role's values (time in µs), row by row. Must act
   * exactly as row() on each in turn; `fill(i)` sets the parser's RowScratch to row i (line,
   * values, text) for a row the sink hands to row().
   */
  bulk?(cols: readonly Float64Array[], n: number, firstLine: number, fill: (i: number) => RowScratch): void;
}

/** Decides the plan from the first non-blank line's fields (on line `line`, split on `delimiter`, a char code). */
export type HeaderHandler = (fields: string[], line: number, delimiter: number) => FormatPlan;

const NL = 10;
const CR = 13;
const QUOTE = 34;
const DOT = 46;
/**
 * A record whose quotes stay unbalanced for this many bytes is taken as an unclosed
 * quote rather than held in memory to the end of the file (the csv-parse path would
 * report the same error, at the same line, once it reached the end).
 */
const MAX_QUOTED_RECORD = 1 << 20;
const MAX_SAFE = 9007199254740991;

/** Text of the current line for error messages (the line is still in the buffer when a sink throws). */
class LineText implements FieldText {
  buf: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  /** Set while the current row came through csv-parse. */
  record: string[] | null = null;
  delimiter = ',';

  fieldText(col: number): string {
    if (this.record) return this.record[col] ?? '';
    return this.fields()[col] ?? '';
  }
  lineText(): string {
    if (this.record) return this.record.join(this.delimiter);
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + this.start, this.end - this.start).toString('utf8');
  }
  private fields(): string[] {
    return this.lineText().split(this.delimiter);
  }
}

function countQuotes(buf: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) if (buf[i] === QUOTE) n++;
  return n;
}

/** Splits a header line (quotes allowed) into fields. */
function splitHeader(text: string, file: string, line: number, delimiter: string): string[] {
  return text.includes('"') ? parseQuotedRecord(text, file, line, delimiter) : text.split(delimiter);
}

/**
 * Push parser for one file: feed it buffers of complete lines (`parseLines`), then call
 * `finish`. The first non-blank line goes to the header handler, which returns the plan;
 * the sink for that plan then receives every data row.
 * Cost: one pass over the bytes, the fields the plan needs converted in the same pass.
 */
export class FastParser {
  /** Number of the last line started (1-based). */
  line = 0;
  /** Data rows seen. */
  rows = 0;
  plan: FormatPlan | undefined;
  private conv: FieldConverter | undefined;
  private sink: RowSink | undefined;
  private readonly text = new LineText();
  private readonly r = new RowScratch(this.text);
  /** Bytes that end a field in an ignored column (the delimiter and `\n`), for delimiters above '.'. */
  private readonly stops = new Uint8Array(256);

  /** The line kernel, once the plan is known and one it reads (line-kernel.ts). */
  private kernelOn: LineKernel | null = null;

  /**
   * `delimiter`: a char code to split on; undefined detects it from the header line.
   * `kernel`: reads the common lines of buffers in its memory (line-kernel.ts); null: this loop reads every line.
   */
  constructor(
    private readonly file: string,
    private readonly onHeader: HeaderHandler,
    private readonly makeSink: (plan: FormatPlan, conv: FieldConverter) => RowSink,
    private readonly delimiter?: number,
    private readonly kernel: LineKernel | null = null,
  ) {}

  get converter(): FieldConverter | undefined {
    return this.conv;
  }

  /**
   * Parses the lines in buf[start, end). buf[end − 1] must be '\n' (the caller appends one
   * after a final line without it). Returns where parsing stopped: `end`, or the start of a
   * quoted record whose closing quote lies beyond `end` (only when !eof; keep those bytes).
   */
  parseLines(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    let p = start;
    if (!this.plan) {
      p = this.parseHeader(buf, p, end, eof);
      if (!this.plan) return p;
    }
    const plan = this.plan;
    const conv = this.conv!;
    const time = conv.time;
    const sink = this.sink!;
    const colRole = plan.colRole;
    const ncols = plan.ncols;
    const D = plan.delimiter;
    // Comma and tab lie below '.', like '\n': one compare per byte skips an ignored field.
    // `;` and `|` do not, and take a lookup per byte instead.
    const lowDelimiter = D < DOT;
    const stops = this.stops;
    const r = this.r;
    const text = this.text;
    text.buf = buf;
    let timeExp = time.fastExponent();
    let line = this.line;
    let rows = this.rows;
    // The first quote and lone CR from `from` on: rare, so found once per buffer (a line
    // holding one is refused when reached), and only once this loop reads a line of it; the
    // kernel refuses such lines itself, so a buffer it reads whole is never searched.
    const from = p;
    let searched = false;
    let nextQuote = end;
    let loneCR = end;
    const kernel = this.kernelOn !== null && this.kernelOn.owns(buf) ? this.kernelOn : null;
    // inspect's second clock: the kernel reads it once its converter knows it for epoch numbers.
    const clock2 = plan.roleCol[ROLE_CLOCK2]! >= 0 ? conv.clock2 : null;
    // A symbol column: the kernel compares each line's with the first row's, once this loop has read it.
    const symbol = plan.roleCol[ROLE_SYMBOL]! >= 0;
    while (p < end) {
      // The kernel takes the common lines from here; the line it refuses (if any) is this loop's.
      const clock2Exp = clock2 === null ? -1 : clock2.fastExponent();
      if (kernel !== null && timeExp >= 0 && (clock2 === null || clock2Exp >= 0) && (!symbol || conv.symbol !== null)) {
        if (symbol) kernel.setSymbol(conv.symbol!);
        const n = kernel.scan(buf, p, end, timeExp, clock2Exp);
        if (n > 0) {
          this.line = line;
          this.rows = rows;
          p = this.kernelRows(kernel, buf, n);
          line = this.line;
          rows = this.rows;
          continue;
        }
      }
      const ls = p;
      if (!searched) {
        searched = true;
        nextQuote = buf.indexOf(QUOTE, from);
        if (nextQuote < 0 || nextQuote >= end) nextQuote = end;
        loneCR = nextLoneCR(buf, from, end);
      }
      let c = buf[p]!;
      if (c === NL || (c === CR && buf[p + 1] === NL)) {
        line++;
        p += c === NL ? 1 : 2;
        continue;
      }
      if (loneCR < end && loneCR >= ls && loneCR < buf.indexOf(NL, ls)) {
        throw loneCrError(this.file, line + 1, Buffer.from(buf.buffer, buf.byteOffset + ls, loneCR - ls).toString('utf8'));
      }
      if (nextQuote < end && nextQuote < buf.indexOf(NL, ls)) {
        this.line = line;
        this.rows = rows;
        const stop = this.quotedRecord(buf, ls, end, eof);
        if (stop < 0) return ls;
        line = this.line;
        rows = this.rows;
        timeExp = time.fastExponent();
        p = stop;
        nextQuote = buf.indexOf(QUOTE, p);
        if (nextQuote < 0 || nextQuote >= end) nextQuote = end;
        continue;
      }
      line++;
      r.empty = 0;
      r.otherSymbol = false;
      let col = 0;
      let long = false;
      for (;;) {
        const role = colRole[col]!;
        if (role < 0) {
          if (lowDelimiter) {
            // Most bytes of a field are above '.', and both ends below it: one compare per byte.
            for (;;) {
              while (c > DOT) c = buf[++p]!;
              if (c === D || c === NL) break;
              c = buf[++p]!;
            }
          } else {
            while (stops[c] === 0) c = buf[++p]!;
          }
        } else {
          // Fused scan: read an unsigned decimal while looking for the field's end. Only a
          // plain `digits[.digits]` field ending at a delimiter is taken here; anything else
          // (empty, signs, exponents, spaces, ISO times, words) goes to the shared converter.
          const fs = p;
          let taken = false;
          // Sides and the second clock (roles after ROLE_SIDE) always take the converter.
          if (role < ROLE_SIDE && (role !== ROLE_TIME || timeExp >= 0)) {
            let m = 0;
            let k = 0;
            let d = c - 48;
            while (d >= 0 && d <= 9) {
              m = m * 10 + d;
              c = buf[++p]!;
              d = c - 48;
            }
            let digits = p - fs;
            if (c === DOT) {
              c = buf[++p]!;
              d = c - 48;
              while (d >= 0 && d <= 9) {
                m = m * 10 + d;
                k++;
                c = buf[++p]!;
                d = c - 48;
              }
              digits += k;
            }
            if (c === CR && buf[p + 1] === NL) c = buf[++p]!;
            if ((c === D || c === NL) && digits > 0 && m <= MAX_SAFE) {
              if (role === ROLE_TIME) {
                if (k <= timeExp) {
                  const v = m * POW10[timeExp - k]!;
                  if (v <= MAX_SAFE) {
                    r.t = v;
                    taken = true;
                  }
                }
              } else if (k <= 22) {
                const v = k === 0 ? m : m / POW10[k]!;
                taken = true;
                if (role === ROLE_BID) r.bid = v;
                else if (role === ROLE_ASK) r.ask = v;
                else if (role === ROLE_PRICE) r.price = v;
                else r.qty = v;
              }
            }
          }
          if (!taken) {
            p = fs;
            c = buf[p]!;
            while (c !== D && c !== NL) c = buf[++p]!;
            conv.field(role, buf, fs, c === NL && p > fs && buf[p - 1] === CR ? p - 1 : p, r);
            if (role === ROLE_TIME) timeExp = time.fastExponent();
          }
        }
        col++;
        if (c === NL) break;
        if (col >= ncols) {
          // More fields than the header: count them, and whether one holds anything (a long row;
          // empty ones, trailing delimiters, are allowed). A CR is the line end's or a lone one,
          // which the line checks judge.
          long = false;
          col++;
          c = buf[++p]!;
          while (c !== NL) {
            if (c === D) col++;
            else if (c !== CR) long = true;
            c = buf[++p]!;
          }
          break;
        }
        c = buf[++p]!;
      }
      text.start = ls;
      text.end = p > ls && buf[p - 1] === CR ? p - 1 : p;
      p++;
      r.line = line;
      r.nfields = col;
      r.short = col < ncols;
      r.long = long;
      conv.endRow(r);
      rows++;
      sink.row(r);
    }
    this.line = line;
    this.rows = rows;
    return p;
  }

  /**
   * Hands the sink the n rows the kernel just took from `buf`, as the loop would have set them
   * (no empty field, every column present); returns where the kernel stopped.
   */
  private kernelRows(kernel: LineKernel, buf: Uint8Array, n: number): number {
    const plan = this.plan!;
    const sink = this.sink!;
    const r = this.r;
    const text = this.text;
    const cols = kernel.columns;
    const time = cols[ROLE_TIME]!;
    const bid = plan.roleCol[ROLE_BID]! >= 0 ? cols[ROLE_BID]! : null;
    const ask = plan.roleCol[ROLE_ASK]! >= 0 ? cols[ROLE_ASK]! : null;
    const price = plan.roleCol[ROLE_PRICE]! >= 0 ? cols[ROLE_PRICE]! : null;
    const qty = plan.roleCol[ROLE_QTY]! >= 0 ? cols[ROLE_QTY]! : null;
    const t2 = plan.roleCol[ROLE_CLOCK2]! >= 0 ? cols[KERNEL_CLOCK2]! : null;
    const stop = kernel.stop(buf);
    r.empty = 0;
    r.nfields = plan.ncols;
    r.short = false;
    r.long = false;
    r.otherSymbol = false;
    const line = this.line;
    const starts = kernel.lineStarts;
    const base = buf.byteOffset;
    const fill = (i: number): RowScratch => {
      r.t = time[i]!;
      if (bid !== null) r.bid = bid[i]!;
      if (ask !== null) r.ask = ask[i]!;
      if (price !== null) r.price = price[i]!;
      if (qty !== null) r.qty = qty[i]!;
      if (t2 !== null) r.t2 = t2[i]!;
      const start = starts[i]! - base;
      const next = i + 1 < n ? starts[i + 1]! - base : stop;
      text.start = start;
      // The line's text ends before its '\n', and before the CR of a CRLF end.
      text.end = next - 2 >= start && buf[next - 2] === CR ? next - 2 : next - 1;
      r.line = line + 1 + i;
      return r;
    };
    if (sink.bulk !== undefined) sink.bulk(cols, n, line + 1, fill);
    else for (let i = 0; i < n; i++) sink.row(fill(i));
    this.line = line + n;
    this.rows += n;
    return stop;
  }

  /** Lines a record spans beyond its first, set by quotedRecordEnd. */
  private extraLines = 0;

  /**
   * The newline index ending the record that starts at `ls`: its first line, extended line by
   * line while its quotes are unbalanced (a quoted field may hold newlines). Sets extraLines.
   * Returns −1 when the record may continue in bytes not read yet.
   * @throws DataError when an unclosed quote runs on past MAX_QUOTED_RECORD bytes.
   */
  private quotedRecordEnd(buf: Uint8Array, ls: number, end: number, eof: boolean): number {
    let le = buf.indexOf(NL, ls);
    let quotes = countQuotes(buf, ls, le);
    let extra = 0;
    while (quotes % 2 === 1 && le + 1 < end) {
      const next = buf.indexOf(NL, le + 1);
      quotes += countQuotes(buf, le + 1, next);
      le = next;
      extra++;
    }
    if (quotes % 2 === 1 && !eof) {
      if (le - ls > MAX_QUOTED_RECORD) throw new DataError(this.file, this.line + 1, UNCLOSED_QUOTE);
      return -1;
    }
    this.extraLines = extra;
    return le;
  }

  /** A record with quotes: gather lines until its quotes balance, split it with csv-parse. Returns −1 to wait for more bytes. */
  private quotedRecord(buf: Uint8Array, ls: number, end: number, eof: boolean): number {
    const le = this.quotedRecordEnd(buf, ls, end, eof);
    if (le < 0) return -1;
    const extra = this.extraLines;
    const line = this.line + 1;
    this.line += 1 + extra;
    const te = le > ls && buf[le - 1] === CR ? le - 1 : le;
    const fields = parseQuotedRecord(Buffer.from(buf.buffer, buf.byteOffset + ls, te - ls).toString('utf8'), this.file, line, this.text.delimiter);
    const cr = fields.findIndex((f) => f.includes('\r'));
    if (cr >= 0) throw loneCrError(this.file, line, [...fields.slice(0, cr), fields[cr]!.split('\r')[0]].join(this.text.delimiter));
    const r = this.r;
    this.conv!.record(fields, r);
    r.line = line;
    this.text.record = fields;
    this.rows++;
    try {
      this.sink!.row(r);
    } finally {
      this.text.record = null;
    }
    return le + 1;
  }

  /** Skips blank lines, reads the header line, builds the plan; a headerless file's first line is left for data. */
  private parseHeader(buf: Uint8Array, p: number, end: number, eof: boolean): number {
    while (p < end) {
      const c = buf[p];
      if (c === NL || (c === CR && buf[p + 1] === NL)) {
        this.line++;
        p += c === NL ? 1 : 2;
        continue;
      }
      // A header with an unbalanced quote continues on the next line, like any record.
      const le = this.quotedRecordEnd(buf, p, end, eof);
      if (le < 0) return p;
      const extra = this.extraLines;
      const te = le > p && buf[le - 1] === CR ? le - 1 : le;
      const text = Buffer.from(buf.buffer, buf.byteOffset + p, te - p).toString('utf8');
      const line = this.line + 1;
      const delimiter = this.delimiter ?? detectDelimiter(text);
      const char = String.fromCharCode(delimiter);
      const fields = splitHeader(text, this.file, line, char);
      const plan = this.onHeader(fields, line, delimiter);
      this.plan = plan;
      this.text.delimiter = char;
      this.stops.fill(0);
      this.stops[NL] = 1;
      this.stops[delimiter] = 1;
      this.conv = new FieldConverter(plan);
      this.sink = this.makeSink(plan, this.conv);
      if (this.kernel !== null && kernelReads(plan)) {
        this.kernel.setPlan(plan);
        this.kernelOn = this.kernel;
      }
      if (plan.headerless) return p;
      this.line += 1 + extra;
      return le + 1;
    }
    return p;
  }

  /** At the end of input: throws 'no rows' for an empty or header-only file. */
  finish(): void {
    checkHasRows(this.file, this.plan !== undefined, this.rows);
  }
}

/** Index of the first CR in buf[from, end) that is not followed by LF, or `end`. */
function nextLoneCR(buf: Uint8Array, from: number, end: number): number {
  let i = buf.indexOf(CR, from);
  while (i >= 0 && i < end) {
    if (buf[i + 1] !== NL) return i;
    i = buf.indexOf(CR, i + 2);
  }
  return end;
}

/**
 * A carriage return inside a line (not part of a CRLF line end) would silently join two rows
 * into one: both parsers refuse it. `before` is the line's text up to the CR.
 */
export function loneCrError(file: string, line: number, before: string): DataError {
  return new DataError(file, line, "a lone CR (carriage return without a line feed) inside the line; lines must end in LF or CRLF (convert with tr '\\r' '\\n' or dos2unix)", before);
}

/** The problem of a file with a header line and nothing after it (a day without ticks, among a market's files: multi.ts). */
const HEADER_ONLY = 'no rows: the file has a header but no data rows';

/** Whether `err` is checkHasRows' error for a file with a header and no data rows (a list leaves such a file out: multi.ts, inspect). */
export function isHeaderOnlyError(err: unknown): boolean {
  return err instanceof DataError && err.problem === HEADER_ONLY;
}

/** @throws DataError 'no rows' for an empty file (no header) or a header without data rows. */
export function checkHasRows(file: string, sawHeader: boolean, rows: number): void {
  if (!sawHeader) throw new DataError(file, undefined, 'no rows: the file is empty');
  if (rows === 0) throw new DataError(file, undefined, HEADER_ONLY);
}
