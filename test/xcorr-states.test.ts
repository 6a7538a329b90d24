/**
 * xcorr --state and leadlag merge (docs/scale.md): states over ranges cut inside a lag's reach
 * (between the two returns of a lagged pair) merge into the one run over all the data; the
 * merge refuses states with other parameters and cuts where a market is quiet for longer than
 * the read margin.
 *
 * The single run is the independent computation: it streams every grid return through one
 * compensated correlator, while the merge sums the states' rows. Integers (N, n_effective, grid
 * points, blocks) must agree exactly; the floating results to 1e-12 relative (the sums are added
 * in another order, docs/scale.md says why the last digits may differ).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempFiles } from './cli-helpers.js';
import { fakeContext } from './context-helpers.js';
import { XCORR } from './time-helpers.js';
import { renderXcorr, runXcorr, type XcorrOptions } from '../src/cli/commands/xcorr.js';
import { runXcorrState } from '../src/cli/xcorr-state.js';
import { runMerge } from '../src/cli/commands/merge.js';
import { DataError } from '../src/errors.js';

const T0 = 1723118400e6; // 2024-08-08T12:00:00Z
const MS = 1000;
const S = 1_000_000;
const HEADER = 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount';
const OPTS: XcorrOptions = { ...XCORR, bootstrap: 40, block: 2 * S };

function csv(rows: readonly (readonly [number, number])[]): string {
  return `${HEADER}\n${rows.map(([t, mid]) => `binance,BTCUSDT,${T0 + t},${T0 + t},1,${(mid + 0.01).toFixed(2)},${(mid - 0.01).toFixed(2)},1`).join('\n')}\n`;
}

/**
 * 20 s: A ticks at +1 ms of every 10 ms, B at +7 ms, each at a level that wanders by a fixed
 * pattern; at 10 s A moves +30 at 10.0005 and B follows +30 at 10.0025 (a pair 2 grid steps
 * apart, both returns inside lag 2's reach of the cut at 10.0015). `quietB` leaves B without
 * ticks between 5 s and 15 s (longer than the read margin).
 */
function scenario(quietB = false): string[] {
  const a: [number, number][] = [];
  const b: [number, number][] = [];
  for (let i = 0; i < 2000; i++) {
    const t = i * 10 * MS;
    const after = t >= 10 * S ? 30 : 0;
    a.push([t + 1 * MS, 60000 + ((i * 37) % 11) - 5 + after]);
    if (!(quietB && t >= 5 * S && t < 15 * S)) b.push([t + 7 * MS, 60000 + ((i * 53) % 7) - 3 + (t + 7 * MS >= 10 * S + 2500 ? 30 : 0)]);
    if (i === 1000) a.push([10 * S + 500, 60030]);
    if (i === 1000 && !quietB) b.push([10 * S + 2500, 60030]);
  }
  a.sort((x, y) => x[0] - y[0]);
  b.sort((x, y) => x[0] - y[0]);
  const dir = tempFiles({ 'a.csv': csv(a), 'b.csv': csv(b) });
  return [join(dir, 'a.csv'), join(dir, 'b.csv'), dir];
}

async function states(files: readonly [string, string], dir: string, cuts: readonly number[], o: Partial<XcorrOptions> = {}, tag = 's'): Promise<string[]> {
  const edges = [undefined, ...cuts.map((c) => T0 + c), undefined];
  const out: string[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const state = join(dir, `${tag}${i}.state`);
    await runXcorrState(files, { ...OPTS, ...o, start: edges[i], end: edges[i + 1], state }, fakeContext({ quiet: true }).ctx);
    out.push(state);
  }
  return out;
}

/** Integers equal, other numbers to 1e-12 relative, everything else equal. */
function assertSameReport(got: unknown, want: unknown, path = ''): void {
  if (typeof want === 'number' && typeof got === 'number' && !Number.isInteger(want)) {
    assert.ok(Math.abs(got - want) <= 1e-12 * Math.abs(want), `${path}: ${got} vs ${want}`);
    return;
  }
  if (want === null || typeof want !== 'object') return assert.equal(got, want, path);
  assert.deepEqual(Object.keys(got as object), Object.keys(want), path);
  for (const k of Object.keys(want)) assertSameReport((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${path}.${k}`);
}

const refused = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof DataError && pattern.test(e.message));

for (const bootstrap of [0, 40]) {
  test(`xcorr states cut inside a lag's reach merge into the one run (bootstrap ${bootstrap})`, async () => {
    const [a, b, dir] = scenario();
    const files = [a!, b!] as const;
    const single = renderXcorr(await runXcorr(files, { ...OPTS, bootstrap }, fakeContext({ quiet: true }).ctx)).json as Record<string, unknown>;
    // Cuts between the pair's two returns (10.0015 s) and inside a bootstrap block (15.3 s).
    const parts = await states(files, dir!, [10 * S + 1500, 15 * S + 300 * MS], { bootstrap });
    const merged = runMerge(parts, { format: 'json', quiet: true }, fakeContext({ quiet: true }).ctx).json as Record<string, unknown>;
    assertSameReport(merged, single);
    // The lag +2 pair is in the data: its r is defined and N counts every grid return.
    const lags = merged.lags as { lag: number; n: number }[];
    assert.ok(lags.every((l) => l.n > 19_000));
    if (bootstrap > 0) assert.equal((merged.bootstrap as { blocks: number }).blocks, 10); // 20 s of 2 s blocks
  });
}

test('xcorr merge refuses other lags, grids or blocks, naming the files', async () => {
  const [a, b, dir] = scenario();
  const files = [a!, b!] as const;
  const [first] = await states(files, dir!, [10 * S], {}, 'x');
  for (const [o, what] of [[{ lags: [-2, -1, 0, 1, 2] }, /lags/], [{ grid: 2000 }, /grid_us/], [{ block: 4 * S }, /block_us/]] as [Partial<XcorrOptions>, RegExp][]) {
    const other = join(dir!, 'other.state');
    await runXcorrState(files, { ...OPTS, ...o, start: T0 + 10 * S, state: other }, fakeContext({ quiet: true }).ctx);
    refused(() => runMerge([first!, other], { format: 'json', quiet: true }, fakeContext({ quiet: true }).ctx), new RegExp(`x0\\.state and .*other\\.state: states with different parameters \\(${what.source}`));
  }
});

test('xcorr merge refuses overlaps, gaps and a cut where a market is quiet beyond the margin', async () => {
  const [a, b, dir] = scenario();
  const files = [a!, b!] as const;
  const [s0] = await states(files, dir!, [10 * S], {}, 'o');
  const late = join(dir!, 'late.state');
  await runXcorrState(files, { ...OPTS, start: T0 + 9 * S, state: late }, fakeContext({ quiet: true }).ctx);
  refused(() => runMerge([s0!, late], { format: 'json', quiet: true }, fakeContext({ quiet: true }).ctx), /overlapping ranges/);
  const gap = join(dir!, 'gap.state');
  await runXcorrState(files, { ...OPTS, start: T0 + 11 * S, state: gap }, fakeContext({ quiet: true }).ctx);
  refused(() => runMerge([s0!, gap], { format: 'json', quiet: true }, fakeContext({ quiet: true }).ctx), /missing range/);
  // B has no tick from 5 s to 15 s: the state from 10 s cannot know B's value before its start.
  const [qa, qb, qdir] = scenario(true);
  const quiet = await states([qa!, qb!], qdir!, [10 * S], {}, 'q');
  refused(() => runMerge(quiet, { format: 'json', quiet: true }, fakeContext({ quiet: true }).ctx), /the later state did not read perp's tick .* quiet for longer than the read margin/);
});
