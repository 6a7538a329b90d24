/**
 * The bench's one-thread-per-file processes (bench-floor.ts, bench-inflate.ts): the script runs
 * itself in a worker thread for each file and gathers what each posts back.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * In the main thread: starts `script` (its import.meta.url) once per file, as a worker given the
 * file, and resolves to what each posts, in the files' order. In a worker: posts `perFile(file)`
 * and resolves to undefined.
 */
export async function perFileThreads<T>(script: string, files: readonly string[], perFile: (file: string) => T | Promise<T>): Promise<T[] | undefined> {
  if (!isMainThread) {
    parentPort!.postMessage(await perFile(workerData as string));
    return undefined;
  }
  return Promise.all(
    files.map(
      (file) =>
        new Promise<T>((resolve, reject) => {
          const w = new Worker(new URL(script), { workerData: file });
          w.once('message', resolve).once('error', reject);
        }),
    ),
  );
}
