/**
 * Errors are types: thrown where the problem is found, turned into a message and
 * an exit code only by the entry point (src/cli/main.ts).
 */

/** Exit codes, after BSD sysexits(3), so scripts can tell "you called me wrong" from "your file is bad". */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  data: 65,
  noInput: 66,
  internal: 70,
  /** EX_OSERR: the system refused the process a resource it needs (address space for WebAssembly memory). */
  osError: 71,
  cannotCreate: 73,
  /** EX_IOERR: standard output could not be written (a full disk, an I/O error); a closed pipe is not one. */
  ioError: 74,
} as const;

/** A bad command line: unknown option, unparsable or out-of-range value. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT.usage;
}

/**
 * Bad data in an input file. Exit 65. `line` is 1-based (the header is line 1);
 * `value` is the offending text, quoted in the message.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly exitCode = EXIT.data;
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
    readonly value?: string,
  ) {
    super(formatLocated(file, line, problem, value));
  }
}

/** A file that cannot be opened or read at all (missing, directory, permission, corrupt gzip). Exit 66. */
export class OpenError extends Error {
  override readonly name = 'OpenError';
  readonly exitCode = EXIT.noInput;
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${shownName(file)}: ${problem}`);
  }
}

/** An output file (`--dump-features`, `--save-model`) that cannot be written. Exit 73. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
  readonly exitCode = EXIT.cannotCreate;
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${shownName(file)}: cannot write: ${problem}`);
  }
}

/**
 * The system refused a resource the command cannot do without: XGBoost's WebAssembly memory,
 * whose address space (about 10 GiB in V8, almost none of it ever used) a low `ulimit -v`
 * refuses. Exit 71. (The parser's and the correlator's kernels fall back to JavaScript instead.)
 */
export class ResourceError extends Error {
  override readonly name = 'ResourceError';
  readonly exitCode = EXIT.osError;
}

/** Standard output failed for a reason other than a closed pipe (e.g. `>/dev/full`). Exit 74. */
export class StdoutError extends Error {
  override readonly name = 'StdoutError';
  readonly exitCode = EXIT.ioError;
  constructor(readonly problem: string) {
    super(`cannot write to standard output: ${problem}`);
  }

  /** The StdoutError for a failed write (an errno error from the stream). */
  static from(err: unknown): StdoutError {
    if (err instanceof StdoutError) return err;
    const e = err as NodeJS.ErrnoException | null;
    return new StdoutError(STDOUT_PROBLEMS[e?.code ?? ''] ?? e?.message ?? String(err));
  }
}

const STDOUT_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EIO: 'input/output error',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EAGAIN: 'the output would block (a non-blocking descriptor)',
};

/**
 * A file name as messages show it: control characters (a newline, a tab, an escape…) become
 * visible escapes such as `\n` or `\x1b`, so every message stays on one line and a name cannot
 * move the cursor or fake a second message.
 */
export function shownName(name: string): string {
  return escapeControl(name);
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Every control character of `s` as a printable escape (`\n`, `\r`, `\t`, else `\xNN`). */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function formatLocated(file: string, line: number | undefined, problem: string, value?: string): string {
  const where = line === undefined ? shownName(file) : `${shownName(file)}:${line}`;
  const shown = value === undefined ? '' : `: ${JSON.stringify(truncate(value, 80))}`;
  return `${where}: ${problem}${shown}`;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/** True for the errors the entry point prints as one line without a stack. */
export function isExpectedError(e: unknown): e is UsageError | DataError | OpenError | OutputError | StdoutError | ResourceError {
  return e instanceof UsageError || e instanceof DataError || e instanceof OpenError || e instanceof OutputError || e instanceof StdoutError || e instanceof ResourceError;
}
