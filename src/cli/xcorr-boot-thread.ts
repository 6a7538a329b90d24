/**
 * xcorr's block bootstrap on both cores. Every replicate recomputes every lag's r from the
 * blocks' parts (xcorr-bootstrap.ts): R · blocks · 3 · lags multiply-adds, about 1.4 s for 2 001
 * lags over an hour of 10 s blocks at R = 1 000, after the read, when both cores are free.
 * The lags split in two slices; a worker (xcorr-boot-worker.ts) computes the later one while this
 * thread computes the first. A slice's replicates are the same numbers on either thread (the same
 * additions in the same order), so the result is bootstrapXcorr's bit for bit; if the worker
 * fails, its slice is computed here.
 */
import { Worker } from 'node:worker_threads';
import { bootSlice, bootstrapFromSlices, bootstrapXcorr, replicateSlice, xSideOf, type BootSlice, type XcorrBootstrap } from '../core/xcorr-bootstrap.js';
import type { XcorrParts } from '../core/xcorr-cells.js';

const WORKER_URL = new URL('./xcorr-boot-worker.js', import.meta.url);
/**
 * Multiply-adds below which one thread does it all: a worker's start-up (about 40 ms) would
 * cost more than half of the work saves (2·10⁸ take about 0.14 s on one core).
 */
const MIN_WORK = 2e8;

export interface BootWorkerData {
  readonly slice: BootSlice;
  readonly counts: Uint32Array;
}

/**
 * bootstrapXcorr(parts, counts), on two threads when the work is large enough to pay for the
 * second. `requireWorker` (tests): throw when the worker fails instead of computing its slice here.
 */
export async function bootstrapXcorrThreaded(parts: XcorrParts, counts: Uint32Array, options: { readonly requireWorker?: boolean } = {}): Promise<XcorrBootstrap> {
  const lags = parts.lags.length;
  const blocks = parts.cells;
  const replicates = blocks === 0 ? 0 : counts.length / blocks;
  if (lags < 2 || replicates * blocks * 3 * lags < MIN_WORK) return bootstrapXcorr(parts, counts);
  const half = Math.ceil(lags / 2);
  const x = xSideOf(parts, counts);
  const far = bootSlice(parts, counts, half, lags, x);
  const remote = runOnWorker({ slice: far, counts });
  const near = replicateSlice(bootSlice(parts, counts, 0, half, x), counts);
  const fromWorker = await remote;
  if (fromWorker === undefined && options.requireWorker === true) throw new Error('the bootstrap worker delivered no replicates');
  const farR = fromWorker ?? replicateSlice(far, counts);
  return bootstrapFromSlices(lags, replicates, [near, farR]);
}

/** The slice's replicates from a worker; undefined when the worker could not deliver them. */
function runOnWorker(data: BootWorkerData): Promise<Float64Array | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, { workerData: data });
    } catch {
      resolve(undefined);
      return;
    }
    const done = (r: Float64Array | undefined): void => {
      resolve(r);
      void worker.terminate();
    };
    worker.once('message', (r: Float64Array) => done(r));
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined));
  });
}
