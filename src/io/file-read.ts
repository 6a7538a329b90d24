/**
 * Reads from a regular file at a position. In a worker thread the read is synchronous: the
 * thread is the reader's own, and an asynchronous read there cost more than the copy it waits
 * for — a trip through libuv's thread pool and back through the event loop for every 1 MiB,
 * which the bench hour's perp worker spent 80–130 ms waiting on besides the promise's own
 * work, where the synchronous reads take about 0.1 s in all. Sequential reads of a file on disk
 * still overlap the parsing through the kernel's read-ahead. The main thread, which also draws
 * progress and handles signals, keeps asynchronous reads.
 */
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';

/** Bytes read into buf[offset, offset + len) from `position` (0 at the end of the file). */
export async function readAt(fh: FileHandle, buf: Uint8Array, offset: number, len: number, position: number): Promise<number> {
  if (!isMainThread) return readSync(fh.fd, buf, offset, len, position);
  return (await fh.read(buf, offset, len, position)).bytesRead;
}
