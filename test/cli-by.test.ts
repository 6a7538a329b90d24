/**
 * --by windows and regimes (docs/time.md), in-process: windows add up to the whole; a window's
 * table equals the run restricted to it with --start/--end when nothing crosses its edges;
 * regimes on a series with known quiet and busy stretches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Chalk } from 'chalk';
import { aboveChance } from '../src/core/verdict.js';
import { join } from 'node:path';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { fakeContext } from './context-helpers.js';
import { PAIR, XCORR } from './time-helpers.js';
import { mulberry32 } from './prng.js';
import { renderPair, runPair, type PairOptions } from '../src/cli/commands/pair.js';
import { renderXcorr, runXcorr, type XcorrOptions } from '../src/cli/commands/xcorr.js';
import { renderHy, runHy, type HyOptions } from '../src/cli/commands/hy.js';
import { JsonRows } from '../src/io/output.js';
import { windowWorkWanted } from '../src/cli/xcorr-boot-thread.js';

const SPOT = join(FIXTURES, 'tardis', 'spot_quotes.csv');
const PERP = join(FIXTURES, 'tardis', 'perp_quotes.csv');

type Json = Record<string, any>;

async function pair(files: [string, string], o: Partial<PairOptions>): Promise<Json> {
  const { ctx } = fakeContext();
  return renderPair(await runPair(files, { ...PAIR, ...o }, ctx)).json as Json;
}

const HY: HyOptions = { lags: { fromUs: -5000, toUs: 5000 }, step: 500, bootstrap: 50, block: 10_000_000, seed: 42, names: ['spot', 'perp'], format: 'json', quiet: true, clock: 'exchange' };

async function hy(files: [string, string], o: Partial<HyOptions>): Promise<Json> {
  const { ctx } = fakeContext();
  return renderHy(await runHy(files, { ...HY, ...o }, ctx)).json as Json;
}

async function xcorr(files: [string, string], o: Partial<XcorrOptions>): Promise<Json> {
  const { ctx } = fakeContext();
  return renderXcorr(await runXcorr(files, { ...XCORR, ...o }, ctx)).json as Json;
}

test('pair --by: every metric of the windows adds up to the whole span, both feeds', async () => {
  for (const us of [7e6, 10e6, 60e6]) {
    const j = await pair([SPOT, PERP], { by: { kind: 'time', us } });
    const plain = await pair([SPOT, PERP], {});
    for (const feed of ['native', 'locf']) {
      assert.deepEqual(j[feed], plain[feed], 'the whole span does not change with --by');
      // Every count of a window's table (all but the leader test's p-value) adds up.
      const counts = Object.keys(j.windows[0][feed]).filter((k) => !['leader_p_value', 'led_blocks', 'chance_pairs_mean', 'chance_pairs_max', 'excess_pairs', 'share_a_leads', 'lag_us'].includes(k));
      assert.ok(counts.includes('paired_events') && counts.includes('noise_events'));
      const sumOf = (metric: string) => (j.windows as Json[]).reduce((s, w) => s + w[feed][metric], 0);
      for (const metric of counts) assert.equal(sumOf(metric), plain[feed][metric] as number, `${feed} ${metric} with windows of ${us} µs`);
      // Each chance pair lies in its leader's window: the windows' per-shift counts add up, so
      // their means (sums / 20) add up to rounding; a max over shifts does not add, but the
      // windows' maxima bound the whole's from above.
      for (const metric of ['chance_pairs_mean', 'excess_pairs']) assert.ok(Math.abs(sumOf(metric) - plain[feed][metric]) < 1e-9, `${feed} ${metric}`);
      assert.ok(sumOf('chance_pairs_max') >= plain[feed].chance_pairs_max);
      // Led blocks (of 10 s on the absolute clock) add up where the windows are whole blocks; a
      // block a window edge cuts counts in both windows that hold its led pairs (7 s windows).
      if (us % 10e6 === 0) assert.equal(sumOf('led_blocks'), plain[feed].led_blocks, `${feed} led_blocks`);
      else assert.ok(sumOf('led_blocks') > plain[feed].led_blocks, `${feed} led_blocks with windows of ${us} µs`);
      assert.ok(plain[feed].chance_pairs_mean > 0, 'the fixture has chance pairs to split');
    }
    // Windows tile the span in time order.
    const w = j.windows as Json[];
    assert.equal(w[0]!.start_us, j.span.start_us);
    assert.equal(w.at(-1)!.end_us, j.span.end_us + 1);
    for (let i = 1; i < w.length; i++) assert.equal(w[i]!.start_us, w[i - 1]!.end_us);
  }
});

test('xcorr --by: the windows\' pair counts add up to the whole for every lag', async () => {
  const j = await xcorr([SPOT, PERP], { by: { kind: 'time', us: 7e6 } });
  const plain = await xcorr([SPOT, PERP], {});
  (plain.lags as Json[]).forEach((l, k) => {
    const sum = (j.windows as Json[]).reduce((s, w) => s + w.lags[k].n, 0);
    assert.equal(sum, l.n);
    assert.ok(Math.abs(j.lags[k].r - l.r) < 1e-12, 'the whole span from parts equals the streaming correlator');
    // The same blocks, the same draws: the whole span's bootstrap interval does not change with
    // --by (its block sums are merged from 1 s cells instead of filed per block: rounding only).
    assert.ok(Math.abs(j.lags[k].ci_low - l.ci_low) < 1e-12 && Math.abs(j.lags[k].ci_high - l.ci_high) < 1e-12, `lag ${l.lag}: bootstrap interval`);
  });
  assert.equal(j.interval, 'bootstrap');
  assert.ok((j.windows as Json[]).some((w) => w.lags.some((l: Json) => l.ci_low !== l.fisher_low)), 'windows carry their own bootstrap intervals');
});

test('hy --by: the windows\' parts add up to the whole span, which does not change with --by', async () => {
  for (const us of [7e6, 60e6]) {
    const j = await hy([SPOT, PERP], { by: { kind: 'time', us } });
    const plain = await hy([SPOT, PERP], {});
    const w = j.windows as Json[];
    // Ticks by their own time, every U(θ) and RV by the time ending its interval: one window each.
    for (const k of ['n_a', 'n_b']) assert.equal(w.reduce((s, x) => s + x[k], 0), plain[k], k);
    for (const k of ['rv_a', 'rv_b']) assert.ok(Math.abs(w.reduce((s, x) => s + x[k], 0) - plain[k]) <= 1e-12 * plain[k], k);
    (plain.lags as Json[]).forEach((l, i) => {
      const sum = w.reduce((s, x) => s + x.lags[i].u, 0);
      assert.ok(Math.abs(sum - l.u) <= 1e-12 * Math.abs(plain.rv_a), `U at ${l.lag_us} µs`);
    });
    // The whole span from merged cells is the uncut run (the same blocks, the same draws).
    assert.equal(j.lag_us, plain.lag_us);
    assert.ok(Math.abs(j.rho - plain.rho) < 1e-12);
    assert.equal(j.p_value, plain.p_value);
    assert.deepEqual(j.ci.lag_us, plain.ci.lag_us);
    assert.equal(w[0]!.start_us, j.span.start_us);
    assert.ok(w.every((x) => x.p_value !== undefined && 'ci' in x), 'windows carry their own test and intervals');
  }
});

const T0 = 1_700_000_000_000_000; // a multiple of 10 s

/**
 * Two markets over 60 s, ticking every 50 ms (at 25 ms past each 50 ms, never on a 1 s grid
 * point). Within 1 s of every 10 s edge the prices do not move, so no jump, pair or lagged
 * return crosses an edge; inside, spot moves in small steps and leads perp by 2 ms in events
 * of 0.2 % (perp echoes spot's level 2 ms later).
 */
function quietEdges(): { spot: string; perp: string } {
  const rand = mulberry32(7);
  let spot = 'ts_us,price\n';
  let perp = 'ts_us,price\n';
  let level = 100;
  const perpTicks: [number, number][] = [];
  for (let t = T0 + 25_000; t < T0 + 60e6; t += 50_000) {
    const offset = (t - T0) % 10e6;
    const moving = offset > 1.2e6 && offset < 8.8e6;
    if (moving) level *= rand() < 0.1 ? (rand() < 0.5 ? 1.002 : 1 / 1.002) : Math.exp((rand() - 0.5) * 2e-5);
    spot += `${t},${level}\n`;
    perpTicks.push([t + 2000, level]);
  }
  for (const [t, p] of perpTicks) perp += `${t},${p}\n`;
  return { spot, perp };
}

test('a window\'s table equals the run restricted to it with --start/--end when nothing crosses its edges', async () => {
  const data = quietEdges();
  const dir = tempFiles({ 'spot.csv': data.spot, 'perp.csv': data.perp });
  const files: [string, string] = [join(dir, 'spot.csv'), join(dir, 'perp.csv')];
  const o = { threshold: 0.0007 };
  const byPair = await pair(files, { ...o, by: { kind: 'time', us: 10e6 } });
  // Blocks of 2 s: five in each window, and the window edges are block edges.
  const byX = await xcorr(files, { by: { kind: 'time', us: 10e6 }, block: 2e6 });
  const byH = await hy(files, { by: { kind: 'time', us: 10e6 }, block: 2e6 });
  let pairs = 0;
  for (let w = 1; w < 5; w++) {
    const range = { start: T0 + w * 10e6, end: T0 + (w + 1) * 10e6 };
    const alone = await pair(files, { ...o, ...range });
    const win = (byPair.windows as Json[]).find((x) => x.start_us === range.start)!;
    // The window's members (Table 1 and the leader test) equal the range run's.
    for (const feed of ['native', 'locf']) {
      // (share_a_leads and lag_us, the window table's last columns, are the windows' own.)
      for (const [k, v] of Object.entries(win[feed] as Record<string, number>)) if (k in alone[feed]) assert.equal(v, alone[feed][k], `window ${w} ${feed} ${k}`);
      const led = alone[feed].a_leads_b + alone[feed].b_leads_a;
      if (led > 0) assert.equal(win[feed].share_a_leads, alone[feed].a_leads_b / led);
    }
    pairs += alone.native.paired_events;
    const xAlone = await xcorr(files, { ...range, block: 2e6 });
    const xWin = (byX.windows as Json[]).find((x) => x.start_us === range.start)!;
    (xAlone.lags as Json[]).forEach((l, k) => {
      assert.equal(xWin.lags[k].n, l.n);
      assert.ok(Math.abs(xWin.lags[k].r - l.r) < 1e-12, `window ${w} lag ${l.lag}: ${xWin.lags[k].r} vs ${l.r}`);
      // Its bootstrap draws its five blocks from the same seed as the restricted run.
      if (l.ci_low !== null) assert.ok(Math.abs(xWin.lags[k].ci_low - l.ci_low) < 1e-12 && Math.abs(xWin.lags[k].ci_high - l.ci_high) < 1e-12, `window ${w} lag ${l.lag}: interval`);
      else assert.equal(xWin.lags[k].ci_low, null);
    });
    assert.equal(xAlone.bootstrap.blocks, 5);
    // hy: the window's ticks, RV and U(θ) at every lag are the restricted run's. (Ticks 50 ms apart
    // make U nearly flat across a ±5 ms lattice, so θ̂ is a near-tie that rounding may flip: the
    // restricted run starts its levels from another first tick. The test and intervals match
    // exactly where the first tick is the same: the whole span with --by above.)
    const hAlone = await hy(files, { ...range, block: 2e6 });
    const hWin = (byH.windows as Json[]).find((x) => x.start_us === range.start)!;
    assert.equal(hWin.n_a, hAlone.n_a);
    assert.equal(hWin.n_b, hAlone.n_b);
    assert.ok(Math.abs(hWin.rv_a - hAlone.rv_a) <= 1e-12 * hAlone.rv_a);
    (hAlone.lags as Json[]).forEach((l, i) => assert.ok(Math.abs(hWin.lags[i].u - l.u) <= 1e-12 * hAlone.rv_a, `window ${w} hy U at ${l.lag_us} µs`));
  }
  assert.ok(pairs > 10, 'the constructed events pair');
});

test('xcorr --by with many lags: each window\'s bootstrap on two threads (one worker for all) is the restricted run\'s', async () => {
  // 1 001 lags × R = 2 000 over six windows is past windowWorkWanted's bounds (2·10⁶ a window,
  // 1.2·10⁷ in all), so the windows split their lags with the run's worker; each restricted run
  // bootstraps on this thread alone (far below bootWorkWanted's 10⁹). The lags reach 0.5 s, within
  // the second of quiet at every edge.
  const data = quietEdges();
  const dir = tempFiles({ 'spot.csv': data.spot, 'perp.csv': data.perp });
  const files: [string, string] = [join(dir, 'spot.csv'), join(dir, 'perp.csv')];
  const lags = Array.from({ length: 1001 }, (_, k) => k - 500);
  const o = { lags, bootstrap: 2000, block: 2e6 };
  // The run does split its windows (should the bounds move, this test must move with them).
  assert.equal(windowWorkWanted(lags.length, o.bootstrap, 6), true);
  const byX = await xcorr(files, { ...o, by: { kind: 'time', us: 10e6 } });
  let compared = 0;
  for (const w of [1, 4]) {
    const range = { start: T0 + w * 10e6, end: T0 + (w + 1) * 10e6 };
    const xAlone = await xcorr(files, { ...o, ...range });
    const xWin = (byX.windows as Json[]).find((x) => x.start_us === range.start)!;
    (xAlone.lags as Json[]).forEach((l, k) => {
      assert.equal(xWin.lags[k].n, l.n, `window ${w} lag ${l.lag}: N`);
      assert.ok(Math.abs(xWin.lags[k].r - l.r) < 1e-12, `window ${w} lag ${l.lag}: ${xWin.lags[k].r} vs ${l.r}`);
      // The same blocks drawn from the same seed, on two threads or one: the same bits.
      assert.ok(Object.is(xWin.lags[k].ci_low, l.ci_low) && Object.is(xWin.lags[k].ci_high, l.ci_high), `window ${w} lag ${l.lag}: interval`);
      if (l.ci_low !== null) compared++;
    });
    // The window's call rests on the same summed r and band as the restricted run's.
    const call = (byX.windows as Json[]).find((x) => x.start_us === range.start)!;
    assert.deepEqual(call.summed, xAlone.summed, `window ${w}: summed`);
  }
  assert.ok(compared > 1000, `${compared} intervals compared`);
});

/** Spot's 1 s volatility per 5 s window: 1 (quiet), 10 or 100 (busy) times a base step. */
const SCALES = [10, 1, 100, 10, 10, 1, 100, 10, 10, 1, 100, 10];

function quietAndBusy(): { spot: string; perp: string } {
  const rand = mulberry32(11);
  let spot = 'ts_us,price\n';
  let perp = 'ts_us,price\n';
  let level = 100;
  for (let t = T0 + 25_000; t < T0 + 60e6; t += 50_000) {
    // A tick's move belongs to the 1 s grid point after it, and so to that point's window.
    const window = Math.floor(Math.ceil((t - T0) / 1e6) / 5);
    level *= Math.exp((rand() - 0.5) * 2e-6 * (SCALES[Math.min(window, SCALES.length - 1)] ?? 1));
    spot += `${t},${level}\n`;
    perp += `${t + 1000},${level}\n`;
  }
  return { spot, perp };
}

test('--by vol: windows with known quiet and busy stretches fall in the low and high regimes', async () => {
  const data = quietAndBusy();
  const dir = tempFiles({ 'spot.csv': data.spot, 'perp.csv': data.perp });
  const files: [string, string] = [join(dir, 'spot.csv'), join(dir, 'perp.csv')];
  const j = await pair(files, { threshold: 0.00001, by: { kind: 'vol' }, window: 5e6 });
  const expected = SCALES.map((s) => (s === 1 ? 'low' : s === 100 ? 'high' : 'mid'));
  assert.deepEqual((j.windows as Json[]).map((w) => w.regime), expected);
  assert.deepEqual([j.regimes.low.n_windows, j.regimes.mid.n_windows, j.regimes.high.n_windows], [3, 6, 3]);
  for (const r of ['low', 'mid', 'high']) {
    const sum = (j.windows as Json[]).filter((w) => w.regime === r).reduce((s, w) => s + w.native.total_spot_jumps, 0);
    assert.equal(j.regimes[r].native.total_spot_jumps, sum, `${r} merges its windows`);
  }
  assert.ok(j.regimes.high.native.total_spot_jumps > j.regimes.low.native.total_spot_jumps);
  const x = await xcorr(files, { by: { kind: 'vol' }, window: 5e6, lags: [0, 1, 2] });
  assert.deepEqual((x.windows as Json[]).map((w) => w.regime), expected);
  const nSum = (x.windows as Json[]).filter((w) => w.regime === 'high').reduce((s, w) => s + w.lags[1].n, 0);
  assert.equal(x.regimes.high.lags[1].n, nSum);
});

test('--by vol: a regime of fewer than 3 windows is warned, with the counts, by pair, xcorr and hy; 3 each is not', async () => {
  const data = quietAndBusy();
  const dir = tempFiles({ 'spot.csv': data.spot, 'perp.csv': data.perp });
  const files: [string, string] = [join(dir, 'spot.csv'), join(dir, 'perp.csv')];
  const stderrOf = async (run: (ctx: ReturnType<typeof fakeContext>['ctx']) => Promise<Json>, window: number) => {
    const f = fakeContext({ quiet: false });
    const j = await run(f.ctx);
    return { text: f.stderr(), regimes: j.regimes as Json, window };
  };
  const runs = (window: number) => [
    stderrOf(async (ctx) => renderPair(await runPair(files, { ...PAIR, threshold: 0.00001, by: { kind: 'vol' }, window }, ctx)).json as Json, window),
    stderrOf(async (ctx) => renderXcorr(await runXcorr(files, { ...XCORR, by: { kind: 'vol' }, window, lags: [0, 1, 2] }, ctx)).json as Json, window),
    stderrOf(async (ctx) => renderHy(await runHy(files, { ...HY, bootstrap: 0, by: { kind: 'vol' }, window }, ctx)).json as Json, window),
  ];
  // 12 windows of 5 s: 3 low, 6 mid, 3 high (the test above).
  for (const r of await Promise.all(runs(5e6))) assert.doesNotMatch(r.text, /volatility regimes rest on/);
  // 6 windows of 10 s: the quartiles of six leave two or fewer below and above them.
  for (const r of await Promise.all(runs(10e6))) {
    const [low, mid, high] = ['low', 'mid', 'high'].map((k) => r.regimes[k].n_windows as number);
    assert.ok(low! < 3 || high! < 3, `${low}, ${high}`);
    assert.match(r.text, new RegExp(`the volatility regimes rest on ${low! + mid! + high!} windows: low holds ${low} and high ${high}, too few windows to stand for a regime`));
  }
  // Spot flat for its first 40 s: about half of 80 windows of 1 s share the least volatility, 0,
  // so none lies strictly below the first quartile however many windows there are.
  const [header, ...rows] = readFileSync(SPOT, 'utf8').trimEnd().split('\n');
  const flat = rows.map((l) => { const f = l.split(','); return Number(f[2]) < 1723118440e6 ? [...f.slice(0, 5), '60000.01', '60000.00', f[7]].join(',') : l; });
  const flatDir = tempFiles({ 'spot.csv': `${header}\n${flat.join('\n')}\n` });
  const f = fakeContext({ quiet: false });
  const j = renderPair(await runPair([join(flatDir, 'spot.csv'), PERP], { ...PAIR, by: { kind: 'vol' }, window: 1e6 }, f.ctx)).json as Json;
  assert.equal(j.regimes.low.n_windows, 0);
  assert.ok(j.regimes.low.n_windows + j.regimes.mid.n_windows + j.regimes.high.n_windows >= 10);
  assert.match(f.stderr(), /of the \d+ windows with a regime, low holds 0 and high \d+, too few windows to stand for a regime: many windows share the volatility at a quartile/);
  assert.doesNotMatch(f.stderr(), /a shorter --window/);
});

test('hy --by: windows with |ρ| > 1 are warned and kept out of the R² trend; a window where a market has no move has no θ̂', async () => {
  // 2 s windows over the fixtures: some windows' ρ passes 1 (cross terms and variances filed by
  // different interval ends). The R² trend counts exactly the windows with |ρ| ≤ 1.
  const fc = fakeContext({ quiet: false });
  const out = renderHy(await runHy([SPOT, PERP], { ...HY, bootstrap: 0, by: { kind: 'time', us: 2_000_000 } }, fc.ctx));
  // The document the command writes makes each window as it is written (JsonRows, byJson).
  assert.ok((out.lazyJson!() as { windows: unknown }).windows instanceof JsonRows);
  const j = out.json as { windows: { rho: number | null }[]; stability: { trends: { r2: { n: number } } } };
  const within = j.windows.filter((w) => w.rho !== null && Math.abs(w.rho) <= 1).length;
  const beyond = j.windows.filter((w) => w.rho !== null && Math.abs(w.rho) > 1).length;
  assert.ok(beyond > 0, 'the fixtures have windows with |ρ| > 1 at 2 s');
  assert.equal(j.stability.trends.r2.n, within);
  assert.match(fc.stderr(), new RegExp(`${beyond} of ${j.windows.length} windows have \\|ρ\\(θ̂\\)\\| > 1`));
  // perp without rows from 12:00:20 to 12:00:40: its 10 s windows there hold no move of perp, so
  // the contrast is one number at every lag: no θ̂, ρ or LLR (before: θ̂ = 0, LLR 1).
  const [header, ...rows] = readFileSync(PERP, 'utf8').trimEnd().split('\n');
  const kept = rows.filter((r) => { const t = Number(r.split(',')[2]); return t < 1723118420e6 || t >= 1723118440e6; });
  const dir = tempFiles({ 'perp.csv': `${header}\n${kept.join('\n')}\n` });
  const g = await hy([SPOT, join(dir, 'perp.csv')], { bootstrap: 0, by: { kind: 'time', us: 10_000_000 } }) as { windows: { start_us: number; lag_us: number | null; llr: number | null }[] };
  const quiet = g.windows.filter((w) => w.start_us === 1723118420e6 || w.start_us === 1723118430e6);
  assert.equal(quiet.length, 2);
  for (const w of quiet) assert.deepEqual([w.lag_us, w.llr], [null, null]);
});

test('pair --by: a window leads in the shares only where its own sign test finds a lead; windows below 6 led pairs, or with led pairs in fewer than 6 blocks, have no call', async () => {
  // From each window's own JSON counts, p-value, led blocks and chance baseline, by pair's rule
  // (docs/time.md): below 6 led pairs, or with led pairs in fewer than 6 blocks whatever the p,
  // no call; p < 0.05 with the pairs clearing the chance baseline a lead; else neither.
  // Blocks of 1 s, so that a 10 s window can hold a lead.
  const j = await pair([SPOT, PERP], { by: { kind: 'time', us: 10e6 }, block: 1e6 }) as { windows: { native: Record<string, number> }[]; stability: { leads: { a: number; b: number; neither: number; n: number } } };
  const calls = j.windows.map((w) => {
    const [a, b] = [w.native.spot_leads_perp!, w.native.perp_leads_spot!];
    if (a + b < 6 || w.native.led_blocks! < 6) return null;
    const believable = aboveChance(w.native.paired_events!, w.native.chance_pairs_mean!, w.native.chance_pairs_max!);
    return w.native.leader_p_value! < 0.05 && believable && a !== b ? (a > b ? 'a' : 'b') : 'neither';
  });
  assert.ok(calls.includes('a') && calls.includes('neither'), `the fixtures have 10 s windows led by spot and led by neither: ${calls}`);
  // Blocks of 1 s nest in the 10 s windows, so the span's led blocks are the windows' summed.
  const sum = j.windows.reduce((s, w) => s + w.native.led_blocks!, 0);
  assert.equal((j as unknown as { native: { led_blocks: number } }).native.led_blocks, sum);
  // And windows whose lead the blocks withhold: 6 vs 0 (p = 2/64) over 5 blocks of 1 s, say.
  assert.ok(j.windows.some((w, i) => calls[i] === null && w.native.spot_leads_perp! + w.native.perp_leads_spot! >= 6 && w.native.leader_p_value! < 0.05), 'a lead withheld for its blocks');
  // And, alike, no lead over as few blocks (7 vs 1, p = 0.07, over 5): no call either, not neither.
  assert.ok(j.windows.some((w, i) => calls[i] === null && w.native.spot_leads_perp! + w.native.perp_leads_spot! >= 6 && w.native.leader_p_value! >= 0.05), 'a no-lead withheld for its blocks');
  const called = calls.filter((c) => c !== null);
  assert.ok(called.length > 0 && called.length < calls.length, 'the fixtures have 10 s windows with and without a call');
  const share = (x: string) => called.filter((c) => c === x).length / called.length;
  assert.deepEqual(j.stability.leads, { a: share('a'), b: share('b'), neither: share('neither'), n: called.length });
  // Each window's JSON says its call: a market's name, neither, or null.
  assert.deepEqual(j.windows.map((w) => (w as unknown as Json).call), calls.map((c) => (c === 'a' ? 'spot' : c === 'b' ? 'perp' : c)));
  // The window's lag (JSON lag_us, the table's last column) only where it has a leader, and of its sign.
  j.windows.forEach((w, i) => {
    const lag = (w.native as Record<string, number | null>).lag_us;
    if (calls[i] === 'a') assert.ok(lag! > 0);
    else if (calls[i] === 'b') assert.ok(lag! < 0);
    else assert.ok(lag === null || Number.isNaN(lag), `window ${i}: ${lag}`); // NaN, printed null
  });
});

test('pair --by: windows that cannot hold 6 blocks are said to be unable to name a leader', async () => {
  const warned = async (by: number, block = 10e6) => {
    const fc = fakeContext({ quiet: false });
    await runPair([SPOT, PERP], { ...PAIR, by: { kind: 'time', us: by }, block } as PairOptions, fc.ctx);
    return fc.stderr();
  };
  // Windows of 20 s on the absolute clock hold two blocks of 10 s each (the cut first one one or
  // two): no window can have led pairs in 6 blocks.
  assert.match(await warned(20e6), /no window of --by can name a leader: each touches at most 2 blocks of 10 s, and a lead needs its led pairs in 6/);
  // One minute holds 6 blocks of 10 s; 20 s holds 10 blocks of 2 s.
  assert.doesNotMatch(await warned(60e6), /no window of --by/);
  assert.doesNotMatch(await warned(20e6, 2e6), /no window of --by/);
});

test('xcorr --by: the spread of the lag counts only best lags on 10 co-moving steps that no single step carries', async () => {
  // From each window's own JSON: its best lag's n_effective and top_step_share decide whether the
  // lag counts (docs/time.md); the stability's lag_us.n and median follow from those alone.
  for (const us of [1e6, 5e6, 10e6]) {
    const j = await xcorr([SPOT, PERP], { lags: [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5], by: { kind: 'time', us } });
    const solid = (j.windows as Json[]).flatMap((w) => {
      if (w.best === null) return [];
      const row = (w.lags as Json[]).find((l) => l.lag === w.best.lag)!;
      return row.n_effective >= 10 && !(row.top_step_share !== null && row.top_step_share > 0.5) ? [w.best.lag_us as number] : [];
    });
    const lag = j.stability.lag_us as { n: number; median: number } | null;
    if (solid.length === 0) assert.equal(lag, null, `${us}`);
    else {
      assert.equal(lag!.n, solid.length, `${us}`);
      const sorted = solid.sort((a, b) => a - b);
      const m = sorted.length / 2;
      assert.equal(lag!.median, sorted.length % 2 ? sorted[Math.floor(m)] : (sorted[m - 1]! + sorted[m]!) / 2, `${us}`);
    }
  }
});

test('xcorr --by: a window row\'s N is the N of the lag it shows, the best one', async () => {
  const { ctx } = fakeContext();
  const out = renderXcorr(await runXcorr([SPOT, PERP], { ...XCORR, lags: [-3, -2, -1, 0, 1, 2, 3], by: { kind: 'time', us: 20e6 } } as XcorrOptions, ctx));
  const j = out.json as { windows: { start: string; best: { lag: number } | null; lags: { lag: number; n: number }[] }[] };
  const human = out.human({ c: new Chalk({ level: 0 }), colour: false });
  for (const w of j.windows) {
    if (w.best === null) continue;
    const n = w.lags.find((l) => l.lag === w.best!.lag)!.n;
    const label = w.start.replace('.000000Z', 'Z');
    assert.match(human, new RegExp(`│ ${label.replace(/[.]/g, '\\.')}(?: \\(cut: [^)]+\\))? +│ +${n} │ +${w.best.lag} │`), label);
  }
  // The fixtures run from 12:00:00.000644 to 12:01:19.999957 (perp's last tick): the first and
  // last 20 s windows are cut, and their rows say how long they are.
  assert.match(human, /│ 2024-08-08T12:00:00\.000644Z \(cut: 19\.999356 s\) +│/);
  assert.match(human, /│ 2024-08-08T12:01:00Z \(cut: 19\.999958 s\) +│/); // to the span's end + 1 µs
  assert.match(human, /│ 2024-08-08T12:00:20Z +│/);
});

test('pair --by: windows cut by --start/--end say their length too, not only those cut by the data', async () => {
  const { ctx } = fakeContext();
  // 12:00:10 … 12:01:05 over 20 s windows: [12:00:10, 12:00:20) is 10 s, [12:01:00, 12:01:05) 5 s.
  const start = Date.parse('2024-08-08T12:00:10Z') * 1000;
  const end = Date.parse('2024-08-08T12:01:05Z') * 1000;
  const out = renderPair(await runPair([SPOT, PERP], { ...PAIR, start, end, by: { kind: 'time', us: 20e6 } } as PairOptions, ctx));
  const human = out.human({ c: new Chalk({ level: 0 }), colour: false });
  assert.match(human, /│ 2024-08-08T12:00:10Z \(cut: 10 s\) +│/);
  assert.match(human, /│ 2024-08-08T12:00:20Z +│/);
  assert.match(human, /│ 2024-08-08T12:01:00Z \(cut: 5 s\) +│/);
});

type Leads = { a: number; b: number; neither: number; n: number };

/** A call as a window's JSON gives it: the leader's name, "neither", or null. */
function callName(c: 1 | -1 | 0 | null): string | null {
  return c === null ? null : c === 0 ? 'neither' : c > 0 ? 'spot' : 'perp';
}

/** The stability summary's shares from the windows' calls (null: no call, left out). */
function sharesOf(calls: readonly (1 | -1 | 0 | null)[]): Leads {
  const called = calls.filter((c) => c !== null);
  const share = (x: number) => (called.length === 0 ? 0 : called.filter((c) => c === x).length / called.length);
  return { a: share(1), b: share(-1), neither: share(0), n: called.length };
}

/** perp quoted inversely: 1/price, bid and ask swapped (the Tardis columns ask_price, bid_price). */
function inverted(path: string): string {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const flipped = rows.map((r) => {
    const c = r.split(',');
    [c[5], c[6]] = [String(1 / Number(c[6])), String(1 / Number(c[5]))];
    return c.join(',');
  });
  return `${header}\n${flipped.join('\n')}\n`;
}

test('xcorr --by: a window\'s call is the verdict of a run over the window alone', async () => {
  // A window's numbers are those of a run over --start/--end at its edges (docs/time.md, when the
  // edges fall on --block edges, as here). That run's verdict sentence gives the call: "A leads B"
  // a lead (the markets moving against each other too); "no significant …" and "correlated … but
  // no significant lead" neither; "untested …", "weak evidence …" (one event) and "no verdict …"
  // no call. A run whose options cannot test who leads (--bootstrap 0, lags on one side) calls
  // no window.
  const kinds = new Set<string>();
  const callOf = (verdict: string, canTest: boolean): 1 | -1 | 0 | null => {
    const kind = /^(spot leads perp|perp leads spot|no significant correlation|correlated \(r = .*\) but no significant lead|untested|weak evidence|no verdict|significant correlation|correlated, r = )/.exec(verdict)?.[1]?.replace(/\(r = .*/, '(r = …)');
    assert.ok(kind !== undefined, verdict);
    kinds.add(kind);
    if (!canTest) return null;
    if (kind === 'spot leads perp') return 1;
    if (kind === 'perp leads spot') return -1;
    return kind === 'no significant correlation' || kind.startsWith('correlated (r = ') ? 0 : null;
  };
  const inverse = join(tempFiles({ 'perp-inverse.csv': inverted(PERP) }), 'perp-inverse.csv');
  const mirrored = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5];
  const configs = [
    { us: 20e6, block: 10e6 },
    { us: 20e6, block: 5e6 },
    { us: 20e6, block: 1e6 },
    { us: 10e6, block: 1e6 },
    { us: 6e6, block: 1e6, grid: 10_000, lags: [-3, -2, -1, 0, 1, 2, 3] },
    { us: 20e6, block: 2e6, grid: 5000, lags: [-3, -2, -1, 0, 1, 2, 3] },
    { us: 20e6, block: 1e6, perp: inverse },
    { us: 20e6, block: 1e6, bootstrap: 0 },
    { us: 20e6, block: 1e6, lags: [0, 1, 2, 3, 4, 5] },
  ];
  const seen = new Set<string>();
  for (const o of configs) {
    const lags = o.lags ?? mirrored;
    const opts = { block: o.block, grid: o.grid ?? 1000, lags, bootstrap: o.bootstrap ?? 200 };
    const canTest = opts.bootstrap > 0 && lags.some((l) => l < 0);
    const files: [string, string] = [SPOT, o.perp ?? PERP];
    const j = await xcorr(files, { ...opts, by: { kind: 'time', us: o.us } });
    const calls: (1 | -1 | 0 | null)[] = [];
    for (const w of j.windows as Json[]) calls.push(callOf((await xcorr(files, { ...opts, start: w.start_us, end: w.end_us })).verdict, canTest));
    for (const c of calls) seen.add(String(c));
    assert.deepEqual(j.stability.leads, sharesOf(calls), JSON.stringify({ ...o, perp: o.perp === undefined ? undefined : 'inverse' }));
    // Each window's JSON says its call.
    assert.deepEqual((j.windows as Json[]).map((w) => w.call), calls.map(callName));
  }
  // The fixtures give every kind of call, and every verdict the rule reads but "perp leads spot"
  // and "no verdict" (the inverse perp: spot leading against it; 6 s windows of 10 ms steps:
  // peaks one step makes, and one whose interval includes 0).
  assert.ok(['null', '0', '1'].every((k) => seen.has(k)), [...seen].join());
  assert.deepEqual([...kinds].sort(), ['correlated (r = …)', 'correlated, r = ', 'no significant correlation', 'significant correlation', 'spot leads perp', 'untested', 'weak evidence']);
});

test('hy --by: a window leads in the shares only where its own sign-flip test rejects and θ̂\'s interval is clear of 0', async () => {
  // One block a window (--block 10s, --by 10s): the test cannot reject, so no window has a call
  // though every one has a θ̂ (before, each counted by θ̂'s sign).
  const one = await hy([SPOT, PERP], { by: { kind: 'time', us: 10e6 } });
  assert.ok((one.windows as Json[]).every((w) => w.lag_us !== null));
  assert.deepEqual(one.stability.leads, { a: 0, b: 0, neither: 0, n: 0 });
  // 20 blocks of 1 s a window, 200 replicates: p can fall to 1/201, so every window is tested;
  // from its JSON: p ≥ 0.05, θ̂ = 0 or an interval reaching 0 is neither, else θ̂'s sign.
  const j = await hy([SPOT, PERP], { by: { kind: 'time', us: 20e6 }, block: 1e6, bootstrap: 200 });
  const calls = (j.windows as Json[]).map((w) => {
    const ci = w.ci.lag_us as [number, number] | null;
    if (w.p_value >= 0.05 || w.lag_us === 0 || ci === null || (ci[0] <= 0 && ci[1] >= 0)) return 0;
    return Math.sign(w.lag_us) as 1 | -1;
  });
  assert.ok(calls.includes(0) && calls.includes(1), calls.join());
  assert.deepEqual(j.stability.leads, sharesOf(calls));
  assert.deepEqual((j.windows as Json[]).map((w) => w.call), calls.map(callName));
});

test('too many windows name the option that makes them: --by, or --window under --by vol', async () => {
  // The fixtures span 80 s: 80 000 windows of 1 ms are allowed (at most 100 000), 800 000 of 100 µs are not.
  const { UsageError } = await import('../src/errors.js');
  await assert.rejects(pair([SPOT, PERP], { by: { kind: 'time', us: 100 } }), (e: unknown) => e instanceof UsageError && /the span holds \d+ windows of --by \(at most 100000\); use a longer --by$/.test(e.message));
  await assert.rejects(pair([SPOT, PERP], { by: { kind: 'vol' }, window: 100 }), (e: unknown) => e instanceof UsageError && /the span holds \d+ windows of --window \(at most 100000\); use a longer --window$/.test(e.message));
});

test('hy --by: a window whose ρ is 1 up to rounding (identical markets) is no |ρ| > 1: kept in the R² trend, not warned of', async () => {
  const { beyondOne } = await import('../src/cli/hy-windows.js');
  // 1 + 2.2e-16 is a float's rounding of 1 (a hunt's identical files gave it at θ̂ = 0).
  assert.equal(beyondOne(1.0000000000000002), false);
  assert.equal(beyondOne(-1.0000000000000002), false);
  assert.equal(beyondOne(1.0001), true);
  assert.equal(beyondOne(null), false);
  // The spot fixture against itself in 10 s windows: those whose θ̂ = 0 have ρ = 1 but for
  // rounding (0.9999999999999996 … 1.0000000000000007); the others peak at ±500 µs with ρ
  // truly above 1 (filed by different interval ends). Only those are warned of and left out.
  const f = fakeContext({ quiet: false });
  const j = renderHy(await runHy([SPOT, SPOT], { ...HY, bootstrap: 0, by: { kind: 'time', us: 10_000_000 } }, f.ctx)).json as Json;
  const defined = (j.windows as Json[]).filter((w) => w.rho !== null);
  const atZero = defined.filter((w) => w.lag_us === 0);
  const above = defined.filter((w) => Math.abs(w.rho) > 1 + 1e-9);
  assert.ok(atZero.length >= 3 && atZero.every((w) => Math.abs(w.rho - 1) < 1e-12), JSON.stringify(atZero.map((w) => w.rho)));
  assert.ok(above.length > 0 && above.every((w) => w.lag_us !== 0));
  assert.equal(j.stability.trends.r2.n, defined.length - above.length);
  assert.match(f.stderr(), new RegExp(`${above.length} of ${(j.windows as Json[]).length} windows have \\|ρ\\(θ̂\\)\\| > 1`));
});
