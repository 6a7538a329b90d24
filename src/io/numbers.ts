/**
 * Decimal numbers straight from bytes.
 *
 * `parseDecimal` equals `Number(text)` on every field it accepts (checked against
 * `Number` by a property test): the fast path reads the digits into an integer
 * mantissa m and a count k of fractional digits and returns m / 10^k, which is a
 * single correctly rounded division of two exactly represented doubles whenever
 * m < 2^53 and k ≤ 22 (10^22 is the largest exact power of ten). Anything else —
 * exponents, signs in odd places, spaces, long mantissas — goes to the text path,
 * which validates the syntax and then calls `Number`.
 */

/** Exact powers of ten 10^0 … 10^22 (all exactly representable as doubles). */
export const POW10: readonly number[] = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
  1e19, 1e20, 1e21, 1e22,
];

/** A plain decimal: optional sign, digits with an optional point, optional exponent; at least one digit. */
export const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The value of a numeric CSV field, NaN when the text is not a finite decimal number
 * (empty, `NaN`, `Infinity`, `1e999`, `12abc`). Surrounding spaces are allowed.
 * Cost: one pass over the bytes; no allocation unless the slow path is taken.
 */
export function parseDecimal(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  let c = buf[i];
  let neg = false;
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
  }
  let m = 0;
  let digits = 0;
  let frac = 0;
  for (; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    digits++;
  }
  if (i < e && buf[i] === 46) {
    for (i++; i < e; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      frac++;
    }
    digits += frac;
  }
  // m ≤ 2^53 − 1 guarantees every partial m*10+d was exact (the sequence is monotone).
  if (i !== e || digits === 0 || m > 9007199254740991 || frac > 22) return parseDecimalSlow(buf, s, e);
  const v = frac === 0 ? m : m / POW10[frac]!;
  return neg ? -v : v;
}

/** The text path of `parseDecimal`: syntax check, then `Number`. */
export function parseDecimalSlow(buf: Uint8Array, s: number, e: number): number {
  return parseDecimalText(Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('utf8'));
}

/** `Number(text)` for a plain finite decimal (spaces trimmed), NaN otherwise. */
export function parseDecimalText(text: string): number {
  const t = text.trim();
  if (!DECIMAL_RE.test(t)) return NaN;
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

/** True when the field is a boolean word (`true`/`false`, any case). Used to recognise headerless files. */
export function isBooleanText(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t === 'true' || t === 'false';
}
