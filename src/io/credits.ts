/**
 * The credits of a reader worker (worker.ts): how many batches it may have posted and the
 * main thread not yet taken, counted on shared memory so that taking a batch costs no message.
 */
// Atomics.waitAsync (Node 16+) as far as it is used here (ES2024, beyond this project's lib).
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<unknown> | string } }).waitAsync;

/** In the credit counter: batches the main thread has taken. */
const TAKEN = 0;
/** In the credit counter: the TAKEN a waiting worker waits for, 0 while it is not waiting. */
const WANT = 1;

/** The credit counter of one reader worker, on shared memory. */
export function creditCounter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}

/**
 * The main thread has taken a batch: counted, and the worker woken only when it waits for
 * this count. A wake-up (Atomics.notify to a waitAsync) cost the main thread about 0.25 ms
 * (the worker is scheduled in on the spot): one per batch was 0.27 s of `report`'s main
 * thread over the bench hour.
 */
export function tookBatch(counter: Int32Array): void {
  const taken = Atomics.add(counter, TAKEN, 1) + 1;
  const want = Atomics.load(counter, WANT);
  if (want !== 0 && taken >= want) Atomics.notify(counter, TAKEN);
}

/**
 * Resolves once fewer than `credits` of the `sent` batches are not yet taken. A worker that
 * has to wait waits until half its credits are free, so it is woken once per credits/2 batches
 * rather than once per batch. No wake-up is lost: WANT is stored before waitAsync compares
 * TAKEN, and tookBatch adds to TAKEN before it loads WANT (both sequentially consistent), so
 * either the wait sees the new count or the main thread sees WANT and notifies.
 */
export async function creditFor(counter: Int32Array, sent: number, credits: number): Promise<void> {
  if (sent - Atomics.load(counter, TAKEN) < credits) return;
  const want = sent - credits + Math.ceil(credits / 2);
  Atomics.store(counter, WANT, want);
  for (;;) {
    const seen = Atomics.load(counter, TAKEN);
    if (seen >= want) break;
    const wait = waitAsync(counter, TAKEN, seen);
    if (wait.async) await wait.value;
  }
  Atomics.store(counter, WANT, 0);
}
