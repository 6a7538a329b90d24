/**
 * hy's state on a thread of its own, for `leadlag report` (docs/report.md): the sweep of the
 * Hayashi–Yoshida contrast costs about as much as pair and xcorr together, and in one read of
 * the files it would otherwise run on the thread that also detects jumps and correlates grid
 * returns. Here the main thread copies each batch's times and prices to a worker
 * (hy-thread-worker.ts) that feeds the same {@link HyState} the command uses, and hands back its
 * parts at the end: the numbers are those of `leadlag hy`, only computed elsewhere.
 *
 * The copies go into a fixed ring of {@link IN_FLIGHT} slots in shared memory, and a message
 * names the slot: no buffer is allocated per batch, so the copies cost a memcpy and neither
 * garbage nor fresh pages (a fresh array per batch cost about a tenth of report's time). A push
 * waits (Atomics.wait on a shared counter) while every slot is still unread by the worker; the
 * worker reads messages in order and counts one down only after HyState.push has copied the
 * slot's ticks into its own queues, so message m's slot, reused by message m + IN_FLIGHT, has
 * been read by then. A worker error (parts too large, a bug) comes back from
 * {@link RemoteHyState.finish} as the error the state threw. `report` uses this thread only on
 * machines with a core to spare for it (report-run.ts, hyPlacement).
 */
import { Worker } from 'node:worker_threads';
import { HyPartsTooLarge } from '../core/hy.js';
import type { HyParts } from '../core/hyparts.js';
import type { Lattice } from '../core/lattice.js';
import type { TimeRange } from '../core/parts.js';

/** Slots of the ring: batches posted and not yet consumed by the worker before a push waits. */
const IN_FLIGHT = 16;
/** Ticks per slot: four of the reader's default batches (16 Ki rows); a longer push takes several slots. */
const SLOT_TICKS = 65536;
/** Longest single wait (ms) before checking again: a dead worker must not hang the read. */
const WAIT_MS = 1000;
/**
 * A worker that has taken no batch for this long (ms) while every slot is full is taken for
 * dead (a crash that left no message). A batch takes it milliseconds.
 */
const STALL_MS = 60_000;
/** Words of the shared counter buffer: batches in flight, and the worker's state (ALIVE or STOPPED). */
export const IN_FLIGHT_WORD = 0;
export const STATE_WORD = 1;
export const STOPPED = 1;
const WORKER_URL = new URL('./hy-thread-worker.js', import.meta.url);

/** What the worker needs to build the HyState (plain numbers: functions do not cross threads). */
export interface HyThreadRequest {
  readonly lattice: Lattice;
  readonly blockUs: number;
  /** Fine cells (cutCells of this length and range), or undefined for plain blocks. */
  readonly cells?: { readonly lengthUs: number; readonly range: TimeRange };
  /** HyOptions.fold: fold the blocks in this range as they finish. */
  readonly fold?: TimeRange;
  /** The shared words: the in-flight counter and the worker's state (IN_FLIGHT_WORD, STATE_WORD). */
  readonly counter: SharedArrayBuffer;
  /** The ring: slot i holds SLOT_TICKS times then SLOT_TICKS prices (ringViews). */
  readonly ring: SharedArrayBuffer;
}

/** The time and price arrays of every slot of a ring. */
export function ringViews(ring: SharedArrayBuffer): { readonly t: Float64Array[]; readonly price: Float64Array[] } {
  const slots = ring.byteLength / (SLOT_TICKS * 16);
  const t = Array.from({ length: slots }, (_, i) => new Float64Array(ring, i * SLOT_TICKS * 16, SLOT_TICKS));
  const price = Array.from({ length: slots }, (_, i) => new Float64Array(ring, i * SLOT_TICKS * 16 + SLOT_TICKS * 8, SLOT_TICKS));
  return { t, price };
}

export type HyThreadMessage =
  | { readonly type: 'push'; readonly market: 0 | 1; readonly slot: number; readonly length: number }
  | { readonly type: 'end'; readonly market: 0 | 1 }
  | { readonly type: 'finish' };

export type HyThreadReply = { readonly type: 'parts'; readonly parts: HyParts } | { readonly type: 'error'; readonly name: string; readonly message: string; readonly stack?: string };

/** The main thread's side: HyState's push/end, and finish as a promise of the parts. */
export class RemoteHyState {
  private readonly worker: Worker;
  private readonly inFlight: Int32Array;
  private readonly slots: ReturnType<typeof ringViews>;
  /** Messages posted so far: the next one goes to slot posted % IN_FLIGHT. */
  private posted = 0;
  private readonly reply: Promise<HyThreadReply>;
  private failed = false;

  constructor(request: Omit<HyThreadRequest, 'counter' | 'ring'>) {
    const counter = new SharedArrayBuffer(8);
    const ring = new SharedArrayBuffer(IN_FLIGHT * SLOT_TICKS * 16);
    this.inFlight = new Int32Array(counter);
    this.slots = ringViews(ring);
    this.worker = new Worker(WORKER_URL, { workerData: { ...request, counter, ring } satisfies HyThreadRequest });
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

  /** Copies `length` ticks to the worker through the ring (the batch's arrays stay the caller's). */
  push(market: 0 | 1, t: Float64Array, price: Float64Array, length: number): void {
    for (let from = 0; from < length && !this.failed; from += SLOT_TICKS) {
      const n = Math.min(SLOT_TICKS, length - from);
      this.waitForRoom();
      const slot = this.posted++ % IN_FLIGHT;
      this.slots.t[slot]!.set(t.subarray(from, from + n));
      this.slots.price[slot]!.set(price.subarray(from, from + n));
      Atomics.add(this.inFlight, IN_FLIGHT_WORD, 1);
      this.worker.postMessage({ type: 'push', market, slot, length: n } satisfies HyThreadMessage);
    }
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

  /**
   * Waits while every slot is unread. The worker's error and exit events cannot arrive while this
   * thread waits, so a worker that stops says so in the shared state word (hy-thread-worker.ts),
   * and one that takes no batch for STALL_MS is taken for dead: then the pushes stop and finish()
   * reports the worker's error (or its exit).
   */
  private waitForRoom(): void {
    let waited = 0;
    let last = -1;
    for (;;) {
      const n = Atomics.load(this.inFlight, IN_FLIGHT_WORD);
      if (Atomics.load(this.inFlight, STATE_WORD) === STOPPED) this.failed = true;
      if (n < IN_FLIGHT || this.failed) return;
      if (n !== last) [last, waited] = [n, 0];
      if (waited >= STALL_MS) {
        this.failed = true;
        return;
      }
      Atomics.wait(this.inFlight, IN_FLIGHT_WORD, n, WAIT_MS);
      waited += WAIT_MS;
    }
  }
}

function rebuild(m: Extract<HyThreadReply, { type: 'error' }>): Error {
  if (m.name === 'HyPartsTooLarge') return new HyPartsTooLarge(m.message);
  const e = new Error(`${m.message} (in the hy thread)`);
  if (m.stack !== undefined) e.stack = m.stack;
  return e;
}
