/**
 * Running commands in-process: a Context with stdout and stderr collected as text, and whole
 * command lines through the entry point's `run` (leadlagInProcess).
 */
import { Writable } from 'node:stream';
import { Context } from '../src/cli/context.js';
import { run } from '../src/cli/main.js';
import type { CommonOptions } from '../src/cli/options.js';
import type { CliResult } from './cli-helpers.js';

export interface FakeContext {
  readonly ctx: Context;
  stdout(): string;
  stderr(): string;
}

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

export function fakeContext(common: Partial<CommonOptions> = {}): FakeContext {
  const out = sink();
  const err = sink();
  const ctx = new Context({ stdout: out.stream, stderr: err.stream, env: {} }, { format: 'json', quiet: false, ...common });
  return { ctx, stdout: out.text, stderr: err.text };
}

/**
 * `leadlag ARGS` in this process: the entry point's `run` (parsing, the command, its output and
 * its exit code, as main() would exit with) on collected stdout and stderr, with the
 * environment leadlag() gives the built CLI. For what a command computes and prints; what is
 * about the process — standard input, pipes, signals, a write error on the real stdout — needs
 * the built CLI (cli-helpers.ts leadlag()). It saves that process's start and module loading.
 */
export async function leadlagInProcess(args: string[], opts: { env?: Record<string, string> } = {}): Promise<CliResult> {
  const out = sink();
  const err = sink();
  const env = { ...process.env, NO_COLOR: '', FORCE_COLOR: '', LEADLAG_DEBUG: '', ...opts.env };
  const code = await run(['node', 'leadlag', ...args], { stdout: out.stream, stderr: err.stream, env });
  return { code, stdout: out.text(), stderr: err.text() };
}
