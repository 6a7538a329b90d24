/**
 * leadlag's command line as commander sees it: the program, its commands' definitions, how
 * commander's own endings (help shown, version shown, usage errors) map to exit codes, and the
 * corners of `leadlag help …` commander leaves open, with the one pointer to help every usage
 * error ends with (docs/pair.md, "Messages").
 * main.ts loads this module only for a command line that needs it (not `--version`), and it
 * loads only the definitions a command line needs (docs/performance.md, "Start-up").
 */
import { Command, CommanderError } from './options.js';
import { EXIT } from '../errors.js';
import type { Streams } from './context.js';
import { LEADLAG_VERSION } from './version.js';

const VERSION = LEADLAG_VERSION;

/** What a command's X-command.ts exports: its arguments, options and help, with a lazy action. */
type Definition = (io: Streams) => Command;

/**
 * Every command by name, in the order `leadlag --help` lists them. A definition is imported
 * only when the command line needs it: `leadlag pair …` and `leadlag help pair` load pair's
 * alone, any other command line loads them all.
 */
const DEFINITIONS: Readonly<Record<string, () => Promise<Definition>>> = {
  pair: async () => (await import('./commands/pair-command.js')).pairCommand,
  xcorr: async () => (await import('./commands/xcorr-command.js')).xcorrCommand,
  classify: async () => (await import('./commands/classify-command.js')).classifyCommand,
  inspect: async () => (await import('./commands/inspect-command.js')).inspectCommand,
  hy: async () => (await import('./commands/hy-command.js')).hyCommand,
  merge: async () => (await import('./commands/merge-command.js')).mergeCommand,
  plan: async () => (await import('./commands/plan-command.js')).planCommand,
  report: async () => {
    const { reportCommand } = await import('./commands/report-command.js');
    return (io) => reportCommand(io, VERSION);
  },
};

/**
 * The one command a command line is about — its first word, or the word after `help` — or
 * undefined (no command, or a word that is none). A command's help, errors and run never
 * mention the other commands, so the program needs only its definition.
 */
function namedCommand(args: readonly string[]): string | undefined {
  const name = args[0] === 'help' ? args[1] : args[0];
  return name !== undefined && Object.hasOwn(DEFINITIONS, name) ? name : undefined;
}

/** The program for the command line `args` (process.argv without node and the script). */
export async function buildProgram(io: Streams, args: readonly string[]): Promise<Command> {
  const named = namedCommand(args);
  const definitions = await Promise.all((named === undefined ? Object.keys(DEFINITIONS) : [named]).map((name) => DEFINITIONS[name]!()));
  const program = new Command('leadlag')
    .description('Who leads whom at the millisecond scale: jumps, lagged correlation and a lead-vs-noise classifier for two markets\' tick dumps (e.g. spot and its perpetual).')
    .version(VERSION, '-V, --version')
    // The program's own options (--version) come before the command: after it, a word such as
    // plan's `--options --version` is the command's, not a request for the version.
    .enablePositionalOptions()
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
71 a resource refused (memory for XGBoost), 73 cannot write an output file, 74 cannot write
standard output.
Run 'leadlag help <command>' for a command's options and a worked example.`,
    );
  for (const make of definitions) {
    const cmd = make(io);
    program.addCommand(cmd.exitOverride().showHelpAfterError(`(run 'leadlag help ${cmd.name()}' for usage)`).configureOutput(outputTo(io, MARKET_COMMANDS.has(cmd.name()))));
  }
  return program;
}

/** Commander's text goes to our streams; its error lines read like ours: `leadlag: …`. */
function outputTo(io: Streams, marketArgs = false) {
  return {
    writeOut: (s: string) => void io.stdout.write(s),
    writeErr: (s: string) => void io.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => {
      const message = withGlobHint(s.replace(/^error: /, ''));
      write(`leadlag: ${marketArgs ? withStdinHint(message) : message}`);
    },
  };
}

/** The commands whose arguments are markets' files (a comma list each), where `-,b.csv` is a list that begins with standard input. */
const MARKET_COMMANDS: ReadonlySet<string> = new Set(['pair', 'xcorr', 'hy', 'classify', 'report', 'inspect']);

/**
 * Too many arguments is most often a glob the shell expanded into its files (spot/*.csv gives
 * one argument per file): the message says so and how a market's files are given.
 */
function withGlobHint(message: string): string {
  if (!message.startsWith('too many arguments')) return message;
  return message.replace(/\n?$/, " If the shell expanded a glob into its files, quote it ('spot/*.csv.gz'), or give a directory or a comma list: each market is one argument.\n");
}

/**
 * A list that begins with standard input (`-,b.csv`) reads as an option to the parser: said as
 * what it is, the rule a list that holds `-` elsewhere meets (inputs.ts expandMarketArgs).
 */
function withStdinHint(message: string): string {
  const m = /^unknown option '(-,[^']*)'/.exec(message);
  if (m === null) return message;
  return `${m[1]!}: - (standard input) cannot be one of several files of a market\n`;
}

/**
 * The exit code of an ending commander has already printed (the help, the version or its own
 * message), or undefined when `e` is not commander's. --help, help CMD and --version succeed;
 * help shown because no command was given is a usage error. The two are told apart by the
 * command line, not by commander's exit code: for `help CMD` commander takes that from the
 * global process.exitCode, which an embedding process (a test runner) may have set.
 */
export function commanderExit(e: unknown, args: readonly string[]): number | undefined {
  if (!(e instanceof CommanderError)) return undefined;
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
  if (e.code === 'commander.help') return args[0] === 'help' ? EXIT.ok : EXIT.usage;
  return EXIT.usage;
}

/**
 * `leadlag help help` prints the general help (exit 0); `leadlag help NAME` for a command that
 * does not exist says so (exit 2) instead of printing the general help as if asked for it.
 * Returns the exit code when it handled the command line, undefined otherwise.
 */
export function helpRequest(program: Command, args: readonly string[], io: Streams): number | undefined {
  if (args[0] !== 'help' || args.length < 2) return undefined;
  const name = args[1]!;
  if (name === 'help') {
    program.outputHelp();
    return EXIT.ok;
  }
  if (name.startsWith('-') || program.commands.some((c) => c.name() === name)) return undefined;
  const names = program.commands.map((c) => c.name());
  io.stderr.write(`leadlag: unknown command '${name}' (commands: ${names.join(', ')})\n${usagePointer(program, args)}\n`);
  return EXIT.usage;
}

/** `(run 'leadlag help pair' for usage)` when the command line names a command, else the general one. */
export function usagePointer(program: Command, args: readonly string[]): string {
  const command = args.find((a) => program.commands.some((c) => c.name() === a));
  return command === undefined ? '(run with --help for usage)' : `(run 'leadlag help ${command}' for usage)`;
}
