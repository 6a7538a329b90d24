/**
 * `pair --state FILE` and the pair half of `leadlag merge` (docs/scale.md): a run that owns
 * [--start, --end) writes its parts, its jumps and pairs near both ends and the fingerprints of
 * what it read; the merge checks the states fit together and prints one run's report.
 */
import { UsageError } from '../errors.js';
import { refusePlotWithState } from './plot.js';
import type { Context } from './context.js';
import { analysisParamsOf, rangeOf } from './options.js';
import { expandMarketArgs, readTwoMarkets } from './inputs.js';
import { prepareOutputs } from '../io/atomic.js';
import { cellLengthOf } from './windows.js';
import { mergedPairReport, pairMargin, type PairOptions, type PairReport } from './commands/pair.js';
import { PairAnalysis, type JumpFeed } from '../core/pair-analysis.js';
import { pairEdgeUs, pairFeedState, type PairFeedState } from '../core/pair-state.js';
import { mergePairShards, type PairShard, type Seen } from '../core/pair-merge.js';
import type { ReadReport } from '../io/types.js';
import { ownedRange, refuseOtherCommandsState, writeRunState, type StateFile, readerParams } from '../io/state-file.js';
import { LEADLAG_VERSION } from './version.js';

/** A state's body for pair. */
interface PairStateBody {
  readonly cell_us: number | null;
  readonly feeds: Partial<Record<JumpFeed, PairFeedState>>;
}

/** Every parameter that changes pair's numbers, as a state's header records them (merge requires them equal). */
export interface PairStateParams {
  readonly names: [string, string];
  readonly threshold: number;
  readonly jump_window_us: number;
  readonly pair_window_us: number;
  readonly grid_us: number;
  readonly feed: 'both' | JumpFeed;
  readonly null_step_us: number;
  readonly bootstrap: number;
  readonly block_us: number;
  readonly seed: number;
  readonly by_us: number | 'vol' | null;
  readonly clock: string | null;
  readonly time_unit: string | null;
  readonly sort: boolean;
  readonly skip_bad_rows: boolean;
  /** How the files' columns are read (column mapping, time format, delimiter): null when recognised by name. */
  readonly layout: Record<string, unknown>;
}

export function pairStateParams(o: PairOptions): PairStateParams {
  const by = o.by === undefined ? null : o.by.kind === 'vol' ? 'vol' : o.by.us;
  return {
    names: o.names,
    threshold: o.threshold,
    jump_window_us: o.jumpWindow,
    pair_window_us: o.pairWindow,
    grid_us: o.grid,
    feed: o.feed,
    null_step_us: o.nullStep,
    bootstrap: o.bootstrap,
    block_us: o.block,
    seed: o.seed,
    by_us: by,
    ...readerParams(o),
  };
}

/** What a pair state run refuses before reading, whatever its range (plan checks its jobs with it too). */
export function checkPairStateOptions(o: PairOptions): void {
  refusePlotWithState(o);
  if (o.by?.kind === 'vol') throw new UsageError('--state goes with --by DUR or no --by; --by vol needs the volatility of all windows at once (run it over the merged data)');
}

/** Runs pair over [--start, --end) plus its margins and writes the state; prints nothing on stdout. */
export async function runPairState(files: readonly [string, string], o: PairOptions, ctx: Context): Promise<void> {
  checkPairStateOptions(o);
  const params = analysisParamsOf(o);
  const range = rangeOf(o);
  // A state path that is an input, or cannot be created, fails before anything is read.
  await prepareOutputs([{ option: '--state', path: o.state! }], expandMarketArgs(files).flat());
  refuseOtherCommandsState(o.state!, 'pair');
  const feeds: JumpFeed[] = o.feed === 'both' ? ['native', 'locf'] : [o.feed];
  const analysis = new PairAnalysis(params, cellLengthOf(o), range, o.nullStep);
  let perFile: ReadReport[][] = [[], []];
  let empty: (readonly string[])[] = [[], []];
  const margin = pairMargin(params, o.nullStep);
  const reads = await readTwoMarkets(files, o, ctx, { range, margin, onFiles: (r, e) => ((perFile = r), (empty = e)) }, analysis);
  const parts = analysis.finish(feeds);
  const ds = parts?.dataSpan;
  const edgeUs = pairEdgeUs(params, o.nullStep);
  const markets = [analysis.marketA, analysis.marketB] as const;
  const body: PairStateBody = {
    cell_us: Number.isFinite(cellLengthOf(o)) ? cellLengthOf(o) : null,
    feeds: Object.fromEntries(feeds.map((f) => [f, pairFeedState(markets[0][f], markets[1][f], parts?.feeds[f], ds, range, edgeUs, params.pairWindowUs, o.nullStep)])),
  };
  const seen = (m: (typeof markets)[number]) => (m.ticks > 0 ? { first_us: m.firstTime, last_us: m.lastTime, ticks: m.ticks } : null);
  const run = { version: LEADLAG_VERSION, command: 'pair', label: o.label, planSpan: o.planSpan, params: pairStateParams(o), range, marginUs: margin, inputs: { a: perFile[0]!, b: perFile[1]! }, emptyInputs: { a: empty[0]!, b: empty[1]! } };
  const header = { edge_us: edgeUs, seen: { a: seen(markets[0]), b: seen(markets[1]) }, data_span: ds === undefined ? null : { start_us: ds.start, end_us: ds.end } };
  const wrote = await writeRunState(o.state!, run, header, body);
  void reads;
  if (!o.quiet) ctx.io.stderr.write(wrote);
}


/** The pair report of merged pair states (headers already checked equal by the merge command). */
export function mergePairStates(states: readonly StateFile[], allowGaps: boolean): PairReport {
  const p = states[0]!.header.params as unknown as PairStateParams;
  const feeds: JumpFeed[] = p.feed === 'both' ? ['native', 'locf'] : [p.feed];
  const body0 = states[0]!.body as PairStateBody;
  const cellUs = body0.cell_us ?? Infinity;
  const shards = states.map((s) => shardOf(s, p.pair_window_us, p.jump_window_us));
  const merged = mergePairShards(shards, feeds, cellUs, allowGaps);
  return mergedPairReport({
    names: p.names,
    params: { threshold: p.threshold, windowUs: p.jump_window_us, pairWindowUs: p.pair_window_us, gridUs: p.grid_us },
    nullStepUs: p.null_step_us,
    bootstrap: { replicates: p.bootstrap, blockUs: p.block_us, seed: p.seed },
    feeds,
    byCells: p.by_us !== null,
    merged,
  });
}

function shardOf(s: StateFile, pairWindowUs: number, windowUs: number): PairShard {
  const h = s.header as unknown as {
    edge_us: number;
    data_span: { start_us: number; end_us: number } | null;
    seen: Record<'a' | 'b', { first_us: number; last_us: number } | null>;
  };
  const seen = (x: { first_us: number; last_us: number } | null): Seen => (x === null ? null : { first: x.first_us, last: x.last_us });
  return {
    name: s.file,
    owned: ownedRange(s),
    edgeUs: h.edge_us,
    pairWindowUs,
    windowUs,
    dataSpan: h.data_span === null ? null : { start: h.data_span.start_us, end: h.data_span.end_us },
    seen: { a: seen(h.seen.a), b: seen(h.seen.b) },
    feeds: (s.body as PairStateBody).feeds,
  };
}
