/**
 * The mid's steps by SCALE_BREAK or more between a quote file's consecutive ticks (src/io/types.ts
 * ReadReport.scaleBreaks), watched on the batches as the consumer takes them, and how the
 * commands' warning says them.
 */
import { formatMicros } from './time.js';

/**
 * A mid that doubles or halves from one tick to the next: no market moves so in a tick, but a
 * change of units (prices in cents in part of a file), another instrument's rows or a stub quote
 * (a bid of 0.01) does, and every analysis would count it as a move (a hunt's file with 500 rows
 * ×100 gave 2 jumps that were none).
 */
export const SCALE_BREAK = 2;

/** Whether a price steps from `from` to `to` by SCALE_BREAK or more, either way (false with NaN: no price before). */
export function scaleStep(from: number, to: number): boolean {
  return to >= SCALE_BREAK * from || from >= SCALE_BREAK * to;
}

/**
 * The ticks' mid steps of SCALE_BREAK or more, over the batches of a quote file as the consumer
 * takes them (io/sources.ts): on the reading threads the check cost the perp file's reader 4–8 %
 * (row by row in the validator's bulk loop, or batch by batch over shared memory), and that
 * reader is the bench's critical path; the consuming thread has time to spare.
 */
export class ScaleWatch {
  count = 0;
  time = NaN;
  from = NaN;
  to = NaN;
  private last = NaN;

  push(b: { readonly length: number; readonly t: Float64Array; readonly price: Float64Array }): void {
    const p = b.price;
    let last = this.last;
    for (let i = 0; i < b.length; i++) {
      const x = p[i]!;
      if (scaleStep(last, x)) this.found(b.t[i]!, last, x);
      last = x;
    }
    this.last = last;
  }

  private found(time: number, from: number, to: number): void {
    if (this.count++ > 0) return;
    this.time = time;
    this.from = from;
    this.to = to;
  }
}

/** What a mid that doubles or halves between two rows may be (SCALE_BREAK), as the commands' and inspect's warning says it; undefined where there is none. */
export function scaleBreakNote(b: { readonly count: number; readonly line?: number; readonly time?: number; readonly from: number; readonly to: number; readonly file: string } | undefined): string | undefined {
  if (b === undefined || b.count === 0) return undefined;
  const more = b.count > 1 ? `, and ${b.count - 1} more ${b.count === 2 ? 'time' : 'times'}` : '';
  const price = (x: number) => String(Number(x.toPrecision(12)));
  const at = b.line !== undefined ? `at line ${b.line}` : `at ${formatMicros(b.time!)}`;
  return `${b.file}: the mid steps from ${price(b.from)} to ${price(b.to)} ${at}${more}: a change of units (prices in cents), rows of another instrument, or a stub quote? No market moves so in a tick, and every analysis counts such a step as a move`;
}
