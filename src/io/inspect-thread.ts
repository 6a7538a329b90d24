/**
 * inspect's scans on both cores. Each file's scan (inspectInput) runs in a worker thread when
 * the file is a regular file large enough to repay a worker's start, at most two at a time, so
 * that two quote files are scanned side by side instead of one after the other (over the bench
 * hour the scans were a third of inspect's time, all on the main thread). The result is the
 * same object either way; an error comes back as the same class (thread-errors.ts).
 */
import { Worker } from 'node:worker_threads';
import { inspectInput, type FileQuality, type InspectScanOptions } from './inspect-scan.js';
import type { InspectWorkerRequest } from './inspect-worker.js';
import { wantWorker } from './sources.js';
import { deserializeError, type SerializedError } from './thread-errors.js';
import type { Progress } from './types.js';

const WORKER_URL = new URL('./inspect-worker.js', import.meta.url);
/** Scans at once: one per core of this 2-core design, as the readers. */
export const SCANS_AT_ONCE = 2;

type InspectWorkerMessage = { type: 'progress'; progress: Progress } | { type: 'done'; quality: FileQuality } | { type: 'error'; error: SerializedError };

/**
 * inspectInput(input, o), in a worker thread where the readers would parse the file in one (a
 * regular file of 4 MiB or more, sources.ts; `worker` true or false decides instead); standard
 * input and other streams stay here.
 */
export function inspectFile(input: string, o: InspectScanOptions, worker?: boolean): Promise<FileQuality> {
  return input !== '-' && wantWorker(input, worker) ? inWorker(input, o) : inspectInput(input, o);
}

function inWorker(path: string, o: InspectScanOptions): Promise<FileQuality> {
  const { onProgress, stdin: _stdin, ...opts } = o;
  const request: InspectWorkerRequest = { path, opts, progress: onProgress !== undefined };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: request });
    let settled = false;
    const settle = (done: () => void): void => {
      if (settled) return;
      settled = true;
      worker.removeAllListeners();
      void worker.terminate();
      done();
    };
    worker.on('message', (m: InspectWorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'done') settle(() => resolve(m.quality));
      else settle(() => reject(deserializeError(m.error)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`${path}: the inspect worker exited (code ${code}) before its scan was done`))));
  });
}

/**
 * Runs `scan` on every task, at most `limit` at a time, and gives each outcome in the tasks'
 * order: its value, or the error it threw (the caller decides which errors are the file's).
 */
export async function inOrder<T, R>(tasks: readonly T[], limit: number, scan: (task: T) => Promise<R>): Promise<Array<{ value: R } | { error: unknown }>> {
  const out = new Array<{ value: R } | { error: unknown }>(tasks.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      try {
        out[i] = { value: await scan(tasks[i]!) };
      } catch (error) {
        out[i] = { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return out;
}
