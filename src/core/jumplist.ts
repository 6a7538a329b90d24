/**
 * Growable columns of jumps (time in µs, sign ±1), the output of a jump detector
 * and the input of pairing.
 *
 * Memory is proportional to the number of jumps, never to the number of ticks:
 * the columns double when full, so `push` is O(1) amortized.
 */

/** Sign of a jump: +1 up, −1 down. */
export type JumpSign = 1 | -1;

export class JumpList {
  private tCol: Float64Array;
  private sCol: Int8Array;
  private n = 0;

  /** @param capacity initial number of slots (grows by doubling). */
  constructor(capacity = 64) {
    const cap = Math.max(1, Math.floor(capacity));
    this.tCol = new Float64Array(cap);
    this.sCol = new Int8Array(cap);
  }

  /**
   * A list holding the given jumps, in the given order (no check: pairing checks
   * the order it needs). Mostly for tests and small inputs.
   */
  static from(times: ArrayLike<number>, signs: ArrayLike<number>): JumpList {
    if (times.length !== signs.length) throw new RangeError('JumpList.from: times and signs differ in length');
    const list = new JumpList(times.length);
    for (let i = 0; i < times.length; i++) {
      const s = signs[i];
      if (s !== 1 && s !== -1) throw new RangeError(`JumpList.from: sign must be 1 or -1, got ${s}`);
      list.push(times[i]!, s);
    }
    return list;
  }

  /** Number of jumps. */
  get length(): number {
    return this.n;
  }

  /** Appends a jump at time `t` (µs). */
  push(t: number, sign: JumpSign): void {
    if (this.n === this.tCol.length) this.grow();
    this.tCol[this.n] = t;
    this.sCol[this.n] = sign;
    this.n++;
  }

  /** Time (µs) of jump `i`, 0 ≤ i < length (unchecked). */
  timeAt(i: number): number {
    return this.tCol[i]!;
  }

  /** Sign (+1 / −1) of jump `i`, 0 ≤ i < length (unchecked). */
  signAt(i: number): JumpSign {
    return this.sCol[i] as JumpSign;
  }

  /** The times (µs) as a view trimmed to `length`; invalidated by the next `push` that grows. */
  times(): Float64Array {
    return this.tCol.subarray(0, this.n);
  }

  /** The signs (+1 / −1) as a view trimmed to `length`; invalidated by the next `push` that grows. */
  signs(): Int8Array {
    return this.sCol.subarray(0, this.n);
  }

  private grow(): void {
    const cap = this.tCol.length * 2;
    const t = new Float64Array(cap);
    const s = new Int8Array(cap);
    t.set(this.tCol);
    s.set(this.sCol);
    this.tCol = t;
    this.sCol = s;
  }
}
