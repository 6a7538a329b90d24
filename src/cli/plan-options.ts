/**
 * What `leadlag plan --options '…'` adds to every job, checked as the job's own command will
 * check it — before any job is printed, since a scheduler would otherwise run a month of jobs
 * that each fail the same way: the words are parsed by the command's commander definition
 * (unknown options, bad values, stray arguments), the options plan writes itself are refused,
 * and each job's range meets the command's state-run checks (xcorr and hy: whole --block blocks).
 */
import type { EventEmitter } from 'node:events';
import { UsageError } from '../errors.js';
import { CommanderError, refuseTradeColumns, type Command, type LayoutCliOptions } from './options.js';
import type { Streams } from './context.js';
import { shellWords } from './shell-words.js';
import { pairCommand } from './commands/pair-command.js';
import { xcorrCommand } from './commands/xcorr-command.js';
import { hyCommand } from './commands/hy-command.js';
import { classifyCommand } from './commands/classify-command.js';
import { checkBlockedStateOptions } from './state-blocks.js';
import { checkPairStateOptions } from './pair-state.js';
import { checkClassifyStateOptions } from './classify-state.js';
import { offBlockEdge } from '../core/bootstrap.js';
import { ALL_TIME, type TimeRange } from '../core/parts.js';
import { duration } from '../core/human-text.js';
import { isoMicros } from '../io/output.js';
import { xcorrMargin, type XcorrOptions } from './commands/xcorr.js';
import { hyMargin, type HyOptions } from './commands/hy.js';
import { pairMargin, type PairOptions } from './commands/pair.js';
import type { ClassifyOptions } from './commands/classify.js';
import { datasetMargin, featureParamsOf } from './dataset.js';
import { latticeOf } from './lagrange.js';
import { analysisParamsOf } from './options.js';

/** The commands plan's jobs run (plan.ts: PLAN_COMMANDS). */
type JobCommand = 'pair' | 'xcorr' | 'hy' | 'classify';

/** The parsed options of a job's command line (commander's `opts()`, defaults included). */
type Parsed = Record<string, unknown>;

const DEFINITIONS: Record<JobCommand, (io: Streams) => Command> = { pair: pairCommand, xcorr: xcorrCommand, hy: hyCommand, classify: classifyCommand };

/**
 * What a state run refuses before reading, given the range it owns (the commands' own checks).
 * pair and classify state runs take any range; their checks look at the options alone.
 */
const STATE_CHECKS: Record<JobCommand, (o: Parsed, range: TimeRange) => void> = {
  pair: (o) => checkPairStateOptions(o as unknown as PairOptions),
  xcorr: (o, range) => checkBlockedStateOptions(o as unknown as XcorrOptions, range),
  hy: (o, range) => checkBlockedStateOptions(o as unknown as HyOptions, range),
  classify: (o) => checkClassifyStateOptions(o as unknown as ClassifyOptions),
};

/** The margin M a job of the command reads around its range with these options (each command's own rule). */
const READ_MARGINS: Record<JobCommand, (o: Parsed) => number> = {
  pair: (o) => pairMargin(analysisParamsOf(o as unknown as PairOptions), (o as unknown as PairOptions).nullStep),
  xcorr: (o) => xcorrMargin(o as unknown as XcorrOptions),
  hy: (o) => hyMargin(latticeOf((o as unknown as HyOptions).lags, (o as unknown as HyOptions).step)),
  classify: (o) => {
    const params = analysisParamsOf(o as unknown as ClassifyOptions);
    return datasetMargin(params, featureParamsOf(o as unknown as ClassifyOptions, params), (o as unknown as ClassifyOptions).nullStep);
  },
};

/**
 * The margin M a job reads around its range, [S − M, E + M), with the options it is given. plan
 * chooses a job's files by their days' meeting [S − margin, E + margin) with margin at least M:
 * with less, a job would miss the ticks its M reaches into (pair with --null-step 1h reads 10 h),
 * every job would still succeed, and merge would refuse the states.
 */
export function jobReadMargin(command: JobCommand, parsed: Parsed): number {
  return READ_MARGINS[command](parsed);
}

/** The options plan writes on every job's command line, and what each one carries. */
const PLAN_SETS: Record<string, string> = {
  start: 'its range',
  end: 'its range',
  state: 'its state file (--states DIR)',
  label: "the pair's name (--label, or the manifest's pair column)",
  trades: "the trades' files (--trades, or the manifest's trades_files column)",
  'plan-span': 'the span all its jobs cover',
};

/** The definitions' actions are replaced before parsing, so their streams are never used. */
const UNUSED_STREAMS = {} as Streams;

/** `--options` as words, with the options they give the job's command (defaults included). */
export interface JobOptions {
  readonly words: readonly string[];
  readonly parsed: Parsed;
}

/**
 * Splits `text` into words (shell-words.ts) and parses them as `command` will, after the two
 * markets' files (and classify's --trades) plan gives it.
 * @throws UsageError naming --options: shell syntax or an unbalanced quote, an option plan sets
 * itself, anything the command's parser refuses, or what its state run refuses whatever the range.
 */
export function jobOptionsOf(command: JobCommand, text: string): JobOptions {
  const words = shellWords(text, '--options');
  const cmd = DEFINITIONS[command](UNUSED_STREAMS)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .action(() => {});
  const ours = command === 'classify' ? ['--trades', 'TRADES'] : [];
  refusePlanSet(cmd, ours);
  try {
    cmd.parse(['SPOT', 'PERP', ...ours, ...words], { from: 'user' });
  } catch (e) {
    throw asOptionsError(e, command);
  }
  // The job runs with the --state plan gives it: its checks see one.
  const parsed = { ...cmd.opts(), state: 'STATE' };
  try {
    // The checks the command makes before it reads (its action's), then its state's.
    if (command !== 'classify') refuseTradeColumns(parsed as Pick<LayoutCliOptions, 'qtyCol' | 'sideCol'>, command);
    STATE_CHECKS[command](parsed, ALL_TIME);
  } catch (e) {
    throw e instanceof UsageError ? new UsageError(`--options: ${command}'s jobs would refuse them: ${e.message}`) : e;
  }
  refuseSharedOutput(parsed);
  return { words, parsed };
}

/**
 * Every job gets the same words, so a file an option names would be written by each job in turn,
 * the last one's rows left: classify's --dump-features (to standard output, `-`, each job's rows
 * go to its own output).
 * @throws UsageError naming the option and the file.
 */
function refuseSharedOutput(parsed: Parsed): void {
  const dump = (parsed as { dumpFeatures?: string }).dumpFeatures;
  if (dump !== undefined && dump !== '-') {
    throw new UsageError(`--options: every job would write its range's rows to --dump-features ${dump}, each over the last; give --dump-features - (each job's rows on its own standard output) and keep each job's output`);
  }
}

/**
 * Makes the parse throw when the words give an option plan writes itself (in any spelling
 * commander takes, `--start=…` included), before the option's own parser sees its value.
 * `ours`: the words plan puts before them (classify's --trades, given once).
 */
function refusePlanSet(cmd: Command, ours: readonly string[]): void {
  for (const [name, carries] of Object.entries(PLAN_SETS)) {
    let allowed = ours.includes(`--${name}`) ? 1 : 0;
    // First in line: commander's own listener would parse (and perhaps refuse) the value first.
    (cmd as unknown as EventEmitter).prependListener(`option:${name}`, () => {
      if (allowed-- > 0) return;
      throw new UsageError(`--options must not hold --${name}: plan gives every job ${carries}`);
    });
  }
}

/** A parse failure as a usage error about --options (commander's own errors say "error: …"). */
function asOptionsError(e: unknown, command: JobCommand): unknown {
  if (e instanceof UsageError) return e.message.startsWith('--options') ? e : new UsageError(`--options: ${e.message}`);
  if (!(e instanceof CommanderError)) return e;
  if (e.code === 'commander.helpDisplayed') return new UsageError("--options: --help shows a command's help; it is no option for a job");
  if (e.code === 'commander.excessArguments') return new UsageError(`--options holds options only, no files: plan gives every ${command} job its files`);
  // commander puts its suggestion on a line of its own; a usage error is one line.
  return new UsageError(`--options: ${e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')} (as ${command} reads it)`);
}

/**
 * The job owning `range` passes its command's state-run checks (JobOptions.parsed from
 * jobOptionsOf). A range off the command's --block edges — plan cuts at multiples of --every
 * from the first midnight — gets what to change; `job` names the job in messages.
 * @throws UsageError
 */
export function requireRunnableRange(command: JobCommand, parsed: Parsed, range: TimeRange, every: number, job: string, offset = 0): void {
  try {
    STATE_CHECKS[command](parsed, range);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const block = parsed.block as number;
    const off = offBlockEdge(range, block);
    if (off === undefined) throw new UsageError(`${job} would fail: ${e.message}`);
    throw new UsageError(
      `${job} would ${off.end} at ${isoMicros(off.t)}, not a multiple of ${command}'s --block ${duration(block)}, and ${command} --state needs whole blocks (so that the merge is exact); plan cuts at multiples of --every (${duration(every)}) from the first midnight${offset === 0 ? '' : `, shifted by --offset ${duration(offset)}`}: use a --block that divides a day (10s, 1min, 5min, 1h) and an --every${offset === 0 ? '' : ' and an --offset'} that ${offset === 0 ? 'is a multiple' : 'are multiples'} of it`,
    );
  }
}
