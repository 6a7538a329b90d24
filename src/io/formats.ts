/**
 * Format recognition: a file's header (or, for Binance spot trade dumps, its first
 * data line) decides which columns hold the time, the prices and the quantities.
 * Header names are compared trimmed and lower-cased; columns may come in any order
 * and extra columns are ignored. Columns named by the user (ReadOptions.columns) take
 * their roles first; the delimiter is detected from the header line unless given; a
 * time format, when given, decides how times are read (docs/input-formats.md).
 */
import { DataError, UsageError } from '../errors.js';
import type { Clock, ColumnMap, TimeFormat, TimePatternText, TimeUnit } from './types.js';
import { DECIMAL_RE, isBooleanText } from './numbers.js';
import { compileTimePattern, unitFromColumnName, type TimePattern } from './time.js';
import { withArticle } from '../core/verdict.js';
import { ASK_NAMES, BID_NAMES, MORE_TIME_NAMES, QTY_NAMES, QUOTE_PRICE_NAMES, SIDE_MODES, TIME_NAMES, TIME_RE, TRADE_PRICE_NAMES } from './format-names.js';

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
/**
 * A `symbol` column: every row must name the symbol of the file's first row. A file holds one
 * market; rows of a second symbol read as its ticks would make false jumps (RowScratch.otherSymbol).
 */
export const ROLE_SYMBOL = 7;
export const ROLE_COUNT = 8;
export const ROLE_NAMES = ['time', 'bid', 'ask', 'price', 'quantity', 'side', 'second clock', 'symbol'] as const;

/**
 * Header names (lower-cased) of a column that names the instrument of each row, in order of
 * preference: a file holds one, and a second is a bad row. No numeric id: a continuous contract
 * keeps its symbol (Databento's ES.c.0) while its instrument_id changes at each roll.
 */
export const INSTRUMENT_NAMES: readonly string[] = ['symbol', 'symbol_id', 'instrument', 'instrument_name', 'ticker'];

/** How the time column is read: ISO strings, epoch numbers, decided by the first row, or a pattern. */
export type TimeMode = 'iso' | 'num' | 'auto' | 'pattern';
/** How the side column is read: none, a maker flag (true → seller aggressor), buy/sell words, or either (a column named by --side-col). */
export type SideMode = 'none' | 'maker' | 'text' | 'any';

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
  /** Lower-cased header names (synthesised for headerless files): what the layouts match. */
  readonly names: readonly string[];
  /** The same names as the header writes them (trimmed), for what is shown: {@link columnName}. */
  readonly headers: readonly string[];
  readonly timeColumn: string;
  readonly timeMode: TimeMode;
  /** The unit when fixed by the format, the option or the column suffix (in that order); undefined → magnitude. */
  readonly timeUnit: TimeUnit | undefined;
  readonly sideMode: SideMode;
  /** Quotes with a single price column: bid = ask = price. */
  readonly priceOnly: boolean;
  /** The column mapped to ROLE_CLOCK2, when withSecondClock found one. */
  readonly secondClock?: string;
  /** Char code of the field delimiter (`,` `;` tab `|`). */
  readonly delimiter: number;
  /** The compiled --time-format pattern when timeMode is 'pattern', and its text. */
  readonly timePattern?: TimePattern;
  readonly timePatternText?: TimePatternText;
}

/** What a plan depends on besides the header: ReadOptions' layout members and the delimiter in use. */
export interface PlanOptions {
  readonly clock: Clock;
  readonly timeUnit?: TimeUnit;
  readonly columns?: ColumnMap;
  readonly timeFormat?: TimeFormat;
  /** Char code of the delimiter the header was split on (default comma). */
  readonly delimiterCode?: number;
}

/** The delimiters a file may use, in the order that breaks a tie. */
export const DELIMITERS = [',', '\t', ';', '|'] as const;

/**
 * The delimiter of a file from its header line: the candidate (`,` tab `;` `|`) that occurs
 * most often outside double quotes; comma when none occurs or on a tie with comma.
 */
export function detectDelimiter(header: string): number {
  const counts = [0, 0, 0, 0];
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted) {
      const k = (DELIMITERS as readonly string[]).indexOf(c);
      if (k >= 0) counts[k]!++;
    }
  }
  let best = 0;
  for (let k = 1; k < counts.length; k++) if (counts[k]! > counts[best]!) best = k;
  return DELIMITERS[best]!.charCodeAt(0);
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

/** Binance bookTicker: the matching engine's `transaction_time`, or with --clock local `event_time` (when Binance sent the update). */
const BINANCE_BOOKTICKER = (clock: Clock): Layout => ({
  format: 'binance-bookticker',
  label: 'Binance bookTicker',
  columns: [
    ['update_id', -1],
    ['best_bid_price', ROLE_BID],
    ['best_ask_price', ROLE_ASK],
    ['transaction_time', clock === 'exchange' ? ROLE_TIME : -1],
    ...(clock === 'local' ? [['event_time', ROLE_TIME] as const] : []),
  ],
  timeMode: 'num',
  sideMode: 'none',
});

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

/**
 * The venue's time of an event and a later one of the same event: Tardis's `local_timestamp`
 * (when Tardis received the message), Binance's `event_time` (when Binance sent it),
 * Databento's `ts_recv` and CoinAPI's `time_coinapi` (when their capture received it).
 * `--clock local` reads the receipt clock; inspect reads both (withSecondClock), and
 * receipt − exchange is the feed's latency.
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
  { exchange: 'ts_event', receipt: 'ts_recv', equalMeansNoExchangeTime: false },
  { exchange: 'time_exchange', receipt: 'time_coinapi', equalMeansNoExchangeTime: false },
  { exchange: 'transaction_time', receipt: 'event_time', equalMeansNoExchangeTime: false },
];
/** The receipt-clock columns `--clock local` reads (the second of each {@link ClockPair}). */
export const RECEIPT_COLUMNS: readonly string[] = CLOCK_PAIRS.map((p) => p.receipt);
const GENERIC_TIME = `a time column (${TIME_NAMES.join(', ')}, optionally with _s/_ms/_us/_ns; or ${MORE_TIME_NAMES.join(', ')})`;

const EXPECTED: Record<Kind, string> = {
  quotes:
    'time,symbol,bid_price,ask_price (exchange export); ' +
    'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount (Tardis quotes/book_ticker); ' +
    'update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time (Binance bookTicker); ' +
    `or ${GENERIC_TIME} with a bid and an ask (${BID_NAMES.map((b, i) => `${b}/${ASK_NAMES[i]}`).join(', ')}) or one price (${QUOTE_PRICE_NAMES.join(', ')})`,
  trades:
    'time,symbol,price,quantity,is_market_maker (exchange export); ' +
    'exchange,symbol,timestamp,local_timestamp,id,side,price,amount (Tardis trades); ' +
    'id,price,qty,quote_qty,time,is_buyer_maker (Binance trades); ' +
    'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker (Binance aggTrades); ' +
    'Binance spot dumps without a header (7 or 8 numeric columns); ' +
    `or ${GENERIC_TIME} with price and ${QTY_NAMES.join(', ')}`,
};

/** Where the header sits, for error messages. */
export interface HeaderSite {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/**
 * The plan for a file whose first non-blank line has these fields. Columns named in
 * `o.columns` take their roles and the file is read as a generic layout (format `mapped-…`);
 * roles not named are recognised by name as usual. `o.timeFormat` decides how times are read.
 * @throws DataError for an unknown header (listing its columns and options that would map
 *   them) or a missing column (naming it); UsageError when a named column is not in the
 *   header, two roles would share a column, or the time format is not one.
 */
export function planFromHeader(fields: readonly string[], kind: Kind, o: PlanOptions, site: HeaderSite): FormatPlan {
  if (site.text.replace(/\r$/, '').includes('\r')) {
    // Lines that end in a lone CR (classic Mac) read as one endless header line.
    throw new DataError(site.file, site.line, "lines end in a lone CR; convert them to LF first (e.g. tr '\\r' '\\n')", site.text.split('\r')[0]);
  }
  const headers = fields.map((f) => f.trim());
  const names = headers.map((h) => h.toLowerCase());
  const mapped = mappedRoles(o.columns, kind, fields, names, site);
  if (mapped.size === 0) {
    const named = namedPlan(fields, { names, headers }, kind, o, site);
    if (named) return named;
  }
  const generic = genericPlan({ names, headers }, kind, o, mapped, site);
  if (generic) {
    if (kind === 'quotes') rejectGenericTradesAsQuotes(generic, fields, o, site);
    return generic;
  }
  // A near miss of a known layout: name what is missing rather than listing everything.
  let best: { layout: Layout; missing: string[] } | undefined;
  for (const layout of layoutsOf(kind, o.clock)) {
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
  throw new DataError(site.file, site.line, unrecognisedHeader(fields, names, kind, o.delimiterCode ?? COMMA), site.text);
}

const COMMA = 44;

function layoutsOf(kind: Kind, clock: Clock): Layout[] {
  return kind === 'quotes' ? [TARDIS_QUOTES(clock), ...bookTickers(clock), EXCHANGE_QUOTES] : [TARDIS_TRADES(clock), BINANCE_AGGTRADES, BINANCE_TRADES, EXCHANGE_TRADES];
}

/**
 * The bookTicker layouts to try: with --clock local the one with `event_time` first, then the
 * one without (a dump that lacks the column is still bookTicker, read on transaction_time, and
 * the reader warns that --clock local had no effect on it).
 */
function bookTickers(clock: Clock): Layout[] {
  return clock === 'local' ? [BINANCE_BOOKTICKER('local'), BINANCE_BOOKTICKER('exchange')] : [BINANCE_BOOKTICKER(clock)];
}

/** The named layouts (and headerless Binance dumps); undefined when none fits. */
function namedPlan(fields: readonly string[], header: Header, kind: Kind, o: PlanOptions, site: HeaderSite): FormatPlan | undefined {
  const { names } = header;
  if (kind === 'trades' && isHeaderless(fields)) {
    const h = HEADERLESS[fields.length]!;
    const layout = h.format === 'binance-trades' ? BINANCE_TRADES : BINANCE_AGGTRADES;
    return planFromLayout({ ...layout, format: `${h.format}-noheader` }, { names: h.names, headers: h.names }, true, kind, o);
  }
  for (const layout of layoutsOf(kind, o.clock)) {
    if (layout.columns.every(([n]) => names.includes(n))) return planFromLayout(layout, header, false, kind, o);
  }
  if (kind === 'quotes') rejectTradesAsQuotes(names, o.clock, site);
  else rejectQuotesAsTrades(names, o.clock, site);
  if (o.clock === 'local' && names.includes('exchange') && names.includes('timestamp') && !names.includes('local_timestamp')) {
    throw new DataError(site.file, site.line, 'missing column local_timestamp (needed by the local clock)', site.text);
  }
  return undefined;
}

/** The option that names each role's column. */
export const ROLE_OPTIONS: ReadonlyArray<readonly [key: keyof ColumnMap, role: number, option: string]> = [
  ['time', ROLE_TIME, '--time-col'],
  ['price', ROLE_PRICE, '--price-col'],
  ['bid', ROLE_BID, '--bid-col'],
  ['ask', ROLE_ASK, '--ask-col'],
  ['qty', ROLE_QTY, '--qty-col'],
  ['side', ROLE_SIDE, '--side-col'],
];

function roleApplies(kind: Kind, role: number): boolean {
  return kind === 'quotes' ? role !== ROLE_QTY && role !== ROLE_SIDE : role !== ROLE_BID && role !== ROLE_ASK;
}

/**
 * The columns named by options, role → lower-cased name (roles the kind has not are ignored).
 * @throws UsageError for a name the header lacks, or --price-col with --bid-col / --ask-col.
 */
function mappedRoles(columns: ColumnMap | undefined, kind: Kind, fields: readonly string[], names: readonly string[], site: HeaderSite): Map<number, string> {
  const out = new Map<number, string>();
  if (!columns) return out;
  for (const [key, role, option] of ROLE_OPTIONS) {
    const given = columns[key]?.trim();
    if (!given || !roleApplies(kind, role)) continue;
    const name = given.toLowerCase();
    if (!names.includes(name)) {
      throw new UsageError(`${option} ${given}: ${site.file} has no column ${given} (its columns: ${columnList(fields.map((f) => f.trim()))})`);
    }
    out.set(role, name);
  }
  if (out.has(ROLE_PRICE) && (out.has(ROLE_BID) || out.has(ROLE_ASK))) {
    throw new UsageError('--price-col reads quotes with one price column; give it or --bid-col and --ask-col, not both');
  }
  return out;
}

/** The exchange time of a recognised pair (or with --clock local its receiver time), else the first time name present. */
function recogniseTime(names: readonly string[], clock: Clock): string | undefined {
  if (clock === 'local') {
    for (const { receipt } of CLOCK_PAIRS) if (names.includes(receipt)) return receipt;
  }
  return firstOf(names, TIME_NAMES) ?? names.find((n) => TIME_RE.test(n)) ?? firstOf(names, MORE_TIME_NAMES);
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

/**
 * A time and a `price` column fit the generic price-only quote layout too, so a trades file
 * of no named layout (`ts_us,price,qty,side`, or one read through column options) would be
 * analysed as if its trade prices were mids. When the same header also plans as trades — a
 * quantity column beside the price, recognised or named by --qty-col — it is a trades file and
 * is refused, naming the quantity column that makes it one. A price series (`ts,price`,
 * `date,last`) has no quantity and stays quotes. `inspect` tries quotes first and relies on
 * this refusal to call such a file trades, so the two cannot disagree.
 */
function rejectGenericTradesAsQuotes(quotes: FormatPlan, fields: readonly string[], o: PlanOptions, site: HeaderSite): void {
  if (!quotes.priceOnly) return;
  const trades = tradesPlanOf(fields, o, site);
  const qty = trades === undefined ? undefined : columnName(trades, ROLE_QTY);
  if (qty === undefined) return;
  throw new DataError(site.file, site.line, `this is a trades file (a quantity column, ${qty}, beside the price), not quotes (trades go to classify --trades)`, site.text);
}

/** The header's plan as trades, or undefined when it does not read as trades. */
function tradesPlanOf(fields: readonly string[], o: PlanOptions, site: HeaderSite): FormatPlan | undefined {
  try {
    return planFromHeader(fields, 'trades', o, site);
  } catch (e) {
    // Not a trades header (a missing quantity, a column option that fits only quotes): quotes it stays.
    if (e instanceof DataError || e instanceof UsageError) return undefined;
    throw e;
  }
}

/** The mirror case: a quote file (a named layout, or bid and ask columns) given where trades are expected. */
function rejectQuotesAsTrades(names: readonly string[], clock: Clock, site: HeaderSite): void {
  const layout = [TARDIS_QUOTES(clock), ...bookTickers(clock), EXCHANGE_QUOTES].find((l) => l.columns.every(([n]) => names.includes(n)));
  const has = (candidates: readonly string[]) => candidates.some((n) => names.includes(n));
  // Bid and ask but no quantity: a quote file; a trades file that also carries the book keeps its quantity.
  const bidAsk = has(BID_NAMES) && has(ASK_NAMES) && !has(QTY_NAMES);
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

/** A header's names: lower-cased (matched) and as written (shown). */
interface Header {
  readonly names: readonly string[];
  readonly headers: readonly string[];
}

/** The column of a role as the header writes it; undefined when the plan has no such column. */
export function columnName(plan: FormatPlan, role: number): string | undefined {
  const col = plan.roleCol[role]!;
  return col >= 0 ? plan.headers[col] : undefined;
}

/** The time column as the header writes it (as the plan names it where no column holds the role). */
export function timeColumnName(plan: FormatPlan): string {
  return columnName(plan, ROLE_TIME) ?? plan.timeColumn;
}

function planFromLayout(layout: Layout, { names, headers }: Header, headerless: boolean, kind: Kind, o: PlanOptions): FormatPlan {
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
  // The column named for the instrument (the first of INSTRUMENT_NAMES the header has that no
  // other role took) is checked row by row (ROLE_SYMBOL).
  const symbol = INSTRUMENT_NAMES.map((n) => names.findIndex((m, k) => m === n && colRole[k]! < 0)).find((k) => k >= 0) ?? -1;
  if (symbol >= 0 && colRole[symbol]! < 0) {
    colRole[symbol] = ROLE_SYMBOL;
    roleCol[ROLE_SYMBOL] = symbol;
  }
  const time = timeReading(o.timeFormat);
  return {
    kind,
    format: layout.format,
    headerless,
    ncols,
    colRole,
    roleCol,
    names,
    headers,
    timeColumn,
    timeMode: time?.mode ?? layout.timeMode,
    // A unit the format defines (Tardis: µs) is not a guess, so --time-unit leaves it alone;
    // it overrides the column-name suffix and the magnitude rule. --time-format overrides all.
    timeUnit: time ? time.unit : layout.timeUnit ?? o.timeUnit ?? unitFromColumnName(timeColumn),
    sideMode: layout.sideMode,
    priceOnly: kind === 'quotes' && roleCol[ROLE_BID]! < 0,
    delimiter: o.delimiterCode ?? COMMA,
    timePattern: time?.pattern,
    timePatternText: time?.pattern ? (o.timeFormat as TimePatternText) : undefined,
  };
}

/** How a --time-format reads times; undefined leaves it to the format. @throws UsageError for a bad pattern. */
function timeReading(format: TimeFormat | undefined): { mode: TimeMode; unit: TimeUnit | undefined; pattern?: TimePattern } | undefined {
  if (format === undefined) return undefined;
  if (format === 'iso') return { mode: 'iso', unit: undefined };
  if (format === 's' || format === 'ms' || format === 'us' || format === 'ns') return { mode: 'num', unit: format };
  const pattern = compileTimePattern(format);
  if (typeof pattern === 'string') throw new UsageError(`--time-format ${JSON.stringify(format)}: ${pattern}`);
  return { mode: 'pattern', unit: undefined, pattern };
}

function firstOf(names: readonly string[], candidates: readonly string[]): string | undefined {
  return candidates.find((c) => names.includes(c));
}

/**
 * Generic layouts: a time column plus bid/ask (or one price) for quotes, price plus a
 * quantity (and optionally a side) for trades, each named by an option or recognised by
 * name. Returns undefined when nothing was named and neither a time nor a price column
 * is present (then the header is simply unknown).
 */
function genericPlan(header: Header, kind: Kind, o: PlanOptions, mapped: ReadonlyMap<number, string>, site: HeaderSite): FormatPlan | undefined {
  const { names } = header;
  const time = mapped.get(ROLE_TIME) ?? recogniseTime(names, o.clock);
  const columns: Array<readonly [string, number]> = [];
  let missing: string | undefined;
  let sideMode: SideMode = 'none';
  if (kind === 'quotes') {
    const price = mapped.get(ROLE_PRICE);
    const namedBid = mapped.get(ROLE_BID);
    const namedAsk = mapped.get(ROLE_ASK);
    const bid = namedBid ?? firstOf(names, BID_NAMES);
    const ask = namedAsk ?? firstOf(names, ASK_NAMES);
    const one = price ?? (namedBid || namedAsk ? undefined : firstOf(names, QUOTE_PRICE_NAMES));
    if (price) columns.push([price, ROLE_PRICE]);
    else if (bid && ask) columns.push([bid, ROLE_BID], [ask, ROLE_ASK]);
    else if (one) columns.push([one, ROLE_PRICE]);
    else if (bid) missing = `${ASK_NAMES[BID_NAMES.indexOf(bid)] ?? 'ask'} (or name it with --ask-col)`;
    else if (ask) missing = `${BID_NAMES[ASK_NAMES.indexOf(ask)] ?? 'bid'} (or name it with --bid-col)`;
    else if (mapped.size === 0) return undefined;
    else missing = 'bid and ask, or price (name them with --bid-col and --ask-col, or --price-col)';
  } else {
    const price = mapped.get(ROLE_PRICE) ?? firstOf(names, TRADE_PRICE_NAMES);
    const qty = mapped.get(ROLE_QTY) ?? firstOf(names, QTY_NAMES);
    if (!price && !qty && mapped.size === 0) return undefined;
    if (price) columns.push([price, ROLE_PRICE]);
    if (qty) columns.push([qty, ROLE_QTY]);
    if (!price) missing = 'price (or name it with --price-col)';
    if (!qty) missing = `qty (or ${QTY_NAMES.slice(1).join(', ')}; or name it with --qty-col)`;
    const side = mapped.get(ROLE_SIDE) ?? firstOf(names, Object.keys(SIDE_MODES));
    if (side) {
      columns.push([side, ROLE_SIDE]);
      // A column named by --side-col may hold words or a maker flag; either is read.
      sideMode = mapped.has(ROLE_SIDE) ? 'any' : SIDE_MODES[side]!;
    }
  }
  if (!time) {
    if (columns.length === 0 && mapped.size === 0) return undefined;
    throw new DataError(site.file, site.line, `missing time column (${GENERIC_TIME.replace(/^a time column \(/, '').replace(/\)$/, '')}; or name it with --time-col)`, site.text);
  }
  if (missing) {
    throw new DataError(site.file, site.line, `missing column ${missing}`, site.text);
  }
  columns.unshift([time, ROLE_TIME]);
  assertOneRolePerColumn(columns, mapped);
  const prefix = mapped.size > 0 ? 'mapped' : 'generic';
  const layout: Layout = {
    format: `${prefix}-${kind}`,
    label: `${prefix} ${kind}`,
    columns,
    timeMode: 'auto',
    sideMode,
  };
  return planFromLayout(layout, header, false, kind, o);
}

/** @throws UsageError when a named column is also another role's (named or recognised). */
function assertOneRolePerColumn(columns: ReadonlyArray<readonly [string, number]>, mapped: ReadonlyMap<number, string>): void {
  const describe = (role: number): string => {
    const option = ROLE_OPTIONS.find(([, r]) => r === role)![2];
    return mapped.has(role) ? option : `the ${ROLE_NAMES[role]} column found by name (name another with ${option})`;
  };
  for (let i = 0; i < columns.length; i++) {
    for (let j = i + 1; j < columns.length; j++) {
      if (columns[i]![0] !== columns[j]![0]) continue;
      throw new UsageError(`column ${columns[i]![0]} cannot have two roles: ${describe(columns[i]![1])} and ${describe(columns[j]![1])}`);
    }
  }
}

/** The message for a header nothing recognises: its columns, options that would read them, and the known layouts. */
function unrecognisedHeader(fields: readonly string[], names: readonly string[], kind: Kind, delimiter: number): string {
  const shown = fields.map((f) => f.trim());
  if (looksLikeData(shown)) return noHeader(shown, kind, delimiter);
  let hint = `try ${suggestOptions(shown, names, kind)}`;
  const other = DELIMITERS.find((d) => d.charCodeAt(0) !== delimiter && shown.length === 1 && shown[0]!.includes(d));
  if (other) hint = `the header is one column: are the fields separated by ${JSON.stringify(other)}? try --delimiter ${other === '\t' ? 'tab' : `'${other}'`}`;
  return `unrecognised ${kind} header with columns ${columnList(shown)}; name them with options (${hint}). Recognised without options: ${EXPECTED[kind]}`;
}

/** A first line at least half of whose fields (two or more) are numbers, dates or booleans: data, not column names. */
function looksLikeData(shown: readonly string[]): boolean {
  const values = shown.filter((f) => DECIMAL_RE.test(f) || /^\d{4}-\d\d-\d\d([T ]\d|$)/.test(f) || isBooleanText(f)).length;
  return values >= 2 && values * 2 >= shown.length;
}

/**
 * The message for a file whose first line is data: offering those values as column names (the
 * message before) led nowhere. It says how to add a header line naming the columns.
 */
function noHeader(shown: readonly string[], kind: Kind, delimiter: number): string {
  const d = String.fromCharCode(delimiter);
  const template = shown.map((_, i) => `NAME${i + 1}`).join(d === '\t' ? '\\t' : d);
  const roles = kind === 'quotes' ? '`time` for the time, `bid` and `ask` (or one `price`)' : '`time`, `price` and `qty` (and `side`)';
  const also = kind === 'trades' ? '' : ' (only Binance spot trade dumps are read without one)';
  return `the first line holds no column names, only values (${columnList(shown)}): the file has no header line${also}; add one naming its ${shown.length} columns in order, ${roles} and any name for the rest: { echo '${template}'; cat FILE; } > named.csv (docs/input-formats.md)`;
}

/** Columns named in a message: the first MESSAGE_COLUMNS, then how many more (a header of 100 000 columns made a 1 MB line). */
function columnList(shown: readonly string[]): string {
  const MESSAGE_COLUMNS = 40;
  if (shown.length <= MESSAGE_COLUMNS) return shown.join(', ');
  return `${shown.slice(0, MESSAGE_COLUMNS).join(', ')} … and ${shown.length - MESSAGE_COLUMNS} more`;
}

/**
 * Options that would read these columns, guessed from their names (the first column as the
 * time and the next as the price when no name says so) — a starting point for the user.
 */
export function suggestOptions(shown: readonly string[], names: readonly string[], kind: Kind): string {
  // By name: a header that repeats a name (bid, bid) names one column to the options, which refuse it for two roles.
  const taken = new Set<string>();
  const pick = (re: RegExp | null): string | undefined => {
    const i = names.findIndex((n) => !taken.has(n) && (re === null || re.test(n)));
    if (i < 0) return undefined;
    taken.add(names[i]!);
    return shown[i]!;
  };
  const arg = (name: string | undefined): string => (name === undefined ? '<column>' : /^[\w.-]+$/.test(name) ? name : `'${name}'`);
  const time = pick(/time|date|stamp|^ts|^t$|zeit|datum|fecha/) ?? pick(null);
  const parts = [`--time-col ${arg(time)}`];
  if (kind === 'quotes') {
    const bid = pick(/bid/);
    const ask = bid === undefined ? undefined : pick(/ask|offer/);
    if (bid !== undefined && ask !== undefined) parts.push(`--bid-col ${arg(bid)} --ask-col ${arg(ask)}`);
    else parts.push(`--price-col ${arg(pick(/price|px|last|close|mid|rate|value|kurs|bid/) ?? pick(null))}`);
  } else {
    parts.push(`--price-col ${arg(pick(/price|px|last|rate/) ?? pick(null))}`);
    parts.push(`--qty-col ${arg(pick(/qty|quant|amount|size|vol/) ?? pick(null))}`);
    const side = pick(/side|maker|taker/);
    if (side !== undefined) parts.push(`--side-col ${arg(side)}`);
  }
  return parts.join(' ');
}

/** Formats whose only time column is the venue's own (trade times of Binance dumps, a bookTicker's transaction_time). */
const EXCHANGE_TIME_FORMATS = /^binance-((agg)?trades|bookticker)/;

/** Which clock a plan's time column is: the venue's (exchange), a receipt time, or unknown. */
export function clockKind(plan: FormatPlan): 'exchange' | 'receipt' | 'unknown' {
  const pair = clockPairOf(plan);
  if (pair) return plan.timeColumn === pair.exchange ? 'exchange' : 'receipt';
  return EXCHANGE_TIME_FORMATS.test(plan.format) ? 'exchange' : 'unknown';
}

/** The clock pair of a plan's time column when the header holds both clocks, else undefined. */
export function clockPairOf(plan: FormatPlan): ClockPair | undefined {
  return CLOCK_PAIRS.find((p) => (plan.timeColumn === p.exchange && plan.names.includes(p.receipt)) || (plan.timeColumn === p.receipt && plan.names.includes(p.exchange)));
}

/**
 * The plan with the file's other clock (see ClockPair) also read, as ROLE_CLOCK2 (RowScratch.t2),
 * by the time column's rules: the same mode, unit and --time-format pattern ('auto' decided by
 * its own first value). The plan itself when the header has no second clock, or when that
 * column has another role. For `inspect`: the analyses read one clock.
 */
export function withSecondClock(plan: FormatPlan): FormatPlan {
  const pair = clockPairOf(plan);
  if (!pair) return plan;
  const other = plan.timeColumn === pair.exchange ? pair.receipt : pair.exchange;
  const col = plan.names.indexOf(other);
  // A column the user gave another role (--price-col local_timestamp) stays that role.
  if (plan.colRole[col]! >= 0) return plan;
  const colRole = plan.colRole.slice();
  const roleCol = plan.roleCol.slice();
  colRole[col] = ROLE_CLOCK2;
  roleCol[ROLE_CLOCK2] = col;
  return { ...plan, colRole, roleCol, secondClock: other };
}
