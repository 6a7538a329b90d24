import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixed, fixedNotZero, isoMicros } from '../src/core/human-text.js';
import { formatMicros } from '../src/io/time.js';

test('isoMicros: µs as ISO-8601 UTC with six fractional digits, hand-converted', () => {
  // 1 723 118 400 s after the epoch is 2024-08-08 12:00:00 UTC; 123 456 µs past it.
  assert.equal(isoMicros(1_723_118_400_123_456), '2024-08-08T12:00:00.123456Z');
  assert.equal(isoMicros(0), '1970-01-01T00:00:00.000000Z');
  // One µs before the epoch: the millisecond floors to −1, leaving 999 µs.
  assert.equal(isoMicros(-1), '1969-12-31T23:59:59.999999Z');
  // The calendar's last day (8.64·10¹⁵ ms) has a six-digit year: the fraction is still whole.
  assert.equal(isoMicros(8.64e18), '+275760-09-13T00:00:00.000000Z');
  // Year −1 (astronomical): 62 198 755 200 s before the epoch.
  assert.equal(isoMicros(-62_198_755_200_000_000), '-000001-01-01T00:00:00.000000Z');
});

test('isoMicros and formatMicros: beyond the calendar the µs themselves; not finite, n/a in tables and the value in messages', () => {
  assert.equal(isoMicros(1e20), '100000000000000000000 µs');
  assert.equal(formatMicros(-1e20), '-100000000000000000000 µs');
  assert.equal(isoMicros(NaN), 'n/a');
  assert.equal(isoMicros(Infinity), 'n/a');
  assert.equal(formatMicros(NaN), 'NaN');
  assert.equal(formatMicros(-Infinity), '-Infinity');
  assert.equal(formatMicros(1_723_118_400_123_456), '2024-08-08T12:00:00.123456Z');
});

test('fixedNotZero: the decimals asked for, but a value they would print as 0 in 2 significant digits', () => {
  // An interval end of −3.69e-5 (an xcorr window on the Binance sample) is not "0.0000".
  assert.equal(fixedNotZero(-3.69e-5, 4), '-0.000037');
  assert.equal(fixedNotZero(4.9e-5, 4), '0.000049');
  // From half a unit of the last decimal up, the decimals show it: 0.00006 is 0.0001.
  assert.equal(fixedNotZero(6e-5, 4), '0.0001');
  assert.equal(fixedNotZero(0.1021, 4), '0.1021');
  assert.equal(fixedNotZero(0, 4), '0.0000');
  assert.equal(fixedNotZero(null, 4), 'n/a');
  assert.equal(fixedNotZero(-4e-4, 3), '-0.00040');
});

test('fixed rounds as the decimal reads, half away from zero: 7/20 is 0.4 to one decimal, not 0.3', () => {
  // 0.35 is 0.34999999999999997 in binary, which toFixed(1) rounds down; the shortest decimal
  // that reads back as it is "0.35", whose tie rounds up. Likewise 1.005 (1.00499… in binary).
  assert.equal(fixed(7 / 20, 1), '0.4');
  assert.equal(fixed(-0.35, 1), '-0.4');
  assert.equal(fixed(1.005, 2), '1.01');
  assert.equal(fixed(0.125, 2), '0.13');
  assert.equal(fixed(2.5, 0), '3');
  // Not ties: as before.
  assert.equal(fixed(0.349, 1), '0.3');
  assert.equal(fixed(123.456, 2), '123.46');
  // Values written with an exponent keep toFixed's rounding; a negative zero loses its sign.
  assert.equal(fixed(1e-7, 3), '0.000');
  assert.equal(fixed(-0.0001, 2), '0.00');
  assert.equal(fixed(null, 2), 'n/a');
});
