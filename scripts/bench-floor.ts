/**
 * The machine's floor for reading the benchmark's inputs: count the newlines of each file, one
 * worker thread per file, 4 MiB reads. No parsing, no analysis: what any CSV tool must at least
 * pay to touch every byte on this machine. `npm run bench` divides each command's wall time by
 * this process's.
 *
 * --read-only: the same reads without the count, what reading the bytes alone costs (the bench
 * takes its CPU time for the least .gz / plain ratio: a .gz run is spared only the reads).
 *
 *   node dist/scripts/bench-floor.js [--read-only] FILE...
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { closeSync, openSync, readSync } from 'node:fs';

/** The file's newlines (or, with `count` false, its bytes read and nothing else). */
function countNewlines(file: string, count: boolean): number {
  const buf = Buffer.allocUnsafe(1 << 22);
  const fd = openSync(file, 'r');
  let lines = 0;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      if (!count) lines += n;
      else for (let i = buf.indexOf(10, 0); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

if (isMainThread) {
  const readOnly = process.argv[2] === '--read-only';
  const files = process.argv.slice(readOnly ? 3 : 2);
  const counts = await Promise.all(
    files.map(
      (file) =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(new URL(import.meta.url), { workerData: { file, count: !readOnly } });
          w.once('message', resolve).once('error', reject);
        }),
    ),
  );
  process.stdout.write(`${JSON.stringify(readOnly ? { files, bytes: counts } : { files, lines: counts })}\n`);
} else {
  const { file, count } = workerData as { file: string; count: boolean };
  parentPort!.postMessage(countNewlines(file, count));
}
