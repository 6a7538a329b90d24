/**
 * inspect's scans on both cores. Each file's scan (inspectInput) runs in a worker thread when
 * the file is a regular file large enough to repay a worker's start, at most two at a time, so
 * that two quote files are scanned side by side instead of one after the other (over the bench
 * hour the scans were a third of inspect's time, all on the main thread). The result is the
 * same object either way; an error comes back as the same class (thread-errors.ts).
 */
import { Worker } from 'node:worker_threads';
import { inspectInput, type FileQuality, type InspectScanOptions } from './inspect-scan.js';
import type { InspectWorkerRequest, ScanMessage } from './inspect-worker.js';
import { ReaderKeeper } from './reader-keeper.js';
import { wantWorker } from './sources.js';
import { deserializeError, type SerializedError } from './thread-errors.js';
import type { Progress } from './types.js';

const WORKER_URL = new URL('./inspect-worker.js', import.meta.url);
/** Scans at once: one per core of this 2-core design, as the readers. */
export const SCANS_AT_ONCE = 2;

type InspectWorkerMessage = { type: 'progress'; progress: Progress } | { type: 'done'; quality: FileQuality } | { type: 'error'; error: SerializedError };

/**
 * inspectInput(input, o), in a worker thread where the readers would parse the file in one (a
 * regular file of 4 MiB or more, sources.ts; `worker` true or false decides instead), the
 * thread of `lane` when given; standard input and other streams stay here.
 */
export async function inspectFile(input: string, o: InspectScanOptions, worker?: boolean, lane?: ScanThread): Promise<FileQuality> {
  if (!(input !== '-' && wantWorker(input, worker))) return inspectInput(input, o);
  if (lane !== undefined) return lane.scan(input, o);
  const own = new ScanThread();
  try {
    return await own.scan(input, o);
  } finally {
    own.close();
  }
}

/**
 * A lane's scan thread: one worker scans the lane's files in turn (inspect-worker.ts), kept
 * between two scans as a stream keeps its reader (reader-keeper.ts). A worker per file started
 * a thread and compiled the scanner again for each: over the bench hour cut into six files,
 * `inspect` of the spot files took 1.6–2.0 s of CPU against 0.9–1.0 s for the whole file. A file
 * the scan refuses leaves the thread as it was; a thread that crashes or exits, during a scan or
 * between two, is dropped and the next scan starts another. One scan at a time; `close` ends the
 * thread, idle or scanning (the caller's, once its lanes are done).
 */
export class ScanThread {
  /** The thread between two scans. */
  private readonly idle = new ReaderKeeper();
  /** The thread of the scan under way. */
  private scanning: Worker | undefined;
  /** Threads this lane has started (tests: one for all its files while none dies). */
  started = 0;

  async scan(path: string, o: InspectScanOptions): Promise<FileQuality> {
    if (this.scanning !== undefined) throw new RangeError('ScanThread: one scan at a time');
    const { onProgress, stdin: _stdin, ...opts } = o;
    const request: InspectWorkerRequest = { path, opts, progress: onProgress !== undefined };
    let worker = this.idle.take();
    if (worker === undefined) {
      worker = new Worker(WORKER_URL, { workerData: request });
      this.started++;
    } else worker.postMessage({ type: 'scan', request } satisfies ScanMessage);
    this.scanning = worker;
    let alive = true;
    try {
      return await scanOn(worker, path, onProgress, () => (alive = false));
    } finally {
      this.scanning = undefined;
      // Neither crashed nor exited (nor ended by close()): kept for the lane's next file.
      if (alive) this.idle.keep(worker);
    }
  }

  /** Ends the lane's thread, if it has one. */
  close(): void {
    this.idle.end();
    void this.scanning?.terminate();
  }
}

/**
 * What `worker` posts back for the scan of `path`: its quality, or the file's error; or the
 * thread's crash or exit, after which it is ended and `lost` called.
 */
function scanOn(worker: Worker, path: string, onProgress: InspectScanOptions['onProgress'], lost: () => void): Promise<FileQuality> {
  return new Promise((resolve, reject) => {
    const settle = (done: () => void, alive: boolean): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (!alive) {
        lost();
        void worker.terminate();
      }
      done();
    };
    const onMessage = (m: InspectWorkerMessage): void => {
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'done') settle(() => resolve(m.quality), true);
      else settle(() => reject(deserializeError(m.error)), true);
    };
    const onError = (e: Error): void => settle(() => reject(e), false);
    const onExit = (code: number): void => settle(() => reject(new Error(`${path}: the inspect worker exited (code ${code}) before its scan was done`)), false);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * Runs `scan` on every task, at most `limit` at a time (in lanes 0 … limit − 1, each task on
 * one), and gives each outcome in the tasks' order: its value, or the error it threw (the
 * caller decides which errors are the file's).
 */
export async function inOrder<T, R>(tasks: readonly T[], limit: number, scan: (task: T, lane: number) => Promise<R>): Promise<Array<{ value: R } | { error: unknown }>> {
  const out = new Array<{ value: R } | { error: unknown }>(tasks.length);
  let next = 0;
  const lane = async (_: unknown, k: number): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      try {
        out[i] = { value: await scan(tasks[i]!, k) };
      } catch (error) {
        out[i] = { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return out;
}
