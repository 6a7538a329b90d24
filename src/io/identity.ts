/**
 * What an input argument is, beyond its name: whether two name the same file, and whether one
 * can be read a second time.
 */
import { statSync } from 'node:fs';

/**
 * Whether two input arguments name the same file: same device and inode, so a path, a symbolic
 * link to it and a hard link all count as one. Standard input and paths that cannot be
 * inspected count as different (the reader reports those on its own).
 */
export function sameFile(a: string, b: string): boolean {
  if (a === '-' || b === '-') return false;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.isFile() && sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * Whether an input argument can be read again from its start: a regular file or a directory of
 * them (after links). Standard input, a FIFO, a process substitution (/dev/fd/N) or a character
 * device yields its bytes once; a second open waits for a writer that is gone, or reads nothing.
 * A path that cannot be inspected (a glob, a list, a missing file) counts as readable again:
 * expanding or opening it reports its own problem.
 */
export function readableTwice(arg: string): boolean {
  if (arg === '-') return false;
  try {
    const st = statSync(arg);
    return st.isFile() || st.isDirectory();
  } catch {
    return true;
  }
}

/** How a message names an input {@link readableTwice} refuses. */
export function readOnceText(arg: string): string {
  return arg === '-' || arg === '<stdin>' ? '- (standard input)' : `${arg}, which can be read only once (a pipe or a device)`;
}
