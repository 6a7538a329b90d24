/**
 * Jobs for a scheduler (docs/scale.md): the span of a pair's daily files cut into ranges of
 * one length on the absolute clock, each with the files it must read — its own days and the
 * neighbouring days its margins reach into.
 */

/** A file holding one UTC day (its name carries the date). */
export interface DayFile {
  readonly path: string;
  /** [start, end) of the day, µs. */
  readonly start: number;
  readonly end: number;
}

export interface Job {
  /** Position of the job within its pair (0, 1, …). */
  readonly n: number;
  /** The owned range [start, end), µs. */
  readonly start: number;
  readonly end: number;
  /** The files of each market the job reads. */
  readonly a: readonly string[];
  readonly b: readonly string[];
  /** The trades files it reads (classify jobs; empty otherwise). */
  readonly trades: readonly string[];
}

/**
 * Cuts [first day, last day + 1 d) into ranges of `everyUs` (aligned on the absolute clock,
 * shifted by `offsetUs`: the cuts lie at k·every + offset; the first and last ranges cut to the
 * days), each reading the files whose day meets [start − margin, end + margin). A day without a
 * file in either market still gets its job (the merge needs every range; a day in one market
 * only is refused before, firstUnmatchedDay). Trades files (classify) are chosen like the
 * quotes but do not widen the span. Cost O(jobs × files).
 */
export function planJobs(a: readonly DayFile[], b: readonly DayFile[], everyUs: number, marginUs: number, trades: readonly DayFile[] = [], offsetUs = 0): Job[] {
  const c = cutsOf(a, b, everyUs, offsetUs);
  if (c === undefined) return [];
  const jobs: Job[] = [];
  const cut = (k: number) => k * everyUs + offsetUs;
  for (let k = c.from; k < c.to; k++) {
    const start = Math.max(cut(k), c.first);
    const end = Math.min(cut(k + 1), c.last);
    const reads = (files: readonly DayFile[]) => files.filter((f) => f.end > start - marginUs && f.start < end + marginUs).map((f) => f.path);
    jobs.push({ n: jobs.length, start, end, a: reads(a), b: reads(b), trades: reads(trades) });
  }
  return jobs;
}

/** The number of jobs {@link planJobs} makes of these files, without making them. O(files). */
export function jobCount(a: readonly DayFile[], b: readonly DayFile[], everyUs: number, offsetUs = 0): number {
  const c = cutsOf(a, b, everyUs, offsetUs);
  return c === undefined ? 0 : c.to - c.from;
}

/**
 * The span [first, last) of the markets' days and the cuts k·every + offset that split it: k
 * from the cut at or before `first` up to (not including) the first at or after `last`, one
 * job each. Undefined without files.
 */
function cutsOf(a: readonly DayFile[], b: readonly DayFile[], everyUs: number, offsetUs: number): { first: number; last: number; from: number; to: number } | undefined {
  const all = [...a, ...b];
  if (all.length === 0) return undefined;
  const first = Math.min(...all.map((f) => f.start));
  const last = Math.max(...all.map((f) => f.end));
  return { first, last, from: Math.floor((first - offsetUs) / everyUs), to: Math.ceil((last - offsetUs) / everyUs) };
}

/**
 * The first day (its start, µs) that has a file in some of the lists and none in another, with
 * the index of the first list that lacks it; undefined when every list holds the same days. A
 * day missing from one market is a download that failed, not a quiet day: its jobs would read
 * the neighbouring days' files for their margins and never say that the day is missing.
 * O(files · lists).
 */
export function firstUnmatchedDay(lists: readonly (readonly DayFile[])[]): { day: number; missing: number } | undefined {
  const days = lists.map((files) => new Set(files.map((f) => f.start)));
  const all = [...new Set(days.flatMap((d) => [...d]))].sort((x, y) => x - y);
  for (const day of all) {
    const missing = days.findIndex((d) => !d.has(day));
    if (missing >= 0) return { day, missing };
  }
  return undefined;
}
