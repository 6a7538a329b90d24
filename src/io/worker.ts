/**
 * Worker-thread parsing: runs `readBatches` on a file and posts each batch back with its
 * ArrayBuffer transferred (zero-copy). Credit-based backpressure: the worker may have at
 * most `credits` batches in flight; the main thread counts the batches it has taken in a
 * shared counter, which the worker waits on, so memory stays bounded whatever the consumer's
 * speed. (A 'credit' message per batch cost the main thread about 0.1 ms each: 0.15 s of
 * `report`'s critical path over the bench hour.) Errors travel back as data and are rebuilt
 * as the same DataError / OpenError in the main thread.
 *
 * Lent batches (ReadOptions.lend): the main thread sends each batch's buffer back on a port of
 * its own once the next batch is asked for, and the batcher fills it again instead of a fresh
 * one (a fresh buffer's first writes fault its pages in: 0.25 of the 1.74 s the bench hour's
 * larger file took to read, in one thread).
 *
 * Protocol (worker → main): {type:'batch', batch} | {type:'progress', progress}
 *   | {type:'done', report} | {type:'error', error: SerializedError};
 * (main → worker): none; per batch taken, tookBatch (credits.ts) on the shared credit counter;
 * with `lend`, the batch's ArrayBuffer on `returns` (read with receiveMessageOnPort).
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { TickBatch, TradeBatch } from '../core/types.js';
import { DataError, OpenError, UsageError } from '../errors.js';
import type { Kind } from './formats.js';
import type { InternalReadOptions } from './reader.js';
import { creditFor } from './credits.js';
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
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly file?: string;
  readonly line?: number;
  readonly problem?: string;
  readonly value?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof DataError) return { name: e.name, message: e.message, file: e.file, line: e.line, problem: e.problem, value: e.value };
  if (e instanceof OpenError) return { name: e.name, message: e.message, file: e.file, problem: e.problem };
  // A column option naming a column the file lacks is found by the reader, in the worker.
  if (e instanceof UsageError) return { name: e.name, message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, stack: err.stack };
}

/** The error a worker reported, as the same class it was thrown as. */
export function deserializeError(s: SerializedError): Error {
  if (s.name === 'DataError') return new DataError(s.file!, s.line, s.problem!, s.value);
  if (s.name === 'OpenError') return new OpenError(s.file!, s.problem!);
  if (s.name === 'UsageError') return new UsageError(s.message);
  const e = new Error(`${s.message} (in the reader worker)`);
  if (s.stack) e.stack = s.stack;
  return e;
}

function transferList(batch: TickBatch | TradeBatch): ArrayBuffer[] {
  return [batch.t.buffer as ArrayBuffer];
}

async function run(port: NonNullable<typeof parentPort>, req: WorkerRequest): Promise<void> {
  let sent = 0;
  // A pending Atomics.waitAsync does not keep a thread alive; a port with a listener does (until
  // port.close() below). The main thread sends nothing.
  port.on('message', () => {});
  const opts: InternalReadOptions = {
    ...req.opts,
    returned: req.returns === undefined ? undefined : takeReturned(req.returns),
    onProgress: req.progress ? (progress) => port.postMessage({ type: 'progress', progress }) : undefined,
  };
  try {
    // Imported here: the main thread loads this module for deserializeError, not the parser.
    const { readBatches } = await import('./reader.js');
    const gen = readBatches(req.path, req.kind, opts);
    for (;;) {
      const step = await gen.next();
      if (step.done) {
        port.postMessage({ type: 'done', report: step.value });
        break;
      }
      await creditFor(req.taken, sent, req.credits);
      sent++;
      port.postMessage({ type: 'batch', batch: step.value }, transferList(step.value));
    }
  } catch (e) {
    port.postMessage({ type: 'error', error: serializeError(e) });
  } finally {
    req.returns?.close();
    port.close();
  }
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

if (parentPort) void run(parentPort, workerData as WorkerRequest);
