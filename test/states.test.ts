/**
 * pair --state and leadlag merge (docs/scale.md): the merge of states over disjoint ranges is
 * the one run over all the data, with cuts placed inside a pair, inside a chain of jumps (a
 * burst of moves), at a burst of rows sharing a timestamp and inside a jump's window; every
 * refusal; states of other versions; truncated and edited states.
 */
import { test } from 'node:test';
import { Chalk } from 'chalk';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { fakeContext, leadlagInProcess } from './context-helpers.js';
import { PAIR } from './time-helpers.js';
import { renderPair, runPair, type PairOptions } from '../src/cli/commands/pair.js';
import { mergePairStates, runPairState } from '../src/cli/pair-state.js';
import { runMerge } from '../src/cli/commands/merge.js';
import { LEADLAG_VERSION } from '../src/cli/version.js';
import { DataError, EXIT, OpenError, UsageError } from '../src/errors.js';
import { readStateFile, signHeaderLine, stateCommandAt } from '../src/io/state-file.js';
import { renderOutput } from '../src/io/output.js';

const T0 = 1723118400e6; // 2024-08-08T12:00:00Z
const MS = 1000;
const S = 1_000_000;
const HEADER = 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount';
// Shifts of 100 ms keep the margins near two seconds (m = W + D + 10 × 100 ms).
const OPTS: PairOptions = { ...PAIR, nullStep: 100 * MS, bootstrap: 30, block: 5 * S };

/** Tardis rows with mid price `mid` (bid and ask one cent either side); several rows may share a time (a burst). */
function csv(rows: readonly (readonly [number, number])[]): string {
  return `${HEADER}\n${rows.map(([t, mid]) => `binance,BTCUSDT,${T0 + t},${T0 + t},1,${(mid + 0.01).toFixed(2)},${(mid - 0.01).toFixed(2)},1`).join('\n')}\n`;
}

/**
 * 50 s of two markets: quiet ticks every 10 ms (A at +1 ms, B at +7 ms, level prices) and
 * events placed by hand (θ = 0.07 % of 60 000 is 42 USD, W = 3 ms, D = 5 ms):
 * - 10 s: A +60 at 10.002, B +60 at 10.004: a pair A leads by 2 ms;
 * - 20 s: A +50 at 20.000, 20.002, 20.004 (a chain of jumps each within W of the last), B +150 at 20.005;
 * - 30 s: a burst of three A rows at 30.000 (60 100, 60 000, then 60 060: the last is the state), B +60 at 30.001;
 * - 40 s: A +30 at 40.000 and +30 at 40.002 (a jump of 60 within W at 40.002, none at 40.000), B +60 at 40.003.
 */
function scenario(): { a: string; b: string; cuts: Record<string, number> } {
  type Row = { t: number; m: 'a' | 'b'; dp: number; burst?: number[] };
  const rows: Row[] = [
    { t: 10 * S + 2 * MS, m: 'a', dp: 60 },
    { t: 10 * S + 4 * MS, m: 'b', dp: 60 },
    { t: 20 * S, m: 'a', dp: 50 },
    { t: 20 * S + 2 * MS, m: 'a', dp: 50 },
    { t: 20 * S + 4 * MS, m: 'a', dp: 50 },
    { t: 20 * S + 5 * MS, m: 'b', dp: 150 },
    { t: 30 * S, m: 'a', dp: 60, burst: [100, 0] },
    { t: 30 * S + 1 * MS, m: 'b', dp: 60 },
    { t: 40 * S, m: 'a', dp: 30 },
    { t: 40 * S + 2 * MS, m: 'a', dp: 30 },
    { t: 40 * S + 3 * MS, m: 'b', dp: 60 },
  ];
  // Quiet ticks at the level of their time: A at +1 ms, B at +7 ms of every 10 ms (no event shares their times).
  for (let t = 0; t < 50 * S; t += 10 * MS) rows.push({ t: t + 1 * MS, m: 'a', dp: 0 }, { t: t + 7 * MS, m: 'b', dp: 0 });
  rows.sort((x, y) => x.t - y.t);
  const out = { a: [] as [number, number][], b: [] as [number, number][] };
  const level = { a: 60000, b: 60000 };
  for (const r of rows) {
    for (const x of r.burst ?? []) out[r.m].push([r.t, level[r.m] + x]);
    level[r.m] += r.dp;
    out[r.m].push([r.t, level[r.m]]);
  }
  return {
    a: csv(out.a),
    b: csv(out.b),
    cuts: { insidePair: 10 * S + 3 * MS, insideChain: 20 * S + 3 * MS, atBurst: 30 * S, insideJumpWindow: 40 * S + 1 * MS },
  };
}

/** Writes one state per range between consecutive cuts (the first and last open) and returns their paths. */
async function shards(files: [string, string], dir: string, cuts: readonly number[], o: Partial<PairOptions> = {}): Promise<string[]> {
  const edges = [undefined, ...cuts.map((c) => T0 + c), undefined];
  const out: string[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const state = join(dir, `s${i}.state`);
    await runPairState(files, { ...OPTS, ...o, start: edges[i], end: edges[i + 1], state }, fakeContext({ quiet: true }).ctx);
    out.push(state);
  }
  return out;
}

async function single(files: [string, string], o: Partial<PairOptions> = {}) {
  return renderPair(await runPair(files, { ...OPTS, ...o }, fakeContext({ quiet: true }).ctx)).json as Record<string, Record<string, number>>;
}

function merged(states: readonly string[], allowGaps = false) {
  return runMerge(states, { format: 'json', quiet: true, allowGaps }, fakeContext({ quiet: true }).ctx).json as Record<string, Record<string, number>>;
}

function setup() {
  const s = scenario();
  const dir = tempFiles({ 'a.csv': s.a, 'b.csv': s.b });
  return { files: [join(dir, 'a.csv'), join(dir, 'b.csv')] as [string, string], dir, cuts: s.cuts };
}

/** A data error (exit 65, as the entry point exits with it) whose message matches `pattern`. */
const refused = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof DataError && e.exitCode === EXIT.data && pattern.test(e.message));

/** A Tardis file's text keeping the header and the rows whose time (µs after T0) passes `keep`. */
function keepRows(text: string, keep: (t: number) => boolean): string {
  const [header, ...rows] = text.trimEnd().split('\n');
  return `${[header, ...rows.filter((r) => keep(Number(r.split(',')[2]) - T0))].join('\n')}\n`;
}

test('merge: cuts inside a pair, inside a chain of jumps, at a burst and inside a jump\'s window give the one run\'s JSON', async () => {
  const { files, dir, cuts } = setup();
  const whole = await single(files);
  // By construction: 4 pairs, all led by A (the chain's first jump pairs with B's +150 at 20.005;
  // its later two jumps are noise), 6 A jumps (1 + 3 + 1 + 1) and 4 B jumps.
  assert.equal(whole.native!.paired_events, 4);
  assert.equal(whole.native!.spot_leads_perp, 4);
  assert.equal(whole.native!.total_spot_jumps, 6);
  assert.equal(whole.native!.total_perp_jumps, 4);
  const states = await shards(files, dir, Object.values(cuts));
  assert.deepEqual(merged(states), whole);
  // The order of the arguments does not matter.
  assert.deepEqual(merged([...states].reverse()), whole);
});

test('merge: with --by, each window is the one run\'s window, and a cut inside a window splits it exactly', async () => {
  const { files, dir, cuts } = setup();
  const whole = await single(files, { by: { kind: 'time', us: 15 * S } });
  const states = await shards(files, dir, [cuts.insidePair, cuts.atBurst], { by: { kind: 'time', us: 15 * S } });
  assert.deepEqual(merged(states), whole);
  assert.ok(Array.isArray((whole as Record<string, unknown>).windows));
});

test('merge: a state covering everything is the one run; a range run plus its neighbours is the range', async () => {
  const { files, dir } = setup();
  assert.deepEqual(merged(await shards(files, dir, [])), await single(files));
  const start = T0 + 5 * S;
  const end = T0 + 45 * S;
  const states: string[] = [];
  for (const [i, [s, e]] of [[start, T0 + 25 * S], [T0 + 25 * S, end]].entries()) {
    const state = join(dir, `r${i}.state`);
    await runPairState(files, { ...OPTS, start: s, end: e, state }, fakeContext({ quiet: true }).ctx);
    states.push(state);
  }
  assert.deepEqual(merged(states), await single(files, { start, end }));
});

test('merge: states for ranges past the end of the data merge into the one run (nothing after the data can change a decision)', async () => {
  const { files, dir } = setup();
  // The data ends at 50 s; the states from 60 s and 70 s on read no tick of either market.
  const states = await shards(files, dir, [30 * S, 60 * S, 70 * S]);
  assert.deepEqual(merged(states), await single(files));
});

test('merge refuses different parameters, naming both files', async () => {
  const { files, dir } = setup();
  const [s0] = await shards(files, join(dir), [25 * S]);
  const other = join(dir, 'other.state');
  await runPairState(files, { ...OPTS, pairWindow: 4000, start: T0 + 25 * S, state: other }, fakeContext({ quiet: true }).ctx);
  refused(() => merged([s0!, other]), /s0\.state and .*other\.state.*different parameters.*pair_window_us: 5000 vs 4000/);
});

test('merge refuses overlapping ranges and missing ranges (unless --allow-gaps)', async () => {
  const { files, dir } = setup();
  const ctx = fakeContext({ quiet: true }).ctx;
  const st = async (name: string, start?: number, end?: number) => {
    const state = join(dir, name);
    await runPairState(files, { ...OPTS, start: start === undefined ? undefined : T0 + start, end: end === undefined ? undefined : T0 + end, state }, ctx);
    return state;
  };
  const a = await st('a.state', undefined, 20 * S);
  const b = await st('b.state', 15 * S, undefined);
  refused(() => merged([a, b]), /a\.state and .*b\.state.*overlap/);
  const c = await st('c.state', 25 * S, undefined);
  // a owns up to 20 s and c from 25 s on (T0 is 12:00:00Z).
  refused(() => merged([a, c]), /a\.state and .*c\.state.*no state owns \[2024-08-08T12:00:20\.000000Z, 2024-08-08T12:00:25\.000000Z\) between them/);
  // With --allow-gaps the counts are those of the ranges given: the two outside [20 s, 25 s).
  const gaps = merged([a, c], true);
  const middle = await single(files, { start: T0 + 20 * S, end: T0 + 25 * S });
  const whole = await single(files);
  assert.equal(gaps.native!.total_spot_jumps, whole.native!.total_spot_jumps! - middle.native!.total_spot_jumps!);
  assert.ok(middle.native!.total_spot_jumps! > 0);
  // The output says it is partial: the JSON member names [20 s, 25 s), json and csv warn on
  // stderr, and the table says so above itself (first line) instead.
  assert.deepEqual((gaps as unknown as { missing_ranges: unknown }).missing_ranges, [{ start_us: T0 + 20 * S, end_us: T0 + 25 * S, start: '2024-08-08T12:00:20.000000Z', end: '2024-08-08T12:00:25.000000Z' }]);
  for (const format of ['json', 'csv', 'table'] as const) {
    const fc = fakeContext({ format });
    const out = runMerge([a, c], { format, quiet: false, allowGaps: true }, fc.ctx);
    const note = /partial: the states leave 1 range out \(2024-08-08T12:00:20\.000000Z to 2024-08-08T12:00:25\.000000Z\); the tables count only the ranges given/;
    if (format === 'table') {
      assert.match(out.human({ c: new Chalk({ level: 0 }), colour: false }).split('\n')[0]!, note);
      assert.equal(fc.stderr(), '');
    } else assert.match(fc.stderr(), note, format);
  }
  // Without a gap nothing is said and the JSON has no such member.
  const [s0, s1] = await shards(files, dir, [20 * S]);
  assert.equal('missing_ranges' in merged([s0!, s1!]), false);
  // Two pairs, X whole and Y with the gap: the note names Y's.
  const x = join(dir, 'x.state');
  await runPairState(files, { ...OPTS, label: 'X', state: x }, ctx);
  const ya = join(dir, 'ya.state');
  const yc = join(dir, 'yc.state');
  await runPairState(files, { ...OPTS, label: 'Y', end: T0 + 20 * S, state: ya }, ctx);
  await runPairState(files, { ...OPTS, label: 'Y', start: T0 + 25 * S, state: yc }, ctx);
  const fc = fakeContext({ format: 'csv' });
  runMerge([x, ya, yc], { format: 'csv', quiet: false, allowGaps: true }, fc.ctx);
  assert.match(fc.stderr(), /partial: the states leave 1 range out \(Y: 2024-08-08T12:00:20\.000000Z to 2024-08-08T12:00:25\.000000Z\)/);
});

test('merge refuses states of another leadlag version or another state format version', async () => {
  const { files, dir } = setup();
  const [s0, s1] = await shards(files, dir, [25 * S]);
  const [head, body] = readFileSync(s1!, 'utf8').split('\n');
  const h = JSON.parse(head!) as Record<string, unknown>;
  // Signed as another version would sign it (an unsigned edit is refused as edited: below).
  writeFileSync(s1!, `${signHeaderLine({ ...h, leadlag_version: '0.0.9' })}\n${body}\n`);
  refused(() => merged([s0!, s1!]), /different versions of leadlag \(0\.1\.0 and 0\.0\.9\)/);
  writeFileSync(s1!, `${signHeaderLine({ ...h, format_version: 2 })}\n${body}\n`);
  refused(() => merged([s0!, s1!]), /s1\.state.*state format version 2/);
});

test('merge of states all written by another version merges them and says so; of this version, says nothing', async () => {
  const { files, dir } = setup();
  const [s0, s1] = await shards(files, dir, [25 * S]);
  const same = await leadlagInProcess(['merge', s0!, s1!, '--format', 'json']);
  assert.equal(same.code, 0, same.stderr);
  assert.doesNotMatch(same.stderr, /written by leadlag/);
  for (const s of [s0!, s1!]) {
    const [head, body] = readFileSync(s, 'utf8').split('\n');
    writeFileSync(s, `${signHeaderLine({ ...(JSON.parse(head!) as Record<string, unknown>), leadlag_version: '0.0.9' })}\n${body}\n`);
  }
  const other = await leadlagInProcess(['merge', s0!, s1!, '--format', 'json']);
  assert.equal(other.code, 0, other.stderr);
  const v = LEADLAG_VERSION.replaceAll('.', '\\.');
  assert.match(other.stderr, new RegExp(`warning: the states were written by leadlag 0\\.0\\.9 and are merged by ${v}: .*run the jobs again with ${v}`));
  assert.equal(other.stdout, same.stdout);
});

test('merge refuses a truncated or edited state (checksum), and a file that is no state', async () => {
  const { files, dir } = setup();
  const [s0, s1] = await shards(files, dir, [25 * S]);
  const text = readFileSync(s1!, 'utf8');
  writeFileSync(s1!, text.slice(0, text.length - 40));
  refused(() => merged([s0!, s1!]), /s1\.state.*checksum.*truncated or edited/);
  // One digit changed in a count: the JSON stays valid, the checksum does not.
  const edited = text.replace(/"totalA":(\d)/, (_, d: string) => `"totalA":${(Number(d) + 1) % 10}`);
  assert.notEqual(edited, text);
  writeFileSync(s1!, edited);
  refused(() => merged([s0!, s1!]), /checksum/);
  writeFileSync(s1!, 'exchange,symbol\n');
  refused(() => merged([s0!, s1!]), /not a leadlag state/);
  // A directory or a missing file is the product's one-line open error, not Node's errno text.
  assert.throws(() => merged([dir]), (e: unknown) => e instanceof OpenError && e.message.endsWith('is a directory, not a file') && !/EISDIR/.test(e.message));
  assert.throws(() => merged([join(dir, 'none.state')]), (e: unknown) => e instanceof OpenError && e.message.endsWith('no such file'));
});

test('merge of several pairs says when they ran with different parameters or without a --label', async () => {
  const { files, dir } = setup();
  const write = async (name: string, o: Partial<PairOptions>) => {
    const state = join(dir, `${name}.state`);
    await runPairState(files, { ...OPTS, ...o, state }, fakeContext({ quiet: true }).ctx);
    return state;
  };
  const alike = [await write('btc', { label: 'BTC' }), await write('eth', { label: 'ETH' })];
  const quietRun = fakeContext({ quiet: false });
  runMerge(alike, { format: 'json', quiet: false }, quietRun.ctx);
  assert.doesNotMatch(quietRun.stderr(), /different parameters|no --label/);
  const mixed = [...alike, await write('sol', { label: 'SOL', threshold: 0.001 }), await write('nolabel', {})];
  const warned = fakeContext({ quiet: false });
  runMerge(mixed, { format: 'json', quiet: false }, warned.ctx);
  assert.match(warned.stderr(), /the pairs ran with different parameters \(threshold\)/);
  assert.match(warned.stderr(), /some states have no --label/);
});

test('merge refuses states that read different versions of one file (its size), naming the file', async () => {
  const { files, dir } = setup();
  const [s0] = await shards(files, dir, [25 * S]);
  // The first market's file grows by one row (a re-download) before the second job runs.
  writeFileSync(files[0], `${readFileSync(files[0], 'utf8')}binance,BTCUSDT,${T0 + 49 * S + 999 * MS},${T0 + 49 * S + 999 * MS},1,60141,60140,1\n`);
  const later = join(dir, 'later.state');
  await runPairState(files, { ...OPTS, start: T0 + 25 * S, state: later }, fakeContext({ quiet: true }).ctx);
  refused(() => merged([s0!, later]), /s0\.state and .*later\.state.*read different versions of .*a\.csv \(\d+ and \d+ bytes\)/);
});

test('merge refuses a state whose header is edited (header_sha256): its range, ticks seen and parameters decide what merge prints', async () => {
  const { files, dir } = setup();
  const states = await shards(files, dir, [25 * S]);
  const texts = states.map((f) => readFileSync(f, 'utf8'));
  type Header = { seen: { a: { last_us: number }; b: { last_us: number } }; data_span: { end_us: number }; range: { end_us: number | null }; params: { threshold: number } };
  /** Rewrites the headers of the states `which` (indices) with `edit`, the body and the old checksums kept. */
  const forge = (which: number[], edit: (x: Header) => void) => {
    for (const i of which) {
      const nl = texts[i]!.indexOf('\n');
      const h = JSON.parse(texts[i]!.slice(0, nl)) as Header;
      edit(h);
      writeFileSync(states[i]!, `${JSON.stringify(h)}${texts[i]!.slice(nl)}`);
    }
  };
  const edits: [number[], (x: Header) => void][] = [
    // The last ticks seen set the span's end: unchecked, the merge printed a span 10 s longer.
    [[1], (x) => ((x.seen.a.last_us += 10 * S), (x.seen.b.last_us += 10 * S), (x.data_span.end_us += 10 * S))],
    // The range: unchecked, the merge printed a span that ends at 45 s, over the counts of all 50 s.
    [[1], (x) => (x.range.end_us = T0 + 45 * S)],
    // A parameter of every state: unchecked, the merge printed threshold 0.001 beside counts made with 0.0007.
    [[0, 1], (x) => (x.params.threshold = 0.001)],
  ];
  for (const [which, edit] of edits) {
    forge(which, edit);
    refused(() => merged(states), /s\d\.state.*header does not match its checksum.*edited/);
    states.forEach((f, i) => writeFileSync(f, texts[i]!));
  }
  // A header without the member (a state of an older leadlag) is named as such.
  forge([1], (x) => delete (x as Header & { header_sha256?: string }).header_sha256);
  refused(() => merged(states), /s1\.state.*header has no checksum \(header_sha256\): it was written by an older leadlag, or edited/);
  states.forEach((f, i) => writeFileSync(f, texts[i]!));
  // The unedited states, restored, merge into the whole run's report.
  assert.deepEqual(merged(states), await single(files));
});

test('merge refuses a cut where the right run\'s detector decides differently from the left run\'s', async () => {
  // A's price climbs 0.05 % every 2 ms for 20 s: a jump (0.1 % over two ticks) every other tick, in a phase
  // set by the detector's first tick. A run starting fresh at S − M is in one of the two phases;
  // of two cuts 2 ms apart, at least one puts the right run out of phase with the one run.
  const a: [number, number][] = [];
  const b: [number, number][] = [];
  for (let t = 0, p = 60000; t < 20 * S; t += 2 * MS, p *= 1.0005) a.push([t, p]);
  for (let t = 0; t < 20 * S; t += 10 * MS) b.push([t + 1, 60000]);
  const dir = tempFiles({ 'a.csv': csv(a), 'b.csv': csv(b) });
  const files: [string, string] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
  const o = { threshold: 0.0007 };
  let refusals = 0;
  for (const cut of [10 * S, 10 * S + 2 * MS]) {
    const states = await shards(files, dir, [cut], o);
    try {
      assert.deepEqual(merged(states), await single(files, o));
    } catch (e) {
      // Over [S − m, S), m = W + D + 10 × 100 ms = 1.008 s (the right run read A from S − M, earlier).
      assert.ok(e instanceof DataError && /at the cut 2024-08-08T12:00:10\.00[02]000Z \(native feed\): the jumps of market A in the 1\.008 s before the cut disagree \(\d+ vs \d+ jumps, first difference at 2024-08-08T12:00:\d\d\.\d{6}Z\)/.test(e.message), String(e));
      refusals++;
    }
  }
  assert.ok(refusals >= 1);
});

test('merge refuses a cut where the right run\'s first tick of a market is after S − W (its detector has not settled)', async () => {
  // A ticks every 10 ms up to 20 s, is silent until 24.998 s and ticks again; B starts at 24.998 s
  // (so the span starts there, in every state: no span check fires). Cut S = 25 s, W = 3 ms:
  // the right run reads from S − M = 25 s − 2.009 s, and its first A tick, 24.998 s, is after
  // S − W = 24.997 s, while the left run read A from 0.001 s.
  const level = (from: number, to: number) => Array.from({ length: Math.ceil((to - from) / (10 * MS)) }, (_, i) => [from + i * 10 * MS, 60000] as [number, number]);
  const dir = tempFiles({ 'a.csv': csv([...level(1 * MS, 20 * S), ...level(24 * S + 998 * MS, 30 * S)]), 'b.csv': csv(level(24 * S + 998 * MS, 30 * S)) });
  const files: [string, string] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
  const states = await shards(files, dir, [25 * S]);
  refused(() => merged(states), /s0\.state and .*s1\.state: at the cut 2024-08-08T12:00:25\.000000Z \(native feed\): the right run's first tick of market A is after S − W \(2024-08-08T12:00:24\.997000Z\), so its detector has not settled/);
});

test('merge refuses a cut where the runs\' greedy pairings disagree though their jumps agree', async () => {
  // A chain of alternating up-moves of 0.1 % (θ = 0.07 %): A ticks at 20.006 s + 8k ms, B at
  // 20.010 s + 8k ms, until 30 s. Every tick but a run's first of each market is a jump, and
  // each jump has the other market's next one 4 ms later (D = 5 ms), so the phase of the whole
  // chain is set by the first jump paired. The one run starts with A's 20.014 s: A leads every
  // pair, among them A 24.998 s → B 25.002 s. The run for [25 s, …) reads from
  // 25 s − 2.009 s = 22.991 s: its first ticks (B 22.994 s, A 22.998 s) are no jumps, its first jump
  // is B's 23.002 s, and B leads every pair: no pair of its has a leader in [24.995 s, 25 s).
  // Its jumps from S − m on are the one run's, so only the pairs' check can see it.
  const a: [number, number][] = [];
  const b: [number, number][] = [];
  for (let t = 20 * S + 6 * MS, p = 60000; t < 30 * S; t += 8 * MS, p *= 1.001) a.push([t, p]);
  for (let t = 20 * S + 10 * MS, p = 60000; t < 30 * S; t += 8 * MS, p *= 1.001) b.push([t, p]);
  const dir = tempFiles({ 'a.csv': csv(a), 'b.csv': csv(b) });
  const files: [string, string] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
  // The one run: A's jumps 20.014 … 29.990 s and B's 20.018 … 29.994 s (the span ends at B's last
  // tick), 1248 each, all paired with A leading.
  const whole = await single(files);
  assert.equal(whole.native!.spot_leads_perp, 1248);
  assert.equal(whole.native!.perp_leads_spot, 0);
  // A run that starts at 25 s pairs the other way round: what the merge would otherwise add up.
  assert.ok((await single(files, { start: T0 + 25 * S })).native!.perp_leads_spot! > 0);
  const states = await shards(files, dir, [25 * S]);
  refused(() => merged(states), /s0\.state and .*s1\.state: at the cut 2024-08-08T12:00:25\.000000Z \(native feed\): the pairs of the data read with a leader in the 5 ms before the cut disagree \(1 vs 0\)/);
});

/** Writes a pair state of files `a` and `b` of `dir` over [start, end) µs after T0 (open where undefined), returning its path. */
function stateWriter(dir: string) {
  const ctx = fakeContext({ quiet: true }).ctx;
  return async (name: string, a: string, b: string, start?: number, end?: number): Promise<string> => {
    const path = join(dir, name);
    await runPairState([join(dir, a), join(dir, b)], { ...OPTS, start: start === undefined ? undefined : T0 + start, end: end === undefined ? undefined : T0 + end, state: path }, ctx);
    return path;
  };
}

test('merge refuses a state whose data starts or ends inside its margin (it read other files than its neighbour)', async () => {
  const s = scenario();
  // A job given a copy of A's file that begins at 24.5 s, and one given B's file cut at 25.5 s.
  const dir = tempFiles({ 'a.csv': s.a, 'b.csv': s.b, 'a-late.csv': keepRows(s.a, (t) => t >= 24.5 * S), 'b-short.csv': keepRows(s.b, (t) => t < 25.5 * S) });
  const state = stateWriter(dir);
  const left = await state('s0.state', 'a.csv', 'b.csv', undefined, 25 * S);
  const right = await state('s1.state', 'a.csv', 'b.csv', 25 * S);
  // The right run's data starts at A's first tick of the copy (A ticks at +1 ms of every 10 ms),
  // less than m − W = 1.005 s before its range; all the data starts at B's first tick, 0.007 s.
  const lateRight = await state('late.state', 'a-late.csv', 'b.csv', 25 * S);
  // merge refuses first because the two jobs read no file of A in common at their cut; the cut
  // checks of the merge itself (run here without merge's file checks) refuse too.
  refused(() => merged([left, lateRight]), /s0\.state and .*late\.state: the states meet at 2024-08-08T12:00:25\.000000Z but read no file of market A in common \(.*a\.csv; .*a-late\.csv: none of one name and size\)/);
  refused(() => mergePairStates([left, lateRight].map(readStateFile), false), /late\.state: its data starts at 2024-08-08T12:00:24\.501000Z, inside its margin, where the states together start at 2024-08-08T12:00:00\.007000Z: either a market is quiet there for longer than the pairings reach across a cut \([\d.]+ s\), which the cut cannot bridge \(cut where both markets trade: plan --offset moves a plan.s cuts\), or the states did not read the same data/);
  // The left run's data ends at B's last tick of the copy (B ticks at +7 ms), within 1.005 s of
  // its range's end; all the data ends at A's last tick, 49.991 s.
  const shortLeft = await state('short.state', 'a.csv', 'b-short.csv', undefined, 25 * S);
  refused(() => merged([shortLeft, right]), /read no file of market B in common/);
  refused(() => mergePairStates([shortLeft, right].map(readStateFile), false), /short\.state: its data ends at 2024-08-08T12:00:25\.497000Z, inside its margin, where the states together end at 2024-08-08T12:00:49\.991000Z: either a market is quiet there .* or the states did not read the same data/);
  assert.ok(merged([left, right]).native, 'the states of one run merge');
});

test('merge refuses a state whose markets do not overlap in what it read while the whole span meets its range', async () => {
  const s = scenario();
  // The job for [25 s, …) was given a B file that ends at 10 s: it reads from 22.991 s and sees no B.
  const dir = tempFiles({ 'a.csv': s.a, 'b.csv': s.b, 'b-early.csv': keepRows(s.b, (t) => t < 10 * S) });
  const ctx = fakeContext({ quiet: true }).ctx;
  const left = join(dir, 's0.state');
  const right = join(dir, 's1.state');
  await runPairState([join(dir, 'a.csv'), join(dir, 'b.csv')], { ...OPTS, end: T0 + 25 * S, state: left }, ctx);
  await runPairState([join(dir, 'a.csv'), join(dir, 'b-early.csv')], { ...OPTS, start: T0 + 25 * S, state: right }, ctx);
  // The whole span: from B's first tick (0.007 s) to B's last tick the left run read, 27.007 s
  // (it reads up to 25 s + M = 27.009 s; B ticks at +7 ms).
  refused(() => merged([left, right]), /read no file of market B in common/);
  refused(() => mergePairStates([left, right].map(readStateFile), false), /s1\.state: its two markets do not overlap in the data it read, yet the whole span \[2024-08-08T12:00:00\.007000Z, 2024-08-08T12:00:27\.007000Z\] meets its range \[2024-08-08T12:00:25\.000000Z, …\); its input files are not those of its neighbours/);
});

test('pair --state: the state does not grow with the ticks', async () => {
  // Level prices: no jump, so the state holds the same members over 10 s and over 40 s.
  const rows = (n: number) => Array.from({ length: n }, (_, i) => [i * 10 * MS, 60000] as [number, number]);
  const dir = tempFiles({ 'a.csv': csv(rows(5000)), 'b.csv': csv(rows(5000).map(([t, p]) => [t + 5, p])) });
  const files: [string, string] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
  const size = async (end: number) => {
    const state = join(dir, `${end}.state`);
    await runPairState(files, { ...OPTS, start: T0 + 2 * S, end: T0 + end, state }, fakeContext({ quiet: true }).ctx);
    return statSync(state).size;
  };
  const short = await size(10 * S);
  const long = await size(40 * S);
  // Only the digits of the tick counts and times may differ.
  assert.ok(Math.abs(long - short) < 16, `${short} vs ${long} bytes`);
});

test('pair --state refuses a state path that is one of the inputs, before reading (exit 2)', async () => {
  const { files } = setup();
  const before = readFileSync(files[0]);
  await assert.rejects(runPairState(files, { ...OPTS, state: files[0] }, fakeContext({ quiet: true }).ctx), (e: unknown) => e instanceof UsageError && /--state .*a\.csv is the same file as the input/.test(e.message));
  assert.deepEqual(readFileSync(files[0]), before);
});

test('merge: a market silent for longer than m before a cut still merges exactly (the check starts at its first tick)', async () => {
  const s = scenario();
  // B says nothing from 22 s to 24.5 s; the cut at 25 s: the right run's first B tick is 24.5 s,
  // after S − m (m = W + D + 10 × 100 ms = 1.008 s) but before S − W.
  const b = s.b.split('\n').filter((line) => {
    const t = Number(line.split(',')[2]) - T0;
    return !(t >= 22 * S && t < 24.5 * S);
  });
  const dir = tempFiles({ 'a.csv': s.a, 'b.csv': b.join('\n') });
  const files: [string, string] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
  const states = await shards(files, dir, [25 * S]);
  assert.deepEqual(merged(states), await single(files));
});

test('merge refuses a plan whose first or last job\'s state is missing (--plan-span), and marks it partial with --allow-gaps', async () => {
  const { files, dir } = setup();
  // A plan over 12:00:00 to 12:00:45 in three jobs cut at 15 s and 30 s; each state records the span.
  const plan = { start: T0, end: T0 + 45 * S };
  const jobs = await Promise.all([[T0, T0 + 15 * S], [T0 + 15 * S, T0 + 30 * S], [T0 + 30 * S, T0 + 45 * S]].map(async ([start, end], i) => {
    const state = join(dir, `job${i}.state`);
    await runPairState(files, { ...OPTS, start, end, planSpan: plan, state }, fakeContext({ quiet: true }).ctx);
    return state;
  }));
  assert.deepEqual(merged(jobs), await single(files, { start: T0, end: T0 + 45 * S }));
  refused(() => merged([jobs[0]!, jobs[1]!]), /no state owns 2024-08-08T12:00:30\.000000Z to 2024-08-08T12:00:45\.000000Z, which its plan covers \(the plan's last job failed or its state is not given\)/);
  refused(() => merged([jobs[1]!, jobs[2]!]), /no state owns 2024-08-08T12:00:00\.000000Z to 2024-08-08T12:00:15\.000000Z, which its plan covers \(the plan's first job/);
  const partial = runMerge([jobs[0]!, jobs[1]!], { format: 'json', quiet: true, allowGaps: true }, fakeContext({ quiet: true }).ctx).json as { missing_ranges: { start_us: number; end_us: number }[] };
  assert.deepEqual(partial.missing_ranges.map((g) => [g.start_us, g.end_us]), [[T0 + 30 * S, T0 + 45 * S]]);
  // With --by the document is written with its windows made as written (Output.lazyJson): the
  // partial mark must be in that text too, not only in Output.json.
  const byJobs = await Promise.all([[T0, T0 + 15 * S], [T0 + 15 * S, T0 + 30 * S]].map(async ([start, end], i) => {
    const state = join(dir, `by${i}.state`);
    await runPairState(files, { ...OPTS, start, end, planSpan: plan, by: { kind: 'time', us: 5 * S }, state }, fakeContext({ quiet: true }).ctx);
    return state;
  }));
  const text = await renderOutput(runMerge(byJobs, { format: 'json', quiet: true, allowGaps: true }, fakeContext({ quiet: true }).ctx), 'json', { c: new Chalk({ level: 0 }), colour: false });
  const written = JSON.parse(text) as { windows: unknown[]; missing_ranges: { start_us: number; end_us: number }[] };
  assert.equal(written.windows.length, 6);
  assert.deepEqual(written.missing_ranges.map((g) => [g.start_us, g.end_us]), [[T0 + 30 * S, T0 + 45 * S]]);
  // States of another plan's span are not one plan's.
  const other = join(dir, 'other.state');
  await runPairState(files, { ...OPTS, start: T0 + 30 * S, end: T0 + 45 * S, planSpan: { start: T0, end: T0 + 50 * S }, state: other }, fakeContext({ quiet: true }).ctx);
  refused(() => merged([jobs[0]!, jobs[1]!, other]), /the states belong to different plans/);
  // Without --plan-span a merge of a range's states is the range's run, missing ends or not.
  const [, middle] = await shards(files, dir, [15 * S, 30 * S]);
  assert.deepEqual(merged([middle!]), await single(files, { start: T0 + 15 * S, end: T0 + 30 * S }));
});

test('merge refuses one state named twice (by its path or through a link), saying so rather than "the ranges overlap"', async () => {
  const { files, dir } = setup();
  const [s0, s1] = await shards(files, dir, [20 * S]);
  assert.throws(() => merged([s0!, s1!, s0!]), (e: unknown) => e instanceof UsageError && e.message === `${s0} is given twice: pass each state once`);
  const link = join(dir, 'link.state');
  symlinkSync(s0!, link);
  assert.throws(() => merged([s0!, s1!, link]), (e: unknown) => e instanceof UsageError && e.message === `${link} is given twice (also as ${s0}): pass each state once`);
});

test('stateCommandAt: the command of a state file from its header, a header longer than the read too; nothing for other files', () => {
  const head = '{"format":"leadlag-state","format_version":1,"leadlag_version":"0.1.0","command":"hy"';
  const dir = tempFiles({
    'small.state': `${head},"label":null}\n{}\n`,
    // Past the 1 MiB read: no line end in what is read, the header's first members still say it.
    'long.state': `${head},"pad":"${'x'.repeat(1_100_000)}"}\n{}\n`,
    'other.csv': 'time,bid,ask\n',
    'fake.state': '{"format":"something-else","command":"pair"}\n',
  });
  assert.equal(stateCommandAt(join(dir, 'small.state')), 'hy');
  assert.equal(stateCommandAt(join(dir, 'long.state')), 'hy');
  assert.equal(stateCommandAt(join(dir, 'other.csv')), undefined);
  assert.equal(stateCommandAt(join(dir, 'fake.state')), undefined);
  assert.equal(stateCommandAt(join(dir, 'missing.state')), undefined);
  assert.equal(stateCommandAt(dir), undefined);
});

test('merge warns of a quiet spell inside a quote file as the one run does, from the spells the states recorded', async () => {
  // The spot fixture without its rows from 3 s to 65 s: one spell of about 62 s, wholly inside
  // the middle state's range [1 s, 70 s).
  const spot = join(FIXTURES, 'tardis', 'spot_quotes.csv');
  const dir = tempFiles({ 'spot-quiet.csv': keepRows(readFileSync(spot, 'utf8'), (t) => !(t > 3 * S && t < 65 * S)) });
  const files: [string, string] = [join(dir, 'spot-quiet.csv'), join(FIXTURES, 'tardis', 'perp_quotes.csv')];
  const one = fakeContext({ quiet: false });
  const want = renderPair(await runPair(files, OPTS, one.ctx)).json;
  assert.match(one.stderr(), /spot-quiet\.csv has no tick for 6\d\.\d+ s, from 2024-08-08T12:00:0[23]\.\d+Z to 2024-08-08T12:01:0[56]\.\d+Z/);
  const states = await shards(files, dir, [1 * S, 70 * S]);
  const m = fakeContext({ quiet: false });
  assert.deepEqual(runMerge(states, { format: 'json', quiet: false }, m.ctx).json, want);
  assert.equal(m.stderr(), one.stderr());
});

test('merge refuses states that are not one run\'s jobs: markets swapped, or no file in common at their cut', async () => {
  // Before, both merged with exit 0: the swapped one adding B's counts to A's.
  const s = scenario();
  const dir = tempFiles({ 'a.csv': s.a, 'b.csv': s.b, 'c.csv': s.b });
  const state = stateWriter(dir);
  const left = await state('s0.state', 'a.csv', 'b.csv', undefined, 25 * S);
  const swapped = await state('swapped.state', 'b.csv', 'a.csv', 25 * S);
  refused(() => merged([left, swapped]), /s0\.state and .*swapped\.state: the states read .*b\.csv as market B in one and as market A in the other: they are not the jobs of one run \(were the markets given in another order\?\)/);
  // Another market's file for B (here a copy under another name): nothing in common at 25 s.
  const other = await state('other.state', 'a.csv', 'c.csv', 25 * S);
  refused(() => merged([left, other]), /the states meet at 2024-08-08T12:00:25\.000000Z but read no file of market B in common \(.*b\.csv; .*c\.csv: none of one name and size\), where the jobs of one run both read the file holding their cut/);
  // The same run's jobs merge.
  const right = await state('s1.state', 'a.csv', 'b.csv', 25 * S);
  assert.ok(merged([left, right]).native);
  // One file spelt two ways by two jobs (a re-run from another directory, relative against
  // absolute) is one file: a state records the path its job was given, and the merge must not
  // take two spellings for two files (base name and size decide). Before this was refused.
  const spelt = join(dir, 'spelt.state');
  await runPairState([relative(process.cwd(), join(dir, 'a.csv')), relative(process.cwd(), join(dir, 'b.csv'))], { ...OPTS, start: T0 + 25 * S, state: spelt }, fakeContext({ quiet: true }).ctx);
  assert.deepEqual(merged([left, spelt]), merged([left, right]));
});

test('merge: a header-only file among a market\'s files is recorded by the states that met it, and warned of once as the one run does', async () => {
  // A's 50 s in two files with a file of no rows between them (a day without ticks), the cut at
  // 25 s inside the first file; every job is given the whole list, as plan gives a job the files
  // its margins reach. Before, each job failed on the empty file.
  const s = scenario();
  const dir = tempFiles({ 'a1.csv': keepRows(s.a, (t) => t < 35 * S), 'a-empty.csv': `${HEADER}\n`, 'a2.csv': keepRows(s.a, (t) => t >= 35 * S), 'b.csv': s.b });
  const aList = ['a1.csv', 'a-empty.csv', 'a2.csv'].map((n) => join(dir, n)).join(',');
  const files: [string, string] = [aList, join(dir, 'b.csv')];
  const one = fakeContext({ quiet: false });
  const want = renderPair(await runPair(files, OPTS, one.ctx)).json;
  assert.deepEqual(want, await single([join(dir, 'a1.csv'), join(dir, 'b.csv')].map((f, i) => (i === 0 ? `${f},${join(dir, 'a2.csv')}` : f)) as [string, string]));
  assert.match(one.stderr(), /a-empty\.csv has a header but no data rows: left out/);
  const states = await shards(files, dir, [25 * S]);
  // The state names the file it met without rows, with its size, as read files are named.
  const inputs = readStateFile(states[0]!).header.inputs as Record<string, { name: string; bytes: number; empty?: true }[]>;
  assert.deepEqual(inputs.a!.filter((f) => f.empty === true).map((f) => [f.name, f.bytes]), [[join(dir, 'a-empty.csv'), HEADER.length + 1]]);
  const m = fakeContext({ quiet: false });
  assert.deepEqual(runMerge(states, { format: 'json', quiet: false }, m.ctx).json, want);
  assert.equal(m.stderr(), one.stderr());
});

test('merge takes a directory of states or a quoted glob, as the readers take their files; each that names nothing is said', async () => {
  // A plan of many jobs has more states than a shell passes on one line (states/*.state).
  const { files, dir, cuts } = setup();
  const folder = join(dir, 'states');
  mkdirSync(folder);
  const states = await shards(files, folder, [cuts.insidePair, cuts.atBurst]);
  writeFileSync(join(folder, 'notes.txt'), 'not a state');
  const byName = await leadlagInProcess(['merge', ...states, '--format', 'json']);
  assert.equal(byName.code, 0, byName.stderr);
  for (const arg of [folder, `${folder}/*.state`]) {
    const r = await leadlagInProcess(['merge', arg, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, byName.stdout, arg);
  }
  const none = await leadlagInProcess(['merge', `${folder}/x*.state`]);
  assert.equal(none.code, EXIT.noInput);
  assert.match(none.stderr, /x\*\.state: no file matches this pattern/);
  assert.match((await leadlagInProcess(['merge', dir])).stderr, /the directory holds no state file \(\*\.state\)/);
});
