/**
 * The worker side of xcorr-boot-thread.ts: waits for one slice of lags, sends back its
 * replicates and their intervals.
 */
import { parentPort } from 'node:worker_threads';
import { intervalsOf, replicateSlice } from '../core/xcorr-bootstrap.js';
import type { BootWorkerData, BootWorkerReply } from './xcorr-boot-thread.js';

parentPort!.once('message', ({ slice, counts }: BootWorkerData) => {
  const r = replicateSlice(slice, counts);
  const reply: BootWorkerReply = { r, intervals: intervalsOf(r, slice.replicates) };
  parentPort!.postMessage(reply, [r.buffer as ArrayBuffer]);
});
