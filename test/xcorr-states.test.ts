/**
 * xcorr --state and leadlag merge (docs/scale.md): states over ranges of whole blocks, cut
 * inside bursts and inside a lag's reach (between the two returns of a lagged pair), merge into
 * exactly what one run over all the data prints — byte for byte in every --format, bootstrap
 * intervals included. The merge refuses states with other parameters and cuts where a market is
 * quiet for longer than the read margin; `xcorr --state` refuses a range off the block edges.
 *
 * The single run is the independent computation: it reads all the data in one pass, while each
 * state reads its range plus a margin and the merge joins the states' rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFiles } from './cli-helpers.js';
import { fakeContext } from './context-helpers.js';
import { XCORR } from './time-helpers.js';
import { renderXcorr, runXcorr, type XcorrOptions } from '../src/cli/commands/xcorr.js';
import { runXcorrState } from '../src/cli/xcorr-state.js';
import { runMerge } from '../src/cli/commands/merge.js';
import { DataError, UsageError } from '../src/errors.js';
import { makeStyle, renderOutput, type Output } from '../src/io/output.js';
import { FIXTURE_SHAPE, writeDataset } from '../scripts/gen-data.js';
import { XcorrAnalysis } from '../src/core/xcorr-analysis.js';
import { CellTableTooLarge } from '../src/core/xcorr-cells.js';
import { ALL_TIME, type TimeRange } from '../src/core/parts.js';
import type { TickBatch } from '../src/core/types.js';
import { mulberry32 } from './prng.js';

const T0 = 1723118400e6; // 2024-08-08T12:00:00Z
const MS = 1000;
const S = 1_000_000;
const HEADER = 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount';
const OPTS: XcorrOptions = { ...XCORR, bootstrap: 40, block: 2 * S };
const FORMATS = ['json', 'csv', 'tsv', 'table'] as const;
const quiet = () => fakeContext({ quiet: true }).ctx;

function csv(rows: readonly (readonly [number, number])[]): string {
  return `${HEADER}\n${rows.map(([t, mid]) => `binance,BTCUSDT,${T0 + t},${T0 + t},1,${(mid + 0.01).toFixed(2)},${(mid - 0.01).toFixed(2)},1`).join('\n')}\n`;
}

/**
 * 20 s: A ticks at +1 ms of every 10 ms, B at +7 ms, each at a level that wanders by a fixed
 * pattern; just before 10 s A moves +30 at 9.9985 s (grid point 9.999 s) and B follows +30 at
 * 10.0005 s (grid point 10.001 s): a pair 2 grid steps apart whose returns lie on both sides of
 * the cut at 10 s. `quietB` leaves B without ticks between 5 s and 15 s (longer than the read
 * margin).
 */
function scenario(quietB = false, quiet: readonly [number, number] = [5 * S, 15 * S]): string[] {
  const a: [number, number][] = [];
  const b: [number, number][] = [];
  for (let i = 0; i < 2000; i++) {
    const t = i * 10 * MS;
    a.push([t + 1 * MS, 60000 + ((i * 37) % 11) - 5 + (t + MS >= 10 * S ? 30 : 0)]);
    if (!(quietB && t >= quiet[0] && t < quiet[1])) b.push([t + 7 * MS, 60000 + ((i * 53) % 7) - 3 + (t + 7 * MS >= 10 * S + 500 ? 30 : 0)]);
    if (i === 999) a.push([10 * S - 1500, 60030]);
    if (i === 1000 && !quietB) b.push([10 * S + 500, 60030]);
  }
  a.sort((x, y) => x[0] - y[0]);
  b.sort((x, y) => x[0] - y[0]);
  const dir = tempFiles({ 'a.csv': csv(a), 'b.csv': csv(b) });
  return [join(dir, 'a.csv'), join(dir, 'b.csv'), dir];
}

/** One state per range between the cuts (absolute µs), the first and last open-ended. */
async function states(files: readonly [string, string], dir: string, cuts: readonly number[], o: Partial<XcorrOptions> = {}, tag = 's'): Promise<string[]> {
  const edges = [undefined, ...cuts, undefined];
  const out: string[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const state = join(dir, `${tag}${i}.state`);
    await runXcorrState(files, { ...OPTS, ...o, start: edges[i], end: edges[i + 1], state }, quiet());
    out.push(state);
  }
  return out;
}

/** The text of every --format, as the CLI writes it (no colour). */
async function texts(out: Output): Promise<string[]> {
  return Promise.all(FORMATS.map(async (f) => renderOutput(out, f, await makeStyle(false))));
}

/**
 * The one run and the merge of states cut at `cuts` print the same bytes in every format.
 * Returns the one run's JSON (for checks that the comparison is not vacuous).
 */
async function assertMergeExact(files: readonly [string, string], dir: string, cuts: readonly number[], o: Partial<XcorrOptions>, what: string): Promise<XcorrJson> {
  const single = renderXcorr(await runXcorr(files, { ...OPTS, ...o }, quiet()));
  const parts = await states(files, dir, cuts, o, `m${cuts.length}-${o.bootstrap ?? OPTS.bootstrap}-`);
  const merged = runMerge(parts, { format: 'json', quiet: true }, quiet());
  const [want, got] = [await texts(single), await texts(merged)];
  FORMATS.forEach((f, i) => assert.equal(got[i], want[i], `${what}, ${cuts.length + 1} states, --format ${f}`));
  return single.json as XcorrJson;
}

interface XcorrJson {
  lags: { lag: number; n: number; n_effective: number; r: number | null; ci_low: number | null }[];
  bootstrap: { blocks: number } | null;
}

for (const bootstrap of [0, 40]) {
  test(`xcorr states cut inside a lag's reach merge into the one run, byte for byte (bootstrap ${bootstrap})`, async () => {
    const [a, b, dir] = scenario();
    const files = [a!, b!] as const;
    // 10 s splits the lag +2 pair (9.999 s, 10.001 s); 16 s is another block edge.
    for (const cuts of [[10 * S], [10 * S, 16 * S], [2 * S, 10 * S, 16 * S]]) {
      const json = await assertMergeExact(files, dir!, cuts.map((c) => T0 + c), { bootstrap }, 'hand-made scenario');
      assert.ok(json.lags.every((l) => l.n > 19_000 && l.r !== null));
      if (bootstrap > 0) assert.equal(json.bootstrap!.blocks, 10); // 20 s of 2 s blocks
    }
  });
}

/** The exchange timestamps (column 3, µs) of a Tardis quote file. */
function tardisTimes(path: string): number[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
}

/**
 * Cuts on block edges (multiples of `blockUs`) just after a burst of A (several rows at one
 * timestamp) where A ticks within `reachUs` before the cut and B within `reachUs` after it: the
 * lagged pairs of the burst straddle the cut. `count` of them, spread over the data.
 */
function burstCuts(spot: string, perp: string, blockUs: number, reachUs: number, count: number): number[] {
  const a = tardisTimes(spot);
  const b = tardisTimes(perp);
  const found: number[] = [];
  for (let i = 1; i < a.length; i++) {
    if (a[i] !== a[i - 1]) continue;
    const cut = (Math.floor(a[i]! / blockUs) + 1) * blockUs;
    if (cut - a[i]! < reachUs && b.some((t) => t >= cut && t < cut + reachUs) && found[found.length - 1] !== cut) found.push(cut);
  }
  assert.ok(found.length >= 2 * count, `only ${found.length} bursts at a cut`);
  const step = Math.floor(found.length / (count + 1));
  return Array.from({ length: count }, (_, k) => found[(k + 1) * step]!);
}

test('xcorr states of the Tardis fixture cut inside bursts merge into the one run, byte for byte (2–4 states, bootstrap on and off)', async () => {
  const spot = 'fixtures/tardis/spot_quotes.csv';
  const perp = 'fixtures/tardis/perp_quotes.csv';
  const dir = tempFiles({});
  const block = 20 * MS;
  const lags = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5];
  for (const count of [1, 2, 3]) {
    const cuts = burstCuts(spot, perp, block, 5 * MS, count);
    for (const bootstrap of [0, 40]) {
      const json = await assertMergeExact([spot, perp], dir, cuts, { lags, block, bootstrap }, `tardis fixture cut at ${cuts.join(', ')}`);
      assert.ok(json.lags.some((l) => l.lag > 0 && l.r! > 0.1), 'the fixture\'s lead shows');
    }
  }
});

test('xcorr states of the Binance fixture (millisecond layout) merge into the one run, byte for byte', async () => {
  const files = ['fixtures/binance/spot_quotes.csv', 'fixtures/binance/perp_quotes.csv'] as const;
  const dir = tempFiles({});
  for (const cuts of [[T0 + 7 * S], [T0 + 3 * S, T0 + 9 * S + 500 * MS, T0 + 14 * S]]) {
    await assertMergeExact(files, dir, cuts, { block: 500 * MS, bootstrap: 40 }, 'binance fixture');
  }
});

test('xcorr states of generated data cut at random block edges merge into the one run, byte for byte', async () => {
  for (const seed of [7, 8]) {
    const dir = tempFiles({});
    writeDataset(dir, { seed, seconds: 40, startUs: T0, format: 'tardis', shape: FIXTURE_SHAPE });
    const files = [join(dir, 'spot_quotes.csv'), join(dir, 'perp_quotes.csv')] as const;
    // Cuts on 10 ms edges at pseudo-random places (a fixed LCG of the seed), 1 to 3 of them.
    let x = seed * 7919;
    const next = () => (x = (x * 48271) % 2147483647);
    const block = 10 * MS;
    for (const count of [1, 3]) {
      const cuts = Array.from({ length: count }, () => T0 + (next() % 4000) * block).sort((p, q) => p - q);
      if (new Set(cuts).size < cuts.length) continue;
      for (const bootstrap of [0, 30]) await assertMergeExact(files, dir, cuts, { lags: [-8, -3, -2, -1, 0, 1, 2, 3, 8], block, bootstrap }, `seed ${seed}, cuts ${cuts.join(', ')}`);
    }
  }
});

const REAL = '/work/shared/data/binance-btcusdt-20240808'; // 2024-08-08 23:54:14 to 24:00:00

test('xcorr states of six minutes of real Binance quotes merge into the one run, byte for byte', { skip: existsSync(REAL) ? false : `${REAL} is not present` }, async () => {
  const files = [join(REAL, 'spot_quotes.csv.gz'), join(REAL, 'perp_quotes.csv.gz')] as const;
  const dir = tempFiles({});
  const json = await assertMergeExact(files, dir, [1723161360e6, 1723161480e6], { lags: Array.from({ length: 41 }, (_, i) => i - 20), block: 10 * S, bootstrap: 200, clock: 'exchange' }, 'real data');
  assert.ok(json.lags.every((l) => l.n > 300_000));
});

test('a --by run, a run without the bootstrap and a plain run print the same Table 2', async () => {
  // Table 2 is folded over the blocks whatever --by and --bootstrap say (xcorr-analysis.ts).
  const [a, b] = scenario();
  const files = [a!, b!] as const;
  const plain = (renderXcorr(await runXcorr(files, OPTS, quiet())).json as { lags: Record<string, unknown>[] }).lags;
  const by = (renderXcorr(await runXcorr(files, { ...OPTS, by: { kind: 'time', us: 3 * S } }, quiet())).json as { lags: Record<string, unknown>[] }).lags;
  const noBoot = (renderXcorr(await runXcorr(files, { ...OPTS, bootstrap: 0 }, quiet())).json as { lags: Record<string, unknown>[] }).lags;
  assert.deepEqual(by, plain);
  const without = (l: Record<string, unknown>) => Object.fromEntries(Object.entries(l).filter(([k]) => k !== 'ci_low' && k !== 'ci_high'));
  assert.deepEqual(noBoot.map(without), plain.map(without));
});

const refused = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof DataError && pattern.test(e.message));

test('xcorr --state refuses up front a --start or --end off the block edges (usage error), writing nothing', async () => {
  const [a, b, dir] = scenario();
  for (const [start, end, option] of [[T0 + 10 * S + 1500, undefined, '--start'], [undefined, T0 + 9 * S, '--end'], [T0 + 4 * S, T0 + 11 * S, '--end']] as const) {
    const state = join(dir!, 'off-edge.state');
    await assert.rejects(
      runXcorrState([a!, b!], { ...OPTS, start, end, state }, quiet()),
      (e: unknown) => e instanceof UsageError && e.message.startsWith(option) && /not a multiple of --block 2 s: a state's range must begin and end on the bootstrap's block edges .* that is what makes the merge exact$/.test(e.message),
    );
    assert.equal(existsSync(state), false);
  }
});

test('xcorr merge refuses other lags, grids or blocks, naming the files', async () => {
  const [a, b, dir] = scenario();
  const files = [a!, b!] as const;
  const [first] = await states(files, dir!, [T0 + 12 * S], {}, 'x');
  for (const [o, what] of [[{ lags: [-2, -1, 0, 1, 2] }, /lags/], [{ grid: 2000 }, /grid_us/], [{ block: 4 * S }, /block_us/], [{ block: 4 * S, bootstrap: 0 }, /block_us/]] as [Partial<XcorrOptions>, RegExp][]) {
    const other = join(dir!, 'other.state');
    await runXcorrState(files, { ...OPTS, ...o, start: T0 + 12 * S, state: other }, quiet());
    refused(() => runMerge([first!, other], { format: 'json', quiet: true }, quiet()), new RegExp(`x0\\.state and .*other\\.state: states with different parameters \\(.*${what.source}`));
  }
});

test('xcorr states for ranges past the end of the data merge into the one run, byte for byte', async () => {
  const [a, b, dir] = scenario();
  // The data ends at 20 s: the states from 30 s and 40 s on read no tick of either market.
  for (const bootstrap of [0, 40]) await assertMergeExact([a!, b!], dir!, [10 * S, 30 * S, 40 * S].map((c) => T0 + c), { bootstrap }, 'states past the data');
});

test('xcorr merge refuses overlaps, gaps and a cut where a market is quiet beyond the margin', async () => {
  const [a, b, dir] = scenario();
  const files = [a!, b!] as const;
  const [s0] = await states(files, dir!, [T0 + 10 * S], {}, 'o');
  const late = join(dir!, 'late.state');
  await runXcorrState(files, { ...OPTS, start: T0 + 8 * S, state: late }, quiet());
  refused(() => runMerge([s0!, late], { format: 'json', quiet: true }, quiet()), /overlapping ranges/);
  const gap = join(dir!, 'gap.state');
  await runXcorrState(files, { ...OPTS, start: T0 + 12 * S, state: gap }, quiet());
  refused(() => runMerge([s0!, gap], { format: 'json', quiet: true }, quiet()), /missing range/);
  // B has no tick from 5 s to 15 s: the state from 10 s cannot know B's value before its start.
  const [qa, qb, qdir] = scenario(true);
  const quietStates = await states([qa!, qb!], qdir!, [T0 + 10 * S], {}, 'q');
  refused(() => runMerge(quietStates, { format: 'json', quiet: true }, quiet()), /the later state did not read perp's tick .* quiet for longer than the read margin/);
  // B quiet from just before the cut at 10 s to 15 s: the earlier state's last B tick is before
  // the cut by less than the margin, so its last returns' partners lie in the quiet stretch
  // beyond what it read, while the later state reads B's next ticks.
  const [ea, eb, edir] = scenario(true, [9.99 * S, 15 * S]);
  const afterStates = await states([ea!, eb!], edir!, [T0 + 10 * S], {}, 'e');
  refused(() => runMerge(afterStates, { format: 'json', quiet: true }, quiet()), /the earlier state read perp's ticks only up to .* less than max\|lag\| \+ 1 steps past the cut, and the later state reads more/);
});

/** Ticks as a batch (the analysis reads times and prices only). */
function batch(ticks: readonly (readonly [number, number])[]): TickBatch {
  const t = Float64Array.from(ticks, ([x]) => x);
  const price = Float64Array.from(ticks, ([, p]) => p);
  return { length: ticks.length, t, price, bid: price, ask: price } as unknown as TickBatch;
}

/** Table 2 of XcorrAnalysis over A's and B's ticks (A first, then B: the aligner buffers). */
function table2(a: TickBatch, b: TickBatch, lags: number[], blockUs: number, range: TimeRange, keep: boolean, maxTableDoubles?: number) {
  const analysis = new XcorrAnalysis(lags, MS, Infinity, range, blockUs, keep, { fold: !keep, maxTableDoubles });
  analysis.pushA(a);
  analysis.endA();
  analysis.pushB(b);
  analysis.endB();
  return analysis.finish()!.lags;
}

test('xcorr without the bootstrap folds its blocks as they finish: the same Table 2 bit for bit, within a cap the kept blocks exceed', () => {
  // Two markets on a 1 ms grid: 60 s of ticks (a random walk each, B echoing A 2 ms late half the
  // time), ten minutes of silence, then 20 s more: 6 800 blocks of 100 ms, most in the gap.
  const rnd = mulberry32(11);
  const a: [number, number][] = [];
  const b: [number, number][] = [];
  let [pa, pb] = [60000, 60010];
  for (const [from, to] of [[0, 60 * S], [660 * S, 680 * S]]) {
    for (let t = from!; t < to!; t += 1 + Math.floor(rnd() * 8 * MS)) {
      const move = Math.round((rnd() - 0.5) * 6);
      a.push([T0 + t, (pa += move)]);
      b.push([T0 + t + 2 * MS + 137, (pb += rnd() < 0.5 ? move : Math.round((rnd() - 0.5) * 6))]);
    }
  }
  const [ta, tb] = [batch(a), batch(b)];
  const lags = [-12, -5, -2, -1, 0, 1, 2, 3, 5, 12, 2]; // 2 twice: a repeated lag is copied, not refiled
  const block = 100 * MS;
  // 40 cells of lags × 9 numbers: max|τ| = 12 ms keeps 2 or 3 blocks of 100 ms open.
  const cap = 40 * lags.length * 9;
  // A range cut on a block edge (an empty cell at S) and one cut inside blocks.
  for (const range of [ALL_TIME, { start: T0 + 10 * S, end: T0 + 670 * S }, { start: T0 + 10 * S + 33_333, end: T0 + 675 * S + 7 }]) {
    // The blocks kept (what a bootstrapped run and a state hold, computed as before) are the reference.
    const kept = table2(ta, tb, lags, block, range, true);
    const folded = table2(ta, tb, lags, block, range, false, cap);
    assert.deepStrictEqual(folded, kept, `range ${range.start}…${range.end}`);
    assert.ok(kept.every((l) => l.r !== null && l.n > 60_000) && kept.find((l) => l.lag === 2)!.r! > 0.3, 'the echo shows at lag 2');
    assert.throws(() => table2(ta, tb, lags, block, range, true, cap), CellTableTooLarge);
  }
});

test('xcorr --bootstrap 0 prints the bytes of the run that keeps its blocks (--by whole blocks keeps them)', async () => {
  // With --by 4 s (whole blocks of 2 s) the run keeps every block and reads its windows from
  // them; without --by it folds them as they finish. Table 2 of the two is the same text.
  const [a, b] = scenario();
  const files = [a!, b!] as const;
  const lagsOf = async (o: Partial<XcorrOptions>) => JSON.stringify((renderXcorr(await runXcorr(files, { ...OPTS, bootstrap: 0, ...o }, quiet())).json as { lags: unknown }).lags);
  assert.equal(await lagsOf({}), await lagsOf({ by: { kind: 'time', us: 4 * S } }));
});

test('xcorr merge refusing a cut says only that: no warnings of a merge that did not happen', async () => {
  // 200 s of ticks every 10 ms, B silent from 20 s to 150 s: one run (and a merge) warns of the
  // quiet spell; a cut at 100 s lies in it, the later state read no B tick before the cut, and
  // the merge refuses it.
  const rows = (offset: number, k: number, quietFrom = Infinity, quietTo = -Infinity) =>
    Array.from({ length: 20_000 }, (_, i) => [i * 10 * MS + offset, 60000 + ((i * k) % 11) - 5] as [number, number]).filter(([t]) => t < quietFrom || t >= quietTo);
  const dir = tempFiles({ 'a.csv': csv(rows(MS, 37)), 'b.csv': csv(rows(7 * MS, 53, 20 * S, 150 * S)) });
  const files = [join(dir, 'a.csv'), join(dir, 'b.csv')] as const;
  const parts = await states(files, dir, [T0 + 100 * S]);
  const run = fakeContext({ quiet: false });
  refused(() => runMerge(parts, { format: 'json', quiet: false }, run.ctx), /cut/);
  assert.doesNotMatch(run.stderr(), /no tick for/);
  // Cut outside the spell, the merge goes through and warns of it.
  const fine = fakeContext({ quiet: false });
  runMerge(await states(files, dir, [T0 + 10 * S], {}, 'ok'), { format: 'json', quiet: false }, fine.ctx);
  assert.match(fine.stderr(), /b\.csv has no tick for 2 min 10 s/);
});
