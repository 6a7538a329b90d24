import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDecimal } from '../src/io/numbers.js';
import { epochTextToMicros, parseEpochMicros, parseIsoMicros, unitFromMagnitude, unitFromColumnName } from '../src/io/time.js';
import { isoReferenceMicros, mulberry32 } from './io-helpers.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const dec = (s: string): number => parseDecimal(bytes(s), 0, Buffer.byteLength(s));
const epoch = (s: string, exp: number): number => parseEpochMicros(bytes(s), 0, Buffer.byteLength(s), exp);
const iso = (s: string): number => parseIsoMicros(bytes(s), 0, Buffer.byteLength(s));

test('parseDecimal equals Number(text) on random decimals (mantissas up to 20 digits, up to 24 fraction digits)', () => {
  const rnd = mulberry32(7);
  for (let i = 0; i < 20000; i++) {
    const intLen = Math.floor(rnd() * 10);
    const fracLen = Math.floor(rnd() * 25);
    let s = '';
    for (let j = 0; j < intLen; j++) s += Math.floor(rnd() * 10);
    if (fracLen > 0 || intLen === 0) {
      s += '.';
      for (let j = 0; j < Math.max(1, fracLen); j++) s += Math.floor(rnd() * 10);
    }
    if (rnd() < 0.1) s = '-' + s;
    assert.ok(Object.is(dec(s), Number(s)), `${s}: ${dec(s)} vs ${Number(s)}`);
  }
});

test('parseDecimal takes exponents, signs and spaces through the text path, like Number', () => {
  for (const s of ['1e-5', '6.18e4', '+5', '-0', '0.1', '5.', '.5', ' 61800.5 ', '9007199254740993', '123456789012345678901234']) {
    assert.ok(Object.is(dec(s), Number(s)), s);
  }
});

test('parseDecimal: empty, NaN, Infinity, overflow and junk are NaN', () => {
  for (const s of ['', '.', '-', 'NaN', 'Infinity', '-Infinity', '1e999', '12abc', '1,5', '0x10', '1 2', 'e5']) {
    assert.ok(Number.isNaN(dec(s)), JSON.stringify(s));
  }
});

test('parseEpochMicros: integer µs, ms and s scale exactly; fractions are floored to µs', () => {
  assert.equal(epoch('1723161254087891', 0), 1723161254087891);
  assert.equal(epoch('1723161254087', 3), 1723161254087000);
  assert.equal(epoch('1723161254', 6), 1723161254000000);
  assert.equal(epoch('1723161254.087891', 6), 1723161254087891);
  // 1723161254.0878919 s = …087891.9 µs → floor …087891
  assert.equal(epoch('1723161254.0878919', 6), 1723161254087891);
  assert.equal(epoch('1723161254087.5', 3), 1723161254087500);
  assert.equal(epoch('1723161254087891.999', 0), 1723161254087891);
});

test('parseEpochMicros: ns values beyond 2^53 lose their last 3 digits exactly (floor), not by float rounding', () => {
  // 1723161254087891999 ns > 2^53; Number() would round it to …892000.
  assert.equal(epoch('1723161254087891999', -3), 1723161254087891);
  assert.equal(epoch('1723161254087891000', -3), 1723161254087891);
  assert.equal(epoch('999', -3), 0);
});

test('epochTextToMicros: negatives floor toward −∞, exponents shift the point, junk is NaN', () => {
  assert.equal(epochTextToMicros('-1.5', 0), -2);
  assert.equal(epochTextToMicros('-1.000', 0), -1);
  assert.equal(epochTextToMicros('1.7231612540878915e9', 6), 1723161254087891);
  assert.equal(epochTextToMicros('-1723161254087891999', -3), -1723161254087892);
  assert.ok(Number.isNaN(epochTextToMicros('', 0)));
  assert.ok(Number.isNaN(epochTextToMicros('abc', 0)));
  assert.ok(Number.isNaN(epochTextToMicros('1e300', 0)));
  assert.ok(Number.isNaN(epochTextToMicros('99999999999999999', 0)));
});

test('parseEpochMicros agrees with a BigInt reference on random epoch texts in every unit', () => {
  const rnd = mulberry32(11);
  for (let i = 0; i < 5000; i++) {
    const exp = [6, 3, 0, -3][Math.floor(rnd() * 4)]!;
    const intDigits = [1e9, 1e9, 1e9].map((x) => String(Math.floor(rnd() * x)).padStart(9, '0')).join('');
    // About as many digits as a current epoch in that unit (10 for s … 19 for ns), give or take one.
    const whole = intDigits.slice(0, 10 + (6 - exp) + Math.floor(rnd() * 3) - 1).replace(/^0+(?=\d)/, '');
    const frac = rnd() < 0.5 ? '' : String(Math.floor(rnd() * 1e6)).padStart(1 + Math.floor(rnd() * 8), '0');
    const text = frac ? `${whole}.${frac}` : whole;
    // Reference: scale by 10^(exp + 9) into integer "nano-µs", then floor-divide.
    const [wi, wf = ''] = text.split('.');
    const scaleDigits = exp + 9;
    const fracPadded = (wf + '0'.repeat(30)).slice(0, scaleDigits);
    const big = BigInt(wi!) * 10n ** BigInt(scaleDigits) + BigInt(fracPadded || '0');
    const ref = big / 10n ** 9n;
    const expected = ref > BigInt(Number.MAX_SAFE_INTEGER) ? NaN : Number(ref);
    assert.ok(Object.is(epoch(text, exp), expected), `${text} exp ${exp}: ${epoch(text, exp)} vs ${expected}`);
  }
});

test('unit detection: suffixes and magnitudes s < 1e11 ≤ ms < 1e14 ≤ µs < 1e17 ≤ ns', () => {
  assert.equal(unitFromColumnName('ts_ms'), 'ms');
  assert.equal(unitFromColumnName('time_us'), 'us');
  assert.equal(unitFromColumnName('timestamp_ns'), 'ns');
  assert.equal(unitFromColumnName('t_s'), 's');
  assert.equal(unitFromColumnName('timestamp'), undefined);
  assert.equal(unitFromMagnitude(1723161254), 's');
  assert.equal(unitFromMagnitude(99999999999), 's');
  assert.equal(unitFromMagnitude(1e11), 'ms');
  assert.equal(unitFromMagnitude(1723161254087), 'ms');
  assert.equal(unitFromMagnitude(1e14), 'us');
  assert.equal(unitFromMagnitude(1723161254087891), 'us');
  assert.equal(unitFromMagnitude(1e17), 'ns');
});

test('parseIsoMicros: the exchange layout with 0–9 fractional digits, T or space, zones Z, ±hh:mm, ±hhmm, ±hh, none', () => {
  const base = Date.UTC(2024, 7, 8, 23, 54, 14) * 1000;
  assert.equal(iso('2024-08-08 23:54:14.087891+00:00'), base + 87891);
  assert.equal(iso('2024-08-08T23:54:14Z'), base);
  assert.equal(iso('2024-08-08 23:54:14'), base);
  assert.equal(iso('2024-08-08T23:54:14.1'), base + 100000);
  assert.equal(iso('2024-08-08T23:54:14.123456789Z'), base + 123456); // sub-µs digits dropped (floor)
  assert.equal(iso('2024-08-09T01:54:14.5+02:00'), base + 500000);
  assert.equal(iso('2024-08-09T01:54:14.5+0200'), base + 500000);
  assert.equal(iso('2024-08-09T01:54:14.5+02'), base + 500000);
  assert.equal(iso('2024-08-08T18:24:14-05:30'), base);
  for (let digits = 0; digits <= 9; digits++) {
    const text = `2024-08-08 23:54:14${digits ? '.' + '987654321'.slice(0, digits) : ''}+00:00`;
    assert.equal(iso(text), isoReferenceMicros(text), text);
  }
});

test('parseIsoMicros matches Date.UTC around leap days and year ends', () => {
  const dates = [
    '2024-02-28', '2024-02-29', '2024-03-01', '2023-02-28', '2023-03-01', '2000-02-29', '2000-03-01',
    '1900-02-28', '1900-03-01', '2100-02-28', '2100-03-01', '1999-12-31', '2000-01-01', '1970-01-01', '1969-12-31',
    '2255-06-01',
  ];
  for (const d of dates) {
    for (const time of ['00:00:00', '23:59:59.999999', '12:34:56.5']) {
      const text = `${d}T${time}Z`;
      assert.equal(iso(text), isoReferenceMicros(text), text);
    }
  }
});

test('parseIsoMicros rejects malformed or impossible times', () => {
  for (const s of [
    '', '2024-08-08', '2024-02-30 00:00:00', '2023-02-29 00:00:00', '1900-02-29 00:00:00', '2024-13-01 00:00:00',
    '2024-08-08 24:00:00', '2024-08-08 23:60:00', '2024-08-08 23:59:60', '2024-08-08X23:54:14', '2024-08-08 23:54:14.',
    '2024-08-08 23:54:14+25:00', '2024-08-08 23:54:14+00:00x', '2024-08-08 23:54:14 UTC', '24-08-08 23:54:14',
    '2024/08/08 23:54:14', '1723161254087891', '3000-01-01 00:00:00',
  ]) {
    assert.ok(Number.isNaN(iso(s)), JSON.stringify(s));
  }
});
