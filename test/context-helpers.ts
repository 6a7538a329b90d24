/** A Context for running commands in-process: stdout and stderr collected as text. */
import { Writable } from 'node:stream';
import { Context } from '../src/cli/context.js';
import type { CommonOptions } from '../src/cli/options.js';

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
