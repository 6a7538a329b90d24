/**
 * The worker side of xcorr-boot-thread.ts: waits for one slice of lags and the plan of the
 * draws, draws them, sends back the slice's replicates and their intervals.
 */
import { parentPort } from 'node:worker_threads';
import { intervalsOf, replicatesOf, replicateSlice } from '../core/xcorr-bootstrap.js';
import type { BootWorkerData, BootWorkerReply } from './xcorr-boot-thread.js';

parentPort!.once('message', ({ slice, plan }: BootWorkerData) => {
  const r = replicateSlice(slice, plan);
  const reply: BootWorkerReply = { r, intervals: intervalsOf(r, replicatesOf(plan)) };
  parentPort!.postMessage(reply, [r.buffer as ArrayBuffer]);
});
