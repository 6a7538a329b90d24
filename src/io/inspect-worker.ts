/**
 * A worker thread that runs inspect's scan of one file (inspectInput, inspect-scan.ts) and
 * posts back what it found (inspect-thread.ts starts it): {type:'progress', progress} while
 * it reads, then {type:'done', quality} or {type:'error', error: SerializedError}.
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

async function run(port: NonNullable<typeof parentPort>, req: InspectWorkerRequest): Promise<void> {
  try {
    const quality = await inspectInput(req.path, {
      ...req.opts,
      onProgress: req.progress ? (progress) => port.postMessage({ type: 'progress', progress }) : undefined,
    });
    port.postMessage({ type: 'done', quality });
  } catch (e) {
    port.postMessage({ type: 'error', error: serializeError(e) });
  } finally {
    port.close();
  }
}

if (parentPort) void run(parentPort, workerData as InspectWorkerRequest);
