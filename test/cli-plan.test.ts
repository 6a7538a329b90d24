/**
 * `leadlag plan`'s refusals: every rule that keeps it from printing jobs that cannot run or that
 * would overwrite each other's states, through the command line (exit code and the one-line
 * message) on tiny daily files whose names carry their dates (plan reads no tick, so the files
 * are empty). The jobs run end to end in cli-parallel.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempFiles, type CliResult } from './cli-helpers.js';
import { leadlagInProcess as leadlag } from './context-helpers.js';
import { shellQuote, shellWords } from '../src/cli/shell-words.js';
import { UsageError } from '../src/errors.js';
import { manifestCells, MAX_PLAN_JOBS } from '../src/cli/commands/plan.js';
import { STATE_FORMAT } from '../src/io/state-file.js';
import { jobCount, planJobs, type DayFile } from '../src/core/plan.js';

/** spot/ and perp/ holding 2024-08-08 and 2024-08-09 each (the layout the README shows): two daily jobs. */
function twoDays(): { dir: string; spot: string; perp: string } {
  const dir = tempFiles({});
  for (const m of ['spot', 'perp']) {
    mkdirSync(join(dir, m));
    for (const d of ['08', '09']) writeFileSync(join(dir, m, `${m}-2024-08-${d}.csv`), '');
  }
  return { dir, spot: join(dir, 'spot'), perp: join(dir, 'perp') };
}

/** Asserts the run failed with `code` and one line on stderr (and the pointer to help for a usage error) matching `message`. */
function assertRefused(r: CliResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr.split('\n')[0]!, message);
}

test('plan --manifest refuses a pair name given twice, naming the manifest, the line and the name (exit 65)', async () => {
  const { dir, spot, perp } = twoDays();
  const manifest = join(dir, 'pairs.csv');
  // Line 1 is the header, BTC is on line 2 and again on line 3: both would write states/BTC-0000.state.
  writeFileSync(manifest, `pair,spot_files,perp_files\nBTC,${spot},${perp}\nBTC,${spot},${perp}\n`);
  const r = await leadlag(['plan', '--manifest', manifest]);
  assertRefused(r, 65, /^leadlag: \S+pairs\.csv:3: the pair is on line 2 already; its jobs would write the same state files \(BTC-0000\.state, …\) .*: "BTC"$/);
  // btc and BTC are one file on a case-insensitive file system (line 3 again).
  writeFileSync(manifest, `pair,spot_files,perp_files\nBTC,${spot},${perp}\nbtc,${spot},${perp}\n`);
  assertRefused(await leadlag(['plan', '--manifest', manifest]), 65, /pairs\.csv:3: the pair is on line 2 already as BTC \(names that differ only in case.*: "btc"$/);
  // Two names: 2 pairs × 2 days = 4 jobs and a header.
  writeFileSync(manifest, `pair,spot_files,perp_files\nBTC,${spot},${perp}\nETH,${spot},${perp}\n`);
  const ok = await leadlag(['plan', '--manifest', manifest]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim().split('\n').length, 5);
});

test('plan --manifest reads quoted fields as a CSV export writes them; --label with --manifest is refused', () => {
  // Hand-worked RFC 4180 lines: quotes around any field, "" for a quote, a comma list inside quotes.
  assert.deepEqual(manifestCells('"BTCUSDT","spot/","perp/"', ','), ['BTCUSDT', 'spot/', 'perp/']);
  assert.deepEqual(manifestCells('ETH,"s/a.csv,s/b.csv", p/ ', ','), ['ETH', 's/a.csv,s/b.csv', 'p/']);
  assert.deepEqual(manifestCells('X,"a ""b"" c",d', ','), ['X', 'a "b" c', 'd']);
  assert.deepEqual(manifestCells('X\t"a\tb"\tc', '\t'), ['X', 'a\tb', 'c']);
  assert.equal(manifestCells('X,"open,c', ','), undefined);
});

test('plan --manifest: a quoted export plans as the plain one; --label beside it is refused (exit 2)', async () => {
  const { dir, spot, perp } = twoDays();
  const plain = join(dir, 'plain.csv');
  const quoted = join(dir, 'quoted.csv');
  writeFileSync(plain, `pair,spot_files,perp_files\nBTCUSDT,${spot},${perp}\n`);
  writeFileSync(quoted, `"pair","spot_files","perp_files"\n"BTCUSDT","${spot}","${perp}"\n`);
  const a = await leadlag(['plan', '--manifest', plain]);
  assert.equal(a.code, 0, a.stderr);
  const b = await leadlag(['plan', '--manifest', quoted]);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(b.stdout, a.stdout);
  writeFileSync(quoted, `pair,spot_files,perp_files\n"BTCUSDT,${spot},${perp}\n`);
  assertRefused(await leadlag(['plan', '--manifest', quoted]), 65, /quoted\.csv:2: a quoted field does not end on its line/);
  assertRefused(await leadlag(['plan', '--manifest', plain, '--label', 'X']), 2, /--label names the one pair of the markets given; with --manifest/);
  // A tab inside a quoted field (here trailing, trimmed as any field) leaves the line CSV.
  writeFileSync(quoted, `pair,spot_files,perp_files\nBTCUSDT,"${spot}\t",${perp}\n`);
  const c = await leadlag(['plan', '--manifest', quoted]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.stdout, a.stdout);
  // A header in another order (as pandas writes a frame's columns) orders the lines' fields: the
  // same plan. Before, the header was read as a pair named perp_files.
  writeFileSync(quoted, `perp_files,pair,spot_files\n${perp},BTCUSDT,${spot}\n`);
  const d = await leadlag(['plan', '--manifest', quoted]);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.stdout, a.stdout);
  // After a comment line, and with a DataFrame's unnamed index column first: the same plan.
  // The comments may be indented (before, '  # …' was read as a pair named '# …' and refused).
  writeFileSync(quoted, `# pairs to plan\n,perp_files,pair,spot_files\n  # the one pair\n0,${perp},BTCUSDT,${spot}\n\t# end\n`);
  const e = await leadlag(['plan', '--manifest', quoted]);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(e.stdout, a.stdout);
  // A header of the known names that lacks one is refused, naming the columns.
  writeFileSync(quoted, `perp_files,pair\n${perp},BTCUSDT\n`);
  assertRefused(await leadlag(['plan', '--manifest', quoted]), 65, /quoted\.csv:1: the header names perp_files,pair; a manifest's columns are pair,spot_files,perp_files, in any order/);
});

test('plan --label refuses a name that is no file name, saying which characters go (exit 2)', async () => {
  const { spot, perp } = twoDays();
  // BTC/USDT would name states/BTC/USDT-0000.state, in a directory no one made: every job would fail.
  assertRefused(await leadlag(['plan', spot, perp, '--label', 'BTC/USDT']), 2, /^leadlag: --label may hold letters, digits, _ \. and - only .*got "BTC\/USDT"; e\.g\. BTCUSDT or BTC-USDT$/);
  assertRefused(await leadlag(['plan', spot, perp, '--label', 'BTC USDT']), 2, /got "BTC USDT"/);
  // --states "" had every job write /pair-0000.state.
  assertRefused(await leadlag(['plan', spot, perp, '--states', '']), 2, /--states needs a directory, got ""/);
  // The allowed characters pass and name the states: job 0 of BTC-USDT.
  const ok = await leadlag(['plan', spot, perp, '--label', 'BTC-USDT_1.0']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout.split('\n')[1]!, /\tstates\/BTC-USDT_1\.0-0000\.state\t2024-08-08T00:00:00\.000000Z\.\.2024-08-10T00:00:00\.000000Z\tpair\t$/);
});

test('plan refuses a named input that does not exist, naming it (exit 66), before looking for dates', async () => {
  const { dir, spot, perp } = twoDays();
  // A file named outright: the jobs would fail on it; it was reported as a day missing from the second market.
  const missing = join(perp, 'nonexist-2024-08-08.csv');
  assertRefused(await leadlag(['plan', join(spot, 'spot-2024-08-08.csv'), missing]), 66, new RegExp(`^leadlag: ${missing}: no such file$`));
  // A missing directory: it was a usage error asking for a date in its name.
  const nodir = join(dir, 'nodir/');
  assertRefused(await leadlag(['plan', spot, nodir]), 66, new RegExp(`^leadlag: ${nodir}: no such file$`));
  // The same in a manifest row, with the manifest's line (2: the header is line 1).
  const manifest = join(dir, 'pairs.csv');
  writeFileSync(manifest, `pair,spot_files,perp_files\nBTC,${spot},${nodir}\n`);
  assertRefused(await leadlag(['plan', '--manifest', manifest]), 66, new RegExp(`^leadlag: ${nodir}: no such file \\(${manifest} line 2\\)$`));
  // A missing manifest: the usual words, not the system's ENOENT.
  const none = join(dir, 'nonexist.csv');
  assertRefused(await leadlag(['plan', '--manifest', none]), 66, new RegExp(`^leadlag: ${none}: no such file$`));
  // A glob that matches nothing stays what it is for every command (exit 66).
  assertRefused(await leadlag(['plan', spot, join(dir, 'nope', '*.csv')]), 66, /: no file matches this pattern$/);
});

test('plan --command xcorr|hy refuses ranges off the --block edges up front, saying what would work (exit 2)', async () => {
  const { spot, perp } = twoDays();
  // 2024-08-08T00:00Z is 1 723 075 200 s = 13 × 132 544 246 + 2: the first multiple of 13 s after
  // it is 11 s later, so job 0 owns [00:00:00, 00:00:11), and 11 s is no multiple of xcorr's
  // default 10 s block.
  const every13 = await leadlag(['plan', spot, perp, '--every', '13s', '--command', 'xcorr', '--emit', 'commands']);
  assertRefused(every13, 2, /^leadlag: job 0 \(pair-0000\) would end at 2024-08-08T00:00:11\.000000Z, not a multiple of xcorr's --block 10 s, .*: use a --block that divides a day .* and an --every that is a multiple of it$/);
  // 1 723 075 200 s = 7 × 246 153 600: job 0 owns [00:00:00, 00:00:07); the TSV is refused too.
  assertRefused(await leadlag(['plan', spot, perp, '--every', '7s', '--command', 'hy']), 2, /^leadlag: job 0 \(pair-0000\) would end at 2024-08-08T00:00:07\.000000Z, not a multiple of hy's --block 10 s/);
  // --block from --options: 2024-08-08 is day 19 943 and a day is 86 400 s = 205 × 420 + 300, so
  // that midnight is 19 943 × 300 = 14 245 × 420 s, an edge of 7 min blocks, and the next one
  // (19 944 × 300 ≡ 300 mod 420) is not: job 0's end is refused.
  assertRefused(await leadlag(['plan', spot, perp, '--command', 'hy', '--options', '--block 7min']), 2, /^leadlag: job 0 \(pair-0000\) would end at 2024-08-09T00:00:00\.000000Z, not a multiple of hy's --block 7 min/);
  // An --offset off the block edges: job 0 owns [00:00, 00:01:30), and 90 s is no multiple of
  // 1 h; the advice names --offset. An offset of 0 in any unit is none.
  assertRefused(await leadlag(['plan', spot, perp, '--command', 'hy', '--options', '--block 1h', '--offset', '90s']), 2, /^leadlag: job 0 \(pair-0000\) would end at 2024-08-08T00:01:30\.000000Z, not a multiple of hy's --block 60 min 00 s, .*shifted by --offset 90 s: .*and an --every and an --offset that are multiples of it$/);
  const zero = await leadlag(['plan', spot, perp, '--command', 'hy', '--offset', '0s']);
  assert.equal(zero.code, 0, zero.stderr);
  assert.equal(zero.stdout, (await leadlag(['plan', spot, perp, '--command', 'hy'])).stdout);
  // What works: hourly jobs of whole minute blocks (2 days × 24 = 48 jobs).
  const ok = await leadlag(['plan', spot, perp, '--command', 'xcorr', '--every', '1h', '--options', '--block 1min', '--emit', 'commands']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim().split('\n').length, 48);
  // pair's states take any range: 13 s jobs are fine there. The 172 800 s of the two days are an
  // 11 s job to the first multiple of 13 s, then 172 789 s = 13 291 × 13 s + 6 s: 1 + 13 291 + 1 = 13 293 jobs.
  const pair = await leadlag(['plan', spot, perp, '--every', '13s', '--emit', 'commands']);
  assert.equal(pair.code, 0, pair.stderr);
  assert.equal(pair.stdout.trim().split('\n').length, 13_293);
});

test('plan --options: parsed as the job\'s command parses it; options plan sets, unknown options and shell syntax are refused (exit 2)', async () => {
  const { spot, perp } = twoDays();
  const refused = async (options: string, message: RegExp, command = 'pair') => assertRefused(await leadlag(['plan', spot, perp, '--command', command, '--options', options, '--emit', 'commands']), 2, message);
  await refused('--bogus 1', /^leadlag: --options: unknown option '--bogus' \(as pair reads it\)$/);
  await refused('--plan-span 2024-01-01..2024-02-01', /^leadlag: --options must not hold --plan-span: plan gives every job the span all its jobs cover/);
  await refused('--threshold 7', /^leadlag: --options: --threshold must be greater than 0 and less than 100%, got "7"/);
  await refused("--threshold '1bp", /^leadlag: --options has an unbalanced ' \(a quote opened and never closed\)/);
  await refused('--start 2024-08-08 --state x.state', /^leadlag: --options must not hold --start: plan gives every job its range$/);
  await refused('--state=x.state', /^leadlag: --options must not hold --state: plan gives every job its state file/);
  await refused('--label ETH', /^leadlag: --options must not hold --label/, 'xcorr');
  await refused('--by 1h', /^leadlag: --options: xcorr's jobs would refuse them: --state goes without --by/, 'xcorr');
  // What every state run refuses, whatever its range (the commands' own state checks).
  for (const command of ['pair', 'xcorr', 'hy']) await refused('--plot x.svg', new RegExp(`^leadlag: --options: ${command}'s jobs would refuse them: --plot goes without --state`), command);
  await refused('--by vol', /^leadlag: --options: pair's jobs would refuse them: --state goes with --by DUR or no --by/);
  // A trades column for a command that reads no trades: each job would exit 2 (pair's own check).
  for (const command of ['pair', 'xcorr', 'hy']) await refused('--side-col x', new RegExp(`^leadlag: --options: ${command}'s jobs would refuse them: --side-col names a column of trades, and ${command} reads no trades`), command);
  await refused('--save-model m.json', /^leadlag: --options: classify's jobs would refuse them: --save-model goes without --state/, 'classify');
  await refused('--balanced --split walk-forward', /^leadlag: --options: classify's jobs would refuse them: --split walk-forward tests every later block in full/, 'classify');
  // One file for every job's rows: each job would write over the last.
  await refused('--dump-features rows.csv', /^leadlag: --options: every job would write its range's rows to --dump-features rows\.csv, each over the last; give --dump-features -/, 'classify');
  await refused('extra.csv', /^leadlag: --options holds options only, no files/);
  await refused('-q; rm -rf states', /^leadlag: --options holds options and their values only; ; is shell syntax/);
  // What passes reaches the job as the same words, quoted for the shell.
  const ok = await leadlag(['plan', spot, perp, '--options', "-q --time-format '%Y-%m-%d %H:%M:%S.%f' --threshold \"1bp\"", '--emit', 'commands']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout.split('\n')[0]!, / --state states\/pair-0000\.state --plan-span 2024-08-08T00:00:00\.000000Z\.\.2024-08-10T00:00:00\.000000Z -q --time-format '%Y-%m-%d %H:%M:%S\.%f' --threshold 1bp$/);
});

test('shellWords(text) splits as a POSIX shell does, and shellQuote(word) reads back as the word', () => {
  // Worked by hand from the shell's rules (and checked with bash: printf '<%s>' a'b c'd "e \"f" g\ h
  // prints <ab cd><e "f><g h>): blanks split, '…' literal, "…" literal but \" \\ \$ \`, \c outside quotes is c.
  assert.deepEqual(shellWords('', '--o'), []);
  assert.deepEqual(shellWords('  -q\t--by  1h ', '--o'), ['-q', '--by', '1h']);
  assert.deepEqual(shellWords("a'b c'd \"e \\\"f\" g\\ h", '--o'), ['ab cd', 'e "f', 'g h']);
  assert.deepEqual(shellWords("'' x", '--o'), ['', 'x']);
  assert.deepEqual(shellWords("'$HOME;|'", '--o'), ['$HOME;|']);
  for (const bad of ['"a', "a'", 'a\\', 'a $B', 'a "$B"', 'a `b`', 'a > f', 'a\nb']) assert.throws(() => shellWords(bad, '--o'), UsageError, bad);
  // What bash would expand or drop: a comment, ~, globs and braces (unquoted); quoted they are literal.
  for (const bad of ['--seed 7 # x', '--dump-features ~/f.csv', '--dump-features=~/f.csv', 'a*', 'a?', '[ab]', '{a,b}']) assert.throws(() => shellWords(bad, '--o'), UsageError, bad);
  assert.deepEqual(shellWords("a#b '~/f' '{a,b}*'", '--o'), ['a#b', '~/f', '{a,b}*']);
  // Round trip: the quoted words split back into the same words.
  const words = ['plain', 'with space', "it's", '%H:%M', '', '$x;y'];
  assert.deepEqual(shellWords(words.map(shellQuote).join(' '), '--o'), words);
});

test('plan refuses --format saying why and what it has instead (exit 2); its help says so', async () => {
  const { spot, perp } = twoDays();
  assertRefused(await leadlag(['plan', spot, perp, '--format', 'json']), 2, /^leadlag: plan takes no --format: it prints a scheduler's input, --emit tsv .* or --emit commands/);
  const help = await leadlag(['plan', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout.replace(/\s+/g, ' '), /plan takes no --format/);
});

test('plan --emit tsv writes paths as they are, and refuses one with a tab (it would split the line; exit 2)', async () => {
  const { dir, spot, perp } = twoDays();
  // A backslash reaches the job list unchanged (schedulers read the fields verbatim).
  const plain = await leadlag(['plan', spot, perp, '--states', join(dir, 'st\\ates'), '--emit', 'tsv']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(plain.stdout.includes(`${join(dir, 'st\\ates')}/pair-0000.state`), plain.stdout);
  const tabbed = join(dir, 'sp\tot');
  mkdirSync(tabbed);
  for (const d of ['08', '09']) writeFileSync(join(tabbed, `spot-2024-08-${d}.csv`), '');
  assertRefused(await leadlag(['plan', tabbed, perp, '--emit', 'tsv']), 2, /^leadlag: --emit tsv cannot write ".*sp\\tot.*": it holds a tab or a line break; use --emit commands/);
  const commands = await leadlag(['plan', tabbed, perp, '--emit', 'commands']);
  assert.equal(commands.code, 0, commands.stderr);
});

test('plan --options --version is checked as a job\'s option, not taken for the program\'s --version', async () => {
  const { spot, perp } = twoDays();
  // Before, the program's --version answered from anywhere on the line: plan printed 0.1.0, exit 0.
  assertRefused(await leadlag(['plan', spot, perp, '--options', '--version']), 2, /^leadlag: --options: unknown option '--version' \(as pair reads it\)$/);
  const v = await leadlag(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('plan refuses a file with a comma in its name where a job lists it with others (the list would cut it; exit 2)', async () => {
  const { dir, perp } = twoDays();
  const comma = join(dir, 'sp,ot');
  mkdirSync(comma);
  for (const d of ['08', '09']) writeFileSync(join(comma, `spot-2024-08-${d}.csv`), '');
  // The default --margin gives each daily job its neighbour day's file too, so every spot list has two names.
  assertRefused(await leadlag(['plan', comma, perp, '--emit', 'commands']), 2, /^leadlag: .*sp,ot\/spot-2024-08-0[89]\.csv: a job reads this file with others as one comma-separated list/);
  const plain = await leadlag(['plan', join(dir, 'spot'), perp, '--emit', 'commands']);
  assert.equal(plain.code, 0, plain.stderr);
});

test('plan widens --margin to the margin its jobs read, so that a job gets the day before when its reach needs it', async () => {
  const { spot, perp } = twoDays();
  // Hourly jobs; the job of 2024-08-09 05:00–06:00 (job 29). pair reads M = 1 s + W + D + G +
  // 10 × --null-step around it: 11.009 s by default (its day alone), 10 h 00 min 01.009 s with
  // --null-step 1h, back to 19:00 of the 8th. Before, plan kept its 10-minute margin, the job
  // read the 9th alone, and merge refused the states.
  const spotFiles = async (options: string[]) => {
    const r = await leadlag(['plan', spot, perp, '--every', '1h', '--emit', 'tsv', ...options]);
    assert.equal(r.code, 0, r.stderr);
    const row = r.stdout.trimEnd().split('\n').find((l) => l.split('\t')[3] === '2024-08-09T05:00:00.000000Z')!;
    return row.split('\t')[5]!.split(',').map((f) => f.replace(/.*\//, ''));
  };
  assert.deepEqual(await spotFiles([]), ['spot-2024-08-09.csv']);
  assert.deepEqual(await spotFiles(['--options', '--null-step 1h']), ['spot-2024-08-08.csv', 'spot-2024-08-09.csv']);
});

test('plan --options with a misspelt option: one line naming it and commander\'s suggestion (exit 2)', async () => {
  const { spot, perp } = twoDays();
  // commander puts "(Did you mean …?)" on a line of its own; it printed as a literal \n.
  const r = await leadlag(['plan', spot, perp, '--options', '--threshhold 1bp']);
  assertRefused(r, 2, /^leadlag: --options: unknown option '--threshhold' \(Did you mean --threshold\?\) \(as pair reads it\)$/);
});

test('jobCount is the length of planJobs\' list, for any --every and --offset', () => {
  // Three UTC days, one missing in the middle (its job is made all the same); the count is
  // checked against the list planJobs builds cut by cut.
  const DAY = 86_400_000_000;
  const day0 = Date.UTC(2024, 7, 1) * 1000;
  const files = (days: number[]): DayFile[] => days.map((d) => ({ path: `f${d}`, start: day0 + d * DAY, end: day0 + (d + 1) * DAY }));
  const [a, b] = [files([0, 2]), files([0, 1, 2])];
  for (const every of [7_000_000, 3_600_000_000, 5 * 3_600_000_000, DAY, 2 * DAY, 5 * DAY]) {
    for (const offset of [0, 1, 1_234_567, every - 1]) {
      assert.equal(jobCount(a, b, every, offset), planJobs(a, b, every, 0, [], offset).length, `every ${every} offset ${offset}`);
    }
  }
  // By hand: three days cut every 1 h with no offset are 72 jobs; with 30 min of offset, 73.
  assert.equal(jobCount(a, b, 3_600_000_000, 0), 72);
  assert.equal(jobCount(a, b, 3_600_000_000, 1_800_000_000), 73);
  assert.equal(jobCount([], [], DAY), 0);
});

test('plan refuses an --every that makes more jobs than a scheduler is meant to run (exit 2, not a crash)', async () => {
  // Two days every 1 s: 172 800 jobs. (Every 100 ms over three days ran out of string length, exit 70.)
  const { spot, perp } = twoDays();
  assert.ok(172_800 > MAX_PLAN_JOBS);
  // The shortest --every in whole minutes that fits: 2 days / 100 000 = 1.7 s, so 1 min.
  assertRefused(await leadlag(['plan', spot, perp, '--every', '1s']), 2, /^leadlag: --every 1 s cuts the pair's days into 172800 jobs, more than the 100000 a plan makes \(.*\); use --every 60 s or longer$/);
  const ok = await leadlag(['plan', spot, perp, '--every', '1h']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim().split('\n').length, 1 + 48);
  // Counted over the plan, not a pair: two pairs every 2 s are 86 400 jobs each, 172 800 in all.
  const manifest = join(tempFiles({}), 'pairs.csv');
  writeFileSync(manifest, `pair,spot_files,perp_files\nA,${spot},${perp}\nB,${perp},${spot}\n`);
  assertRefused(await leadlag(['plan', '--manifest', manifest, '--every', '2s']), 2, /^leadlag: --every 2 s cuts the 2 pairs' days into 172800 jobs, more than the 100000 a plan makes/);
});

test('plan refuses two files of one day in a market, and a cut that meets a day with no file in either market (exit 65)', async () => {
  const dir = tempFiles({});
  for (const m of ['spot', 'perp']) {
    mkdirSync(join(dir, m));
    for (const d of ['01', '02', '04']) writeFileSync(join(dir, m, `${m}-2024-08-${d}.csv`), '');
  }
  const [spot, perp] = [join(dir, 'spot'), join(dir, 'perp')];
  // The 3rd is in neither market: the daily cut at its midnight meets it (the instant at the cut).
  assertRefused(await leadlag(['plan', spot, perp]), 65, /^leadlag: pair: the cut at 2024-08-03T00:00:00\.000000Z between jobs 1 and 2 meets 2024-08-03, a day without a file of the first market: .*choose an --every and --offset whose cuts fall inside days with files/);
  // Cut at 12:00 every 2 days (the epoch's 2-day cuts fall on 08-01 and 08-03): the cut at 08-03
  // 12:00 lies in the missing day.
  assertRefused(await leadlag(['plan', spot, perp, '--every', '2d', '--offset', '12h']), 65, /the cut at 2024-08-03T12:00:00\.000000Z between jobs 1 and 2 meets 2024-08-03/);
  // Every 4 days at 01:00 (4-day cuts from the epoch fall on 08-01 and 08-05; 08-01 is day
  // 19 936): one job spans the 3rd, its one cut inside a day with files. (cli-parallel.test.ts
  // runs such a plan and merges it to the one run.)
  const spans = await leadlag(['plan', spot, perp, '--every', '4d', '--offset', '1h']);
  assert.equal(spans.code, 0, spans.stderr);
  assert.deepEqual(spans.stdout.trim().split('\n').slice(1).map((l) => l.split('\t').slice(3, 5).join(' ')), ['2024-08-01T00:00:00.000000Z 2024-08-01T01:00:00.000000Z', '2024-08-01T01:00:00.000000Z 2024-08-05T00:00:00.000000Z']);
  for (const m of ['spot', 'perp']) writeFileSync(join(dir, m, `${m}-2024-08-03.csv`), '');
  const ok = await leadlag(['plan', spot, perp]);
  assert.equal(ok.code, 0, ok.stderr);
  // A day in parts is planned (its files do not overlap); a leftover .gz beside the file of the
  // 2nd is the same file twice, which the day's jobs would read both of.
  for (const m of ['spot', 'perp']) {
    rmSync(join(dir, m, `${m}-2024-08-01.csv`));
    for (const part of ['a', 'b']) writeFileSync(join(dir, m, `${m}-2024-08-01-${part}.csv`), '');
  }
  const parts = await leadlag(['plan', spot, perp]);
  assert.equal(parts.code, 0, parts.stderr);
  assert.match(parts.stdout.split('\n')[1]!, /spot-2024-08-01-a\.csv,.*spot-2024-08-01-b\.csv,/);
  // Two copies of one day's file under other names (the same size and bytes): refused too; parts
  // of one size that differ are not (a day in parts).
  const day4 = 'ts_us,bid,ask\n1722729600000000,1,2\n';
  writeFileSync(join(dir, 'spot', 'spot-2024-08-04.csv'), day4);
  writeFileSync(join(dir, 'spot', 'copy-of-spot-2024-08-04.csv'), day4.replace('1,2', '1,3'));
  assert.equal((await leadlag(['plan', spot, perp])).code, 0);
  writeFileSync(join(dir, 'spot', 'copy-of-spot-2024-08-04.csv'), day4);
  assertRefused(await leadlag(['plan', spot, perp]), 65, /^leadlag: pair: 2024-08-04 has two copies of one file of the first market, .*copy-of-spot-2024-08-04\.csv and .*\/spot-2024-08-04\.csv \(the same size and bytes\); .* keep one$/);
  // A part of the same size but other bytes between the two (in name order) hides nothing.
  writeFileSync(join(dir, 'spot', 'part-spot-2024-08-04.csv'), day4.replace('1,2', '1,4'));
  assertRefused(await leadlag(['plan', spot, perp]), 65, /2024-08-04 has two copies of one file of the first market, .*copy-of-spot-2024-08-04\.csv and .*\/spot-2024-08-04\.csv/);
  rmSync(join(dir, 'spot', 'part-spot-2024-08-04.csv'));
  rmSync(join(dir, 'spot', 'copy-of-spot-2024-08-04.csv'));
  writeFileSync(join(dir, 'perp', 'perp-2024-08-02.csv.gz'), '');
  assertRefused(await leadlag(['plan', spot, perp]), 65, /^leadlag: pair: 2024-08-02 has one file of the second market twice, .*perp-2024-08-02\.csv and .*perp-2024-08-02\.csv\.gz \(packed and unpacked\); .* keep one$/);
});

test('plan warns of state files its jobs would replace that are another plan\'s: other files, or another command\'s; a rerun\'s own states are not said', async () => {
  const { dir, spot, perp } = twoDays();
  const states = join(dir, 'states');
  mkdirSync(states);
  // A state's first line as a job writes it (plan reads only these members, unverified).
  const state = (name: string, command: string, files: [string, string]) =>
    writeFileSync(join(states, name), `${JSON.stringify({ format: STATE_FORMAT, format_version: 1, leadlag_version: '0', command, label: 'pair', inputs: { a: [{ name: files[0], bytes: 0 }], b: [{ name: files[1], bytes: 0 }] } })}\n{}\n`);
  const plan = (...extra: string[]) => leadlag(['plan', spot, perp, '--states', states, ...extra]);
  // This plan's own day-1 files (the daily files are empty: 0 bytes): a rerun, nothing said.
  state('pair-0000.state', 'pair', [join(spot, 'spot-2024-08-08.csv'), join(perp, 'perp-2024-08-08.csv')]);
  let r = await plan();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  // Another pair's files under the same default label: said, with the state, before its jobs replace it.
  state('pair-0001.state', 'pair', ['/eth/ethspot-2024-08-09.csv', '/eth/ethperp-2024-08-09.csv']);
  r = await plan();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^leadlag: warning: 1 state file this plan's jobs write \(\S+pair-0001\.state\) already holds a state of other files \(label pair\), which the jobs would replace; give this plan its own --label or --states DIR\n$/);
  // Another command's plan into the same folder: both states named.
  r = await plan('--command', 'hy', '--options', '--lags -5ms..5ms --step 1ms');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /2 state files this plan's jobs write \(\S+pair-0000\.state, \S+pair-0001\.state\) already hold pair states, which hy jobs refuse to replace/);
  // Its own --label: other names, nothing to say.
  assert.equal((await plan('--label', 'ETH')).stderr, '');
  // A state of the pair this plan does not write (a longer plan's job 7, say): merge over the
  // folder would read it too.
  writeFileSync(join(states, 'pair-0007.state'), '');
  assert.match((await plan('--label', 'pair')).stderr, /holds 1 state file of pair that this plan does not write \(\S+pair-0007\.state\), from another plan: merge over the folder or pair-\*\.state would read them too/);
  assert.doesNotMatch((await plan('--label', 'ETH')).stderr, /does not write/);
});

test('plan refuses a cut that meets a day whose file holds a header and no rows, plain or gzipped; a one-row file and an empty name are planned', async () => {
  // The jobs leave such a file out (io/multi.ts), so the market is quiet across the cut and no
  // merge could join the states: said before any job runs, not after all of them.
  const dir = tempFiles({});
  const header = 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\n';
  const row = 'binance,BTCUSDT,1722556800000000,1722556800000000,1,60000.01,60000.00,1\n';
  for (const m of ['spot', 'perp']) {
    mkdirSync(join(dir, m));
    for (const d of ['01', '02', '03']) writeFileSync(join(dir, m, `${m}-2024-08-${d}.csv`), header + row);
  }
  const [spot, perp] = [join(dir, 'spot'), join(dir, 'perp')];
  const headerOnly = /^leadlag: pair: the cut at 2024-08-02T00:00:00\.000000Z between jobs 0 and 1 meets 2024-08-02, a day whose file of the second market holds a header and no rows \(\S+perp-2024-08-02\.csv(\.gz)?\): no merge joins states/;
  writeFileSync(join(perp, 'perp-2024-08-02.csv'), header);
  assertRefused(await leadlag(['plan', spot, perp]), 65, headerOnly);
  rmSync(join(perp, 'perp-2024-08-02.csv'));
  writeFileSync(join(perp, 'perp-2024-08-02.csv.gz'), gzipSync(header));
  assertRefused(await leadlag(['plan', spot, perp]), 65, headerOnly);
  // One data row without a header (a Binance export), and a header with its one row: planned.
  writeFileSync(join(perp, 'perp-2024-08-02.csv.gz'), gzipSync('48123456790,60000.00,1.000,60000.01,3.525,1722556800000,1722556800001\n'));
  const ok = await leadlag(['plan', spot, perp]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim().split('\n').length, 4);
});

test('plan refuses a file whose name holds a date that is no day, naming it (exit 2); before, 2023-02-29 was planned as 1 March', async () => {
  const dir = tempFiles({});
  for (const m of ['spot', 'perp']) {
    mkdirSync(join(dir, m));
    writeFileSync(join(dir, m, `${m}-2023-02-29.csv`), '');
  }
  assertRefused(await leadlag(['plan', join(dir, 'spot'), join(dir, 'perp')]), 2, /^leadlag: \S+spot-2023-02-29\.csv: 2023-02-29 in its name is no day of the calendar/);
});

test('plan warns once when --states is no folder yet or a file: every job would fail to write its state; a folder is fine', async () => {
  const { dir, spot, perp } = twoDays();
  const missing = await leadlag(['plan', spot, perp, '--states', join(dir, 'none')]);
  assert.equal(missing.code, 0, missing.stderr);
  assert.match(missing.stderr, /warning: --states .*none is no folder yet: every job fails to write its state until it exists \(mkdir -p .*none\)/);
  writeFileSync(join(dir, 'afile'), '');
  const file = await leadlag(['plan', spot, perp, '--states', join(dir, 'afile')]);
  assert.match(file.stderr, /warning: --states .*afile is a file, not a folder/);
  mkdirSync(join(dir, 'states'));
  const folder = await leadlag(['plan', spot, perp, '--states', join(dir, 'states')]);
  assert.equal(folder.code, 0, folder.stderr);
  assert.equal(folder.stderr, '');
  assert.equal(folder.stdout.split('\n').filter((l) => l !== '').length, 3, 'the header and two days\' jobs');
});
