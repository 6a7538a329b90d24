/**
 * A worker thread that runs inspect's scans (inspectInput, inspect-scan.ts) one file at a time
 * and posts back what it found (inspect-thread.ts starts it): {type:'progress', progress} while
 * it reads, then {type:'done', quality} or {type:'error', error: SerializedError}. The first
 * file comes as workerData, each next one as {type:'scan', request} once the last is done: a
 * lane of inspect's scans keeps one thread for its files (inspect-thread.ts, ScanThread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { inspectInput, type InspectScanOptions } from './inspect-scan.js';
import { serializeError } from './thread-errors.js';

/** What the main thread passes: the file, and the scan's options without functions. */
export interface InspectWorkerRequest {
  readonly path: string;
  readonly opts: Omit<InspectScanOptions, 'onProgress' | 'stdin'>;
  readonly progress: boolean;
}

/** The next file for a scan thread whose last scan is done. */
export interface ScanMessage {
  readonly type: 'scan';
  readonly request: InspectWorkerRequest;
}

async function run(port: NonNullable<typeof parentPort>, req: InspectWorkerRequest): Promise<void> {
  try {
    const quality = await inspectInput(req.path, {
      ...req.opts,
      onProgress: req.progress ? (progress) => port.postMessage({ type: 'progress', progress }) : undefined,
    });
    port.postMessage({ type: 'done', quality });
  } catch (e) {
    port.postMessage({ type: 'error', error: serializeError(e) });
  }
}

/** The thread's scans in turn; the port's listener keeps it alive until the main thread ends it. */
function serve(port: NonNullable<typeof parentPort>, first: InspectWorkerRequest): void {
  let scanning = run(port, first);
  port.on('message', (m: ScanMessage) => {
    if (m.type === 'scan') scanning = scanning.then(() => run(port, m.request));
  });
}

if (parentPort) serve(parentPort, workerData as InspectWorkerRequest);
