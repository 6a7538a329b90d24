/**
 * Deterministic synthetic market data for two markets of one asset: a spot
 * market A and a perpetual B that follows spot a few milliseconds late.
 *
 * What the data contains, and why (each feature exercises a part of the
 * analysis — see docs/definitions.md):
 *
 * - A latent price made of a slow diffusion (an Ornstein–Uhlenbeck walk around
 *   60 000 on a 100 µs grid) that both markets see, the perp 2–4 ms late
 *   (a smoothly varying lag), so the lagged cross-correlation peaks at a few ms.
 * - Jump events, each a move of 1.3–2.2 θ (θ = 0.07 %) within at most 1.5 ms,
 *   so that every event makes exactly one jump at the default θ and W = 3 ms:
 *     lead        spot moves, the perp follows 2–4 ms later     (spot leads perp)
 *     perp-lead   the perp moves, spot follows 1–4 ms later     (perp leads spot)
 *     simultaneous both move at the same microsecond            (simultaneous)
 *     spot-noise  spot moves alone and drifts back over ~0.1–0.3 s (noise spot jump)
 *     perp-noise  the perp moves alone and drifts back            (noise perp jump)
 *   The drift back is made of steps ≤ 2.5 USD at least 6 ms apart, so it never
 *   makes a jump itself. Events are at least 40 ms apart.
 * - Order flow: before a lead event spot trades pile up on the side of the coming
 *   move (the classifier's signal); before a spot-noise event there are fewer
 *   trades, on either side.
 * - Activity: idle gaps of 50–100 ms with no quote or trade at all (never while a
 *   noise move is drifting back, which would turn the drift into a jump), busy
 *   stretches with sub-millisecond updates around every event and at random,
 *   bursts (several rows at one timestamp; the last row is the state), and a
 *   perp that updates about 1.6 times as often as spot.
 * - Quotes on a 0.01 tick with a spread of 1–3 ticks, never crossed; trades at
 *   the bid or the ask, occasionally inside the spread, with 3–8 decimal sizes.
 *
 * Everything is a pure function of the seed and the parameters: the same call
 * writes the same bytes. The tick content never depends on the output format:
 * each writer draws its own cosmetic randomness (latencies, how many fractional
 * digits an ISO time shows) from its own stream.
 *
 * Modules: scripts/gen/rng.ts (seeded streams), scripts/gen/model.ts (shape
 * parameters, row buffers), scripts/gen/schedule.ts (events and idle gaps),
 * scripts/gen/generator.ts (`generate`), scripts/gen/csv.ts (byte sinks and
 * the CSV writers). This file holds the data sets and the CLI, and re-exports
 * the public names so callers import everything from here.
 *
 * Library: `generate` (rows to writers), `writeDataset`, `ensureBenchData`.
 * CLI: `node dist/scripts/gen-data.js --out DIR [--seconds N] [--seed S]
 *       [--format tardis|exchange|binance|generic] [--preset bench|fixture]`
 * and `node dist/scripts/gen-data.js --bench [--minutes 60] [--out bench-data]`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import {
  FileSink,
  QUOTE_FORMATS,
  QuoteCsvWriter,
  TRADE_FORMATS,
  TradeCsvWriter,
  type ByteSink,
  type QuoteFormat,
  type TradeFormat,
} from './gen/csv.js';
import { generate, type GenSummary } from './gen/generator.js';
import { BENCH_SHAPE, EVENT_KINDS, FIXTURE_SHAPE, type GenOptions } from './gen/model.js';

export { Rng } from './gen/rng.js';
export {
  BENCH_SHAPE,
  DEFAULT_START_US,
  EVENT_KINDS,
  FIXTURE_SHAPE,
  QuoteRows,
  TradeRows,
  type EventKind,
  type GenOptions,
  type Shape,
} from './gen/model.js';
export { generate, type GenSinks, type GenSummary, type RowSink } from './gen/generator.js';
export {
  FileSink,
  IsoTimeWriter,
  LineWriter,
  MemorySink,
  QUOTE_FORMATS,
  QUOTE_HEADERS,
  QuoteCsvWriter,
  TRADE_FORMATS,
  TRADE_HEADERS,
  TradeCsvWriter,
  type ByteSink,
  type Market,
  type QuoteFormat,
  type TradeFormat,
} from './gen/csv.js';

// ─────────────────────────────── data sets ─────────────────────────────────

export const FILE_NAMES = {
  spotQuotes: 'spot_quotes.csv',
  perpQuotes: 'perp_quotes.csv',
  spotTrades: 'spot_trades.csv',
} as const;

/** The file beside the bench data that records the generator, seed, length and shape it was made from. */
const BENCH_STAMP = '.bench-stamp';
/** Raise when the generator's code changes what it writes for the bench shape (the bench data is then made again). */
const GENERATOR_VERSION = 2;

export interface DatasetOptions extends GenOptions {
  readonly format: QuoteFormat;
  /** Default: the quote format's family; Tardis for `generic` (µs times survive). */
  readonly tradeFormat?: TradeFormat;
  /** Gzip the files (`.csv.gz`). */
  readonly gzip?: boolean;
}

export function defaultTradeFormat(format: QuoteFormat): TradeFormat {
  return format === 'generic' ? 'tardis' : format;
}

/**
 * Writes spot_quotes.csv, perp_quotes.csv and spot_trades.csv into `dir`
 * (created if needed). Files are written under a temporary name and renamed
 * at the end, so an interrupted run never leaves a complete-looking file.
 */
export function writeDataset(dir: string, options: DatasetOptions): GenSummary {
  mkdirSync(dir, { recursive: true });
  const tradeFormat = options.tradeFormat ?? defaultTradeFormat(options.format);
  const ext = options.gzip ? '.gz' : '';
  const paths = [FILE_NAMES.spotQuotes, FILE_NAMES.perpQuotes, FILE_NAMES.spotTrades].map((n) => join(dir, n + ext));
  const sinks: ByteSink[] = paths.map((p) => (options.gzip ? new GzipFileSink(`${p}.partial`) : new FileSink(`${p}.partial`)));
  const spot = new QuoteCsvWriter(options.format, 'spot', sinks[0] as ByteSink, options.seed);
  const perp = new QuoteCsvWriter(options.format, 'perp', sinks[1] as ByteSink, options.seed);
  const trades = new TradeCsvWriter(tradeFormat, sinks[2] as ByteSink, options.seed);
  const summary = generate(options, { spotQuotes: [spot], perpQuotes: [perp], spotTrades: [trades] });
  spot.close();
  perp.close();
  trades.close();
  for (const p of paths) renameSync(`${p}.partial`, p);
  return summary;
}

/**
 * Gzip file output that streams: each 4 MB flush becomes one gzip member
 * (RFC 1952 allows several; gunzip and node:zlib read them as one stream).
 */
class GzipFileSink extends FileSink {
  override put(bytes: Uint8Array): void {
    super.put(gzipSync(bytes));
  }
}

export const BENCH_SEED = 20240808;

export interface BenchOptions {
  /** Length in minutes (default 60; 30 is the half-size variant). */
  readonly minutes?: number;
  readonly seed?: number;
  /** Regenerate even when the three files exist. */
  readonly force?: boolean;
}

export interface BenchResult {
  readonly dir: string;
  /** False when the files were already there. */
  readonly generated: boolean;
  readonly summary?: GenSummary;
  readonly seconds?: number;
}

/**
 * The benchmark data set: `minutes` of both markets in Tardis CSV (≈ 17 M quote
 * rows, 1.4 GB and ≈ 150 000 trades per hour), written into `dir` only if
 * spot_quotes.csv, perp_quotes.csv and spot_trades.csv are not all there.
 * Deterministic (seed 20240808 unless given).
 */
export function ensureBenchData(dir: string, options: BenchOptions = {}): BenchResult {
  const minutes = options.minutes ?? 60;
  if (!(minutes > 0)) throw new RangeError('minutes must be > 0');
  const seed = options.seed ?? BENCH_SEED;
  // What the files were made from: data from another seed, length or shape is made again,
  // so a bench never measures stale data after the generator changes.
  const stamp = `${JSON.stringify({ generator: GENERATOR_VERSION, seed, minutes, shape: BENCH_SHAPE })}\n`;
  const stampFile = join(dir, BENCH_STAMP);
  const present = Object.values(FILE_NAMES).every((n) => existsSync(join(dir, n)));
  const current = present && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  if (current && !options.force) return { dir, generated: false };
  // No stamp while the files are being replaced: an interrupted run is made again next time.
  rmSync(stampFile, { force: true });
  const started = process.hrtime.bigint();
  const summary = writeDataset(dir, { format: 'tardis', seed, seconds: minutes * 60, shape: BENCH_SHAPE });
  writeFileSync(stampFile, stamp);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { dir, generated: true, summary, seconds };
}

// ─────────────────────────────── CLI ───────────────────────────────────────

const USAGE = `usage:
  node dist/scripts/gen-data.js --out DIR [--seconds 60] [--seed 1]
      [--format tardis|exchange|binance|generic] [--trade-format tardis|exchange|binance]
      [--preset bench|fixture] [--gzip]
  node dist/scripts/gen-data.js --bench [--out bench-data] [--minutes 60] [--seed 20240808] [--force]

Writes DIR/spot_quotes.csv, DIR/perp_quotes.csv and DIR/spot_trades.csv (.csv.gz with --gzip).
--preset bench: a busy market (~4 700 quote rows/s); fixture: a quiet one (~60 rows/s).
--bench: the 1-hour benchmark data set in Tardis format (~1.4 GB), only if absent.`;

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        seconds: { type: 'string', default: '60' },
        seed: { type: 'string' },
        format: { type: 'string', default: 'tardis' },
        'trade-format': { type: 'string' },
        preset: { type: 'string', default: 'bench' },
        gzip: { type: 'boolean', default: false },
        bench: { type: 'boolean', default: false },
        minutes: { type: 'string', default: '60' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const fail = (msg: string): number => {
    process.stderr.write(`gen-data: ${msg}\n${USAGE}\n`);
    return 2;
  };
  const seed = args.seed === undefined ? undefined : Number(args.seed);
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) return fail('--seed must be an integer ≥ 0');

  if (args.bench) {
    const minutes = Number(args.minutes);
    if (!(minutes > 0)) return fail('--minutes must be a number > 0');
    const dir = resolve(args.out ?? 'bench-data');
    process.stderr.write(`gen-data: bench data (${minutes} min) in ${dir}\n`);
    const r = ensureBenchData(dir, { minutes, ...(seed === undefined ? {} : { seed }), force: args.force });
    if (!r.generated) process.stderr.write('gen-data: already present, nothing to do (--force regenerates)\n');
    else process.stderr.write(`gen-data: ${describe(r.summary)} in ${r.seconds?.toFixed(1)} s\n`);
    return 0;
  }

  if (args.out === undefined) return fail('--out DIR is required');
  const seconds = Number(args.seconds);
  if (!(seconds > 0)) return fail('--seconds must be a number > 0');
  const format = args.format as QuoteFormat;
  if (!QUOTE_FORMATS.includes(format)) return fail(`--format must be one of ${QUOTE_FORMATS.join(', ')}`);
  const tradeFormat = (args['trade-format'] ?? defaultTradeFormat(format)) as TradeFormat;
  if (!TRADE_FORMATS.includes(tradeFormat)) return fail(`--trade-format must be one of ${TRADE_FORMATS.join(', ')}`);
  if (args.preset !== 'bench' && args.preset !== 'fixture') return fail('--preset must be bench or fixture');
  const started = process.hrtime.bigint();
  const summary = writeDataset(resolve(args.out), {
    format,
    tradeFormat,
    seed: seed ?? 1,
    seconds,
    shape: args.preset === 'bench' ? BENCH_SHAPE : FIXTURE_SHAPE,
    gzip: args.gzip,
  });
  const took = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(`gen-data: ${describe(summary)} in ${took.toFixed(1)} s\n`);
  return 0;
}

function describe(s: GenSummary | undefined): string {
  if (s === undefined) return '';
  const events = EVENT_KINDS.map((k) => `${k} ${s.events[k]}`).join(', ');
  return `${s.spotRows} spot + ${s.perpRows} perp quote rows, ${s.trades} trades; events: ${events}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
