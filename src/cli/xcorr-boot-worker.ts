/**
 * The worker side of xcorr-boot-thread.ts: takes slices of lags with the plans of their draws,
 * one at a time, draws them, and sends back each slice's replicates and their intervals.
 */
import { parentPort } from 'node:worker_threads';
import { intervalsOf, replicatesOf, replicateSlice } from '../core/xcorr-bootstrap.js';
import type { BootWorkerData, BootWorkerReply } from './xcorr-boot-thread.js';

parentPort!.on('message', ({ slice, plan, into }: BootWorkerData) => {
  const size = (slice.k1 - slice.k0) * replicatesOf(plan);
  const r = replicateSlice(slice, plan, into?.length === size ? into : undefined);
  const reply: BootWorkerReply = { r, intervals: intervalsOf(r, replicatesOf(plan)) };
  parentPort!.postMessage(reply, [r.buffer as ArrayBuffer]);
});
