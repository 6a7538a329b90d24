/**
 * One parsed row, and the field converters both parsers share.
 *
 * The byte-level parser (fastparse.ts) and the csv-parse path (csvparse.ts) differ
 * only in how they find a field's bytes; every field then goes through
 * `FieldConverter.field`, so the two paths agree on every value by construction
 * (csv-parse's strings are written into a scratch buffer first).
 */
import type { TimePatternText, TimeUnit } from './types.js';
import {
  ROLE_ASK,
  ROLE_BID,
  ROLE_CLOCK2,
  ROLE_PRICE,
  ROLE_QTY,
  ROLE_SIDE,
  ROLE_SYMBOL,
  ROLE_TIME,
  type FormatPlan,
} from './formats.js';
import { DECIMAL_RE, parseDecimal } from './numbers.js';
import { parseEpochMicros, parseIsoMicros, parsePatternMicros, unitExponent, unitFromMagnitude, type TimePattern } from './time.js';

/** Gives back the text of a row's fields, for error messages only (slow is fine). */
export interface FieldText {
  /** Text of column `col` of the current row ('' when the row is shorter). */
  fieldText(col: number): string;
  /** The row's fields joined by the delimiter (the line without its line end when unquoted). */
  lineText(): string;
}

/**
 * The current row, reused for every row (no per-row objects). Values a row does not
 * have keep stale contents: read only the roles the plan maps.
 */
export class RowScratch {
  /** 1-based line number in the file where the row starts. */
  line = 0;
  /** µs since the epoch, NaN when unparsable. */
  t = NaN;
  /** The other clock (ROLE_CLOCK2, inspect only), µs; NaN when unparsable. */
  t2 = NaN;
  bid = NaN;
  ask = NaN;
  price = NaN;
  qty = NaN;
  /** +1 buyer aggressor, −1 seller, 0 unknown. */
  side = 0;
  /** The side field held a value no side reader knows (neither a side word, `unknown`, nor a maker flag, as the plan reads it): its side is 0. */
  sideUnread = false;
  /** Bit (1 << role) set when that role's field was empty. */
  empty = 0;
  /** Number of fields the row had. */
  nfields = 0;
  /** True when the row has fewer fields than the header. */
  short = false;
  /**
   * True when the row has more fields than the header and one of the extra ones is not empty: a
   * decimal comma or a delimiter inside an unquoted field, which shifts values into the wrong
   * columns. Empty extra fields (trailing delimiters) shift nothing and are allowed.
   */
  long = false;
  /** True when the row's symbol (ROLE_SYMBOL) is not the file's first row's (FieldConverter.symbol). */
  otherSymbol = false;
  constructor(readonly text: FieldText) {}
}

/**
 * Converts the time column. In 'auto' mode (and for epoch columns whose unit is not
 * fixed) the first row with a usable time decides ISO vs epoch and the unit by
 * magnitude; later rows are read the same way. A pattern (--time-format) reads every row.
 */
export class TimeConverter {
  mode: 'iso' | 'num' | 'auto' | 'pattern';
  /** µs = value · 10^exp; NaN until known. */
  exp: number;
  unit: TimeUnit | undefined;
  private readonly pattern: TimePattern | undefined;
  private readonly patternText: TimePatternText | undefined;
  constructor(plan: FormatPlan) {
    this.mode = plan.timeMode;
    this.unit = plan.timeUnit;
    this.exp = plan.timeUnit === undefined ? NaN : unitExponent(plan.timeUnit);
    this.pattern = plan.timePattern;
    this.patternText = plan.timePatternText;
  }

  /** The report's unit: 'iso', the epoch unit, the pattern, or undefined while undecided. */
  get reportUnit(): TimeUnit | 'iso' | TimePatternText | undefined {
    if (this.mode === 'pattern') return this.patternText;
    return this.mode === 'iso' ? 'iso' : this.mode === 'num' && this.exp === this.exp ? this.unit : undefined;
  }

  /** The unit exponent when times are epoch numbers in s, ms or µs (the parser's fused path), else −1 (ISO, ns, undecided). */
  fastExponent(): number {
    return this.mode === 'num' && this.exp >= 0 ? this.exp : -1;
  }

  parse(buf: Uint8Array, s: number, e: number): number {
    if (this.mode === 'num' && this.exp === this.exp) return parseEpochMicros(buf, s, e, this.exp);
    if (this.mode === 'iso') return parseIsoMicros(buf, s, e);
    if (this.mode === 'pattern') return parsePatternMicros(this.pattern!, buf, s, e);
    return this.resolve(buf, s, e);
  }

  /** First usable time: fix the mode and unit, then convert. Rows before stay NaN (unparsable). */
  private resolve(buf: Uint8Array, s: number, e: number): number {
    const text = Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('utf8').trim();
    if (DECIMAL_RE.test(text)) {
      const v = Number(text);
      if (!Number.isFinite(v)) return NaN;
      this.mode = 'num';
      this.unit ??= unitFromMagnitude(v);
      this.exp = unitExponent(this.unit);
      return parseEpochMicros(buf, s, e, this.exp);
    }
    if (this.mode === 'num') return NaN;
    const t = parseIsoMicros(buf, s, e);
    if (t === t) this.mode = 'iso';
    return t;
  }
}

/** Whether buf[s, e) holds exactly the bytes of `ref`. */
function sameBytes(ref: Uint8Array, buf: Uint8Array, s: number, e: number): boolean {
  if (e - s !== ref.length) return false;
  for (let i = 0; i < ref.length; i++) if (buf[s + i] !== ref[i]) return false;
  return true;
}

function wordIs(buf: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((buf[s + i]! | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** A maker flag: true → the buyer was the maker → seller aggressor (−1); false → +1; else 0. */
export function sideFromMaker(buf: Uint8Array, s: number, e: number): number {
  if (wordIs(buf, s, e, 'true')) return -1;
  if (wordIs(buf, s, e, 'false')) return 1;
  return 0;
}

/** A side word: buy → +1, sell → −1, anything else (`unknown`, empty) → 0. Case-insensitive. */
export function sideFromWord(buf: Uint8Array, s: number, e: number): number {
  if (wordIs(buf, s, e, 'buy')) return 1;
  if (wordIs(buf, s, e, 'sell')) return -1;
  return 0;
}

/** A side word or, failing that, a maker flag (a column named by --side-col may hold either). */
export function sideFromAny(buf: Uint8Array, s: number, e: number): number {
  return sideFromWord(buf, s, e) || sideFromMaker(buf, s, e);
}

/** Field conversion for one plan; shared by both parsers. */
export class FieldConverter {
  readonly time: TimeConverter;
  /** The second clock's converter: the time column's rules, its own first value deciding 'auto' (see withSecondClock). */
  readonly clock2: TimeConverter;
  private readonly sideOf: (buf: Uint8Array, s: number, e: number) => number;
  private scratch = Buffer.allocUnsafe(256);
  /**
   * The symbol of the file's first row of the header's shape (its bytes), null until read: every
   * row must name it. A short or long row's fields are shifted, so its symbol is not taken.
   */
  symbol: Uint8Array | null = null;
  /** The row being read set `symbol` (endRow takes it back from a row of the wrong shape). */
  private symbolFresh = false;
  constructor(readonly plan: FormatPlan) {
    this.time = new TimeConverter(plan);
    this.clock2 = new TimeConverter(plan);
    this.sideOf = plan.sideMode === 'maker' ? sideFromMaker : plan.sideMode === 'any' ? sideFromAny : sideFromWord;
  }

  /** Converts buf[s, e) as the field of `role` into the row. */
  field(role: number, buf: Uint8Array, s: number, e: number, r: RowScratch): void {
    if (s === e) r.empty |= 1 << role;
    switch (role) {
      case ROLE_TIME:
        r.t = this.time.parse(buf, s, e);
        break;
      case ROLE_BID:
        r.bid = parseDecimal(buf, s, e);
        break;
      case ROLE_ASK:
        r.ask = parseDecimal(buf, s, e);
        break;
      case ROLE_PRICE:
        r.price = parseDecimal(buf, s, e);
        break;
      case ROLE_QTY:
        r.qty = parseDecimal(buf, s, e);
        break;
      case ROLE_SIDE:
        r.side = this.sideOf(buf, s, e);
        // 0 from an empty field or `unknown` says the file knows no side; from any other value, that leadlag could not read it.
        r.sideUnread = r.side === 0 && s < e && !(this.plan.sideMode !== 'maker' && wordIs(buf, s, e, 'unknown'));
        break;
      case ROLE_CLOCK2:
        r.t2 = this.clock2.parse(buf, s, e);
        break;
      case ROLE_SYMBOL:
        // A copy: buf is a read buffer (a Buffer's slice would be a view of it), refilled by the next read.
        if (this.symbol === null) {
          this.symbol = Uint8Array.from(buf.subarray(s, e));
          this.symbolFresh = true;
        } else r.otherSymbol = !sameBytes(this.symbol, buf, s, e);
        break;
    }
  }

  /** After each row the parsers read field by field: a first symbol from a short or long row is not kept. */
  endRow(r: RowScratch): void {
    if (!this.symbolFresh) return;
    this.symbolFresh = false;
    if (r.short || r.long) this.symbol = null;
  }

  /** The first row's symbol as text ('' before it is read). */
  symbolText(): string {
    return this.symbol === null ? '' : Buffer.from(this.symbol).toString('utf8');
  }

  /** Converts a record of strings (from csv-parse) into the row, through the same byte converters. */
  record(fields: readonly string[], r: RowScratch): void {
    const colRole = this.plan.colRole;
    const n = Math.min(fields.length, this.plan.ncols);
    r.empty = 0;
    r.otherSymbol = false;
    for (let col = 0; col < n; col++) {
      const role = colRole[col]!;
      if (role < 0) continue;
      const text = fields[col]!;
      const need = Buffer.byteLength(text, 'utf8');
      if (need > this.scratch.length) this.scratch = Buffer.allocUnsafe(need * 2);
      const len = this.scratch.write(text, 0, 'utf8');
      this.field(role, this.scratch, 0, len, r);
    }
    r.nfields = fields.length;
    r.short = fields.length < this.plan.ncols;
    r.long = false;
    for (let col = this.plan.ncols; col < fields.length; col++) if (fields[col] !== '') r.long = true;
    this.endRow(r);
  }
}

/** Field text of a csv-parse record (FieldText for rows that came through csv-parse). */
export class RecordText implements FieldText {
  fields: readonly string[] = [];
  /** The file's delimiter, set once the header has been read. */
  delimiter = ',';
  fieldText(col: number): string {
    return this.fields[col] ?? '';
  }
  lineText(): string {
    return this.fields.join(this.delimiter);
  }
}
