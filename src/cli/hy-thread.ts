/**
 * hy's state on a thread of its own, for `leadlag report` (docs/report.md): the sweep of the
 * Hayashi–Yoshida contrast costs about as much as pair and xcorr together, and in one read of
 * the files it would otherwise run on the thread that also detects jumps and correlates grid
 * returns. Here the main thread copies each batch's times and prices to a worker
 * (hy-thread-worker.ts) that feeds the same {@link HyState} the command uses, and hands back its
 * parts at the end: the numbers are those of `leadlag hy`, only computed elsewhere.
 *
 * Memory stays bounded: at most {@link IN_FLIGHT} batches are on their way; a push beyond that
 * waits (Atomics.wait on a shared counter) until the worker has taken one. A worker error (parts
 * too large, a bug) comes back from {@link RemoteHyState.finish} as the error the state threw.
 */
import { Worker } from 'node:worker_threads';
import { HyPartsTooLarge } from '../core/hy.js';
import type { HyParts } from '../core/hyparts.js';
import type { Lattice } from '../core/lattice.js';
import type { TimeRange } from '../core/parts.js';

/** Batches posted and not yet consumed by the worker before a push waits. */
const IN_FLIGHT = 8;
/** Longest single wait (ms) before checking again: a dead worker must not hang the read. */
const WAIT_MS = 1000;
const WORKER_URL = new URL('./hy-thread-worker.js', import.meta.url);

/** What the worker needs to build the HyState (plain numbers: functions do not cross threads). */
export interface HyThreadRequest {
  readonly lattice: Lattice;
  readonly blockUs: number;
  /** Fine cells (cutCells of this length and range), or undefined for plain blocks. */
  readonly cells?: { readonly lengthUs: number; readonly range: TimeRange };
  /** HyOptions.fold: fold the blocks in this range as they finish. */
  readonly fold?: TimeRange;
  /** The shared in-flight counter. */
  readonly counter: SharedArrayBuffer;
}

export type HyThreadMessage =
  | { readonly type: 'push'; readonly market: 0 | 1; readonly t: Float64Array; readonly price: Float64Array }
  | { readonly type: 'end'; readonly market: 0 | 1 }
  | { readonly type: 'finish' };

export type HyThreadReply = { readonly type: 'parts'; readonly parts: HyParts } | { readonly type: 'error'; readonly name: string; readonly message: string; readonly stack?: string };

/** The main thread's side: HyState's push/end, and finish as a promise of the parts. */
export class RemoteHyState {
  private readonly worker: Worker;
  private readonly inFlight: Int32Array;
  private readonly reply: Promise<HyThreadReply>;
  private failed = false;

  constructor(request: Omit<HyThreadRequest, 'counter'>) {
    const counter = new SharedArrayBuffer(4);
    this.inFlight = new Int32Array(counter);
    this.worker = new Worker(WORKER_URL, { workerData: { ...request, counter } satisfies HyThreadRequest });
    this.reply = new Promise((resolve) => {
      this.worker.once('message', (m: HyThreadReply) => {
        if (m.type === 'error') this.failed = true;
        resolve(m);
      });
      this.worker.once('error', (e) => {
        this.failed = true;
        resolve({ type: 'error', name: e.name, message: e.message, stack: e.stack });
      });
      this.worker.once('exit', (code) => {
        this.failed = true;
        resolve({ type: 'error', name: 'Error', message: `the hy thread exited with code ${code} before its parts were ready` });
      });
    });
  }

  /** Copies `length` ticks to the worker (the batch's arrays stay the caller's). */
  push(market: 0 | 1, t: Float64Array, price: Float64Array, length: number): void {
    if (this.failed || length === 0) return;
    this.waitForRoom();
    Atomics.add(this.inFlight, 0, 1);
    const tc = t.slice(0, length);
    const pc = price.slice(0, length);
    this.worker.postMessage({ type: 'push', market, t: tc, price: pc } satisfies HyThreadMessage, [tc.buffer, pc.buffer]);
  }

  end(market: 0 | 1): void {
    if (!this.failed) this.worker.postMessage({ type: 'end', market } satisfies HyThreadMessage);
  }

  /** The parts once the worker has taken every batch; rethrows the state's error. */
  async finish(): Promise<HyParts> {
    if (!this.failed) this.worker.postMessage({ type: 'finish' } satisfies HyThreadMessage);
    const m = await this.reply;
    void this.worker.terminate();
    if (m.type === 'parts') return m.parts;
    throw rebuild(m);
  }

  /** Stops the worker without waiting for its parts (the read failed). */
  abort(): void {
    this.failed = true;
    void this.worker.terminate();
  }

  private waitForRoom(): void {
    for (;;) {
      const n = Atomics.load(this.inFlight, 0);
      if (n < IN_FLIGHT || this.failed) return;
      Atomics.wait(this.inFlight, 0, n, WAIT_MS);
    }
  }
}

function rebuild(m: Extract<HyThreadReply, { type: 'error' }>): Error {
  if (m.name === 'HyPartsTooLarge') return new HyPartsTooLarge(m.message);
  const e = new Error(`${m.message} (in the hy thread)`);
  if (m.stack !== undefined) e.stack = m.stack;
  return e;
}
