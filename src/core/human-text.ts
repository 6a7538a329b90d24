/**
 * Numbers, instants and durations as people read them: the text of the human tables and of the
 * messages. Pure (no I/O), so that core's messages (the merges' refusals) say times the way the
 * renderers do; src/io/output.ts re-exports these for the renderers.
 */

/** Fixed-decimal formatting for human tables: never "NaN", never "-0.0000". */
export function fixed(v: number | null, digits: number): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const s = decimalRound(v, digits).toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/**
 * `v` rounded to `digits` decimals as its decimal reading says, half away from zero: 7/20 is
 * 0.35 to a reader, which toFixed(1) rounds from the binary 0.34999999999999997 to "0.3" (a mean
 * of chance pairs printed 0.3 where the counts give 0.35). The shortest decimal that reads back
 * as `v` (String(v)) is shifted by `digits` in its exponent, so no multiplication rounds it. A
 * value String writes with an exponent of its own (below 1e-6, from 1e21) keeps toFixed's.
 */
function decimalRound(v: number, digits: number): number {
  const text = String(Math.abs(v));
  if (text.includes('e')) return v;
  const rounded = Number(`${Math.round(Number(`${text}e${digits}`))}e-${digits}`);
  return Number.isFinite(rounded) ? Math.sign(v) * rounded : v;
}

/**
 * `fixed(v, digits)`, except that a value too small for those decimals takes 2 significant
 * digits: an interval's end of −0.000037 printed "0.0000" hid that the interval holds 0.
 */
export function fixedNotZero(v: number | null, digits: number): string {
  return v !== null && v !== 0 && Math.abs(v) < 0.5 * 10 ** -digits ? v.toPrecision(2) : fixed(v, digits);
}

/** "1 pair", "2 pairs": a count with its noun in the number it takes. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** A span of µs as every command's JSON gives it (a window's, a missing range's, the analysis span's): the µs and the ISO times. */
export function spanJson(span: { readonly start: number; readonly end: number }): { start_us: number; end_us: number; start: string; end: string } {
  return { start_us: span.start, end_us: span.end, start: isoMicros(span.start), end: isoMicros(span.end) };
}

/** Formats a µs time as ISO-8601 UTC with µs precision; a finite time beyond the calendar's range (±273 790 years) as its µs. */
export function isoMicros(us: number): string {
  if (!Number.isFinite(us)) return 'n/a';
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return `${us} µs`;
  // 2024-08-08T23:54:14.087Z (years past 9999 or before 0 as +275760 or -000001: not 23 characters)
  const iso = date.toISOString();
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

/** Formats a µs duration for people: "812 µs", "3.25 ms", "5.6 s", "1 h 02 min". */
export function duration(us: number): string {
  if (!Number.isFinite(us)) return 'n/a';
  if (us < 1000) return `${fixed(us, 0)} µs`;
  if (us < 1e6) return `${trimZeros((us / 1000).toFixed(3))} ms`;
  const s = us / 1e6;
  if (s < 120) return `${trimZeros(s.toFixed(3))} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m} min ${String(Math.floor(s - m * 60)).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m - h * 60).padStart(2, '0')} min`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
