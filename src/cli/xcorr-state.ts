/**
 * `xcorr --state FILE` and the xcorr half of `leadlag merge` (docs/scale.md): a run that owns
 * [--start, --end) writes the range's lagged sums (one row) and its bootstrap blocks' rows, each
 * market's first and last tick read, and the ticks that prove it had the history its grid
 * returns need; the merge checks the states fit together and prints one run's report.
 *
 * xcorr needs no decision at a cut: grid returns are LOCF and a lagged pair (r_A[n], r_B[n+τ])
 * belongs to the range holding n·G. What a cut needs is the same ticks on both sides: a range's
 * first returns need each market's value max|τ| + 1 grid steps before its start, and its span
 * (which ends at a market's last tick read) must reach max|τ| + 1 steps past its end unless that
 * is the market's last tick. The read margin holds both; the state records the ticks so the
 * merge can prove it (or refuse when a market went quiet for longer than the margin).
 */
import { DataError, UsageError } from '../errors.js';
import type { Context } from './context.js';
import { rangeOf } from './options.js';
import { expandMarketArgs, readMargin, readTwoMarkets, requireOverlap, type TwoMarketConsumer } from './inputs.js';
import { prepareOutputs } from '../io/atomic.js';
import { XcorrAnalysis } from '../core/xcorr-analysis.js';
import { blockParts, tableOfRow } from '../core/xcorr-parts.js';
import { xcorrPartKind } from '../core/xcorr-cells.js';
import type { TickBatch } from '../core/types.js';
import type { ReadReport } from '../io/types.js';
import { writeStateFile, type StateFile, inputFingerprints, describeTime, finiteOrNull } from '../io/state-file.js';
import { duration } from '../io/output.js';
import { LEADLAG_VERSION } from './version.js';
import { xcorrReportOf, type XcorrOptions, type XcorrReport } from './commands/xcorr.js';

/** Every parameter that changes xcorr's numbers (merge requires them equal). */
export interface XcorrStateParams {
  readonly names: [string, string];
  readonly lags: number[];
  readonly grid_us: number;
  readonly bootstrap: number;
  readonly block_us: number;
  readonly seed: number;
  readonly clock: string | null;
  readonly time_unit: string | null;
  readonly sort: boolean;
  readonly skip_bad_rows: boolean;
  readonly layout: Record<string, unknown>;
}

/** What a state says about one market's ticks read (null: none read). */
export interface MarketSeen {
  readonly first_us: number;
  readonly last_us: number;
  readonly ticks: number;
  /** The last tick at or before end − H (H = (max|τ| + 1)·G), null when none: the next range's history. */
  readonly history_end_us: number | null;
}

interface XcorrStateBody {
  /** The range's lagged sums, lags × PART_FIELDS (xcorr-cells.ts). */
  readonly row: number[];
  /** The range's bootstrap blocks: [floor(t / block), row], in time order (none with --bootstrap 0). */
  readonly blocks: [number, number[]][];
}

interface XcorrStateHeader {
  readonly range: { start_us: number | null; end_us: number | null };
  readonly history_us: number;
  readonly seen: Record<'a' | 'b', MarketSeen | null>;
}

export function xcorrStateParams(o: XcorrOptions): XcorrStateParams {
  const r = o as XcorrOptions & Record<string, unknown>;
  const opt = (k: string) => (r[k] === undefined ? null : r[k]);
  return {
    names: o.names,
    lags: [...o.lags],
    grid_us: o.grid,
    bootstrap: o.bootstrap,
    block_us: o.bootstrap > 0 ? o.block : 0,
    seed: o.bootstrap > 0 ? o.seed : 0,
    clock: opt('clock') as string | null,
    time_unit: opt('timeUnit') as string | null,
    sort: r.sort === true,
    skip_bad_rows: r.skipBadRows === true,
    layout: { time_col: opt('timeCol'), price_col: opt('priceCol'), bid_col: opt('bidCol'), ask_col: opt('askCol'), time_format: opt('timeFormat'), delimiter: opt('delimiter') },
  };
}

/** Watches one market's ticks: first, last, count and the history tick of {@link MarketSeen}. */
class SeenTicks {
  first = NaN;
  last = NaN;
  ticks = 0;
  historyEnd: number | null = null;

  constructor(private readonly endLimit: number) {}

  push(b: TickBatch): void {
    if (b.length === 0) return;
    if (this.ticks === 0) this.first = b.t[0]!;
    this.last = b.t[b.length - 1]!;
    this.ticks += b.length;
    for (let i = 0; i < b.length; i++) {
      const t = b.t[i]!;
      if (t <= this.endLimit) this.historyEnd = t;
    }
  }

  json(): MarketSeen | null {
    return this.ticks === 0 ? null : { first_us: this.first, last_us: this.last, ticks: this.ticks, history_end_us: this.historyEnd };
  }
}

/** Runs xcorr over [--start, --end) plus its margin and writes the state; prints nothing on stdout. */
export async function runXcorrState(files: readonly [string, string], o: XcorrOptions, ctx: Context): Promise<void> {
  if (o.by !== undefined) throw new UsageError('--state goes without --by (merge the states, then run --by over the data)');
  const range = rangeOf(o);
  await prepareOutputs([{ option: '--state', path: o.state! }], expandMarketArgs(files).flat());
  const maxLag = Math.max(...o.lags.map((l) => Math.abs(l)));
  const historyUs = (maxLag + 1) * o.grid;
  const margin = readMargin({ gridUs: o.grid, maxLag });
  const blockUs = o.bootstrap > 0 ? o.block : 0;
  const analysis = new XcorrAnalysis(o.lags, o.grid, Infinity, range, blockUs, true);
  const seen = [new SeenTicks(range.end - historyUs), new SeenTicks(range.end - historyUs)] as const;
  const consumer: TwoMarketConsumer = {
    pushA: (b) => (seen[0].push(b), analysis.pushA(b)),
    pushB: (b) => (seen[1].push(b), analysis.pushB(b)),
    endA: () => analysis.endA(),
    endB: () => analysis.endB(),
  };
  let perFile: ReadReport[][] = [[], []];
  await readTwoMarkets(files, o, ctx, { range, margin, onFiles: (r) => (perFile = r) }, consumer);
  const state = analysis.finish();
  const parts = state?.parts;
  const whole = parts?.whole();
  const body: XcorrStateBody = {
    row: whole === undefined ? [...xcorrPartKind(o.lags.length).empty()] : [...whole.row],
    blocks: parts === undefined || blockUs === 0 ? [] : parts.wholeBlockKeys.map((k, i) => [k, [...parts.wholeBlocks[i]!]]),
  };
  const header: XcorrStateHeader = { range: { start_us: finiteOrNull(range.start), end_us: finiteOrNull(range.end) }, history_us: historyUs, seen: { a: seen[0].json(), b: seen[1].json() } };
  const bytes = await writeStateFile(o.state!, {
    leadlag_version: LEADLAG_VERSION,
    command: 'xcorr',
    label: o.label ?? null,
    params: { ...xcorrStateParams(o) },
    ...header,
    margin_us: margin,
    inputs: { a: inputFingerprints(perFile[0]!), b: inputFingerprints(perFile[1]!) },
  }, body);
  if (!o.quiet) ctx.io.stderr.write(`leadlag: wrote ${o.state} (${bytes} bytes; range ${describeTime(range.start)} to ${describeTime(range.end)}, margin ${duration(margin)})\n`);
}

/**
 * The xcorr report of merged states (parameters already checked equal by the merge command):
 * the ranges in order without overlaps (or gaps, unless allowed), each cut with the history of
 * both sides, the span from every market's first and last tick, the rows summed in time order
 * and the blocks cut by a cut joined again.
 * @throws DataError naming the files when the states do not fit together.
 */
export function mergeXcorrStates(states: readonly StateFile[], allowGaps: boolean): XcorrReport {
  const p = states[0]!.header.params as unknown as XcorrStateParams;
  const shards = [...states].sort((x, y) => startOf(x) - startOf(y));
  for (let i = 1; i < shards.length; i++) checkCut(shards[i - 1]!, shards[i]!, allowGaps);
  const kind = xcorrPartKind(p.lags.length);
  const row = kind.empty();
  const blocks = new Map<number, Float64Array>();
  for (const s of shards) {
    const body = s.body as XcorrStateBody;
    kind.merge(row, Float64Array.from(body.row));
    for (const [key, r] of body.blocks) {
      let acc = blocks.get(key);
      if (acc === undefined) blocks.set(key, (acc = kind.empty()));
      kind.merge(acc, Float64Array.from(r));
    }
  }
  const span = spanOf(shards);
  const o = { names: p.names, grid: p.grid_us, bootstrap: p.bootstrap, block: p.block_us, seed: p.seed };
  return xcorrReportOf(o, span, tableOfRow(row, p.lags), p.bootstrap > 0 ? blockParts(p.lags, [...blocks.values()]) : undefined);
}

function headerOf(s: StateFile): XcorrStateHeader {
  return s.header as unknown as XcorrStateHeader;
}

function startOf(s: StateFile): number {
  return headerOf(s).range.start_us ?? -Infinity;
}

function endOf(s: StateFile): number {
  return headerOf(s).range.end_us ?? Infinity;
}

/** Two neighbouring states: ranges that meet, and each side read the ticks the other's returns need. */
function checkCut(prev: StateFile, next: StateFile, allowGaps: boolean): void {
  const files = `${prev.file} and ${next.file}`;
  const [pe, ns] = [endOf(prev), startOf(next)];
  if (ns < pe) throw new DataError(files, undefined, `overlapping ranges (${describeTime(startOf(prev))} to ${describeTime(pe)} and ${describeTime(ns)} to ${describeTime(endOf(next))}); every instant must belong to one state`);
  if (ns > pe) {
    if (!allowGaps) throw new DataError(files, undefined, `missing range ${describeTime(pe)} to ${describeTime(ns)} between the states; run its job, or pass --allow-gaps`);
    return;
  }
  const [hp, hn] = [headerOf(prev), headerOf(next)];
  for (const m of ['a', 'b'] as const) {
    const before = hp.seen[m];
    const after = hn.seen[m];
    const name = (prev.header.params as unknown as XcorrStateParams).names[m === 'a' ? 0 : 1];
    // By induction from the first state: a null history tick means the market has none there at all.
    if (before?.history_end_us != null && (after === null || after.first_us > before.history_end_us)) {
      throw new DataError(files, undefined, `at the cut ${describeTime(pe)} the later state did not read ${name}'s tick at ${describeTime(before.history_end_us)} (its last before the cut by max|lag| + 1 steps): ${name} is quiet for longer than the read margin there; move the cut`);
    }
    // The earlier state's span ends at its last tick of the market: it must reach H past the cut, or be the market's last.
    if (before !== null && before.last_us < pe + hp.history_us && after !== null && after.last_us > before.last_us) {
      throw new DataError(files, undefined, `at the cut ${describeTime(pe)} the earlier state read ${name}'s ticks only up to ${describeTime(before.last_us)}, less than max|lag| + 1 steps past the cut, and the later state reads more: ${name} is quiet for longer than the read margin there; move the cut`);
    }
  }
}

/** The span of one run over all the ranges: T_start and T_end from every state's ticks, cut to the ranges. */
function spanOf(shards: readonly StateFile[]): { start: number; end: number } {
  const edge = (m: 'a' | 'b') => {
    const seen = shards.map((s) => headerOf(s).seen[m]).filter((x): x is MarketSeen => x !== null);
    return seen.length === 0 ? undefined : { first: Math.min(...seen.map((x) => x.first_us)), last: Math.max(...seen.map((x) => x.last_us)) };
  };
  const [a, b] = [edge('a'), edge('b')];
  const files = { file: shards[0]!.file } as ReadReport;
  const span = a === undefined || b === undefined ? undefined : { start: Math.max(a.first, b.first), end: Math.min(a.last, b.last) };
  const range = { start: startOf(shards[0]!), end: endOf(shards[shards.length - 1]!) };
  try {
    return requireOverlap(span !== undefined && span.start <= span.end ? span : undefined, files, files, range);
  } catch {
    throw new DataError(shards.map((s) => s.file).join(', '), undefined, 'the two markets do not overlap in time within the states\' ranges');
  }
}

