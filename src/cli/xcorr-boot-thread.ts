/**
 * xcorr's block bootstrap on both cores. Every replicate recomputes every lag's r from the
 * blocks' parts (xcorr-bootstrap.ts): R · blocks · 3 · lags multiply-adds, about 1.4 s for 2 001
 * lags over an hour of 10 s blocks at R = 1 000, after the read, when both cores are free.
 * The lags split in two slices; a worker (xcorr-boot-worker.ts) computes the later one while this
 * thread computes the first. A slice's replicates are the same numbers on either thread (the same
 * additions in the same order), so the result is bootstrapXcorr's bit for bit; if the worker
 * fails, its slice is computed here. One worker serves every bootstrap of a run: the whole
 * span's, then each `--by` window's.
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

/**
 * Replicates × lags from which a `--by` window's bootstrap goes to two threads, once a worker
 * runs. A window's cost is mostly per replicate and lag, whatever its blocks: an r (about
 * 20 ns) and its share of an interval (about 20 ns), 2·10⁶ of each for 2 001 lags at R = 1 000.
 * From 10⁵ (100 lags) half of that is a few milliseconds, against the slice's trip to the
 * worker (its y side out, its replicates back by transfer) of well under one.
 */
const MIN_WINDOW_WORK = 1e5;

/**
 * Whether `windows` windows' bootstraps of `lags` lags × `replicates` pay for starting a worker
 * (about 0.2 s of CPU: MIN_WORK) and each go to two threads: from 10⁵ replicates × lags a
 * window, and windows × replicates × lags (about 40 ns each) at least 10⁷, 0.4 s of work.
 */
export function windowWorkWanted(lags: number, replicates: number, windows: number): boolean {
  return lags >= 2 && replicates * lags >= MIN_WINDOW_WORK && windows * replicates * lags >= 1e7;
}

export interface BootWorkerData {
  readonly slice: BootSlice;
  /** The worker draws the replicates itself: sending them would copy R · blocks counts (a gigabyte for a month). */
  readonly plan: BlockDrawPlan;
  /** The last reply's array, sent back: the worker fills it when it is the slice's size, instead of fresh memory. */
  readonly into?: Float64Array;
}

/** What the worker sends back: its slice's replicates (lag k at k·R) and their intervals. */
export interface BootWorkerReply {
  readonly r: Float64Array;
  readonly intervals: (Interval | null)[];
}

/**
 * bootstrapXcorr(parts, plan), on two threads when the work is large enough to pay for the
 * second (`split`, when given, decides instead: a window's, with the worker already running).
 * Each thread draws the replicates and takes its slice's intervals. `worker`: the run's
 * worker, left running for the next bootstrap (without one, a worker is started and ended
 * here). `requireWorker` (tests): throw when the worker fails instead of computing its slice
 * here; `minWork` (tests): the threshold of bootWorkWanted, lower to reach the worker on small inputs.
 */
export async function bootstrapXcorrThreaded(
  parts: XcorrParts,
  plan: BlockDrawPlan,
  options: { readonly requireWorker?: boolean; readonly worker?: BootWorker; readonly minWork?: number; readonly split?: boolean; readonly arrays?: BootArrays } = {},
): Promise<XcorrBootstrap> {
  const lags = parts.lags.length;
  const blocks = parts.cells;
  const replicates = replicatesOf(plan);
  const arrays = options.arrays ?? {};
  const r = (arrays.r = arrays.r?.length === lags * replicates ? arrays.r : new Float64Array(lags * replicates));
  if (!(options.split ?? bootWorkWanted(lags, replicates, blocks, options.minWork)) || lags < 2 || replicates === 0) return bootstrapXcorr(parts, plan, r);
  const worker = options.worker ?? new BootWorker();
  try {
    return await onTwoThreads(parts, plan, worker, options.requireWorker === true, r, arrays);
  } finally {
    if (options.worker === undefined) worker.close();
  }
}

/**
 * The arrays of a bootstrap kept for the next one of the same lags and R (a `--by` run's
 * windows, one after another): its replicates, and the worker's last reply to send back. A
 * bootstrap made with them is valid until the next one made with them.
 */
export interface BootArrays {
  r?: Float64Array;
  fromWorker?: Float64Array;
}

/** bootstrapXcorr of `parts` into `r`, the later lags on `worker` (or here, when it fails). */
async function onTwoThreads(parts: XcorrParts, plan: BlockDrawPlan, worker: BootWorker, requireWorker: boolean, r: Float64Array, arrays: BootArrays): Promise<XcorrBootstrap> {
  const lags = parts.lags.length;
  const replicates = replicatesOf(plan);
  // At least one lag each (2 lags: one and one).
  const half = Math.min(lags - 1, Math.ceil(lags * NEAR_SHARE));
  const x = xSideOf(parts);
  const far = bootSlice(parts, half, lags, x);
  const into = arrays.fromWorker?.length === (lags - half) * replicates ? arrays.fromWorker : undefined;
  arrays.fromWorker = undefined;
  const remote = worker.run({ slice: far, plan, into });
  // The near slice's replicates go straight into the whole array; the far ones are copied in.
  const near = replicateParts(parts, 0, half, plan, r.subarray(0, half * replicates), x);
  const nearIntervals = intervalsOf(near, replicates);
  const fromWorker = await remote;
  if (fromWorker === undefined && requireWorker) throw new Error('the bootstrap worker delivered no replicates');
  const farR = r.subarray(half * replicates);
  // A worker that failed may have taken the slice's arrays with it: this thread computes those lags from the parts.
  if (fromWorker === undefined) replicateParts(parts, half, lags, plan, farR, x);
  else {
    farR.set(fromWorker.r);
    arrays.fromWorker = fromWorker.r;
  }
  return { replicates, r, intervals: [...nearIntervals, ...(fromWorker?.intervals ?? intervalsOf(farR, replicates))] };
}

/**
 * The bootstrap's worker, which can be started before it is needed: a worker takes 40–80 ms to
 * start, and started once the read is over that time lies on the run's critical path. xcorr
 * starts it during the read, once the blocks seen make the work large enough for it. It takes
 * slices one at a time ({@link run}) and waits, unreferenced (it never keeps the process alive),
 * between them, until `close`.
 */
export class BootWorker {
  private worker: Worker | undefined;
  /** Failed to start, died or closed: no worker to run on. */
  private gone = false;

  /** Starts the worker if it is not started yet (and has not failed). */
  start(): void {
    if (this.worker !== undefined || this.gone) return;
    try {
      const worker = new Worker(WORKER_URL);
      worker.unref();
      const lost = (): void => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.gone = true;
        }
      };
      worker.on('error', lost);
      worker.on('exit', lost);
      this.worker = worker;
    } catch {
      this.gone = true;
    }
  }

  /**
   * A slice's replicates and intervals from the worker (started now if it was not); undefined
   * when it could not deliver them (it could not start, or died: it is then gone for good).
   * One slice at a time: the caller awaits each before the next.
   */
  run(data: BootWorkerData): Promise<BootWorkerReply | undefined> {
    this.start();
    const worker = this.worker;
    if (worker === undefined) return Promise.resolve(undefined);
    worker.ref();
    return new Promise((resolve) => {
      const done = (reply: BootWorkerReply | undefined): void => {
        worker.off('message', onReply);
        worker.off('messageerror', onLost);
        worker.off('error', onLost);
        worker.off('exit', onLost);
        worker.unref();
        if (reply === undefined) this.close();
        resolve(reply);
      };
      const onReply = (reply: BootWorkerReply): void => done(reply);
      const onLost = (): void => done(undefined);
      worker.once('message', onReply);
      // A reply that cannot be read back is a lost slice (computed here), not a wait forever.
      worker.once('messageerror', onLost);
      worker.once('error', onLost);
      worker.once('exit', onLost);
      // The slice's own arrays (and the array to fill) move to the worker; the shared x side is copied.
      const moved = [data.slice.y.buffer as ArrayBuffer, ...data.slice.xOdd.map((a) => a.buffer as ArrayBuffer)];
      worker.postMessage(data, data.into === undefined ? moved : [...moved, data.into.buffer as ArrayBuffer]);
    });
  }

  /** Ends the worker if it runs; later runs get undefined. */
  close(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.gone = true;
    if (worker !== undefined) void worker.terminate();
  }
}
