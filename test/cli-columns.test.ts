/**
 * Column options through the command line (in-process, parsed by commander as a user's
 * arguments are): the same data under other column names, another delimiter and another
 * time format gives exactly the same pair, xcorr and classify results as the named format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { run } from '../src/cli/main.js';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { parseDelimiter, parseTimeFormats } from '../src/cli/options.js';
import { UsageError } from '../src/errors.js';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await run(['node', 'leadlag', ...args], { stdout, stderr, env: {} });
  return { code, stdout: out, stderr: err };
}

/** The JSON a command prints; -q: warnings (the same for both readings) are not the point here. */
async function json(args: string[]): Promise<unknown> {
  const r = await cli([...args, '--format', 'json', '-q']);
  assert.equal(r.stderr, '', args.join(' '));
  assert.equal(r.code, 0);
  return JSON.parse(r.stdout);
}

const tardis = (name: string) => readFileSync(join(FIXTURES, 'tardis', name), 'utf8');

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * µs since the epoch as `dd.mm.yyyy HH:MM:SS[.f]` by Date's UTC fields; the fraction loses its
 * trailing zeros and is left out when zero, as Python's isoformat leaves it out.
 */
function germanTime(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const frac = us % 1_000_000;
  const base = `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return frac === 0 ? base : `${base}.${pad(frac, 6).replace(/0+$/, '')}`;
}

/** Tardis quotes rewritten as a semicolon export `Zeit;Geld;Brief;Menge` (time, bid, ask, size). */
function germanQuotes(text: string): string {
  const rows = text.trim().split('\n').slice(1).map((line) => {
    const f = line.split(',');
    return `${germanTime(Number(f[2]))};${f[6]};${f[5]};${f[7]}`;
  });
  return `Zeit;Geld;Brief;Menge\n${rows.join('\n')}\n`;
}

/** Tardis trades rewritten pipe-delimited as `when|px|size|aggr` with epoch ns times. */
function pipeTrades(text: string): string {
  const rows = text.trim().split('\n').slice(1).map((line) => {
    const f = line.split(',');
    return `${f[2]}000|${f[6]}|${f[7]}|${f[5]}`;
  });
  return `when|px|size|aggr\n${rows.join('\n')}\n`;
}

const dir = tempFiles({
  'spot.csv': germanQuotes(tardis('spot_quotes.csv')),
  'perp.csv': germanQuotes(tardis('perp_quotes.csv')),
  'trades.csv': pipeTrades(tardis('spot_trades.csv')),
});
const SPOT = join(FIXTURES, 'tardis', 'spot_quotes.csv');
const PERP = join(FIXTURES, 'tardis', 'perp_quotes.csv');
const TRADES = join(FIXTURES, 'tardis', 'spot_trades.csv');
const [MSPOT, MPERP, MTRADES] = ['spot.csv', 'perp.csv', 'trades.csv'].map((f) => join(dir, f)) as [string, string, string];
const GERMAN = ['--time-col', 'Zeit', '--bid-col', 'Geld', '--ask-col', 'Brief', '--time-format', '%d.%m.%Y %H:%M:%S.%f'];

test('pair and xcorr: a renamed, semicolon-delimited, day-first copy of the Tardis fixtures gives the same JSON', async () => {
  assert.ok(!readFileSync(MSPOT, 'utf8').split('\n')[1]!.includes('.0;'), 'a fraction is never written with a trailing zero');
  const pairArgs = ['--threshold', '5bp'];
  assert.deepEqual(await json(['pair', MSPOT, MPERP, ...GERMAN, ...pairArgs]), await json(['pair', SPOT, PERP, ...pairArgs]));
  assert.deepEqual(await json(['xcorr', MSPOT, MPERP, ...GERMAN, '--lags', '-3..3']), await json(['xcorr', SPOT, PERP, '--lags', '-3..3']));
});

test('per-market options: a mapped spot file beside a Tardis perp file (empty entries leave the perp to recognition)', async () => {
  const perMarket = ['--time-col', 'Zeit,', '--bid-col', 'Geld,', '--ask-col', 'Brief,', '--time-format', '%d.%m.%Y %H:%M:%S.%f,'];
  assert.deepEqual(await json(['pair', MSPOT, PERP, ...perMarket]), await json(['pair', SPOT, PERP]));
  // The other way round, naming the Tardis time column explicitly.
  const swapped = ['--time-col', 'timestamp,Zeit', '--bid-col', ',Geld', '--ask-col', ',Brief', '--time-format', 'us,%d.%m.%Y %H:%M:%S.%f'];
  assert.deepEqual(await json(['xcorr', SPOT, MPERP, ...swapped]), await json(['xcorr', SPOT, PERP]));
});

test('classify: quotes and a pipe-delimited trades file with its own columns give the same JSON as Tardis', async () => {
  const common = ['--threshold', '5bp', '--trees', '20', '--per-class', '50'];
  const reference = await json(['classify', SPOT, PERP, '--trades', TRADES, ...common]);
  // Three entries: spot, perp, trades; the trades' time is ns epoch, read as the file decides.
  const mapped = [
    '--time-col', 'Zeit,Zeit,when', '--bid-col', 'Geld', '--ask-col', 'Brief', '--price-col', ',,px', '--side-col', 'aggr',
    '--time-format', '%d.%m.%Y %H:%M:%S.%f,%d.%m.%Y %H:%M:%S.%f,',
  ];
  assert.deepEqual(await json(['classify', MSPOT, MPERP, '--trades', MTRADES, ...common, ...mapped, '--trade-side', 'flag']), await json(['classify', SPOT, PERP, '--trades', TRADES, ...common, '--trade-side', 'flag']));
  assert.deepEqual(await json(['classify', MSPOT, MPERP, '--trades', MTRADES, ...common, ...mapped]), reference);
});

test('usage errors (exit 2): a column the file lacks, two roles on one column, lists of the wrong length, bad formats', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['pair', MSPOT, MPERP, ...GERMAN, '--time-col', 'Datum'], /--time-col Datum: .*spot\.csv has no column Datum \(its columns: Zeit, Geld, Brief, Menge\)/],
    [['pair', MSPOT, MPERP, '--time-col', 'Zeit', '--bid-col', 'Zeit', '--ask-col', 'Brief'], /column zeit cannot have two roles: --time-col and --bid-col/],
    [['pair', MSPOT, MPERP, '--time-col', 'a,b,c'], /--time-col has 3 comma-separated entries; give one value for every input or one per input \(2\)/],
    [['classify', MSPOT, MPERP, '--trades', MTRADES, '--time-col', 'a,b,c,d'], /one per input \(2 or 3\)/],
    [['pair', MSPOT, MPERP, '--time-format', 'dd.mm.yyyy'], /--time-format "dd.mm.yyyy": must be iso, s, ms, us, ns or a pattern/],
    [['pair', MSPOT, MPERP, '--time-format', '%Y-%q'], /unknown directive %q/],
    [['pair', MSPOT, MPERP, '--delimiter', ':'], /--delimiter must be , ; \| or tab/],
    [['pair', MSPOT, MPERP, '--time-unit', 'ms', '--time-format', 'ms'], /--time-unit and --time-format/],
    [['pair', MSPOT, MPERP, '--time-col', ''], /--time-col needs a column name/],
    [['inspect', MSPOT, '--price-col', 'Geld', '--bid-col', 'Geld'], /not both/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stdout, '');
  }
});

test('an unknown header exits 65 and suggests the options that would map it', async () => {
  const d = tempFiles({ 'py.csv': 'Datum,Schluss\n2018-08-12 00:00:19,1\n' });
  const r = await cli(['pair', join(d, 'py.csv'), PERP]);
  assert.equal(r.code, 65);
  assert.match(r.stderr, /py\.csv:1: unrecognised quotes header with columns Datum, Schluss; name them with options \(try --time-col Datum --price-col Schluss\)/);
  const ok = await cli(['pair', join(d, 'py.csv'), join(d, 'py.csv'), '--time-col', 'Datum', '--price-col', 'Schluss', '--format', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  // inspect names both readings' suggestions, without the list of layouts.
  const i = await cli(['inspect', join(FIXTURES, 'README.md')]);
  assert.equal(i.code, 65);
  assert.match(i.stderr, /neither a quote nor a trade file \(unrecognised header with columns .*; name them with options \(as quotes: try --time-col .*; as trades: try --time-col .*\); see Input formats/);
  assert.doesNotMatch(i.stderr, /Recognised without options/);
});

test('inspect says which column was read for each role, and the delimiter', async () => {
  const perFile = ['--time-col', 'Zeit,when', '--bid-col', 'Geld,', '--ask-col', 'Brief,', '--price-col', ',px', '--qty-col', 'size', '--time-format', '%d.%m.%Y %H:%M:%S.%f,'];
  const r = await cli(['inspect', MSPOT, MTRADES, ...perFile, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const [q, t] = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  const layout = (o: Record<string, unknown>) => Object.fromEntries(['kind', 'format', 'time_column', 'time_unit', 'price_column', 'bid_column', 'ask_column', 'quantity_column', 'side_column', 'delimiter'].map((k) => [k, o[k]]));
  // Each column as its header writes it (Zeit;Geld;Brief;Menge), not lower-cased as matched.
  assert.deepEqual(layout(q!), { kind: 'quotes', format: 'mapped-quotes', time_column: 'Zeit', time_unit: '%d.%m.%Y %H:%M:%S.%f', price_column: null, bid_column: 'Geld', ask_column: 'Brief', quantity_column: null, side_column: null, delimiter: ';' });
  // --qty-col makes the trades file read as trades; aggr is not a known side name, so no side.
  assert.deepEqual(layout(t!), { kind: 'trades', format: 'mapped-trades', time_column: 'when', time_unit: 'ns', price_column: 'px', bid_column: null, ask_column: null, quantity_column: 'size', side_column: null, delimiter: '|' });
  const human = await cli(['inspect', MSPOT, ...GERMAN]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /│ bid column +│ +Geld │/);
  assert.match(human.stdout, /│ ask column +│ +Brief │/);
  // Rows of roles no file has are left out.
  assert.doesNotMatch(human.stdout, /│ (price|quantity|side) column /);
  assert.match(human.stdout, /│ delimiter +│ +; │/);
});

/** Tardis quotes with both clocks, semicolon-delimited under Databento's clock names, day-first times. */
function twoClockQuotes(text: string): string {
  const rows = text.trim().split('\n').slice(1).map((line) => {
    const f = line.split(',');
    return `${germanTime(Number(f[2]))};${germanTime(Number(f[3]))};${f[6]};${f[5]}`;
  });
  return `ts_event;ts_recv;Geld;Brief\n${rows.join('\n')}\n`;
}

const CLOCK_FACTS = ['clock', 'clock_rows', 'negative_latency_share', 'latency_median_us', 'latency_p1_us', 'latency_p99_us', 'latency_max_us', 'exchange_clock_out_of_order_rows', 'receipt_clock_out_of_order_rows'];
const clockFacts = (o: unknown) => Object.fromEntries(CLOCK_FACTS.map((k) => [k, (o as Record<string, unknown>)[k]]));

test('inspect: a mapped file\'s second clock is read by the same --time-format and delimiter; either clock may be the time', async () => {
  const d = tempFiles({ 'two.csv': twoClockQuotes(tardis('spot_quotes.csv')) });
  const two = join(d, 'two.csv');
  const map = ['--bid-col', 'Geld', '--ask-col', 'Brief', '--time-format', '%d.%m.%Y %H:%M:%S.%f'];
  // The reference: the Tardis file itself, whose two clocks the named layout reads as µs epochs.
  const [exchangeRef] = (await json(['inspect', SPOT])) as unknown[];
  const [receiptRef] = (await json(['inspect', SPOT, '--clock', 'local'])) as unknown[];
  const [byName] = (await json(['inspect', two, ...map])) as Array<Record<string, unknown>>;
  assert.deepEqual([byName!.format, byName!.time_column, byName!.second_clock, byName!.delimiter], ['mapped-quotes', 'ts_event', 'ts_recv', ';']);
  assert.equal(byName!.clock_rows, byName!.usable_rows, 'every row\'s second clock read by the pattern');
  assert.deepEqual(clockFacts(byName), clockFacts(exchangeRef));
  // The receipt clock as the time, by --clock local or by naming it: the same latencies, receipt − exchange.
  for (const choice of [['--clock', 'local'], ['--time-col', 'ts_recv']]) {
    const [r] = (await json(['inspect', two, ...map, ...choice])) as Array<Record<string, unknown>>;
    assert.deepEqual([r!.time_column, r!.second_clock], ['ts_recv', 'ts_event'], choice.join(' '));
    assert.deepEqual(clockFacts(r), clockFacts(receiptRef), choice.join(' '));
  }
});

test('inspect pairs the two quote files among three inputs with their own entries of per-input lists', async () => {
  const perInput = [
    '--time-col', 'when,Zeit,Zeit', '--bid-col', ',Geld,Geld', '--ask-col', ',Brief,Brief', '--price-col', 'px,,', '--qty-col', 'size,,',
    '--time-format', ',%d.%m.%Y %H:%M:%S.%f,%d.%m.%Y %H:%M:%S.%f', '--threshold', '5bp',
  ];
  const mapped = (await json(['inspect', MTRADES, MSPOT, MPERP, ...perInput])) as Array<Record<string, unknown>>;
  const reference = (await json(['inspect', TRADES, SPOT, PERP, '--threshold', '5bp'])) as Array<Record<string, unknown>>;
  const pairOf = (out: Array<Record<string, unknown>>) => {
    // The mapped copies have one clock each, so the clock facts are the layouts' (not compared).
    const { files: _f, clock_a: _a, clock_b: _b, clock_offset_us: _o, alignment: _al, ...rest } = out.find((e) => e.kind === 'pair')!;
    return rest;
  };
  assert.deepEqual(pairOf(mapped), pairOf(reference));
});

test('--help names the recognised columns of each role and the time formats', async () => {
  const r = await cli(['help', 'pair']);
  assert.equal(r.code, 0, r.stderr);
  // Commander wraps long descriptions: compare with the line breaks folded.
  const help = r.stdout.replace(/\s+/g, ' ');
  for (const re of [/--time-col <name> time column.*recognised: ts, time, timestamp, t \(optionally/, /ts_event, time_exchange, datetime, date, ts_recv, time_coinapi/, /--price-col <name> .*price, mid, mid_price, last, close/, /best_bid, best_bid_price, bid_px/, /--time-format <format>/, /--delimiter <char>/]) {
    assert.match(help, re);
  }
  const i = await cli(['help', 'inspect']);
  assert.match(i.stdout, /--bid-col <name>/);
});

test('parseTimeFormats and parseDelimiter: every spelling, and a pattern holding a comma stays whole', () => {
  assert.deepEqual(parseTimeFormats('iso'), ['iso']);
  assert.deepEqual(parseTimeFormats('iso,ms'), ['iso', 'ms']);
  assert.deepEqual(parseTimeFormats('%Y-%m-%d %H:%M:%S,'), ['%Y-%m-%d %H:%M:%S', '']);
  assert.deepEqual(parseTimeFormats('%d.%m.%Y %H:%M:%S,%f'), ['%d.%m.%Y %H:%M:%S,%f']);
  assert.deepEqual(parseTimeFormats('%H:%M:%S,%f,ms'), ['%H:%M:%S,%f,ms']);
  // A comma written \, is the pattern's own: the one way to give a decimal-comma pattern to one input only.
  assert.deepEqual(parseTimeFormats('%d.%m.%Y %H:%M:%S\\,%f,us'), ['%d.%m.%Y %H:%M:%S,%f', 'us']);
  assert.deepEqual(parseTimeFormats('us,%d.%m.%Y %H:%M:%S\\,%f'), ['us', '%d.%m.%Y %H:%M:%S,%f']);
  assert.deepEqual(parseTimeFormats('%H:%M:%S\\,%f'), ['%H:%M:%S,%f']);
  assert.throws(() => parseTimeFormats('%H:%M:%S,%Q'), (e: unknown) => e instanceof UsageError);
  for (const [text, d] of [[',', ','], ['comma', ','], [';', ';'], ['semicolon', ';'], ['|', '|'], ['pipe', '|'], ['tab', '\t'], ['TAB', '\t'], ['\t', '\t'], ['\\t', '\t']]) {
    assert.equal(parseDelimiter(text!), d, text);
  }
  assert.throws(() => parseDelimiter(':'), (e: unknown) => e instanceof UsageError);
});

test('pair reads two files in the Python lead-lag package style (date,last) without options', async () => {
  const d = tempFiles({
    'a.csv': 'date,last\n2018-08-12 00:00:19,6300\n2018-08-12 00:00:20,6310\n2018-08-12 00:00:22,6300\n',
    'b.csv': 'date,last\n2018-08-12 00:00:19.5,6300\n2018-08-12 00:00:21,6310\n2018-08-12 00:00:23,6300\n',
  });
  const out = (await json(['pair', join(d, 'a.csv'), join(d, 'b.csv'), '--jump-window', '1s', '--pair-window', '1s'])) as { span: { start: string; end: string } };
  // The span runs from the later first tick (b's :19.5) to the earlier last tick (a's :22).
  assert.equal(out.span.start, '2018-08-12T00:00:19.500000Z');
  assert.equal(out.span.end, '2018-08-12T00:00:22.000000Z');
});

test('--time-format with \\, gives a decimal-comma pattern to the first input and a unit to the second', async () => {
  // The spot fixture rewritten as a semicolon file with German times (dd.mm.yyyy hh:mm:ss,ffffff,
  // the same µs), read beside the Tardis perp file: the same Table 1 as the two Tardis files.
  const [, ...rows] = tardis('spot_quotes.csv').trimEnd().split('\n');
  const german = (us: number) => {
    const d = new Date(Math.floor(us / 1000));
    const p2 = (n: number) => String(n).padStart(2, '0');
    return `${p2(d.getUTCDate())}.${p2(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())},${String(us % 1_000_000).padStart(6, '0')}`;
  };
  const text = `Zeit;Geld;Brief\n${rows.map((r) => r.split(',')).map((f) => `${german(Number(f[2]))};${f[6]};${f[5]}`).join('\n')}\n`;
  const d = tempFiles({ 'de.csv': text });
  const perp = join(FIXTURES, 'tardis', 'perp_quotes.csv');
  const got = await json(['pair', join(d, 'de.csv'), perp, '--time-col', 'Zeit,', '--bid-col', 'Geld,', '--ask-col', 'Brief,', '--time-format', '%d.%m.%Y %H:%M:%S\\,%f,us', '--format', 'json']);
  const want = await json(['pair', join(FIXTURES, 'tardis', 'spot_quotes.csv'), perp, '--format', 'json']);
  assert.deepEqual(got, want);
});

test('--qty-col and --side-col are refused by the commands that read no trades, and taken with trades', async () => {
  const q = [join(FIXTURES, 'tardis', 'spot_quotes.csv'), join(FIXTURES, 'tardis', 'perp_quotes.csv')];
  for (const [command, option] of [['pair', '--qty-col'], ['xcorr', '--side-col'], ['hy', '--qty-col'], ['report', '--side-col']] as const) {
    const r = await cli([command, ...q, option, 'nosuch']);
    assert.equal(r.code, 2, `${command} ${option}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^leadlag: ${option} names a column of trades, and ${command}( without --trades)? reads no trades`));
  }
  // With trades the option names their column: the fixture's own, so the run is the plain one.
  const trades = ['--trades', join(FIXTURES, 'tardis', 'spot_trades.csv')];
  assert.deepEqual(await json(['classify', ...q, ...trades, '--qty-col', ',,amount']), await json(['classify', ...q, ...trades]));
});
