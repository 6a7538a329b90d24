/** The worker side of xcorr-boot-thread.ts: the replicates of one slice of lags, sent back. */
import { parentPort, workerData } from 'node:worker_threads';
import { replicateSlice } from '../core/xcorr-bootstrap.js';
import type { BootWorkerData } from './xcorr-boot-thread.js';

const { slice, counts } = workerData as BootWorkerData;
const r = replicateSlice(slice, counts);
parentPort!.postMessage(r, [r.buffer as ArrayBuffer]);
