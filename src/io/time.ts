/**
 * Times from bytes: ISO-8601 strings and epoch numbers, both to integer µs since
 * the Unix epoch (exact while |t| ≤ 2^53 − 1 µs, i.e. years 1685–2255).
 *
 * Sub-microsecond precision is dropped with floor semantics (toward −∞): an ISO
 * fraction `.1234567` keeps `.123456`; `1723161254087891.9` µs → …891; a negative
 * epoch `-1.5` µs → −2. Nothing here allocates on the fast paths.
 */
import type { TimeUnit } from './types.js';
import { POW10 } from './numbers.js';
import { isoMicros } from '../core/human-text.js';

const MAX_SAFE = 9007199254740991;

/** Decimal exponent that turns a value in `unit` into µs (µs = value · 10^exp). */
export function unitExponent(unit: TimeUnit): number {
  switch (unit) {
    case 's':
      return 6;
    case 'ms':
      return 3;
    case 'us':
      return 0;
    case 'ns':
      return -3;
  }
}

/** Columns whose unit is known by name: Databento's `ts_event` and `ts_recv` are ns. */
const UNIT_BY_NAME: Readonly<Record<string, TimeUnit>> = { ts_event: 'ns', ts_recv: 'ns' };

/** The unit named by a column suffix (`ts_ms`, `time_us`) or a known name (`ts_event`: ns), undefined without one. */
export function unitFromColumnName(name: string): TimeUnit | undefined {
  const m = /_(s|ms|us|ns)$/.exec(name);
  return m ? (m[1] as TimeUnit) : UNIT_BY_NAME[name];
}

/**
 * The unit of an epoch time guessed from its magnitude:
 * s < 1e11 ≤ ms < 1e14 ≤ µs < 1e17 ≤ ns (1e11 s is the year 5138; 1e14 ms is 5138 too).
 */
export function unitFromMagnitude(value: number): TimeUnit {
  const v = Math.abs(value);
  if (v < 1e11) return 's';
  if (v < 1e14) return 'ms';
  if (v < 1e17) return 'us';
  return 'ns';
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

function twoDigits(buf: Uint8Array, i: number): number {
  const a = buf[i]! - 48;
  const b = buf[i + 1]! - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Days from 1970-01-01 to the proleptic Gregorian date y-m-d (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * `YYYY-MM-DD[T| ]HH:MM:SS[.f…][Z|±hh:mm|±hhmm|±hh]` in buf[s, e) → µs since the epoch, NaN when
 * malformed or out of range. Any number of fractional digits (digits after the 6th are
 * dropped = floor); no zone means UTC; surrounding spaces are allowed.
 * Cost: O(length), no allocation.
 */
export function parseIsoMicros(buf: Uint8Array, s: number, e: number): number {
  while (s < e && buf[s] === 32) s++;
  while (e > s && buf[e - 1] === 32) e--;
  if (e - s < 19) return NaN;
  const y1 = twoDigits(buf, s);
  const y2 = twoDigits(buf, s + 2);
  const mo = twoDigits(buf, s + 5);
  const d = twoDigits(buf, s + 8);
  const h = twoDigits(buf, s + 11);
  const mi = twoDigits(buf, s + 14);
  const sec = twoDigits(buf, s + 17);
  const sep = buf[s + 10];
  if (
    y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 ||
    buf[s + 4] !== 45 || buf[s + 7] !== 45 || buf[s + 13] !== 58 || buf[s + 16] !== 58 ||
    (sep !== 84 && sep !== 116 && sep !== 32)
  ) {
    return NaN;
  }
  const y = y1 * 100 + y2;
  if (d > daysInMonth(y, mo)) return NaN;
  let i = s + 19;
  let fracUs = 0;
  if (i < e && buf[i] === 46) {
    i++;
    let n = 0;
    for (; i < e && isDigit(buf[i]); i++, n++) {
      if (n < 6) fracUs = fracUs * 10 + (buf[i]! - 48);
    }
    if (n === 0) return NaN;
    if (n < 6) fracUs *= POW10[6 - n]!;
  }
  let offsetSec = 0;
  if (i < e) {
    const z = buf[i];
    if ((z === 90 || z === 122) && i + 1 === e) {
      i++;
    } else if (z === 43 || z === 45) {
      const oh = twoDigits(buf, i + 1);
      let om = 0;
      const rest = e - (i + 3);
      if (rest === 3 && buf[i + 3] === 58) om = twoDigits(buf, i + 4);
      else if (rest === 2) om = twoDigits(buf, i + 3);
      else if (rest !== 0) return NaN;
      if (i + 3 > e || oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
      offsetSec = (z === 45 ? -1 : 1) * (oh * 3600 + om * 60);
      i = e;
    } else {
      return NaN;
    }
  }
  if (i !== e) return NaN;
  const secs = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offsetSec;
  if (Math.abs(secs) > 9007199254) return NaN;
  const us = secs * 1e6 + fracUs;
  return Math.abs(us) <= MAX_SAFE ? us : NaN;
}

/**
 * An epoch number in buf[s, e) (integer or decimal, µs = value · 10^exp) → floor(µs), NaN when not a number or beyond ±(2^53 − 1) µs. The fast path takes plain unsigned
 * digits with an optional point; everything else goes through `epochTextToMicros`.
 * `ns` values exceed 2^53, so their last three digits are dropped as text, never rounded.
 */
export function parseEpochMicros(buf: Uint8Array, s: number, e: number, exp: number): number {
  if (exp < 0) return parseEpochNanos(buf, s, e, exp);
  let acc = 0;
  let digits = 0;
  let kept = 0;
  let dot = false;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      digits++;
      if (!dot) acc = acc * 10 + d;
      else if (kept < exp) {
        acc = acc * 10 + d;
        kept++;
      }
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      return epochSlow(buf, s, e, exp);
    }
  }
  if (digits === 0) return NaN;
  acc *= POW10[exp - kept]!;
  return acc <= MAX_SAFE ? acc : epochSlow(buf, s, e, exp);
}

function parseEpochNanos(buf: Uint8Array, s: number, e: number, exp: number): number {
  const drop = -exp;
  if (e - s <= drop) return epochSlow(buf, s, e, exp);
  let acc = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return epochSlow(buf, s, e, exp);
    if (i < e - drop) acc = acc * 10 + d;
  }
  return acc <= MAX_SAFE ? acc : epochSlow(buf, s, e, exp);
}

function epochSlow(buf: Uint8Array, s: number, e: number, exp: number): number {
  return epochTextToMicros(Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('utf8'), exp);
}

const EPOCH_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The reference conversion of an epoch number's text: shift the decimal point by the unit
 * exponent (plus any `e±n`) in the digit string, keep the integer part exactly, floor by the
 * dropped digits. NaN when malformed or beyond ±(2^53 − 1) µs.
 */
export function epochTextToMicros(text: string, exp: number): number {
  const m = EPOCH_RE.exec(text.trim());
  if (!m) return NaN;
  const intDigits = m[2]!;
  const fracDigits = m[3] ?? '';
  const digits = intDigits + fracDigits;
  if (digits.length === 0) return NaN;
  const e10 = m[4] === undefined ? 0 : Number(m[4]);
  const point = intDigits.length + e10 + exp;
  if (point > digits.length + 20) return digits.replace(/0/g, '') === '' ? 0 : NaN;
  const cut = Math.max(0, Math.min(point, digits.length));
  let whole = digits.slice(0, cut) + '0'.repeat(Math.max(0, point - digits.length));
  const dropped = digits.slice(cut);
  whole = whole.replace(/^0+/, '');
  if (whole.length > 16) return NaN;
  let v = whole === '' ? 0 : Number(whole);
  if (v > MAX_SAFE) return NaN;
  if (m[1] === '-') {
    v = -v;
    if (/[1-9]/.test(dropped)) v -= 1;
    if (v < -MAX_SAFE) return NaN;
  }
  return v + 0; // -0 → 0
}

/** Number of µs as an ISO-8601 UTC string with 6 fractional digits (for messages: a value read from a file may be anything, and shows as itself). */
export function formatMicros(us: number): string {
  return Number.isFinite(us) ? isoMicros(us) : String(us);
}

/**
 * A compiled strftime-like time pattern (`--time-format '%Y-%m-%d %H:%M:%S'`): one code per
 * step. Codes 0–255 match that byte; negative codes read a field (see PATTERN_FIELDS); a code
 * OPTIONAL_FRACTION + b reads an optional fraction introduced by byte b (`.%f` → `.` then 1–9
 * digits, or nothing at all: tools that drop a zero fraction write `00:00:19` among
 * `00:00:19.25`).
 */
export type TimePattern = Int32Array;

const F_YEAR = -1;
const F_MONTH = -2;
const F_DAY = -3;
const F_HOUR = -4;
const F_MINUTE = -5;
const F_SECOND = -6;
const F_FRACTION = -7;
const F_ZONE = -8;
const F_YEAR2 = -9;
const OPTIONAL_FRACTION = 1000;

/** Directive → field code; `%F` and `%T` expand to `%Y-%m-%d` and `%H:%M:%S`. */
const PATTERN_FIELDS: Record<string, number> = {
  Y: F_YEAR, m: F_MONTH, d: F_DAY, H: F_HOUR, M: F_MINUTE, S: F_SECOND, f: F_FRACTION, z: F_ZONE, y: F_YEAR2,
};

/** The directives a pattern may use, for messages. */
export const PATTERN_DIRECTIVES = '%Y %y %m %d %H %M %S %f %z %F %T %%';

/**
 * Compiles a time pattern; the text of an error when it is not one (an unknown directive, no
 * directive at all, a field given twice).
 */
export function compileTimePattern(pattern: string): TimePattern | string {
  const expanded = pattern.replace(/%([FT%])/g, (_, c: string) => (c === 'F' ? '%Y-%m-%d' : c === 'T' ? '%H:%M:%S' : '%%'));
  const codes: number[] = [];
  const seen = new Set<number>();
  const bytes = Buffer.from(expanded, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 37) {
      codes.push(b);
      continue;
    }
    const c = String.fromCharCode(bytes[++i] ?? 0);
    if (c === '%') {
      codes.push(37);
      continue;
    }
    const field = PATTERN_FIELDS[c];
    if (field === undefined) return `unknown directive %${c === '\0' ? '' : c} (use ${PATTERN_DIRECTIVES})`;
    if (seen.has(field) || (field === F_YEAR && seen.has(F_YEAR2)) || (field === F_YEAR2 && seen.has(F_YEAR))) return `%${c} is given twice`;
    seen.add(field);
    const prev = codes[codes.length - 1];
    if (field === F_FRACTION && prev !== undefined && prev >= 0 && prev < 256 && !/[0-9]/.test(String.fromCharCode(prev))) {
      codes[codes.length - 1] = OPTIONAL_FRACTION + prev;
    } else {
      codes.push(field);
    }
  }
  if (seen.size === 0) return 'a pattern needs at least one directive such as %Y or %H';
  return Int32Array.from(codes);
}

/**
 * The time in buf[s, e) read with a compiled pattern → µs since the epoch, NaN when it does not
 * match or is out of range. Numeric fields take 1 up to their width in digits (`%m` reads `8`
 * and `08`); `%f` takes 1–9 digits (digits after the 6th are dropped = floor); `%z` reads `Z`,
 * `±hh`, `±hhmm` or `±hh:mm`; `%y` is 1969–2068. Fields not in the pattern default to
 * 1970-01-01 00:00:00 UTC. Surrounding spaces are allowed. Cost: O(length), no allocation.
 */
export function parsePatternMicros(pattern: TimePattern, buf: Uint8Array, s: number, e: number): number {
  while (s < e && buf[s] === 32) s++;
  while (e > s && buf[e - 1] === 32) e--;
  // Field values by −code (F_YEAR → 1 …), defaults 1970-01-01 00:00:00.
  const v = fieldValues;
  v[1] = 1970;
  v[2] = 1;
  v[3] = 1;
  v[4] = v[5] = v[6] = v[7] = v[8] = v[9] = 0;
  let i = s;
  const n = pattern.length;
  for (let k = 0; k < n; k++) {
    let code = pattern[k]!;
    if (code >= 0 && code < 256) {
      if (i >= e || buf[i] !== code) return NaN;
      i++;
      continue;
    }
    if (code >= OPTIONAL_FRACTION) {
      if (i >= e || buf[i] !== code - OPTIONAL_FRACTION) continue;
      i++;
      code = F_FRACTION;
    }
    if (code === F_ZONE) {
      const off = zoneSeconds(buf, i, e);
      if (off !== off) return NaN;
      v[8] = off;
      i = zoneEnd;
      continue;
    }
    // A numeric field: 1 up to its width in digits.
    const width = code === F_YEAR ? 4 : code === F_FRACTION ? 9 : 2;
    const start = i;
    let x = 0;
    while (i < e && i - start < width) {
      const digit = buf[i]! - 48;
      if (digit < 0 || digit > 9) break;
      x = x * 10 + digit;
      i++;
    }
    if (i === start) return NaN;
    if (code === F_FRACTION) {
      const digits = i - start;
      x = digits <= 6 ? x * POW10[6 - digits]! : Math.floor(x / POW10[digits - 6]!);
    } else if (code === F_YEAR2) {
      x = x < 69 ? 2000 + x : 1900 + x;
      code = F_YEAR;
    }
    v[-code] = x;
  }
  const y = v[1]!;
  const mo = v[2]!;
  const d = v[3]!;
  const h = v[4]!;
  const mi = v[5]!;
  const sec = v[6]!;
  if (i !== e || h > 23 || mi > 59 || sec > 59) return NaN;
  // Consecutive rows nearly always share their date: its day number is kept.
  const key = (y * 100 + mo) * 100 + d;
  if (key !== lastDateKey) {
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
    lastDateKey = key;
    lastDays = daysFromCivil(y, mo, d);
  }
  const secs = lastDays * 86400 + h * 3600 + mi * 60 + sec - v[8]!;
  if (Math.abs(secs) > 9007199254) return NaN;
  const us = secs * 1e6 + v[7]!;
  return Math.abs(us) <= MAX_SAFE ? us : NaN;
}

/** Scratch for parsePatternMicros' fields, indexed by −code. */
const fieldValues = new Float64Array(10);

/** The last valid date parsePatternMicros read, as yyyymmdd, and its day number. */
let lastDateKey = -1;
let lastDays = 0;

/** Where the zone zoneSeconds read ends. */
let zoneEnd = 0;

/** `Z`, `±hh`, `±hhmm` or `±hh:mm` at buf[i…e) → seconds east of UTC (NaN when malformed); sets zoneEnd. */
function zoneSeconds(buf: Uint8Array, i: number, e: number): number {
  const z = buf[i];
  if (z === 90 || z === 122) {
    zoneEnd = i + 1;
    return 0;
  }
  if ((z !== 43 && z !== 45) || i + 3 > e) return NaN;
  const oh = twoDigits(buf, i + 1);
  let om = 0;
  let j = i + 3;
  if (buf[j] === 58 && j + 3 <= e) j++; // ±hh:mm
  if (j + 2 <= e && isDigit(buf[j])) {
    om = twoDigits(buf, j);
    j += 2;
  } else {
    j = i + 3; // ±hh alone
  }
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
  zoneEnd = j;
  return (z === 45 ? -1 : 1) * (oh * 3600 + om * 60);
}
