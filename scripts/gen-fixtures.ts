/**
 * Writes the bundled fixtures (fixtures/**): 80 s of the quiet synthetic market
 * (scripts/gen-data.ts, FIXTURE_SHAPE, seed 4) in three layouts that carry the
 * very same ticks, plus 20 s in Binance's millisecond layouts, plus
 * fixtures/README.md with the row and event counts.
 *
 * `npm run fixtures` (node dist/scripts/gen-fixtures.js [--out DIR]).
 * The output is a pure function of this file and gen-data.ts; a test rebuilds it
 * in memory and compares it byte for byte with the committed files (the .gz file
 * by its decompressed content, since zlib builds may differ in the bytes they
 * emit).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import {
  EVENT_KINDS,
  FIXTURE_SHAPE,
  MemorySink,
  QuoteCsvWriter,
  TradeCsvWriter,
  generate,
  type GenSummary,
  type QuoteFormat,
  type TradeFormat,
} from './gen-data.js';

export const FIXTURE_SEED = 4;
export const FIXTURE_SECONDS = 80;
export const BINANCE_SECONDS = 20;

/** One fixture file: its path under fixtures/, its uncompressed bytes, and whether it is stored gzipped. */
export interface FixtureFile {
  readonly path: string;
  readonly content: Buffer;
  readonly gzip: boolean;
}

interface Layout {
  readonly dir: string;
  readonly quotes: QuoteFormat;
  /** Undefined: no trades file in this layout. */
  readonly trades?: TradeFormat;
  /** Gzip the perp quotes (one compressed input among the fixtures). */
  readonly gzipPerp?: boolean;
}

const SAME_TICKS: readonly Layout[] = [
  { dir: 'tardis', quotes: 'tardis', trades: 'tardis' },
  { dir: 'exchange', quotes: 'exchange', trades: 'exchange' },
  { dir: 'generic', quotes: 'generic', gzipPerp: true },
];

const BINANCE: Layout = { dir: 'binance', quotes: 'binance', trades: 'binance' };

/** Builds every fixture file in memory (≈ 0.1 s). */
export function buildFixtures(): FixtureFile[] {
  const main = render(SAME_TICKS, FIXTURE_SECONDS);
  const binance = render([BINANCE], BINANCE_SECONDS);
  const files = [...main.files, ...binance.files];
  files.push({ path: 'README.md', content: Buffer.from(readme(main.summary, binance.summary, files)), gzip: false });
  return files;
}

/** One generator run written in every layout at once, so the layouts cannot disagree on a tick. */
function render(layouts: readonly Layout[], seconds: number): { files: FixtureFile[]; summary: GenSummary } {
  const outputs: Array<{ path: string; sink: MemorySink; gzip: boolean; close: () => void }> = [];
  const spotQuotes: QuoteCsvWriter[] = [];
  const perpQuotes: QuoteCsvWriter[] = [];
  const spotTrades: TradeCsvWriter[] = [];
  for (const layout of layouts) {
    const spot = new MemorySink();
    const perp = new MemorySink();
    const s = new QuoteCsvWriter(layout.quotes, 'spot', spot, FIXTURE_SEED);
    const p = new QuoteCsvWriter(layout.quotes, 'perp', perp, FIXTURE_SEED);
    spotQuotes.push(s);
    perpQuotes.push(p);
    outputs.push({ path: `${layout.dir}/spot_quotes.csv`, sink: spot, gzip: false, close: () => s.close() });
    const gz = layout.gzipPerp === true;
    outputs.push({ path: `${layout.dir}/perp_quotes.csv${gz ? '.gz' : ''}`, sink: perp, gzip: gz, close: () => p.close() });
    if (layout.trades !== undefined) {
      const trades = new MemorySink();
      const t = new TradeCsvWriter(layout.trades, trades, FIXTURE_SEED);
      spotTrades.push(t);
      outputs.push({ path: `${layout.dir}/spot_trades.csv`, sink: trades, gzip: false, close: () => t.close() });
    }
  }
  const summary = generate(
    { seed: FIXTURE_SEED, seconds, shape: FIXTURE_SHAPE },
    { spotQuotes, perpQuotes, spotTrades },
  );
  for (const o of outputs) o.close();
  return { files: outputs.map((o) => ({ path: o.path, content: o.sink.bytes(), gzip: o.gzip })), summary };
}

function readme(main: GenSummary, binance: GenSummary, files: readonly FixtureFile[]): string {
  const sizes = files
    .map((f) => `| \`${f.path}\` | ${lines(f.content) - 1} | ${stored(f).length} |`)
    .join('\n');
  const events = (s: GenSummary): string => EVENT_KINDS.map((k) => `${k} ${s.events[k]}`).join(', ');
  const iso = (us: number): string => new Date(us / 1000).toISOString();
  return `# Fixtures

Synthetic two-market data (spot A = \`spot\`, perpetual B = \`perp\`) made by
\`scripts/gen-data.ts\` and written by \`scripts/gen-fixtures.ts\`
(\`npm run fixtures\`). Do not edit these files by hand: a test regenerates them
and compares them byte for byte (this README included).

## Same ticks, three layouts

\`tardis/\`, \`exchange/\` and \`generic/\` hold the same ${FIXTURE_SECONDS} seconds
(${iso(main.startUs)} to ${iso(main.endUs)}, seed ${FIXTURE_SEED}): every quote and
trade has the same microsecond time and the same prices in each, so every
command must print the same tables on each layout.

| layout | quotes | trades |
|---|---|---|
| \`tardis/\` | \`exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\` (µs; \`local_timestamp\` = \`timestamp\` + 0.2–2 ms) | \`exchange,symbol,timestamp,local_timestamp,id,side,price,amount\` (\`side\` = aggressor) |
| \`exchange/\` | \`time,symbol,bid_price,ask_price\`, ISO times such as \`2024-08-08 12:00:01.0869+00:00\` (µs; trailing fractional zeros dropped on about half the rows; spot prices written with 8 decimals) | \`time,symbol,price,quantity,is_market_maker\` (true = the buyer was the maker, a sell aggressor) |
| \`generic/\` | \`ts_us,bid,ask\`; \`perp_quotes.csv.gz\` is gzipped | none (use the trades of \`tardis/\` or \`exchange/\`) |

Rows: ${main.spotRows} spot and ${main.perpRows} perp quote rows (bursts of several
rows at one timestamp included; the last row of a burst is the state), ${main.trades}
spot trades. Quotes are on a 0.01 tick with a spread of 1–3 ticks and never
crossed; times never go backwards.

Events the generator placed (the ground truth behind Table 1; each is one jump
per moving market at the default θ = 0.07 %, W = 3 ms, so with D = 5 ms the
native and grid feeds should both find exactly these): ${events(main)}.
That is ${main.events.lead + main.events['perp-lead'] + main.events.simultaneous + main.events['spot-noise']} spot jumps
and ${main.events.lead + main.events['perp-lead'] + main.events.simultaneous + main.events['perp-noise']} perp jumps;
\`lead\` events are spot jumps of label 1 ("lead"), \`spot-noise\` events are
spot jumps of label 0 ("noise"). Before a \`lead\` event spot trades pile up on
the side of the coming move; before a \`spot-noise\` event there are fewer, on
either side.

## Binance layouts (a different tick set)

\`binance/\` holds ${BINANCE_SECONDS} seconds of the same generator and seed in
Binance's millisecond layouts: quotes
\`update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time\`
and trades \`id,price,qty,quote_qty,time,is_buyer_maker\`. Millisecond times merge
rows into bursts, so these ticks are not those of the other layouts. Rows:
${binance.spotRows} spot, ${binance.perpRows} perp, ${binance.trades} trades; events: ${events(binance)}.

## Files

| file | data rows | bytes |
|---|---|---|
${sizes}

Larger data: \`node dist/scripts/gen-data.js --out DIR --seconds N --format tardis|exchange|binance|generic\`
(\`--preset bench\`, the default, is a busy market of about 4 700 quote rows per second).
`;
}

function lines(b: Buffer): number {
  let n = 0;
  for (const c of b) if (c === 10) n++;
  return n;
}

/** The bytes as stored on disk. */
export function stored(f: FixtureFile): Buffer {
  return f.gzip ? gzipSync(f.content, { level: 9 }) : f.content;
}

/** The fixtures directory of this checkout (dist/scripts/ → ../../fixtures). */
export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

function main(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } } });
  const out = values.out === undefined ? FIXTURES_DIR : resolve(values.out);
  let total = 0;
  for (const f of buildFixtures()) {
    const path = join(out, f.path);
    mkdirSync(dirname(path), { recursive: true });
    const bytes = stored(f);
    writeFileSync(path, bytes);
    total += bytes.length;
  }
  process.stderr.write(`gen-fixtures: wrote ${total} bytes into ${out}\n`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
