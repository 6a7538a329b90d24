/** `leadlag hy`: in-process against an independent evaluation of §8, and end to end on every format. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { FIXTURES, ROOT, leadlag } from './cli-helpers.js';
import { readGenericQuotes } from './reference.js';
import { Context } from '../src/cli/context.js';
import { hyLeadSign, runHy, renderHy, verdict, windowLeader, type HyOptions } from '../src/cli/commands/hy.js';
import { latticeOf, parseLagRange } from '../src/cli/lagrange.js';

const fx = (layout: string, name: string) => join(FIXTURES, layout, name);
const LAYOUTS: [string, string][] = [
  [fx('tardis', 'spot_quotes.csv'), fx('tardis', 'perp_quotes.csv')],
  [fx('exchange', 'spot_quotes.csv'), fx('exchange', 'perp_quotes.csv')],
  [fx('generic', 'spot_quotes.csv'), fx('generic', 'perp_quotes.csv.gz')],
];
/**
 * The shared recordings sit beside the repository (../shared/data); a worktree is one level
 * deeper, and a clone elsewhere (CI's) finds them where the other real-data tests look.
 */
const REAL = [join(ROOT, '..', 'shared', 'data'), join(ROOT, '..', '..', 'shared', 'data'), '/work/shared/data']
  .map((d) => join(d, 'binance-btcusdt-20240808'))
  .find((d) => existsSync(d));

interface Tick {
  t: number;
  x: number;
}

/**
 * U(θ) by the equivalent form of §8, independently of the sweep: for each A interval, B's log
 * price at the first tick at or after t_{i+1} + θ minus at the last tick at or before t_i + θ
 * (indices by binary search, clamped to B's ends). Ticks restricted to the span first.
 */
function equivalentFormU(a: Tick[], b: Tick[], theta: number): number {
  const start = Math.max(a[0]!.t, b[0]!.t);
  const end = Math.min(a.at(-1)!.t, b.at(-1)!.t);
  const A = a.filter((k) => k.t >= start && k.t <= end);
  const B = b.filter((k) => k.t >= start && k.t <= end);
  const m = B.length - 1;
  const firstAbove = (x: number, strict: boolean) => {
    let lo = 0;
    let hi = B.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? B[mid]!.t - theta > x : B[mid]!.t - theta >= x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  let u = 0;
  for (let i = 0; i + 1 < A.length; i++) {
    const lo = Math.max(firstAbove(A[i]!.t, true) - 1, 0);
    const hi = Math.min(firstAbove(A[i + 1]!.t, false), m);
    if (lo < hi) u += (A[i + 1]!.x - A[i]!.x) * (B[hi]!.x - B[lo]!.x);
  }
  return u;
}

function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({ write: (chunk, _enc, cb) => ((text += String(chunk)), cb()) });
  return Object.assign(w, { text: () => text });
}

const DEFAULTS: HyOptions = { lags: { fromUs: -10_000, toUs: 10_000 }, step: 100, bootstrap: 200, block: 4_000_000, seed: 42, names: ['spot', 'perp'], format: 'json', quiet: true, clock: 'exchange' };

async function hyJson(files: [string, string], o: Partial<HyOptions> = {}) {
  const stderr = sink();
  const opts = { ...DEFAULTS, ...o };
  const ctx = new Context({ stdout: sink(), stderr, env: {} }, opts);
  const report = await runHy(files, opts, ctx);
  return JSON.parse(JSON.stringify(renderHy(report).json)) as {
    lag_us: number | null;
    rho: number;
    llr: number;
    n_a: number;
    n_b: number;
    p_value: number | null;
    lags: { lag_us: number; u: number; rho: number; beta: number }[];
    ci: { lag_us: [number, number]; rho: [number, number]; llr: [number, number] } | null;
    verdict: string;
  };
}

const ticksOf = (path: string): Tick[] => readGenericQuotes(path).map((q) => ({ t: q.t, x: Math.log(q.mid) }));

test('hy equals the equivalent form of §8 on the fixtures, identically on every input format', async () => {
  const a = ticksOf(fx('generic', 'spot_quotes.csv'));
  const b = ticksOf(fx('generic', 'perp_quotes.csv.gz'));
  const first = await hyJson(LAYOUTS[0]!);
  assert.equal(first.lags.length, 201);
  const scale = Math.max(...first.lags.map((l) => Math.abs(l.u)));
  for (const l of first.lags.filter((_, k) => k % 20 === 0 || first.lags[k]!.lag_us === first.lag_us)) {
    assert.ok(Math.abs(l.u - equivalentFormU(a, b, l.lag_us)) <= 1e-9 * scale, `θ = ${l.lag_us}`);
  }
  const inSpan = (x: Tick[]) => x.filter((k) => k.t >= Math.max(a[0]!.t, b[0]!.t) && k.t <= Math.min(a.at(-1)!.t, b.at(-1)!.t)).length;
  assert.equal(first.n_a, inSpan(a));
  assert.equal(first.n_b, inSpan(b));
  // the fixtures' perp follows spot by 2–4 ms
  assert.ok(first.lag_us! >= 2000 && first.lag_us! <= 4000, `θ̂ ${first.lag_us}`);
  assert.ok(first.ci!.lag_us[0] <= first.lag_us! && first.lag_us! <= first.ci!.lag_us[1]);
  assert.ok(first.p_value! < 0.05);
  assert.match(first.verdict, /^spot leads perp by [\d.]+ ms \[[\d.]+, [\d.]+\], ρ = 0\.\d\d, p [<=] /);
  for (const files of LAYOUTS.slice(1)) assert.deepEqual(await hyJson(files), first);
});

test('hy: swapping the files maps θ to −θ and LLR to 1/LLR; --bootstrap 0 has no p-value and no ci', async () => {
  const ab = await hyJson(LAYOUTS[0]!, { bootstrap: 0 });
  const ba = await hyJson([LAYOUTS[0]![1], LAYOUTS[0]![0]], { bootstrap: 0, names: ['perp', 'spot'] });
  assert.equal(ab.p_value, null);
  assert.equal(ab.ci, null);
  assert.equal(ba.lag_us, -ab.lag_us!);
  const scale = Math.max(...ab.lags.map((l) => Math.abs(l.u)));
  ab.lags.forEach((l, k) => assert.ok(Math.abs(l.u - ba.lags[ab.lags.length - 1 - k]!.u) <= 1e-12 * scale));
  assert.ok(Math.abs(ab.llr * ba.llr - 1) < 1e-9);
  assert.match(ab.verdict, /^untested \(--bootstrap 0\)/);
});

test('hy on the real Binance recordings (skipped when absent)', { skip: REAL === undefined }, async () => {
  const spot = join(REAL!, 'spot_quotes.csv.gz');
  const perp = join(REAL!, 'perp_quotes.csv.gz');
  const out = await hyJson([spot, perp], { bootstrap: 200, block: 10_000_000 });
  const a = readExchangeTicks(spot);
  const b = readExchangeTicks(perp);
  const scale = Math.max(...out.lags.map((l) => Math.abs(l.u)));
  for (const theta of [-10_000, -2000, 0, out.lag_us!, 5000]) {
    const got = out.lags.find((l) => l.lag_us === theta)!.u;
    assert.ok(Math.abs(got - equivalentFormU(a, b, theta)) <= 1e-9 * scale, `θ = ${theta}`);
  }
  assert.ok(out.p_value! > 0 && out.p_value! <= 1);
  assert.ok(out.ci!.lag_us[0] <= out.lag_us! && out.lag_us! <= out.ci!.lag_us[1]);
});

/** The exchange layout `time,symbol,bid_price,ask_price` with `2024-08-08 23:54:14.087891+00:00` times, bursts collapsed. */
function readExchangeTicks(path: string): Tick[] {
  const lines = gunzipSync(readFileSync(path)).toString('utf8').trim().split('\n').slice(1);
  const out: Tick[] = [];
  for (const line of lines) {
    const [time, , bid, ask] = line.split(',');
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))?\+00:00$/.exec(time!)!;
    const t = Date.parse(`${m[1]}T${m[2]}Z`) * 1000 + Number((m[3] ?? '').padEnd(6, '0'));
    const tick = { t, x: Math.log((Number(bid) + Number(ask)) / 2) };
    if (out.length > 0 && out.at(-1)!.t === t) out[out.length - 1] = tick;
    else out.push(tick);
  }
  return out;
}

test('hy end to end: table, csv, tsv and json carry the same lattice; the table states the sign convention', async () => {
  const args = ['hy', ...LAYOUTS[0]!, '--lags', '-5ms..5ms', '--step', '250us', '--bootstrap', '100', '--block', '4s'];
  const json = await leadlag([...args, '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  for (const key of ['lag_us', 'rho', 'beta', 'r2', 'llr', 'llr_abs', 'rv_a', 'rv_b', 'n_a', 'n_b', 'nonextant_share_a', 'nonextant_share_b', 'p_value', 'lags', 'ci']) assert.ok(key in doc, key);
  assert.deepEqual(Object.keys(doc.lags[0]), ['lag_us', 'u', 'rho', 'beta']);
  assert.deepEqual(Object.keys(doc.ci), ['lag_us', 'rho', 'llr']);
  assert.deepEqual(doc.lags.map((l: { lag_us: number }) => l.lag_us), Array.from({ length: 41 }, (_, k) => -5000 + 250 * k));
  for (const [format, sep] of [['csv', ','], ['tsv', '\t']] as const) {
    const r = await leadlag([...args, '--format', format]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], ['lag_us', 'u', 'rho', 'beta', 'best'].join(sep));
    assert.equal(lines.length, 42);
    lines.slice(1).forEach((line, k) => {
      const [lag, u, rho, , best] = line.split(sep);
      assert.equal(Number(lag), doc.lags[k].lag_us);
      assert.equal(Number(u), doc.lags[k].u);
      assert.equal(Number(rho), doc.lags[k].rho);
      assert.equal(best, String(doc.lags[k].lag_us === doc.lag_us));
    });
  }
  const table = await leadlag(args);
  assert.equal(table.code, 0, table.stderr);
  for (const s of ['θ > 0: spot leads perp', 'correlogram', '◀', doc.verdict]) assert.ok(table.stdout.includes(s), s);
});

test('hy: the human correlogram is thinned, the machine formats are not', async () => {
  const args = ['hy', ...LAYOUTS[0]!, '--lags', '-10ms..10ms', '--step', '10us', '--bootstrap', '0'];
  const table = await leadlag(args);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /\d+ of 2001 lags shown/);
  const rows = table.stdout.split('\n').filter((l) => /^│ +-?[\d.]+ (ms|µs)/.test(l));
  assert.ok(rows.length >= 40 && rows.length <= 45, `${rows.length} rows`);
  const csv = await leadlag([...args, '--format', 'csv']);
  assert.equal(csv.stdout.trim().split('\n').length, 2002);
});

test('hy: bad lattices are usage errors (exit 2) that say what was wrong', async () => {
  const cases: [string[], RegExp][] = [
    [['--lags', '10ms..-10ms'], /reversed/],
    [['--step', '0'], /--step must be greater than 0/],
    [['--lags', '-1s..1s', '--step', '1us'], /2000001 lags, more than 1000001/],
    [['--lags', '5ms'], /range of durations/],
    [['--lags', 'a..b'], /--lags must be a duration/],
    [['--lags', '0.5us..1ms'], /whole number of microseconds/],
    [['--bootstrap', '-1'], /--bootstrap/],
    [['--step', '1m'], /--step must be a duration/],
    [['--step', '1d'], /--step must be at most 2147483647us/],
    [['--lags', '-1s..1s', '--step', '86400s'], /--step must be at most 2147483647us/],
    // A step that leaves an end or 0 off the lattice, with the largest step that fits, worked by
    // hand: 20 000 µs is no multiple of 300, and the largest divisor of gcd(20 000, 10 000) up to
    // 300 is 250; -3 ms..7 ms by 2 ms skips 0, gcd(10 000, 3 000) = 1 000; -2.5 ms..-1 ms (0 not
    // in it) by 1 ms misses -1 ms, and 1 500 µs's largest divisor up to 1 000 is 750.
    [['--lags', '-10ms..10ms', '--step', '300us'], /--step 300us does not reach the last lag, 10000us from the first lag, -10000us: .*use --step 250us/],
    [['--lags', '-3ms..7ms', '--step', '2ms'], /--step 2000us does not reach 0 from the first lag, -3000us: .*use --step 1000us/],
    [['--lags', '-2500us..-1ms', '--step', '1ms'], /--step 1000us does not reach the last lag, -1000us from the first lag, -2500us: .*use --step 750us/],
    // Where every fitting step up to the one given makes too many lags, the smallest above that
    // keeps 1 000 001: 20 s wide by 1 or 2 µs is too many, 20 µs exactly enough (4, 5, 8, 10, 16 too
    // many); ±1 000 001 µs (101 × 9 901) fits 1 µs only below 3, and 101 µs above it.
    [['--lags=-10s..10s', '--step', '3us'], /use --step 20us/],
    [['--lags=-1000001us..1000001us', '--step', '3us'], /use --step 101us/],
  ];
  for (const [extra, message] of cases) {
    const r = await leadlag(['hy', ...LAYOUTS[0]!, ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  // parts that would not fit: 80 blocks of 1 s × 1 000 001 lags
  const big = await leadlag(['hy', ...LAYOUTS[0]!, '--lags', '-500ms..500ms', '--step', '1us', '--block', '1s']);
  assert.equal(big.code, 2, big.stderr);
  assert.match(big.stderr, /blocks × 1000001 lags exceed .*use a longer --block/);
  // the largest lattice allowed is accepted: −500 ms … 500 ms every µs
  assert.equal(latticeOf(parseLagRange('-500ms..500ms'), 1).count, 1_000_001);
  assert.deepEqual(parseLagRange('0..500ms'), { fromUs: 0, toUs: 500_000 });
  // The steps those errors name are taken.
  assert.equal(latticeOf(parseLagRange('-10ms..10ms'), 250).count, 81);
  assert.equal(latticeOf(parseLagRange('-3ms..7ms'), 1000).count, 11);
  assert.equal(latticeOf(parseLagRange('-2500us..-1ms'), 750).count, 3);
  assert.equal(latticeOf(parseLagRange('-10s..10s'), 20).count, 1_000_001);
  // report's options are named as report names them.
  assert.throws(() => latticeOf(parseLagRange('-10ms..10ms'), 300, '--hy-lags'), /^UsageError: --hy-step 300us does not reach .* both ends of --hy-lags, .*use --hy-step 250us/);
  assert.deepEqual(parseLagRange('-1s..-250us'), { fromUs: -1_000_000, toUs: -250 });
});

test('hy end to end on the Binance millisecond layouts and on gzip input: the same lead, every format exits 0', async () => {
  const files = [fx('binance', 'spot_quotes.csv'), fx('binance', 'perp_quotes.csv')];
  for (const format of ['table', 'csv', 'tsv', 'json']) {
    const r = await leadlag(['hy', ...files, '--block', '1s', '--bootstrap', '200', '--format', format]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    if (format === 'json') {
      const doc = JSON.parse(r.stdout);
      assert.ok(doc.lag_us >= 2000 && doc.lag_us <= 4000, `θ̂ ${doc.lag_us}`);
      assert.ok(doc.llr > 1 && doc.p_value < 0.05);
    }
  }
  const gz = await leadlag(['hy', fx('generic', 'perp_quotes.csv.gz'), fx('generic', 'spot_quotes.csv'), '--names', 'perp,spot', '--bootstrap', '0', '--format', 'json']);
  assert.equal(gz.code, 0, gz.stderr);
  assert.match(JSON.parse(gz.stdout).verdict, /where spot would lead perp by /); // swapped files: θ̂ < 0 reads the same way
});

test('hy verdict: direction, interval in the leader\'s terms, weak evidence, θ̂ = 0, no test, no contrast', () => {
  const base = {
    names: ['spot', 'perp'] as const,
    lattice: { fromUs: -10_000, stepUs: 100, count: 201 },
    span: { start: 0, end: 1e8 },
    options: { bootstrap: 999, block: 10_000_000, seed: 42 },
  };
  const est = (lagUs: number | null, rho: number | null, llr: number | null) => ({ lagUs, lagPlateauUs: lagUs === null ? null : { low: lagUs, high: lagUs }, rho, beta: rho, r2: rho === null ? null : rho * rho, llr, llrAbs: llr, rvA: 1, rvB: 1, nA: 10, nB: 10, nonextantShareA: 0, nonextantShareB: 0, lattice: base.lattice, u: new Float64Array(0) });
  const inf = (lo: number, hi: number, pValue: number) => ({ lagUs: { low: lo, high: hi }, rho: null, llr: null, pValue, signPatterns: 999, exact: false, replicates: 999, contrastBlocks: 40, edgeShare: 0 });
  assert.equal(verdict({ ...base, estimate: est(2100, 0.31, 3), inference: inf(1400, 2900, 0.0005) }), 'spot leads perp by 2.1 ms [1.4, 2.9], ρ = 0.31, p < 0.001.');
  // θ̂ < 0: perp leads; the interval is given as perp's lead, low to high
  assert.equal(verdict({ ...base, estimate: est(-800, 0.2, 0.5), inference: inf(-900, -300, 0.004) }), 'perp leads spot by 800 µs [300, 900], ρ = 0.20, p = 0.004.');
  assert.match(verdict({ ...base, estimate: est(1500, 0.02, 1.1), inference: inf(-2000, 3000, 0.43) }), /^no evidence of lead-lag \(p = 0\.43\): the largest \|ρ\| = 0\.020 \(at 1\.5 ms\)/);
  // The interval reaches θ = 0: no leader is named; the side of the peak is said as an estimate.
  assert.equal(verdict({ ...base, estimate: est(1500, 0.3, 2), inference: inf(-200, 1600, 0.01) }), 'no clear leader: the contrast peaks at θ = 1.5 ms, where spot would lead perp by 1.5 ms [-0.2, 1.6], ρ = 0.30, p = 0.01 — but the interval reaches θ = 0, so the direction is uncertain.');
  // An interval of one lattice lag: the lag to within the step, said (it read as certainty); at θ = 0 above.
  assert.match(verdict({ ...base, estimate: est(3000, 0.5, 2), inference: inf(3000, 3000, 0.001) }), /^spot leads perp by 3 ms \[3, 3\] \(to within --step \d/);
  // A point in µs whose interval reaches ms: each end with its unit, not [-3800, 6000] beside "500 µs".
  assert.match(verdict({ ...base, estimate: est(500, 0.65, 2), inference: inf(-3800, 6000, 0.003) }), /where spot would lead perp by 500 µs \[-3\.8 ms, 6 ms\], ρ = 0\.65/);
  // No interval for θ̂ (every replicate without a peak): no leader either, however small p.
  assert.match(verdict({ ...base, estimate: est(1500, 0.3, 2), inference: { ...inf(0, 0, 0.001), lagUs: null } }), /^no clear leader: .* where spot would lead perp by 1\.5 ms, ρ = 0\.30, p = 0\.001 — but θ̂ has no interval, so the direction is untested\.$/);
  // A lean away from θ = 0 needs LLR's interval clear of 1 (docs/hy.md); without one none is named.
  assert.match(verdict({ ...base, estimate: est(0, 0.14, 8.7), inference: { ...inf(0, 0, 0.001), llr: { low: 5, high: 12 } } }), /^spot and perp move together: .* away from θ = 0 the contrast leans to spot leading \(LLR 8\.70 \[5\.00, 12\.00\]\)\.$/);
  assert.doesNotMatch(verdict({ ...base, estimate: est(0, 0.14, 8.7), inference: inf(0, 0, 0.001) }), /leans/);
  // θ̂ = 0 without the bootstrap: untested, as any other peak (a hunt: two unrelated walks read
  // "move together … leans to perp leading (LLR 0.85)" with --bootstrap 0).
  assert.equal(verdict({ ...base, estimate: est(0, -0.04, 0.85), inference: null }), 'untested (--bootstrap 0): the contrast peaks at θ = 0, ρ = -0.04; no sign-flip test and no interval.');
  // A negative ρ at θ = 0 is a move in opposite directions, not "together".
  assert.match(verdict({ ...base, estimate: est(0, -0.3, 1), inference: inf(0, 0, 0.001) }), /^spot and perp move at the same instant, in opposite directions: the contrast peaks at θ = 0/);
  // … unless ρ's interval holds 0 (report/calls.ts reads a relation against each other by it): no direction said.
  assert.match(verdict({ ...base, estimate: est(0, -0.3, 1), inference: { ...inf(0, 0, 0.001), rho: { low: -0.5, high: 0.1 } } }), /^spot and perp move at the same instant: the contrast peaks at θ = 0/);
  assert.match(verdict({ ...base, estimate: est(0, 0.3, 1), inference: { ...inf(0, 0, 0.001), rho: { low: 0.1, high: 0.5 } } }), /^spot and perp move together: /);
  assert.equal(verdict({ ...base, estimate: est(2100, 0.31, 3), inference: null }), 'untested (--bootstrap 0): the contrast peaks at θ = 2.1 ms, where spot would lead perp by 2.1 ms, ρ = 0.31; no sign-flip test and no interval.');
  assert.match(verdict({ ...base, estimate: est(null, null, null), inference: null }), /^no lead-lag can be measured/);
  // The lattice is -10 ms … 10 ms: an interval up to 10 ms may hide a larger peak beyond it.
  assert.equal(verdict({ ...base, estimate: est(9800, 0.42, 3), inference: inf(6000, 10_000, 0.0005) }), 'spot leads perp by 9.8 ms [6, 10], ρ = 0.42, p < 0.001 — but its interval reaches the edge of the lags (10 ms): the peak may lie beyond; widen --lags.');
  assert.match(verdict({ ...base, estimate: est(-10_000, 0.42, 0.3), inference: inf(-10_000, -7000, 0.0005) }), /^perp leads spot by 10 ms \[7, 10\], .* — but θ̂ lies at the edge of the lags \(-10 ms\)/);
  // θ̂ and its interval inside the lags, but 0.5 % of the replicates (5 of 999 would be 0.50 %)
  // peak at an end: the lags may cut the interval short. 0.4 % is not said.
  const piled = (share: number) => verdict({ ...base, estimate: est(-9400, 0.62, 0.5), inference: { ...inf(-9600, -1200, 0.0005), edgeShare: share } });
  assert.equal(piled(0.005), 'perp leads spot by 9.4 ms [1.2, 9.6], ρ = 0.62, p < 0.001 — but 0.5 % of its replicates peak at an end of the lags (-10 ms or 10 ms), so the interval may be cut short by them; widen --lags.');
  assert.equal(piled(0.004), 'perp leads spot by 9.4 ms [1.2, 9.6], ρ = 0.62, p < 0.001.');
  // An interval that reaches θ = 0 and an end: both are said.
  assert.match(verdict({ ...base, estimate: est(3500, 0.3, 2), inference: inf(-5500, 10_000, 0.005) }), /the direction is uncertain; and its interval reaches the edge of the lags \(10 ms\)/);
  // θ̂ = -2.4 ms with an interval up to +10 ms (spot and COIN-M on the Binance sample): the end
  // named is the one the interval reaches, on the other side of θ̂.
  assert.match(verdict({ ...base, estimate: est(-2400, 0.31, 0.8), inference: inf(-3500, 10_000, 0.0005) }), /^no clear leader: the contrast peaks at θ = -2\.4 ms, where perp would lead spot by 2\.4 ms \[-10, 3\.5\], .* uncertain; and its interval reaches the edge of the lags \(10 ms\): /);
  // Identical markets: LLR is 1 but for rounding, and no side is named; nor when LLR's interval holds 1.
  assert.equal(verdict({ ...base, estimate: est(0, 1, 0.9999999999999998), inference: inf(0, 0, 0.0005) }), 'spot and perp move together: the contrast peaks at θ = 0 [0 µs, 0 µs] (to within --step 100 µs), ρ = 1.00, p < 0.001.');
  assert.doesNotMatch(verdict({ ...base, estimate: est(0, 0.14, 1.3), inference: { ...inf(0, 0, 0.001), llr: { low: 0.8, high: 1.9 } } }), /leans/);
  assert.match(verdict({ ...base, estimate: est(0, 0.14, 1.3), inference: { ...inf(0, 0, 0.001), llr: { low: 1.1, high: 1.9 } } }), /leans to spot leading \(LLR 1\.30 \[1\.10, 1\.90\]\)\.$/);
  // 40 replicates: θ̂'s interval is the few most extreme draws; no call, as xcorr and classify
  // (report once said "perp leads spot by 9.4 ms (95 % interval 1 ms … 9.5 ms), per hy" from 40).
  const forty = { ...base, estimate: est(-9400, 0.62, 0.5), inference: { ...inf(-9500, -1000, 0.024), replicates: 40 } };
  assert.equal(verdict(forty), 'untested: --bootstrap 40 draws 40 replicates, and a call needs at least 100 (the default is 1000); the contrast peaks at θ = -9.4 ms, ρ = 0.62, p = 0.02.');
  assert.equal(hyLeadSign(forty.estimate, forty.inference, base.lattice), 0);
  assert.equal(windowLeader(forty, base.lattice), null);
  // U flat from 2.1 ms to 10 ms (ticks far sparser than the step): θ̂ is any of those lags, said.
  assert.equal(verdict({ ...base, estimate: { ...est(2100, 0.9, 20), lagPlateauUs: { low: 2100, high: 10_000 } }, inference: inf(2100, 10_000, 0.0005) }), 'spot leads perp by 2.1 ms [2.1, 10], ρ = 0.90, p < 0.001 — but its interval reaches the edge of the lags (10 ms): the peak may lie beyond; widen --lags; the contrast is the same from 2.1 ms to 10 ms, so θ̂ is any lag between them (the ticks are sparser than the --step).');
  // Lags 1 ms … 10 ms (91 lags of 100 µs) lie on one side: a peak there cannot say who leads.
  const oneSided = { ...base, lattice: { fromUs: 1000, stepUs: 100, count: 91 } };
  assert.equal(verdict({ ...oneSided, estimate: est(1100, 0.31, null), inference: inf(1000, 2000, 0.008) }), 'the contrast peaks at θ = 1.1 ms, ρ = 0.31, p = 0.008, but every lag (1 ms … 10 ms) lies on one side of 0: who leads is untested; request lags on both sides (e.g. --lags -10ms..10ms).');
  // One lag only (--lags 0..0): said as the only lag, not as a side.
  assert.match(verdict({ ...oneSided, lattice: { fromUs: 0, stepUs: 100, count: 1 }, estimate: est(0, 0.35, null), inference: inf(0, 0, 0.008) }), /but the only lag is 0 µs: who leads is untested;/);
  // -10 ms … 0 with θ̂ = 0: LLR (0, its θ > 0 sum being empty) says nothing either.
  const upToZero = { ...base, lattice: { fromUs: -10_000, stepUs: 1000, count: 11 } };
  assert.match(verdict({ ...upToZero, estimate: est(0, 0.2, 0), inference: inf(0, 0, 0.001) }), /^the contrast peaks at θ = 0 µs, .* lies on one side of 0: who leads is untested/);
});

test('hy over one bootstrap block: no intervals (each replicate is the estimate itself), and the test cannot reject: untested', async () => {
  // 12:00:10 to 12:00:20 with 10 s blocks is one block; with one block the sign flips give two
  // patterns (±U), so p = 2/2 = 1.
  const r = await hyJson(LAYOUTS[0]!, { start: Date.UTC(2024, 7, 8, 12, 0, 10) * 1000, end: Date.UTC(2024, 7, 8, 12, 0, 20) * 1000, block: 10_000_000 });
  assert.deepEqual(r.ci, { lag_us: null, rho: null, llr: null });
  assert.equal(r.p_value, 1);
  // 2 ms into a second block: it holds no contrast (no move of both markets overlaps there), so
  // the one block with contrasts still gives no interval.
  const edge = await hyJson(LAYOUTS[0]!, { start: Date.UTC(2024, 7, 8, 12, 0, 10) * 1000, end: Date.UTC(2024, 7, 8, 12, 0, 20) * 1000 + 2000, block: 10_000_000 });
  assert.deepEqual(edge.ci, { lag_us: null, rho: null, llr: null });
  // And with one block the test cannot reject: untested, not "what unrelated markets show".
  assert.match(r.verdict, /^untested: over 1 block where both markets' moves overlap, the sign-flip p-value cannot fall below 1\.0000, so no lead could be shown \(a longer span gives more; a shorter --block too, if still longer than the dependence between moves\)/);
});

test('replicateWork: the bootstrap over every block, the sign-flip test over the blocks with a contrast', async () => {
  const { replicateWork } = await import('../src/cli/commands/hy.js');
  // By hand: R = 1000, 360 blocks, all with a contrast, 2 001 lags: 2 × 1000 × 360 × 2001.
  assert.equal(replicateWork(1000, 360, 360, 2001), 2 * 1000 * 360 * 2001);
  // 368 blocks of which 8 hold a contrast: the test enumerates 2^8 = 256 patterns of 8 blocks.
  assert.equal(replicateWork(1000, 368, 8, 201), (1000 * 368 + 256 * 8) * 201);
  assert.equal(replicateWork(0, 368, 8, 201), 0);
});

test('a market that never moves: no θ̂ and no few-blocks warning (0 blocks with a contrast is no test at all, not a p floor of 2/2^0)', async () => {
  // spot's generic fixture with every quote at 100/101: its mid never changes, so every
  // contrast is 0 and no block holds one.
  const [spot] = LAYOUTS[2]!;
  const constant = readFileSync(spot, 'utf8').split('\n').map((line, i) => (i === 0 || line === '' ? line : `${line.split(',')[0]},100,101`)).join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'leadlag-hy-'));
  const file = join(dir, 'spot.csv');
  writeFileSync(file, constant);
  const stderr = sink();
  const opts = { ...DEFAULTS, quiet: false };
  const report = await runHy([file, LAYOUTS[2]![1]], opts, new Context({ stdout: sink(), stderr, env: {} }, opts));
  assert.equal(report.estimate.lagUs, null);
  assert.equal(report.inference?.contrastBlocks, 0);
  assert.doesNotMatch(stderr.text(), /2\/2\^0|hold a contrast/);
  assert.match(String((renderHy(report).json as { verdict: string }).verdict), /^no lead-lag can be measured: the contrast is the same at every lag \(0: a market never moves/);
});

test('hy warns of its inputs as pair and xcorr do: one file as both markets, a span under a second', async () => {
  const run = async (files: [string, string]) => {
    const stderr = sink();
    const opts = { ...DEFAULTS, quiet: false, bootstrap: 0 };
    await runHy(files, opts, new Context({ stdout: sink(), stderr, env: {} }, opts));
    return stderr.text();
  };
  const [spot, perp] = LAYOUTS[0]!;
  assert.match(await run([spot, spot]), /both markets read the same file/);
  // One row of spot (its first tick) against perp: the markets overlap for 0 µs.
  const dir = mkdtempSync(join(tmpdir(), 'leadlag-hy-'));
  const one = join(dir, 'one.csv');
  writeFileSync(one, readFileSync(spot, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
  assert.match(await run([one, perp]), /the span lasts only 0 µs, under a second/);
  assert.doesNotMatch(await run([spot, perp]), /same file|under a second/);
});
