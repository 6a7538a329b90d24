/** Option parsers: every accepted spelling means exactly the same number; everything else is a usage error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseDuration, parseNames, parsePositiveInt, parseThreshold } from '../src/cli/options.js';
import { UsageError } from '../src/errors.js';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';

const usage = (f: () => unknown) => assert.throws(f, (e: unknown) => e instanceof UsageError);

test('parseThreshold: a fraction, a percentage and basis points give the very same double', () => {
  // Each spelling must equal Number() of the fraction written out: 0.07 % = 7 bp = 0.0007.
  const cases: [string, string, string][] = [
    ['0.0007', '0.07%', '7bp'],
    ['0.0001', '0.01%', '1bp'],
    ['0.00025', '0.025%', '2.5bps'],
    ['0.003', '0.3%', '30bp'],
    ['0.00007', '7e-3%', '0.7bp'],
  ];
  for (const [fraction, percent, bp] of cases) {
    const expected = Number(fraction);
    assert.equal(parseThreshold(fraction), expected);
    assert.equal(parseThreshold(percent), expected, percent);
    assert.equal(parseThreshold(bp), expected, bp);
  }
  for (const bad of ['-1', '0', 'abc', '100%', '1', '0x1', '', '5 %%', 'NaN']) usage(() => parseThreshold(bad));
  // The refusal quotes the value as given, not what is left once a unit is cut off ("5bp" is valid).
  for (const bad of ['5bpbp', '0.07%%', 'abc%']) assert.throws(() => parseThreshold(bad), { message: `--threshold must be a number, a percent or basis points (0.0007, 0.07% or 7bp), got "${bad}"` });
});

test('parseDuration: whole µs from ms (default), us, µs, s, ns, min, h and d; at most one day', () => {
  assert.equal(parseDuration('3', '--w'), 3000);
  assert.equal(parseDuration('3ms', '--w'), 3000);
  assert.equal(parseDuration('0.5ms', '--w'), 500);
  assert.equal(parseDuration('500us', '--w'), 500);
  assert.equal(parseDuration('1s', '--w'), 1_000_000);
  assert.equal(parseDuration('2000ns', '--w'), 2);
  assert.equal(parseDuration('0.001ms', '--w'), 1);
  assert.equal(parseDuration('0', '--d', true), 0);
  // 10 min = 600 s; 0.25 min = 15 s; 24 h = one day, the most allowed.
  assert.equal(parseDuration('10min', '--block'), 600_000_000);
  assert.equal(parseDuration('0.25min', '--block'), 15_000_000);
  assert.equal(parseDuration('24h', '--block'), 86_400_000_000);
  // 1 d = 86 400 s, the most; 0.5 d = 12 h.
  assert.equal(parseDuration('1d', '--block'), 86_400_000_000);
  assert.equal(parseDuration('0.5d', '--block'), 43_200_000_000);
  for (const bad of ['0', 'soon', '0.5us', '-3', '1e400', '86400001ms', '1e20', '', '25h', '10m', '0.00000001min', '2d']) usage(() => parseDuration(bad, '--w'));
  assert.throws(() => parseDuration('1e-ms', '--grid'), { message: '--grid must be a duration such as 3ms, 500us, 0.5ms, 10s, 10min, 1h or 1d, got "1e-ms"' });
  // `m` alone (taken by --by and --window for minutes) is refused here with the two ways to write it.
  assert.throws(() => parseDuration('10m', '--block'), { message: '--block must be a duration such as 3ms, 500us, 0.5ms, 10s, 10min, 1h or 1d, got "10m": write 10min for minutes or 10ms for milliseconds (here m alone would read as either; the options of window lengths, --by, --window and plan\'s --every, --margin and --offset, take it for minutes)' });
});

test('parsePositiveInt and parseNames reject what they cannot represent', () => {
  assert.equal(parsePositiveInt('42', '--seed', 0, 2 ** 32 - 1), 42);
  for (const bad of ['99999999999999999999', '1.5', '-1', '', '4294967296']) usage(() => parsePositiveInt(bad, '--seed', 0, 2 ** 32 - 1));
  assert.deepEqual(parseNames('btc,eth'), ['btc', 'eth']);
  for (const bad of ['a', 'a,a', 'a,b,c', 'a b,c']) usage(() => parseNames(bad));
  // x and x_leads_x: x_leads_(x_leads_x) and (x_leads_x)_leads_x are one metric name; 'leads' as a word is refused.
  for (const bad of ['x,x_leads_x', 'leads,b', 'a,b_LEADS']) usage(() => parseNames(bad));
  assert.deepEqual(parseNames('spot,spot_perp'), ['spot', 'spot_perp']);
  assert.deepEqual(parseNames('leader,mileads'), ['leader', 'mileads']);
});

test('pair: a move of exactly θ is a jump whichever way θ is written', async () => {
  // 10000 → 10007 is +0.07 % exactly; (10007 − 10000) / 10000 = 0.0007 in floating point too.
  const dir = tempFiles({
    'a.csv': 'ts_us,price\n1000,10000\n2000,10007\n3000,10007\n',
    'b.csv': 'ts_us,price\n1000,10000\n2500,10007\n3000,10007\n',
  });
  for (const th of ['0.0007', '0.07%', '7bp']) {
    const r = await leadlagInProcess(['pair', join(dir, 'a.csv'), join(dir, 'b.csv'), '--threshold', th, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.native.total_spot_jumps, 1, th);
    assert.equal(out.params.threshold, 0.0007, th);
  }
});

test('classify: out-of-range model options are usage errors, never internal errors', async () => {
  const fx = ['spot_quotes.csv', 'perp_quotes.csv', '--trades', 'spot_trades.csv'].map((f) => (f.startsWith('--') ? f : join(FIXTURES, 'tardis', f)));
  for (const extra of [['--seed', '99999999999999999999'], ['--trees', '99999999999'], ['--balanced', '--per-class', '1'], ['--depth', '100'], ['--eta', '0x1'], ['--target-recall', '1.5'], ['--grid', '1e400']]) {
    const r = await leadlagInProcess(['classify', ...fx, ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^leadlag: /);
  }
});

test('classify: without --trades it says the option is required; a typo of it is named with the option meant', async () => {
  const quotes = ['spot_quotes.csv', 'perp_quotes.csv'].map((f) => join(FIXTURES, 'tardis', f));
  const missing = await leadlagInProcess(['classify', ...quotes]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^leadlag: required option '--trades <file>' not specified\n/);
  // commander checks a required option before unknown ones: `--trade` was answered with the line above.
  const typo = await leadlagInProcess(['classify', ...quotes, '--trade', join(FIXTURES, 'tardis', 'spot_trades.csv')]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^leadlag: unknown option '--trade'\n\(Did you mean --trades\?\)/);
});
