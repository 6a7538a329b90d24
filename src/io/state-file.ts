/**
 * State files (docs/scale.md): a partial result written by `--state FILE` and read by
 * `leadlag merge`. Two lines of UTF-8 JSON:
 *
 *   line 1, the header: {"format":"leadlag-state","format_version":1,"leadlag_version":…,
 *           "command":…,"params":{…},"range":{…},…,"body_bytes":N,"body_sha256":"…",
 *           "header_sha256":"…"}
 *   line 2, the body:   the command's parts (JSON), exactly body_bytes bytes.
 *
 * The SHA-256 of the body and that of the header (its text before `header_sha256`) are checked
 * on reading, so a truncated or edited state is an error, never a wrong answer: the header's
 * range, ticks seen and parameters decide what merge prints as much as the body does. The
 * header stays readable with `head -1 FILE | jq`.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { DataError, UsageError } from '../errors.js';
import { openError } from './byte-source.js';
import { writeFileAtomic } from './atomic.js';
import type { ReadReport } from './types.js';
import { duration, isoMicros } from './output.js';

export const STATE_FORMAT = 'leadlag-state';
/** Raised when the meaning of a member changes; merge refuses states of another version. */
export const STATE_FORMAT_VERSION = 1;

export interface StateHeader {
  readonly format: string;
  readonly format_version: number;
  readonly leadlag_version: string;
  readonly command: string;
  readonly params: Record<string, unknown>;
  readonly [member: string]: unknown;
}

export interface StateFile<B = unknown> {
  readonly file: string;
  readonly header: StateHeader;
  readonly body: B;
}

/** Most of a file read to find a state's first line: headers are a few KiB (a file's fingerprint each). */
const HEADER_PEEK = 1 << 20;

/**
 * The command whose state the regular file `file` holds, from its first line (the header);
 * undefined when it is no regular file (a FIFO would block the read), cannot be read, or does not
 * start with a state header.
 */
export function stateCommandAt(file: string): string | undefined {
  const head = stateHeadAt(file);
  if (head === undefined) return undefined;
  if (typeof head === 'object') return head.format === STATE_FORMAT && typeof head.command === 'string' ? head.command : undefined;
  // A header longer than the read (thousands of input files): its first members say it all.
  return head.startsWith(`{"format":"${STATE_FORMAT}"`) ? /^\{"format":"[^"]*","format_version":\d+,"leadlag_version":"[^"]*","command":"([a-z]+)"/.exec(head)?.[1] : undefined;
}

/**
 * The state header the regular file `file` starts with, unverified (what a state at a path
 * would be replaced by is judged from it, not trusted); undefined as stateCommandAt, and for a
 * header longer than the read.
 */
export function stateHeaderAt(file: string): Partial<StateHeader> | undefined {
  const head = stateHeadAt(file);
  return typeof head === 'object' && head.format === STATE_FORMAT ? head : undefined;
}

/** The file's first line parsed, or its first HEADER_PEEK bytes when no line ends in them; undefined when it cannot be read (or is no regular file). */
function stateHeadAt(file: string): Partial<StateHeader> | string | undefined {
  let fd: number | undefined;
  try {
    if (!statSync(file).isFile()) return undefined;
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(HEADER_PEEK);
    const head = buf.subarray(0, readSync(fd, buf, 0, HEADER_PEEK, 0)).toString('utf8');
    const nl = head.indexOf('\n');
    if (nl < 0) return head;
    const header = parseJson(head.slice(0, nl)) as Partial<StateHeader> | undefined;
    return header !== null && typeof header === 'object' ? header : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A state run refuses a --state that holds another command's state: two plans writing into one
 * --states folder (pair's, then xcorr's) would otherwise replace the first's states with the
 * second's, job by job, without a word. A state of the same command is the job's own, rerun.
 * @throws UsageError naming the file and both commands.
 */
export function refuseOtherCommandsState(file: string, command: string): void {
  const held = stateCommandAt(file);
  if (held === undefined || held === command) return;
  throw new UsageError(`--state ${file} holds a ${held} state; this ${command} run would replace it: give ${command} its own --state (with plan, its own --states DIR), or remove the file`);
}

/**
 * Writes a state atomically (src/io/atomic.ts: a temporary file in the same directory, renamed
 * once complete), so a merge started when the jobs end never reads half a state. Returns the
 * bytes written.
 */
export async function writeStateFile(file: string, header: Omit<StateHeader, 'format' | 'format_version'>, body: unknown): Promise<number> {
  const text = stateText(header, body);
  await writeFileAtomic(file, text);
  return Buffer.byteLength(text, 'utf8');
}

/** A state file's text: the signed header line, then the body. */
function stateText(header: Omit<StateHeader, 'format' | 'format_version'>, body: unknown): string {
  const bodyText = JSON.stringify(body);
  const bodyBytes = Buffer.byteLength(bodyText, 'utf8');
  const head = { format: STATE_FORMAT, format_version: STATE_FORMAT_VERSION, ...header, body_bytes: bodyBytes, body_sha256: sha256(bodyText) };
  return `${signHeaderLine(head)}\n${bodyText}\n`;
}

/** What every command's state run records the same way. */
export interface StateRun {
  readonly version: string;
  readonly command: string;
  readonly label: string | undefined;
  /** The span all the jobs of the state's plan cover (--plan-span), when a plan wrote it. */
  readonly planSpan?: { readonly start: number; readonly end: number } | undefined;
  readonly params: object;
  readonly range: { readonly start: number; readonly end: number };
  readonly marginUs: number;
  /** Each input role's files as the reader reported them (a, b, and classify's trades). */
  readonly inputs: Readonly<Record<string, readonly ReadReport[]>>;
  /** Each role's files that held a header and no rows, left out of the read (multi.ts emptyFiles). */
  readonly emptyInputs?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Writes a state run's state: the members every command records (version, command, label,
 * parameters, owned range, margin, input fingerprints), then the command's own `header`
 * members, and the body. Returns the line a run prints on stderr (`detail`: what else to say,
 * e.g. the triggers).
 */
export async function writeRunState(file: string, run: StateRun, header: Readonly<Record<string, unknown>>, body: unknown, detail = ''): Promise<string> {
  const state = runStateText(file, run, header, body, detail);
  await writeFileAtomic(file, state.text);
  return state.wrote;
}

/** What writeRunState writes (`text`) and the line it returns (`wrote`), for a run that writes the state with other outputs (writeFilesAtomic). */
export function runStateText(file: string, run: StateRun, header: Readonly<Record<string, unknown>>, body: unknown, detail = ''): { text: string; wrote: string } {
  const text = stateText({
    leadlag_version: run.version,
    command: run.command,
    label: run.label ?? null,
    params: { ...run.params },
    range: { start_us: finiteOrNull(run.range.start), end_us: finiteOrNull(run.range.end) },
    ...(run.planSpan !== undefined ? { plan_span: { start_us: run.planSpan.start, end_us: run.planSpan.end } } : {}),
    margin_us: run.marginUs,
    inputs: Object.fromEntries(Object.entries(run.inputs).map(([role, reports]) => [role, inputFingerprints(reports, run.emptyInputs?.[role])])),
    ...header,
  }, body);
  const bytes = Buffer.byteLength(text, 'utf8');
  return { text, wrote: `leadlag: wrote ${file} (${bytes} bytes${detail}; range ${describeTime(run.range.start)} to ${describeTime(run.range.end)}, margin ${duration(run.marginUs)})\n` };
}

/** The span of the plan a state belongs to (--plan-span), or undefined when no plan wrote one. */
export function planSpanOf(s: StateFile): { readonly start: number; readonly end: number } | undefined {
  const p = (s.header as { plan_span?: { start_us: number; end_us: number } }).plan_span;
  return p === undefined ? undefined : { start: p.start_us, end: p.end_us };
}

/** The range a state owns, as writeRunState recorded it (null ends are open: ±Infinity). */
export function ownedRange(s: StateFile): { readonly start: number; readonly end: number } {
  const r = (s.header as unknown as { range: { start_us: number | null; end_us: number | null } }).range;
  return { start: r.start_us ?? -Infinity, end: r.end_us ?? Infinity };
}

/**
 * Whether two neighbouring states' ranges meet; false where a gap lies between them, which
 * `allowGaps` (--allow-gaps) accepts.
 * @throws DataError naming both for overlapping ranges, or for a gap without allowGaps.
 */
export function rangesMeet(prev: StateFile, next: StateFile, allowGaps: boolean): boolean {
  const files = `${prev.file} and ${next.file}`;
  const [p, n] = [ownedRange(prev), ownedRange(next)];
  if (n.start < p.end) throw new DataError(files, undefined, `overlapping ranges (${describeTime(p.start)} to ${describeTime(p.end)} and ${describeTime(n.start)} to ${describeTime(n.end)}); every instant must belong to one state`);
  if (n.start > p.end && !allowGaps) throw new DataError(files, undefined, `missing range ${describeTime(p.end)} to ${describeTime(n.start)} between the states; run its job, or pass --allow-gaps`);
  return n.start === p.end;
}

/**
 * Reads and verifies a state file.
 * @throws OpenError when it cannot be read; DataError when it is not a state, is of another
 *   format version, or its body is truncated or edited (length or SHA-256 mismatch).
 */
export function readStateFile(file: string): StateFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw openError(file, e);
  }
  const nl = text.indexOf('\n');
  const header = parseJson(nl < 0 ? text : text.slice(0, nl)) as StateHeader | undefined;
  if (header === undefined || typeof header !== 'object' || header.format !== STATE_FORMAT) {
    throw new DataError(file, 1, 'not a leadlag state file (its first line is not a leadlag-state header); states are written by pair, xcorr, hy and classify with --state');
  }
  if (header.format_version !== STATE_FORMAT_VERSION) {
    throw new DataError(file, 1, `state format version ${String(header.format_version)} (written by leadlag ${String(header.leadlag_version)}); this leadlag reads version ${STATE_FORMAT_VERSION}: rerun the job with this version`);
  }
  if (!headerSigned(nl < 0 ? text : text.slice(0, nl))) {
    const why = header.header_sha256 === undefined ? 'has no checksum (header_sha256): it was written by an older leadlag, or edited' : 'does not match its checksum (header_sha256): the file is edited';
    throw new DataError(file, 1, `the state's header ${why}; rerun its job`);
  }
  const rest = nl < 0 ? '' : text.slice(nl + 1);
  const bodyText = rest.endsWith('\n') ? rest.slice(0, -1) : rest;
  if (Buffer.byteLength(bodyText, 'utf8') !== header.body_bytes || sha256(bodyText) !== header.body_sha256) {
    throw new DataError(file, 2, `the state's body does not match its checksum (${Buffer.byteLength(bodyText, 'utf8')} bytes, header says ${String(header.body_bytes)}): the file is truncated or edited; rerun its job`);
  }
  const body = parseJson(bodyText);
  if (body === undefined) throw new DataError(file, 2, 'the state\'s body is not JSON');
  return { file, header, body };
}

/**
 * A state's header line: the header's JSON followed by `header_sha256`, the SHA-256 of that
 * JSON, as its last member (any `header_sha256` given is replaced).
 */
export function signHeaderLine(header: Readonly<Record<string, unknown>>): string {
  const { header_sha256: _old, ...rest } = header;
  const text = JSON.stringify(rest);
  return `${text.slice(0, -1)},"header_sha256":"${sha256(text)}"}`;
}

/** Whether a header line ends with the header_sha256 of the text before it (signHeaderLine). */
function headerSigned(line: string): boolean {
  const m = /,"header_sha256":"([0-9a-f]{64})"\}$/.exec(line);
  return m !== null && sha256(`${line.slice(0, m.index)}}`) === m[1];
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A state's record of the files it read: name, size (null when it cannot be stat'ed, e.g. `-`), first and last timestamp. */
export function inputFingerprints(reports: readonly ReadReport[], empty: readonly string[] = []): InputFingerprint[] {
  const read = reports.map((r) => ({ name: r.file, bytes: sizeOf(r.file), first_us: finiteOrNull(r.firstTime), last_us: finiteOrNull(r.lastTime), ...quietOf(r), ...skippedOf(r) }));
  // A file without rows is one the job met: the states on either side of a cut in its day both name it (merge's checkFilesAtCuts).
  return [...read, ...empty.map((name) => ({ name, bytes: sizeOf(name), first_us: null, last_us: null, empty: true as const }))];
}

/** A file as a state records it; `quiet` (and `quiet_more`) only where the read met a quiet spell, so other states keep their bytes. */
export interface InputFingerprint {
  readonly name: string;
  readonly bytes: number | null;
  readonly first_us: number | null;
  readonly last_us: number | null;
  /** The quiet spells the read met ([from_us, to_us] each: ReadReport.quiet), for merge to warn of them as the one run does. */
  readonly quiet?: readonly (readonly [number, number])[];
  /** More spells than ReadReport.quiet keeps. */
  readonly quiet_more?: true;
  /** A file with a header and no rows, left out of the read (merge warns of it as the one run does). */
  readonly empty?: true;
  /**
   * The rows the read skipped, by kind in order of first appearance (ReadReport.skipped), for
   * merge to list them as the one run's JSON does (`skipped_rows`, src/cli/skipped-rows.ts).
   */
  readonly skipped?: readonly { readonly kind: string; readonly count: number; readonly first_lines: readonly number[] }[];
}

/** `skipped` only where the read skipped a row, so that other states keep their bytes. */
function skippedOf(r: ReadReport): Pick<InputFingerprint, 'skipped'> {
  if (r.skipped.length === 0) return {};
  return { skipped: r.skipped.map((s) => ({ kind: s.kind, count: s.count, first_lines: [...s.firstLines] })) };
}

function quietOf(r: ReadReport): Pick<InputFingerprint, 'quiet' | 'quiet_more'> {
  const q = r.quiet;
  if (q === undefined || q.count === 0) return {};
  return { quiet: q.spells.map((s) => [s.from, s.to] as const), ...(q.count > q.spells.length ? { quiet_more: true as const } : {}) };
}

/**
 * How a state's recorded input is matched with a file elsewhere (another state's, a plan's job's):
 * its base name and size. A state records the path its job was given, and one file may be spelt
 * two ways (relative and absolute, a re-run from another directory, a node's scratch copy); the
 * base name alone is not enough (Binance's spot and futures daily files share names).
 */
export function inputMatchKey(name: string, bytes: unknown): string {
  return `${basename(name)}\u0000${String(bytes)}`;
}

/** inputMatchKey of a file as a state would record it now (its size, null when it cannot be stat'ed). */
export function inputMatchKeyOf(path: string): string {
  return inputMatchKey(path, sizeOf(path));
}

function sizeOf(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

/** JSON has no infinities: an unbounded end is null. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** A µs time in messages about states, to the µs as every command's messages give it; '…' for an unbounded end. */
export function describeTime(us: number): string {
  return Number.isFinite(us) ? isoMicros(us) : '…';
}

/** The reader options a state records among its parameters (how the files were read changes every number). */
export interface ReaderParamOptions {
  readonly clock?: string;
  readonly timeUnit?: string;
  readonly sort?: boolean;
  readonly skipBadRows?: boolean;
  readonly timeCol?: readonly string[];
  readonly priceCol?: readonly string[];
  readonly bidCol?: readonly string[];
  readonly askCol?: readonly string[];
  readonly qtyCol?: readonly string[];
  readonly sideCol?: readonly string[];
  readonly timeFormat?: readonly string[];
  readonly delimiter?: string;
}

/**
 * The reader part of every command's state parameters, one shape for all: the clock, the time
 * unit, --sort, --skip-bad-rows and the column layout (`trades`: with the trades' quantity and
 * side columns, for classify). merge requires them equal.
 */
export function readerParams(o: ReaderParamOptions, trades = false) {
  return {
    clock: o.clock ?? null,
    time_unit: o.timeUnit ?? null,
    sort: o.sort === true,
    skip_bad_rows: o.skipBadRows === true,
    layout: {
      time_col: o.timeCol ?? null,
      price_col: o.priceCol ?? null,
      bid_col: o.bidCol ?? null,
      ask_col: o.askCol ?? null,
      ...(trades ? { qty_col: o.qtyCol ?? null, side_col: o.sideCol ?? null } : {}),
      time_format: o.timeFormat ?? null,
      delimiter: o.delimiter ?? null,
    },
  };
}

/** What a state says about one market's ticks read (null in the state: none read). */
export interface TicksSeenJson {
  readonly first_us: number;
  readonly last_us: number;
  readonly ticks: number;
  /**
   * The last tick at or before the history limit (the range's end minus what the next range's
   * first values look back: max|τ| + 1 grid steps for xcorr, the features' look-back for
   * classify), null when none: the next range's history, which the merge checks it read.
   */
  readonly history_end_us: number | null;
}

/** Watches one market's ticks as a state run reads them: first, last, count and the history tick. */
export class TicksSeen {
  private first = NaN;
  private last = NaN;
  private ticks = 0;
  private historyEnd: number | null = null;

  constructor(private readonly historyLimit: number) {}

  push(b: { readonly length: number; readonly t: Float64Array }): void {
    if (b.length === 0) return;
    if (this.ticks === 0) this.first = b.t[0]!;
    this.last = b.t[b.length - 1]!;
    this.ticks += b.length;
    // Batches arrive in time order: the batch's last tick at or before the limit, if any.
    for (let i = b.length - 1; i >= 0; i--) {
      if (b.t[i]! <= this.historyLimit) {
        this.historyEnd = b.t[i]!;
        break;
      }
    }
  }

  json(): TicksSeenJson | null {
    return this.ticks === 0 ? null : { first_us: this.first, last_us: this.last, ticks: this.ticks, history_end_us: this.historyEnd };
  }
}
