/**
 * A thread that reads files in turn, kept between two of them: a stream's reader between its
 * files (multi.ts, sources.ts), an inspect lane's scanner between its scans (inspect-thread.ts).
 * A new reader worker costs about 0.1 s of CPU and 40–80 ms before its first batch (a heap, the
 * modules loaded, the parser compiled and optimised again): over the bench hour cut into six
 * files a market, `pair` took 0.8 s more CPU and 0.7 s more time than over the two whole files.
 * So the worker of a complete read is kept here, idle and unreferenced (it never keeps the
 * process alive), and the next read in a worker takes it; its owner ends it when it ends,
 * however it ends (for a stream: the next file read in this thread, a file that cannot be
 * opened, an early `break`). One that dies while kept is dropped.
 */
import type { Worker } from 'node:worker_threads';

/** Threads kept by every keeper now (tests: none once their streams and lanes have ended). */
let keptNow = 0;

/** Threads kept now, idle, by all streams and lanes. */
export function keptReaders(): number {
  return keptNow;
}

export class ReaderKeeper {
  private worker: Worker | undefined;
  private readonly gone = (): void => {
    this.drop();
  };

  /** The kept thread, now the caller's (referenced again); undefined when none is kept or it has stopped. */
  take(): Worker | undefined {
    const worker = this.drop();
    if (worker === undefined || stopped(worker)) return undefined;
    worker.ref();
    return worker;
  }

  /** Keeps the thread of a complete read for the next one (a thread kept before is ended). */
  keep(worker: Worker): void {
    this.end();
    // A thread that exited as its read ended (its 'exit' went to the read's listeners) is not kept.
    if (stopped(worker)) return;
    this.worker = worker;
    keptNow++;
    worker.on('exit', this.gone);
    worker.on('error', this.gone);
    worker.unref();
  }

  /** Ends the kept thread, if any. */
  end(): void {
    const worker = this.drop();
    if (worker !== undefined) void worker.terminate();
  }

  private drop(): Worker | undefined {
    const worker = this.worker;
    if (worker === undefined) return undefined;
    this.worker = undefined;
    keptNow--;
    worker.off('exit', this.gone);
    worker.off('error', this.gone);
    return worker;
  }
}

/** Whether a worker's thread has stopped: Node gives its threadId as -1 from then on. */
function stopped(worker: Worker): boolean {
  return worker.threadId === -1;
}
