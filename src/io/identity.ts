/**
 * Whether two input arguments name the same file: same device and inode, so a path, a symbolic
 * link to it and a hard link all count as one. Standard input and paths that cannot be
 * inspected count as different (the reader reports those on its own).
 */
import { statSync } from 'node:fs';

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
