/**
 * hy --state and leadlag merge (docs/scale.md): states over ranges cut at block edges — inside
 * bursts, with both markets ticking within the lattice's reach of the cut, at midnights of
 * generated multi-day data — merge into exactly what one run prints, byte for byte in every
 * --format, bootstrap interval and sign-flip p-value included. Every refusal: other
 * parameters, overlaps, gaps, a market quiet for longer than the margin at a cut (before or
 * after it, and B quiet within the lattice's reach of A's last tick before it), misaligned
 * ranges, --by, and truncated or edited states. Without the bootstrap the states merge into one
 * `hy --bootstrap 0` run too, which folds its blocks as they finish and prints the numbers of
 * the bootstrapped run.
 *
 * The one run is the independent computation: it streams every tick through one HyState over
 * all the data; the states never see the data outside their ranges and margins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, leadlag, tempFiles } from './cli-helpers.js';
import { fakeContext } from './context-helpers.js';
import { readGenericQuotes } from './reference.js';
import { FIXTURE_SHAPE, writeDataset } from '../scripts/gen-data.js';
import { renderHy, runHy, type HyOptions } from '../src/cli/commands/hy.js';
import { runHyState } from '../src/cli/hy-state.js';
import { runXcorrState } from '../src/cli/xcorr-state.js';
import { runMerge } from '../src/cli/commands/merge.js';
import { HyPartsTooLarge, HyState } from '../src/core/hy.js';
import { HyKeyedParts, toHyParts } from '../src/core/hy-time.js';
import { hyEstimate } from '../src/core/hystats.js';
import { makeLattice } from '../src/core/lattice.js';
import { cutCells } from '../src/core/cells.js';
import { ALL_TIME, type TimeRange } from '../src/core/parts.js';
import { DataError, UsageError } from '../src/errors.js';
import { signHeaderLine } from '../src/io/state-file.js';
import type { Format, Output } from '../src/io/output.js';
import type { Context } from '../src/cli/context.js';
import { XCORR } from './time-helpers.js';
import { mulberry32 } from './prng.js';

const T0 = 1723118400e6; // 2024-08-08T12:00:00Z, a multiple of every block used here
const MS = 1000;
const S = 1_000_000;
const DAY = 86_400e6;
const HY: HyOptions = { lags: { fromUs: -10 * MS, toUs: 10 * MS }, step: 100, bootstrap: 100, block: 500 * MS, seed: 42, names: ['spot', 'perp'], format: 'json', quiet: true, clock: 'exchange' };
const FORMATS: Format[] = ['json', 'csv', 'tsv', 'table'];

/** One temporary directory for the whole file (one exit handler), a fresh subdirectory per use. */
const TMP = tempFiles({});
let dirs = 0;
function freshDir(files: Record<string, string> = {}): string {
  const dir = join(TMP, `d${dirs++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** What a command prints: stderr (warnings on) and stdout in each format, from one run. */
type Printed = { stderr: string } & Partial<Record<Format, string>>;

async function print(make: (ctx: Context) => Output | Promise<Output>, formats: readonly Format[]): Promise<Printed> {
  const run = fakeContext({ quiet: false });
  const out = await make(run.ctx);
  const printed: Printed = { stderr: run.stderr() };
  for (const format of formats) {
    const f = fakeContext({ format, quiet: false });
    await f.ctx.emit(out);
    printed[format] = f.stdout();
  }
  return printed;
}

/** What `leadlag hy` over all the data prints. */
const single = (files: readonly [string, string], o: Partial<HyOptions> = {}, formats: readonly Format[] = FORMATS) => print(async (ctx) => renderHy(await runHy(files, { ...HY, ...o, quiet: false }, ctx)), formats);

/** What `leadlag merge` prints. */
const merged = (states: readonly string[], formats: readonly Format[] = FORMATS, allowGaps = false) => print((ctx) => runMerge(states, { format: 'json', quiet: false, allowGaps }, ctx), formats);

/** The JSON a command printed, parsed. */
const json = <T>(p: Printed) => JSON.parse(p.json!) as T;

/** One state per range between consecutive cuts (µs; undefined: open), written into `dir`. */
async function states(files: readonly [string, string], dir: string, edges: readonly (number | undefined)[], o: Partial<HyOptions> = {}, tag = 's'): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const state = join(dir, `${tag}${i}.state`);
    await runHyState(files, { ...HY, ...o, start: edges[i], end: edges[i + 1], state }, fakeContext({ quiet: true }).ctx);
    out.push(state);
  }
  return out;
}

const refused = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof DataError && pattern.test(e.message), String(pattern));
const mergeJson = (s: readonly string[], allowGaps = false) => runMerge(s, { format: 'json', quiet: true, allowGaps }, fakeContext({ quiet: true }).ctx).json as Record<string, unknown>;

/** Ticks of each market within `w` µs of t. */
const near = (times: readonly number[], t: number, w: number) => times.filter((x) => Math.abs(x - t) <= w).length;

/**
 * The `count` multiples of `block` (at least 2 s from the data's ends and from each other) with
 * the most ticks of the quieter market within ±10 ms — the lattice's reach — of them.
 */
function busyCuts(a: readonly number[], b: readonly number[], block: number, count: number, within: [number, number]): number[] {
  const scored: [number, number][] = [];
  for (let c = Math.ceil((within[0] + 2 * S) / block) * block; c < within[1] - 2 * S; c += block) scored.push([c, Math.min(near(a, c, 10 * MS), near(b, c, 10 * MS))]);
  scored.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  const out: number[] = [];
  for (const [c] of scored) if (out.length < count && out.every((x) => Math.abs(x - c) >= 2 * S)) out.push(c);
  return out.sort((x, y) => x - y);
}

test('hy states of the fixtures cut inside bursts and the lattice\'s reach merge into the one run, byte for byte in every format', async () => {
  const files = [join(FIXTURES, 'tardis', 'spot_quotes.csv'), join(FIXTURES, 'tardis', 'perp_quotes.csv')] as const;
  // The same ticks in the generic layout, read independently of the product's reader.
  const a = readGenericQuotes(join(FIXTURES, 'generic', 'spot_quotes.csv')).map((q) => q.t);
  const b = readGenericQuotes(join(FIXTURES, 'generic', 'perp_quotes.csv.gz')).map((q) => q.t);
  const cuts = busyCuts(a, b, HY.block, 3, [a[0]!, a.at(-1)!]);
  // Each cut has both markets ticking within the lattice's reach, and the busiest sits in a burst
  // (a tick within 1 ms of it): intervals and lattice pairs cross every cut.
  for (const c of cuts) assert.ok(near(a, c, 10 * MS) >= 2 && near(b, c, 10 * MS) >= 2, `cut ${c}`);
  assert.ok(cuts.some((c) => near(a, c, MS) + near(b, c, MS) >= 2));
  const dir = freshDir();
  const want = await single(files);
  for (const k of [1, 2, 3]) {
    const parts = await states(files, dir, [undefined, ...cuts.slice(0, k), undefined], {}, `k${k}-`);
    assert.deepEqual(await merged(parts), want, `${k + 1} states`);
    // The order of the arguments does not matter.
    assert.deepEqual(await merged([...parts].reverse(), ['json']), { stderr: want.stderr, json: want.json });
  }
  // Not vacuous: the one run has its interval and p-value, and the fixtures' lead (perp 2–4 ms late).
  const one = json<{ lag_us: number; p_value: number; ci: { lag_us: number[] } }>(want);
  assert.ok(one.lag_us >= 2000 && one.lag_us <= 4000 && one.p_value < 0.05 && one.ci.lag_us.length === 2);
});

/**
 * Daily files of two markets from the repo's generator, `seconds` after each midnight and
 * `seconds` before the next (so the data runs across every midnight, and the one run's span
 * holds a day-long gap inside each day), written in the generic layout.
 */
function days(n: number, seconds: number): { dir: string; a: number[]; b: number[] } {
  const dir = freshDir();
  for (const m of ['spot', 'perp']) mkdirSync(join(dir, m));
  const day0 = Date.UTC(2024, 7, 1) * 1000;
  for (let d = 0; d < n; d++) {
    const day = day0 + d * DAY;
    const pieces = [day, day + DAY - seconds * S].map((startUs, k) => {
      const out = join(dir, `gen-${d}-${k}`);
      writeDataset(out, { seed: 300 + 2 * d + k, seconds, startUs, format: 'generic', shape: FIXTURE_SHAPE });
      return out;
    });
    for (const [m, name] of [['spot', 'spot_quotes.csv'], ['perp', 'perp_quotes.csv']] as const) {
      const [first, second] = pieces.map((p) => readFileSync(join(p, name), 'utf8'));
      writeFileSync(join(dir, m, `${m}_${new Date(day / 1000).toISOString().slice(0, 10)}.csv`), first! + second!.slice(second!.indexOf('\n') + 1));
    }
  }
  const times = (m: string) => Array.from({ length: n }, (_, d) => readGenericQuotes(join(dir, m, `${m}_${new Date((day0 + d * DAY) / 1000).toISOString().slice(0, 10)}.csv`)).map((q) => q.t)).flat();
  return { dir, a: times('spot'), b: times('perp') };
}

test('hy states of generated multi-day data, cut at midnights and at a busy block edge, merge into the one run byte for byte', async () => {
  const { dir, a, b } = days(3, 60);
  const files = [join(dir, 'spot'), join(dir, 'perp')] as const;
  const o: Partial<HyOptions> = { block: 10 * S, bootstrap: 40 };
  const day1 = Date.UTC(2024, 7, 2) * 1000;
  // The midnights (where the pieces of different seeds meet) and the busiest 10 s edge of the
  // first day's last minute.
  const [busy] = busyCuts(a, b, 10 * S, 1, [day1 - 60 * S, day1]);
  assert.ok(near(a, busy!, 10 * MS) >= 1 && near(b, busy!, 10 * MS) >= 1);
  const edges = [undefined, busy!, day1, day1 + DAY, undefined];
  const parts = await states(files, dir, edges, o);
  const want = await single(files, o, ['json', 'csv', 'table']);
  // Each daily file is quiet from a minute after its midnight to a minute before the next: the
  // one run warns of it, and the merge must too (from the spells the states recorded).
  assert.equal(want.stderr!.match(/_2024-08-0[123]\.csv has no tick for 23 h 58 min/g)?.length, 6);
  assert.deepEqual(await merged(parts, ['json', 'csv', 'table']), want);
  // 3 days of 10 s blocks (empty ones included, as the bootstrap draws them): the states filed only the busy ones.
  const one = json<{ p_value: number; n_a: number }>(want);
  assert.ok(one.n_a > 1000 && one.p_value > 0);
  const size = readFileSync(parts[2]!, 'utf8').length;
  assert.ok(size < 2_000_000, `a day's state is ${size} bytes`);
});

test('hy states from a range run merge into that range run', async () => {
  const files = [join(FIXTURES, 'tardis', 'spot_quotes.csv'), join(FIXTURES, 'tardis', 'perp_quotes.csv')] as const;
  const dir = freshDir();
  const [start, end] = [T0 + 10 * S, T0 + 70 * S];
  const parts = await states(files, dir, [start, T0 + 40 * S, end]);
  assert.deepEqual(await merged(parts), await single(files, { start, end }));
  assert.notDeepEqual((await merged(parts, ['json'])).json, (await single(files, {}, ['json'])).json);
});

const HEADER = 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount';

/** Tardis rows with mid price `mid`. */
function csv(rows: readonly (readonly [number, number])[]): string {
  return `${HEADER}\n${rows.map(([t, mid]) => `binance,BTCUSDT,${T0 + t},${T0 + t},1,${(mid + 0.01).toFixed(2)},${(mid - 0.01).toFixed(2)},1`).join('\n')}\n`;
}

/**
 * 20 s of two markets: A every 50 ms, B every 50 ms + 7 ms, prices wandering by a fixed pattern,
 * each leaving out the ticks in its `quiet` stretches [from, to) (µs from T0).
 */
function quietScenario(quietA: [number, number][], quietB: [number, number][]): [string, string] {
  const rows = (offset: number, k: number, quiet: [number, number][]) =>
    Array.from({ length: 400 }, (_, i) => [i * 50 * MS + offset, 60000 + ((i * k) % 13) - 6] as [number, number]).filter(([t]) => !quiet.some(([f, e]) => t >= f && t < e));
  const dir = freshDir({ 'a.csv': csv(rows(0, 37, quietA)), 'b.csv': csv(rows(7 * MS, 53, quietB)) });
  return [join(dir, 'a.csv'), join(dir, 'b.csv')];
}

const CUT = T0 + 10 * S;

test('hy merge refuses a cut where a market is quiet for longer than the margin, before or after it', async () => {
  const dir = freshDir();
  // B silent from 7 s to 10.5 s: the later state read no B tick before the cut (margin 1.01 s),
  // and B's interval across the cut ends in its range.
  const before = await states(quietScenario([], [[7 * S, 10.5 * S]]), dir, [undefined, CUT, undefined], { block: 2 * S }, 'b');
  refused(() => mergeJson(before), /b0\.state and .*b1\.state: at the cut 2024-08-08T12:00:10\.000000Z the later state's first blocks depend on ticks before the cut that it did not read .* quiet for longer than the read margin/);
  // A silent from 9.5 s to 13 s: the earlier state's span ends at A's last tick before the cut,
  // so B's ticks within the lattice's reach after it (and A's next tick) are missing.
  const after = await states(quietScenario([[9.5 * S, 13 * S]], []), dir, [undefined, CUT, undefined], { block: 2 * S }, 'a');
  refused(() => mergeJson(after), /a0\.state and .*a1\.state: at the cut .* the earlier state's last blocks depend on ticks after the cut that it did not read/);
  // The same data cut where both markets tick merges into the one run.
  const files = quietScenario([[9.5 * S, 13 * S]], []);
  const fine = await states(files, dir, [undefined, T0 + 16 * S, undefined], { block: 2 * S }, 'f');
  assert.deepEqual(await merged(fine, ['json']), await single(files, { block: 2 * S }, ['json']));
});

test('hy merge refuses a cut where B is quiet within the lattice\'s reach of A\'s last tick before it, and the refusal is needed', async () => {
  // Lags ±500 ms: margin 1.5 s. A's last tick before the cut is at −1.4 s; B is silent from
  // −1.9 s to −1.45 s, so B's level at a₀ − 500 ms (its tick at −1.943 s) lies before the later
  // state's read, though each market's last tick before the cut was read.
  const o: Partial<HyOptions> = { lags: { fromUs: -500 * MS, toUs: 500 * MS }, step: 10 * MS, block: 2 * S };
  const files = quietScenario([[8.6 * S + 1, 10.1 * S]], [[8.1 * S, 8.55 * S]]);
  const dir = freshDir();
  const parts = await states(files, dir, [undefined, CUT, undefined], o);
  const header = JSON.parse(readFileSync(parts[1]!, 'utf8').split('\n')[0]!) as { data_span: { start_us: number }; reach: { start_read: boolean } };
  assert.equal(header.data_span.start_us, CUT - 1.443 * S); // B's first tick read: the span starts before a₀
  assert.equal(header.reach.start_read, false);
  refused(() => mergeJson(parts), /the later state's first blocks depend on ticks before the cut that it did not read .*perp's within the lattice's reach/);
  // Claiming the ticks were read (a forged header, signed anew) gives another answer than the one run.
  const [head, body] = readFileSync(parts[1]!, 'utf8').split('\n');
  writeFileSync(parts[1]!, `${signHeaderLine(JSON.parse(head!.replace('"start_read":false', '"start_read":true')) as Record<string, unknown>)}\n${body}\n`);
  assert.notDeepEqual((await merged(parts, ['json'])).json, (await single(files, o, ['json'])).json);
});

test('hy merge refuses other parameters, overlaps and missing ranges; --allow-gaps counts the ranges given', async () => {
  const files = [join(FIXTURES, 'tardis', 'spot_quotes.csv'), join(FIXTURES, 'tardis', 'perp_quotes.csv')] as const;
  const dir = freshDir();
  const [first] = await states(files, dir, [undefined, T0 + 40 * S], {}, 'x');
  for (const [o, what] of [[{ lags: { fromUs: -5 * MS, toUs: 5 * MS } }, 'lags_from_us: -10000 vs -5000'], [{ block: S }, 'block_us: 500000 vs 1000000'], [{ seed: 7 }, 'seed: 42 vs 7']] as [Partial<HyOptions>, string][]) {
    const [other] = await states(files, dir, [T0 + 40 * S, undefined], o, 'other');
    refused(() => mergeJson([first!, other!]), new RegExp(`x0\\.state and .*other0\\.state: states with different parameters \\(${what}`));
  }
  const [late] = await states(files, dir, [T0 + 30 * S, undefined], {}, 'late');
  refused(() => mergeJson([first!, late!]), /overlapping ranges/);
  const [gap] = await states(files, dir, [T0 + 50 * S, undefined], {}, 'gap');
  refused(() => mergeJson([first!, gap!]), /x0\.state and .*gap0\.state: missing range 2024-08-08T12:00:40\.000000Z to 2024-08-08T12:00:50\.000000Z/);
  // With --allow-gaps the ticks counted are those of the ranges given: all but the gap's.
  type Counts = { n_a: number; n_b: number };
  const gaps = mergeJson([first!, gap!], true) as unknown as Counts;
  const whole = json<Counts>(await single(files, {}, ['json']));
  const middle = json<Counts>(await single(files, { start: T0 + 40 * S, end: T0 + 50 * S }, ['json']));
  assert.ok(middle.n_a > 0);
  assert.equal(gaps.n_a, whole.n_a - middle.n_a);
  assert.equal(gaps.n_b, whole.n_b - middle.n_b);
  // hy and xcorr states do not merge together.
  const xstate = join(dir, 'x.state');
  await runXcorrState(files, { ...XCORR, start: T0 + 40 * S, state: xstate }, fakeContext({ quiet: true }).ctx);
  refused(() => mergeJson([first!, xstate]), /states of different commands \(hy and xcorr\)/);
});

test('hy --state refuses ranges off the block edges and --by before reading, and takes --bootstrap 0', async () => {
  const files = [join(FIXTURES, 'tardis', 'spot_quotes.csv'), join(FIXTURES, 'tardis', 'perp_quotes.csv')] as const;
  const dir = freshDir();
  const run = (o: Partial<HyOptions>) => runHyState(files, { ...HY, ...o, state: join(dir, 'x.state') }, fakeContext({ quiet: true }).ctx);
  await assert.rejects(run({ start: T0 + 10 * S + 250 * MS }), (e: unknown) => e instanceof UsageError && /--start 2024-08-08T12:00:10\.250000Z is not a multiple of --block 500 ms: .* block edges .* makes the merge exact/.test(e.message));
  await assert.rejects(run({ end: T0 + 10 * S, block: 3 * S }), (e: unknown) => e instanceof UsageError && /--end .* is not a multiple of --block 3 s/.test(e.message));
  await assert.rejects(run({ by: { kind: 'time', us: 10 * S } }), (e: unknown) => e instanceof UsageError && /--state goes without --by/.test(e.message));
  await run({ bootstrap: 0, end: T0 + 40 * S });
  // The state keeps a row per block with ticks, as with the bootstrap: the blocks of 500 ms that
  // hold a tick of either market (the same ticks read from the generic layout) from the span's
  // start to the range's end.
  const [a, b] = ['spot_quotes.csv', 'perp_quotes.csv.gz'].map((f) => readGenericQuotes(join(FIXTURES, 'generic', f)).map((q) => q.t));
  const from = Math.max(a![0]!, b![0]!);
  const withTicks = new Set([...a!, ...b!].filter((t) => t >= from && t < T0 + 40 * S).map((t) => Math.floor(t / HY.block)));
  const body = JSON.parse(readFileSync(join(dir, 'x.state'), 'utf8').split('\n')[1]!) as { blocks: [number, number[]][] };
  assert.deepEqual(body.blocks.map(([k]) => k), [...withTicks].sort((x, y) => x - y));
});

/** A JSON report without what only the bootstrap prints. */
function withoutInference(text: string): Record<string, unknown> {
  const doc = JSON.parse(text) as Record<string, unknown>;
  for (const k of ['p_value', 'edge_share', 'ci', 'verdict', 'params']) delete doc[k];
  return doc;
}

test('hy --bootstrap 0 states merge into one hy --bootstrap 0 run byte for byte, whose numbers are the bootstrapped run\'s', async () => {
  const files = [join(FIXTURES, 'tardis', 'spot_quotes.csv'), join(FIXTURES, 'tardis', 'perp_quotes.csv')] as const;
  const a = readGenericQuotes(join(FIXTURES, 'generic', 'spot_quotes.csv')).map((q) => q.t);
  const b = readGenericQuotes(join(FIXTURES, 'generic', 'perp_quotes.csv.gz')).map((q) => q.t);
  const cuts = busyCuts(a, b, HY.block, 3, [a[0]!, a.at(-1)!]);
  const dir = freshDir();
  const o: Partial<HyOptions> = { bootstrap: 0 };
  const want = await single(files, o);
  for (const k of [1, 3]) assert.deepEqual(await merged(await states(files, dir, [undefined, ...cuts.slice(0, k), undefined], o, `z${k}-`)), want, `${k + 1} states`);
  // A range run and its states.
  const [start, end] = [T0 + 10 * S, T0 + 70 * S];
  assert.deepEqual(await merged(await states(files, dir, [start, cuts[1]!, end], o, 'zr')), await single(files, { ...o, start, end }));
  // One run folds its blocks as a bootstrapped run's estimate sums them: every number but the
  // interval and the test is the same (they share the rule: the --block rows, in time order).
  const boot = await single(files, { bootstrap: 50 }, ['json']);
  assert.deepEqual(withoutInference(want.json!), withoutInference(boot.json!));
  assert.equal(json<{ p_value: null }>(want).p_value, null);
  // Multi-day data with day-long gaps (blocks without ticks) cut at midnights.
  const days3 = days(3, 30);
  const dayFiles = [join(days3.dir, 'spot'), join(days3.dir, 'perp')] as const;
  const day1 = Date.UTC(2024, 7, 2) * 1000;
  const dayOpts: Partial<HyOptions> = { block: 10 * S, bootstrap: 0 };
  const parts = await states(dayFiles, days3.dir, [undefined, day1, day1 + DAY, undefined], dayOpts);
  const oneRun = await single(dayFiles, dayOpts, ['json', 'table']);
  assert.deepEqual(await merged(parts, ['json', 'table']), oneRun);
  assert.deepEqual(withoutInference(oneRun.json!), withoutInference((await single(dayFiles, { ...dayOpts, bootstrap: 20 }, ['json'])).json!));
});

test('HyState folds its blocks as they finish: the bootstrapped estimate bit for bit, within a cap the kept blocks exceed', () => {
  // Two random markets for 40 s, silent for ten minutes, then 20 s more: 13 200 blocks of 50 ms
  // (1 200 with ticks), lags −10…10 ms. The caps hold the blocks still open, not the span.
  const rnd = mulberry32(5);
  const lattice = makeLattice(-10 * MS, 10 * MS, MS);
  const block = 50 * MS;
  const ticks = (quiet: [number, number][]) => randomMarket(rnd, 660 * S, quiet).map(([t, p]) => [T0 + t, p] as const);
  const gap: [number, number][] = [[40 * S, 640 * S]];
  const [a, b] = [ticks(gap), ticks(gap)];
  // Batches as readers hand them over: the two markets merged in time order, each run of one
  // market's ticks one push (the state settles its blocks at every tick: 20 rows are enough), or
  // 500 ticks of each in turn (≈ 10 s: one push accounts up to 200 blocks before it folds them).
  const merged = [...a.map((x) => [0, ...x] as const), ...b.map((x) => [1, ...x] as const)].sort((x, y) => x[1] - y[1]);
  const runs: (readonly (readonly [0 | 1, number, number])[])[] = [];
  for (const tick of merged) {
    const last = runs.at(-1);
    if (last !== undefined && last[0]![0] === tick[0]) (last as (readonly [0 | 1, number, number])[]).push(tick);
    else runs.push([tick]);
  }
  const chunks = (xs: readonly (readonly [number, number])[], m: 0 | 1) => Array.from({ length: Math.ceil(xs.length / 500) }, (_, i) => xs.slice(i * 500, i * 500 + 500).map(([t, p]) => [m, t, p] as const));
  const big = chunks(a, 0).flatMap((c, i) => [c, ...(chunks(b, 1)[i] ? [chunks(b, 1)[i]!] : [])]);
  const rows = (n: number) => n * (lattice.count + 1);
  const run = (batches: typeof runs, range: TimeRange | undefined, fold: boolean, maxPartDoubles?: number) => {
    const cells = range === undefined ? undefined : cutCells(block, range);
    const st = new HyState({ lattice, blockUs: block, cells, fold: fold ? (range ?? ALL_TIME) : undefined, maxPartDoubles });
    for (const batch of batches) st.push(batch[0]![0], Float64Array.from(batch, ([, t]) => t), Float64Array.from(batch, ([, , p]) => p), batch.length);
    const parts = st.finish();
    if (range === undefined || fold) return hyEstimate(parts);
    return hyEstimate(toHyParts(new HyKeyedParts(parts, cells!, Infinity, range, block).whole(), lattice, block, parts.span!));
  };
  for (const range of [undefined, { start: T0 + 7 * S, end: T0 + 650 * S }, { start: T0 + 7 * S + 25 * MS, end: T0 + 655 * S + 1 }]) {
    const kept = run(runs, range, false);
    assert.ok(kept.nA > 1000 && kept.rho !== null);
    assert.deepStrictEqual(run(runs, range, true, rows(20)), kept);
    assert.deepStrictEqual(run(big, range, true, rows(500)), kept);
    assert.throws(() => run(runs, range, false, rows(500)), HyPartsTooLarge);
  }
});

test('hy merge refuses a truncated or edited state (checksum)', async () => {
  const files = [join(FIXTURES, 'tardis', 'spot_quotes.csv'), join(FIXTURES, 'tardis', 'perp_quotes.csv')] as const;
  const dir = freshDir();
  const [s0, s1] = await states(files, dir, [undefined, T0 + 40 * S, undefined]);
  const text = readFileSync(s1!, 'utf8');
  writeFileSync(s1!, text.slice(0, text.length - 40));
  refused(() => mergeJson([s0!, s1!]), /s1\.state.*checksum.*truncated or edited/);
  // One digit of a block's row changed: still JSON, no longer the checksummed body.
  const edited = text.replace(/(\n\{"blocks":\[\[\d+,\[)(\d)/, (_, head: string, d: string) => `${head}${(Number(d) + 1) % 10}`);
  assert.notEqual(edited, text);
  writeFileSync(s1!, edited);
  refused(() => mergeJson([s0!, s1!]), /s1\.state.*checksum/);
});

test('leadlag hy --state and leadlag merge end to end: nothing on stdout, the file named on stderr, the one run\'s CSV', async () => {
  const dir = freshDir();
  const [spot, perp] = ['spot_quotes.csv', 'perp_quotes.csv'].map((f) => join(FIXTURES, 'tardis', f));
  const opts = ['--block', '2s', '--bootstrap', '50'];
  const cut = '2024-08-08T12:00:40Z';
  const first = await leadlag(['hy', spot!, perp!, ...opts, '--end', cut, '--state', join(dir, 'a.state')]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, '');
  assert.match(first.stderr, /^leadlag: wrote .*a\.state \(\d+ bytes; range … to 2024-08-08T12:00:40\.000000Z, margin 1\.01 s\)\n$/);
  const second = await leadlag(['hy', spot!, perp!, ...opts, '--start', cut, '--state', join(dir, 'b.state'), '-q']);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stderr, '');
  const one = await leadlag(['hy', spot!, perp!, ...opts, '--format', 'csv']);
  const all = await leadlag(['merge', join(dir, 'b.state'), join(dir, 'a.state'), '--format', 'csv']);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout, one.stdout);
  assert.equal(all.stderr, one.stderr);
  const bad = await leadlag(['hy', spot!, perp!, '--start', '2024-08-08T12:00:01Z', '--state', join(dir, 'c.state')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not a multiple of --block 10 s/);
});

/** One market's ticks: gaps of < 0.5 ms (bursts), < 30 ms or < 400 ms, a ±3 cent step each, none in `quiet`. */
function randomMarket(rnd: () => number, durationUs: number, quiet: [number, number][]): [number, number][] {
  const rows: [number, number][] = [];
  let p = 60000;
  for (let t = Math.floor(rnd() * 20 * MS); t < durationUs; ) {
    if (!quiet.some(([f, e]) => t >= f && t < e)) rows.push([t, (p += Math.round((rnd() - 0.5) * 6))]);
    const r = rnd();
    t += 1 + Math.floor(rnd() * (r < 0.3 ? 500 : r < 0.9 ? 30 * MS : 400 * MS));
  }
  return rows;
}

test('hy merge of random data cut at random block edges: one run\'s JSON byte for byte, or a needed refusal', async () => {
  // Lattices wide and narrow, all-positive, all-negative and one lag; half the markets fall
  // quiet for up to 3 s somewhere, so some cuts lack history (refused) and most do not.
  const lattices: [number, number, number][] = [[-10 * MS, 10 * MS, 100], [2 * MS, 8 * MS, 500], [-8 * MS, -2 * MS, 250], [-500 * MS, 500 * MS, 10 * MS], [0, 0, 100], [-3 * MS, 40 * MS, MS]];
  let exact = 0;
  let refusals = 0;
  for (let seed = 0; seed < 24; seed++) {
    const rnd = mulberry32(seed);
    const duration = 30 * S;
    const block = [500 * MS, S, 2 * S][seed % 3]!;
    const quiet = (): [number, number][] => (rnd() < 0.5 ? [Math.floor(rnd() * duration)].map((f) => [f, f + Math.floor(rnd() * 3 * S)] as [number, number]) : []);
    const [a, b] = [randomMarket(rnd, duration, quiet()), randomMarket(rnd, duration, quiet())];
    const dir = freshDir({ 'a.csv': csv(a), 'b.csv': csv(b) });
    const files = [join(dir, 'a.csv'), join(dir, 'b.csv')] as const;
    const [fromUs, toUs, step] = lattices[seed % lattices.length]!;
    const o: Partial<HyOptions> = { lags: { fromUs, toUs }, step, bootstrap: seed % 4 === 3 ? 0 : 30, block };
    const cuts = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => T0 + Math.floor((rnd() * duration) / block) * block))].sort((x, y) => x - y);
    const parts = await states(files, dir, [undefined, ...cuts, undefined], o);
    const want = (await single(files, o, ['json'])).json;
    try {
      assert.equal((await merged(parts, ['json'])).json, want, `seed ${seed}`);
      exact++;
    } catch (e) {
      assert.ok(e instanceof DataError && /quiet for longer than the read margin/.test(e.message), `seed ${seed}: ${String(e)}`);
      refusals++;
      // Merged anyway (the states claiming every tick was read), these give another answer than the one run.
      for (const p of parts) {
        const [head, body] = readFileSync(p, 'utf8').split('\n');
        writeFileSync(p, `${signHeaderLine(JSON.parse(head!.replace(/"(start|end)_read":false/g, '"$1_read":true')) as Record<string, unknown>)}\n${body}\n`);
      }
      assert.notEqual((await merged(parts, ['json'])).json, want, `seed ${seed}: a refusal that was not needed`);
    }
  }
  assert.ok(exact >= 15 && refusals >= 2, `${exact} exact, ${refusals} refused`);
});

test('hy merge refusing a cut says only that: no warnings of a merge that did not happen', async () => {
  // Daily files quiet from a minute after midnight to a minute before the next: one run warns
  // of the quiet spells, and a merge warns as it does. A cut two hours after midnight lies in
  // the quiet: the later state read no tick before it, and the merge refuses the cut.
  const d = days(2, 30);
  const files = [join(d.dir, 'spot'), join(d.dir, 'perp')] as const;
  const cut = Date.UTC(2024, 7, 2) * 1000 - 2 * 3600 * S;
  const parts = await states(files, d.dir, [undefined, cut, undefined], { block: 10 * S, bootstrap: 0 });
  const run = fakeContext({ quiet: false });
  assert.throws(() => runMerge(parts, { format: 'json', quiet: false }, run.ctx), (e: unknown) => e instanceof DataError && /cut/.test(e.message));
  assert.doesNotMatch(run.stderr(), /no tick for/);
  // The same states cut where the data allows do warn (the spells are in them).
  const fine = await states(files, d.dir, [undefined, Date.UTC(2024, 7, 2) * 1000, undefined], { block: 10 * S, bootstrap: 0 }, 'ok');
  assert.match((await merged(fine, ['json'])).stderr, /no tick for 23 h 59 min/);
});
