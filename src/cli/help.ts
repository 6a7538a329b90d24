/**
 * The corners of `leadlag help …` commander leaves open, and the one pointer to help every
 * usage error ends with (docs/pair.md, "Messages").
 */
import type { Command } from 'commander';
import { EXIT } from '../errors.js';
import type { Streams } from './context.js';

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
