/**
 * End-to-end: `leadlag xcorr` command lines, run in this process (leadlagInProcess), against the
 * naive docs/definitions.md §4 reference in test/reference.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';
import { readGenericQuotes, referenceMovingBlocks, referenceXcorr } from './reference.js';
import { mulberry32 } from './prng.js';
import { Random } from '../src/core/random.js';

const fx = (layout: string, name: string) => join(FIXTURES, layout, name);
const LAYOUTS: [string, string][] = [
  [fx('tardis', 'spot_quotes.csv'), fx('tardis', 'perp_quotes.csv')],
  [fx('exchange', 'spot_quotes.csv'), fx('exchange', 'perp_quotes.csv')],
  [fx('generic', 'spot_quotes.csv'), fx('generic', 'perp_quotes.csv.gz')],
];

interface Lag {
  lag: number;
  lag_us: number;
  r: number | null;
  n: number;
  n_effective: number;
  top_step_share: number | null;
  beta: number | null;
  r2: number | null;
  ci_low: number | null;
  ci_high: number | null;
  fisher_low: number | null;
  fisher_high: number | null;
}

interface XcorrJson {
  lags: Lag[];
  best: { lag: number; lag_us: number; r: number } | null;
  best_lag: number | null;
  interval: 'bootstrap' | 'fisher';
  bootstrap: { replicates: number; block_us: number; seed: number; blocks: number } | null;
  summed: Record<'positive' | 'negative' | 'difference', { lags: number[]; r_sum: number | null; ci_low: number | null; ci_high: number | null } | null>;
  verdict: string;
}

/** The fixtures span 80 s: 1 s blocks give the bootstrap 80 of them (the default 10 s gives 8 and a warning). */
async function xcorr(args: string[], stderr = ''): Promise<XcorrJson> {
  const r = await leadlagInProcess(['xcorr', '--block', '1s', ...args, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, stderr);
  return JSON.parse(r.stdout);
}

/**
 * Two generic price files: A a random walk with a tick every 1 ms for `ms` ms, B repeating A's
 * log-return `delayUs` later times `sign` (sign −1: B moves against A), plus `extra` ticks that
 * the caller appends (e.g. one big co-jump).
 */
function echoFiles(seed: number, ms: number, delayUs: number, sign: 1 | -1): { a: string; b: string } {
  const rand = mulberry32(seed);
  let pa = 100;
  let pb = 100;
  const a = ['ts_us,price'];
  const b = ['ts_us,price'];
  const t0 = 1_700_000_000_000_000;
  for (let i = 0; i < ms; i++) {
    const step = (rand() - 0.5) * 1e-3;
    pa *= Math.exp(step);
    pb *= Math.exp(sign * step);
    a.push(`${t0 + i * 1000},${pa}`);
    b.push(`${t0 + i * 1000 + delayUs},${pb}`);
  }
  return { a: a.join('\n') + '\n', b: b.join('\n') + '\n' };
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
      // 95 % Fisher interval, docs/definitions.md §4, kept as fisher_low/high.
      const half = 1.96 / Math.sqrt(expected[i]!.n - 3);
      assert.ok(Math.abs(out.lags[i]!.fisher_low! - Math.tanh(Math.atanh(expected[i]!.r!) - half)) < 1e-9);
      assert.ok(Math.abs(out.lags[i]!.fisher_high! - Math.tanh(Math.atanh(expected[i]!.r!) + half)) < 1e-9);
      assert.equal(out.lags[i]!.r2, out.lags[i]!.r! * out.lags[i]!.r!);
      assert.equal(out.lags[i]!.lag_us, lags[i]! * 1000);
    }
  }
});

test('xcorr: the fixtures show spot leading perp (the generator lags perp by a few ms)', async () => {
  const out = await xcorr([...LAYOUTS[0]!, '--lags', '-5..5']);
  assert.ok(out.best_lag! > 0, `best lag ${out.best_lag}`);
  assert.deepEqual(out.best, { lag: out.best_lag, lag_us: out.best_lag! * 1000, r: out.lags.find((l) => l.lag === out.best_lag)!.r });
  assert.ok(out.verdict.startsWith('spot leads perp'), out.verdict);
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
  // 10 ms of ticks in 1970 draw warnings about the span (--quiet: the numbers are the point here).
  const dir = tempFiles({ 'flat.csv': 'ts_us,price\n0,100\n10000,100\n', 'moving.csv': 'ts_us,price\n0,100\n3000,101\n6000,100\n10000,102\n' });
  const flat = await xcorr([join(dir, 'flat.csv'), join(dir, 'moving.csv'), '--lags', '0..1', '--block', '1ms', '--quiet']);
  assert.deepEqual(flat.lags.map((l) => [l.r, l.ci_low, l.ci_high, l.beta, l.r2]), [[null, null, null, null, null], [null, null, null, null, null]]);
  assert.equal(flat.best_lag, null);
  assert.equal(flat.best, null);
  const human = await leadlagInProcess(['xcorr', join(dir, 'flat.csv'), join(dir, 'moving.csv'), '--lags', '0..1']);
  assert.equal(human.code, 0);
  assert.ok(human.stdout.includes('n/a') && !human.stdout.includes('NaN'));
});

test('xcorr: the human table marks the best lag, draws the correlogram and says what τ means', async () => {
  const r = await leadlagInProcess(['xcorr', ...LAYOUTS[0]!, '--lags', '-2..4']);
  assert.equal(r.code, 0);
  for (const s of ['Table 2', '◀', '█', 'spot leads perp by τ', 'N_eff', 'top step', '95% CI (bootstrap)', 'summed r:']) assert.ok(r.stdout.includes(s), s);
  // The output ends with the one-sentence verdict.
  const last = r.stdout.trimEnd().split('\n').pop()!;
  assert.match(last, /^verdict: [^\n]+\.$/);
});

test('xcorr: the bootstrap interval is the default; --bootstrap 0 falls back to Fisher; the seed fixes the draws', async () => {
  const boot = await xcorr([...LAYOUTS[0]!, '--lags', '-2..2']);
  assert.equal(boot.interval, 'bootstrap');
  // moving_blocks: the 1 s blocks holding a pair of non-zero returns at a lag, counted on the reference grid.
  // The generic layout holds the same quotes as the Tardis one (the layouts give one output, above).
  const moving = referenceMovingBlocks(readGenericQuotes(fx('generic', 'spot_quotes.csv')), readGenericQuotes(fx('generic', 'perp_quotes.csv.gz')), 1000, [-2, -1, 0, 1, 2], 1_000_000);
  assert.ok(moving > 0 && moving < 80, `the fixtures have quiet blocks too: ${moving}`);
  assert.deepEqual(boot.bootstrap, { replicates: 1000, block_us: 1_000_000, seed: 42, blocks: 80, moving_blocks: moving });
  for (const l of boot.lags) {
    assert.ok(l.ci_low! <= l.r! && l.r! <= l.ci_high!, `lag ${l.lag}: ${l.ci_low} ≤ ${l.r} ≤ ${l.ci_high}`);
    assert.notEqual(l.ci_low, l.fisher_low);
  }
  const again = await xcorr([...LAYOUTS[0]!, '--lags', '-2..2']);
  assert.deepEqual(again, boot);
  const other = await xcorr([...LAYOUTS[0]!, '--lags', '-2..2', '--seed', '7']);
  assert.notDeepEqual(other.lags.map((l) => l.ci_low), boot.lags.map((l) => l.ci_low));
  const off = await xcorr([...LAYOUTS[0]!, '--lags', '-2..2', '--bootstrap', '0']);
  assert.equal(off.interval, 'fisher');
  assert.equal(off.bootstrap, null);
  for (const l of off.lags) assert.deepEqual([l.ci_low, l.ci_high], [l.fisher_low, l.fisher_high]);
  assert.match(off.verdict, /Fisher/);
  // The summed correlation of each side, and their difference with the same replicates.
  const sum = (side: number[]) => side.reduce((s, lag) => s + boot.lags.find((l) => l.lag === lag)!.r!, 0);
  assert.deepEqual(boot.summed.positive!.lags, [1, 2]);
  assert.ok(Math.abs(boot.summed.positive!.r_sum! - sum([1, 2])) < 1e-15);
  assert.ok(Math.abs(boot.summed.negative!.r_sum! - sum([-2, -1])) < 1e-15);
  assert.ok(Math.abs(boot.summed.difference!.r_sum! - (sum([1, 2]) - sum([-2, -1]))) < 1e-15);
});

test('xcorr: a negative relation is found by |r|, and with --grid 500us the best lag is given in steps and in time', async () => {
  // B moves against A 2.5 ms later: at G = 500 µs that is 5 steps, r = −1 there.
  const files = echoFiles(3, 3000, 2500, -1);
  const dir = tempFiles({ 'a.csv': files.a, 'b.csv': files.b });
  // 3 s of data needs blocks under a second to have several: warned of, and nothing else.
  const shortBlock = 'leadlag: warning: --block 100 ms is shorter than a second: the intervals and the 6-block rule take the blocks as independent, and moves within a second are not (bursts, a jump and its echoes), so they come out optimistic; the default is 10 s\n';
  const out = await xcorr([join(dir, 'a.csv'), join(dir, 'b.csv'), '--lags', '-8..8', '--grid', '500us', '--block', '100ms'], shortBlock);
  assert.equal(out.best!.lag, 5);
  assert.equal(out.best!.lag_us, 2500);
  assert.ok(out.best!.r < -0.999, `r = ${out.best!.r}`);
  const human = await leadlagInProcess(['xcorr', join(dir, 'a.csv'), join(dir, 'b.csv'), '--lags', '-8..8', '--grid', '500us', '--block', '100ms']);
  assert.equal(human.code, 0, human.stderr);
  assert.ok(human.stdout.includes('τ = 5 steps = 2.5 ms (spot leads perp)'), human.stdout);
  assert.ok(!/τ = 5 \(/.test(human.stdout), 'a bare τ = 5 would read as 5 ms');
  // S₊ ≈ −1 (the echo at τ = 5) and S₋ ≈ 0: S₊ − S₋ is negative, yet A leads, because the markets
  // move against each other; read as if r > 0 it would name perp.
  assert.ok(out.summed.difference!.r_sum! < -0.9, `S₊ − S₋ = ${out.summed.difference!.r_sum}`);
  assert.match(out.verdict, /^spot leads perp: the markets move against each other/);
});

test('xcorr with a grid step longer than the data: no pair at any lag, said as such, and no advice about blocks', async () => {
  // The fixtures span 80 s: a 100 s grid holds no grid point inside it, so no return pair exists.
  const r = await leadlagInProcess(['xcorr', ...LAYOUTS[0]!, '--grid', '100s', '--lags', '1', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal((JSON.parse(r.stdout) as XcorrJson).verdict, 'no verdict: no lag has a pair of returns: the span holds 0 grid points of 100 s, too few for lags up to 1 step (a finer --grid or shorter --lags).');
});

test('xcorr over one bootstrap block: no interval (not [r, r]), and the verdict says nothing is tested', async () => {
  // 12:00:10 to 12:00:20 with the default 10 s blocks is exactly one block: each replicate draws
  // that block, so every replicate is r itself.
  const range = ['--start', '2024-08-08T12:00:10Z', '--end', '2024-08-08T12:00:20Z'];
  const r = await leadlagInProcess(['xcorr', ...LAYOUTS[0]!, '--lags', '-3..3', ...range, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /the span holds 1 block of 10 s: the bootstrap gives no interval and who leads is untested/);
  const out = JSON.parse(r.stdout) as XcorrJson;
  assert.equal(out.bootstrap!.blocks, 1);
  for (const l of out.lags) assert.deepEqual([l.ci_low, l.ci_high], [null, null], `lag ${l.lag}`);
  for (const side of ['positive', 'negative', 'difference'] as const) assert.deepEqual([out.summed[side]!.ci_low, out.summed[side]!.ci_high], [null, null], side);
  assert.match(out.verdict, /^untested: the span holds 1 block of 10 s/);
  // 2 ms more reach into a second block, where no pair has both returns non-zero (the fixture's
  // markets do not both move in 12:00:20.000–.002 plus 3 ms): one block still carries every Σxy,
  // so still no interval (it was [r, r] when blocks were counted as touched).
  const edge = await leadlagInProcess(['xcorr', ...LAYOUTS[0]!, '--lags', '-3..3', '--start', '2024-08-08T12:00:10Z', '--end', '2024-08-08T12:00:20.002Z', '--format', 'json', '-q']);
  const two = JSON.parse(edge.stdout) as XcorrJson;
  assert.equal(two.bootstrap!.blocks, 2);
  for (const l of two.lags) assert.deepEqual([l.ci_low, l.ci_high], [null, null], `lag ${l.lag}`);
  assert.match(two.verdict, /^untested: the span holds 2 blocks of 10 s, 1 where both markets move/);
  // --by 10s: each window is one block, so each window's interval is n/a too (not Fisher's).
  const by = await leadlagInProcess(['xcorr', ...LAYOUTS[0]!, '--lags', '-3..3', '--by', '10s', '--format', 'json', '-q']);
  assert.equal(by.code, 0, by.stderr);
  const windows = (JSON.parse(by.stdout) as { windows: { lags: Lag[] }[] }).windows;
  assert.equal(windows.length, 8);
  for (const w of windows) for (const l of w.lags) assert.deepEqual([l.ci_low, l.ci_high], [null, null]);
});

test('xcorr: a peak made by one grid step is flagged on stderr and in the verdict', async () => {
  // Independent markets (B echoes nothing) plus one simultaneous 5 % jump of both: that one step
  // carries nearly all of Σ|r_A·r_B| at lag 0.
  const a = echoFiles(5, 4000, 0, 1).a.trimEnd().split('\n');
  const b = echoFiles(6, 4000, 0, 1).a.trimEnd().split('\n');
  const jump = (lines: string[]) => lines.map((line, i) => (i > 2000 ? line.replace(/,(.*)$/, (_, p: string) => `,${Number(p) * 1.05}`) : line)).join('\n') + '\n';
  const dir = tempFiles({ 'a.csv': jump(a), 'b.csv': jump(b) });
  const r = await leadlagInProcess(['xcorr', join(dir, 'a.csv'), join(dir, 'b.csv'), '--lags', '-3..3', '--block', '100ms']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /single grid step carries 9\d % of the co-movement \(top_step_share 0\.9\d+\)/);
  assert.match(r.stdout.trimEnd().split('\n').pop()!, /^verdict: weak evidence: .* single grid step/);
  const json = JSON.parse((await leadlagInProcess(['xcorr', join(dir, 'a.csv'), join(dir, 'b.csv'), '--lags', '-3..3', '--block', '100ms', '--format', 'json', '-q'])).stdout) as XcorrJson;
  assert.equal(json.best!.lag, 0);
  assert.ok(json.lags.find((l) => l.lag === 0)!.top_step_share! > 0.9);
});

test('xcorr --format csv: one header row with every per-lag column', async () => {
  const r = await leadlagInProcess(['xcorr', ...LAYOUTS[0]!, '--lags', '0,1', '--format', 'csv', '--block', '1s']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'lag,lag_us,r,n,n_effective,top_step_share,beta,r2,ci_low,ci_high,fisher_low,fisher_high');
  assert.equal(lines.length, 3);
});

test('xcorr --bootstrap, --block, --seed: bad values are usage errors (exit 2)', async () => {
  for (const args of [['--bootstrap', '-1'], ['--bootstrap', '1.5'], ['--block', '0'], ['--block', 'ten'], ['--seed', 'x']]) {
    const r = await leadlagInProcess(['xcorr', ...LAYOUTS[0]!, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(args[0]!), r.stderr);
  }
});

const REAL = '/work/shared/data/binance-btcusdt-20240808';
test('xcorr on six minutes of real Binance quotes: the single-step peak is flagged and its interval is wide', { skip: existsSync(REAL) ? false : `${REAL} is not present` }, async () => {
  const r = await leadlagInProcess(['xcorr', join(REAL, 'spot_quotes.csv.gz'), join(REAL, 'perp_quotes.csv.gz'), '--lags', '-50..50', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /top_step_share 0\.9/);
  const out = JSON.parse(r.stdout) as XcorrJson;
  const best = out.lags.find((l) => l.lag === out.best!.lag)!;
  assert.ok(best.top_step_share! > 0.5);
  // The bootstrap interval is many times the (far too narrow) Fisher interval.
  assert.ok(best.ci_high! - best.ci_low! > 10 * (best.fisher_high! - best.fisher_low!), JSON.stringify(best));
  assert.match(out.verdict, /^weak evidence/);
});

test('xcorr --lags: bad specs are usage errors (exit 2)', async () => {
  for (const spec of ['5..1', '1.5', '', 'a..b', '1,,2']) {
    const r = await leadlagInProcess(['xcorr', ...LAYOUTS[0]!, '--lags', spec]);
    assert.equal(r.code, 2, `${spec}: ${r.stderr}`);
    assert.ok(r.stderr.includes('--lags') || r.stderr.includes('lag'), r.stderr);
    assert.equal(r.stdout, '');
  }
});

/** A price file of one quote a ms from 100 that moves by the log-returns `r`, one a step. */
function oneMsPrices(r: Float64Array): string {
  let p = 100;
  return `ts_us,price\n${Array.from(r, (x, i) => `${1_700_000_000_000_000 + i * 1000},${(p *= Math.exp(x))}`).join('\n')}\n`;
}

test('xcorr on two independent random walks over 201 lags: the best lag alone looks clear of 0, its band over the lags does not', async () => {
  // Two walks of 20 000 one-ms steps from separate streams: no lag holds a relation. The largest
  // of 201 |r| (each about N(0, 1/20 000)) lies near 3 standard errors, so its own 95 % interval
  // leaves out 0 (it did for each of 12 such pairs, and for 119 of 120 more); the band over the
  // lags at once holds 0 (in all of them). These streams are one such pair.
  const walk = (seed: number): string => {
    const rng = new Random(seed);
    return oneMsPrices(Float64Array.from({ length: 20_000 }, () => (rng.next() - 0.5) * 1e-3));
  };
  const dir = tempFiles({ 'a.csv': walk(1002), 'b.csv': walk(1003) });
  const r = await leadlagInProcess(['xcorr', join(dir, 'a.csv'), join(dir, 'b.csv'), '--block', '1s', '--lags', '-100..100', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as XcorrJson & { band: { lags: number; half_width: number; low: number; high: number } | null };
  const best = out.lags.find((l) => l.lag === out.best!.lag)!;
  assert.ok(best.ci_low! > 0 || best.ci_high! < 0, `the best lag's own interval [${best.ci_low}, ${best.ci_high}] leaves out 0`);
  const band = out.band!;
  // Every lag has thousands of co-moving steps (every return is non-zero): all 201 are covered.
  assert.equal(band.lags, 201);
  // Every r is about N(0, 1/20 000) and the lags independent: the largest of 201 |r| stays within
  // 3.66 standard errors in 95 % of runs (Φ⁻¹(1 − 0.05/2/201) nearly), 3.66/√20 000 = 0.026; the
  // bootstrap over 20 blocks measures that spread to a few tenths of itself.
  assert.ok(band.half_width > 0.018 && band.half_width < 0.036, `h = ${band.half_width}`);
  assert.ok(band.low < 0 && band.high > 0, `band [${band.low}, ${band.high}]`);
  assert.ok(Math.abs((band.low + band.high) / 2 - best.r!) < 1e-12, 'centred on the best lag\'s r');
  assert.match(out.verdict, /^no significant correlation once the choice of the best lag is allowed for: .* but its 95 % band over the 201 lags/);
  // With the bootstrap off there is no band (Fisher runs are judged as before, and say so).
  const fisher = await leadlagInProcess(['xcorr', join(dir, 'a.csv'), join(dir, 'b.csv'), '--lags', '-100..100', '--bootstrap', '0', '--format', 'json']);
  assert.equal(JSON.parse(fisher.stdout).band, null);
});

test('xcorr --by: a window whose best lag is clear of 0 alone, and whose summed r name a side, is no call when its band over the lags holds 0', async () => {
  // perp's 1 ms return is 0.015 × the sum of spot's last 10 plus its own noise: a weak lead spread
  // over lags 1–10, so the summed r clear 0 where the best single lag is only about 3 standard
  // errors out. In the first 10 s window of this pair (found by search), the best lag's own interval
  // and the summed difference both clear 0 and only the band over the 21 lags does not: the window's
  // call must be neither. The run restricted to that window shows all three (a window's intervals
  // are those of a run restricted to it, its edges on block edges), and the second window, whose
  // band clears 0, is called for spot: the band of each window is its own.
  const rng = new Random(4000);
  const n = 20_000;
  const ra = Float64Array.from({ length: n }, () => (rng.next() - 0.5) * 1e-3);
  const rb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 1; j <= 10 && j <= i; j++) s += ra[i - j]!;
    rb[i] = (rng.next() - 0.5) * 1e-3 + 0.015 * s;
  }
  const dir = tempFiles({ 'spot.csv': oneMsPrices(ra), 'perp.csv': oneMsPrices(rb) });
  const args = ['xcorr', join(dir, 'spot.csv'), join(dir, 'perp.csv'), '--block', '500ms', '--lags', '-10..10', '--format', 'json'];
  const by = await leadlagInProcess([...args, '--by', '10s']);
  assert.equal(by.code, 0, by.stderr);
  const windows = (JSON.parse(by.stdout) as { windows: { start_us: number; end_us: number; call: string | null; summed: unknown; band: unknown }[] }).windows;
  assert.deepEqual(windows.map((w) => w.call), ['neither', 'spot']);
  const runs = await Promise.all(windows.map((w) => leadlagInProcess([...args, '--start', String(w.start_us), '--end', String(w.end_us)])));
  const alone = JSON.parse(runs[0]!.stdout) as XcorrJson & { band: { low: number; high: number }; summed: { difference: { ci_low: number; ci_high: number } } };
  // Each window's JSON gives the sums and the band its call rests on: the restricted run's.
  for (const [i, w] of windows.entries()) {
    const one = JSON.parse(runs[i]!.stdout) as { summed: unknown; band: unknown };
    assert.deepEqual([w.summed, w.band], [one.summed, one.band], `window ${i}`);
  }
  const best = alone.lags.find((l) => l.lag === alone.best!.lag)!;
  assert.ok(best.ci_low! > 0, `own interval [${best.ci_low}, ${best.ci_high}]`);
  assert.ok(alone.summed.difference.ci_low > 0, `summed difference [${alone.summed.difference.ci_low}, ${alone.summed.difference.ci_high}]`);
  assert.ok(alone.band.low <= 0 && alone.band.high > 0, `band [${alone.band.low}, ${alone.band.high}]`);
  assert.match(alone.verdict, /^no significant correlation once the choice of the best lag is allowed for/);
});

test('pair, xcorr and hy give the span in one shape: µs and ISO times, inclusive ends (the fixtures\' first and last ticks)', async () => {
  const spans = [];
  for (const command of ['pair', 'xcorr', 'hy']) {
    const r = await leadlagInProcess([command, ...LAYOUTS[0]!, '--bootstrap', '0', '--format', 'json', '-q']);
    assert.equal(r.code, 0, r.stderr);
    spans.push((JSON.parse(r.stdout) as { span: unknown }).span);
  }
  // The markets' overlap in the Tardis fixtures: spot's first tick (perp's is earlier, …372) to
  // perp's last (spot's is later, …974), read off the files with head -2 and tail -1.
  const want = { start_us: 1723118400000644, end_us: 1723118479999957, start: '2024-08-08T12:00:00.000644Z', end: '2024-08-08T12:01:19.999957Z' };
  assert.deepEqual(spans, [want, want, want]);
});
