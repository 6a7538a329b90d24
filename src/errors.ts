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
  cannotCreate: 73,
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
    super(`${file}: ${problem}`);
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
    super(`${file}: cannot write: ${problem}`);
  }
}

function formatLocated(file: string, line: number | undefined, problem: string, value?: string): string {
  const where = line === undefined ? file : `${file}:${line}`;
  const shown = value === undefined ? '' : `: ${JSON.stringify(truncate(value, 80))}`;
  return `${where}: ${problem}${shown}`;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/** True for the errors the entry point prints as one line without a stack. */
export function isExpectedError(e: unknown): e is UsageError | DataError | OpenError | OutputError {
  return e instanceof UsageError || e instanceof DataError || e instanceof OpenError || e instanceof OutputError;
}
