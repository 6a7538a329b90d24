/**
 * `leadlag merge STATE…`: the states written by `pair --state` over disjoint ranges, merged into
 * exactly what one run over all of them prints (docs/scale.md, docs/definitions.md §11); states
 * of several pairs (their --label) give one row per pair.
 */
import { Context, type Streams } from '../context.js';
import { warnFewReplicates, warnShortBlock, type CommonOptions } from '../options.js';
import { DataError, UsageError } from '../../errors.js';
import { fileKey } from '../../io/identity.js';
import { LEADLAG_VERSION } from '../version.js';
import { expandStateArg } from '../../io/paths.js';
import { describeTime, inputMatchKey, ownedRange, planSpanOf, readStateFile, type InputFingerprint, type StateFile } from '../../io/state-file.js';
import { emptyFileWarning, fileGaps, quietSpells, withinSpan } from '../inputs.js';
import type { SkippedRows } from '../skipped-rows.js';
import { counted, humanTable, fixed, isoMicros, lazyOutput, spanJson, writtenJson, type Output } from '../../io/output.js';
import { mergePairStates } from '../pair-state.js';
import { mergeXcorrStates } from '../xcorr-state.js';
import { mergeHyStates } from '../hy-state.js';
import { renderHy } from './hy.js';
import { mergeClassifyStates } from '../classify-state.js';
import { renderClassify } from '../classify-render.js';
import { renderXcorr, warnAbout as xcorrWarnings } from './xcorr.js';
import { feedVerdict, renderPair, type PairReport } from './pair.js';
import { pairWarnings } from '../advice.js';
import { formatPValue } from '../../core/verdict.js';
import { quantile } from '../../core/quantile.js';

export interface MergeOptions extends CommonOptions {
  allowGaps?: boolean;
}

/** What `leadlag merge` does once parsed; merge-command.ts defines the command and loads this module only when it runs. */
export async function mergeAction(io: Streams, args: string[], o: MergeOptions): Promise<void> {
  const ctx = new Context(io, o);
  await ctx.emit(await runMergeAsync(args.flatMap(expandStateArg), o, ctx));
}

/** A range between two states' ranges that no state owns (merged under --allow-gaps). */
export interface MissingRange {
  readonly start: number;
  readonly end: number;
  /** The pair's --label ('' without one). */
  readonly label: string;
  /** A plan's range before the pair's first state or after its last (planEndGaps): its first or last job's; none for a gap between states. */
  readonly planEnd?: 'first' | 'last';
}

/** The ranges no state owns between the first state's start and the last one's end, and for a plan's states before or after them within its span, in time order (per pair, by label). */
export function missingRanges(states: readonly StateFile[]): MissingRange[] {
  const gaps: MissingRange[] = [];
  for (const [label, group] of byLabel(states)) {
    const ranges = group.map(ownedRange).sort((x, y) => x.start - y.start);
    for (let i = 1; i < ranges.length; i++) if (ranges[i]!.start > ranges[i - 1]!.end) gaps.push({ start: ranges[i - 1]!.end, end: ranges[i]!.start, label });
    gaps.push(...planEndGaps(label, group));
  }
  return gaps.sort((x, y) => x.start - y.start);
}

/**
 * A merge with gaps (--allow-gaps) counts only the ranges given: not what one run over the
 * whole span prints, though its span line covers the gaps. Said above the human output, or on
 * stderr for csv, tsv and json (with `missing_ranges` in JSON), so no partial table passes for a
 * whole one.
 */
function markPartial(out: Output, gaps: readonly MissingRange[], ctx: Context): Output {
  if (gaps.length === 0) return out;
  // With several pairs, each gap names its pair.
  const labelled = new Set(gaps.map((g) => g.label)).size > 1 || gaps.some((g) => g.label !== '');
  const list = gaps.map((g) => `${labelled ? `${g.label}: ` : ''}${describeTime(g.start)} to ${describeTime(g.end)}`).join(', ');
  const note = `partial: the states leave ${counted(gaps.length, 'range')} out (${list}); the tables count only the ranges given, not what one run over the whole span prints`;
  // The table says it above itself; csv and tsv have no place for it, json has its member too.
  if (ctx.common.format !== 'table') ctx.warn(note);
  const missing = gaps.map((g) => ({ ...(labelled ? { label: g.label } : {}), ...spanJson(g) }));
  const withMissing = (doc: unknown) => (doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? { ...doc, missing_ranges: missing } : doc);
  // The document as the format reads it: with its windows made as written (lazyJson) where it has them.
  return lazyOutput(() => withMissing(writtenJson(out)), () => out.machine, (style) => `${style.c.yellow(note)}\n${out.human(style)}`);
}

/** runMerge for states of any command: classify's merge trains its model, and the model's library loads asynchronously. */
export async function runMergeAsync(files: readonly string[], o: MergeOptions, ctx: Context): Promise<Output> {
  const states = readStates(files);
  const written = String(states[0]!.header.leadlag_version);
  // One version wrote them all (checked on reading); another one merges them.
  if (written !== LEADLAG_VERSION) ctx.warn(`the states were written by leadlag ${written} and are merged by ${LEADLAG_VERSION}: the parts are ${written}'s, the merge, the statistics and the words this version's; run the jobs again with ${LEADLAG_VERSION} to get what one run of it prints`);
  // First, as one run over all the data says it (merge prints what that run prints, stderr
  // too): the intervals come from the states' --bootstrap. The table of several pairs shows none.
  if (byLabel(states).size === 1) {
    warnFewReplicates(ctx, Number(states[0]!.header.params.bootstrap ?? 0));
    const block = Number(states[0]!.header.params.block_us);
    if (Number.isFinite(block)) warnShortBlock(ctx, block);
  }
  for (const w of unverifiedInputs(states)) ctx.warn(w);
  return states[0]!.header.command !== 'classify' ? runMerge(files, o, ctx, states) : await mergeClassify(files, o, ctx, states);
}

/**
 * The warnings of gaps between files and quiet spells inside them, said as one run says them;
 * called once a merge has accepted its cuts. `gaps`: the ranges no state owns (missingRanges).
 */
function warnGapsAndSpells(states: readonly StateFile[], gaps: readonly MissingRange[], ctx: Context): void {
  for (const file of emptyFilesRead(states)) ctx.warn(emptyFileWarning(file));
  for (const w of gapsAndSpellsRead(states, gaps.length === 0)) ctx.warn(w);
}

/** The files without rows that the states met (InputFingerprint.empty), each once, by role (a, b, trades) as one run's reader says them. */
function emptyFilesRead(states: readonly StateFile[]): string[] {
  const out = new Set<string>();
  for (const role of ['a', 'b', 'trades']) {
    for (const s of states) for (const [r, files] of recordedInputs(s)) if (r === role) for (const f of files) if (f.empty === true && typeof f.name === 'string') out.add(f.name);
  }
  return [...out];
}

/**
 * The warnings of gaps between a market's files and of quiet spells inside them (src/cli/inputs.ts
 * fileGaps, quietSpells) that one run
 * over the states' ranges gives (before its command's own warnings, as that run's reader gives
 * them), from the spells each state's read met: a spell is met by every job whose read reaches
 * it, and by the job that owns any time it covers, so their union, cut to the ranges the states
 * own (each, so that --allow-gaps names none in a missing range) and to the span the markets
 * share over all the states' files, is that run's. Market A's files, then B's, each in time
 * order, as that run reads them.
 */
function gapsAndSpellsRead(states: readonly StateFile[], whole: boolean): string[] {
  const roles = ['a', 'b'].map((role) => filesRead(states, role));
  // A market's first and last times over every state's read of its files: the one run's.
  const markets = roles.map((files) => ({ firstTime: Math.min(...[...files.values()].map((f) => f.first)), lastTime: Math.max(...[...files.values()].map((f) => f.last)) }));
  const ranges = states.flatMap((s) => withinSpan(ownedRange(s), markets));
  return roles.flatMap((files) => {
    const reports = [...files.entries()]
      .sort((x, y) => x[1].first - y[1].first)
      .map(([name, f]) => {
        const spells = [...f.spells.values()].sort((x, y) => x.from - y.from);
        // A count past the spells kept is what says that some were dropped (quietSpells' "or more").
        return { file: name, firstTime: f.first, lastTime: f.last, quiet: { count: spells.length + (f.more ? 1 : 0), spells } };
      });
    // The gaps between a market's files, then the spells inside them, as the one run's reader
    // says them. A file's last time is where a state's read of it stopped; the states of a span
    // without a missing range read each file they meet to its end (the job that owns its last
    // tick does), but with missing ranges (--allow-gaps) no state may have: then the jobs that
    // read the files have said their gaps.
    return [...(whole ? fileGaps(reports) : []), ...quietSpells(reports, ranges)];
  });
}

/**
 * The rows skipped that one run over the states' ranges lists (JSON `skipped_rows`): a job reads
 * each file it meets from its first line to where its range ends, so the skipped rows each state
 * met in a file are a beginning of that run's, and the state that met the most met them all (the
 * job that owns the file's last tick reads it to its end, as that run does). Market A's files,
 * then B's, then the trades', each in time order as that run reads them. States written before
 * they recorded skipped rows list none.
 */
export function skippedRowsRead(states: readonly StateFile[]): SkippedRows[] {
  return ['a', 'b', 'trades'].flatMap((role) => {
    const files = new Map<string, { first: number; count: number; skipped: NonNullable<InputFingerprint['skipped']> }>();
    for (const s of states) {
      const inputs = (s.header.inputs ?? {}) as Record<string, readonly InputFingerprint[] | undefined>;
      for (const f of inputs[role] ?? []) {
        if (f.skipped === undefined) continue;
        const count = f.skipped.reduce((n, k) => n + k.count, 0);
        const seen = files.get(f.name);
        if (seen === undefined || count > seen.count) files.set(f.name, { first: f.first_us ?? Infinity, count, skipped: f.skipped });
      }
    }
    return [...files.entries()]
      .sort((x, y) => x[1].first - y[1].first)
      .flatMap(([file, f]) => f.skipped.map((k) => ({ file, kind: k.kind, count: k.count, firstLines: [...k.first_lines] })));
  });
}

/** A file as the states read it: its first and last time read, the union of the quiet spells met (keyed by their times), and whether a state dropped some. */
interface FileRead {
  first: number;
  last: number;
  readonly spells: Map<string, { readonly from: number; readonly to: number }>;
  more: boolean;
}

/** A market's files as the states read them. */
function filesRead(states: readonly StateFile[], role: string): Map<string, FileRead> {
  const files = new Map<string, FileRead>();
  for (const s of states) {
    const inputs = (s.header.inputs ?? {}) as Record<string, readonly InputFingerprint[] | undefined>;
    for (const f of inputs[role] ?? []) {
      if (f.empty === true) continue;
      const file = files.get(f.name) ?? { first: Infinity, last: -Infinity, spells: new Map(), more: false };
      file.first = Math.min(file.first, f.first_us ?? Infinity);
      file.last = Math.max(file.last, f.last_us ?? -Infinity);
      for (const [from, to] of f.quiet ?? []) file.spells.set(`${from},${to}`, { from, to });
      file.more ||= f.quiet_more === true;
      files.set(f.name, file);
    }
  }
  return files;
}

async function mergeClassify(files: readonly string[], o: MergeOptions, ctx: Context, states: readonly StateFile[]): Promise<Output> {
  checkOneLabel(files, states);
  checkSameParams(states);
  const gaps = missingRanges(states);
  checkPlanEnds(states, gaps, o.allowGaps === true);
  // After the merge has accepted the cuts: a refused cut is said alone.
  const merged = await mergeClassifyStates(states, o.allowGaps === true, ctx, () => warnGapsAndSpells(states, gaps, ctx));
  return markPartial(renderClassify({ ...merged, skipped: skippedRowsRead(states) }), gaps, ctx);
}

/** The states, read and checked to be of one command and one version of leadlag. */
function readStates(files: readonly string[]): StateFile[] {
  if (files.length === 0) throw new UsageError('merge needs at least one state file');
  refuseTwice(files);
  const states = files.map(readStateFile);
  checkSameKind(states);
  return states;
}

/**
 * One state named twice (by one path, a link, or a glob and a name that meet) would count its
 * range twice: said as such, rather than as two states whose ranges overlap.
 * @throws UsageError naming both names.
 */
function refuseTwice(files: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    const key = fileKey(file);
    // A path that cannot be inspected is left to the read, which names what is wrong with it.
    if (key === undefined) continue;
    const first = seen.get(key);
    if (first !== undefined) throw new UsageError(`${file} is given twice${first === file ? '' : ` (also as ${first})`}: pass each state once`);
    seen.set(key, file);
  }
}

/** Reads, checks and merges the states; one pair gives its report, several a row per pair. Classify states: runMergeAsync. */
export function runMerge(files: readonly string[], o: MergeOptions, ctx: Context, states: readonly StateFile[] = readStates(files)): Output {
  if (states[0]!.header.command === 'classify') throw new Error('classify states merge in runMergeAsync');
  const gaps = missingRanges(states);
  checkPlanEnds(states, gaps, o.allowGaps === true);
  return markPartial(mergeReports(files, o, ctx, states, gaps), gaps, ctx);
}

/**
 * The ranges of a plan's span (--plan-span, which plan writes on every job) that no state of
 * the pair owns before its first state or after its last: a first or last job whose state is
 * missing (a failed day), which the gaps between states cannot show.
 * @throws DataError when one pair's states name different plans.
 */
function planEndGaps(label: string, group: readonly StateFile[]): MissingRange[] {
  const spans = group.map((s) => ({ s, span: planSpanOf(s) })).filter((x) => x.span !== undefined);
  if (spans.length === 0) return [];
  const [first] = spans;
  const other = spans.find((x) => x.span!.start !== first!.span!.start || x.span!.end !== first!.span!.end);
  if (other !== undefined) throw new DataError(`${first!.s.file} and ${other.s.file}`, undefined, `the states belong to different plans (spans ${describeTime(first!.span!.start)} to ${describeTime(first!.span!.end)} and ${describeTime(other.span!.start)} to ${describeTime(other.span!.end)}); merge the states of one plan`);
  const plan = first!.span!;
  const ranges = group.map(ownedRange);
  const from = Math.min(...ranges.map((r) => r.start));
  const to = Math.max(...ranges.map((r) => r.end));
  return [...(from > plan.start ? [{ start: plan.start, end: from, label, planEnd: 'first' as const }] : []), ...(to < plan.end ? [{ start: to, end: plan.end, label, planEnd: 'last' as const }] : [])];
}

/** Refuses a plan's missing first or last job (`gaps` from missingRanges) as merge refuses a gap between states, unless --allow-gaps. */
function checkPlanEnds(states: readonly StateFile[], gaps: readonly MissingRange[], allowGaps: boolean): void {
  if (allowGaps) return;
  for (const [label, group] of byLabel(states)) {
    const g = gaps.find((x) => x.label === label && x.planEnd !== undefined);
    if (g !== undefined) throw new DataError(group.map((s) => s.file).join(', '), undefined, `no state owns ${describeTime(g.start)} to ${describeTime(g.end)}${label === '' ? '' : ` of ${label}`}, which its plan covers (the plan's ${g.planEnd} job failed or its state is not given); pass its state, or --allow-gaps to merge the ranges given`);
  }
}

/** pair, xcorr and hy states merged into their command's output. */
function mergeReports(files: readonly string[], o: MergeOptions, ctx: Context, states: readonly StateFile[], gaps: readonly MissingRange[]): Output {
  const groups = byLabel(states);
  const command = states[0]!.header.command;
  if (command !== 'pair') {
    checkOneLabel(files, states);
    checkSameParams(states);
    // Merged first: a refused cut is said alone, without the warnings of a merge that did not happen.
    if (command === 'hy') return renderHy({ ...mergeHyStates(states, o.allowGaps === true, ctx, () => warnGapsAndSpells(states, gaps, ctx)), skipped: skippedRowsRead(states) });
    const r = mergeXcorrStates(states, o.allowGaps === true);
    warnGapsAndSpells(states, gaps, ctx);
    xcorrWarnings(r, ctx);
    return renderXcorr({ ...r, skipped: skippedRowsRead(states) });
  }
  const reports = [...groups.entries()].map(([label, group]) => {
    checkSameParams(group);
    return { label, report: mergePairStates(group, o.allowGaps === true) };
  });
  if (reports.length === 1) {
    const r = reports[0]!.report;
    warnGapsAndSpells(states, gaps, ctx);
    for (const w of pairWarnings(r)) ctx.warn(w);
    return renderPair({ ...r, skipped: skippedRowsRead(states) });
  }
  warnMixedParams(groups, ctx);
  return renderUniverse(reports);
}

/**
 * One table of pairs compares them only when they ran alike: say which parameters differ
 * between the pairs (names aside), and when a pair has no --label.
 */
function warnMixedParams(groups: ReadonlyMap<string, readonly StateFile[]>, ctx: Context): void {
  if (groups.has('')) ctx.warn('some states have no --label: their row has an empty pair name');
  const [first, ...rest] = [...groups.entries()];
  const params = (g: readonly StateFile[]) => g[0]!.header.params as Record<string, unknown>;
  const differ = new Set<string>();
  for (const [, g] of rest) {
    for (const k of Object.keys({ ...params(first![1]), ...params(g) })) {
      if (k !== 'names' && JSON.stringify(params(first![1])[k]) !== JSON.stringify(params(g)[k])) differ.add(k);
    }
  }
  if (differ.size > 0) ctx.warn(`the pairs ran with different parameters (${[...differ].join(', ')}): their rows are not measured alike`);
}

/** The states grouped by their --label ('' without one), in the order first seen. */
function byLabel(states: readonly StateFile[]): Map<string, StateFile[]> {
  const groups = new Map<string, StateFile[]>();
  for (const s of states) {
    const label = typeof s.header.label === 'string' ? s.header.label : '';
    groups.set(label, [...(groups.get(label) ?? []), s]);
  }
  return groups;
}

/** Only pair states of several pairs merge into a row per pair; xcorr, hy and classify states merge one pair at a time. */
function checkOneLabel(files: readonly string[], states: readonly StateFile[]): void {
  const groups = byLabel(states);
  const command = String(states[0]!.header.command);
  if (groups.size > 1) throw new DataError(files.join(', '), undefined, `states of ${groups.size} labels: merge prints one row per pair for pair states only; merge each pair's ${command} states on their own`);
}

/** The commands whose states merge. */
const MERGEABLE = ['pair', 'xcorr', 'hy', 'classify'];

/** One command and one version of leadlag over all the states. */
function checkSameKind(states: readonly StateFile[]): void {
  const first = states[0]!;
  for (const s of states.slice(1)) {
    if (s.header.command !== first.header.command) throw new DataError(`${first.file} and ${s.file}`, undefined, `states of different commands (${first.header.command} and ${s.header.command})`);
    if (s.header.leadlag_version !== first.header.leadlag_version) {
      throw new DataError(`${first.file} and ${s.file}`, undefined, `states written by different versions of leadlag (${first.header.leadlag_version} and ${s.header.leadlag_version}); rerun the jobs with one version`);
    }
  }
  if (!MERGEABLE.includes(String(first.header.command))) throw new DataError(first.file, 1, `merge reads ${MERGEABLE.join(', ')} states; this is a ${String(first.header.command)} state`);
}

/**
 * The states of one pair must share every parameter, and a file that several of them read (a
 * neighbouring day read for the margins) must be the same file in each: the same size. A file
 * re-downloaded or rewritten between two jobs would otherwise give a merge of different data.
 */
function checkSameParams(states: readonly StateFile[]): void {
  checkSameInputs(states);
  const first = states[0]!;
  for (const s of states.slice(1)) {
    const diff = Object.keys({ ...first.header.params, ...s.header.params }).filter((k) => JSON.stringify(first.header.params[k]) !== JSON.stringify(s.header.params[k]));
    if (diff.length > 0) {
      const what = diff.map((k) => `${k}: ${JSON.stringify(first.header.params[k])} vs ${JSON.stringify(s.header.params[k])}`).join(', ');
      throw new DataError(`${first.file} and ${s.file}`, undefined, `states with different parameters (${what}); every job of one pair must run with the same options`);
    }
  }
}

/** A state's inputs as it recorded them (state-file.ts InputFingerprint): name, size, first and last row. */
type RecordedInput = { readonly name?: unknown; readonly bytes?: unknown; readonly first_us?: unknown; readonly last_us?: unknown; readonly empty?: unknown };

function recordedInputs(s: StateFile): [string, readonly RecordedInput[]][] {
  return Object.entries((s.header.inputs ?? {}) as Record<string, readonly RecordedInput[] | undefined>).map(([role, files]) => [role, files ?? []]);
}

function checkSameInputs(states: readonly StateFile[]): void {
  const seen = new Map<string, { bytes: number; file: string }>();
  for (const s of states) {
    for (const f of recordedInputs(s).flatMap(([, files]) => files)) {
      if (typeof f.name !== 'string' || typeof f.bytes !== 'number' || f.name === '-') continue;
      const before = seen.get(f.name);
      if (before === undefined) seen.set(f.name, { bytes: f.bytes, file: s.file });
      else if (before.bytes !== f.bytes) {
        throw new DataError(`${before.file} and ${s.file}`, undefined, `the states read different versions of ${f.name} (${before.bytes} and ${f.bytes} bytes); rerun the jobs on the same files`);
      }
    }
  }
  // After the versions: a file rewritten between the jobs is said as such, not as two files.
  checkSameRoles(states);
  checkFilesAtCuts(states);
}

/**
 * A state's files (not '-') by role (a, b, trades), each by its base name and size
 * (state-file.ts inputMatchKey): one file may be spelt two ways by two jobs (a re-run from another
 * directory); with the size, two different files match only by a coincidence no real data meets.
 */
function namedFiles(s: StateFile): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [role, files] of recordedInputs(s)) {
    const named = files.filter((f): f is RecordedInput & { name: string } => typeof f.name === 'string' && f.name !== '-');
    out.set(role, new Map(named.map((f) => [inputMatchKey(f.name, f.bytes), f.name])));
  }
  return out;
}

const ROLE_NAMES: Readonly<Record<string, string>> = { a: 'market A', b: 'market B', trades: 'the trades' };

/**
 * One file is one market in every state of a run: a file read as market A by one state and as
 * market B by another means the markets were given in another order to some jobs, and the merge
 * would add one market's counts to the other's (it did, exit 0).
 */
function checkSameRoles(states: readonly StateFile[]): void {
  const roleOf = new Map<string, { roles: string; file: string }>();
  for (const s of states) {
    const roles = new Map<string, { name: string; roles: string[] }>();
    for (const [role, files] of namedFiles(s)) for (const [key, name] of files) roles.set(key, { name, roles: [...(roles.get(key)?.roles ?? []), role] });
    for (const [key, { name, roles: rs }] of roles) {
      const these = rs.sort().join(' and ');
      const before = roleOf.get(key);
      if (before === undefined) roleOf.set(key, { roles: these, file: s.file });
      else if (before.roles !== these) {
        const say = (r: string) => r.split(' and ').map((x) => ROLE_NAMES[x] ?? x).join(' and ');
        throw new DataError(`${before.file} and ${s.file}`, undefined, `the states read ${name} as ${say(before.roles)} in one and as ${say(these)} in the other: they are not the jobs of one run (were the markets given in another order?)`);
      }
    }
  }
}

/**
 * Two states that meet at a cut both read across it (each reads its margin beyond its range), so
 * for each market they read a file in common there: the file holding the cut. States with no file
 * in common for a market at their cut read different data: the jobs of two plans (one left in a
 * --states folder by another pair's plan without its own --label), or another symbol's files. A
 * state that read no file of a market is left to the cut checks (a range past the end of the data).
 */
function checkFilesAtCuts(states: readonly StateFile[]): void {
  const inOrder = [...states].sort((x, y) => ownedRange(x).start - ownedRange(y).start);
  for (let i = 1; i < inOrder.length; i++) {
    const [left, right] = [inOrder[i - 1]!, inOrder[i]!];
    const cut = ownedRange(right).start;
    if (ownedRange(left).end !== cut) continue;
    const [l, r] = [namedFiles(left), namedFiles(right)];
    for (const [role, names] of l) {
      const other = r.get(role);
      if (names.size === 0 || other === undefined || other.size === 0) continue;
      if ([...names.keys()].some((k) => other.has(k))) continue;
      const list = (files: Map<string, string>) => [...files.values()].slice(0, 2).join(', ') + (files.size > 2 ? ', …' : '');
      throw new DataError(
        `${left.file} and ${right.file}`,
        undefined,
        `the states meet at ${describeTime(cut)} but read no file of ${ROLE_NAMES[role] ?? role} in common (${list(names)}; ${list(other)}: none of one name and size), where the jobs of one run both read the file holding their cut (each reads its margin across it): give each job the files its margins reach (plan does), and keep other pairs' states apart (a --label each)`,
      );
    }
  }
}

/**
 * What merge cannot check, said rather than passed over (a hunt: exit 0, a wrong answer):
 * - inputs read from a pipe or a descriptor (`-`, `<stdin>`, `/dev/fd/63`: no name and size to
 *   match), so the check that neighbouring states read one market's files (checkFilesAtCuts)
 *   passes whatever they read: spot states and COIN-M states merged silently;
 * - files holding rows outside the plan's span (files named by a local date: the day's rows run
 *   past UTC midnight): a plan covers each file's named UTC day, so no job counted those rows,
 *   where one run over the files counts them.
 */
function unverifiedInputs(states: readonly StateFile[]): string[] {
  const out: string[] = [];
  if (states.length > 1) {
    const piped = new Map<string, Set<string>>();
    for (const s of states) {
      for (const [role, files] of recordedInputs(s)) {
        for (const f of files) if (!(typeof f.bytes === 'number' && f.bytes > 0) || f.name === '-') piped.set(role, (piped.get(role) ?? new Set()).add(String(f.name)));
      }
    }
    for (const [role, names] of piped) {
      out.push(`${ROLE_NAMES[role] ?? role} was read from a pipe or descriptor (${[...names].slice(0, 2).join(', ')}) by some states: merge cannot check that the states read one market's data (it matches files by name and size at the cuts); give the jobs files`);
    }
  }
  for (const [label, group] of byLabel(states)) {
    const span = group.map(planSpanOf).find((p) => p !== undefined);
    if (span === undefined) continue;
    let first = Infinity;
    let last = -Infinity;
    for (const s of group) {
      for (const [, files] of recordedInputs(s)) {
        for (const f of files) {
          if (typeof f.first_us === 'number') first = Math.min(first, f.first_us);
          if (typeof f.last_us === 'number') last = Math.max(last, f.last_us);
        }
      }
    }
    // first_us / last_us are the rows a job read (to its margin), not the files' ends: enough to say rows lie outside.
    const outside = [first < span.start ? `before its start ${isoMicros(span.start)}: one at ${isoMicros(first)}` : '', last >= span.end ? `after its end ${isoMicros(span.end)}: one at ${isoMicros(last)}` : ''].filter((x) => x !== '');
    if (outside.length === 0) continue;
    out.push(`${label === '' ? 'the' : `${label}'s`} files hold rows outside the plan's span (${outside.join('; ')}): a plan covers each file's named UTC day, and no job counted those rows (one run over the files counts them); name the files by the UTC day they hold`);
  }
  return out;
}

/** The call column: pair's own verdict on the feed (core/verdict.ts), in one word. */
const CALLS = { lead: 'lead', none: 'no significant lead', untested: 'untested', 'no-pairs': 'no pairs' } as const;

/**
 * One row per pair (native ticks, or the one feed of --feed): pair's own call on who leads, the
 * leader and its lag (median delay of the leading market's pairs, negative when B leads) when
 * the call is a lead, A's share of led pairs, the leader test, the pairs and those in excess
 * of chance. A row whose test cannot decide (too few led pairs, or led pairs in fewer than 6
 * blocks) is "untested", as pair says.
 */
function renderUniverse(rows: readonly { label: string; report: PairReport }[]): Output {
  const data = rows.map(({ label, report }) => {
    const f = report.feeds[0]!;
    const t = f.stats.table;
    const led = t.aLeadsB + t.bLeadsA;
    const v = feedVerdict(f, report.names);
    const call = CALLS[v.kind];
    const lagUs = v.kind !== 'lead' ? null : v.leader === report.names[0] ? f.delays[0]!.median : -f.delays[1]!.median;
    return {
      pair: label,
      feed: f.feed,
      call,
      leader: v.kind === 'lead' ? v.leader! : null,
      lag_us: lagUs,
      share_a_leads: led === 0 ? null : t.aLeadsB / led,
      leader_p_value: f.stats.leaderPValue,
      led_blocks: f.stats.ledBlocks?.count ?? null,
      paired_events: t.paired,
      chance_pairs_max: f.stats.chance.max,
      excess_pairs: f.stats.excessPairs,
      start_us: report.span.start,
      end_us: report.span.end,
    };
  });
  const columns = Object.keys(data[0]!);
  return {
    json: { pairs: data },
    machine: { columns, rows: data.map((d) => columns.map((c) => (d as Record<string, string | number | null>)[c] ?? null)) },
    human: (style) => {
      const head = ['pair', 'leader', 'lag', 'A share', 'leader p', 'led blocks', 'pairs', 'chance max', 'excess'];
      const body = data.map((d) => [d.pair, d.leader ?? (d.call === 'no significant lead' ? 'neither' : d.call), d.lag_us === null ? 'n/a' : `${fixed(d.lag_us / 1000, 3)} ms`, d.share_a_leads === null ? 'n/a' : fixed(d.share_a_leads, 2), formatPValue(d.leader_p_value), d.led_blocks ?? 'n/a', d.paired_events, d.chance_pairs_max, fixed(d.excess_pairs, 1)]);
      const lags = data.map((d) => d.lag_us).filter((x): x is number => x !== null);
      const note = lags.length > 0 ? `median lag over the ${counted(lags.length, 'pair')} with a significant leader: ${fixed(quantile(Float64Array.from(lags), 0.5) / 1000, 3)} ms` : 'no pair has a significant leader';
      return [style.c.bold(`Lead-lag across ${data.length} pairs (${data[0]!.feed === 'native' ? 'native ticks' : 'LOCF grid'})`), humanTable(head, body, style, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right']), style.c.dim(note)].join('\n');
    },
  };
}
