/**
 * Pulling batches from several time-ordered sources so that none runs far ahead of the
 * others: memory then stays bounded by a batch or two per source, whatever the data length.
 */
import type { TickBatch, TradeBatch } from '../core/types.js';

export interface Timed {
  readonly length: number;
  readonly t: Float64Array;
}

/**
 * A source that may be asked for its first batch before its turn: it reads regular files only,
 * so starting cannot block on another process (opening a FIFO blocks until a writer comes, and
 * a thread blocked there would hold up the process's exit after another source's error).
 */
export interface EarlyStart {
  readonly canStartEarly?: boolean;
}

/**
 * Feeds whole batches to `onBatch`, always pulling next from the source whose last batch
 * ended earliest. Batches of different sources overlap in time; each source's batches arrive
 * in order. Cost: one comparison per batch.
 */
export async function pumpLagging<B extends Timed>(
  sources: readonly (AsyncIterable<B> & EarlyStart)[],
  onBatch: (source: number, batch: B) => void,
  onEnd?: (source: number) => void,
): Promise<void> {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const pull = firstAtOnce(its, sources);
  const reached = sources.map(() => -Infinity);
  const open = sources.map(() => true);
  try {
    for (;;) {
      let next = -1;
      for (let i = 0; i < its.length; i++) if (open[i] && (next < 0 || reached[i]! < reached[next]!)) next = i;
      if (next < 0) return;
      const r = await pull.next(next);
      if (r.done) {
        open[next] = false;
        onEnd?.(next);
        continue;
      }
      if (r.value.length > 0) {
        reached[next] = r.value.t[r.value.length - 1]!;
        onBatch(next, r.value);
      }
    }
  } finally {
    await pull.close(open);
  }
}

/**
 * Feeds rows of several sources in one global time order, ties going to the lower source
 * index, as contiguous slices `[from, to)` of each batch. Used where one kernel consumes two
 * streams as one sequence (spot quotes before spot trades at the same instant). A slice ends
 * where another source's next row comes first, so finely interleaved sources give short slices.
 */
export async function pumpMerged<B extends Timed>(
  sources: readonly (AsyncIterable<B> & EarlyStart)[],
  onSlice: (source: number, batch: B, from: number, to: number) => void,
): Promise<void> {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const pull = firstAtOnce(its, sources);
  const n = its.length;
  const head: (B | undefined)[] = new Array(n).fill(undefined);
  const pos = new Array<number>(n).fill(0);
  const open = new Array<boolean>(n).fill(true);
  try {
    for (;;) {
      for (let i = 0; i < n; i++) {
        while (open[i] && (head[i] === undefined || pos[i]! >= head[i]!.length)) {
          const r = await pull.next(i);
          if (r.done) {
            open[i] = false;
            head[i] = undefined;
          } else {
            head[i] = r.value;
            pos[i] = 0;
          }
        }
      }
      let s = -1;
      for (let i = 0; i < n; i++) {
        if (head[i] === undefined) continue;
        if (s < 0 || head[i]!.t[pos[i]!]! < head[s]!.t[pos[s]!]!) s = i;
      }
      if (s < 0) return;
      const b = head[s]!;
      const to = sliceEnd(b, pos[s]!, s, head, pos);
      onSlice(s, b, pos[s]!, to);
      pos[s] = to;
    }
  } finally {
    await pull.close(open);
  }
}

/** End of the run of `b` from `from` that precedes every other source's next row. */
function sliceEnd<B extends Timed>(b: B, from: number, s: number, head: readonly (B | undefined)[], pos: readonly number[]): number {
  let bound = Infinity;
  let inclusive = true;
  for (let i = 0; i < head.length; i++) {
    const h = head[i];
    if (i === s || h === undefined) continue;
    const t = h.t[pos[i]!]!;
    if (t < bound || (t === bound && i < s)) {
      bound = t;
      inclusive = i > s;
    }
  }
  let to = from + 1;
  const t = b.t;
  while (to < b.length && (inclusive ? t[to]! <= bound : t[to]! < bound)) to++;
  return to;
}

/**
 * The first batch of every source that can start early ({@link EarlyStart}) asked for at once,
 * then each source's batches one at a time as the pump asks. A file parsed in a worker thread
 * starts reading only when its first batch is asked for, and a worker takes about 0.2 s to
 * start; asked for in turn, the second market's worker started only once the first market's
 * first batch had arrived, and both cores idled for those 0.2 s of every run. Errors still
 * surface in the order the pump takes the batches; a first batch that fails and is never taken
 * (the pump ended on another source's error) is dropped unseen.
 */
function firstAtOnce<B>(its: readonly AsyncIterator<B>[], sources: readonly EarlyStart[]) {
  const first: (Promise<IteratorResult<B>> | undefined)[] = its.map((it, i) => {
    if (sources[i]!.canStartEarly !== true) return undefined;
    const p = it.next();
    p.catch(() => {});
    return p;
  });
  return {
    next(i: number): Promise<IteratorResult<B>> {
      const p = first[i];
      if (p === undefined) return its[i]!.next();
      first[i] = undefined;
      return p;
    },
    /**
     * Ends the sources still open. One whose first batch was asked for and not taken may still
     * be reading it: its end is requested without waiting, so an error from another source is
     * not held up behind it.
     */
    async close(open: readonly boolean[]): Promise<void> {
      const waits: Promise<unknown>[] = [];
      its.forEach((it, i) => {
        if (!open[i] || it.return === undefined) return;
        const ended = it.return();
        if (first[i] === undefined) waits.push(ended);
        else ended.catch(() => {});
      });
      await Promise.all(waits);
    },
  };
}

/** Rows [from, to) of a tick batch as views (no copy); the batch itself when it is whole. */
export function sliceTicks(b: TickBatch, from: number, to: number): TickBatch {
  if (from === 0 && to === b.length) return b;
  return { length: to - from, t: b.t.subarray(from, to), price: b.price.subarray(from, to), bid: b.bid.subarray(from, to), ask: b.ask.subarray(from, to) };
}

/** Rows [from, to) of a trade batch as views (no copy); the batch itself when it is whole. */
export function sliceTrades(b: TradeBatch, from: number, to: number): TradeBatch {
  if (from === 0 && to === b.length) return b;
  return { length: to - from, t: b.t.subarray(from, to), price: b.price.subarray(from, to), qty: b.qty.subarray(from, to), side: b.side.subarray(from, to) };
}
