/**
 * The public entry of the input layer: commands open quote and trade files only
 * through `openQuotes` / `openTrades`.
 *
 * Nothing is opened until iteration starts: opening errors surface from the first
 * `next()` as OpenError, bad data as DataError. A path (not `-`) of 4 MiB or more is
 * parsed in a worker thread (`worker` true or false forces the choice), so two large
 * files opened at once keep two cores busy; stdin is parsed in this thread. Each iteration reads the input afresh;
 * `report()` describes the last iteration that ran to the end.
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { TickBatch, TradeBatch } from '../core/types.js';
import type { QuoteSource, ReadOptions, ReadReport, TradeSource } from './types.js';
import type { Kind } from './formats.js';
import { inputName, type InputSpec } from './open.js';
import type { InternalReadOptions } from './reader.js';
import type { ReadMessage, SlotMessage, WorkerRequest } from './worker.js';
import { deserializeError, type SerializedError } from './thread-errors.js';
import { quoteBatchIn, tradeBatchIn } from './batches.js';
import { creditCounter, tookBatch } from './credits.js';
import { ScaleWatch } from './scale-watch.js';

export type { RowSink } from './fastparse.js';
export type { RowScratch } from './rows.js';
export type { InputSpec } from './open.js';

/**
 * Batches a worker may have posted and not yet seen consumed (16 × 512 KiB with quotes and the
 * default batch rows). A worker that has run out waits until half are free, and waking it costs
 * the consumer's thread about 0.25 ms (credits.ts): with the line kernel the workers outrun
 * `report`'s main thread, and at 4 credits the wake-ups were 0.2 s of its 3.5 s over the bench
 * hour; at 16, too few to see.
 */
const WORKER_CREDITS = 16;
/**
 * Shared batch slots of a worker with lent batches (worker.ts, BatchSlots): the batches posted
 * and not yet given back (at most the credits), the one being filled, and one to spare.
 */
const WORKER_SLOTS = WORKER_CREDITS + 2;
/**
 * LEADLAG_POISON_LENT=1 (for tests): a shared slot given back is first filled with NaN, so that
 * a consumer that keeps a lent batch past its turn reads NaN at once, as it would read an empty
 * array from a transferred buffer, instead of a later batch's rows after the slot came round.
 */
const POISON_LENT = process.env.LEADLAG_POISON_LENT === '1';
const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Opens a quote file (path, `-` for stdin; plain or gzip). See ReadOptions. */
export function openQuotes(path: string, opts: ReadOptions): QuoteSource {
  return new Source<TickBatch>(path, 'quotes', opts);
}

/** Opens a trade file (path, `-` for stdin; plain or gzip). See ReadOptions. */
export function openTrades(path: string, opts: ReadOptions): TradeSource {
  return new Source<TradeBatch>(path, 'trades', opts);
}

/** Like openQuotes / openTrades for an already open stream (always parsed in this thread). */
export function openInput<K extends Kind>(
  input: InputSpec,
  kind: K,
  opts: ReadOptions,
): K extends 'quotes' ? QuoteSource : TradeSource {
  return new Source(input, kind, opts) as unknown as K extends 'quotes' ? QuoteSource : TradeSource;
}

/** The report with the watch's steps of the mid, if any (ReadReport.scaleBreaks). */
function withScaleBreaks(r: ReadReport, w: ScaleWatch | undefined): ReadReport {
  return w === undefined || w.count === 0 ? r : { ...r, scaleBreaks: { count: w.count, time: w.time, from: w.from, to: w.to, file: r.file } };
}

class Source<B extends TickBatch | TradeBatch> implements AsyncIterable<B> {
  readonly file: string;
  private last: ReadReport | undefined;

  constructor(
    private readonly input: InputSpec,
    private readonly kind: Kind,
    private readonly opts: ReadOptions,
  ) {
    this.file = inputName(input);
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    return this.run();
  }

  private async *run(): AsyncGenerator<B, void, undefined> {
    const input = this.input;
    const inWorker = typeof input === 'string' && input !== '-' && wantWorker(input, this.opts.worker) && existsSync(fileURLToPath(WORKER_URL));
    // The parser's modules (and csv-parse, yauzl) load only where a file is parsed: a thread
    // whose files are all parsed by workers spends its start-up on other things.
    const gen = (inWorker ? workerBatches(input, this.kind, this.opts) : (await import('./reader.js')).readBatches(input, this.kind, this.opts)) as AsyncGenerator<B, ReadReport, undefined>;
    // Quote files: the mid's steps by 2× or more, watched here on the consuming thread (ScaleWatch).
    const watch = this.kind === 'quotes' ? new ScaleWatch() : undefined;
    let done = false;
    try {
      for (let step = await gen.next(); ; step = await gen.next()) {
        if (step.done) {
          done = true;
          this.last = withScaleBreaks(step.value, watch);
          return;
        }
        watch?.push(step.value as TickBatch);
        yield step.value;
      }
    } finally {
      // A consumer that stops early: the read ends as it would through yield* (a worker is terminated).
      if (!done) await gen.return(undefined as never);
    }
  }

  report(): ReadReport {
    if (!this.last) throw new Error(`${this.file}: report() is available once the batches have been read to the end`);
    return this.last;
  }
}

type WorkerMessage =
  | { type: 'batch'; batch: TickBatch | TradeBatch }
  | SlotMessage
  | { type: 'progress'; progress: Parameters<NonNullable<ReadOptions['onProgress']>>[0] }
  | { type: 'done'; report: ReadReport }
  | { type: 'error'; error: SerializedError }
  | { type: 'crash'; error: Error }
  | { type: 'exit'; code: number };

/** Below this size a worker's start-up (~50 ms) costs more than a second core saves. */
const WORKER_MIN_BYTES = 4 << 20;

/**
 * Whether a file is parsed in a worker thread (here, and for inspect's scans): `worker` true or
 * false decides; undefined means a worker for a regular file of WORKER_MIN_BYTES or more.
 */
export function wantWorker(path: string, worker: boolean | undefined): boolean {
  if (worker !== undefined) return worker;
  try {
    const st = statSync(path);
    return st.isFile() && st.size >= WORKER_MIN_BYTES;
  } catch {
    return false; // the in-thread reader reports why the file cannot be opened
  }
}

/** Reader workers started by this process so far. */
let readersStarted = 0;

/** Reader threads started by this process so far (tests: a stream's files share one thread). */
export function readersStartedSoFar(): number {
  return readersStarted;
}

/**
 * readBatches run in a worker thread: batches arrive in shared slots (lent) or transferred, a
 * shared counter tells the worker each batch the consumer has taken (its credits). The thread
 * is the one `keepReader` keeps when it has one (reader-keeper.ts), else a new one. It is
 * terminated when the iteration ends in an error or an early `break`, and when it completes,
 * unless `keepReader` takes it for the stream's next file.
 */
async function* workerBatches(path: string, kind: Kind, opts: InternalReadOptions): AsyncGenerator<TickBatch | TradeBatch, ReadReport, undefined> {
  // Functions stay in this thread: the worker makes its own progress callback and buffer source.
  const { onProgress, worker: _worker, returned: _returned, keepReader, ...plain } = opts;
  const taken = creditCounter();
  // Lent batches go back to the worker when the consumer asks for the next one: a shared slot
  // by clearing its busy flag, another buffer on the port.
  const returns = opts.lend === true ? new MessageChannel() : undefined;
  const slots = opts.lend === true ? new Int32Array(new SharedArrayBuffer(4 * WORKER_SLOTS)) : undefined;
  const slotBuffers: SharedArrayBuffer[] = [];
  const request: WorkerRequest = { path, kind, opts: plain, credits: WORKER_CREDITS, taken, progress: onProgress !== undefined, returns: returns?.port2, slots };
  const transfer = returns === undefined ? [] : [returns.port2];
  let worker = keepReader?.take();
  if (worker === undefined) {
    worker = new Worker(WORKER_URL, { workerData: request, transferList: transfer });
    readersStarted++;
  } else worker.postMessage({ type: 'read', request } satisfies ReadMessage, transfer);
  let complete = false;
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  const push = (m: WorkerMessage): void => {
    queue.push(m);
    const w = wake;
    wake = null;
    w?.();
  };
  const crash = (error: Error): void => push({ type: 'crash', error });
  const exit = (code: number): void => push({ type: 'exit', code });
  worker.on('message', push);
  worker.on('error', crash);
  worker.on('exit', exit);
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((res) => (wake = res));
      const m = queue.shift()!;
      switch (m.type) {
        case 'batch':
          yield m.batch;
          // Sent before the credit, so that a worker woken by it finds the buffer waiting.
          returns?.port1.postMessage(m.batch.t.buffer, [m.batch.t.buffer as ArrayBuffer]);
          tookBatch(taken);
          break;
        case 'slot': {
          if (m.buffer !== undefined) slotBuffers[m.slot] = m.buffer;
          const buffer = slotBuffers[m.slot]!;
          yield kind === 'quotes' ? quoteBatchIn(buffer, m.capacity, m.length, m.priceOnly) : tradeBatchIn(buffer, m.capacity, m.length);
          // Freed before the credit, so that a worker woken by it finds the slot free.
          if (POISON_LENT) new Uint8Array(buffer).fill(0xff);
          Atomics.store(slots!, m.slot, 0);
          tookBatch(taken);
          break;
        }
        case 'progress':
          onProgress?.(m.progress);
          break;
        case 'done':
          complete = true;
          return m.report;
        case 'error':
          throw deserializeError(m.error);
        case 'crash':
          throw m.error;
        case 'exit':
          throw new Error(`${path}: the reader worker exited (code ${m.code}) before the end of the file`);
      }
    }
  } finally {
    returns?.port1.close();
    // This read's listeners only: removeAllListeners would also take the Worker's own, which
    // keep its port referenced while it has 'message' listeners, and a kept worker needs them.
    worker.off('message', push);
    worker.off('error', crash);
    worker.off('exit', exit);
    if (complete && keepReader !== undefined) keepReader.keep(worker);
    else void worker.terminate();
  }
}
