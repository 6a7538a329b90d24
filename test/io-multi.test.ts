/**
 * Several files per market (docs/time.md): expansion of lists, directories and globs, one
 * stream in first-timestamp order that equals the concatenated file, and overlapping files
 * refused with both named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { PAIR, XCORR, splitCsv } from './time-helpers.js';
import { fakeContext } from './context-helpers.js';
import { dayFromName, expandGlob, expandInputArg, globSegment, impossibleNameDate } from '../src/io/paths.js';
import { openQuoteStream, openTradeStream } from '../src/io/multi.js';
import { STRICT } from './io-helpers.js';
import { renderPair, runPair, type PairOptions } from '../src/cli/commands/pair.js';
import { renderXcorr, runXcorr } from '../src/cli/commands/xcorr.js';
import type { InspectOptions } from '../src/cli/commands/inspect.js';
import { DataError, OpenError } from '../src/errors.js';
import { isoMicros } from '../src/io/output.js';

const SPOT = join(FIXTURES, 'tardis', 'spot_quotes.csv');
const PERP = join(FIXTURES, 'tardis', 'perp_quotes.csv');

async function pairJson(files: [string, string], o: Partial<PairOptions> = {}) {
  const { ctx } = fakeContext();
  return renderPair(await runPair(files, { ...PAIR, ...o }, ctx)).json;
}

test('globSegment: *, ? and classes match within one path segment', () => {
  assert.ok(globSegment('spot-2024-08-*.csv.gz').test('spot-2024-08-01.csv.gz'));
  assert.ok(!globSegment('spot-2024-08-*.csv.gz').test('spot-2024-09-01.csv.gz'));
  assert.ok(globSegment('day-0?.csv').test('day-07.csv'));
  assert.ok(!globSegment('day-0?.csv').test('day-007.csv'));
  assert.ok(globSegment('d[12].csv').test('d2.csv') && !globSegment('d[12].csv').test('d3.csv'));
  assert.ok(globSegment('d[!1].csv').test('d2.csv') && !globSegment('d[!1].csv').test('d1.csv'));
  assert.ok(!globSegment('a.csv').test('abcsv'), 'a dot is literal');
});

test('expandInputArg: a comma list, a directory (quote files only for quotes) and a glob', () => {
  const dir = tempFiles({ 'q-2024-08-02.csv': 'x', 'q-2024-08-01.csv.gz': 'x', 'trades-2024-08-01.csv': 'x', 'notes.md': 'x', '.hidden.csv': 'x' });
  assert.deepEqual(expandInputArg(dir, 'quotes'), [join(dir, 'q-2024-08-01.csv.gz'), join(dir, 'q-2024-08-02.csv')]);
  assert.deepEqual(expandInputArg(dir, 'trades'), [join(dir, 'q-2024-08-01.csv.gz'), join(dir, 'q-2024-08-02.csv'), join(dir, 'trades-2024-08-01.csv')]);
  assert.deepEqual(expandInputArg(`${dir}/q-*.csv*`), [join(dir, 'q-2024-08-01.csv.gz'), join(dir, 'q-2024-08-02.csv')]);
  assert.deepEqual(expandGlob(`${dir}/*-08-0[2]*`), [join(dir, 'q-2024-08-02.csv')]);
  assert.deepEqual(expandInputArg('a.csv, b.csv'), ['a.csv', 'b.csv']);
  // A name with a comma that exists is that one file; one that does not exist is still a list.
  const commas = tempFiles({ 'spot,2024.csv': 'x', 'b.csv': 'x' });
  assert.deepEqual(expandInputArg(join(commas, 'spot,2024.csv')), [join(commas, 'spot,2024.csv')]);
  assert.deepEqual(expandInputArg(`${join(commas, 'b.csv')},${join(commas, 'spot,2024.csv')}`), [join(commas, 'b.csv'), join(commas, 'spot'), '2024.csv']);
  // A glob that matches files whole, through a folder with a comma in its name.
  const folder = tempFiles({});
  mkdirSync(join(folder, 'sp,ot'));
  for (const n of ['a.csv', 'b.csv']) writeFileSync(join(folder, 'sp,ot', n), 'x');
  assert.deepEqual(expandInputArg(`${join(folder, 'sp,ot')}/*.csv`), [join(folder, 'sp,ot', 'a.csv'), join(folder, 'sp,ot', 'b.csv')]);
  assert.throws(() => expandInputArg(`${dir}/none-*.csv`), (e: unknown) => e instanceof OpenError && /no file matches/.test(e.message));
  // A name with glob characters that exists is that file or folder, not a pattern: '[x].csv' as
  // one matches x.csv, 'q?.csv' matches qa.csv as well.
  const odd = tempFiles({ '[x].csv': 'x', 'x.csv': 'x', 'q?.csv': 'x', 'qa.csv': 'x' });
  mkdirSync(join(odd, 'day[1]'));
  writeFileSync(join(odd, 'day[1]', 'a.csv'), 'x');
  assert.deepEqual(expandInputArg(join(odd, '[x].csv')), [join(odd, '[x].csv')]);
  assert.deepEqual(expandInputArg(join(odd, 'q?.csv')), [join(odd, 'q?.csv')]);
  assert.deepEqual(expandInputArg(join(odd, 'day[1]')), [join(odd, 'day[1]', 'a.csv')]);
  assert.deepEqual(expandInputArg(join(odd, 'q[a].csv')), [join(odd, 'qa.csv')], 'a pattern that names no file whole is still a pattern');
  // A folder so named inside a glob is that folder too, not the pattern's day1.
  mkdirSync(join(odd, 'day1'));
  writeFileSync(join(odd, 'day1', 'b.csv'), 'x');
  assert.deepEqual(expandInputArg(`${join(odd, 'day[1]')}/*.csv`), [join(odd, 'day[1]', 'a.csv')]);
});

test('dayFromName: one YYYY-MM-DD in the name is that UTC day; none or two dates give nothing', () => {
  // 2024-08-01T00:00:00Z = 1722470400 s since the epoch.
  assert.deepEqual(dayFromName('/x/binance_quotes_2024-08-01_BTCUSDT.csv.gz'), { start: 1722470400e6, end: 1722556800e6 });
  assert.equal(dayFromName('spot.csv'), undefined);
  assert.equal(dayFromName('2024-08-01_to_2024-08-02.csv'), undefined);
  assert.equal(dayFromName('2024-08/spot.csv'), undefined);
  // A date that is no day (Date.parse would roll 29 February 2023 over to 1 March) is none.
  assert.equal(dayFromName('spot-2023-02-29.csv'), undefined);
  assert.equal(dayFromName('spot-2024-08-32.csv'), undefined);
  assert.deepEqual(dayFromName('spot-2024-02-29.csv'), { start: Date.UTC(2024, 1, 29) * 1000, end: Date.UTC(2024, 2, 1) * 1000 });
  assert.equal(impossibleNameDate('/d/spot-2023-02-29.csv'), '2023-02-29');
  assert.equal(impossibleNameDate('/d/spot-2024-02-29.csv'), undefined);
});

test('pair and xcorr: three files per market (one gzipped, named out of order) equal the concatenated file', async () => {
  const s = splitCsv(SPOT, [0.3, 0.7]);
  const p = splitCsv(PERP, [0.5]);
  const dir = tempFiles({ 's-c.csv': s[0]!, 's-a.csv.gz': gzipSync(s[1]!), 's-b.csv': s[2]!, 'p1.csv': p[0]!, 'p2.csv': p[1]! });
  const spotArg = ['s-a.csv.gz', 's-b.csv', 's-c.csv'].map((n) => join(dir, n)).join(',');
  const whole = await pairJson([SPOT, PERP]);
  assert.deepEqual(await pairJson([spotArg, `${dir}/p*.csv`]), whole);
  const { ctx } = fakeContext();
  const xWhole = renderXcorr(await runXcorr([SPOT, PERP], XCORR, ctx)).json;
  const xParts = renderXcorr(await runXcorr([spotArg, `${dir}/p*.csv`], XCORR, ctx)).json;
  assert.deepEqual(xParts, xWhole);
});

test('a header-only file among a market\'s files is left out with a warning; alone, or with only its like, it is refused', async () => {
  // A day without ticks (a header and no rows) in a month's files: the run is the run over the
  // other files, and says which file it left out. Before, it failed every run that read it.
  const s = splitCsv(SPOT, [0.5]);
  const header = `${readFileSync(SPOT, 'utf8').split('\n')[0]!}\n`;
  const dir = tempFiles({ 's1.csv': s[0]!, 'empty.csv': header, 's2.csv': s[1]! });
  const [s1, empty, s2] = ['s1.csv', 'empty.csv', 's2.csv'].map((n) => join(dir, n));
  const f = fakeContext({ quiet: false });
  const withEmpty = renderPair(await runPair([`${s1},${empty},${s2}`, PERP], PAIR, f.ctx)).json;
  assert.deepEqual(withEmpty, await pairJson([`${s1},${s2}`, PERP]));
  assert.match(f.stderr(), new RegExp(`${empty.replace(/[.\\/]/g, '\\$&')} has a header but no data rows: left out`));
  const stream = openQuoteStream([s1, empty, s2], STRICT);
  for await (const b of stream) void b;
  assert.deepEqual(stream.emptyFiles, [empty]);
  assert.deepEqual(stream.reports().map((r) => r.file), [s1, s2]);
  // Alone, or every file of the market without rows: nothing to analyse, the file's own error.
  const noRows = (e: unknown) => e instanceof DataError && e.exitCode === 65 && e.message.includes(empty) && /header but no data rows/.test(e.message);
  await assert.rejects(pairJson([empty, PERP]), noRows);
  await assert.rejects(pairJson([`${empty},${empty}`, PERP]), noRows);
});

test('one market\'s files: an option without effect is said per file, two clocks are warned of; both markets naming one file by two names are warned of', async () => {
  // The Tardis spot file up to 12:00:40, then the exchange export (an ISO \`time\` column, the
  // venue's clock) from 12:00:40. Before, the options' warnings judged the first file alone.
  const tardis = readFileSync(SPOT, 'utf8').trimEnd().split('\n');
  const exchange = readFileSync(join(FIXTURES, 'exchange', 'spot_quotes.csv'), 'utf8').trimEnd().split('\n');
  const dir = tempFiles({
    'early.csv': `${[tardis[0], ...tardis.slice(1).filter((l) => Number(l.split(',')[2]) < 1723118440e6)].join('\n')}\n`,
    'late.csv': `${[exchange[0], ...exchange.slice(1).filter((l) => l.split(',')[0]! >= '2024-08-08 12:00:40')].join('\n')}\n`,
  });
  const list = `${join(dir, 'early.csv')},${join(dir, 'late.csv')}`;
  const stderrOf = async (files: [string, string], o: Partial<PairOptions>) => {
    const f = fakeContext({ quiet: false });
    await runPair(files, { ...PAIR, ...o }, f.ctx);
    return f.stderr();
  };
  const local = await stderrOf([list, PERP], { clock: 'local' });
  assert.match(local, /--clock local has no effect on \S+late\.csv: it has no receipt clock/);
  assert.doesNotMatch(local, /no effect on \S+early\.csv/);
  assert.match(local, /one market's files are read on two clocks: \S+early\.csv \('local_timestamp'\) on a receipt clock, \S+late\.csv \('time'\) on the venue's/);
  // On the venue's clock (the default) both files agree: nothing said.
  assert.equal(await stderrOf([list, PERP], {}), '');
  assert.match(await stderrOf([list, PERP], { timeUnit: 'ms' }), /--time-unit ms has no effect on \S+late\.csv: its times are ISO-8601 dates/);
  // A directory and a glob that meet in one file: one file for both markets.
  const same = tempFiles({ 'spot.csv': readFileSync(SPOT) });
  assert.match(await stderrOf([same, `${same}/*.csv`], {}), /both markets read the same file \(\S+spot\.csv, named by both /);
  // Lists that share two of their files: both named, and the claim kept to their times.
  const parts = splitCsv(SPOT, [0.25, 0.5, 0.75]);
  const q = tempFiles({ 'q1.csv': parts[0]!, 'q2.csv': parts[1]!, 'q3.csv': parts[2]!, 'q4.csv': parts[3]! });
  const [q1, q2, q3, q4] = ['q1.csv', 'q2.csv', 'q3.csv', 'q4.csv'].map((n) => join(q, n));
  assert.match(await stderrOf([`${q1},${q2},${q3}`, `${q2},${q3},${q4}`], {}), /both markets read the same files \(\S+q2\.csv, \S+q3\.csv, named by both .*\): every jump over their times pairs with itself/);
});

test('a range that ends before a market\'s files begin names their first files and first times; one after their end, the last', async () => {
  // Before, the last file was kept whatever the range, and the message gave its first time as the data's.
  const s = splitCsv(SPOT, [0.5]);
  const p = splitCsv(PERP, [0.5]);
  const dir = tempFiles({ 's1.csv': s[0]!, 's2.csv': s[1]!, 'p1.csv': p[0]!, 'p2.csv': p[1]! });
  const files: [string, string] = [`${join(dir, 's1.csv')},${join(dir, 's2.csv')}`, `${join(dir, 'p1.csv')},${join(dir, 'p2.csv')}`];
  const firstTime = (text: string) => Number(text.split('\n')[1]!.split(',')[2]);
  await assert.rejects(pairJson(files, { end: 1723118400e6 - 3600e6 }), (e: unknown) => e instanceof DataError && /s1\.csv and .*p1\.csv: the range … to 2024-08-08T11:00:00\.000000Z ends before both files have data/.test(e.message) && e.message.includes(`their first times: ${isoMicros(firstTime(s[0]!))} and ${isoMicros(firstTime(p[0]!))}`));
  await assert.rejects(pairJson(files, { start: 1723118400e6 + 3600e6 }), (e: unknown) => e instanceof DataError && /s2\.csv and .*p2\.csv: the range 2024-08-08T13:00:00\.000000Z to … starts after one of the files has ended/.test(e.message));
});

test('overlapping files of one market are refused with a data error naming both', async () => {
  const s = splitCsv(SPOT, [0.6]);
  // The second part repeats the last 10 rows of the first.
  const [header, ...rows] = readFileSync(SPOT, 'utf8').trimEnd().split('\n');
  const firstRows = s[0]!.trimEnd().split('\n').length - 1;
  const overlapping = `${header}\n${rows.slice(firstRows - 10).join('\n')}\n`;
  const dir = tempFiles({ 'a.csv': s[0]!, 'b.csv': overlapping });
  await assert.rejects(
    pairJson([`${join(dir, 'a.csv')},${join(dir, 'b.csv')}`, PERP]),
    (e: unknown) => e instanceof DataError && e.exitCode === 65 && e.message.includes(join(dir, 'a.csv')) && e.message.includes(join(dir, 'b.csv')) && /overlap/.test(e.message),
  );
});

test('a garbage file among a market\'s files is reported by name', async () => {
  const dir = tempFiles({ 'bad.csv': 'not,a,quote,file\n1,2,3,4\n' });
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'garbage\n');
  await assert.rejects(pairJson([`${SPOT},${bad}`, PERP]), (e: unknown) => e instanceof Error && e.message.includes(bad));
});

test('inspect: a directory or a glob is inspected file by file; a glob matching nothing is an entry with its error', async () => {
  const { runInspect } = await import('../src/cli/commands/inspect.js');
  const { ctx } = fakeContext();
  const dir = join(FIXTURES, 'tardis');
  const r = await runInspect([dir, `${dir}/nothing-*.csv`], { format: 'json', quiet: true, clock: 'exchange', threshold: 0.0007, jumpWindow: 3000, pairWindow: 5000, grid: 1000, names: ['spot', 'perp'] }, ctx);
  assert.deepEqual(r.entries.map((e) => e.file), [join(dir, 'perp_quotes.csv'), join(dir, 'spot_quotes.csv'), join(dir, 'spot_trades.csv'), `${dir}/nothing-*.csv`]);
  assert.ok('error' in r.entries[3]! && r.entries[3].error instanceof OpenError);
});

test('inspect: an argument\'s several files are checked as one market\'s stream (overlap, a file given twice, a gap); two arguments are two markets', async () => {
  const { runInspect } = await import('../src/cli/commands/inspect.js');
  const o: InspectOptions = { format: 'json', quiet: true, clock: 'exchange', threshold: 0.0007, jumpWindow: 3000, pairWindow: 5000, grid: 1000, names: ['spot', 'perp'] };
  const warnings = async (args: string[]) => {
    const f = fakeContext({ quiet: false });
    await runInspect(args, o, f.ctx);
    return f.stderr();
  };
  // Cut at 10 % and 90 % of the rows: the middle left out is a gap of 64 s (as the pair test above).
  const s = splitCsv(SPOT, [0.1, 0.9]);
  const [header, ...rows] = readFileSync(SPOT, 'utf8').trimEnd().split('\n');
  // The first half again, from its 10th row from the end: it starts before s0+s1 ends.
  const half = s[0]!.trimEnd().split('\n').length - 1 + s[1]!.trimEnd().split('\n').length - 1;
  const dir = tempFiles({ 's1.csv': s[0]!, 's2.csv': s[1]!, 's3.csv': s[2]!, 's4.csv': `${header}\n${rows.slice(half - 10).join('\n')}\n` });
  const [s1, s2, s3, tail] = ['s1.csv', 's2.csv', 's3.csv', 's4.csv'].map((n) => join(dir, n));
  assert.equal(await warnings([`${s1},${s2},${s3}`, PERP]), '', 'contiguous files and another market: nothing to say');
  assert.match(await warnings([`${s3},${s1}`]), /s1\.csv ends at .* and .*s3\.csv, the market's next file, starts 6\d\.\d+ s later/);
  assert.match(await warnings([`${s1},${s2},${tail}`]), /s2\.csv and .*s4\.csv overlap in time: .*s4\.csv starts at .*, before .*s2\.csv ends at .*; an analysis refuses them/);
  assert.match(await warnings([`${s1},${s1}`]), /s1\.csv is given twice for one market; an analysis refuses it/);
  // Each market's whole file as its own argument: nothing compared across them. A folder of one
  // day's two markets (a series is the files whose names differ only in their digits): none either.
  assert.equal(await warnings([SPOT, SPOT]), '');
  assert.equal(await warnings([join(FIXTURES, 'tardis')]), '');
  // A file of a header only among them is left out with the analyses' warning; alone it is an error entry.
  const empty = join(tempFiles({ 's5.csv': `${header}\n`, 's6.csv': `${header}\n` }), 's5.csv');
  const f = fakeContext({ quiet: false });
  const r = await runInspect([`${s1},${empty}`], o, f.ctx);
  assert.deepEqual(r.entries.map((e) => e.file), [s1]);
  assert.match(f.stderr(), /s5\.csv has a header but no data rows: left out/);
  const alone = await runInspect([empty], o, fakeContext().ctx);
  assert.ok('error' in alone.entries[0]! && /header but no data rows/.test(alone.entries[0].error.message));
  // Only such files in a list: each is an error, as the analyses refuse the market (not an empty report).
  const only = await runInspect([`${empty},${empty.replace('s5.csv', 's6.csv')}`], o, fakeContext().ctx);
  assert.equal(only.entries.length, 2);
  assert.ok(only.entries.every((e) => 'error' in e && /header but no data rows/.test(e.error.message)));
});

test('standard input cannot be one of several files of a market', async () => {
  const { expandMarketArgs } = await import('../src/cli/inputs.js');
  const { UsageError } = await import('../src/errors.js');
  assert.throws(() => expandMarketArgs([`-,${SPOT}`, PERP]), (e: unknown) => e instanceof UsageError);
  assert.deepEqual(expandMarketArgs(['-', PERP]), [['-'], [PERP]]);
});

test('a range\'s read keeps a trades file that ends at the range\'s start when the next file begins there too', async () => {
  // Trades may share a time across files: a.csv's last trade and b.csv's first are both at T,
  // the read range's start. a.csv holds a trade in range and is read; before, it was skipped as
  // ending before a next file that "begins at or before" the range.
  const T = 1723118400000000;
  const row = (t: number, id: number) => `binance,BTCUSDT,${t},${t},${id},buy,60000.5,0.1`;
  const header = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount';
  const dir = tempFiles({ 'a.csv': `${header}\n${row(T - 5e6, 1)}\n${row(T, 2)}\n`, 'b.csv': `${header}\n${row(T, 3)}\n${row(T + 5e6, 4)}\n` });
  const stream = openTradeStream([join(dir, 'a.csv'), join(dir, 'b.csv')], STRICT, { from: T, to: T + 60e6 });
  const times: number[] = [];
  for await (const b of stream) for (let i = 0; i < b.length; i++) times.push(b.t[i]!);
  assert.deepEqual(stream.skippedFiles, []);
  // Both files read (the range is cut by the caller, src/cli/inputs.ts trimmed): the trade at T of each.
  assert.deepEqual(times.filter((t) => t >= T), [T, T, T + 5e6]);
});

test('a gap of over a minute between two files of one market is warned, naming both files and the gap', async () => {
  // The spot fixture spans 80 s: cut at 10 % and 90 % of its rows, the middle file holds about
  // 64 s; left out, the first file ends and the last begins more than a minute apart.
  const s = splitCsv(SPOT, [0.1, 0.9]);
  const dir = tempFiles({ 's1.csv': s[0]!, 's2.csv': s[1]!, 's3.csv': s[2]! });
  const rowTime = (text: string, at: 'first' | 'last') => { const rows = text.trimEnd().split('\n').slice(1); return Number(rows[at === 'first' ? 0 : rows.length - 1]!.split(',')[2]); };
  const gap = rowTime(s[2]!, 'first') - rowTime(s[0]!, 'last');
  assert.ok(gap > 60e6 && gap < 70e6, `the fixture's gap: ${gap} µs`);
  const run = async (spot: string) => {
    const f = fakeContext({ quiet: false });
    await runPair([spot, PERP], PAIR, f.ctx);
    return f.stderr();
  };
  const warned = await run(`${join(dir, 's1.csv')},${join(dir, 's3.csv')}`);
  assert.match(warned, new RegExp(`s1\\.csv ends at .* and .*s3\\.csv, the market's next file, starts ${Math.floor(gap / 1e6)}\\.\\d+ s later .*: a file missing \\(or the market closed\\)\\?`));
  assert.doesNotMatch(await run(['s1.csv', 's2.csv', 's3.csv'].map((n) => join(dir, n)).join(',')), /a file missing/);
});

test('a quiet spell of over a minute inside one file is warned with its times, only where it reaches into the range', async () => {
  // The spot fixture with the middle 80 % of its rows left out: one file whose ticks stop for
  // about 64 s, from the last row kept before the cut to the first after it.
  const s = splitCsv(SPOT, [0.1, 0.9]);
  const dir = tempFiles({ 'holed.csv': s[0]! + s[2]!.slice(s[2]!.indexOf('\n') + 1) });
  const lastRow = (text: string) => text.trimEnd().split('\n').at(-1)!;
  const firstRow = (text: string) => text.split('\n')[1]!;
  const [from, to] = [Number(lastRow(s[0]!).split(',')[2]), Number(firstRow(s[2]!).split(',')[2])];
  assert.ok(to - from > 60e6 && to - from < 70e6, `the spell: ${to - from} µs`);
  const iso = (us: number) => new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
  const run = async (o: Partial<PairOptions> = {}) => {
    const f = fakeContext({ quiet: false });
    await runPair([join(dir, 'holed.csv'), PERP], { ...PAIR, ...o }, f.ctx);
    return f.stderr();
  };
  const warned = await run();
  assert.match(warned, new RegExp(`holed\\.csv has no tick for ${Math.floor((to - from) / 1e6)}\\.\\d+ s, from ${iso(from)}\\.\\d{6}Z to ${iso(to)}\\.\\d{6}Z: the feed stopped`));
  assert.equal(warned.match(/has no tick for/g)!.length, 1);
  // A range that starts after the spell, or ends before it, holds none of it (the read's margin
  // may: that is another warning's), and one that holds it warns.
  assert.doesNotMatch(await run({ start: to + 5e6 }), /has no tick for/);
  assert.doesNotMatch(await run({ end: from - 1e6 }), /has no tick for/);
  assert.match(await run({ start: from - 2e6, end: to + 2e6 }), /holed\.csv has no tick for/);
  // The whole file has no such spell.
  const f = fakeContext({ quiet: false });
  await runPair([SPOT, PERP], PAIR, f.ctx);
  assert.doesNotMatch(f.stderr(), /has no tick for/);
});

test('quietSpells: a spell is named when it reaches into a range analysed, at every edge; the longest of them, and "or more" only where dropped spells may reach one', async () => {
  const { quietSpells, withinSpan } = await import('../src/cli/inputs.js');
  // Worked by hand against the range [100, 200) µs: a spell ending at 100 holds none of it, one
  // ending at 101 holds 100; one starting at 199 holds 199, one starting at 200 none. Of the two
  // that reach it, (199, 300) is the longer (101 µs).
  const spells = [{ from: 50, to: 100 }, { from: 60, to: 101 }, { from: 199, to: 300 }, { from: 200, to: 400 }];
  const [w] = quietSpells([{ file: 'f.csv', quiet: { count: 4, spells } }], [{ start: 100, end: 200 }]);
  assert.match(w!, /^f\.csv has no tick for 101 µs, from 1970-01-01T00:00:00\.000199Z to 1970-01-01T00:00:00\.000300Z, the longest of 2 such spells in the times analysed: /);
  // One spell alone is named without a count; none reaching the range, no warning.
  assert.match(quietSpells([{ file: 'f.csv', quiet: { count: 4, spells } }], [{ start: 100, end: 150 }])[0]!, /from 1970-01-01T00:00:00\.000060Z to 1970-01-01T00:00:00\.000101Z: the feed/);
  assert.deepEqual(quietSpells([{ file: 'f.csv', quiet: { count: 4, spells } }], [{ start: 400, end: 500 }]), []);
  // Two ranges (merge --allow-gaps): a spell in neither is not counted.
  assert.match(quietSpells([{ file: 'f.csv', quiet: { count: 4, spells } }], [{ start: 0, end: 55 }, { start: 350, end: 360 }])[0]!, /no tick for 200 µs, .* the longest of 2 such/);
  // 9 spells of which the last 4 kept (from 50 on): the 5 dropped lie before 50, so "or more"
  // when a range starts before 50 ([40, 200) holds the first three kept), and not when it starts after.
  const kept = { count: 9, spells };
  assert.match(quietSpells([{ file: 'f.csv', quiet: kept }], [{ start: 40, end: 200 }])[0]!, /the longest of 3 or more such spells/);
  assert.doesNotMatch(quietSpells([{ file: 'f.csv', quiet: kept }], [{ start: 100, end: 200 }])[0]!, /or more/);
  // The span the markets share: from the later first time to the earlier last, within the range.
  assert.deepEqual(withinSpan({ start: -Infinity, end: Infinity }, [{ firstTime: 10, lastTime: 100 }, { firstTime: 20, lastTime: 90 }]), [{ start: 20, end: 90 }]);
  assert.deepEqual(withinSpan({ start: 30, end: 95 }, [{ firstTime: 10, lastTime: 100 }, { firstTime: 20, lastTime: 90 }]), [{ start: 30, end: 90 }]);
  assert.deepEqual(withinSpan({ start: -Infinity, end: Infinity }, [{ firstTime: 10, lastTime: 20 }, { firstTime: 30, lastTime: 40 }]), []);
});

test('a quiet spell before the other market begins is not warned: the markets share none of it', async () => {
  // The holed spot file (quiet from about 8 s to 72 s) against perp cut to its rows after 73 s.
  const s = splitCsv(SPOT, [0.1, 0.9]);
  const [header, ...perpRows] = readFileSync(PERP, 'utf8').trimEnd().split('\n');
  const T0 = 1723118400e6;
  const dir = tempFiles({ 'holed.csv': s[0]! + s[2]!.slice(s[2]!.indexOf('\n') + 1), 'late.csv': `${[header, ...perpRows.filter((r) => Number(r.split(',')[2]) > T0 + 73e6)].join('\n')}\n` });
  const f = fakeContext({ quiet: false });
  await runPair([join(dir, 'holed.csv'), join(dir, 'late.csv')], PAIR, f.ctx).catch(() => undefined);
  assert.doesNotMatch(f.stderr(), /has no tick for/);
  const g = fakeContext({ quiet: false });
  await runPair([join(dir, 'holed.csv'), PERP], PAIR, g.ctx);
  assert.match(g.stderr(), /holed\.csv has no tick for/);
});
