/**
 * The entry point: builds the command line, runs one command, and is the only place that
 * turns errors into messages and exit codes (see EXIT in errors.ts). A closed stdout
 * (`leadlag … | head`) ends the program quietly with exit 0.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, StdoutError, UsageError, escapeControl, isExpectedError } from '../errors.js';
import { helpRequest, usagePointer } from './help.js';
import type { Streams } from './context.js';
import { pairCommand } from './commands/pair-command.js';
import { xcorrCommand } from './commands/xcorr-command.js';
import { classifyCommand } from './commands/classify-command.js';
import { inspectCommand } from './commands/inspect-command.js';
import { hyCommand } from './commands/hy-command.js';
import { mergeCommand } from './commands/merge-command.js';
import { planCommand } from './commands/plan-command.js';
import { LEADLAG_VERSION } from './version.js';
import { reportCommand } from './commands/report-command.js';

const VERSION = LEADLAG_VERSION;

export function buildProgram(io: Streams): Command {
  const program = new Command('leadlag')
    .description('Who leads whom at the millisecond scale: jumps, lagged correlation and a lead-vs-noise classifier for two markets\' tick dumps (e.g. spot and its perpetual).')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput(outputTo(io))
    .addHelpText(
      'after',
      `
Examples:
  leadlag pair spot_quotes.csv.gz perp_quotes.csv.gz
  leadlag xcorr spot.csv perp.csv --lags -5..5 --format csv
  leadlag classify spot.csv perp.csv --trades spot_trades.csv --balanced
  leadlag inspect spot.csv perp.csv.gz trades.zip
  leadlag plan 'spot/*.csv.gz' 'perp/*.csv.gz' --emit commands | parallel
  leadlag merge states/*.state --format json
  leadlag report spot.csv perp.csv --html report.html

Exit codes: 0 ok, 2 usage error, 65 bad data, 66 cannot open input, 70 internal error,
73 cannot write an output file, 74 cannot write standard output.
Run 'leadlag help <command>' for a command's options and a worked example.`,
    );
  for (const make of [pairCommand, xcorrCommand, classifyCommand, inspectCommand, hyCommand, mergeCommand, planCommand, (s: Streams) => reportCommand(s, VERSION)]) {
    const cmd = make(io);
    program.addCommand(cmd.exitOverride().showHelpAfterError(`(run 'leadlag help ${cmd.name()}' for usage)`).configureOutput(outputTo(io)));
  }
  return program;
}

/** Commander's text goes to our streams; its error lines read like ours: `leadlag: …`. */
function outputTo(io: Streams) {
  return {
    writeOut: (s: string) => void io.stdout.write(s),
    writeErr: (s: string) => void io.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => write(`leadlag: ${s.replace(/^error: /, '')}`),
  };
}

/** Runs leadlag with `argv` (as process.argv) and exits the process with the right code. */
export async function main(argv: string[]): Promise<void> {
  const io: Streams = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  const stdout = watchStdout();
  // A message that cannot be written (stderr closed or on a full disk) must not change the exit code.
  process.stderr.on('error', () => {});
  let code = await run(argv, io);
  await flushed(process.stdout);
  if (code === EXIT.ok && stdout.failure !== undefined) code = report(stdout.failure, io);
  process.exitCode = code;
  // Workers or the XGBoost runtime may hold the event loop open; the result is written.
  setImmediate(() => process.exit(code));
}

/** Runs one command line and returns the exit code; never throws. */
export async function run(argv: string[], io: Streams): Promise<number> {
  const program = buildProgram(io);
  const args = argv.slice(2);
  try {
    const handled = helpRequest(program, args, io);
    if (handled !== undefined) return handled;
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    const code = report(e, io);
    // Bad option values end like commander's own usage errors: with the way to the help.
    if (e instanceof UsageError) io.stderr.write(`${usagePointer(program, args)}\n`);
    return code;
  }
}

function report(e: unknown, io: Streams): number {
  if (e instanceof CommanderError) {
    // Commander has printed its own message (or the help / version text).
    // --help, help CMD and --version succeed; help shown because no command was given
    // (commander's exit code 1) is a usage error.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
    if (e.code === 'commander.help') return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return EXIT.usage;
  }
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
