/**
 * --start / --end (docs/time.md): parsing, and files wholly outside the range plus margins
 * are never opened (a garbage file there would fail the run if it were).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { fakeContext } from './context-helpers.js';
import { PAIR, XCORR, splitCsv } from './time-helpers.js';
import { parseTime, parseWindowLength, rangeOf } from '../src/cli/options.js';
import { renderPair, runPair, type PairOptions } from '../src/cli/commands/pair.js';
import { renderXcorr, runXcorr } from '../src/cli/commands/xcorr.js';
import { UsageError } from '../src/errors.js';

const SPOT = join(FIXTURES, 'tardis', 'spot_quotes.csv');
const PERP = join(FIXTURES, 'tardis', 'perp_quotes.csv');
const usage = (f: () => unknown) => assert.throws(f, (e: unknown) => e instanceof UsageError);

async function pairJson(files: [string, string], o: Partial<PairOptions> = {}) {
  const { ctx } = fakeContext();
  return renderPair(await runPair(files, { ...PAIR, ...o }, ctx)).json as Record<string, unknown>;
}

test('parseTime: epoch µs, ISO-8601 with or without zone and fraction, a bare date', () => {
  // 2024-08-08T12:00:00Z = 1723118400 s since the epoch (the fixtures' first second).
  assert.equal(parseTime('1723118400000000', '--start'), 1723118400e6);
  assert.equal(parseTime('2024-08-08T12:00:00Z', '--start'), 1723118400e6);
  assert.equal(parseTime('2024-08-08 12:00:00.000250', '--start'), 1723118400e6 + 250);
  assert.equal(parseTime('2024-08-08T14:00:00+02:00', '--start'), 1723118400e6);
  assert.equal(parseTime('2024-08-08', '--start'), 1723075200e6);
  // Hours and minutes without seconds, with or without a zone: the minute's start.
  assert.equal(parseTime('2024-08-08T12:00Z', '--start'), 1723118400e6);
  assert.equal(parseTime('2024-08-08 12:01', '--start'), 1723118460e6);
  assert.equal(parseTime('2024-08-08T14:00+02:00', '--start'), 1723118400e6);
  for (const bad of ['', 'noon', '2024-13-01', '12:00', '1.5', '2024-08-08T12:0Z', '2024-08-08T12Z']) usage(() => parseTime(bad, '--start'));
  // Epoch seconds (10 digits) and milliseconds (13) would be 1970 in µs: refused, with the date
  // each reading gives (1723118410 s = 2024-08-08T12:00:10Z; as µs, 1723.118410 s after the epoch).
  assert.throws(() => parseTime('1723118410', '--start'), (e: unknown) => e instanceof UsageError && e.message === '--start 1723118410 is read as epoch microseconds, 1970-01-01T00:28:43.118410Z; as epoch seconds it would be 2024-08-08T12:00:10.000000Z: write 1723118410000000 or an ISO-8601 time');
  assert.throws(() => parseTime('1723118410000', '--end'), (e: unknown) => e instanceof UsageError && /as epoch milliseconds it would be 2024-08-08T12:00:10\.000000Z: write 1723118410000000 /.test(e.message));
  // A date without separators (8, 12 or 14 digits of a real date-time of 1990–2099) would be
  // 1970 in µs too (20240808 µs = 20.240808 s after the epoch): refused with both readings.
  assert.throws(() => parseTime('20240808', '--start'), (e: unknown) => e instanceof UsageError && e.message === '--start 20240808 is read as epoch microseconds, 1970-01-01T00:00:20.240808Z; as a date it would be 2024-08-08T00:00:00.000000Z: write 2024-08-08 (ISO-8601) or epoch microseconds');
  assert.throws(() => parseTime('20240808120040', '--end'), (e: unknown) => e instanceof UsageError && /as a date it would be 2024-08-08T12:00:40\.000000Z: write 2024-08-08T12:00:40Z \(ISO-8601\)/.test(e.message));
  assert.throws(() => parseTime('202408081230', '--end'), (e: unknown) => e instanceof UsageError && /as a date it would be 2024-08-08T12:30:00\.000000Z/.test(e.message));
  // Digits that are no date (29 February 2023, month 13) or of another age stay µs.
  for (const digits of ['20230229', '20241301', '19700101', '20000000', '12345678901234']) assert.equal(parseTime(digits, '--start'), Number(digits));
  // Other lengths are µs as before (11 digits: 1970-01-01T02:46:40Z).
  assert.equal(parseTime('10000000000', '--start'), 1e10);
  usage(() => rangeOf({ start: 5, end: 5 }));
  // The times as the user wrote them, in ISO-8601 (before: raw µs).
  assert.throws(() => rangeOf({ start: 1722643200e6, end: 1722643200e6 }), (e: unknown) => e instanceof UsageError && e.message === '--start must be before --end (got 2024-08-03T00:00:00.000000Z and 2024-08-03T00:00:00.000000Z)');
  usage(() => rangeOf({ window: 60e6 }));
  usage(() => rangeOf({ window: 60e6, by: { kind: 'time', us: 3600e6 } }));
  assert.deepEqual(rangeOf({}), { start: -Infinity, end: Infinity });
});

test('parseWindowLength: units from µs to days', () => {
  assert.equal(parseWindowLength('5m', '--window'), 300e6);
  assert.equal(parseWindowLength('1h', '--by'), 3600e6);
  assert.equal(parseWindowLength('1d', '--by'), 86_400e6);
  assert.equal(parseWindowLength('250ms', '--by'), 250e3);
  assert.equal(parseWindowLength('1.5s', '--by'), 1.5e6);
  for (const bad of ['5', '0s', 'h', '-1h', '400d', '0.5us']) usage(() => parseWindowLength(bad, '--by'));
});

test('--start/--end: unreadable files dated outside the range are left alone', async () => {
  const dir = tempFiles({
    'spot-2024-08-07.csv': 'this is not a quote file\n',
    'spot-2024-08-08.csv': readFileSync(SPOT),
    'spot-2024-08-09.csv': 'neither is this\n\u0000\u0001',
  });
  const range = { start: parseTime('2024-08-08T12:00:10Z', '--start'), end: parseTime('2024-08-08T12:01:00Z', '--end') };
  const clean = await pairJson([SPOT, PERP], range);
  assert.deepEqual(await pairJson([dir, PERP], range), clean);
  // Without the range the garbage files are read, and fail the run.
  await assert.rejects(pairJson([dir, PERP]), /spot-2024-08-0[79]\.csv/);
});

test('--start/--end: a file named for a day outside the range is read when its rows are in it (the contents decide)', async () => {
  const range = { start: parseTime('2024-08-08T12:00:10Z', '--start'), end: parseTime('2024-08-08T12:01:00Z', '--end') };
  const clean = await pairJson([SPOT, PERP], range);
  // The fixture's rows are of 2024-08-08, 12:00:00 to 12:01:20; the first half (to 12:00:38) is
  // named for the day before (a file named by a local date, or misnamed). Going by its name
  // skipped it, and lost the range's first 28 s without a word; with no other file of the
  // market, the run failed with an internal error.
  const [early, late] = splitCsv(SPOT, [0.5]);
  const misnamed = tempFiles({ 'spot-2024-08-07.csv': early!, 'spot-2024-08-08.csv': late! });
  assert.deepEqual(await pairJson([misnamed, PERP], range), clean);
  const alone = tempFiles({ 'spot-2024-08-07.csv': readFileSync(SPOT), 'spot-2024-08-10.csv': 'not a quote file\n' });
  assert.deepEqual(await pairJson([alone, PERP], range), clean);
});

test('--start: an undated file that ends before the next file begins, and before the range, is not read', async () => {
  const [early, late] = splitCsv(SPOT, [0.3]);
  // A bad last row: reading the early file to its end would fail.
  const dir = tempFiles({ 'a.csv': `${early}binance,BTCUSDT,garbage,,,,,\n`, 'b.csv': late! });
  const args: [string, string] = [`${join(dir, 'a.csv')},${join(dir, 'b.csv')}`, PERP];
  const start = parseTime('2024-08-08T12:00:40Z', '--start');
  assert.deepEqual(await pairJson(args, { start }), await pairJson([SPOT, PERP], { start }));
  const { ctx } = fakeContext();
  const x = renderXcorr(await runXcorr(args, { ...XCORR, start }, ctx)).json;
  assert.deepEqual(x, renderXcorr(await runXcorr([SPOT, PERP], { ...XCORR, start }, ctx)).json);
  await assert.rejects(pairJson(args), /a\.csv/);
});

test('--start/--end: the span shown is the range cut to the data, and a range without data is a data error', async () => {
  const start = parseTime('2024-08-08T12:00:10Z', '--start');
  const end = parseTime('2024-08-08T12:00:20Z', '--end');
  const j = await pairJson([SPOT, PERP], { start, end });
  assert.deepEqual(j.span, { start_us: start, end_us: end - 1, start: '2024-08-08T12:00:10.000000Z', end: '2024-08-08T12:00:19.999999Z' });
  const later = parseTime('2024-08-09T00:00:00Z', '--start');
  // The fixtures run from 12:00:00.000644Z (spot) and .000372Z (perp) to 12:01:19.999974Z and
  // 12:01:19.999957Z (their first and last rows): a range after or before that says which.
  await assert.rejects(pairJson([SPOT, PERP], { start: later }), (e: unknown) => e instanceof Error && /the range 2024-08-09T00:00:00\.000000Z to … starts after one of the files has ended \(their last times: 2024-08-08T12:01:19\.999974Z and 2024-08-08T12:01:19\.999957Z\)/.test(e.message));
  const before = parseTime('2024-08-08T11:00:00Z', '--end');
  await assert.rejects(pairJson([SPOT, PERP], { end: before }), (e: unknown) => e instanceof Error && /the range … to 2024-08-08T11:00:00\.000000Z ends before both files have data \(their first times: 2024-08-08T12:00:00\.000644Z and 2024-08-08T12:00:00\.000372Z\)/.test(e.message));
});

test('classify --start/--end: the triggers in the range, with the labels and features of the run over all the data', async () => {
  const { buildDataset } = await import('../src/cli/dataset.js');
  const params = { threshold: 0.0007, windowUs: 3000, pairWindowUs: 5000, gridUs: 1000 };
  for (const features of ['base', 'extended'] as const) {
    const base = { clock: 'exchange' as const, trades: join(FIXTURES, 'tardis', 'spot_trades.csv'), feed: 'native' as const, tradeSide: 'quotes' as const, features, nullStep: 1_000_000 };
    const { ctx } = fakeContext({ quiet: true });
    const all = await buildDataset([SPOT, PERP], base, params, ctx);
    const start = parseTime('2024-08-08T12:00:20Z', '--start');
    const end = parseTime('2024-08-08T12:01:00Z', '--end');
    const cut = await buildDataset([SPOT, PERP], { ...base, start, end }, params, ctx);
    // Independent side: the full run's rows filtered by time.
    const keep = [...all.dataset.t].map((t, i) => [t, i] as const).filter(([t]) => t >= start && t < end).map(([, i]) => i);
    assert.ok(keep.length > 10 && keep.length < all.dataset.t.length);
    assert.deepEqual([...cut.dataset.t], keep.map((i) => all.dataset.t[i]));
    assert.deepEqual([...cut.dataset.labels], keep.map((i) => all.dataset.labels[i]));
    const f = all.dataset.names.length;
    assert.deepEqual([...cut.dataset.X], keep.flatMap((i) => [...all.dataset.X.subarray(i * f, i * f + f)]));
    assert.deepEqual(cut.span, { start, end: end - 1 });
  }
});

test('--start/--end: an overlap with a file read only up to the range\'s end does not call where its read stopped its end', async () => {
  // The fixture runs 12:00:00 to 12:01:20; the second file repeats its rows from the middle on
  // (12:00:38). The whole file is read only up to the range's end plus the margin.
  const [, late] = splitCsv(SPOT, [0.5]);
  const dir = tempFiles({ 'b.csv': late! });
  const args: [string, string] = [`${SPOT},${join(dir, 'b.csv')}`, PERP];
  const range = { start: parseTime('2024-08-08T12:00:10Z', '--start'), end: parseTime('2024-08-08T12:00:50Z', '--end') };
  await assert.rejects(pairJson(args, range), (e: unknown) => e instanceof Error && /b\.csv starts at 2024-08-08T12:00:38\.\d+Z, before \S+spot_quotes\.csv has rows \(read up to the range's end\) to at least 2024-08-08T12:0(0:5|1:0)\d\.\d+Z/.test(e.message));
  // Without a range the whole file is read, and its real end is named.
  await assert.rejects(pairJson(args), (e: unknown) => e instanceof Error && /before \S+spot_quotes\.csv ends at 2024-08-08T12:01:19\.999974Z/.test(e.message));
});

test('--start after both markets went quiet across the read margin is warned: the range can differ from a whole run\'s window', async () => {
  // Both fixtures with no rows from 12:00:30 to 12:01:00 (an outage). A range from 12:00:55 reads
  // from 12:00:55 − M (M = 1 s + W + D + G + 10 null steps, about 11 s), inside the outage: its
  // first moves after it are not compared with the price in force before it, as a whole run
  // compares them. A range from 12:00:20 reads the ticks before the outage: nothing to say.
  const cut = (path: string) => {
    const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
    const t = (row: string) => Number(row.split(',')[2]);
    return `${header}\n${rows.filter((r) => t(r) < 1723118430e6 || t(r) >= 1723118460e6).join('\n')}\n`;
  };
  const dir = tempFiles({ 'a.csv': cut(SPOT), 'b.csv': cut(PERP) });
  const files: [string, string] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
  const warnings = async (start: string) => {
    const fc = fakeContext({ quiet: false });
    await runPair(files, { ...PAIR, start: parseTime(start, '--start'), end: parseTime('2024-08-08T12:01:10Z', '--end') }, fc.ctx);
    return fc.stderr();
  };
  const late = await warnings('2024-08-08T12:00:55Z');
  assert.match(late, /a\.csv has no tick from 2024-08-08T12:00:29\.\d+Z to 2024-08-08T12:01:00\.\d+Z, across the start of the margin read before --start \(2024-08-08T12:00:\d\d\.\d+Z, for --start 2024-08-08T12:00:55\.000000Z\)/);
  assert.match(late, /b\.csv has no tick from 2024-08-08T12:00:29\.\d+Z to 2024-08-08T12:01:00\.\d+Z/);
  assert.doesNotMatch(await warnings('2024-08-08T12:00:20Z'), /has no tick from/);
});

test('a range over which one market is quiet is refused saying so, not as outside the files\' common span', async () => {
  // perp without rows from 12:00:20 to 12:01:00; the range 12:00:25 to 12:00:35 lies in that
  // outage, and so does its margin after it (pair's M is about 11 s). The read (range and
  // margins) saw both markets only before it, up to about 12:00:20.
  const [header, ...rows] = readFileSync(PERP, 'utf8').trimEnd().split('\n');
  const kept = rows.filter((r) => { const t = Number(r.split(',')[2]); return t < 1723118420e6 || t >= 1723118460e6; });
  const dir = tempFiles({ 'perp.csv': `${header}\n${kept.join('\n')}\n` });
  const range = { start: parseTime('2024-08-08T12:00:25Z', '--start'), end: parseTime('2024-08-08T12:00:35Z', '--end') };
  await assert.rejects(pairJson([SPOT, join(dir, 'perp.csv')], range), (e: unknown) => e instanceof Error && /holds no time where both markets have ticks: what was read for it \(with its margins\) overlaps only from 2024-08-08T12:00:1\d\.\d+Z to 2024-08-08T12:00:19\.\d+Z, outside it, so a market is quiet over the range/.test(e.message));
});

test('xcorr over a range in which one market is quiet says so (the reads overlap; the range holds no common time)', async () => {
  const [header, ...rows] = readFileSync(PERP, 'utf8').trimEnd().split('\n');
  const kept = rows.filter((r) => { const t = Number(r.split(',')[2]); return t < 1723118420e6 || t >= 1723118440e6; });
  const dir = tempFiles({ 'perp.csv': `${header}\n${kept.join('\n')}\n` });
  const { ctx } = fakeContext();
  const range = { start: parseTime('2024-08-08T12:00:25Z', '--start'), end: parseTime('2024-08-08T12:00:35Z', '--end') };
  // Before: "the two files do not overlap in time within …", naming two reads that overlap.
  await assert.rejects(runXcorr([SPOT, join(dir, 'perp.csv')], { ...XCORR, ...range }, ctx), (e: unknown) => e instanceof Error && /holds no time where both markets have ticks \(what was read for it, with its margins: .*\), so a market is quiet over the range/.test(e.message));
});
