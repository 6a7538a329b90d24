/**
 * `xcorr --state FILE` and the xcorr half of `leadlag merge` (docs/scale.md): a run that owns
 * [--start, --end) (whole blocks of --block) writes the rows of its blocks, each market's first
 * and last tick read, and the ticks that prove it had the history its grid returns need; the
 * merge checks the states fit together and prints one run's report, byte for byte: one run's
 * Table 2 is the left fold of its block rows in time order (xcorr-analysis.ts), and a state
 * holds exactly one run's rows of the blocks in its range.
 *
 * xcorr needs no decision at a cut: grid returns are LOCF and a lagged pair (r_A[n], r_B[n+τ])
 * belongs to the range holding n·G. What a cut needs is the same ticks on both sides: a range's
 * first returns need each market's value max|τ| + 1 grid steps before its start, and its span
 * (which ends at a market's last tick read) must reach max|τ| + 1 steps past its end unless that
 * is the market's last tick. The read margin holds both; the state records the ticks so the
 * merge can prove it (or refuse when a market went quiet for longer than the margin).
 */
import { DataError } from '../errors.js';
import { checkBlockedStateOptions } from './state-blocks.js';
import type { Context } from './context.js';
import { rangeOf } from './options.js';
import { expandMarketArgs, readTwoMarkets, requireOverlap, type TwoMarketConsumer } from './inputs.js';
import { prepareOutputs } from '../io/atomic.js';
import { XcorrAnalysis } from '../core/xcorr-analysis.js';
import { blockParts } from '../core/xcorr-parts.js';
import { foldRows, tableOfRow } from '../core/xcorr-cells.js';
import type { ReadReport } from '../io/types.js';
import { ownedRange, refuseOtherCommandsState, rangesMeet, writeRunState, type StateFile, describeTime, readerParams, TicksSeen, type ReaderParamOptions, type TicksSeenJson } from '../io/state-file.js';
import { LEADLAG_VERSION } from './version.js';
import { blockTableError, xcorrMargin, xcorrReportOf, type XcorrOptions, type XcorrReport } from './commands/xcorr.js';

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

/** What a state says about one market's ticks read (null: none read); history_end_us is the last tick at or before end − (max|τ| + 1)·G. */
export type MarketSeen = TicksSeenJson;

interface XcorrStateBody {
  /**
   * The range's blocks in time order: [floor(t / block), row], the row every lag's sums over the
   * block (lags × PART_FIELDS, xcorr-cells.ts). Kept with --bootstrap 0 too: Table 2 is their
   * left fold, in one run as in the merge.
   */
  readonly cells: [number, number[]][];
}

interface XcorrStateHeader {
  readonly range: { start_us: number | null; end_us: number | null };
  readonly history_us: number;
  readonly seen: Record<'a' | 'b', MarketSeen | null>;
}

export function xcorrStateParams(o: XcorrOptions): XcorrStateParams {
  return {
    names: o.names,
    lags: [...o.lags],
    grid_us: o.grid,
    bootstrap: o.bootstrap,
    block_us: o.block,
    seed: o.bootstrap > 0 ? o.seed : 0,
    ...readerParams(o as ReaderParamOptions),
  };
}


/** Runs xcorr over [--start, --end) plus its margin and writes the state; prints nothing on stdout. */
export async function runXcorrState(files: readonly [string, string], o: XcorrOptions, ctx: Context): Promise<void> {
  const range = rangeOf(o);
  checkBlockedStateOptions(o, range);
  await prepareOutputs([{ option: '--state', path: o.state! }], expandMarketArgs(files).flat());
  refuseOtherCommandsState(o.state!, 'xcorr');
  const maxLag = Math.max(...o.lags.map((l) => Math.abs(l)));
  const historyUs = (maxLag + 1) * o.grid;
  const margin = xcorrMargin(o);
  const analysis = new XcorrAnalysis(o.lags, o.grid, Infinity, range, o.block, o.bootstrap > 0);
  const seen = [new TicksSeen(range.end - historyUs), new TicksSeen(range.end - historyUs)] as const;
  const consumer: TwoMarketConsumer = {
    pushA: (b) => (seen[0].push(b), analysis.pushA(b)),
    pushB: (b) => (seen[1].push(b), analysis.pushB(b)),
    endA: () => analysis.endA(),
    endB: () => analysis.endB(),
  };
  let perFile: ReadReport[][] = [[], []];
  let empty: (readonly string[])[] = [[], []];
  let cells;
  try {
    await readTwoMarkets(files, o, ctx, { range, margin, onFiles: (r, e) => ((perFile = r), (empty = e)) }, consumer);
    cells = analysis.finish()?.cells;
  } catch (e) {
    throw blockTableError(e, o);
  }
  const body: XcorrStateBody = { cells: cells === undefined ? [] : cells.keys.map((k, i) => [k, [...cells.rows[i]!]]) };
  const header: Omit<XcorrStateHeader, 'range'> = { history_us: historyUs, seen: { a: seen[0].json(), b: seen[1].json() } };
  const run = { version: LEADLAG_VERSION, command: 'xcorr', label: o.label, planSpan: o.planSpan, params: xcorrStateParams(o), range, marginUs: margin, inputs: { a: perFile[0]!, b: perFile[1]! }, emptyInputs: { a: empty[0]!, b: empty[1]! } };
  const wrote = await writeRunState(o.state!, run, header, body);
  if (!o.quiet) ctx.io.stderr.write(wrote);
}

/**
 * The xcorr report of merged states (parameters already checked equal by the merge command):
 * the ranges in order without overlaps (or gaps, unless allowed), each cut with the history of
 * both sides, the span from every market's first and last tick, and Table 2 the left fold of all
 * the states' block rows in time order, as one run folds them (the rows are its bootstrap blocks).
 * @throws DataError naming the files when the states do not fit together.
 */
export function mergeXcorrStates(states: readonly StateFile[], allowGaps: boolean): XcorrReport {
  const p = states[0]!.header.params as unknown as XcorrStateParams;
  const shards = [...states].sort((x, y) => startOf(x) - startOf(y));
  for (let i = 1; i < shards.length; i++) checkCut(shards[i - 1]!, shards[i]!, allowGaps, afterTheData(shards.slice(i)));
  const keys: number[] = [];
  const rows: Float64Array[] = [];
  for (const s of shards) {
    for (const [key, row] of (s.body as XcorrStateBody).cells) {
      if (keys.length > 0 && key <= keys[keys.length - 1]!) throw new DataError(shards.map((x) => x.file).join(', '), undefined, `block ${key} appears out of order or twice across the states: their ranges do not fall on block edges`);
      keys.push(key);
      rows.push(Float64Array.from(row));
    }
  }
  const span = spanOf(shards);
  const o = { names: p.names, grid: p.grid_us, bootstrap: p.bootstrap, block: p.block_us, seed: p.seed };
  return xcorrReportOf(o, span, tableOfRow(foldRows(p.lags.length, rows), p.lags), p.bootstrap > 0 ? blockParts(p.lags, rows) : undefined);
}

function headerOf(s: StateFile): XcorrStateHeader {
  return s.header as unknown as XcorrStateHeader;
}

function startOf(s: StateFile): number {
  return ownedRange(s).start;
}

function endOf(s: StateFile): number {
  return ownedRange(s).end;
}

/**
 * True when the states from a cut on read no tick of one market: its last tick lies before the
 * cut minus their margin, so the one run's span ends before the cut and the earlier states hold
 * every return of it (a state for a range past the end of the data).
 */
function afterTheData(later: readonly StateFile[]): boolean {
  return (['a', 'b'] as const).some((m) => later.every((s) => headerOf(s).seen[m] === null));
}

/**
 * Two neighbouring states: ranges that meet, and each side read the ticks the other's returns
 * need (nothing to prove at a cut `afterData`, see afterTheData).
 */
function checkCut(prev: StateFile, next: StateFile, allowGaps: boolean, afterData: boolean): void {
  if (!rangesMeet(prev, next, allowGaps) || afterData) return;
  const files = `${prev.file} and ${next.file}`;
  const pe = endOf(prev);
  const [hp, hn] = [headerOf(prev), headerOf(next)];
  for (const m of ['a', 'b'] as const) {
    const before = hp.seen[m];
    const after = hn.seen[m];
    const name = (prev.header.params as unknown as XcorrStateParams).names[m === 'a' ? 0 : 1];
    // By induction from the first state: a null history tick means the market has none there at all.
    if (before?.history_end_us != null && (after === null || after.first_us > before.history_end_us)) {
      throw new DataError(files, undefined, `at the cut ${describeTime(pe)} the later state did not read ${name}'s tick at ${describeTime(before.history_end_us)} (its last before the cut by max|lag| + 1 steps): ${name} is quiet for longer than the read margin there; move the cut (plan --offset moves a plan's cuts)`);
    }
    // The earlier state's span ends at its last tick of the market: it must reach H past the cut, or be the market's last.
    if (before !== null && before.last_us < pe + hp.history_us && after !== null && after.last_us > before.last_us) {
      throw new DataError(files, undefined, `at the cut ${describeTime(pe)} the earlier state read ${name}'s ticks only up to ${describeTime(before.last_us)}, less than max|lag| + 1 steps past the cut, and the later state reads more: ${name} is quiet for longer than the read margin there; move the cut (plan --offset moves a plan's cuts)`);
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

