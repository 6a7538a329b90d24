/**
 * End-to-end: the "silent nonsense" rules — help corners, usage pointers, messages, warnings
 * about spans and options that change nothing, and numbers without float noise. The command
 * lines run in this process (leadlagInProcess: the entry point's run, as the built CLI runs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, leadlag as builtCli, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';

const fx = (layout: string, name: string) => join(FIXTURES, layout, name);
const TARDIS = [fx('tardis', 'spot_quotes.csv'), fx('tardis', 'perp_quotes.csv')];
const EXCHANGE = [fx('exchange', 'spot_quotes.csv'), fx('exchange', 'perp_quotes.csv')];

test('leadlag help nosuch says the command is unknown (exit 2); help help exits 0', async () => {
  const r = await leadlagInProcess(['help', 'nosuch']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^leadlag: unknown command 'nosuch' \(commands: pair, xcorr, classify, inspect, hy, merge, plan, report\)\n/);
  assert.equal(r.stdout, '');
  const h = await leadlagInProcess(['help', 'help']);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /^Usage: leadlag/);
});

test('usage errors for bad option values end with the same pointer to help as commander\'s own', async () => {
  const own = await leadlagInProcess(['pair', ...TARDIS, '--bogus']);
  const pointer = "(run 'leadlag help pair' for usage)";
  assert.equal(own.stderr.trimEnd().split('\n').at(-1), pointer);
  for (const bad of [['--jump-window', 'x'], ['--threshold', '-1'], ['--grid', '0'], ['--null-step', '2d']]) {
    const r = await leadlagInProcess(['pair', ...TARDIS, ...bad]);
    assert.equal(r.code, 2, bad.join(' '));
    assert.equal(r.stderr.trimEnd().split('\n').at(-1), pointer, r.stderr);
  }
  const x = await leadlagInProcess(['xcorr', ...TARDIS, '--grid', 'x']);
  assert.equal(x.stderr.trimEnd().split('\n').at(-1), "(run 'leadlag help xcorr' for usage)");
});

test('--threshold 7 suggests 7bp or 7%', async () => {
  const r = await leadlagInProcess(['pair', ...TARDIS, '--threshold', '7']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--threshold must be greater than 0 and less than 100%, got "7" \(did you mean 7bp or 7%\?\)/);
  const pct = await leadlagInProcess(['pair', ...TARDIS, '--threshold', '150%']);
  assert.doesNotMatch(pct.stderr, /did you mean/); // a unit was given: nothing to guess
});

test('messages: "an exchange export trades file"; a quote file given as trades is named a quote file', async () => {
  const asQuotes = await leadlagInProcess(['pair', fx('exchange', 'spot_trades.csv'), EXCHANGE[1]!]);
  assert.equal(asQuotes.code, 65);
  assert.match(asQuotes.stderr, /this is an exchange export trades file, not quotes/);
  const tardis = await leadlagInProcess(['pair', fx('tardis', 'spot_trades.csv'), TARDIS[1]!]);
  assert.match(tardis.stderr, /this is a Tardis trades file, not quotes/);
  const asTrades = await leadlagInProcess(['classify', ...TARDIS, '--trades', TARDIS[1]!]);
  assert.equal(asTrades.code, 65);
  assert.match(asTrades.stderr, /perp_quotes\.csv:1: this is a Tardis quotes file \(bid and ask\), not trades/);
  const dir = tempFiles({ 'q.csv': 'ts_us,bid,ask\n1,99,101\n' });
  const generic = await leadlagInProcess(['classify', ...TARDIS, '--trades', join(dir, 'q.csv')]);
  assert.match(generic.stderr, /this is a quotes file \(bid and ask\), not trades/);
});

test('a generic trades file given as quotes is refused by pair, xcorr, hy and report, as inspect calls it trades', async () => {
  // `time,symbol,price,qty,is_buyer_maker` is no named layout; its qty column makes it trades.
  const dir = tempFiles({ 'gtrades.csv': 'time,symbol,price,qty,is_buyer_maker\n2024-08-08T12:00:00.5Z,BTCUSDT,60000,0.1,true\n2024-08-08T12:00:01Z,BTCUSDT,60001,0.2,false\n' });
  const trades = join(dir, 'gtrades.csv');
  for (const [command, inputs] of [['pair', [trades, TARDIS[1]!]], ['xcorr', [trades, TARDIS[1]!]], ['hy', [TARDIS[0]!, trades]], ['report', [trades, TARDIS[1]!]]] as const) {
    const r = await leadlagInProcess([command, ...inputs, ...(command === 'report' ? ['--html', join(dir, 'r.html')] : [])]);
    assert.equal(r.code, 65, `${command}: ${r.stderr}`);
    assert.equal(r.stdout, '', command);
    assert.match(r.stderr, /gtrades\.csv:1: this is a trades file \(a quantity column, qty, beside the price\), not quotes \(trades go to classify --trades\)/, command);
  }
  const inspect = await leadlagInProcess(['inspect', trades, '--format', 'json']);
  assert.equal(inspect.code, 0, inspect.stderr);
  assert.deepEqual(JSON.parse(inspect.stdout).map((f: { kind: string; format: string }) => [f.kind, f.format]), [['trades', 'generic-trades']]);
});

test('warnings: the same file for both markets', async () => {
  const r = await leadlagInProcess(['pair', TARDIS[0]!, TARDIS[0]!, '--format', 'json']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /warning: both markets read the same file/);
  const dir = tempFiles({});
  const { symlinkSync } = await import('node:fs');
  symlinkSync(TARDIS[0]!, join(dir, 'link.csv'));
  const viaLink = await leadlagInProcess(['xcorr', TARDIS[0]!, join(dir, 'link.csv'), '--format', 'json']);
  assert.match(viaLink.stderr, /both markets read the same file/);
  const different = await leadlagInProcess(['pair', ...TARDIS, '--format', 'json']);
  assert.equal(different.stderr, '');
});

test('warnings: a span before 2000 and under a second (times read in the wrong unit)', async () => {
  // Epoch seconds read as ms (--time-unit ms): 1723118400 ms is 1970-01-20, and 60 s become 60 ms.
  const dir = tempFiles({ 'a.csv': 'time,bid,ask\n1723118400,100,101\n1723118460,100,101\n', 'b.csv': 'time,bid,ask\n1723118400,200,201\n1723118460,200,201\n' });
  const r = await leadlagInProcess(['pair', join(dir, 'a.csv'), join(dir, 'b.csv'), '--time-unit', 'ms', '--format', 'json']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /warning: the span starts at 1970-01-20T22:38:38\.400000Z, before 2000: .*column 'time' read as ms/);
  assert.match(r.stderr, /warning: the span lasts only 60 ms, under a second/);
  const right = await leadlagInProcess(['pair', join(dir, 'a.csv'), join(dir, 'b.csv'), '--format', 'json']);
  assert.doesNotMatch(right.stderr, /before 2000|under a second/);
});

test('warnings: --time-unit on ISO or Tardis files and --clock local without a local clock change nothing, and say so', async () => {
  const tardis = await leadlagInProcess(['pair', ...TARDIS, '--time-unit', 'ms', '--format', 'json']);
  assert.equal(tardis.code, 0);
  // Both markets' files in one line (one per option and reason: a month of files is one line).
  assert.match(tardis.stderr, /--time-unit ms has no effect on \S*spot_quotes\.csv, \S*perp_quotes\.csv: their format \(tardis-quotes\) fixes the unit to us\n/);
  const iso = await leadlagInProcess(['xcorr', ...EXCHANGE, '--time-unit', 's', '--format', 'json']);
  assert.match(iso.stderr, /--time-unit s has no effect on \S*spot_quotes\.csv, \S*perp_quotes\.csv: their times are ISO-8601 dates/);
  const clock = await leadlagInProcess(['pair', ...EXCHANGE, '--clock', 'local', '--format', 'json']);
  assert.match(clock.stderr, /--clock local has no effect on \S*spot_quotes\.csv, \S*perp_quotes\.csv: they have no receipt clock \(local_timestamp, ts_recv, time_coinapi, event_time; times come from 'time'\)/);
  const local = await leadlagInProcess(['pair', ...TARDIS, '--clock', 'local', '--format', 'json']);
  assert.doesNotMatch(local.stderr, /no effect/);
  // Databento's ts_recv is a receipt clock too: --clock local reads it, and says nothing.
  const rows = (ts: number[]) => `ts_event,ts_recv,bid_px_00,ask_px_00\n${ts.map((t, i) => `${t * 1000},${(t + 400) * 1000},${100 + (i % 3) * 0.1},${100.2 + (i % 3) * 0.1}`).join('\n')}\n`;
  const t0 = 1_723_118_400_000_000;
  const dir = tempFiles({ 'a.csv': rows(Array.from({ length: 3000 }, (_, i) => t0 + i * 1000)), 'b.csv': rows(Array.from({ length: 3000 }, (_, i) => t0 + 300 + i * 1000)) });
  const dbn = await leadlagInProcess(['pair', join(dir, 'a.csv'), join(dir, 'b.csv'), '--clock', 'local', '--format', 'json']);
  assert.equal(dbn.code, 0, dbn.stderr);
  assert.doesNotMatch(dbn.stderr, /no effect/);
  // … and it did read ts_recv: the span starts 400 µs after the first ts_event.
  assert.equal((JSON.parse(dbn.stdout) as { span: { start_us: number } }).span.start_us, t0 + 300 + 400);
});

test('csv and json numbers carry no float noise (no run of 7 zeros or nines after the point)', async () => {
  const noise = /\d\.\d*(0000000|9999999)\d/;
  const dir = tempFiles({});
  const dump = join(dir, 'features.csv');
  const runs = [
    ['pair', ...TARDIS, '--threshold', '2bp', '--format', 'csv'],
    ['pair', ...TARDIS, '--threshold', '2bp', '--format', 'json'],
    ['inspect', ...TARDIS, '--format', 'csv'],
    ['classify', ...TARDIS, '--trades', fx('tardis', 'spot_trades.csv'), '--dump-features', dump, '--format', 'json'],
  ];
  for (const args of runs) {
    const r = await leadlagInProcess(args);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, noise, args.join(' '));
  }
  // The feature dump: sums of trade quantities such as -0.06426357 print as that decimal.
  const text = readFileSync(dump, 'utf8');
  const netVolume = text.split('\n').slice(1, -1).map((l) => l.split(',')[5]!);
  for (const v of netVolume) assert.doesNotMatch(v, noise, v);
});

test('fewer than 100 bootstrap replicates are warned as rough intervals, by every command that draws them and by merge', async () => {
  // A 95 % percentile interval's ends are the 2.5 % and 97.5 % points: of 99 replicates the
  // 3rd and 97th values, of 20 an interpolation between the two most extreme. 100 and the
  // default 1000 are not warned; 0 (no bootstrap) gives no interval to warn about.
  const rough = /--bootstrap 99: the 95 % intervals from fewer than 100 replicates are rough/;
  for (const command of ['pair', 'xcorr', 'hy', 'report']) {
    const r = await leadlagInProcess([command, ...TARDIS, '--bootstrap', '99', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, rough, command);
    for (const enough of ['100', '0']) {
      const e = await leadlagInProcess([command, ...TARDIS, '--bootstrap', enough, '--format', 'json']);
      assert.equal(e.code, 0, e.stderr);
      assert.doesNotMatch(e.stderr, /replicates are rough/, `${command} --bootstrap ${enough}`);
    }
  }
  const c = await leadlagInProcess(['classify', ...TARDIS, '--trades', fx('tardis', 'spot_trades.csv'), '--bootstrap', '99', '--format', 'json']);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stderr, rough);
  // A state run computes no interval; merge does, from the states' --bootstrap.
  const dir = tempFiles({});
  const state = join(dir, 'all.state');
  const s = await leadlagInProcess(['xcorr', ...TARDIS, '--bootstrap', '99', '--state', state]);
  assert.equal(s.code, 0, s.stderr);
  assert.doesNotMatch(s.stderr, /replicates are rough/);
  const m = await leadlagInProcess(['merge', state, '--format', 'json']);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stderr, rough);
});

test('merge of several pairs names a leader and a lag only where pair itself calls a lead', async () => {
  // The fixtures whole: 54 vs 12 led pairs, p < 0.001: spot leads. To 12:00:03: 3 vs 1 led
  // pairs, fewer than the 6 a sign test needs (pair says "too few led pairs"): untested. To
  // 12:00:05: 6 vs 1, p = 0.125: no significant lead. The table used to name spot and a lag
  // for both, from who led more. To 12:00:40: 31 vs 10 led pairs (the 10 s windows' 8/1, 9/5,
  // 10/4 and 4/0), p = 0.001, but in the 4 blocks of 10 s from 12:00:00: untested too.
  const dir = tempFiles({});
  const state = async (label: string, end?: string) => {
    const file = join(dir, `${label}.state`);
    const r = await leadlagInProcess(['pair', ...TARDIS, '--label', label, '--state', file, '-q', ...(end === undefined ? [] : ['--end', end])]);
    assert.equal(r.code, 0, r.stderr);
    return file;
  };
  const files = [await state('ALL'), await state('THREE', '2024-08-08T12:00:03Z'), await state('FIVE', '2024-08-08T12:00:05Z'), await state('FORTY', '2024-08-08T12:00:40Z')];
  const m = await leadlagInProcess(['merge', ...files, '--format', 'json']);
  assert.equal(m.code, 0, m.stderr);
  const rows = (JSON.parse(m.stdout) as { pairs: { pair: string; call: string; leader: string | null; lag_us: number | null; share_a_leads: number; leader_p_value: number; led_blocks: number }[] }).pairs;
  const by = Object.fromEntries(rows.map((r) => [r.pair, r]));
  assert.deepEqual([by.ALL!.call, by.ALL!.leader, by.ALL!.lag_us !== null], ['lead', 'spot', true]);
  assert.deepEqual([by.THREE!.call, by.THREE!.leader, by.THREE!.lag_us, by.THREE!.share_a_leads], ['untested', null, null, 0.75]);
  assert.deepEqual([by.FIVE!.call, by.FIVE!.leader, by.FIVE!.lag_us], ['no significant lead', null, null]);
  assert.deepEqual([by.FORTY!.call, by.FORTY!.leader, by.FORTY!.lag_us, by.FORTY!.led_blocks, by.FORTY!.share_a_leads], ['untested', null, null, 4, 31 / 41]);
  assert.ok(by.FORTY!.leader_p_value < 0.05);
  assert.equal(by.ALL!.led_blocks, 8); // 80 s of data: every block of 10 s holds a led pair
  const human = await leadlagInProcess(['merge', ...files]);
  assert.match(human.stdout, /│ THREE +│ untested +│ +n\/a │/);
  assert.match(human.stdout, /│ FORTY +│ untested +│ +n\/a │ +0\.76 │ +0\.001 │ +4 │/);
  assert.match(human.stdout, /│ FIVE +│ neither +│ +n\/a │/);
  assert.match(human.stdout, /median lag over the 1 pair with a significant leader: /);
});

test('--plan-span goes with --state, as START..END with its start first', async () => {
  const alone = await leadlagInProcess(['pair', ...TARDIS, '--plan-span', '2024-08-08..2024-08-09']);
  assert.equal(alone.code, 2);
  assert.match(alone.stderr, /^leadlag: --plan-span goes with --state/);
  for (const bad of ['2024-08-08', '2024-08-09..2024-08-08']) {
    const r = await leadlagInProcess(['xcorr', ...TARDIS, '--plan-span', bad, '--state', join(tempFiles({}), 'x.state')]);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /--plan-span(?: takes START\.\.END|: its start must come before its end)/, bad);
  }
});

test('merge says what it cannot check: markets read from a pipe, and rows outside the plan span', async () => {
  // Two states cut at 12:00:40 whose spot came through standard input: the name-and-size check at
  // the cut cannot tell that they read one market (a hunt merged spot states with COIN-M states).
  const dir = tempFiles({});
  const span = '2024-08-08T12:00:00Z..2024-08-08T12:01:20Z';
  const spotText = readFileSync(TARDIS[0]!, 'utf8');
  const job = async (name: string, start: string, end: string, spot: string, input?: string) => {
    const args = ['pair', spot, TARDIS[1]!, '--start', start, '--end', end, '--plan-span', span, '--state', join(dir, name), '-q'];
    const r = input === undefined ? await leadlagInProcess(args) : await builtCli(args, { input });
    assert.equal(r.code, 0, r.stderr);
  };
  await job('a.state', '2024-08-08T12:00:00Z', '2024-08-08T12:00:40Z', '-', spotText);
  await job('b.state', '2024-08-08T12:00:40Z', '2024-08-08T12:01:20Z', '-', spotText);
  const piped = await leadlagInProcess(['merge', join(dir, 'a.state'), join(dir, 'b.state')]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.match(piped.stderr, /warning: market A was read from a pipe or descriptor \(<stdin>\) by some states: merge cannot check that the states read one market's data/);
  // Files: no such warning. A plan span ending at 12:01:00 over files whose rows run to 12:01:19.99:
  // the rows after it are no job's, said.
  const short = '2024-08-08T12:00:00Z..2024-08-08T12:01:00Z';
  for (const [name, start, end] of [['c.state', '2024-08-08T12:00:00Z', '2024-08-08T12:00:30Z'], ['d.state', '2024-08-08T12:00:30Z', '2024-08-08T12:01:00Z']] as const) {
    const r = await leadlagInProcess(['pair', ...TARDIS, '--start', start, '--end', end, '--plan-span', short, '--state', join(dir, name), '-q']);
    assert.equal(r.code, 0, r.stderr);
  }
  const beyond = await leadlagInProcess(['merge', join(dir, 'c.state'), join(dir, 'd.state')]);
  assert.equal(beyond.code, 0, beyond.stderr);
  assert.doesNotMatch(beyond.stderr, /pipe/);
  assert.match(beyond.stderr, /warning: the files hold rows outside the plan's span \(after its end 2024-08-08T12:01:00\.000000Z: one at 2024-08-08T12:01:\d\d\.\d{6}Z\): .*no job counted those rows/);
});

test('optionEffectWarnings: one line per option and reason, naming its files (a few by name, more counted); one file is "its"', async () => {
  const { optionEffectWarnings } = await import('../src/cli/sanity.js');
  const tardis = (file: string) => ({ file, format: 'tardis-quotes', timeColumn: 'timestamp', timeUnit: 'us' });
  const iso = { file: 'x.csv', format: 'exchange-quotes', timeColumn: 'time', timeUnit: 'iso' };
  const days = Array.from({ length: 30 }, (_, i) => tardis(`spot-2024-08-${String(i + 1).padStart(2, '0')}.csv`));
  assert.deepEqual(optionEffectWarnings({ clock: 'exchange', timeUnit: 'ms' }, [...days, iso]), [
    '--time-unit ms has no effect on spot-2024-08-01.csv, spot-2024-08-02.csv, … (30 files): their format (tardis-quotes) fixes the unit to us',
    '--time-unit ms has no effect on x.csv: its times are ISO-8601 dates',
  ]);
  // A file named twice (one file for both markets) is named once.
  assert.deepEqual(optionEffectWarnings({ clock: 'local', timeUnit: undefined }, [iso, iso]), ["--clock local has no effect on x.csv: it has no receipt clock (local_timestamp, ts_recv, time_coinapi, event_time; times come from 'time')"]);
});
