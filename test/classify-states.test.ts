/**
 * classify --state and leadlag merge of classify states (docs/scale.md): the merge of states over
 * disjoint ranges prints, byte for byte in every format, what one classify run over all the data
 * prints — on the fixtures and on generated data with cuts inside a chain of jumps, between a
 * leader and its follower and between two triggers of a burst; every refusal, including a cut
 * where the right state lacks the quote history its first row reads (and would have printed a
 * different row); a truncated or edited state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, leadlag, tempFiles } from './cli-helpers.js';
import { fakeContext } from './context-helpers.js';
import { mulberry32 } from './prng.js';
import { PAIR } from './time-helpers.js';
import { renderClassify, runClassify, type ClassifyOptions } from '../src/cli/commands/classify.js';
import { runClassifyState } from '../src/cli/classify-state.js';
import { buildDataset, featureCsv } from '../src/cli/dataset.js';
import { runMergeAsync } from '../src/cli/commands/merge.js';
import { runPairState } from '../src/cli/pair-state.js';
import { analysisParamsOf } from '../src/cli/options.js';
import { makeStyle, renderOutput, type Output } from '../src/io/output.js';
import { DataError, UsageError } from '../src/errors.js';
import { signHeaderLine } from '../src/io/state-file.js';

const T0 = 1723118400e6; // 2024-08-08T12:00:00Z
const MS = 1000;
const S = 1_000_000;
const QUOTES = 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount';
const TRADES = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount';
const FORMATS = ['json', 'table', 'csv', 'tsv'] as const;

/** Small models and few replicates keep each evaluation well under a second. */
const OPTS: Omit<ClassifyOptions, 'trades'> = {
  format: 'json', quiet: true, clock: 'exchange', threshold: 0.0007, jumpWindow: 3000, pairWindow: 5000, grid: 1000, names: ['spot', 'perp'],
  feed: 'native', seed: 42, perClass: 1000, targetRecall: 0.5, split: 'random', folds: 5, features: 'base', tradeSide: 'quotes',
  trees: 20, depth: 4, eta: 0.1, bootstrap: 200, block: 10 * S, nullStep: S,
};

interface Inputs {
  readonly files: [string, string];
  readonly trades: string;
  readonly dir: string;
}

/** Every format's text and the warnings of one report. */
async function texts(out: Output, stderr: string): Promise<Record<string, string>> {
  const r: Record<string, string> = { stderr };
  for (const f of FORMATS) r[f] = await renderOutput(out, f, await makeStyle(false));
  return r;
}

async function single(inp: Inputs, o: Partial<ClassifyOptions> = {}): Promise<Record<string, string>> {
  const fc = fakeContext({ quiet: false });
  const report = await runClassify(inp.files, { ...OPTS, trades: inp.trades, ...o }, fc.ctx);
  return texts(renderClassify(report), fc.stderr());
}

/** One state per range between consecutive cuts (µs after T0; the first and last ranges open). */
async function shards(inp: Inputs, cuts: readonly number[], o: Partial<ClassifyOptions> = {}, prefix = 's'): Promise<string[]> {
  const edges = [undefined, ...cuts.map((c) => T0 + c), undefined];
  const out: string[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const state = join(inp.dir, `${prefix}${i}.state`);
    await runClassifyState(inp.files, { ...OPTS, trades: inp.trades, ...o, start: edges[i], end: edges[i + 1], state }, fakeContext({ quiet: true }).ctx);
    out.push(state);
  }
  return out;
}

async function merged(states: readonly string[], allowGaps = false): Promise<Record<string, string>> {
  const fc = fakeContext({ quiet: false });
  return texts(await runMergeAsync(states, { format: 'json', quiet: false, allowGaps }, fc.ctx), fc.stderr());
}

const refused = (p: Promise<unknown>, pattern: RegExp) => assert.rejects(p, (e: unknown) => e instanceof DataError && pattern.test(e.message));

/** The labelled rows of a run as [t − T0, label] (the data set, no training). */
async function rowsOf(inp: Inputs, o: Partial<ClassifyOptions> = {}): Promise<[number, number][]> {
  const opts = { ...OPTS, trades: inp.trades, ...o };
  const { dataset } = await buildDataset(inp.files, opts, analysisParamsOf(opts), fakeContext({ quiet: true }).ctx);
  return Array.from(dataset.t, (t, i) => [t - T0, dataset.labels[i]!]);
}

/** The spot jumps of a run's span that are no trigger (the data set, no training). */
async function leftOutOf(inp: Inputs, o: Partial<ClassifyOptions> = {}): Promise<{ follows: number; simultaneous: number }> {
  const opts = { ...OPTS, trades: inp.trades, ...o };
  return (await buildDataset(inp.files, opts, analysisParamsOf(opts), fakeContext({ quiet: true }).ctx)).leftOut;
}

function quoteCsv(rows: readonly (readonly [number, number])[]): string {
  return `${QUOTES}\n${rows.map(([t, mid]) => `binance,BTCUSDT,${T0 + t},${T0 + t},1,${(mid + 0.01).toFixed(2)},${(mid - 0.01).toFixed(2)},1`).join('\n')}\n`;
}

/**
 * 60 s of generated quotes and trades. Quiet quotes every 10 ms (spot at +1 ms, perp at +7 ms);
 * trades every 5 ms (+2 ms and +6 ms) at the spot's ask or bid; every 400 ms an event at +3 ms of
 * its 10 ms (θ = 0.07 % of 60 000 is 42 USD, W = 3 ms, D = 5 ms):
 * - lead: spot ±60, the perp ±60 2 ms later (a pair spot leads);
 * - noise: spot ±60 alone;
 * - perp first: the perp ±60, spot 2 ms later (spot follows: not a trigger);
 * - chain: spot ±50 at +0, +2 and +4 ms (a jump each, each within W of the last), the perp ±150 at +5 ms
 *   (the chain's first jump leads, the other two are noise).
 * Returns the files and, per kind, the event times (µs after T0).
 */
function generated(seed: number): { a: string; b: string; trades: string; events: Record<string, number[]> } {
  const rnd = mulberry32(seed);
  type Move = { t: number; m: 'a' | 'b'; dp: number };
  const moves: Move[] = [];
  const events: Record<string, number[]> = { lead: [], noise: [], perpFirst: [], chain: [] };
  let level = 60000; // the spot's, to choose each event's direction
  for (let k = 0; 2 * S + k * 400 * MS < 58 * S; k++) {
    const t = 2 * S + k * 400 * MS + Math.floor(rnd() * 4) * 10 * MS + 3 * MS;
    // Drift back towards 60 000 so prices stay in range.
    const sign = rnd() < (level > 60000 ? 0.7 : 0.3) ? -1 : 1;
    const r = rnd();
    const kind = k % 10 === 5 ? 'chain' : r < 0.45 ? 'lead' : r < 0.85 ? 'noise' : 'perpFirst';
    events[kind]!.push(t);
    if (kind === 'lead') moves.push({ t, m: 'a', dp: 60 * sign }, { t: t + 2 * MS, m: 'b', dp: 60 * sign });
    else if (kind === 'noise') moves.push({ t, m: 'a', dp: 60 * sign });
    else if (kind === 'perpFirst') moves.push({ t, m: 'b', dp: 60 * sign }, { t: t + 2 * MS, m: 'a', dp: 60 * sign });
    else moves.push({ t, m: 'a', dp: 50 * sign }, { t: t + 2 * MS, m: 'a', dp: 50 * sign }, { t: t + 4 * MS, m: 'a', dp: 50 * sign }, { t: t + 5 * MS, m: 'b', dp: 150 * sign });
    level += moves.filter((mv) => mv.t >= t && mv.m === 'a').reduce((s, mv) => s + mv.dp, 0);
  }
  for (let t = 0; t < 60 * S; t += 10 * MS) moves.push({ t: t + 1 * MS, m: 'a', dp: 0 }, { t: t + 7 * MS, m: 'b', dp: 0 });
  moves.sort((x, y) => x.t - y.t);
  const rows = { a: [] as [number, number][], b: [] as [number, number][] };
  const mid = { a: 60000, b: 60000 };
  for (const mv of moves) {
    mid[mv.m] += mv.dp;
    rows[mv.m].push([mv.t, mid[mv.m]]);
  }
  // Trades at +2 ms and +6 ms of every 10 ms, against the spot quote as of then.
  const trades: string[] = [];
  let q = 0;
  for (let t = 2 * MS, id = 1; t < 60 * S; t += t % (10 * MS) === 2 * MS ? 4 * MS : 6 * MS, id++) {
    while (q + 1 < rows.a.length && rows.a[q + 1]![0] <= t) q++;
    const m = rows.a[q]![1];
    const buy = rnd() < 0.5;
    trades.push(`binance,BTCUSDT,${T0 + t},${T0 + t},${id},${buy ? 'buy' : 'sell'},${(buy ? m + 0.01 : m - 0.01).toFixed(2)},${(0.001 + Math.floor(rnd() * 100) / 1000).toFixed(3)}`);
  }
  return { a: quoteCsv(rows.a), b: quoteCsv(rows.b), trades: `${TRADES}\n${trades.join('\n')}\n`, events };
}

function generatedInputs(seed = 7): Inputs & { events: Record<string, number[]> } {
  const g = generated(seed);
  const dir = tempFiles({ 'spot.csv': g.a, 'perp.csv': g.b, 'trades.csv': g.trades });
  return { files: [join(dir, 'spot.csv'), join(dir, 'perp.csv')], trades: join(dir, 'trades.csv'), dir, events: g.events };
}

function fixtureInputs(): Inputs {
  const fx = (name: string) => join(FIXTURES, 'tardis', name);
  return { files: [fx('spot_quotes.csv'), fx('perp_quotes.csv')], trades: fx('spot_trades.csv'), dir: tempFiles({}) };
}

test('classify states on generated data: cuts inside a chain of jumps, between a leader and its follower and at a burst give one run\'s output in every format', async () => {
  const inp = generatedInputs();
  const rows = await rowsOf(inp);
  const label = (t: number) => rows.find(([x]) => x === t)?.[1];
  // By construction (see generated): each lead event's spot jump leads, each noise event's is noise,
  // a perp-first event's spot jump follows (no row), a chain's first jump leads and the next two are noise.
  const { lead, noise, perpFirst, chain } = inp.events as Record<string, number[]>;
  for (const t of lead!) assert.equal(label(t), 1, `lead at ${t}`);
  for (const t of noise!) assert.equal(label(t), 0, `noise at ${t}`);
  for (const t of perpFirst!) assert.equal(label(t + 2 * MS), undefined, `follower at ${t}`);
  for (const t of chain!) assert.deepEqual([label(t), label(t + 2 * MS), label(t + 4 * MS)], [1, 0, 0], `chain at ${t}`);
  assert.equal(rows.length, lead!.length + noise!.length + 3 * chain!.length);
  // The left-out spot jumps are the perp-first events' followers; no event is simultaneous.
  assert.deepEqual(await leftOutOf(inp), { follows: perpFirst!.length, simultaneous: 0 });
  assert.ok(perpFirst!.length > 0);

  const cuts = [chain![1]! + 3 * MS, lead![7]! + 1 * MS, chain![3]! + 1 * MS].sort((x, y) => x - y);
  for (const o of [{}, { features: 'extended', split: 'walk-forward', folds: 3 }, { feed: 'locf', balanced: true }] as Partial<ClassifyOptions>[]) {
    const whole = await single(inp, o);
    assert.deepEqual(await merged(await shards(inp, cuts, o)), whole, JSON.stringify(o));
  }
});

test('classify states on the fixtures: two and three states, cuts between triggers 40 ms apart and between a leader and its follower', async () => {
  const inp = fixtureInputs();
  const rows = await rowsOf(inp);
  // The two closest triggers and the first lead, to cut right after it (its follower lies in the next range).
  let close = 1;
  for (let i = 1; i < rows.length; i++) if (rows[i]![0] - rows[i - 1]![0] < rows[close]![0] - rows[close - 1]![0]) close = i;
  const burst = Math.floor((rows[close]![0] + rows[close - 1]![0]) / 2);
  const leader = rows.find(([t, y]) => y === 1 && t > 30 * S)![0] + 1;
  assert.ok(rows[close]![0] - rows[close - 1]![0] <= 50 * MS);
  for (const [o, cuts] of [[{}, [burst]], [{ features: 'extended', split: 'time' }, [burst, leader]], [{ split: 'walk-forward', folds: 2 }, [leader, 60 * S]]] as [Partial<ClassifyOptions>, number[]][]) {
    const whole = await single(inp, o);
    const states = await shards(inp, cuts, o);
    assert.deepEqual(await merged(states), whole, JSON.stringify(o));
    assert.deepEqual(await merged([...states].reverse()), whole, 'any order');
  }
});

test('a range\'s states merge into the range\'s run; --allow-gaps counts the ranges given', async () => {
  const inp = generatedInputs();
  const states = await shards(inp, [10 * S, 25 * S, 35 * S, 50 * S]);
  const inner = states.slice(1, 4);
  assert.deepEqual(await merged(inner), await single(inp, { start: T0 + 10 * S, end: T0 + 50 * S }));
  await refused(merged([states[0]!, states[2]!]), /s0\.state and .*s2\.state.*no state owns \[2024-08-08T12:00:10\.000000Z, 2024-08-08T12:00:25\.000000Z\) between them/);
  // Without [10 s, 25 s): the counts are the whole's less that range's triggers.
  const gaps = JSON.parse((await merged([states[0]!, ...states.slice(2)], true)).json!);
  const whole = JSON.parse((await single(inp)).json!);
  const middle = await rowsOf(inp, { start: T0 + 10 * S, end: T0 + 25 * S });
  const middleLeads = middle.filter(([, y]) => y === 1).length;
  const middleLeft = await leftOutOf(inp, { start: T0 + 10 * S, end: T0 + 25 * S });
  assert.ok(middleLeads > 0 && middleLeft.follows > 0);
  const lead = whole.counts.lead - middleLeads;
  const noise = whole.counts.noise - (middle.length - middleLeads);
  const follows = whole.counts.follows - middleLeft.follows;
  const simultaneous = whole.counts.simultaneous - middleLeft.simultaneous;
  assert.deepEqual(gaps.counts, { lead, noise, follows, simultaneous, jumps: lead + noise + follows + simultaneous });
});

test('a state over a range where the two markets do not overlap holds no triggers, and the day\'s states merge into one run without --allow-gaps', async () => {
  // The perp's quotes stop at 30 s; the state of [45 s, …) reads spot quotes and trades only (its
  // read margin, 1 s + W + D + G + 10 × the 1 s chance step + the features' look-back, reaches
  // back to about 34 s, not to 30 s). One run's span ends at 30 s, so that state owns nothing of
  // it: the merge of the three states is the one run, in every format.
  const inp = generatedInputs();
  const perp = readFileSync(inp.files[1], 'utf8').split('\n');
  const kept = perp.filter((line, i) => i === 0 || (line !== '' && Number(line.split(',')[2]) < T0 + 30 * S));
  assert.ok(kept.length > 1000 && kept.length < perp.length - 1000, `${kept.length} of ${perp.length} perp lines kept`);
  writeFileSync(join(inp.dir, 'perp-short.csv'), `${kept.join('\n')}\n`);
  const short: Inputs = { ...inp, files: [inp.files[0], join(inp.dir, 'perp-short.csv')] };
  const states = await shards(short, [10 * S, 45 * S]);
  const last = JSON.parse(readFileSync(states[2]!, 'utf8').split('\n')[0]!) as { data_span: unknown; triggers: { lead: number; noise: number } };
  assert.equal(last.data_span, null, 'the last state read no perp quote: no common span');
  assert.deepEqual(last.triggers, { lead: 0, noise: 0, follows: 0, simultaneous: 0 });
  assert.deepEqual(await merged(states), await single(short));
});

test('classify states past the end of the data (an hourly plan\'s last hours) merge into the one run', async () => {
  // The fixtures end at 80 s. States of [0, 40 s), [40 s, 100 s) and [100 s, 160 s): the last
  // reads nothing and holds no row, so no quote history is missing for it (it was refused: "the
  // right state did not read the spot quote at 00:00:39.99…"), as pair's merge accepts such states.
  const inp = fixtureInputs();
  const edges = [0, 40, 100, 160].map((k) => T0 + k * S);
  const states: string[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const state = join(inp.dir, `past${i}.state`);
    await runClassifyState(inp.files, { ...OPTS, trades: inp.trades, start: edges[i], end: edges[i + 1], state }, fakeContext({ quiet: true }).ctx);
    states.push(state);
  }
  assert.deepEqual(await merged(states), await single(inp, { start: edges[0], end: edges[3] }));
});

test('merge of classify states of which one does not record its left-out jumps (written before they were) says so, with null counts', async () => {
  const inp = generatedInputs();
  const states = await shards(inp, [30 * S]);
  const whole = JSON.parse((await single(inp)).json!);
  // The first state as an earlier leadlag wrote it: its triggers without follows and simultaneous.
  const [head, ...rest] = readFileSync(states[0]!, 'utf8').split('\n');
  const h = JSON.parse(head!) as { triggers: Record<string, number> };
  delete h.triggers.follows;
  delete h.triggers.simultaneous;
  writeFileSync(states[0]!, [signHeaderLine(h), ...rest].join('\n'));
  const out = await merged(states);
  assert.deepEqual(JSON.parse(out.json!).counts, { lead: whole.counts.lead, noise: whole.counts.noise, follows: null, simultaneous: null, jumps: null });
  const total = whole.counts.lead + whole.counts.noise;
  assert.match(out.table!, new RegExp(`\\ntriggers: ${total} spot jumps \\(native feed\\) in the span that lead or are noise \\(the states do not record how many were left out\\): `));
});

test('merge refuses classify states with different options, overlapping ranges, or mixed with pair states', async () => {
  const inp = generatedInputs();
  const [s0] = await shards(inp, [30 * S]);
  const other = join(inp.dir, 'other.state');
  await runClassifyState(inp.files, { ...OPTS, trades: inp.trades, trees: 30, start: T0 + 30 * S, state: other }, fakeContext({ quiet: true }).ctx);
  await refused(merged([s0!, other]), /s0\.state and .*other\.state.*different parameters \(trees: 20 vs 30\)/);
  const late = join(inp.dir, 'late.state');
  await runClassifyState(inp.files, { ...OPTS, trades: inp.trades, start: T0 + 20 * S, state: late }, fakeContext({ quiet: true }).ctx);
  await refused(merged([s0!, late]), /overlap/);
  const pair = join(inp.dir, 'pair.state');
  await runPairState(inp.files, { ...PAIR, start: T0 + 30 * S, state: pair }, fakeContext({ quiet: true }).ctx);
  await refused(merged([s0!, pair]), /states of different commands \(classify and pair\)/);
});

test('merge refuses a truncated or edited classify state (checksum)', async () => {
  const inp = generatedInputs();
  const [s0, s1] = await shards(inp, [30 * S]);
  const text = readFileSync(s1!, 'utf8');
  // One label flipped: the JSON stays valid, the checksum does not.
  const edited = text.replace(/\[(\d{16}),1,/, (_, t: string) => `[${t},0,`);
  assert.notEqual(edited, text);
  writeFileSync(s1!, edited);
  await refused(merged([s0!, s1!]), /s1\.state.*checksum.*truncated or edited/);
  writeFileSync(s1!, text.slice(0, text.length - 30));
  await refused(merged([s0!, s1!]), /checksum/);
});

test('merge refuses a cut where the right state did not read the quote its first row reads, where that row would differ', async () => {
  // Spot ticks every 10 ms, none in [C − 1.2 s, C − 9 ms), then one at C − 9 ms 20 USD higher (no
  // jump: 0.033 % < θ); a spot jump at C + 4 ms. Its vol_20ms reads M(C − 16 ms): one run has the
  // tick before the gap, the right state (reading from C − M, M = 1 s + W + D + G + 10 × the
  // 100 µs chance step + 20 ms = 1.030 s) only the one at C − 9 ms, so the rows differ and the
  // merge must refuse. (A chance step of 100 µs keeps the pairings' reach, D + 10 steps = 6 ms,
  // short of that tick, so the refusal is the history's, which is this test's.)
  const C = 30 * S;
  const spot: [number, number][] = [];
  const perp: [number, number][] = [];
  for (let t = 1 * MS; t < 60 * S; t += 10 * MS) {
    if (t < C - 1.2 * S || t >= C) spot.push([t, t < C ? 60000 : 60020]);
    perp.push([t + 6 * MS, 60000]);
  }
  spot.push([C - 9 * MS, 60020], [C + 4 * MS, 60080]);
  spot.sort((x, y) => x[0] - y[0]);
  const trades = `${TRADES}\n${Array.from({ length: 100 }, (_, i) => `binance,BTCUSDT,${T0 + i * 500 * MS + 2 * MS},${T0 + i * 500 * MS + 2 * MS},${i},buy,60000.01,0.010`).join('\n')}\n`;
  const dir = tempFiles({ 'spot.csv': quoteCsv(spot), 'perp.csv': quoteCsv(perp), 'trades.csv': trades });
  const inp: Inputs = { files: [join(dir, 'spot.csv'), join(dir, 'perp.csv')], trades: join(dir, 'trades.csv'), dir };
  const states = await shards(inp, [C], { nullStep: 100 });
  // The quote it names is the last before the gap: spot ticks at +1 ms of every 10 ms, so 28.791 s (C − 1.209 s).
  await refused(merged(states), /at the cut 2024-08-08T12:00:30\.000000Z the right state did not read the spot quote at 2024-08-08T12:00:28\.791000Z, .*quiet for longer than the read margin/);
  // The row it protects: the right state's vol_20ms at C + 4 ms is not the one run's.
  const dumpOne = join(dir, 'one.csv');
  const dumpRight = join(dir, 'right.csv');
  const opts = { ...OPTS, trades: inp.trades, nullStep: 100 };
  const { dataset } = await buildDataset(inp.files, opts, analysisParamsOf(opts), fakeContext({ quiet: true }).ctx);
  writeFileSync(dumpOne, await featureCsv(dataset));
  await runClassifyState(inp.files, { ...opts, start: T0 + C, dumpFeatures: dumpRight, state: join(dir, 'r.state') }, fakeContext({ quiet: true }).ctx);
  const rowAt = (file: string) => readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${T0 + C + 4 * MS},`))!.split(',');
  const [one, right] = [rowAt(dumpOne), rowAt(dumpRight)];
  assert.equal(one[0], right[0]);
  assert.notEqual(one[3], right[3], 'vol_20ms');
});

test('classify --state: the state grows with the triggers, not with the ticks', async () => {
  // Level prices: no jump, so the state holds the same members over 10 s and over 40 s of ticks.
  const rows = Array.from({ length: 5000 }, (_, i) => [i * 10 * MS + 1, 60000] as [number, number]);
  const trades = `${TRADES}\n${Array.from({ length: 500 }, (_, i) => `binance,BTCUSDT,${T0 + i * 100 * MS + 2},${T0 + i * 100 * MS + 2},${i},buy,60000.01,0.010`).join('\n')}\n`;
  const dir = tempFiles({ 'a.csv': quoteCsv(rows), 'b.csv': quoteCsv(rows.map(([t, p]) => [t + 5, p])), 't.csv': trades });
  const inp: Inputs = { files: [join(dir, 'a.csv'), join(dir, 'b.csv')], trades: join(dir, 't.csv'), dir };
  const size = async (end: number) => {
    const state = join(dir, `${end}.state`);
    await runClassifyState(inp.files, { ...OPTS, trades: inp.trades, start: T0 + 2 * S, end: T0 + end, state }, fakeContext({ quiet: true }).ctx);
    return statSync(state).size;
  };
  const short = await size(10 * S);
  const long = await size(40 * S);
  // Only the digits of the tick counts and times may differ.
  assert.ok(Math.abs(long - short) < 16, `${short} vs ${long} bytes`);
});

test('classify --state refuses --save-model and a state path that is an input, before reading', async () => {
  const inp = fixtureInputs();
  const ctx = fakeContext({ quiet: true }).ctx;
  await assert.rejects(runClassifyState(inp.files, { ...OPTS, trades: inp.trades, state: join(inp.dir, 'x.state'), saveModel: join(inp.dir, 'm.json') }, ctx), (e: unknown) => e instanceof UsageError && /--save-model goes without --state/.test(e.message));
  await assert.rejects(runClassifyState(inp.files, { ...OPTS, trades: inp.trades, state: inp.trades }, ctx), (e: unknown) => e instanceof UsageError && /--state .*spot_trades\.csv is the same file as the input/.test(e.message));
});

test('leadlag merge (the built CLI) of classify states prints what leadlag classify prints', async () => {
  const fx = (name: string) => join(FIXTURES, 'tardis', name);
  const dir = tempFiles({});
  const args = [fx('spot_quotes.csv'), fx('perp_quotes.csv'), '--trades', fx('spot_trades.csv'), '--trees', '20', '--bootstrap', '100'];
  const cut = String(T0 + 40 * S);
  for (const [name, range] of [['a', ['--end', cut]], ['b', ['--start', cut]]] as const) {
    const r = await leadlag(['classify', ...args, ...range, '--state', join(dir, `${name}.state`)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /wrote .*\.state \(\d+ bytes, \d+ triggers/);
  }
  const one = await leadlag(['classify', ...args, '--format', 'json']);
  const m = await leadlag(['merge', join(dir, 'b.state'), join(dir, 'a.state'), '--format', 'json']);
  assert.equal(m.code, 0, m.stderr);
  assert.equal(m.stdout, one.stdout);
  assert.equal(m.stderr, one.stderr);
  writeFileSync(join(dir, 'b.state'), readFileSync(join(dir, 'b.state'), 'utf8').slice(0, -20));
  const bad = await leadlag(['merge', join(dir, 'a.state'), join(dir, 'b.state')]);
  assert.equal(bad.code, 65);
  assert.match(bad.stderr, /b\.state.*checksum/);
});

/** The fixture's inputs with perp's quotes from 3 s to 65 s left out: one quiet spell of about 62.6 s. */
function quietPerpInputs(): Inputs {
  const inp = fixtureInputs();
  const perp = readFileSync(inp.files[1], 'utf8').split('\n');
  const kept = perp.filter((line, i) => i === 0 || (line !== '' && !(Number(line.split(',')[2]) > T0 + 3 * S && Number(line.split(',')[2]) < T0 + 65 * S)));
  writeFileSync(join(inp.dir, 'perp-quiet.csv'), `${kept.join('\n')}\n`);
  return { ...inp, files: [inp.files[0], join(inp.dir, 'perp-quiet.csv')] };
}

test('merge warns of a quiet spell inside a quote file as the one classify run does', async () => {
  // The spell lies inside the middle state's range [1 s, 70 s). At the default 0.07 % the 18 s
  // with perp quotes hold 11 leads, of which the hold-out would train on 7; at 0.03 % they hold
  // 16 (11 train), enough to train on. The chance pairs shift perp by 10 × 100 ms at most: with
  // the default 10 × 1 s, the perp's first jump after the spell (5.6 s before the cut at 70 s)
  // would lie within their reach of the cut, where the right state's detector starts fresh, and
  // the merge refuses that cut, as pair's does.
  const quiet = quietPerpInputs();
  const o = { threshold: 0.0003, nullStep: 100 * MS };
  const want = await single(quiet, o);
  assert.match(want.stderr!, /perp-quiet\.csv has no tick for 62\.\d+ s/);
  assert.equal(JSON.parse(want.json!).counts.lead, 16);
  assert.deepEqual(await merged(await shards(quiet, [1 * S, 70 * S], o)), want);
});

test('merge refusing a classify cut says only that: no quiet-spell warnings of a merge that did not happen', async () => {
  // The same quiet perp (no tick from 3 s to 65 s), cut at 30 s inside the spell: the earlier
  // state's data ends at 3 s, inside the range it owns, and the merge refuses the cut.
  const quiet = quietPerpInputs();
  const fc = fakeContext({ quiet: false });
  await refused(runMergeAsync(await shards(quiet, [30 * S], {}, 'q'), { format: 'json', quiet: false }, fc.ctx), /a market is quiet there for longer than the pairings reach across a cut/);
  assert.doesNotMatch(fc.stderr(), /no tick for/);
});
