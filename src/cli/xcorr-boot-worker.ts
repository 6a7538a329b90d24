/** The worker side of xcorr-boot-thread.ts: the replicates of one slice of lags and their intervals, sent back. */
import { parentPort, workerData } from 'node:worker_threads';
import { intervalsOf, replicateSlice } from '../core/xcorr-bootstrap.js';
import type { BootWorkerData, BootWorkerReply } from './xcorr-boot-thread.js';

const { slice, counts } = workerData as BootWorkerData;
const r = replicateSlice(slice, counts);
const reply: BootWorkerReply = { r, intervals: intervalsOf(r, slice.replicates) };
parentPort!.postMessage(reply, [r.buffer as ArrayBuffer]);
