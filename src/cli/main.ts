/**
 * The entry point: builds the command line, runs one command, and is the only place that
 * turns errors into messages and exit codes (see EXIT in errors.ts). A closed stdout
 * (`leadlag … | head`) ends the program quietly with exit 0.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError, isExpectedError } from '../errors.js';
import { helpRequest, usagePointer } from './help.js';
import type { Streams } from './context.js';
import { pairCommand } from './commands/pair.js';
import { xcorrCommand } from './commands/xcorr.js';
import { classifyCommand } from './commands/classify.js';
import { inspectCommand } from './commands/inspect.js';
import { hyCommand } from './commands/hy.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

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

Exit codes: 0 ok, 2 usage error, 65 bad data, 66 cannot open input, 70 internal error,
73 cannot write an output file.
Run 'leadlag help <command>' for a command's options and a worked example.`,
    );
  for (const make of [pairCommand, xcorrCommand, classifyCommand, inspectCommand, hyCommand]) {
    program.addCommand(make(io).exitOverride().showHelpAfterError(`(run 'leadlag help ${make.name.replace('Command', '')}' for usage)`).configureOutput(outputTo(io)));
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
  exitQuietlyOnClosedPipe();
  const code = await run(argv, io);
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
    io.stderr.write(`leadlag: ${e.message}\n`);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.stderr.write(`leadlag: internal error: ${message}, please report\n`);
  if (io.env.LEADLAG_DEBUG === '1' && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  return EXIT.internal;
}

function isEpipe(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EPIPE';
}

function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    throw err;
  });
}
