/**
 * The machine's floor for reading the benchmark's inputs: count the newlines of each file, one
 * worker thread per file, 4 MiB reads. No parsing, no analysis: what any CSV tool must at least
 * pay to touch every byte on this machine. `npm run bench` divides each command's wall time by
 * this process's.
 *
 *   node dist/scripts/bench-floor.js FILE...
 */
import { perFileThreads } from './bench-threads.js';
import { closeSync, openSync, readSync } from 'node:fs';

function countNewlines(file: string): number {
  const buf = Buffer.allocUnsafe(1 << 22);
  const fd = openSync(file, 'r');
  let lines = 0;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      for (let i = buf.indexOf(10, 0); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

const files = process.argv.slice(2);
const counts = await perFileThreads(import.meta.url, files, countNewlines);
if (counts !== undefined) process.stdout.write(`${JSON.stringify({ files, lines: counts })}\n`);
