/**
 * `hy --state FILE` and the hy half of `leadlag merge` (docs/scale.md): a run that owns
 * [--start, --end) writes its bootstrap blocks' rows (U over the lattice, the realised
 * variances, the tick and nonextant counts of each block, docs/definitions.md §8, §9), each
 * market's first and last tick read, and which ticks outside the range its blocks depend on;
 * the merge lays the blocks side by side in time and prints one run's report, byte for byte.
 *
 * Why it is exact: one run files every part in the block of the time that ends it, and a
 * block's row is a sum over the intervals ending in it, in tick order (src/core/hy.ts). With
 * the range's ends on block edges no block is split by a cut, so every block of the range is
 * one state's; its row is the one run's, bit for bit, when the state read every tick the row
 * depends on (src/core/hy-reach.ts), which the state records and the merge checks. The
 * statistics then see the same rows in the same order: the same totals, the same bootstrap
 * draws (they depend on --seed and the number of blocks only) and the same sign flips.
 */
import { DataError, UsageError } from '../errors.js';
import { checkBlockedStateOptions } from './state-blocks.js';
import type { Context } from './context.js';
import { rangeOf } from './options.js';
import { expandMarketArgs, readTwoMarkets, requireOverlap, type TwoMarketConsumer } from './inputs.js';
import { prepareOutputs } from '../io/atomic.js';
import { blockOf } from '../core/bootstrap.js';
import { cutCells } from '../core/cells.js';
import { HyState, MAX_PART_DOUBLES } from '../core/hy.js';
import { HyReach, type HyReachResult, type MarketSeen } from '../core/hy-reach.js';
import { HyFold, HyKeyedParts, toHyParts } from '../core/hy-time.js';
import { makeLattice, type Lattice } from '../core/lattice.js';
import type { HyParts } from '../core/hyparts.js';
import { ALL_TIME, type TimeRange } from '../core/parts.js';
import type { Span } from '../core/types.js';
import type { ReadReport } from '../io/types.js';
import { ownedRange, refuseOtherCommandsState, rangesMeet, writeRunState, type StateFile, describeTime, readerParams } from '../io/state-file.js';
import { duration } from '../io/output.js';
import { LEADLAG_VERSION } from './version.js';
import { latticeOf } from './lagrange.js';
import { hyMargin, hyPartsError, hyReportOf, type HyOptions, type HyReport } from './commands/hy.js';

/** Every parameter that changes hy's numbers (merge requires them equal). */
export interface HyStateParams {
  readonly names: [string, string];
  /** --lags as given and --step: the lattice is rebuilt from them. */
  readonly lags_from_us: number;
  readonly lags_to_us: number;
  readonly step_us: number;
  readonly bootstrap: number;
  readonly block_us: number;
  readonly seed: number;
  readonly clock: string | null;
  readonly time_unit: string | null;
  readonly sort: boolean;
  readonly skip_bad_rows: boolean;
  readonly layout: Record<string, unknown>;
}

interface HyStateHeader {
  readonly range: { start_us: number | null; end_us: number | null };
  readonly seen: Record<'a' | 'b', MarketSeen | null>;
  /** [T_start, T_end] of the ticks read (§1), null when the markets do not overlap in them. */
  readonly data_span: { start_us: number; end_us: number } | null;
  readonly reach: HyReachResult;
}

interface HyStateBody {
  /**
   * The range's blocks within its data span, [⌊t / block⌋, row], in time order; each row is
   * [U(θ_0) … U(θ_{K−1}), rv_a, rv_b, n_a, n_b, nonextant_a, nonextant_b]. Blocks whose row is
   * all zeros (no tick, no interval) are left out: the merge puts them back.
   */
  readonly blocks: [number, number[]][];
}

export function hyStateParams(o: HyOptions): HyStateParams {
  return {
    names: o.names,
    lags_from_us: o.lags.fromUs,
    lags_to_us: o.lags.toUs,
    step_us: o.step,
    bootstrap: o.bootstrap,
    block_us: o.block,
    seed: o.seed,
    ...readerParams(o),
  };
}

/** Runs hy over [--start, --end) plus its margin and writes the state; prints nothing on stdout. */
export async function runHyState(files: readonly [string, string], o: HyOptions, ctx: Context): Promise<void> {
  const range = rangeOf(o);
  checkBlockedStateOptions(o, range);
  await prepareOutputs([{ option: '--state', path: o.state! }], expandMarketArgs(files).flat());
  refuseOtherCommandsState(o.state!, 'hy');
  const lattice = latticeOf(o.lags, o.step);
  const margin = hyMargin(lattice);
  // The same fine cells as a range run's (hy.ts: blocks cut at the range's ends, here on block edges).
  const cells = cutCells(o.block, range);
  const state = new HyState({ lattice, blockUs: o.block, cells });
  const reach = new HyReach(range, lattice);
  const consumer: TwoMarketConsumer = {
    pushA: (b) => (reach.push(0, b.t, b.length), state.push(0, b.t, b.price, b.length)),
    pushB: (b) => (reach.push(1, b.t, b.length), state.push(1, b.t, b.price, b.length)),
    endA: () => state.end(0),
    endB: () => state.end(1),
  };
  let perFile: ReadReport[][] = [[], []];
  let empty: (readonly string[])[] = [[], []];
  let fine: HyParts;
  try {
    await readTwoMarkets(files, o, ctx, { range, margin, onFiles: (r, e) => ((perFile = r), (empty = e)) }, consumer);
    fine = state.finish();
  } catch (e) {
    throw hyPartsError(e, o);
  }
  const keyed = new HyKeyedParts(fine, cells, Infinity, range, o.block);
  const body: HyStateBody = { blocks: keyed.wholeKeys.map((k, i) => [k, [...keyed.wholeRows[i]!]] as [number, number[]]).filter(([, row]) => row.some((v) => v !== 0)) };
  const span = fine.span;
  const header: Omit<HyStateHeader, 'range'> = {
    seen: { a: reach.seen(0), b: reach.seen(1) },
    data_span: span === undefined ? null : { start_us: span.start, end_us: span.end },
    reach: reach.result(span),
  };
  const run = { version: LEADLAG_VERSION, command: 'hy', label: o.label, planSpan: o.planSpan, params: hyStateParams(o), range, marginUs: margin, inputs: { a: perFile[0]!, b: perFile[1]! }, emptyInputs: { a: empty[0]!, b: empty[1]! } };
  const wrote = await writeRunState(o.state!, run, header, body);
  if (!o.quiet) ctx.io.stderr.write(wrote);
}

/**
 * The hy report of merged states (parameters already checked equal by the merge command): the
 * ranges in order without overlaps (or gaps, unless allowed), each cut with every tick its
 * neighbours' blocks depend on, the span from every market's first and last tick, and the
 * blocks of [T_start, T_end] in time order (empty ones as zeros, as one run has them).
 * @throws DataError naming the files when the states do not fit together.
 */
export function mergeHyStates(states: readonly StateFile[], allowGaps: boolean, ctx: Context, onChecked: () => void = () => {}): HyReport {
  const p = states[0]!.header.params as unknown as HyStateParams;
  const { shards, whole } = checkHyCuts(states, allowGaps);
  // The cuts are accepted: what a merge says of its inputs comes now, before the report's words.
  onChecked();
  const range = { start: startOf(shards[0]!), end: endOf(shards[shards.length - 1]!) };
  const span = cutSpanOf(shards, whole, range);
  const lattice = makeLattice(p.lags_from_us, p.lags_to_us, p.step_us);
  const parts = p.bootstrap > 0 ? toHyParts({ rows: blockRows(shards, span, p.block_us, lattice.count) }, lattice, p.block_us, span) : foldedRows(shards, span, lattice, p.block_us);
  return hyReportOf({ names: p.names, bootstrap: p.bootstrap, block: p.block_us, seed: p.seed }, ctx, parts, span);
}

/**
 * The states in time order and one run's whole span over them, each cut between them checked
 * (checkCut): what merge refuses before it says anything else.
 * @throws DataError at a cut one run would have seen differently.
 */
function checkHyCuts(states: readonly StateFile[], allowGaps: boolean): { shards: StateFile[]; whole: Span | undefined } {
  const p = states[0]!.header.params as unknown as HyStateParams;
  const shards = [...states].sort((x, y) => startOf(x) - startOf(y));
  const whole = wholeSpanOf(shards);
  for (let i = 1; i < shards.length; i++) {
    if (rangesMeet(shards[i - 1]!, shards[i]!, allowGaps)) checkCut(shards[i - 1]!, shards[i]!, whole, p.names);
  }
  return { shards, whole };
}

function headerOf(s: StateFile): HyStateHeader {
  return s.header as unknown as HyStateHeader;
}

function startOf(s: StateFile): number {
  return ownedRange(s).start;
}

function endOf(s: StateFile): number {
  return ownedRange(s).end;
}

/** One run's span over all the states' ticks, [T_start, T_end] (§1), before the cut to the ranges. */
function wholeSpanOf(shards: readonly StateFile[]): Span | undefined {
  const edge = (m: 'a' | 'b') => {
    const seen = shards.map((s) => headerOf(s).seen[m]).filter((x): x is MarketSeen => x !== null);
    return seen.length === 0 ? undefined : { first: Math.min(...seen.map((x) => x.first_us)), last: Math.max(...seen.map((x) => x.last_us)) };
  };
  const [a, b] = [edge('a'), edge('b')];
  if (a === undefined || b === undefined) return undefined;
  const span = { start: Math.max(a.first, b.first), end: Math.min(a.last, b.last) };
  return span.start <= span.end ? span : undefined;
}

/** The span one run prints: the whole span cut to the states' ranges (as requireOverlap cuts a range run's). */
function cutSpanOf(shards: readonly StateFile[], whole: Span | undefined, range: TimeRange): Span {
  const files = { file: shards[0]!.file } as ReadReport;
  try {
    return requireOverlap(whole, files, files, range);
  } catch {
    throw new DataError(shards.map((s) => s.file).join(', '), undefined, 'the two markets do not overlap in time within the states\' ranges');
  }
}

/**
 * At a cut, each side's blocks next to it must be one run's: the state read every tick they
 * depend on (reach.start_read / end_read), or its span starts (ends) where one run's does, so
 * that it read everything one run has there. A side whose range lies outside one run's span
 * has no block to check.
 */
function checkCut(prev: StateFile, next: StateFile, whole: Span | undefined, names: readonly [string, string]): void {
  const cut = endOf(prev);
  const files = `${prev.file} and ${next.file}`;
  if (whole === undefined) return;
  const [hp, hn] = [headerOf(prev), headerOf(next)];
  const quiet = `${names[0]} or ${names[1]} is quiet for longer than the read margin there (${duration(Number(prev.header.margin_us))}); move the cut (plan --offset moves a plan's cuts)`;
  const meets = (s: StateFile) => startOf(s) <= whole.end && endOf(s) > whole.start;
  if (meets(prev) && !hp.reach.end_read && hp.data_span?.end_us !== whole.end) {
    throw new DataError(files, undefined, `at the cut ${describeTime(cut)} the earlier state's last blocks depend on ticks after the cut that it did not read (each market's next tick, and ${names[1]}'s within the lattice's reach): ${quiet}`);
  }
  if (meets(next) && !hn.reach.start_read && hn.data_span?.start_us !== whole.start) {
    throw new DataError(files, undefined, `at the cut ${describeTime(cut)} the later state's first blocks depend on ticks before the cut that it did not read (each market's last tick, and ${names[1]}'s within the lattice's reach): ${quiet}`);
  }
}

/** The blocks of `span` that a state's range holds: first … last (none when first > last). */
function blocksOf(s: StateFile, span: Span, blockUs: number): { first: number; last: number } {
  return {
    first: Math.max(blockOf(span.start, blockUs), Number.isFinite(startOf(s)) ? startOf(s) / blockUs : -Infinity),
    last: Math.min(blockOf(span.end, blockUs), Number.isFinite(endOf(s)) ? endOf(s) / blockUs - 1 : Infinity),
  };
}

/**
 * The rows of every block of `span` that a state's range holds, in time order: the state's row,
 * or zeros where it filed none (an empty block, which one run counts too). Blocks of a gap
 * between ranges (--allow-gaps) are not there.
 */
function blockRows(shards: readonly StateFile[], span: Span, blockUs: number, lags: number): Float64Array[] {
  // One run keeps as many parts as this and no more (HyState): refuse alike rather than exhaust memory.
  const count = shards.reduce((n, s) => n + Math.max(0, blocksOf(s, span, blockUs).last - blocksOf(s, span, blockUs).first + 1), 0);
  if (count * (lags + 1) > MAX_PART_DOUBLES) {
    throw new UsageError(`the states hold ${count} blocks of ${duration(blockUs)} × ${lags} lags, more than the ${(MAX_PART_DOUBLES * 8) / 2 ** 20} MiB one run keeps for per-block parts; run the jobs with a longer --block, a larger --step or a narrower --lags`);
  }
  const width = lags + 6;
  const rows: Float64Array[] = [];
  for (const s of shards) {
    const filed = new Map((s.body as HyStateBody).blocks.map(([k, row]) => [k, row]));
    const { first, last } = blocksOf(s, span, blockUs);
    for (let b = first; b <= last; b++) {
      const row = filed.get(b);
      rows.push(row === undefined ? new Float64Array(width) : Float64Array.from(row));
    }
  }
  return rows;
}

/**
 * Without the bootstrap: the states' block rows of `span` folded in time order, as one run
 * folds its blocks (HyFold), without laying them out (one run keeps no block either). The
 * blocks a state left out are empty and add nothing.
 */
function foldedRows(shards: readonly StateFile[], span: Span, lattice: Lattice, blockUs: number): HyParts {
  const fold = new HyFold(lattice, blockUs, (b) => b * blockUs, ALL_TIME);
  for (const s of shards) {
    const { first, last } = blocksOf(s, span, blockUs);
    for (const [b, row] of (s.body as HyStateBody).blocks) if (b >= first && b <= last) fold.add(b, Float64Array.from(row));
  }
  return fold.parts(span);
}
