/**
 * The scale recipe end to end (docs/scale.md): `leadlag plan` over three generated days of two
 * markets drives a real GNU parallel, one `pair --state` job per day, and `leadlag merge`
 * prints the one run's JSON byte for byte. Also plan's TSV and manifest, one row per pair, and
 * the same recipe with `hy --state` jobs. The jobs are the built CLI's processes; the one run
 * and the merges they are compared with run in this process (context-helpers.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, tempFiles } from './cli-helpers.js';
import { leadlagInProcess as leadlag } from './context-helpers.js';
import { FIXTURE_SHAPE, writeDataset } from '../scripts/gen-data.js';
import { runPlan, type PlanOptions } from '../src/cli/commands/plan.js';
import { DataError } from '../src/errors.js';

const DAY = 86_400e6;
const DAY0 = Date.UTC(2024, 7, 1) * 1000;
const PIECE_S = 90;

/**
 * Three daily files per market from the repo's generator: each day holds 90 s after its
 * midnight and 90 s before the next, so the data runs across every midnight (where the jobs
 * cut) and a job needs the day before for its history. Pieces come from different seeds; the
 * price steps where they meet, which puts a jump right at each cut.
 */
function threeDays(): string {
  const dir = tempFiles({});
  for (const m of ['spot', 'perp', 'trades']) mkdirSync(join(dir, m));
  for (let d = 0; d < 3; d++) {
    const day = DAY0 + d * DAY;
    const parts = [day, day + DAY - PIECE_S * 1e6].map((startUs, k) => {
      const out = join(dir, `gen-${d}-${k}`);
      writeDataset(out, { seed: 100 + 2 * d + k, seconds: PIECE_S, startUs, format: 'tardis', shape: FIXTURE_SHAPE });
      return out;
    });
    for (const [m, file] of [['spot', 'spot_quotes.csv'], ['perp', 'perp_quotes.csv'], ['trades', 'spot_trades.csv']] as const) {
      const [first, second] = parts.map((p) => readFileSync(join(p, file), 'utf8'));
      const date = new Date(day / 1000).toISOString().slice(0, 10);
      writeFileSync(join(dir, m, `${m}_${m === 'trades' ? 'spot' : 'quotes'}_${date}.csv`), first! + second!.slice(second!.indexOf('\n') + 1));
    }
  }
  return dir;
}

/** The three days' market folders and an empty states folder beside them (the jobs' layout). */
function jobDirs(): { dir: string; spot: string; perp: string; trades: string; states: string } {
  const dir = threeDays();
  const states = join(dir, 'states');
  mkdirSync(states);
  return { dir, spot: join(dir, 'spot'), perp: join(dir, 'perp'), trades: join(dir, 'trades'), states };
}

/** Skips a test where GNU parallel is missing (.ci/run installs it); true when it is there. */
function haveParallel(t: { skip(message: string): void }): boolean {
  if (spawnSync('parallel', ['--version']).status === 0) return true;
  t.skip('GNU parallel is not installed (apt-get install parallel; .ci/run installs it)');
  return false;
}

/** Runs job lines through GNU parallel on two slots, stopping at the first failure. */
function runParallel(jobs: readonly string[]): { status: number | null; stderr: string } {
  return spawnSync('parallel', ['--will-cite', '--halt', 'now,fail=1', '-j', '2'], { input: `${jobs.join('\n')}\n`, encoding: 'utf8' });
}

const PLAN: PlanOptions = { every: DAY, margin: 600e6, emit: 'tsv', states: 'states', options: '', leadlag: 'leadlag' };

test('plan: one job per day, reading its day and the neighbouring days its margins reach', () => {
  const dir = tempFiles({});
  for (const m of ['spot', 'perp']) mkdirSync(join(dir, m));
  for (const d of ['01', '02', '03']) for (const m of ['spot', 'perp']) writeFileSync(join(dir, m, `${m}-2024-08-${d}.csv`), '');
  const lines = runPlan(join(dir, 'spot'), join(dir, 'perp'), { ...PLAN, label: 'BTCUSDT' });
  assert.equal(lines.length, 4);
  const [, day2] = lines.slice(1).map((l) => l.split('\t'));
  // Day 2 owns [08-02, 08-03) and reads days 1–3 (a 10-minute margin reaches both neighbours).
  assert.deepEqual(day2!.slice(0, 5), ['1', 'BTCUSDT', '1', '2024-08-02T00:00:00.000000Z', '2024-08-03T00:00:00.000000Z']);
  assert.equal(day2![5], ['01', '02', '03'].map((d) => join(dir, 'spot', `spot-2024-08-${d}.csv`)).join(','));
  assert.equal(day2![7], 'states/BTCUSDT-0001.state');
  // Every job carries the span of its pair's three days, for merge to see a missing first or last job.
  assert.equal(day2![8], '2024-08-01T00:00:00.000000Z..2024-08-04T00:00:00.000000Z');
  const cmds = runPlan(join(dir, 'spot'), join(dir, 'perp'), { ...PLAN, emit: 'commands', options: '--threshold 1bp', leadlag: '/opt/leadlag' });
  assert.match(cmds[0]!, /^\/opt\/leadlag pair \S+spot-2024-08-01\.csv,\S+spot-2024-08-02\.csv \S+ --start 2024-08-01T00:00:00\.000000Z --end 2024-08-02T00:00:00\.000000Z --label pair --state states\/pair-0000\.state --plan-span 2024-08-01T00:00:00\.000000Z\.\.2024-08-04T00:00:00\.000000Z --threshold 1bp$/);
  // A manifest: one set of jobs per pair.
  const manifest = join(dir, 'pairs.csv');
  writeFileSync(manifest, `pair,spot_files,perp_files\nBTC,${join(dir, 'spot')},${join(dir, 'perp')}\nETH,${join(dir, 'spot')},${join(dir, 'perp')}\n`);
  const jobs = runPlan(undefined, undefined, { ...PLAN, manifest }).slice(1).map((l) => l.split('\t'));
  assert.deepEqual(jobs.map((j) => `${j[0]} ${j[1]} ${j[2]}`), ['0 BTC 0', '1 BTC 1', '2 BTC 2', '3 ETH 0', '4 ETH 1', '5 ETH 2']);
  // A day with a spot file and no perp file is an error naming the day (its job would otherwise
  // read the neighbouring perp days for its margins and say nothing of the missing one).
  rmSync(join(dir, 'perp', 'perp-2024-08-02.csv'));
  assert.throws(() => runPlan(join(dir, 'spot'), join(dir, 'perp'), PLAN), (e: unknown) => e instanceof DataError && /2024-08-02 has a file of the first market but none of the second market/.test(e.message));
});

test('plan --command: the analysis each job runs; classify jobs read the trades\' days as the quotes\'', () => {
  const dir = tempFiles({});
  for (const m of ['spot', 'perp', 'trades']) mkdirSync(join(dir, m));
  for (const d of ['01', '02', '03']) for (const m of ['spot', 'perp', 'trades']) writeFileSync(join(dir, m, `${m}-2024-08-${d}.csv`), '');
  const xcorr = runPlan(join(dir, 'spot'), join(dir, 'perp'), { ...PLAN, command: 'xcorr', emit: 'commands', leadlag: 'leadlag' });
  assert.match(xcorr[1]!, /^leadlag xcorr \S+ \S+ --start 2024-08-02T00:00:00\.000000Z --end 2024-08-03T00:00:00\.000000Z --label pair --state states\/pair-0001\.state --plan-span 2024-08-01T00:00:00\.000000Z\.\.2024-08-04T00:00:00\.000000Z$/);
  const trades = join(dir, 'trades');
  const classify = runPlan(join(dir, 'spot'), join(dir, 'perp'), { ...PLAN, command: 'classify', trades, emit: 'commands', leadlag: 'leadlag' });
  // Day 3 owns [08-03, 08-04): its margin reaches back into day 2 only, for the trades as for the quotes.
  const day3Trades = ['02', '03'].map((d) => join(trades, `trades-2024-08-${d}.csv`)).join(',');
  assert.ok(classify[2]!.startsWith('leadlag classify '), classify[2]);
  assert.ok(classify[2]!.includes(` --trades ${day3Trades} --start 2024-08-03T00:00:00.000000Z `), classify[2]);
  const tsv = runPlan(join(dir, 'spot'), join(dir, 'perp'), { ...PLAN, command: 'classify', trades, options: "--trees 30 --time-format '%Y-%m-%d %H:%M'" });
  assert.deepEqual(tsv[0]!.split('\t').slice(-5), ['trades_files', 'state', 'plan_span', 'command', 'options']);
  assert.equal(tsv[3]!.split('\t')[7], day3Trades);
  // The TSV carries the command and the options as the commands carry them (shell-quoted words):
  // a scheduler reading it runs the jobs planned.
  assert.deepEqual(tsv[3]!.split('\t').slice(-2), ['classify', "--trees 30 --time-format '%Y-%m-%d %H:%M'"]);
  assert.throws(() => runPlan(join(dir, 'spot'), join(dir, 'perp'), { ...PLAN, command: 'classify' }), /--command classify needs the trades/);
  assert.throws(() => runPlan(join(dir, 'spot'), join(dir, 'perp'), { ...PLAN, trades }), /--trades goes with --command classify/);
  const manifest = join(dir, 'pairs.csv');
  writeFileSync(manifest, `pair,spot_files,perp_files\nBTC,${join(dir, 'spot')},${join(dir, 'perp')}\n`);
  // Its header lacks the trades' column: refused at the header, naming the columns.
  assert.throws(() => runPlan(undefined, undefined, { ...PLAN, command: 'classify', manifest }), /pairs\.csv:1: the header names pair,spot_files,perp_files; a manifest's columns are pair,spot_files,perp_files,trades_files, in any order \(classify jobs read trades\)/);
  // Without a header, the line itself is refused.
  writeFileSync(manifest, `BTC,${join(dir, 'spot')},${join(dir, 'perp')}\n`);
  assert.throws(() => runPlan(undefined, undefined, { ...PLAN, command: 'classify', manifest }), /pairs\.csv:1: a manifest line is pair,spot_files,perp_files,trades_files/);
});

test('GNU parallel runs the planned jobs; merge prints the one run\'s JSON byte for byte', { timeout: 600_000 }, async (t) => {
  if (!haveParallel(t)) return;
  const { dir, spot, perp, states } = jobDirs();
  const manifest = join(dir, 'pairs.tsv');
  // Two "pairs" over the same days (the second with the markets swapped): one table, a row each.
  writeFileSync(manifest, `BTC\t${spot}\t${perp}\nREV\t${perp}\t${spot}\n`);
  // 100 replicates: the three days span 26 000 blocks of 10 s, and every run draws them all
  // (1000 replicates cost each job and merge about 2 s more); the merge is exact either way.
  const jobs = runPlan(undefined, undefined, { ...PLAN, manifest, emit: 'commands', states, leadlag: BIN, options: '-q --bootstrap 100' });
  assert.equal(jobs.length, 6);
  const run = runParallel(jobs);
  assert.equal(run.status, 0, run.stderr);
  const btc = readdirSync(states).filter((f) => f.startsWith('BTC-')).map((f) => join(states, f));
  assert.equal(btc.length, 3);

  const single = await leadlag(['pair', spot, perp, '--bootstrap', '100', '--format', 'json']);
  assert.equal(single.code, 0, single.stderr);
  const merged = await leadlag(['merge', ...btc, '--format', 'json']);
  assert.equal(merged.code, 0, merged.stderr);
  assert.equal(merged.stdout, single.stdout);
  // Not a vacuous comparison: three days of events give pairs.
  assert.ok((JSON.parse(single.stdout) as { native: { paired_events: number } }).native.paired_events > 10);

  const all = await leadlag(['merge', ...readdirSync(states).map((f) => join(states, f)), '--format', 'json']);
  assert.equal(all.code, 0, all.stderr);
  const rows = (JSON.parse(all.stdout) as { pairs: { pair: string; paired_events: number; excess_pairs: number }[] }).pairs;
  const one = JSON.parse(single.stdout) as { native: { paired_events: number; excess_pairs: number } };
  assert.deepEqual(rows.map((r) => r.pair), ['BTC', 'REV']);
  assert.equal(rows[0]!.paired_events, one.native.paired_events);
  assert.equal(rows[0]!.excess_pairs, one.native.excess_pairs);
});

test('GNU parallel runs planned hy jobs (plan --command hy); merge prints the one hy run\'s JSON and table byte for byte', { timeout: 600_000 }, async (t) => {
  if (!haveParallel(t)) return;
  const { spot, perp, states } = jobDirs();
  // plan's jobs start at midnights: multiples of the 60 s block, as hy --state requires. (Every
  // run's bootstrap walks all the blocks of the three days' span: 60 s blocks are 4 320, not 25 920.)
  const options = '-q --bootstrap 50 --block 60s';
  const jobs = runPlan(spot, perp, { ...PLAN, command: 'hy', label: 'BTC', emit: 'commands', states, leadlag: BIN, options });
  assert.equal(jobs.length, 3);
  const run = runParallel(jobs);
  assert.equal(run.status, 0, run.stderr);
  const files = readdirSync(states).map((f) => join(states, f));
  assert.equal(files.length, 3);
  const printed: Record<string, string> = {};
  for (const format of ['json', 'table']) {
    const single = await leadlag(['hy', spot, perp, '--bootstrap', '50', '--block', '60s', '--format', format]);
    assert.equal(single.code, 0, single.stderr);
    const merged = await leadlag(['merge', ...files, '--format', format]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.equal(merged.stdout, single.stdout);
    assert.equal(merged.stderr, single.stderr);
    printed[format] = single.stdout;
  }
  // Not vacuous: the generated perp follows spot, and the test has its blocks.
  const one = JSON.parse(printed.json!) as { lag_us: number; p_value: number };
  assert.ok(one.lag_us > 0 && one.p_value < 0.05, JSON.stringify(one));
});

test('GNU parallel runs planned xcorr jobs (plan --command xcorr); merge prints the one run\'s output byte for byte', { timeout: 600_000 }, async (t) => {
  if (!haveParallel(t)) return;
  const { spot, perp, states } = jobDirs();
  // plan's jobs own whole days: multiples of the 60 s block, as xcorr --state requires (60 s for
  // fewer blocks, as in the hy test).
  const options = ['--lags', '-5..5', '--bootstrap', '100', '--block', '60s'];
  const jobs = runPlan(spot, perp, { ...PLAN, command: 'xcorr', label: 'X', states, emit: 'commands', leadlag: BIN, options: ['-q', ...options].join(' ') });
  assert.equal(jobs.length, 3);
  const run = runParallel(jobs);
  assert.equal(run.status, 0, run.stderr);
  const files = readdirSync(states).map((f) => join(states, f));
  assert.equal(files.length, 3);
  for (const format of ['json', 'table']) {
    const single = await leadlag(['xcorr', spot, perp, ...options, '--format', format]);
    assert.equal(single.code, 0, single.stderr);
    const merged = await leadlag(['merge', ...files, '--format', format]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.equal(merged.stdout, single.stdout, `--format ${format}`);
  }
});

test('plan --command classify: the planned jobs run as printed; merge prints the one classify run\'s JSON byte for byte, and refuses two labels', { timeout: 600_000 }, async () => {
  const { dir, spot, perp, trades, states } = jobDirs();
  // Few trees and replicates keep the training short; every job carries --label (plan passes it to every command).
  const options = ['--trees', '20', '--bootstrap', '50'];
  const jobs = runPlan(spot, perp, { ...PLAN, command: 'classify', trades, label: 'BTC', emit: 'commands', states, leadlag: BIN, options: ['-q', ...options].join(' ') });
  assert.equal(jobs.length, 3);
  assert.ok(jobs.every((j) => j.includes(' --label BTC ')), jobs[0]);
  const run = spawnSync('bash', ['-c', `set -e\n${jobs.join('\n')}\n`], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const files = readdirSync(states).map((f) => join(states, f));
  assert.equal(files.length, 3);
  const single = await leadlag(['classify', spot, perp, '--trades', trades, ...options, '--format', 'json']);
  assert.equal(single.code, 0, single.stderr);
  const merged = await leadlag(['merge', ...files, '--format', 'json']);
  assert.equal(merged.code, 0, merged.stderr);
  assert.equal(merged.stdout, single.stdout);
  // Not vacuous: the three days hold hundreds of labelled triggers (the generator's leads and noise).
  assert.ok((JSON.parse(single.stdout) as { n_train: number }).n_train > 100, single.stdout.slice(0, 200));
  // classify states of another pair do not merge into these (one row per pair is pair's alone).
  const other = join(dir, 'other.state');
  const eth = await leadlag(['classify', spot, perp, '--trades', trades, '--end', '2024-08-02', '--label', 'ETH', '--state', other, '-q']);
  assert.equal(eth.code, 0, eth.stderr);
  const two = await leadlag(['merge', ...files, other]);
  assert.equal(two.code, 65);
  assert.match(two.stderr, /states of 2 labels: merge prints one row per pair for pair states only; merge each pair's classify states on their own/);
});

test('plan --offset shifts every cut: three days of noon-to-noon jobs, the first and last cut to the days; an offset of --every or more is refused', () => {
  const dir = tempFiles({});
  for (const m of ['spot', 'perp']) mkdirSync(join(dir, m));
  for (const d of ['01', '02', '03']) for (const m of ['spot', 'perp']) writeFileSync(join(dir, m, `${m}-2024-08-${d}.csv`), '');
  const rows = runPlan(join(dir, 'spot'), join(dir, 'perp'), { ...PLAN, offset: DAY / 2 }).slice(1).map((l) => l.split('\t'));
  // Cuts at 12:00 of each day, within [08-01, 08-04): four jobs, the plan's span the days'.
  assert.deepEqual(rows.map((r) => `${r[3]} ${r[4]}`), [
    '2024-08-01T00:00:00.000000Z 2024-08-01T12:00:00.000000Z',
    '2024-08-01T12:00:00.000000Z 2024-08-02T12:00:00.000000Z',
    '2024-08-02T12:00:00.000000Z 2024-08-03T12:00:00.000000Z',
    '2024-08-03T12:00:00.000000Z 2024-08-04T00:00:00.000000Z',
  ]);
  assert.ok(rows.every((r) => r[r.length - 3] === '2024-08-01T00:00:00.000000Z..2024-08-04T00:00:00.000000Z'));
  assert.throws(() => runPlan(join(dir, 'spot'), join(dir, 'perp'), { ...PLAN, offset: DAY }), /--offset 24 h 00 min must be shorter than --every/);
});

test('GNU parallel: markets quiet at midnight merge when plan --offset cuts where they trade, and are refused at midnight', { timeout: 600_000 }, async (t) => {
  if (!haveParallel(t)) return;
  // Each day's files hold its first 90 s only: at midnight both markets have been quiet for a day.
  const dir = tempFiles({});
  for (const m of ['spot', 'perp']) mkdirSync(join(dir, m));
  for (let d = 0; d < 3; d++) {
    const day = DAY0 + d * DAY;
    const out = join(dir, `gen-${d}`);
    writeDataset(out, { seed: 500 + d, seconds: PIECE_S, startUs: day, format: 'tardis', shape: FIXTURE_SHAPE });
    const date = new Date(day / 1000).toISOString().slice(0, 10);
    for (const m of ['spot', 'perp']) writeFileSync(join(dir, m, `${m}_quotes_${date}.csv`), readFileSync(join(out, `${m}_quotes.csv`), 'utf8'));
  }
  const [spot, perp] = [join(dir, 'spot'), join(dir, 'perp')];
  const merged = async (offset: number, tag: string) => {
    const states = join(dir, tag);
    mkdirSync(states);
    const run = runParallel(runPlan(spot, perp, { ...PLAN, offset, emit: 'commands', states, leadlag: BIN, options: '-q --bootstrap 100' }));
    assert.equal(run.status, 0, run.stderr);
    return leadlag(['merge', ...readdirSync(states).map((f) => join(states, f)), '--format', 'json']);
  };
  const atMidnight = await merged(0, 'midnight');
  assert.equal(atMidnight.code, 65);
  assert.match(atMidnight.stderr, /cut where both markets trade: plan --offset moves a plan's cuts/);
  // 45 s after each midnight both markets trade: the merge is the one run.
  const shifted = await merged(45e6, 'shifted');
  assert.equal(shifted.code, 0, shifted.stderr);
  const single = await leadlag(['pair', spot, perp, '--bootstrap', '100', '--format', 'json']);
  assert.equal(shifted.stdout, single.stdout);
  assert.ok((JSON.parse(single.stdout) as { native: { paired_events: number } }).native.paired_events > 10);
});

test('a day missing in both markets: plan refuses the cuts that meet it, and a plan whose job spans it merges to the one run', { timeout: 600_000 }, async (t) => {
  // Days 08-01, 08-02, 08-04 and 08-05, each with 90 s after midnight, 90 s around 01:00 and 90 s
  // before the next midnight; 08-03 has no file in either market.
  const dir = tempFiles({});
  for (const m of ['spot', 'perp']) mkdirSync(join(dir, m));
  for (const d of [0, 1, 3, 4]) {
    const day = DAY0 + d * DAY;
    const parts = [day, day + 3600e6 - 45e6, day + DAY - PIECE_S * 1e6].map((startUs, k) => {
      const out = join(dir, `gen-${d}-${k}`);
      writeDataset(out, { seed: 200 + 3 * d + k, seconds: PIECE_S, startUs, format: 'tardis', shape: FIXTURE_SHAPE });
      return out;
    });
    for (const [m, file] of [['spot', 'spot_quotes.csv'], ['perp', 'perp_quotes.csv']] as const) {
      const texts = parts.map((p) => readFileSync(join(p, file), 'utf8'));
      const date = new Date(day / 1000).toISOString().slice(0, 10);
      writeFileSync(join(dir, m, `${m}_${date}.csv`), texts[0]! + texts.slice(1).map((x) => x.slice(x.indexOf('\n') + 1)).join(''));
    }
  }
  const [spot, perp] = [join(dir, 'spot'), join(dir, 'perp')];
  // Daily cuts meet the missing day (its midnight and the next): refused before any job runs.
  assert.throws(() => runPlan(spot, perp, PLAN), (e: unknown) => e instanceof DataError && /the cut at 2024-08-03T00:00:00\.000000Z between jobs 1 and 2 meets 2024-08-03, a day without a file of the first market: no merge joins states across a cut where a market does not trade/.test(e.message));
  // Every 4 days at 01:00 (the epoch's 4-day cuts fall on 08-01 and 08-05): one job spans 08-03,
  // and each cut lies inside a day with files, in the data around 01:00.
  const states = join(dir, 'states');
  mkdirSync(states);
  const jobs = runPlan(spot, perp, { ...PLAN, every: 4 * DAY, offset: 3600e6, emit: 'commands', states, leadlag: BIN, options: '-q' });
  assert.equal(jobs.length, 3);
  if (!haveParallel(t)) return;
  const run = runParallel(jobs);
  assert.equal(run.status, 0, run.stderr);
  const merged = await leadlag(['merge', ...readdirSync(states).map((f) => join(states, f)), '--format', 'json']);
  assert.equal(merged.code, 0, merged.stderr);
  const one = await leadlag(['pair', spot, perp, '--format', 'json']);
  assert.equal(merged.stdout, one.stdout);
  // The warnings too: the gap between each market's files of the 2nd and the 4th (from the
  // times the states read), and the quiet spells inside the files.
  assert.match(one.stderr, /spot_2024-08-02\.csv ends at 2024-08-02T23:59:5\d\.\d+Z and .*spot_2024-08-04\.csv, the market's next file, starts 24 h 00 min later/);
  assert.equal(merged.stderr, one.stderr);
  // Without the middle job (--allow-gaps), no state read 08-01's file to its end (job 0 stopped
  // at its range's end and margin): merge says no gap it cannot know, where it said one from
  // 01:10 on 08-01.
  const ends = readdirSync(states).sort().filter((_, i) => i !== 1).map((f) => join(states, f));
  const partial = await leadlag(['merge', ...ends, '--allow-gaps', '--format', 'json']);
  assert.equal(partial.code, 0, partial.stderr);
  assert.doesNotMatch(partial.stderr, /next file/);
});
