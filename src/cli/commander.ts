/**
 * commander, loaded with `require`. Under Node 20, `import … from 'commander'` reads the
 * package's ESM wrapper, then reads and lexes its CommonJS entry for the export names, and
 * then requires it anyway; `require` alone saves ~8 ms of CPU on every `--help` (start-up,
 * docs/performance.md). Same module instance either way, so `instanceof` holds across both.
 */
import { createRequire } from 'node:module';
import type * as commander from 'commander';

const loaded = createRequire(import.meta.url)('commander') as typeof commander;

export const Command = loaded.Command;
export type Command = commander.Command;
export const Option = loaded.Option;
export type Option = commander.Option;
export const CommanderError = loaded.CommanderError;
export type CommanderError = commander.CommanderError;
