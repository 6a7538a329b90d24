import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineNumber, roundSum } from '../src/core/decimal.js';

test('machineNumber: results of decimal arithmetic print as the decimal they stand for', () => {
  assert.equal(String(machineNumber(4000.6000000000004)), '4000.6'); // one unit in the last place above 4000.6
  assert.equal(String(machineNumber(0.1 + 0.2)), '0.3');
  assert.equal(String(machineNumber(-0.06426357 + 1e-18 - 1e-17)), '-0.06426357');
  assert.equal(String(machineNumber(514172.53999999986)), '514172.54');
});

test('machineNumber: integers (µs, counts) and values with all their digits are unchanged', () => {
  for (const x of [1723118400000644, 0, -3, 2 ** 53, 1 / 3, 2 / 3, Math.PI, -0.0012002182701706943, 1e-300, 5e-324]) {
    assert.equal(machineNumber(x), x, String(x));
  }
  assert.ok(Number.isNaN(machineNumber(NaN)));
  assert.equal(machineNumber(Infinity), Infinity);
});

test('machineNumber never moves a value by more than about two units in the last place', () => {
  // Independent check: |result − x| ≤ 2⁻⁵¹·|x| on values of many magnitudes.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 20 - 10);
    const noisy = Number(x.toPrecision(1 + Math.floor(rand() * 14))) * (1 + (rand() < 0.5 ? 2 ** -52 : 0));
    for (const v of [x, noisy]) assert.ok(Math.abs(machineNumber(v) - v) <= 2 ** -51 * Math.abs(v), `${v} → ${machineNumber(v)}`);
  }
});

test('roundSum: a cancelling sum of decimals keeps only the digits its error bound leaves exact', () => {
  // 5.2 − 5.19689413 in doubles is 0.0031058700000000175; Σ|x| ≈ 10.4, n = 2, bound 2·2·2⁻⁵³·10.4 ≈ 4.6e-15,
  // so the sum is rounded to 1e-14: 0.00310587.
  const raw = 5.2 - 5.19689413;
  assert.notEqual(raw, 0.00310587);
  assert.equal(roundSum(raw, 5.2 + 5.19689413, 2), 0.00310587);
  // Exact and integer sums are unchanged; an empty sum is 0.
  assert.equal(roundSum(0.5 + 0.25, 0.75, 2), 0.75);
  assert.equal(roundSum(12, 14, 3), 12);
  assert.equal(roundSum(0, 0, 0), 0);
  // A sum with real digits below 1e-10 keeps them when the bound allows (n = 1, Σ|x| = 1e-12).
  assert.equal(roundSum(1.23456789e-12, 1.23456789e-12, 1), 1.23456789e-12);
});
