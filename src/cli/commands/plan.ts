/**
 * `leadlag plan SPOT PERP` (or `--manifest FILE` for many pairs): one line per job — the pair,
 * the owned range and the files it reads — as TSV or as complete `leadlag pair … --state …`
 * commands, for GNU parallel, a Slurm job array or a Kubernetes Indexed Job (docs/scale.md,
 * examples/).
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { Context, type Streams } from '../context.js';
import { parseWindowLength } from '../options.js';
import { DataError, OpenError, UsageError } from '../../errors.js';
import { dayFromName } from '../../io/paths.js';
import { expandMarketArgs } from '../inputs.js';
import { planJobs, type DayFile, type Job } from '../../core/plan.js';
import { isoMicros } from '../../io/output.js';

export interface PlanOptions {
  manifest?: string;
  every: number;
  margin: number;
  emit: 'tsv' | 'commands';
  states: string;
  options: string;
  leadlag: string;
  label?: string;
}

export function planCommand(io: Streams): Command {
  const cmd = new Command('plan')
    .summary('print one job per day (or --every) for a scheduler: pair name, range, files, command')
    .description('Turn daily files (one UTC day each, the date YYYY-MM-DD in the name) into jobs that each own a time range and write a state (pair --state), for GNU parallel, a Slurm job array or a Kubernetes Indexed Job; leadlag merge then prints the run over all of them. With --manifest, one set of jobs per symbol pair.')
    .argument('[spot]', 'the first market\'s daily files (a comma list, a directory or a quoted glob)')
    .argument('[perp]', 'the second market\'s daily files')
    .option('--manifest <FILE>', 'CSV or TSV with the columns pair,spot_files,perp_files (files as a directory or a quoted-free glob), one line per symbol pair')
    .addOption(new Option('--every <DUR>', 'length of each job\'s range (aligned on the absolute clock)').argParser((v) => parseWindowLength(v, '--every')).default(86_400_000_000, '1d'))
    .addOption(new Option('--margin <DUR>', 'read files this far around each range (at least pair\'s margin: 1 s + W + D + G + 10 × --null-step)').argParser((v) => parseWindowLength(v, '--margin')).default(600_000_000, '10m'))
    .addOption(new Option('--emit <form>', 'tsv: job, pair, start, end, files, state; commands: one complete command per line').choices(['tsv', 'commands']).default('tsv'))
    .option('--states <DIR>', 'where the jobs write their states', 'states')
    .option('--options <TEXT>', 'options given to every pair job (e.g. "--threshold 1bp --by 1h")', '')
    .option('--leadlag <PATH>', 'the leadlag the commands call', 'leadlag')
    .option('--label <NAME>', 'the pair\'s name without --manifest (default: pair)');
  cmd.addHelpText(
    'after',
    `
Examples:
  $ leadlag plan 'spot/*.csv.gz' 'perp/*.csv.gz' --options '--threshold 1bp' --emit commands | parallel
  $ leadlag merge states/*.state --format json
  $ leadlag plan --manifest pairs.csv --emit commands > jobs.txt   # then a Slurm array or an Indexed Job runs line $INDEX`,
  );
  return cmd.action(async (spot: string | undefined, perp: string | undefined, o: PlanOptions) => {
    const lines = runPlan(spot, perp, o);
    await new Context(io, { format: 'tsv' }).writeStdout(lines.map((l) => `${l}\n`).join(''));
  });
}

/** The plan's lines (TSV with a header, or commands). */
export function runPlan(spot: string | undefined, perp: string | undefined, o: PlanOptions): string[] {
  const pairs = o.manifest !== undefined ? readManifest(o.manifest) : [{ pair: o.label ?? 'pair', a: spot, b: perp }];
  if (o.manifest !== undefined && (spot !== undefined || perp !== undefined)) throw new UsageError('give either the two markets\' files or --manifest, not both');
  const lines: string[] = o.emit === 'tsv' ? [['job', 'pair', 'n', 'start', 'end', 'spot_files', 'perp_files', 'state'].join('\t')] : [];
  let job = 0;
  for (const p of pairs) {
    if (p.a === undefined || p.b === undefined) throw new UsageError('plan needs the two markets\' daily files (or --manifest)');
    const [a, b] = expandMarketArgs([p.a, p.b]).map(dayFiles) as [DayFile[], DayFile[]];
    for (const j of planJobs(a, b, o.every, o.margin)) {
      requireFiles(p.pair, j);
      const state = `${o.states.replace(/\/$/, '')}/${p.pair}-${String(j.n).padStart(4, '0')}.state`;
      if (o.emit === 'tsv') lines.push([job, p.pair, j.n, isoMicros(j.start), isoMicros(j.end), j.a.join(','), j.b.join(','), state].join('\t'));
      else lines.push(commandOf(p.pair, j, state, o));
      job++;
    }
  }
  return lines;
}

function commandOf(pair: string, j: Job, state: string, o: PlanOptions): string {
  const args = [o.leadlag, 'pair', j.a.join(','), j.b.join(','), '--start', isoMicros(j.start), '--end', isoMicros(j.end), '--label', pair, '--state', state];
  return [...args.map(shellQuote), o.options.trim()].filter((x) => x !== '').join(' ');
}

/** Each file's UTC day from its name; a file without one cannot be planned. */
function dayFiles(paths: readonly string[]): DayFile[] {
  return paths.map((path) => {
    const day = dayFromName(path);
    if (day === undefined) throw new UsageError(`${path}: plan needs the date (YYYY-MM-DD) of the day a file holds in its name`);
    return { path, ...day };
  });
}

function requireFiles(pair: string, j: Job): void {
  const missing = j.a.length === 0 ? 'first' : j.b.length === 0 ? 'second' : undefined;
  if (missing !== undefined) throw new DataError(pair, undefined, `no file of the ${missing} market near ${isoMicros(j.start)} to ${isoMicros(j.end)}; every day needs its files in both markets`);
}

/** `pair,spot_files,perp_files` per line, comma- or tab-separated, an optional header line. */
function readManifest(file: string): { pair: string; a: string; b: string }[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new OpenError(file, (e as Error).message);
  }
  const out: { pair: string; a: string; b: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const cells = line.split(line.includes('\t') ? '\t' : ',').map((c) => c.trim());
    if (i === 0 && cells[0] === 'pair') return;
    if (cells.length !== 3 || cells.some((c) => c === '')) throw new DataError(file, i + 1, 'a manifest line is pair,spot_files,perp_files', line);
    if (!/^[A-Za-z0-9_.-]+$/.test(cells[0]!)) throw new DataError(file, i + 1, 'a pair name may hold letters, digits, _ . and - (it names the state files)', cells[0]);
    out.push({ pair: cells[0]!, a: cells[1]!, b: cells[2]! });
  });
  if (out.length === 0) throw new DataError(file, undefined, 'the manifest lists no pair');
  return out;
}

/** A word for a POSIX shell: as is when safe, else single-quoted. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@+%-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}
