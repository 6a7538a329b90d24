/**
 * `leadlag plan SPOT PERP` (or `--manifest FILE` for many pairs): one line per job — the pair,
 * the owned range and the files it reads — as TSV or as complete `leadlag pair … --state …`
 * commands, for GNU parallel, a Slurm job array or a Kubernetes Indexed Job (docs/scale.md,
 * examples/).
 */
import { readFileSync } from 'node:fs';
import { Context, type Streams } from '../context.js';
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

/** What `leadlag plan` does once parsed; plan-command.ts defines the command and loads this module only when it runs. */
export async function planAction(io: Streams, spot: string | undefined, perp: string | undefined, o: PlanOptions): Promise<void> {
  const lines = runPlan(spot, perp, o);
  await new Context(io, { format: 'tsv' }).writeStdout(lines.map((l) => `${l}\n`).join(''));
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
