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
  const ka = fileKey(a);
  return ka !== undefined && ka === fileKey(b);
}

/** A regular file's identity, "dev:ino" (links followed); undefined for anything else or a path that cannot be inspected. */
export function fileKey(path: string): string | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
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
