/**
 * Format recognition: a file's header (or, for Binance spot trade dumps, its first
 * data line) decides which columns hold the time, the prices and the quantities.
 * Header names are compared trimmed and lower-cased; columns may come in any order
 * and extra columns are ignored.
 */
import { DataError } from '../errors.js';
import type { Clock, TimeUnit } from './types.js';
import { DECIMAL_RE, isBooleanText } from './numbers.js';
import { unitFromColumnName } from './time.js';
import { withArticle } from '../core/verdict.js';

export type Kind = 'quotes' | 'trades';

/** Field roles: the index of each value in a row (see RowScratch). */
export const ROLE_TIME = 0;
export const ROLE_BID = 1;
export const ROLE_ASK = 2;
export const ROLE_PRICE = 3;
export const ROLE_QTY = 4;
export const ROLE_SIDE = 5;
/** The file's other clock (inspect only: see withSecondClock). */
export const ROLE_CLOCK2 = 6;
export const ROLE_COUNT = 7;
export const ROLE_NAMES = ['time', 'bid', 'ask', 'price', 'quantity', 'side', 'second clock'] as const;

/** How the time column is read: ISO strings, epoch numbers, or decided by the first row. */
export type TimeMode = 'iso' | 'num' | 'auto';
/** How the side column is read: none, a maker flag (true → seller aggressor), or buy/sell words. */
export type SideMode = 'none' | 'maker' | 'text';

/** Everything the parsers need to know about one file's layout. */
export interface FormatPlan {
  readonly kind: Kind;
  /** e.g. 'tardis-quotes' (see ReadReport.format). */
  readonly format: string;
  /** True for Binance spot trade dumps without a header: the first line is data. */
  readonly headerless: boolean;
  /** Fields a row must have (the header's length); fewer is a short row. */
  readonly ncols: number;
  /** Role of each column (−1 = ignored); length ncols. */
  readonly colRole: Int8Array;
  /** Column of each role (−1 = absent). */
  readonly roleCol: Int32Array;
  /** Lower-cased header names (synthesised for headerless files). */
  readonly names: readonly string[];
  readonly timeColumn: string;
  readonly timeMode: TimeMode;
  /** The unit when fixed by the format, the option or the column suffix (in that order); undefined → magnitude. */
  readonly timeUnit: TimeUnit | undefined;
  readonly sideMode: SideMode;
  /** Quotes with a single price column: bid = ask = price. */
  readonly priceOnly: boolean;
  /** The column mapped to ROLE_CLOCK2, when withSecondClock found one. */
  readonly secondClock?: string;
}

interface Layout {
  readonly format: string;
  readonly label: string;
  /** Columns that must be present (role ≥ 0 are read, −1 only identify the format). */
  readonly columns: ReadonlyArray<readonly [name: string, role: number]>;
  readonly timeMode: TimeMode;
  readonly timeUnit?: TimeUnit;
  readonly sideMode: SideMode;
}

const TARDIS_QUOTES = (clock: Clock): Layout => ({
  format: 'tardis-quotes',
  label: 'Tardis quotes',
  columns: [
    ['exchange', -1],
    ['symbol', -1],
    ['timestamp', clock === 'exchange' ? ROLE_TIME : -1],
    ['local_timestamp', clock === 'local' ? ROLE_TIME : -1],
    ['ask_price', ROLE_ASK],
    ['bid_price', ROLE_BID],
  ],
  timeMode: 'num',
  timeUnit: 'us',
  sideMode: 'none',
});

const BINANCE_BOOKTICKER: Layout = {
  format: 'binance-bookticker',
  label: 'Binance bookTicker',
  columns: [
    ['update_id', -1],
    ['best_bid_price', ROLE_BID],
    ['best_ask_price', ROLE_ASK],
    ['transaction_time', ROLE_TIME],
  ],
  timeMode: 'num',
  sideMode: 'none',
};

const EXCHANGE_QUOTES: Layout = {
  format: 'exchange-quotes',
  label: 'exchange export quotes',
  columns: [
    ['time', ROLE_TIME],
    ['symbol', -1],
    ['bid_price', ROLE_BID],
    ['ask_price', ROLE_ASK],
  ],
  timeMode: 'auto',
  sideMode: 'none',
};

const TARDIS_TRADES = (clock: Clock): Layout => ({
  format: 'tardis-trades',
  label: 'Tardis trades',
  columns: [
    ['exchange', -1],
    ['symbol', -1],
    ['timestamp', clock === 'exchange' ? ROLE_TIME : -1],
    ['local_timestamp', clock === 'local' ? ROLE_TIME : -1],
    ['side', ROLE_SIDE],
    ['price', ROLE_PRICE],
    ['amount', ROLE_QTY],
  ],
  timeMode: 'num',
  timeUnit: 'us',
  sideMode: 'text',
});

const EXCHANGE_TRADES: Layout = {
  format: 'exchange-trades',
  label: 'exchange export trades',
  columns: [
    ['time', ROLE_TIME],
    ['symbol', -1],
    ['price', ROLE_PRICE],
    ['quantity', ROLE_QTY],
    ['is_market_maker', ROLE_SIDE],
  ],
  timeMode: 'auto',
  sideMode: 'maker',
};

const BINANCE_TRADES: Layout = {
  format: 'binance-trades',
  label: 'Binance trades',
  columns: [
    ['id', -1],
    ['price', ROLE_PRICE],
    ['qty', ROLE_QTY],
    ['quote_qty', -1],
    ['time', ROLE_TIME],
    ['is_buyer_maker', ROLE_SIDE],
  ],
  timeMode: 'num',
  sideMode: 'maker',
};

const BINANCE_AGGTRADES: Layout = {
  format: 'binance-aggtrades',
  label: 'Binance aggTrades',
  columns: [
    ['agg_trade_id', -1],
    ['price', ROLE_PRICE],
    ['quantity', ROLE_QTY],
    ['first_trade_id', -1],
    ['last_trade_id', -1],
    ['transact_time', ROLE_TIME],
    ['is_buyer_maker', ROLE_SIDE],
  ],
  timeMode: 'num',
  sideMode: 'maker',
};

/** Column names of the headerless Binance spot dumps, by column count. */
const HEADERLESS: Record<number, { format: string; names: string[] }> = {
  7: {
    format: 'binance-trades',
    names: ['id', 'price', 'qty', 'quote_qty', 'time', 'is_buyer_maker', 'is_best_match'],
  },
  8: {
    format: 'binance-aggtrades',
    names: ['agg_trade_id', 'price', 'quantity', 'first_trade_id', 'last_trade_id', 'transact_time', 'is_buyer_maker', 'is_best_match'],
  },
};

const TIME_NAMES = ['ts', 'time', 'timestamp', 't'];
const TIME_RE = /^(ts|time|timestamp|t)(_(s|ms|us|ns))?$/;

const EXPECTED: Record<Kind, string> = {
  quotes:
    'time,symbol,bid_price,ask_price (exchange export); ' +
    'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount (Tardis quotes/book_ticker); ' +
    'update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time (Binance bookTicker); ' +
    'or a time column (ts, time, timestamp or t, optionally with _s/_ms/_us/_ns) with bid and ask, bid_price and ask_price, price or mid',
  trades:
    'time,symbol,price,quantity,is_market_maker (exchange export); ' +
    'exchange,symbol,timestamp,local_timestamp,id,side,price,amount (Tardis trades); ' +
    'id,price,qty,quote_qty,time,is_buyer_maker (Binance trades); ' +
    'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker (Binance aggTrades); ' +
    'Binance spot dumps without a header (7 or 8 numeric columns); ' +
    'or a time column (ts, time, timestamp or t, optionally with _s/_ms/_us/_ns) with price and qty, quantity, amount or size',
};

/** Where the header sits, for error messages. */
export interface HeaderSite {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/**
 * The plan for a file whose first non-blank line has these fields.
 * @throws DataError for an unknown header (listing what was expected) or a missing column (naming it).
 */
export function planFromHeader(
  fields: readonly string[],
  kind: Kind,
  clock: Clock,
  unitOverride: TimeUnit | undefined,
  site: HeaderSite,
): FormatPlan {
  if (site.text.replace(/\r$/, '').includes('\r')) {
    // Lines that end in a lone CR (classic Mac) read as one endless header line.
    throw new DataError(site.file, site.line, "lines end in a lone CR; convert them to LF first (e.g. tr '\\r' '\\n')", site.text.split('\r')[0]);
  }
  const names = fields.map((f) => f.trim().toLowerCase());
  if (kind === 'trades' && isHeaderless(fields)) {
    const h = HEADERLESS[fields.length]!;
    const layout = h.format === 'binance-trades' ? BINANCE_TRADES : BINANCE_AGGTRADES;
    return planFromLayout({ ...layout, format: `${h.format}-noheader` }, h.names, true, kind, unitOverride);
  }
  const layouts =
    kind === 'quotes'
      ? [TARDIS_QUOTES(clock), BINANCE_BOOKTICKER, EXCHANGE_QUOTES]
      : [TARDIS_TRADES(clock), BINANCE_AGGTRADES, BINANCE_TRADES, EXCHANGE_TRADES];
  for (const layout of layouts) {
    if (layout.columns.every(([n]) => names.includes(n))) return planFromLayout(layout, names, false, kind, unitOverride);
  }
  if (kind === 'quotes') rejectTradesAsQuotes(names, clock, site);
  else rejectQuotesAsTrades(names, clock, site);
  if (clock === 'local' && names.includes('exchange') && names.includes('timestamp') && !names.includes('local_timestamp')) {
    throw new DataError(site.file, site.line, 'missing column local_timestamp (needed by the local clock)', site.text);
  }
  const generic = genericPlan(names, kind, clock, unitOverride, site);
  if (generic) return generic;
  // A near miss of a known layout: name what is missing rather than listing everything.
  let best: { layout: Layout; missing: string[] } | undefined;
  for (const layout of layouts) {
    const missing = layout.columns.filter(([n]) => !names.includes(n)).map(([n]) => n);
    const present = layout.columns.length - missing.length;
    if (present >= 2 && present * 2 >= layout.columns.length && (!best || missing.length < best.missing.length)) {
      best = { layout, missing };
    }
  }
  if (best) {
    const s = best.missing.length > 1 ? 's' : '';
    throw new DataError(site.file, site.line, `missing column${s} ${best.missing.join(', ')} for ${best.layout.label}`, site.text);
  }
  throw new DataError(site.file, site.line, `unrecognised ${kind} header; expected one of: ${EXPECTED[kind]}`, site.text);
}

/**
 * A named trades layout given where quotes are expected would otherwise pass as generic
 * price-only quotes and be analysed as if trade prices were mids: refuse it by name.
 */
function rejectTradesAsQuotes(names: readonly string[], clock: Clock, site: HeaderSite): void {
  for (const layout of [TARDIS_TRADES(clock), BINANCE_AGGTRADES, BINANCE_TRADES, EXCHANGE_TRADES]) {
    if (layout.columns.every(([n]) => names.includes(n))) {
      throw new DataError(site.file, site.line, `this is ${withArticle(layout.label)} file, not quotes (trades go to classify --trades)`, site.text);
    }
  }
}

/** The mirror case: a quote file (a named layout, or bid and ask columns) given where trades are expected. */
function rejectQuotesAsTrades(names: readonly string[], clock: Clock, site: HeaderSite): void {
  const layout = [TARDIS_QUOTES(clock), BINANCE_BOOKTICKER, EXCHANGE_QUOTES].find((l) => l.columns.every(([n]) => names.includes(n)));
  const has = (candidates: readonly string[]) => candidates.some((n) => names.includes(n));
  // Bid and ask but no quantity: a quote file; a trades file that also carries the book keeps its quantity.
  const bidAsk = has(['bid', 'bid_price']) && has(['ask', 'ask_price']) && !has(['qty', 'quantity', 'amount', 'size']);
  if (layout !== undefined || bidAsk) {
    const what = layout !== undefined ? withArticle(layout.label) : 'a quotes';
    throw new DataError(site.file, site.line, `this is ${what} file (bid and ask), not trades (--trades takes trades: time, price and quantity)`, site.text);
  }
}

/** A Binance spot dump without a header: 7 or 8 fields, all numbers or booleans. */
export function isHeaderless(fields: readonly string[]): boolean {
  if (fields.length !== 7 && fields.length !== 8) return false;
  return fields.every((f) => DECIMAL_RE.test(f.trim()) || isBooleanText(f));
}

function planFromLayout(layout: Layout, names: readonly string[], headerless: boolean, kind: Kind, unitOverride: TimeUnit | undefined): FormatPlan {
  const ncols = names.length;
  const colRole = new Int8Array(ncols).fill(-1);
  const roleCol = new Int32Array(ROLE_COUNT).fill(-1);
  let timeColumn = '';
  for (const [name, role] of layout.columns) {
    if (role < 0) continue;
    const col = names.indexOf(name);
    colRole[col] = role;
    roleCol[role] = col;
    if (role === ROLE_TIME) timeColumn = name;
  }
  return {
    kind,
    format: layout.format,
    headerless,
    ncols,
    colRole,
    roleCol,
    names,
    timeColumn,
    timeMode: layout.timeMode,
    // A unit the format defines (Tardis: µs) is not a guess, so --time-unit leaves it alone;
    // it overrides the column-name suffix and the magnitude rule.
    timeUnit: layout.timeUnit ?? unitOverride ?? unitFromColumnName(timeColumn),
    sideMode: layout.sideMode,
    priceOnly: kind === 'quotes' && roleCol[ROLE_BID]! < 0,
  };
}

function firstOf(names: readonly string[], candidates: readonly string[]): string | undefined {
  return candidates.find((c) => names.includes(c));
}

/**
 * Generic layouts: a time column plus bid/ask (or price/mid) for quotes, price plus a
 * quantity (and optionally a side) for trades. Returns undefined when no time column
 * and no price column is present (then the header is simply unknown).
 */
function genericPlan(
  names: readonly string[],
  kind: Kind,
  clock: Clock,
  unitOverride: TimeUnit | undefined,
  site: HeaderSite,
): FormatPlan | undefined {
  const local = clock === 'local' && names.includes('local_timestamp') ? 'local_timestamp' : undefined;
  const time = local ?? firstOf(names, TIME_NAMES) ?? names.find((n) => TIME_RE.test(n));
  const columns: Array<readonly [string, number]> = [];
  let missing: string | undefined;
  let sideMode: SideMode = 'none';
  if (kind === 'quotes') {
    const bid = firstOf(names, ['bid', 'bid_price']);
    const ask = firstOf(names, ['ask', 'ask_price']);
    const price = firstOf(names, ['price', 'mid']);
    if (bid && ask) columns.push([bid, ROLE_BID], [ask, ROLE_ASK]);
    else if (price) columns.push([price, ROLE_PRICE]);
    else if (bid || ask) missing = bid ? (bid === 'bid' ? 'ask' : 'ask_price') : ask === 'ask' ? 'bid' : 'bid_price';
    else return undefined;
  } else {
    const price = firstOf(names, ['price']);
    const qty = firstOf(names, ['qty', 'quantity', 'amount', 'size']);
    if (!price && !qty) return undefined;
    if (price) columns.push([price, ROLE_PRICE]);
    if (qty) columns.push([qty, ROLE_QTY]);
    if (!price) missing = 'price';
    if (!qty) missing = 'qty (or quantity, amount, size)';
    const side = firstOf(names, ['side', 'is_buyer_maker', 'is_market_maker']);
    if (side) {
      columns.push([side, ROLE_SIDE]);
      sideMode = side === 'side' ? 'text' : 'maker';
    }
  }
  if (!time) {
    if (columns.length === 0) return undefined;
    throw new DataError(site.file, site.line, 'missing time column (ts, time, timestamp or t, optionally with _s/_ms/_us/_ns)', site.text);
  }
  if (missing) {
    throw new DataError(site.file, site.line, `missing column ${missing}`, site.text);
  }
  columns.unshift([time, ROLE_TIME]);
  const layout: Layout = {
    format: `generic-${kind}`,
    label: `generic ${kind}`,
    columns,
    timeMode: 'auto',
    sideMode,
  };
  return planFromLayout(layout, names, false, kind, unitOverride);
}

/**
 * Layouts that carry two clocks: the venue's time of the event and a later one — Tardis's
 * `local_timestamp` (when Tardis received the message) and Binance's `event_time` (when
 * Binance sent it). receipt − exchange is the feed's latency.
 */
export interface ClockPair {
  readonly exchange: string;
  readonly receipt: string;
  /**
   * Equal stamps mean the venue sent no exchange time (Tardis copies the receipt time into
   * `timestamp`), rather than a latency below the clocks' resolution (Binance's whole ms).
   */
  readonly equalMeansNoExchangeTime: boolean;
}
const CLOCK_PAIRS: readonly ClockPair[] = [
  { exchange: 'timestamp', receipt: 'local_timestamp', equalMeansNoExchangeTime: true },
  { exchange: 'transaction_time', receipt: 'event_time', equalMeansNoExchangeTime: false },
];
/** Formats whose only time column is the venue's own (trade times of Binance dumps). */
const EXCHANGE_TIME_FORMATS = /^binance-(agg)?trades/;

/** Which clock a plan's time column is: the venue's (exchange), a receipt time, or unknown. */
export function clockKind(plan: FormatPlan): 'exchange' | 'receipt' | 'unknown' {
  for (const pair of CLOCK_PAIRS) {
    if (plan.timeColumn === pair.exchange && plan.names.includes(pair.receipt)) return 'exchange';
    if (plan.timeColumn === pair.receipt && plan.names.includes(pair.exchange)) return 'receipt';
  }
  return EXCHANGE_TIME_FORMATS.test(plan.format) ? 'exchange' : 'unknown';
}

/** The clock pair of a plan's time column when the header holds both clocks, else undefined. */
export function clockPairOf(plan: FormatPlan): ClockPair | undefined {
  return CLOCK_PAIRS.find((p) => (plan.timeColumn === p.exchange && plan.names.includes(p.receipt)) || (plan.timeColumn === p.receipt && plan.names.includes(p.exchange)));
}

/**
 * The plan with the file's other clock (see ClockPair) also read, as ROLE_CLOCK2 (RowScratch.t2),
 * in the same time mode; the plan itself when the header has no second clock. For `inspect`:
 * the analyses read one clock.
 */
export function withSecondClock(plan: FormatPlan): FormatPlan {
  const pair = clockPairOf(plan);
  if (!pair) return plan;
  const other = plan.timeColumn === pair.exchange ? pair.receipt : pair.exchange;
  const col = plan.names.indexOf(other);
  const colRole = plan.colRole.slice();
  const roleCol = plan.roleCol.slice();
  colRole[col] = ROLE_CLOCK2;
  roleCol[ROLE_CLOCK2] = col;
  return { ...plan, colRole, roleCol, secondClock: other };
}
