/** End-to-end: classify's extended features, walk-forward folds, baselines and the issue-12 rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, leadlag, tempFiles } from './cli-helpers.js';

const fx = (name: string) => join(FIXTURES, 'tardis', name);
const TARDIS = [fx('spot_quotes.csv'), fx('perp_quotes.csv'), '--trades', fx('spot_trades.csv')];
const EXTENDED_WF = [...TARDIS, '--features', 'extended', '--split', 'walk-forward', '--folds', '3', '--bootstrap', '200'];

test('classify --features extended --split walk-forward: folds, baselines with intervals, importances, reliability, a verdict; byte-reproducible', async () => {
  const a = await leadlag(['classify', ...EXTENDED_WF, '--format', 'json']);
  assert.equal(a.code, 0, a.stderr);
  const b = await leadlag(['classify', ...EXTENDED_WF, '--format', 'json']);
  assert.equal(a.stdout, b.stdout, 'same seed, same bytes');
  const j = JSON.parse(a.stdout);
  assert.deepEqual(Object.keys(j.baselines), ['xgboost', 'base_rate', 'logistic', 'jump_size']);
  assert.equal(j.baselines.jump_size.feature, 'jump_bps');
  // The base rate's AP is the test prevalence (one tied score: recall 1 at precision = prevalence).
  assert.ok(Math.abs(j.baselines.base_rate.average_precision - j.test_prevalence) < 1e-12);
  for (const name of ['base_rate', 'logistic', 'jump_size']) {
    const s = j.baselines[name];
    assert.ok(Math.abs(s.xgboost_minus - (j.baselines.xgboost.average_precision - s.average_precision)) < 1e-12, name);
    assert.ok(s.xgboost_minus_ci[0] <= s.xgboost_minus_ci[1], name);
  }
  assert.equal(j.average_precision, j.baselines.xgboost.average_precision);
  assert.equal(j.importance.length, 19);
  assert.ok(Math.abs(j.importance.reduce((s: number, x: { share: number }) => s + x.share, 0) - 1) < 1e-9);
  // The pooled share is a total-gain-weighted mean of the folds' shares, so it lies within their range.
  for (const x of j.importance) assert.ok(x.fold_share_range[0] - 1e-12 <= x.share && x.share <= x.fold_share_range[1] + 1e-12, x.feature);
  assert.equal(j.folds.length, 3);
  // The pooled test set is the tested folds' blocks.
  const tested = j.folds.filter((f: { skipped: boolean }) => !f.skipped);
  assert.equal(j.n_test, tested.reduce((s: number, f: { n_test: number }) => s + f.n_test, 0));
  for (let k = 1; k < j.folds.length; k++) assert.ok(j.folds[k].test_start_us > j.folds[k - 1].test_end_us, 'blocks roll forward');
  assert.equal(j.reliability.reduce((s: number, x: { n: number }) => s + x.n, 0), j.n_test);
  assert.equal(j.params.features, 'extended');
  assert.equal(j.params.split, 'walk-forward');
  assert.equal(j.params.folds, 3);

  const human = await leadlag(['classify', ...EXTENDED_WF]);
  assert.equal(human.code, 0);
  const lines = human.stdout.trimEnd().split('\n');
  assert.equal(lines[lines.length - 1], j.verdict, 'the human output ends with the verdict');
  assert.match(human.stdout, /Baselines/);
  assert.match(human.stdout, /logistic regression/);
  assert.match(human.stdout, /jump size \(jump_bps\)/);
  assert.match(human.stdout, /Walk-forward folds/);
  assert.match(human.stdout, /Reliability/);
  // The fixture's test classes are small: warned, and the verdict says the evidence is weak.
  assert.match(human.stderr, /fewer than 30/);
  assert.match(j.verdict, /evidence is weak/);
});

test('classify --dump-features -: the CSV (every extended feature) on stdout, the report on stderr', async () => {
  const dir = tempFiles({});
  const file = join(dir, 'f.csv');
  const toFile = await leadlag(['classify', ...TARDIS, '--features', 'extended', '--dump-features', file]);
  assert.equal(toFile.code, 0, toFile.stderr);
  const r = await leadlag(['classify', ...TARDIS, '--features', 'extended', '--dump-features', '-']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(file, 'utf8'));
  const header = r.stdout.split('\n')[0]!.split(',');
  assert.equal(header.length, 2 + 19);
  assert.deepEqual(header.slice(0, 7), ['t_us', 'label', 'ret_3ms', 'vol_20ms', 'spread_bps', 'net_signed_volume', 'trade_count']);
  assert.ok(header.includes('perp_age_ms') && header.includes('basis_change_1s_bps') && header.includes('seconds_of_day'));
  assert.match(r.stderr, /Table 3/);
});

test('classify JSON params: every parameter of the run; feature names follow --jump-window and --grid', async () => {
  const dir = tempFiles({});
  const args = [...TARDIS, '--trees', '20', '--depth', '3', '--eta', '0.2', '--target-recall', '0.6', '--per-class', '50', '--trade-side', 'flag',
    '--split', 'time', '--names', 'a,b', '--jump-window', '2ms', '--grid', '500us', '--seed', '7', '--bootstrap', '50', '--block', '5s', '--null-step', '2s', '--dump-features', join(dir, 'f.csv')];
  const r = await leadlag(['classify', ...args, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).params, {
    threshold: 0.0007, jump_window_us: 2000, pair_window_us: 5000, grid_us: 500, feed: 'native', names: ['a', 'b'], features: 'base', trade_side: 'flag',
    balanced: false, split: 'time', folds: 5, per_class: 50, target_recall: 0.6, trees: 20, depth: 3, eta: 0.2, seed: 7, bootstrap: 50, block_us: 5_000_000, null_step_us: 2_000_000,
  });
  // W = 2 ms, 20·G = 20 · 500 µs = 10 ms.
  assert.equal(readFileSync(join(dir, 'f.csv'), 'utf8').split('\n')[0], 't_us,label,ret_2ms,vol_10ms,spread_bps,net_signed_volume,trade_count');
});

test('classify: options without effect warn; --balanced with walk-forward is a usage error', async () => {
  const balanced = await leadlag(['classify', ...TARDIS, '--balanced', '--target-recall', '0.6', '--folds', '3']);
  assert.equal(balanced.code, 0, balanced.stderr);
  assert.match(balanced.stderr, /--target-recall has no effect with --balanced/);
  assert.match(balanced.stderr, /--folds has no effect without --split walk-forward/);
  const quiet = await leadlag(['classify', ...TARDIS, '--balanced']);
  assert.doesNotMatch(quiet.stderr, /no effect/);
  const wf = await leadlag(['classify', ...TARDIS, '--balanced', '--split', 'walk-forward']);
  assert.equal(wf.code, 2);
  assert.match(wf.stderr, /walk-forward/);
});

test('classify: trades that do not overlap the quotes at all are a data error (65)', async () => {
  // The fixture's trades moved one day later: not one of them falls in the quotes' span.
  const [head, ...rows] = readFileSync(fx('spot_trades.csv'), 'utf8').trimEnd().split('\n');
  const shifted = rows.map((l) => {
    const c = l.split(',');
    c[2] = String(Number(c[2]) + 86_400_000_000);
    c[3] = String(Number(c[3]) + 86_400_000_000);
    return c.join(',');
  });
  const dir = tempFiles({ 'late_trades.csv': [head, ...shifted].join('\n') + '\n' });
  const r = await leadlag(['classify', fx('spot_quotes.csv'), fx('perp_quotes.csv'), '--trades', join(dir, 'late_trades.csv')]);
  assert.equal(r.code, 65, r.stderr);
  assert.match(r.stderr, /do not overlap the quotes at all/);
  assert.equal(r.stdout, '');
});

test('classify\'s chance pairs of its labels are pair\'s Table 1 numbers for its feed and range (pair counts them through its cells, classify through its pairing family)', async () => {
  const json = async (args: string[]) => {
    const r = await leadlag([...args, '--format', 'json', '-q']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const range = ['--start', '2024-08-08T12:00:20Z', '--end', '2024-08-08T12:01:00Z'];
  for (const [feed, extra] of [['native', []], ['locf', []], ['native', range], ['native', ['--null-step', '300ms']]] as const) {
    const c = (await json(['classify', ...TARDIS, '--feed', feed, '--trees', '5', '--bootstrap', '0', ...extra])).chance;
    const p = (await json(['pair', fx('spot_quotes.csv'), fx('perp_quotes.csv'), '--feed', feed, '--bootstrap', '0', ...extra]))[feed];
    assert.deepEqual([c.paired_events, c.chance_pairs_mean, c.chance_pairs_max], [p.paired_events, p.chance_pairs_mean, p.chance_pairs_max], `${feed} ${extra.join(' ')}`);
    assert.equal(c.above_chance, p.paired_events > p.chance_pairs_max && p.paired_events >= 2 * p.chance_pairs_mean);
  }
});

test('classify\'s chance pairs equal pair\'s after a --start inside a chain of alternating jumps (the labels\' jumps are detected from pair\'s read range, not from the features\' longer one)', async () => {
  // Spot jumps up 0.1 % every 120 ms and back down 30 ms later; perp jumps up 60 ms after each
  // spot up-jump, for 40 s. With D = 100 ms each perp jump can pair with a spot up or the
  // following down, so a greedy pairing started 20 ms earlier (the features' look-back) could
  // carry another claim down the chain to S: classify read 294 pairs at S = 20 s where pair read
  // 295 (a reviewer's chain, its random tail made deterministic here).
  const T0 = 1723118400_000000;
  const rows = (jumps: [number, number][], base: number) => {
    let p = base;
    return jumps.map(([t, s]) => {
      p *= Math.exp(s * 0.001);
      const bid = Math.round(p * 100) / 100;
      return `${T0 + t},${bid.toFixed(2)},${(bid + 0.01).toFixed(2)}`;
    });
  };
  const a: [number, number][] = [];
  const b: [number, number][] = [];
  for (let t = 0; t < 40_000_000; t += 120_000) {
    a.push([t, 1], [t + 30_000, -1]);
    b.push([t + 60_000, 1]);
  }
  // Then 58 s of spot jumps every 250 ms, of alternating sign, three in five followed by perp 2 ms
  // later: triggers enough of both classes after any of the starts below.
  for (let k = 0, t = 42_000_000; t < 100_000_000; k++, t += 250_000) {
    const s = k % 2 === 0 ? 1 : -1;
    a.push([t, s]);
    if (k % 5 < 3) b.push([t + 2_000, s]);
  }
  const spot = rows(a, 60000);
  const dir = tempFiles({
    'spot.csv': ['ts_us,bid,ask', ...spot].join('\n') + '\n',
    'perp.csv': ['ts_us,bid,ask', ...rows(b, 60010)].join('\n') + '\n',
    'trades.csv': ['exchange,symbol,timestamp,local_timestamp,id,side,price,amount', ...spot.map((r, i) => { const [t, , ask] = r.split(','); return `binance,BTCUSDT,${Number(t) + 100},${Number(t) + 100},${i},buy,${ask},0.01`; })].join('\n') + '\n',
  });
  const json = async (args: string[]) => {
    const r = await leadlag([...args, '--format', 'json', '-q']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const files = [join(dir, 'spot.csv'), join(dir, 'perp.csv')];
  for (const [start, features] of [['2024-08-08T12:00:20Z', 'base'], ['2024-08-08T12:00:38.5Z', 'extended'], ['2024-08-08T12:00:39.9Z', 'extended']]) {
    const o = ['--pair-window', '100ms', '--null-step', '10ms', '--start', start!];
    const c = (await json(['classify', ...files, '--trades', join(dir, 'trades.csv'), '--features', features!, '--per-class', '50', '--trees', '5', '--bootstrap', '0', ...o])).chance;
    const p = (await json(['pair', ...files, '--feed', 'native', '--bootstrap', '0', ...o])).native;
    assert.deepEqual([c.paired_events, c.chance_pairs_mean, c.chance_pairs_max], [p.paired_events, p.chance_pairs_mean, p.chance_pairs_max], `${start} ${features}`);
  }
});
