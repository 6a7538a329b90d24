/**
 * The worker side of hy-thread.ts: one HyState fed with the batches the main thread copies into
 * the ring's slots, in the order they were posted (HyState.push copies them into its own queues
 * before the slot is released); its parts go back once the main thread says the read is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HyState } from '../core/hy.js';
import { cutCells } from '../core/cells.js';
import { IN_FLIGHT_WORD, ringViews, STATE_WORD, STOPPED, type HyThreadMessage, type HyThreadReply, type HyThreadRequest } from './hy-thread.js';

const port = parentPort!;
const req = workerData as HyThreadRequest;
const shared = new Int32Array(req.counter);
const slots = ringViews(req.ring);
let failed = false;

/** Tells the main thread, which may be waiting for a free slot, that no slot will be read any more. */
function stop(): void {
  Atomics.store(shared, STATE_WORD, STOPPED);
  Atomics.notify(shared, IN_FLIGHT_WORD);
}

function fail(e: unknown): void {
  failed = true;
  stop();
  const err = e instanceof Error ? e : new Error(String(e));
  port.postMessage({ type: 'error', name: err.name, message: err.message, stack: err.stack } satisfies HyThreadReply);
}

process.on('exit', stop);

let state: HyState | undefined;
try {
  state = new HyState({
    lattice: req.lattice,
    blockUs: req.blockUs,
    cells: req.cells === undefined ? undefined : cutCells(req.cells.lengthUs, req.cells.range),
    fold: req.fold,
  });
} catch (e) {
  fail(e);
}

port.on('message', (m: HyThreadMessage) => {
  try {
    if (m.type === 'push') {
      // The slot's ticks were written before the counter went up (Atomics orders the two).
      Atomics.load(shared, IN_FLIGHT_WORD);
      if (!failed) state!.push(m.market, slots.t[m.slot]!, slots.price[m.slot]!, m.length);
    } else if (m.type === 'end') {
      if (!failed) state!.end(m.market);
    } else if (!failed) {
      const parts = state!.finish();
      const buffers = [parts.u, parts.rvA, parts.rvB, parts.nA, parts.nB, parts.nonextantA, parts.nonextantB].map((a) => a.buffer as ArrayBuffer);
      port.postMessage({ type: 'parts', parts } satisfies HyThreadReply, buffers);
    }
  } catch (e) {
    fail(e);
  } finally {
    if (m.type === 'push') {
      Atomics.sub(shared, IN_FLIGHT_WORD, 1);
      Atomics.notify(shared, IN_FLIGHT_WORD);
    }
  }
});
