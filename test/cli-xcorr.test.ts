/** End-to-end: `leadlag xcorr` against the naive docs/definitions.md §4 reference in test/reference.ts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, leadlag, tempFiles } from './cli-helpers.js';
import { readGenericQuotes, referenceXcorr } from './reference.js';

const fx = (layout: string, name: string) => join(FIXTURES, layout, name);
const LAYOUTS: [string, string][] = [
  [fx('tardis', 'spot_quotes.csv'), fx('tardis', 'perp_quotes.csv')],
  [fx('exchange', 'spot_quotes.csv'), fx('exchange', 'perp_quotes.csv')],
  [fx('generic', 'spot_quotes.csv'), fx('generic', 'perp_quotes.csv.gz')],
];

interface Lag {
  lag: number;
  r: number | null;
  n: number;
  ci_low: number | null;
  ci_high: number | null;
}

async function xcorr(args: string[]): Promise<{ lags: Lag[]; best_lag: number | null }> {
  const r = await leadlag(['xcorr', ...args, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout);
}

test('xcorr reproduces the two-pass docs/definitions.md §4 reference to 1e-9 on every input format', async () => {
  const spot = readGenericQuotes(fx('generic', 'spot_quotes.csv'));
  const perp = readGenericQuotes(fx('generic', 'perp_quotes.csv.gz'));
  const lags = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5];
  const expected = referenceXcorr(spot, perp, 1000, lags);
  for (const [a, b] of LAYOUTS) {
    const out = await xcorr([a, b, '--lags', '-5..5']);
    assert.deepEqual(out.lags.map((l) => l.lag), lags);
    for (let i = 0; i < lags.length; i++) {
      assert.equal(out.lags[i]!.n, expected[i]!.n);
      assert.ok(Math.abs(out.lags[i]!.r! - expected[i]!.r!) < 1e-9, `lag ${lags[i]}: ${out.lags[i]!.r} vs ${expected[i]!.r}`);
      // 95 % Fisher interval, docs/definitions.md §4.
      const half = 1.96 / Math.sqrt(expected[i]!.n - 3);
      assert.ok(Math.abs(out.lags[i]!.ci_low! - Math.tanh(Math.atanh(expected[i]!.r!) - half)) < 1e-9);
      assert.ok(Math.abs(out.lags[i]!.ci_high! - Math.tanh(Math.atanh(expected[i]!.r!) + half)) < 1e-9);
    }
  }
});

test('xcorr: the fixtures show spot leading perp (the generator lags perp by a few ms)', async () => {
  const out = await xcorr([...LAYOUTS[0]!, '--lags', '-5..5']);
  assert.ok(out.best_lag! > 0, `best lag ${out.best_lag}`);
});

test('xcorr: swapping SPOT and PERP maps lag τ to −τ exactly', async () => {
  const ab = await xcorr([...LAYOUTS[0]!, '--lags', '-3..3']);
  const ba = await xcorr([LAYOUTS[0]![1], LAYOUTS[0]![0], '--lags', '-3..3']);
  for (const l of ab.lags) {
    const m = ba.lags.find((x) => x.lag === -l.lag)!;
    assert.equal(m.n, l.n);
    assert.ok(Math.abs(m.r! - l.r!) < 1e-15);
  }
});

test('xcorr --lags accepts 1..5, -5..5 and lists; a constant series prints n/a', async () => {
  const list = await xcorr([...LAYOUTS[0]!, '--lags', '1,2,5']);
  assert.deepEqual(list.lags.map((l) => l.lag), [1, 2, 5]);
  const dflt = await xcorr([...LAYOUTS[0]!]);
  assert.deepEqual(dflt.lags.map((l) => l.lag), [1, 2, 3, 4, 5]);
  const dir = tempFiles({ 'flat.csv': 'ts_us,price\n0,100\n10000,100\n', 'moving.csv': 'ts_us,price\n0,100\n3000,101\n6000,100\n10000,102\n' });
  const flat = await xcorr([join(dir, 'flat.csv'), join(dir, 'moving.csv'), '--lags', '0..1']);
  assert.deepEqual(flat.lags.map((l) => [l.r, l.ci_low, l.ci_high]), [[null, null, null], [null, null, null]]);
  assert.equal(flat.best_lag, null);
  const human = await leadlag(['xcorr', join(dir, 'flat.csv'), join(dir, 'moving.csv'), '--lags', '0..1']);
  assert.equal(human.code, 0);
  assert.ok(human.stdout.includes('n/a') && !human.stdout.includes('NaN'));
});

test('xcorr: the human table marks the best lag, draws the correlogram and says what τ means', async () => {
  const r = await leadlag(['xcorr', ...LAYOUTS[0]!, '--lags', '-2..4']);
  assert.equal(r.code, 0);
  for (const s of ['Table 2', '◀', '█', 'spot leads perp by τ']) assert.ok(r.stdout.includes(s), s);
});

test('xcorr --lags: bad specs are usage errors (exit 2)', async () => {
  for (const spec of ['5..1', '1.5', '', 'a..b', '1,,2']) {
    const r = await leadlag(['xcorr', ...LAYOUTS[0]!, '--lags', spec]);
    assert.equal(r.code, 2, `${spec}: ${r.stderr}`);
    assert.ok(r.stderr.includes('--lags') || r.stderr.includes('lag'), r.stderr);
    assert.equal(r.stdout, '');
  }
});
