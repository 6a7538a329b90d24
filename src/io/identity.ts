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
 * Whether `file` can be read again from its start: a regular file (after links). Standard input,
 * a FIFO, a process substitution (/dev/fd/N) or a character device yields its bytes once; a
 * second open waits for a writer that is gone, or reads nothing. A path that cannot be
 * inspected counts as readable again (opening it reports the problem).
 */
export function readableTwice(file: string): boolean {
  if (file === '-') return false;
  try {
    return statSync(file).isFile();
  } catch {
    return true;
  }
}
