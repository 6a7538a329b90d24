/**
 * End-to-end: `leadlag inspect`'s clock, tick-size and per-pair facts on constructed files whose
 * latencies, tick sizes, overlaps, grid moves and jumps are known by construction; the reader
 * options; tables that fit the terminal; and the real Binance data when it is there. Command
 * lines run in this process (leadlagInProcess).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES, ROOT, leadlag, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';

type Json = Record<string, unknown>;

async function inspectJson(args: string[]): Promise<Json[]> {
  const r = await leadlagInProcess(['inspect', ...args, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Json[];
}

/** Type 7 quantile of sorted values, written out here. */
function type7(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[lo + 1] ?? sorted[lo]!) - sorted[lo]!);
}

const T0 = 1723118400000000; // 2024-08-08T12:00:00Z in µs
/** Receipt − exchange latency of each row (µs): one equal stamp, one negative. */
const LATENCIES = [500, 800, 0, 1200, -300, 700, 2600, 900, 650, 4000];
/**
 * Tardis quotes, rows 10 ms apart on the exchange clock (T0 + 0, 10 000, …, 80 000 µs) and a
 * last row at T0 + 25 000; local_timestamp = timestamp + latency. Receipt times (− T0): 500,
 * 10 800, 20 000, 31 200, 39 700, 50 700, 62 600, 70 900, 80 650, 29 000. So each clock goes back
 * once on its own, at the last row (25 000 < 80 000; 29 000 < 80 650). Bid and ask on a 0.5 grid.
 */
function tardisQuotes(): string {
  const lines = ['exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount'];
  const bids = [100, 100, 100.5, 100.5, 101, 101, 101, 100.5, 100.5, 100];
  LATENCIES.forEach((lat, i) => {
    const ts = T0 + (i === 9 ? 25_000 : i * 10_000);
    lines.push(`binance,BTCUSDT,${ts},${ts + lat},1,${bids[i]! + 0.5},${bids[i]},1`);
  });
  return lines.join('\n') + '\n';
}

test('inspect: latency of a Tardis file with known latencies, on either clock', async () => {
  const dir = tempFiles({ 'q.csv': tardisQuotes() });
  const f = join(dir, 'q.csv');
  // Unequal latencies sorted: −300 500 650 700 800 900 1200 2600 4000 (n = 9).
  const sorted = LATENCIES.filter((l) => l !== 0).sort((a, b) => a - b);
  const expected = {
    second_clock: 'local_timestamp',
    clock_rows: 10,
    equal_stamps_share: 0.1,
    negative_latency_share: 0.1,
    latency_median_us: type7(sorted, 0.5), // 800
    latency_p1_us: type7(sorted, 0.01),
    latency_p99_us: type7(sorted, 0.99),
    latency_max_us: 4000,
    exchange_clock_out_of_order_rows: 1,
    receipt_clock_out_of_order_rows: 1,
  };
  const keys = Object.keys(expected);
  const [byExchange] = await inspectJson([f]);
  assert.equal(byExchange!.clock, 'exchange');
  assert.deepEqual(Object.fromEntries(keys.map((k) => [k, byExchange![k]])), expected);
  // Read on the local clock, the time column swaps with the second clock; the facts do not change.
  const [byLocal] = await inspectJson([f, '--clock', 'local']);
  assert.equal(byLocal!.clock, 'receipt');
  assert.deepEqual(Object.fromEntries(keys.map((k) => [k, byLocal![k]])), { ...expected, second_clock: 'timestamp' });
  // Warnings: the exchange and receipt clocks go back, a receipt time before its exchange time;
  // spread p99 − p1 ≈ 3.9 ms ≥ D/2 = 2.5 ms.
  const warnings = byExchange!.clock_warnings as string[];
  assert.ok(warnings.some((w) => /latency spread p99 − p1 = .* at least half the pair window \(5 ms\)/.test(w)), warnings.join('\n'));
  assert.ok(warnings.some((w) => /1 rows have a receipt time before the exchange time/.test(w)));
  // With a pair window of 20 ms the spread no longer matters.
  const [wide] = await inspectJson([f, '--pair-window', '20ms']);
  assert.ok(!(wide!.clock_warnings as string[]).some((w) => /latency spread/.test(w)));
});

test('inspect: tick size, one-tick moves and θ in ticks of a file on a 0.5 grid', async () => {
  const dir = tempFiles({ 'q.csv': tardisQuotes() });
  const [q] = await inspectJson([join(dir, 'q.csv'), '--threshold', '1%']);
  // Bids 100 100 100.5 100.5 101 101 101 100.5 100.5 100, asks bid + 0.5: every side step is 0.5.
  // Mids 100.25 100.25 100.75 100.75 101.25 101.25 101.25 100.75 100.75 100.25; the last row (at
  // 25 ms, after one at 80 ms) goes back in time and is no usable row: 3 changes among the
  // first nine, each 0.5.
  // θ = 1 % of the mid-range price (100.25 + 101.25) / 2 = 100.75 is 1.0075 = 2.015 ticks.
  assert.deepEqual({ tick: q!.tick_size, changes: q!.mid_changes, one: q!.one_tick_share }, { tick: 0.5, changes: 3, one: 1 });
  // Under --sort the last row is usable, at its time: mids in time order (0, 10, 20, 25, 30, …,
  // 80 ms) 100.25 100.25 100.75 100.25 100.75 101.25 101.25 101.25 100.75 100.75: 5 changes
  // (at 20, 25, 30, 40 and 70 ms). In file order they would be 4.
  const [sorted] = await inspectJson([join(dir, 'q.csv'), '--threshold', '1%', '--sort']);
  assert.deepEqual({ changes: sorted!.mid_changes, usable: sorted!.usable_rows }, { changes: 5, usable: 10 });
  assert.ok(Math.abs((q!.threshold_ticks as number) - 2.015) < 1e-12);
});

test('inspect: Binance bookTicker: event_time − transaction_time in ms', async () => {
  // Latencies 3, 1, 0, 5 ms. Binance stamps are whole ms, so an equal pair is a latency under
  // 1 ms and stays in: sorted 0 1000 3000 5000 → median 2000, max 5000; equal 1 of 4.
  const rows = [[1723118400000, 3], [1723118400010, 1], [1723118400020, 0], [1723118400030, 5]]
    .map(([t, l], i) => `${i + 1},100.1,1,100.2,1,${t},${t! + l!}`);
  const dir = tempFiles({ 'b.csv': ['update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time', ...rows].join('\n') + '\n' });
  const [b] = await inspectJson([join(dir, 'b.csv')]);
  assert.deepEqual(
    { clock: b!.clock, second: b!.second_clock, median: b!.latency_median_us, max: b!.latency_max_us, equal: b!.equal_stamps_share, tick: b!.tick_size },
    { clock: 'exchange', second: 'event_time', median: 2000, max: 5000, equal: 0.25, tick: null },
  );
});

/**
 * Two price-only quote files (µs):
 *   a: t = 1000·k, k = 0..100, price 100 + 0.01·k, plus 1 from k = 70 (a 1 % jump at 70 000)
 *   b: t = 50 000 + 1000·j, j = 0..100, price 200 + 0.01·⌊j/2⌋, plus 2 from j = 30 (1 % at 80 000)
 * Overlap [50 000, 100 000]: 50 ms, grid points n = 50..100 → 50 steps (n = 51..100).
 * a moves at every step → 0 zero returns; b moves where j = n − 50 is even (j = 2 … 50) → 25
 * steps, 25 zero; both move 25 (0.5). At θ = 0.5 %, W = 3 ms: one jump each, both in the overlap
 * (a's +1 at 70 000; b's +2 at 80 000; the 0.01 steps are 1 bp or less per tick, 3 bp per W).
 * Ticks 0.01: θ in ticks = 0.005 × mid-range / 0.01 = (100 + 102) / 2 / 2 = 50.5 and
 * (200 + 202.5) / 2 / 2 = 100.625.
 */
function pairFiles(): [string, string] {
  const a = ['ts_us,price', ...Array.from({ length: 101 }, (_, k) => `${1000 * k},${(100 + 0.01 * k + (k >= 70 ? 1 : 0)).toFixed(2)}`)];
  const b = ['ts_us,price', ...Array.from({ length: 101 }, (_, j) => `${50000 + 1000 * j},${(200 + 0.01 * Math.floor(j / 2) + (j >= 30 ? 2 : 0)).toFixed(2)}`)];
  const dir = tempFiles({ 'a.csv': a.join('\n') + '\n', 'b.csv': b.join('\n') + '\n' });
  return [join(dir, 'a.csv'), join(dir, 'b.csv')];
}

test('inspect A B: overlap, zero-return steps, both-move steps, jumps and θ in ticks by construction', async () => {
  const [a, b] = pairFiles();
  const out = await inspectJson([a, b, '--threshold', '0.5%']);
  assert.equal(out.length, 3);
  const p = out[2]!;
  assert.deepEqual(
    Object.fromEntries(['kind', 'files', 'names', 'overlap_start_us', 'overlap_end_us', 'overlap_us', 'grid_us', 'grid_steps', 'zero_return_share_a', 'zero_return_share_b', 'both_move_steps', 'both_move_share', 'threshold', 'jumps_a', 'jumps_b', 'clock_a', 'clock_b', 'clock_offset_us'].map((k) => [k, p[k]])),
    {
      kind: 'pair', files: [a, b], names: ['spot', 'perp'], overlap_start_us: 50000, overlap_end_us: 100000, overlap_us: 50000, grid_us: 1000, grid_steps: 50,
      zero_return_share_a: 0, zero_return_share_b: 0.5, both_move_steps: 25, both_move_share: 0.5, threshold: 0.005, jumps_a: 1, jumps_b: 1,
      clock_a: 'unknown', clock_b: 'unknown', clock_offset_us: null,
    },
  );
  assert.ok(Math.abs((p.threshold_ticks_a as number) - 50.5) < 1e-9);
  assert.ok(Math.abs((p.threshold_ticks_b as number) - 100.625) < 1e-9);
  // 1 jump < 30: lower the threshold; 25 steps < 100: prefer hy.
  assert.deepEqual(p.assessment, {
    pair: { ok: false, text: 'pair: 1 spot jump at θ = 0.5 % — lower the threshold' },
    xcorr: { ok: false, text: 'xcorr: only 50 % of 1 ms steps move in both markets (25 steps) — prefer hy' },
    // In the overlap both files tick at every ms (50 000 … 100 000), so each interior tick of one
    // has a tick of the other strictly between its neighbours (at its own time): none is nonextant.
    hy: { ok: true, text: "hy: nonextant ticks: 0 % of spot's, 0 % of perp's — the native ticks interleave; hy uses them without a grid" },
  });
  assert.deepEqual([p.nonextant_share_a, p.nonextant_share_b], [0, 0]);
  assert.match((p.alignment as { text: string }).text, /neither file says/);
  // xcorr at lag 0 counts the same steps: n and n_effective.
  const x = await leadlagInProcess(['xcorr', a, b, '--lags', '0', '--bootstrap', '0', '--format', 'json']);
  const lag0 = (JSON.parse(x.stdout) as { lags: Array<{ n: number; n_effective: number }> }).lags[0]!;
  assert.deepEqual([lag0.n, lag0.n_effective], [50, 25]);
  // A 2 ms grid: points 25..50, 25 steps; a moves at each; b's value at 2000·n changes every step
  // (two ticks per step, one of which moves): zero returns 0 for both, both move 25.
  const [, , g] = await inspectJson([a, b, '--threshold', '0.5%', '--grid', '2ms']);
  assert.deepEqual([g!.grid_steps, g!.zero_return_share_b, g!.both_move_steps], [25, 0, 25]);
});

test('inspect A B: the human output ends with the verdicts; --names labels the rows', async () => {
  const [a, b] = pairFiles();
  const r = await leadlagInProcess(['inspect', a, b, '--threshold', '0.5%', '--names', 'x,y']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Pair: x = .*a\.csv\n {6}y = .*b\.csv/);
  assert.match(r.stdout, /zero returns \(y\) +│ +50 %/);
  assert.match(r.stdout, /pair: 1 x jump at θ = 0\.5 % — lower the threshold\nxcorr: only 50 % of 1 ms steps/);
});

test('inspect: a Tardis file on local time against a Binance file on exchange time is called out', async () => {
  // The Tardis file read with --clock local is on receipt time (median latency 800 µs); a
  // bookTicker dump without event_time stays on exchange time (transaction_time): the Tardis
  // market's times run 800 µs late.
  const rows = (withEvent: boolean) => [
    `update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time${withEvent ? ',event_time' : ''}`,
    ...Array.from({ length: 10 }, (_, i) => `${i},100,1,100.5,1,${T0 / 1000 + 10 * i}${withEvent ? `,${T0 / 1000 + 10 * i + 2}` : ''}`),
  ];
  const dir = tempFiles({ 'q.csv': tardisQuotes(), 'b.csv': rows(false).join('\n') + '\n', 'e.csv': rows(true).join('\n') + '\n' });
  const out = await inspectJson([join(dir, 'q.csv'), join(dir, 'b.csv'), '--clock', 'local']);
  const p = out[2]!;
  assert.deepEqual([p.clock_a, p.clock_b, p.clock_offset_us], ['receipt', 'exchange', -800]);
  assert.equal((p.alignment as { ok: boolean }).ok, false);
  assert.match((p.alignment as { text: string }).text, /spot is on receipt time and perp on exchange time: spot's times are late by its feed latency \(median 0\.8 ms\)/);
  // With event_time (2 ms after transaction_time) --clock local reads it: two receipt clocks,
  // perp's 2 ms − 0.8 ms = 1.2 ms later than spot's.
  const both = (await inspectJson([join(dir, 'q.csv'), join(dir, 'e.csv'), '--clock', 'local']))[2]!;
  assert.deepEqual([both.clock_a, both.clock_b, both.clock_offset_us], ['receipt', 'receipt', 1200]);
});

test('inspect --pair: two quote files only, never standard input or a pipe; a pair is only formed of quotes', { timeout: 60_000 }, async () => {
  const [a, b] = pairFiles();
  const trades = join(FIXTURES, 'tardis', 'spot_trades.csv');
  for (const [args, message] of [
    [[a, '--pair'], /--pair needs exactly two quote files, got 1/],
    [[a, b, trades, '--pair'], /got 3/],
    [[a, '-', '--pair'], /cannot take - \(standard input\)/],
    [[a, trades, '--pair'], /--pair needs exactly two quote files, one per market; got 1 quote file and 1 trade file/],
  ] as const) {
    const r = await leadlagInProcess(['inspect', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
  // Two quote files and a trade file: the quotes are paired without --pair.
  const out = await inspectJson([a, trades, b]);
  assert.deepEqual(out.map((o) => o.kind), ['quotes', 'trades', 'quotes', 'pair']);
  // Three quote files: no pair.
  assert.equal((await inspectJson([a, b, a])).length, 3);
  // A pipe (here a FIFO whose writer has gone after one read) cannot be read a second time:
  // without --pair the two files are reported and not paired, with a warning (it waited for ever
  // before); with --pair it is a usage error.
  const fifoDir = tempFiles({});
  const fifo = join(fifoDir, 'spot.fifo');
  execFileSync('mkfifo', [fifo]);
  const writer = spawn('sh', ['-c', `cat "${a}" > "${fifo}"`]);
  const viaFifo = await leadlag(['inspect', fifo, b, '--format', 'json']);
  writer.kill();
  assert.equal(viaFifo.code, 0, viaFifo.stderr);
  assert.match(viaFifo.stderr, /the two quote files are not paired: .*spot\.fifo can be read only once/);
  assert.deepEqual((JSON.parse(viaFifo.stdout) as { kind: string }[]).map((o) => o.kind), ['quotes', 'quotes']);
  const pairFifo = await leadlagInProcess(['inspect', fifo, b, '--pair']);
  assert.equal(pairFifo.code, 2);
  assert.match(pairFifo.stderr, /--pair reads each file twice, so it cannot take .*spot\.fifo, which can be read only once \(a pipe or a device\)/);
  // Directories of files read again like files: two of them still pair (with --pair too).
  const dirs = tempFiles({});
  for (const [d, f] of [['a', a], ['b', b]] as const) {
    mkdirSync(join(dirs, d));
    writeFileSync(join(dirs, d, 'quotes.csv'), readFileSync(f));
  }
  const byDir = await inspectJson([join(dirs, 'a'), join(dirs, 'b'), '--pair']);
  assert.deepEqual(byDir.map((o) => o.kind), ['quotes', 'quotes', 'pair']);
  // A trade file on standard input does not keep two quote paths from pairing.
  const tradeOnStdin = await leadlag(['inspect', a, b, '-', '--format', 'json'], { input: readFileSync(trades) });
  assert.equal(tradeOnStdin.code, 0, tradeOnStdin.stderr);
  assert.deepEqual((JSON.parse(tradeOnStdin.stdout) as { kind: string }[]).map((o) => o.kind), ['quotes', 'quotes', 'trades', 'pair']);
  // A quote file without a usable row is reported, and there is nothing to pair.
  const bad = join(tempFiles({ 'bad.csv': 'ts_us,bid,ask\n1000,102,101\n2000,0,1\n' }), 'bad.csv');
  const withBad = await inspectJson([a, bad]);
  assert.deepEqual(withBad.map((o) => [o.kind, o.usable_rows]), [['quotes', 101], ['quotes', 0]]);
});

test('inspect takes every reader option: --sort orders the timeline, --skip-bad-rows changes nothing', async () => {
  // ts_us,price: 1000, 3000, 2000 (out of order), 4000. Without --sort the row at 2000 is left
  // out: ticks 3, gaps 2000, 1000. With --sort all 4 rows in time order: ticks 4, gaps 1000 ×3.
  const dir = tempFiles({ 'p.csv': 'ts_us,price\n1000,5\n3000,6\n2000,7\n4000,8\n' });
  const f = join(dir, 'p.csv');
  const [plain] = await inspectJson([f]);
  const [sorted] = await inspectJson([f, '--sort']);
  const [skip] = await inspectJson([f, '--skip-bad-rows']);
  assert.deepEqual([plain!.ticks, plain!.gap_median_us, plain!.out_of_order_rows], [3, 1500, 1]);
  assert.deepEqual([sorted!.ticks, sorted!.gap_median_us, sorted!.gap_p99_us, sorted!.out_of_order_rows], [4, 1000, 1000, 1]);
  assert.deepEqual(sorted!.problems, {});
  assert.deepEqual(skip, plain);
});

test('inspect tables fit the terminal: short names, then no meaning column, then groups of files', async () => {
  const [a, b] = pairFiles();
  const q = join(FIXTURES, 'tardis', 'spot_quotes.csv');
  const files = [a, q, b, join(FIXTURES, 'exchange', 'spot_trades.csv')];
  const wide = await leadlagInProcess(['inspect', ...files]);
  assert.ok(wide.stdout.includes(`│ ${a} │`) || wide.stdout.includes(` ${a} `), 'full paths when not on a terminal');
  for (const columns of [160, 100, 60]) {
    const r = await leadlagInProcess(['inspect', ...files], { env: { COLUMNS: String(columns) } });
    assert.equal(r.code, 0, r.stderr);
    const tableLines = r.stdout.split('\n').filter((l) => /^[│┌├└]/.test(l));
    const longest = Math.max(...tableLines.map((l) => [...l].length));
    assert.ok(longest <= columns, `${columns}: a table line is ${longest} wide`);
    assert.match(r.stdout, /│ +a\.csv │/); // the short name in a header
    assert.match(r.stdout, new RegExp(`a\\.csv = ${a.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)); // and its legend
  }
  const narrow = await leadlagInProcess(['inspect', ...files], { env: { COLUMNS: '60' } });
  assert.doesNotMatch(narrow.stdout, /│ meaning/);
});

/** The real Binance recordings beside the repository (../shared/data), or where the reader's tests find them. */
const REAL = [join(ROOT, '..', 'shared', 'data', 'binance-btcusdt-20240808'), '/work/shared/data/binance-btcusdt-20240808'].find((d) => existsSync(d)) ?? '';

test('inspect on the real Binance data: ticks, one clock, xcorr starved at 1 ms, pair counts as pair finds them', { skip: REAL !== '' ? false : 'no ../shared/data' }, async () => {
  const spot = join(REAL, 'spot_quotes.csv.gz');
  const perp = join(REAL, 'perp_quotes.csv.gz');
  const out = await inspectJson([spot, perp, '--threshold', '1bp']);
  const [s, pp, p] = out as [Json, Json, Json];
  // Spot BTCUSDT quotes in cents, the USD-M perpetual in dimes (see the data's README).
  assert.deepEqual([s.tick_size, pp.tick_size], [0.01, 0.1]);
  // One recorder clock written as ISO times: nothing says which clock it is.
  assert.deepEqual([s.clock, s.second_clock, p.clock_a, p.clock_b], ['unknown', null, 'unknown', 'unknown']);
  assert.equal((p.assessment as Record<string, { ok: boolean }>).xcorr!.ok, false);
  assert.ok((p.both_move_share as number) < 0.01);
  // The jump counts are pair's own (same files, same options).
  const pair = await leadlagInProcess(['pair', spot, perp, '--threshold', '1bp', '--format', 'json']);
  const table = JSON.parse(pair.stdout) as { native: Record<string, number>; locf: Record<string, number> };
  assert.deepEqual([p.jumps_a, p.jumps_b, p.grid_jumps_a, p.grid_jumps_b], [table.native.total_spot_jumps, table.native.total_perp_jumps, table.locf.total_spot_jumps, table.locf.total_perp_jumps]);
  // The overlap is the span pair reports.
  assert.equal(p.overlap_start_us, (JSON.parse(pair.stdout) as { span: { start_us: number } }).span.start_us);
  // The steps where both move are xcorr's effective sample at lag 0, over the same grid returns.
  const xcorr = await leadlagInProcess(['xcorr', spot, perp, '--lags', '0', '--bootstrap', '0', '--format', 'json']);
  const lag0 = (JSON.parse(xcorr.stdout) as { lags: Array<{ n: number; n_effective: number }> }).lags[0]!;
  assert.deepEqual([p.grid_steps, p.both_move_steps], [lag0.n, lag0.n_effective]);
});

test('inspect A B: chance pairs are pair\'s and nonextant shares are hy\'s (computed by those commands on the same files)', async () => {
  const spot = join(FIXTURES, 'tardis', 'spot_quotes.csv');
  const perp = join(FIXTURES, 'tardis', 'perp_quotes.csv');
  const [, , p] = (await inspectJson([spot, perp])) as [Json, Json, Json];
  const pair = await leadlagInProcess(['pair', spot, perp, '--bootstrap', '0', '--format', 'json', '-q']);
  assert.equal(pair.code, 0, pair.stderr);
  const native = (JSON.parse(pair.stdout) as { native: Record<string, number> }).native;
  assert.deepEqual([p.chance_pairs_mean, p.chance_pairs_max], [native.chance_pairs_mean, native.chance_pairs_max]);
  const hy = await leadlagInProcess(['hy', spot, perp, '--bootstrap', '0', '--format', 'json', '-q']);
  assert.equal(hy.code, 0, hy.stderr);
  const h = JSON.parse(hy.stdout) as Record<string, number>;
  assert.deepEqual([p.nonextant_share_a, p.nonextant_share_b], [h.nonextant_share_a, h.nonextant_share_b]);
  assert.equal((p.assessment as Record<string, { ok: boolean }>).hy!.ok, true);
});

test('inspect pairs two quote files only when they come from two arguments: one argument\'s files (a glob, a folder) are one market\'s series', async () => {
  // The Tardis spot fixture cut in two by time: two files of one market.
  const [header, ...lines] = readFileSync(join(FIXTURES, 'tardis', 'spot_quotes.csv'), 'utf8').trimEnd().split('\n');
  const half = Math.floor(lines.length / 2);
  const dir = tempFiles({ 'spot-1.csv': [header, ...lines.slice(0, half)].join('\n') + '\n', 'spot-2.csv': [header, ...lines.slice(half)].join('\n') + '\n' });
  const series = await inspectJson([join(dir, 'spot-*.csv')]);
  assert.deepEqual(series.map((e) => e.kind), ['quotes', 'quotes'], 'two files, no pair entry');
  const two = await inspectJson([join(dir, 'spot-1.csv'), join(dir, 'spot-2.csv')]);
  assert.equal(two.at(-1)!.kind, 'pair', 'two arguments are two markets, as the analyses take them');
  const forced = await leadlagInProcess(['inspect', join(dir, 'spot-*.csv'), join(FIXTURES, 'tardis', 'spot_trades.csv'), '--pair']);
  assert.equal(forced.code, 2);
  assert.match(forced.stderr, /--pair needs one quote file for each market; .*spot-1\.csv and .*spot-2\.csv are both of the argument/);
});
