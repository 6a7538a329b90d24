/**
 * The one source of randomness of a run (STYLE 7): a seeded generator built from `--seed`
 * and passed to every kernel that samples, so every table is reproducible.
 *
 * Algorithm: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state,
 * period ≥ 2^32, in practice about 2^127), its state filled from the seed by splitmix32
 * and warmed up by 12 rounds. Plenty for shuffling a few hundred thousand triggers; not
 * for cryptography.
 */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /**
   * @param seed any safe integer (negative and > 2^32 allowed: both 32-bit halves are mixed in).
   * @throws RangeError when the seed is not a safe integer.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let s = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = split();
    this.#b = split();
    this.#c = split();
    this.#d = 1; // sfc32's counter; a non-zero start is conventional
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Next raw output, an integer in [0, 2^32). */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 random bits. */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /**
   * An unbiased integer in [0, n) by rejection (expected < 2 draws).
   * @throws RangeError unless n is an integer in [1, 2^32].
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    // Accept only draws below the largest multiple of n that fits in 2^32.
    const limit = 4294967296 - (4294967296 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /**
   * Adds 1 to counts[int(n)] n times, n = counts.length: the same draws, in the same order and
   * leaving the same state, as n calls of int(n), with the state in locals for the loop. A
   * replicate of a month's 10 s blocks is 259 200 draws: through int() and the private fields,
   * drawing was nearly all of `pair`'s time on a month of data.
   * @throws RangeError when counts is empty or holds 2^32 or more.
   */
  tally(counts: Uint32Array): void {
    const n = counts.length >>> 0;
    if (n < 1 || n !== counts.length) throw new RangeError(`tally needs 1 to 2^32 − 1 counts, got ${counts.length}`);
    const limit = 4294967296 - (4294967296 % n);
    // `| 0`: 32-bit integers from the start (the fields may hold them as doubles), so the loop
    // keeps them in integer registers: half the time of a draw.
    let a = this.#a | 0;
    let b = this.#b | 0;
    let c = this.#c | 0;
    let d = this.#d | 0;
    for (let k = 0; k < n; k++) {
      let x: number;
      do {
        // uint32(), step for step.
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        x = t >>> 0;
      } while (x >= limit);
      // x mod n without `%`, which V8 takes as a float modulo (a call) for x ≥ 2^31: 2.4 times
      // faster. Exact: x, n < 2^32, so ⌊x / n⌋ = q is never rounded up to q + 1 (its
      // remainder's share r/n ≤ 1 − 1/n stays more than half an ulp of q below 1) and q·n is exact.
      counts[x - Math.floor(x / n) * n]!++;
    }
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
  }

  /**
   * A seed for a C library's `int` seed parameter (e.g. XGBoost's `seed`), an integer in
   * [0, 2^31). Only 31 bits: XGBoost rejects values above INT_MAX.
   */
  seed32(): number {
    return this.uint32() >>> 1;
  }
}
