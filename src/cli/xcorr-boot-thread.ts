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
import type { BlockDrawPlan, Interval } from '../core/bootstrap.js';
import { bootSlice, bootstrapXcorr, intervalsOf, replicateParts, replicatesOf, xSideOf, type BootSlice, type XcorrBootstrap } from '../core/xcorr-bootstrap.js';
import type { XcorrParts } from '../core/xcorr-cells.js';

const WORKER_URL = new URL('./xcorr-boot-worker.js', import.meta.url);
/**
 * Multiply-adds below which one thread does it all (10⁹ take about 0.2 s on one core). A worker
 * starts in 40–80 ms, but its start-up takes about 0.2 s of CPU (a new heap, the modules loaded
 * and compiled again, its memory faulted in), which slows the read it overlaps as much as half
 * of a smaller bootstrap saves: `xcorr --lags 50..500` on a 1 ms grid over the bench hour
 * (4.9·10⁸) was faster on one thread.
 */
const MIN_WORK = 1e9;

/**
 * The share of the lags this thread takes. The worker's code is cold (its first and only slice
 * runs partly unoptimised) and the slice reaches it by message: with half each, the main thread
 * waited 90 ms of 2 001 lags' 0.35 s for it over the bench hour.
 */
const NEAR_SHARE = 0.57;

/** Whether the bootstrap of `lags` lags × `replicates` over `blocks` blocks goes to two threads (from `minWork` multiply-adds). */
export function bootWorkWanted(lags: number, replicates: number, blocks: number, minWork = MIN_WORK): boolean {
  return lags >= 2 && replicates * blocks * 3 * lags >= minWork;
}

export interface BootWorkerData {
  readonly slice: BootSlice;
  /** The worker draws the replicates itself: sending them would copy R · blocks counts (a gigabyte for a month). */
  readonly plan: BlockDrawPlan;
}

/** What the worker sends back: its slice's replicates (lag k at k·R) and their intervals. */
export interface BootWorkerReply {
  readonly r: Float64Array;
  readonly intervals: (Interval | null)[];
}

/**
 * bootstrapXcorr(parts, plan), on two threads when the work is large enough to pay for the
 * second. Each thread draws the replicates and takes its slice's intervals. `requireWorker`
 * (tests): throw when the worker fails instead of computing its slice here; `minWork` (tests):
 * the threshold of bootWorkWanted, lower to reach the worker on small inputs.
 */
export async function bootstrapXcorrThreaded(parts: XcorrParts, plan: BlockDrawPlan, options: { readonly requireWorker?: boolean; readonly worker?: BootWorker; readonly minWork?: number } = {}): Promise<XcorrBootstrap> {
  const lags = parts.lags.length;
  const blocks = parts.cells;
  const replicates = replicatesOf(plan);
  if (!bootWorkWanted(lags, replicates, blocks, options.minWork)) {
    options.worker?.close();
    return bootstrapXcorr(parts, plan);
  }
  // At least one lag each (2 lags: one and one).
  const half = Math.min(lags - 1, Math.ceil(lags * NEAR_SHARE));
  const x = xSideOf(parts);
  const far = bootSlice(parts, half, lags, x);
  const remote = runOnWorker({ slice: far, plan }, options.worker ?? new BootWorker());
  // The near slice's replicates go straight into the whole array; the far ones are copied in.
  const r = new Float64Array(lags * replicates);
  const near = replicateParts(parts, 0, half, plan, r.subarray(0, half * replicates), x);
  const nearIntervals = intervalsOf(near, replicates);
  const fromWorker = await remote;
  if (fromWorker === undefined && options.requireWorker === true) throw new Error('the bootstrap worker delivered no replicates');
  const farR = r.subarray(half * replicates);
  // A worker that failed may have taken the slice's arrays with it: this thread computes those lags from the parts.
  if (fromWorker === undefined) replicateParts(parts, half, lags, plan, farR, x);
  else farR.set(fromWorker.r);
  return { replicates, r, intervals: [...nearIntervals, ...(fromWorker?.intervals ?? intervalsOf(farR, replicates))] };
}

/**
 * The bootstrap's worker, which can be started before it is needed: a worker takes 40–80 ms to
 * start, and started once the read is over that time lies on the run's critical path. xcorr
 * starts it during the read, once the blocks seen make the work large enough for it. It waits,
 * unreferenced (it never keeps the process alive), for one slice; `close` ends it unused.
 */
export class BootWorker {
  private worker: Worker | undefined;
  /** Failed to start, died, used or closed: no worker to hand out. */
  private gone = false;

  /** Starts the worker if it is not started yet (and has not failed). */
  start(): void {
    if (this.worker !== undefined || this.gone) return;
    try {
      const worker = new Worker(WORKER_URL);
      worker.unref();
      const lost = (): void => {
        if (this.worker === worker) this.gone = true;
      };
      worker.on('error', lost);
      worker.on('exit', lost);
      this.worker = worker;
    } catch {
      this.gone = true;
    }
  }

  /** The started worker, handed out once (started now if it was not); undefined when it could not start or has died. */
  take(): Worker | undefined {
    this.start();
    const worker = this.gone ? undefined : this.worker;
    if (worker === undefined) this.close();
    this.worker = undefined;
    this.gone = true;
    return worker;
  }

  /** Ends the worker if it was started and not handed out. */
  close(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.gone = true;
    if (worker !== undefined) void worker.terminate();
  }
}

/** The slice's replicates and intervals from the holder's worker; undefined when the worker could not deliver them. */
function runOnWorker(data: BootWorkerData, holder: BootWorker): Promise<BootWorkerReply | undefined> {
  const worker = holder.take();
  if (worker === undefined) return Promise.resolve(undefined);
  worker.ref();
  return new Promise((resolve) => {
    const done = (reply: BootWorkerReply | undefined): void => {
      resolve(reply);
      void worker.terminate();
    };
    worker.once('message', (reply: BootWorkerReply) => done(reply));
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined));
    // The slice's own arrays move to the worker; the shared x side is copied.
    worker.postMessage(data, [data.slice.y.buffer as ArrayBuffer, ...data.slice.xOdd.map((a) => a.buffer as ArrayBuffer)]);
  });
}
