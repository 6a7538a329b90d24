/**
 * Worker-thread parsing: runs `readBatches` on a file and posts each batch back without a copy
 * (its ArrayBuffer transferred, or in a shared slot). Credit-based backpressure: the worker may
 * have at most `credits` batches in flight; the main thread counts the batches it has taken in a
 * shared counter, which the worker waits on, so memory stays bounded whatever the consumer's
 * speed. (A 'credit' message per batch cost the main thread about 0.1 ms each: 0.15 s of
 * `report`'s critical path over the bench hour.) Errors travel back as data and are rebuilt
 * as the same DataError / OpenError in the main thread.
 *
 * Lent batches (ReadOptions.lend): the batcher fills a shared slot (BatchSlots) that the main
 * thread reads in place and frees once the next batch is asked for; when every slot is busy, a
 * buffer the main thread sent back on a port of its own, or a fresh one, transferred. Either
 * way no fresh buffer per batch (a fresh buffer's first writes fault its pages in: 0.25 of the
 * 1.74 s the bench hour's larger file took to read, in one thread).
 *
 * A worker reads the file of its workerData, then, once that read is complete, waits for the
 * next: a stream of many files (multi.ts) reads them all in one thread, whose parser is
 * compiled and optimised already, instead of starting a thread per file (sources.ts).
 *
 * Protocol (worker → main): {type:'batch', batch} | SlotMessage | {type:'progress', progress}
 *   | {type:'done', report} | {type:'error', error: SerializedError};
 * (main → worker): {type:'read', request} after a 'done' (the next file; nothing during a read);
 * per batch taken, tookBatch (credits.ts) on the shared credit counter; with `lend`, a slot's
 * busy flag cleared, or a transferred batch's ArrayBuffer on `returns` (read with
 * receiveMessageOnPort).
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { TickBatch, TradeBatch } from '../core/types.js';
import type { Kind } from './formats.js';
import type { InternalReadOptions } from './reader.js';
import { creditFor } from './credits.js';
import { serializeError } from './thread-errors.js';
import type { ReturnedBuffers } from './batches.js';

/** What the main thread passes to a worker (ReadOptions without functions). */
export interface WorkerRequest {
  readonly path: string;
  readonly kind: Kind;
  readonly opts: Omit<InternalReadOptions, 'onProgress' | 'worker' | 'returned'>;
  readonly credits: number;
  /** The shared credit counter (credits.ts). */
  readonly taken: Int32Array;
  readonly progress: boolean;
  /** With `lend`: where the consumer sends back the buffers of the batches it has finished with. */
  readonly returns?: MessagePort;
  /** With `lend`: the busy flags of the shared batch slots (see BatchSlots), on shared memory. */
  readonly slots?: Int32Array;
}

/** The next file for a worker whose last read was complete (sources.ts, a stream's next file). */
export interface ReadMessage {
  readonly type: 'read';
  readonly request: WorkerRequest;
}

function transferList(batch: TickBatch | TradeBatch): ArrayBuffer[] {
  return [batch.t.buffer as ArrayBuffer];
}

/**
 * The shared slots' buffers of this thread's last read with lent batches, for its next (a
 * stream's next file): the consumer has let go of every batch of a read before it asks for the
 * next, so they are free. New ones per read stayed alive until this thread's collector ran:
 * `pair` over the bench hour in six files a market peaked at 210 MB against 115 MB.
 */
let lastSlotBuffers: readonly (SharedArrayBuffer | undefined)[] = [];

/**
 * Reads one file and posts its batches; false when the read ended in an error (the thread then
 * ends: the main thread terminates it).
 */
async function run(port: NonNullable<typeof parentPort>, req: WorkerRequest): Promise<boolean> {
  let sent = 0;
  const slots = req.slots === undefined ? undefined : new BatchSlots(req.slots, lastSlotBuffers);
  if (slots !== undefined) lastSlotBuffers = slots.buffers;
  const sentBack = req.returns === undefined ? undefined : takeReturned(req.returns);
  const opts: InternalReadOptions = {
    ...req.opts,
    returned: slots === undefined && sentBack === undefined ? undefined : (bytes) => slots?.take(bytes) ?? sentBack?.(bytes),
    onProgress: req.progress ? (progress) => port.postMessage({ type: 'progress', progress }) : undefined,
  };
  try {
    // Imported when the worker runs: a module that needs only this one's types loads no parser.
    const { readBatches } = await import('./reader.js');
    const gen = readBatches(req.path, req.kind, opts);
    for (;;) {
      const step = await gen.next();
      if (step.done) {
        port.postMessage({ type: 'done', report: step.value });
        return true;
      }
      await creditFor(req.taken, sent, req.credits);
      sent++;
      const slot = slots?.slotOf(step.value.t.buffer);
      if (slot === undefined) port.postMessage({ type: 'batch', batch: step.value }, transferList(step.value));
      else port.postMessage(slots!.message(slot, step.value));
    }
  } catch (e) {
    port.postMessage({ type: 'error', error: serializeError(e) });
    return false;
  } finally {
    req.returns?.close();
  }
}

/**
 * The worker's life: the read of workerData, then each 'read' message's, one at a time. A
 * pending Atomics.waitAsync does not keep a thread alive; the port's listener does, until a read
 * fails and the port is closed.
 */
function serve(port: NonNullable<typeof parentPort>, first: WorkerRequest): void {
  let reading = Promise.resolve(true);
  const read = (req: WorkerRequest): void => {
    reading = reading.then((ok) => (ok ? run(port, req) : false)).then((ok) => {
      if (!ok) port.close();
      return ok;
    });
  };
  port.on('message', (m: ReadMessage) => {
    if (m.type === 'read') read(m.request);
  });
  read(first);
}

/**
 * Shared batch slots, for lent batches: buffers on shared memory that the worker fills and the
 * consumer reads in place, so that no buffer moves between the threads. A buffer moved by a
 * transfer arrives as a new buffer object each time, and its 512 KiB counted afresh by the
 * receiving thread's garbage collector, which then ran every few batches (about 0.13 s of each
 * reader worker over the bench hour, in its profile). Slot j is busy from the moment the
 * worker takes it until the consumer, asking for the batch after it, clears busy[j]; a slot
 * is taken only when not busy, and when none is free the batch takes a buffer sent back or a
 * fresh one, as before.
 */
export class BatchSlots {
  readonly buffers: (SharedArrayBuffer | undefined)[];
  private readonly index = new Map<ArrayBufferLike, number>();
  /** Per slot: its buffer is new since the last batch posted from it (the consumer lacks it). */
  private readonly unsent: boolean[];
  private next = 0;

  /** `previous`: buffers of an earlier read's slots to fill again (each sent to the consumer again the first time). */
  constructor(
    private readonly busy: Int32Array,
    previous: readonly (SharedArrayBuffer | undefined)[] = [],
  ) {
    this.buffers = Array.from({ length: busy.length }, (_, j) => previous[j]);
    this.unsent = this.buffers.map((b) => b !== undefined);
    this.buffers.forEach((b, j) => b !== undefined && this.index.set(b, j));
  }

  /** A free slot of `bytes`, now busy; undefined when every slot is busy. */
  take(bytes: number): SharedArrayBuffer | undefined {
    const count = this.busy.length;
    for (let k = 0; k < count; k++) {
      const j = (this.next + k) % count;
      if (Atomics.load(this.busy, j) !== 0) continue;
      let buffer = this.buffers[j];
      if (buffer === undefined || buffer.byteLength !== bytes) {
        if (buffer !== undefined) this.index.delete(buffer);
        buffer = new SharedArrayBuffer(bytes);
        this.buffers[j] = buffer;
        this.index.set(buffer, j);
        this.unsent[j] = true;
      }
      Atomics.store(this.busy, j, 1);
      this.next = j + 1;
      return buffer;
    }
    return undefined;
  }

  /** The slot whose buffer this is, undefined for any other buffer. */
  slotOf(buffer: ArrayBufferLike): number | undefined {
    return this.index.get(buffer);
  }

  /**
   * The message for a batch in slot j: where it lies, not its views (views of shared memory
   * posted are new buffer objects on arrival, each counted by the receiver's collector); the
   * slot's buffer itself the first time, for the consumer to keep (SlotMessage).
   */
  message(j: number, batch: TickBatch | TradeBatch): SlotMessage {
    const first = this.unsent[j]!;
    this.unsent[j] = false;
    // The batchers lay out t, then price at capacity · 8 bytes (batches.ts).
    const capacity = batch.price.byteOffset / 8;
    const priceOnly = 'bid' in batch && batch.bid === batch.price;
    return { type: 'slot', slot: j, length: batch.length, capacity, priceOnly, buffer: first ? this.buffers[j] : undefined };
  }
}

/** A batch in a shared slot (BatchSlots.message); `buffer` only the first time the slot's buffer is sent. */
export interface SlotMessage {
  readonly type: 'slot';
  readonly slot: number;
  readonly length: number;
  readonly capacity: number;
  readonly priceOnly: boolean;
  readonly buffer: SharedArrayBuffer | undefined;
}

/**
 * The next buffer of `bytes` the consumer has sent back, without waiting (receiveMessageOnPort
 * reads the port's queue synchronously: the parser need not yield to the event loop for it).
 */
export function takeReturned(returns: MessagePort): ReturnedBuffers {
  return (bytes) => {
    for (let m = receiveMessageOnPort(returns); m !== undefined; m = receiveMessageOnPort(returns)) {
      const buffer = m.message as ArrayBuffer;
      if (buffer.byteLength === bytes) return buffer;
    }
    return undefined;
  };
}

if (parentPort) serve(parentPort, workerData as WorkerRequest);
