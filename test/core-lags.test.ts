import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ABS_LAG, MAX_LAGS, parseLags } from '../src/core/lags.js';
import { UsageError } from '../src/errors.js';

test('parseLags: a range lo..hi expands inclusively', () => {
  assert.deepEqual(parseLags('1..5'), [1, 2, 3, 4, 5]);
  assert.deepEqual(parseLags('-5..5'), [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
  assert.deepEqual(parseLags('-5..-1'), [-5, -4, -3, -2, -1]);
  assert.deepEqual(parseLags('3..3'), [3]);
});

test('parseLags: a list comes back sorted and without duplicates', () => {
  assert.deepEqual(parseLags('1,2,5'), [1, 2, 5]);
  assert.deepEqual(parseLags('-2,0,3'), [-2, 0, 3]);
  assert.deepEqual(parseLags('5,1,1,-3'), [-3, 1, 5]);
  assert.deepEqual(parseLags(' 5 , 1 ,1 '), [1, 5]);
});

test('parseLags: a list may mix integers and ranges', () => {
  assert.deepEqual(parseLags('-5..-3,3..5'), [-5, -4, -3, 3, 4, 5]);
  assert.deepEqual(parseLags('0,-1..1'), [-1, 0, 1]);
});

test('parseLags: a single integer, with sign or spaces', () => {
  assert.deepEqual(parseLags('3'), [3]);
  assert.deepEqual(parseLags('+3'), [3]);
  assert.deepEqual(parseLags(' -7 '), [-7]);
  assert.deepEqual(parseLags('-2 .. 2'), [-2, -1, 0, 1, 2]);
});

test('parseLags: -0 is lag 0 (not negative zero)', () => {
  const [lag] = parseLags('-0');
  assert.ok(Object.is(lag, 0));
});

test('parseLags: |lag| up to the limit is accepted', () => {
  assert.deepEqual(parseLags(`-${MAX_ABS_LAG},${MAX_ABS_LAG}`), [-MAX_ABS_LAG, MAX_ABS_LAG]);
  assert.equal(MAX_ABS_LAG, 100_000);
});

function rejects(spec: string, message: RegExp): void {
  assert.throws(
    () => parseLags(spec),
    (e: unknown) => e instanceof UsageError && message.test(e.message),
    `parseLags(${JSON.stringify(spec)}) should throw a UsageError matching ${message}`,
  );
}

test('parseLags: a reversed range is a usage error that suggests the right order', () => {
  rejects('5..1', /reversed; write 1\.\.5/);
  rejects('-1..-5', /reversed; write -5\.\.-1/);
});

test('parseLags: non-integers and garbage are usage errors', () => {
  rejects('1.5', /"1\.5" is not an integer lag or a range/);
  rejects('abc', /"abc" is not an integer lag or a range; expected/);
  // A duration, as hy's --lags take: said to be steps of --grid, with the conversion at 1 ms.
  rejects('-5ms..5ms', /"-5ms\.\.5ms" is not an integer lag or a range: xcorr's lags count grid steps of --grid \(1 ms by default\), not durations; at --grid 1ms, ±5 ms is -5\.\.5;/);
  rejects('500us', /count grid steps of --grid/);
  rejects('1..2.5', /not an integer lag or a range/);
  rejects('1...3', /not an integer lag or a range/);
  rejects('1..', /not an integer lag or a range/);
  rejects('..3', /not an integer lag or a range/);
  rejects('1e3', /not an integer lag or a range/);
  rejects('0x10', /not an integer lag or a range/);
  rejects('1;2', /not an integer lag or a range/);
});

test('parseLags: an empty spec or an empty list item is a usage error', () => {
  rejects('', /empty/);
  rejects('   ', /empty/);
  rejects('1,,2', /empty list item/);
  rejects('1,', /empty list item/);
  rejects(',1', /empty list item/);
});

test('parseLags: |lag| beyond 100000 is a usage error', () => {
  rejects('100001', /out of range.*at most 100000/);
  rejects('-100001..0', /out of range/);
  rejects('0..99999999999999999999999', /out of range/);
});

test('parseLags: more than MAX_LAGS lags is a usage error; exactly MAX_LAGS is fine', () => {
  // -5000..5000 is 10 001 lags (5000 negative, 0, 5000 positive) = MAX_LAGS.
  assert.equal(parseLags('-5000..5000').length, MAX_LAGS);
  assert.throws(() => parseLags('-5000..5001'), (e: unknown) => e instanceof UsageError && /more than 10001 lags/.test(e.message));
});
