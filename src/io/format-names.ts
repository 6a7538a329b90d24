/**
 * The names the formats go by, kept apart from output.ts (which loads the CSV writer, the
 * table renderer and chalk) and formats.ts (the format detector) so that parsing options and
 * printing help stay light: the output formats every command accepts, and the column names
 * recognised for each role without --time-col and the like (formats.ts detects layouts with
 * them; `--help` lists them).
 */
import type { SideMode } from './formats.js';

export type Format = 'table' | 'csv' | 'tsv' | 'json';
export const FORMATS: readonly Format[] = ['table', 'csv', 'tsv', 'json'];

/** Time columns, first choice; TIME_RE also takes them with a unit (`ts_ms`). */
export const TIME_NAMES = ['ts', 'time', 'timestamp', 't'];
export const TIME_RE = /^(ts|time|timestamp|t)(_(s|ms|us|ns))?$/;
/** Time columns recognised after those, exchange clock first (Databento, CoinAPI, spreadsheets and pandas). */
export const MORE_TIME_NAMES = ['ts_event', 'time_exchange', 'datetime', 'date', 'ts_recv', 'time_coinapi'];
/** Bid and ask column names, pairwise: the ask beside a bid is the one a lone bid is missing. */
export const BID_NAMES = ['bid', 'bid_price', 'best_bid', 'best_bid_price', 'bid_px', 'bid_px_00', 'bidprice'];
export const ASK_NAMES = ['ask', 'ask_price', 'best_ask', 'best_ask_price', 'ask_px', 'ask_px_00', 'askprice'];
/** A quote file's single price column (bid = ask = price). */
export const QUOTE_PRICE_NAMES = ['price', 'mid', 'mid_price', 'last', 'close'];
export const TRADE_PRICE_NAMES = ['price'];
export const QTY_NAMES = ['qty', 'quantity', 'amount', 'size', 'base_amount'];
/** Trade side columns and how each is read; a column named by --side-col reads either way ('any'). */
export const SIDE_MODES: Readonly<Record<string, SideMode>> = { side: 'text', taker_side: 'text', is_buyer_maker: 'maker', is_market_maker: 'maker' };

/** The names recognised for each role without options (for `--help` and messages). */
export const RECOGNISED = {
  time: `${TIME_NAMES.join(', ')} (optionally with _s/_ms/_us/_ns), ${MORE_TIME_NAMES.join(', ')}`,
  price: `${QUOTE_PRICE_NAMES.join(', ')} (trades: price)`,
  bid: BID_NAMES.join(', '),
  ask: ASK_NAMES.join(', '),
  qty: QTY_NAMES.join(', '),
  side: `${Object.keys(SIDE_MODES).join(', ')}`,
} as const;
