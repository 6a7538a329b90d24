/**
 * The entry point: runs one command line (commander's program is in program.ts, loaded only
 * when needed) and is the only place that turns errors into messages and exit codes (see EXIT
 * in errors.ts). A closed stdout (`leadlag … | head`) ends the program quietly with exit 0.
 */
import { EXIT, StdoutError, UsageError, escapeControl, isExpectedError } from '../errors.js';
import type { Streams } from './context.js';
import { fstatSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { LEADLAG_VERSION } from './version.js';

/** Runs leadlag with `argv` (as process.argv) and exits the process with the right code. */
export async function main(argv: string[]): Promise<void> {
  const stdout = watchStdout();
  const io: Streams = { stdout: onRegularFile(1) ? fileStdout(stdout) : process.stdout, stderr: process.stderr, env: process.env };
  // A message that cannot be written (stderr closed or on a full disk) must not change the exit code.
  process.stderr.on('error', () => {});
  let code = await run(argv, io);
  // Both streams: a long message on a pipe was cut at the pipe's 64 KiB when the exit came first.
  await Promise.all([flushed(io.stdout), flushed(process.stderr)]);
  if (code === EXIT.ok && stdout.failure !== undefined) code = report(stdout.failure, io);
  process.exitCode = code;
  // Workers or the XGBoost runtime may hold the event loop open; the result is written.
  setImmediate(() => process.exit(code));
}

/** Runs one command line and returns the exit code; never throws. */
export async function run(argv: string[], io: Streams): Promise<number> {
  const args = argv.slice(2);
  if (isVersionRequest(args)) {
    io.stdout.write(`${LEADLAG_VERSION}\n`);
    return EXIT.ok;
  }
  const { buildProgram, commanderExit, helpRequest, usagePointer } = await import('./program.js');
  const program = await buildProgram(io, args);
  try {
    const handled = helpRequest(program, args, io);
    if (handled !== undefined) return handled;
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    const code = commanderExit(e, args) ?? report(e, io);
    // Bad option values end like commander's own usage errors: with the way to the help.
    if (e instanceof UsageError) io.stderr.write(`${usagePointer(program, args)}\n`);
    return code;
  }
}

/**
 * `leadlag --version` (or `-V`) alone: answered without loading commander and the commands,
 * with the text and exit code commander gives for it (start-up, docs/performance.md). Other
 * command lines holding --version are commander's, as before.
 */
function isVersionRequest(args: readonly string[]): boolean {
  return args.length === 1 && (args[0] === '--version' || args[0] === '-V');
}

/** The exit code of an error of ours or an unexpected one, after saying it on stderr. */
function report(e: unknown, io: Streams): number {
  if (isEpipe(e)) return EXIT.ok;
  if (isExpectedError(e)) {
    say(io, `leadlag: ${e.message}`);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  say(io, `leadlag: internal error: ${message}, please report`);
  if (io.env.LEADLAG_DEBUG === '1' && e instanceof Error && e.stack) say(io, e.stack, false);
  return EXIT.internal;
}

/** One line on stderr, control characters escaped; a stderr that cannot be written is ignored. */
function say(io: Streams, line: string, oneLine = true): void {
  try {
    io.stderr.write(`${oneLine ? escapeControl(line) : line}\n`);
  } catch {
    // nowhere left to complain; the exit code still tells
  }
}

function isEpipe(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EPIPE';
}

/**
 * A closed stdout (`leadlag … | head`) ends the program quietly with exit 0, at once. Any other
 * write error (`>/dev/full`) is kept, to be reported as one line with exit 74 once the command
 * is over (the command's own write sees it too, see Context.emit).
 */
function watchStdout(): { failure: StdoutError | undefined } {
  const state: { failure: StdoutError | undefined } = { failure: undefined };
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    state.failure ??= StdoutError.from(err);
  });
  return state;
}

/** Whether descriptor `fd` is a regular file (`> out.csv`), not a pipe or a terminal. */
function onRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/**
 * Standard output on a regular file, written in full. Node's stream for a file writes each chunk
 * with one writeSync and drops what a short write leaves, which a nearly full disk makes: the
 * output was cut mid-table with exit 0. Here the rest is written until it is all written or the
 * write fails (ENOSPC: exit 74, one line), as the output files are (atomic.ts writeAll).
 */
function fileStdout(state: { failure: StdoutError | undefined }): Streams['stdout'] {
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        for (let at = 0; at < chunk.length; ) at += writeSync(1, chunk, at, chunk.length - at);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
  // A writer that passes no callback (--version, help) learns of a failure here, as from process.stdout.
  out.on('error', (err) => (state.failure ??= StdoutError.from(err)));
  return out;
}

/** Resolves once everything written so far has been handed to the system (or failed). */
function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    try {
      stream.write('', () => resolve());
    } catch {
      resolve();
    }
  });
}
