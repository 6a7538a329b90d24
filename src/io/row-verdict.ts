/**
 * The row rules (docs/definitions.md §1, §7) in one place: a parsed row in, a verdict code
 * out. The validators (validate.ts) turn a bad verdict into an error or a skipped row, and
 * `inspect` (inspect-scan.ts) counts verdicts, so both apply the same checks in the same
 * order by construction. Time order is not a row rule here: it depends on the rows before
 * (the validators and inspect's Timeline each track it).
 *
 * Order of checks: shape (short, then long), time, the symbol (a header line repeated mid-file
 * stays an unparsable time), then values — quotes: one-sided (empty bid or ask), bid,
 * ask, crossed, a finite mid; price-only quotes: price; trades: price, quantity. The first failing check
 * decides the verdict.
 */
import { columnName, ROLE_ASK, ROLE_BID, ROLE_PRICE, ROLE_QTY, ROLE_SYMBOL, ROLE_TIME, type FormatPlan } from './formats.js';
import type { RowScratch } from './rows.js';
import { unitExponent } from './time.js';
import type { TimeUnit } from './types.js';

/** Verdict codes; 0 is a usable row. */
export const Verdict = {
  ok: 0,
  shortRow: 1,
  badTime: 2,
  oneSided: 3,
  nonNumericBid: 4,
  nonPositiveBid: 5,
  nonNumericAsk: 6,
  nonPositiveAsk: 7,
  crossed: 8,
  nonNumericPrice: 9,
  nonPositivePrice: 10,
  nonNumericQty: 11,
  nonPositiveQty: 12,
  nonFiniteMid: 13,
  longRow: 14,
  otherSymbol: 15,
} as const;
export type VerdictCode = (typeof Verdict)[keyof typeof Verdict];

/** The kind name of each verdict, as skipped-row reports and inspect's `problems` spell it. */
export const VERDICT_KIND: readonly string[] = [
  'usable',
  'short row',
  'unparsable time',
  'one-sided quote',
  'non-numeric bid',
  'non-positive bid',
  'non-numeric ask',
  'non-positive ask',
  'crossed quote',
  'non-numeric price',
  'non-positive price',
  'non-numeric quantity',
  'non-positive quantity',
  'non-finite mid',
  'long row',
  'another symbol',
];

/** The kind name of a row earlier than the latest kept row (the order rule, tracked by the callers). */
export const KIND_BACKWARDS = 'time going backwards';

/** What kind of problem a verdict is, for inspect's summary counts. */
export type VerdictClass = 'ok' | 'unparsable' | 'nonPositive' | 'oneSided' | 'crossed';

const CLASS: readonly VerdictClass[] = [
  'ok',
  'unparsable',
  'unparsable',
  'oneSided',
  'unparsable',
  'nonPositive',
  'unparsable',
  'nonPositive',
  'crossed',
  'unparsable',
  'nonPositive',
  'unparsable',
  'nonPositive',
  'unparsable',
  'unparsable',
  'unparsable',
];

/** The role whose column holds the offending value of a value verdict (−1: none). */
const ROLE: readonly number[] = [-1, -1, ROLE_TIME, -1, ROLE_BID, ROLE_BID, ROLE_ASK, ROLE_ASK, -1, ROLE_PRICE, ROLE_PRICE, ROLE_QTY, ROLE_QTY, -1, -1, ROLE_SYMBOL];

export function verdictClass(v: VerdictCode): VerdictClass {
  return CLASS[v]!;
}

/**
 * The mid of a quote, (bid + ask) / 2: the one expression every path uses, so the reader and
 * `inspect` agree bit for bit. Infinity when bid + ask overflows (the nonFiniteMid verdict).
 */
export function midOf(bid: number, ask: number): number {
  return (bid + ask) / 2;
}

/** Empty bid or empty ask. */
const ONE_SIDED_MASK = (1 << ROLE_BID) | (1 << ROLE_ASK);

/** Classifies the rows of one file layout. No allocation per row. */
export class RowClassifier {
  private readonly bidAsk: boolean;
  private readonly trades: boolean;

  constructor(readonly plan: FormatPlan) {
    this.bidAsk = plan.kind === 'quotes' && !plan.priceOnly;
    this.trades = plan.kind === 'trades';
  }

  /** The verdict of row `r` (its values as the converters left them: NaN when not a number). */
  classify(r: RowScratch): VerdictCode {
    if (r.short) return Verdict.shortRow;
    if (r.long) return Verdict.longRow;
    if (r.t !== r.t) return Verdict.badTime;
    if (r.otherSymbol) return Verdict.otherSymbol;
    if (this.bidAsk) {
      if ((r.empty & ONE_SIDED_MASK) !== 0) return Verdict.oneSided;
      const bid = r.bid;
      const ask = r.ask;
      if (!(bid > 0)) return bid !== bid ? Verdict.nonNumericBid : Verdict.nonPositiveBid;
      if (!(ask > 0)) return ask !== ask ? Verdict.nonNumericAsk : Verdict.nonPositiveAsk;
      if (bid > ask) return Verdict.crossed;
      // Both near 1e308: the sum overflows and the mid would be Infinity.
      return Number.isFinite(midOf(bid, ask)) ? Verdict.ok : Verdict.nonFiniteMid;
    }
    const price = r.price;
    if (!(price > 0)) return price !== price ? Verdict.nonNumericPrice : Verdict.nonPositivePrice;
    if (!this.trades) return Verdict.ok;
    const qty = r.qty;
    if (!(qty > 0)) return qty !== qty ? Verdict.nonNumericQty : Verdict.nonPositiveQty;
    return Verdict.ok;
  }

  /**
   * The error message of a bad verdict: the problem and the offending text (read back from
   * the row, so slow is fine — only for the row that is reported).
   */
  problem(v: VerdictCode, r: RowScratch, timeUnit: TimeUnit | undefined = this.plan.timeUnit, firstSymbol?: string, earlierTimes = false): { problem: string; value: string | undefined } {
    const plan = this.plan;
    const text = (role: number) => r.text.fieldText(plan.roleCol[role]!);
    switch (v) {
      case Verdict.shortRow:
        return { problem: `short row: expected ${plan.ncols} fields, found ${r.nfields}`, value: r.text.lineText() };
      case Verdict.longRow:
        return { problem: `long row: expected ${plan.ncols} fields, found ${r.nfields} (a decimal comma, or the delimiter inside an unquoted field, shifts values into the wrong columns)`, value: r.text.lineText() };
      case Verdict.otherSymbol: {
        const first = firstSymbol === undefined ? 'the rows before' : `the rows before are ${JSON.stringify(firstSymbol)}`;
        return { problem: `another symbol in column ${columnName(plan, ROLE_SYMBOL)} (${first}): a file holds one market, and another's rows read as its ticks make false jumps; give each symbol its own file (keep the rows whose ${columnName(plan, ROLE_SYMBOL)} is one symbol), or --skip-bad-rows keeps the first symbol's rows`, value: text(ROLE_SYMBOL) };
      }
      case Verdict.badTime:
        return { problem: `unparsable time in column ${columnName(plan, ROLE_TIME) ?? plan.timeColumn}${timeHint(text(ROLE_TIME), timeUnit, earlierTimes)}`, value: text(ROLE_TIME) };
      case Verdict.crossed:
        return { problem: 'crossed quote (bid > ask)', value: `${text(ROLE_BID)} > ${text(ROLE_ASK)}` };
      case Verdict.nonFiniteMid:
        return { problem: 'the mid (bid + ask) / 2 is not a finite number (the sum overflows)', value: `${text(ROLE_BID)} + ${text(ROLE_ASK)}` };
      case Verdict.oneSided:
        return { problem: 'one-sided quote (empty bid or ask)', value: undefined };
      default: {
        const role = ROLE[v]!;
        return { problem: `${VERDICT_KIND[v]} in column ${columnName(plan, role)}`, value: text(role) };
      }
    }
  }
}

/**
 * Why a time that looks like a date did not parse, when the reason is not the writing: a leap
 * second (:60, which UTC times in µs since the epoch do not have) or a year past 2255 (µs since
 * 1970 beyond 2⁵³, where a double no longer holds every µs); or how to read it, for a time to
 * the minute. Empty otherwise.
 */
export function timeHint(text: string, unit?: TimeUnit, earlierTimes = false): string {
  // A plain number in a known unit is unreadable only past the µs clock's exact range.
  if (unit !== undefined && /^\s*\d+(\.\d*)?\s*$/.test(text) && Number(text) * 10 ** unitExponent(unit) > Number.MAX_SAFE_INTEGER) {
    return ` (${text.trim()} ${UNIT_NAMES[unit]} since 1970 lies past the year 2255, beyond what microseconds since 1970 hold exactly: is the unit wrong (--time-unit sets it), or the value?)`;
  }
  // A date and a time to the minute: tick data carries seconds, but a --time-format reads it.
  // (Not where earlier rows read with seconds: that format would refuse them.)
  const minutes = earlierTimes ? null : /^\s*\d{4}-\d\d-\d\d([T ])\d\d:\d\d(Z|z|[+-]\d\d(?::?\d\d)?)?\s*$/.exec(text);
  if (minutes !== null) return ` (a time without seconds: --time-format '%Y-%m-%d${minutes[1] === 'T' ? 'T' : ' '}%H:%M${minutes[2] !== undefined ? '%z' : ''}' reads it, though a minute is far coarser than the lags leadlag measures)`;
  const iso = /^\s*(\d{4})-\d\d-\d\d[T ]\d\d:\d\d:(\d\d)/.exec(text);
  if (iso === null) return '';
  if (iso[2] === '60') return ' (a leap second: times since the epoch have no :60)';
  if (Number(iso[1]) > 2255) return ' (a year after 2255: microseconds since 1970 no longer fit exactly)';
  return '';
}

const UNIT_NAMES: Record<TimeUnit, string> = { s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds' };
