/**
 * What inflating the benchmark's gzip copies costs on this machine, alone: each file inflated
 * by leadlag's own reader (src/io/inflate.ts: zlib's engine, synchronously, into one reused
 * 4 MiB buffer), one worker thread per file, nothing parsed. `npm run bench` reads this
 * process's CPU time to state the least `.gz` / plain ratio that the machine's cores allow.
 *
 *   node dist/scripts/bench-inflate.js FILE.gz...
 */
import { perFileThreads } from './bench-threads.js';
import { open } from 'node:fs/promises';
import { inflatingSource, syncInflaterAvailable } from '../src/io/inflate.js';

async function inflatedBytes(file: string): Promise<number> {
  const fh = await open(file, 'r');
  const source = inflatingSource(file, fh, (await fh.stat()).size);
  const buf = new Uint8Array(1 << 22);
  let bytes = 0;
  try {
    for (let n; (n = await source.readInto(buf, 0, buf.length)) > 0; ) bytes += n;
  } finally {
    await source.close(); // closes fh too
  }
  return bytes;
}

// Where zlib's handle is not as inflate.ts expects, leadlag reads .gz through the stream instead.
if (!syncInflaterAvailable()) throw new Error("bench-inflate: zlib's native handle is not what src/io/inflate.ts expects on this Node");
const files = process.argv.slice(2);
const bytes = await perFileThreads(import.meta.url, files, inflatedBytes);
if (bytes !== undefined) process.stdout.write(`${JSON.stringify({ files, bytes })}\n`);
