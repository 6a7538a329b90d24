/**
 * The worker side of xcorr-boot-thread.ts: waits for one slice of lags and the plan of the
 * draws, draws them, sends back the slice's replicates (r, s* and ŝ) and their intervals.
 */
import { parentPort } from 'node:worker_threads';
import { intervalsOf, replicatesOf, replicateSlice } from '../core/xcorr-bootstrap.js';
import type { BootWorkerData, BootWorkerReply } from './xcorr-boot-thread.js';

parentPort!.once('message', ({ slice, plan }: BootWorkerData) => {
  const out = replicateSlice(slice, plan);
  const reply: BootWorkerReply = { ...out, intervals: intervalsOf(out.r, replicatesOf(plan)) };
  parentPort!.postMessage(reply, [out.r.buffer as ArrayBuffer, out.spread.buffer as ArrayBuffer, out.own.buffer as ArrayBuffer]);
});
