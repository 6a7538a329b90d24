/**
 * End-to-end: `leadlag pair` command lines on the bundled fixtures and on small hand-made
 * files, including every bad-input rule of docs/definitions.md §7 and the issue. They run in
 * this process (leadlagInProcess); standard input and a closed stdout use the built CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FIXTURES, leadlag, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';
import { FIXTURE_SHAPE, generate } from '../scripts/gen-data.js';
import { FIXTURE_SECONDS, FIXTURE_SEED } from '../scripts/gen-fixtures.js';

const fx = (layout: string, name: string) => join(FIXTURES, layout, name);
const TARDIS = [fx('tardis', 'spot_quotes.csv'), fx('tardis', 'perp_quotes.csv')];

/** The nine Table 1 metrics under the default names (the JSON holds more members beside them). */
const TABLE1 = ['total_spot_jumps', 'total_perp_jumps', 'paired_events', 'spot_leads_perp', 'perp_leads_spot', 'simultaneous', 'noise_spot_jumps', 'noise_perp_jumps', 'noise_events'];
function table1(feed: Record<string, number>): Record<string, number> {
  return Object.fromEntries(TABLE1.map((k) => [k, feed[k]!]));
}

async function pairJson(args: string[]) {
  const r = await leadlagInProcess(['pair', ...args, '--format', 'json']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  return JSON.parse(r.stdout) as Record<string, Record<string, number>>;
}

test('pair on the fixtures counts exactly the events the generator placed', async () => {
  // Independent ground truth: the generator records each event it places (one jump per moving
  // market, sized well above θ and paired within D), so both feeds must find these counts.
  const { events } = generate(
    { seed: FIXTURE_SEED, seconds: FIXTURE_SECONDS, shape: FIXTURE_SHAPE },
    { spotQuotes: [], perpQuotes: [], spotTrades: [] },
  );
  const expected = {
    total_spot_jumps: events.lead + events['perp-lead'] + events.simultaneous + events['spot-noise'],
    total_perp_jumps: events.lead + events['perp-lead'] + events.simultaneous + events['perp-noise'],
    paired_events: events.lead + events['perp-lead'] + events.simultaneous,
    spot_leads_perp: events.lead,
    perp_leads_spot: events['perp-lead'],
    simultaneous: events.simultaneous,
    noise_spot_jumps: events['spot-noise'],
    noise_perp_jumps: events['perp-noise'],
    noise_events: events['spot-noise'] + events['perp-noise'],
  };
  const out = await pairJson(TARDIS);
  assert.deepEqual(table1(out.native!), expected);
  assert.deepEqual(table1(out.locf!), expected);
  // Role keys carry the same counts.
  assert.equal(out.native!.a_leads_b, expected.spot_leads_perp);
  assert.equal(out.native!.total_b_jumps, expected.total_perp_jumps);
});

test('pair gives the same table for the same ticks in every input format', async () => {
  const tardis = await pairJson(TARDIS);
  const exchange = await pairJson([fx('exchange', 'spot_quotes.csv'), fx('exchange', 'perp_quotes.csv')]);
  const generic = await pairJson([fx('generic', 'spot_quotes.csv'), fx('generic', 'perp_quotes.csv.gz')]);
  const mixed = await pairJson([fx('exchange', 'spot_quotes.csv'), fx('generic', 'perp_quotes.csv.gz')]);
  for (const other of [exchange, generic, mixed]) assert.deepEqual(other, tardis);
});

test('pair: swapping the two files swaps the columns of Table 1', async () => {
  const ab = await pairJson(TARDIS);
  const ba = await pairJson([TARDIS[1]!, TARDIS[0]!, '--names', 'perp,spot']);
  // With the names swapped too, every metric keeps its meaning, so the tables are equal, and the
  // leader test (symmetric in the two counts) too. The chance pairs shift the second file, so they
  // may differ; the role keys a_/b_ follow the files, so they swap.
  for (const feed of ['native', 'locf']) {
    assert.deepEqual(table1(ba[feed]!), table1(ab[feed]!));
    assert.equal(ba[feed]!.leader_p_value, ab[feed]!.leader_p_value);
    assert.equal(ba[feed]!.a_leads_b, ab[feed]!.b_leads_a);
  }
});

test('pair: Table 1 invariants hold on the fixtures at several thresholds', async () => {
  for (const th of ['2bp', '0.05%', '0.001']) {
    const out = await pairJson([...TARDIS, '--threshold', th, '--names', 'a,b']);
    for (const feed of ['native', 'locf']) {
      const m = out[feed]!;
      assert.equal(m.paired_events, m.a_leads_b! + m.b_leads_a! + m.simultaneous!);
      assert.equal(m.total_a_jumps, m.paired_events! + m.noise_a_jumps!);
      assert.equal(m.total_b_jumps, m.paired_events! + m.noise_b_jumps!);
      assert.equal(m.noise_events, m.noise_a_jumps! + m.noise_b_jumps!);
    }
  }
});

test('pair: hand-worked tiny files (native and grid feed, delays, span)', async () => {
  // Spot (µs): 1000 @ 100, 2000 @ 100.1 (+0.1 % ≥ θ: up jump at 2000), 9000 @ 100.1.
  // Perp: 500 @ 200 (history before T_start = 1000), 4500 @ 200.2 (+0.1 %: up jump at 4500),
  //       9500 @ 200.2. Span [1000, 9000]. The spot jump at 2000 leads the perp jump at 4500
  //       (delay 2.5 ms ≤ 5 ms). Grid (1 ms): spot 100 at 1000, 100.1 from 2000 → grid jump
  //       at 2000; perp 200 until 4000, 200.2 from 5000 → grid jump at 5000; delay 3 ms.
  const dir = tempFiles({
    'a.csv': 'ts_us,price\n1000,100\n2000,100.1\n9000,100.1\n',
    'b.csv': 'ts_us,price\n500,200\n4500,200.2\n9500,200.2\n',
  });
  const r = await leadlagInProcess(['pair', join(dir, 'a.csv'), join(dir, 'b.csv'), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const one = { total_spot_jumps: 1, total_perp_jumps: 1, paired_events: 1, spot_leads_perp: 1, perp_leads_spot: 0, simultaneous: 0, noise_spot_jumps: 0, noise_perp_jumps: 0, noise_events: 0 };
  assert.deepEqual(table1(out.native), one);
  assert.deepEqual(table1(out.locf), one);
  // One pair one way: 2·P(X ≤ 0) for n = 1 is 1. The span is 8 ms, so every copy shifted by a
  // second or more falls outside it: no chance pairs, and the excess is the one real pair.
  assert.equal(out.native.leader_p_value, 1);
  assert.deepEqual([out.native.chance_pairs_mean, out.native.chance_pairs_max, out.native.excess_pairs], [0, 0, 1]);
  assert.equal(out.delays_us.native.spot_leads_perp.median, 2500);
  assert.equal(out.delays_us.locf.spot_leads_perp.median, 3000);
  assert.equal(out.delays_us.native.perp_leads_spot.median, null);
  assert.deepEqual([out.span.start_us, out.span.end_us], [1000, 9000]);
});

test('pair --format csv and tsv: one header row and the same numbers as json', async () => {
  const json = await pairJson(TARDIS);
  for (const [format, sep] of [['csv', ','], ['tsv', '\t']] as const) {
    const r = await leadlagInProcess(['pair', ...TARDIS, '--format', format]);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => l.split(sep));
    assert.deepEqual(lines[0], ['metric', 'native', 'locf']);
    const row = lines.find((l) => l[0] === 'spot_leads_perp')!;
    assert.deepEqual(row.slice(1).map(Number), [json.native!.spot_leads_perp, json.locf!.spot_leads_perp]);
    assert.ok(!r.stdout.includes('\x1b['), 'no colour codes in machine formats');
  }
});

test('pair --feed native prints only the native feed', async () => {
  const out = await pairJson([...TARDIS, '--feed', 'native']);
  assert.deepEqual(Object.keys(out).filter((k) => k === 'native' || k === 'locf'), ['native']);
});

test('pair: the human table names the metrics, explains them and shows the span', async () => {
  const r = await leadlagInProcess(['pair', ...TARDIS, '--names', 'btc,perpetual']);
  assert.equal(r.code, 0);
  for (const s of ['Table 1', 'btc_leads_perpetual', 'noise_perpetual_jumps', 'pairs where btc jumped first', 'span', 'median']) assert.ok(r.stdout.includes(s), s);
  assert.ok(!r.stdout.includes('\x1b['), 'no colour when stdout is not a terminal');
  const forced = await leadlagInProcess(['pair', ...TARDIS], { env: { FORCE_COLOR: '1' } });
  assert.ok(forced.stdout.includes('\x1b['), 'FORCE_COLOR turns colour on');
  const off = await leadlagInProcess(['pair', ...TARDIS, '--no-color'], { env: { FORCE_COLOR: '1' } });
  assert.ok(!off.stdout.includes('\x1b['), '--no-color wins');
});

test('pair reads a .gz file and stdin (-)', async () => {
  const { readFileSync } = await import('node:fs');
  const spot = readFileSync(TARDIS[0]!);
  const dir = tempFiles({ 'spot.csv.gz': gzipSync(spot) });
  const viaGz = await pairJson([join(dir, 'spot.csv.gz'), TARDIS[1]!]);
  const r = await leadlag(['pair', '-', TARDIS[1]!, '--format', 'json'], { input: spot });
  assert.equal(r.code, 0, r.stderr);
  const plain = await pairJson(TARDIS);
  assert.deepEqual(viaGz, plain);
  assert.deepEqual(JSON.parse(r.stdout), plain);
});

test('a closed stdout (| head -1) exits 0 without an error message', async () => {
  const { spawnSync } = await import('node:child_process');
  const { BIN } = await import('./cli-helpers.js');
  // 4001 lags of csv is ~200 kB, more than a pipe buffer, so leadlag is still writing when
  // head exits: the EPIPE path is exercised, and pipefail reports leadlag's own status.
  const cmd = `set -o pipefail; "${process.execPath}" "${BIN}" xcorr "${TARDIS[0]}" "${TARDIS[1]}" --lags -2000..2000 --bootstrap 0 --format csv | head -1`;
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
  assert.equal(r.stdout, 'lag,lag_us,r,n,n_effective,top_step_share,beta,r2,ci_low,ci_high,fisher_low,fisher_high\n');
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
});

test('--time-unit applies to files whose unit is a guess, never to Tardis µs', async () => {
  // The same perp ticks as generic `ts,price` in ms (µs floored to ms): the magnitude rule and
  // --time-unit ms both read them as ms, and the Tardis spot file stays in µs either way.
  const { readFileSync } = await import('node:fs');
  const rows = readFileSync(TARDIS[1]!, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const text = 'ts,price\n' + rows.map((f) => `${Math.floor(Number(f[2]) / 1000)},${(Number(f[5]) + Number(f[6])) / 2}`).join('\n') + '\n';
  const dir = tempFiles({ 'perp_ms.csv': text });
  const guessed = await pairJson([TARDIS[0]!, join(dir, 'perp_ms.csv')]);
  const r = await leadlagInProcess(['pair', TARDIS[0]!, join(dir, 'perp_ms.csv'), '--time-unit', 'ms', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const told = JSON.parse(r.stdout);
  assert.deepEqual(told, guessed);
  // The option changed nothing on the Tardis file, and a warning says so (only about that file).
  assert.match(r.stderr, /--time-unit ms has no effect on .*spot_quotes\.csv: its format \(tardis-quotes\) fixes the unit to us/);
  assert.doesNotMatch(r.stderr, /perp_ms/);
  assert.equal((guessed as unknown as { span: { start_us: number } }).span.start_us % 1000, 644, 'spot (µs) starts the span');
});

test('large files go through the reader workers: the same counts, and errors keep file, line and value', async () => {
  // 300 000 rows of `ts_us,price` (4 388 901 bytes, above the 4 MiB worker threshold), 1 ms apart at
  // 100, with one step to 100.1 at row 150 000 (t = 149 999 000 µs): exactly one up jump in
  // each market, at the same time, so one simultaneous pair.
  // Times start at T0 = 2023-11-14T22:13:20Z (a span in 1970 would draw a warning).
  const T0 = 1_700_000_000_000_000;
  const rows = ['ts_us,price'];
  for (let i = 0; i < 300_000; i++) rows.push(`${T0 + i * 1000},${i >= 149_999 ? '100.1' : '100'}`);
  const good = rows.join('\n') + '\n';
  const bad = good.replace(`\n${T0 + 200000000},100.1\n`, `\n${T0 + 200000000},-3\n`); // data line 200 001 = file line 200 002
  const dir = tempFiles({ 'a.csv': good, 'b.csv': good, 'bad.csv': bad });
  assert.ok(good.length > 4 << 20, `${good.length} bytes`);
  const out = await pairJson([join(dir, 'a.csv'), join(dir, 'b.csv')]);
  for (const feed of ['native', 'locf']) {
    assert.equal(out[feed]!.total_spot_jumps, 1);
    assert.equal(out[feed]!.simultaneous, 1);
  }
  const r = await leadlagInProcess(['pair', join(dir, 'bad.csv'), join(dir, 'a.csv')]);
  assert.equal(r.code, 65);
  assert.ok(r.stderr.includes(`${join(dir, 'bad.csv')}:200002`) && r.stderr.includes('"-3"'), r.stderr);
  assert.equal(r.stdout, '');
});

test('pair --sort restores time order: shuffled timestamps give the original table (bursts keep their file order)', async () => {
  const { readFileSync } = await import('node:fs');
  const { mulberry32 } = await import('./prng.js');
  // Group the spot rows by timestamp (a burst stays together, in file order), shuffle the
  // groups, and write them back: a stable sort by time must rebuild the original file's ticks.
  const [header, ...lines] = readFileSync(TARDIS[0]!, 'utf8').trimEnd().split('\n');
  const groups: string[][] = [];
  for (const l of lines) {
    const t = l.split(',')[2];
    if (groups.length > 0 && groups.at(-1)![0]!.split(',')[2] === t) groups.at(-1)!.push(l);
    else groups.push([l]);
  }
  const rand = mulberry32(11);
  for (let i = groups.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [groups[i], groups[j]] = [groups[j]!, groups[i]!];
  }
  const dir = tempFiles({ 'shuffled.csv': [header, ...groups.flat()].join('\n') + '\n' });
  const unsorted = await leadlagInProcess(['pair', join(dir, 'shuffled.csv'), TARDIS[1]!]);
  assert.equal(unsorted.code, 65, 'without --sort, time going backwards is an error');
  // Rows moved back by up to the span (80 s) are warned of: far more than jitter.
  const sorted = await leadlagInProcess(['pair', join(dir, 'shuffled.csv'), TARDIS[1]!, '--sort', '--format', 'json']);
  assert.equal(sorted.code, 0, sorted.stderr);
  assert.match(sorted.stderr, /^leadlag: warning: .*shuffled\.csv: --sort moved line \d+ back by 79\.\d+ s, behind line \d+: more than jitter\b[^\n]*\n$/);
  assert.deepEqual(JSON.parse(sorted.stdout), await pairJson(TARDIS));
});

test('pair --sort warns when it moved a row back by more than a minute (two stretches interleaved), and not for a few seconds of disorder', async () => {
  const rows = (times: string[]) => ['time,bid,ask', ...times.map((t, i) => `${t},100,${101 + (i % 2)}`)].join('\n') + '\n';
  // An hour of local times written twice over (02:00–02:59 again after 02:59): line 4 lies
  // 3598.5 s behind line 3 (said to the second).
  // Each against a second market over the same hour, so that both runs finish (exit 0).
  const other = rows(['2024-10-27 02:00:00.1', '2024-10-27 02:30:00', '2024-10-27 02:59:59.9']);
  const dir = tempFiles({
    'repeated.csv': rows(['2024-10-27 02:00:00', '2024-10-27 02:59:59', '2024-10-27 02:00:00.5', '2024-10-27 02:59:59.5']),
    'jitter.csv': rows(['2024-10-27 02:00:00', '2024-10-27 02:00:05', '2024-10-27 02:00:01', '2024-10-27 02:59:59.5']),
    'other.csv': other,
  });
  const far = await leadlagInProcess(['pair', join(dir, 'repeated.csv'), join(dir, 'other.csv'), '--sort', '--format', 'json']);
  assert.equal(far.code, 0, far.stderr);
  assert.match(far.stderr, /warning: .*repeated\.csv: --sort moved line 4 back by 59 min 58 s, behind line 3: more than jitter\. If line 3's time is wrong \(typed ahead\), remove it; where two stretches of time were interleaved/);
  const near = await leadlagInProcess(['pair', join(dir, 'jitter.csv'), join(dir, 'other.csv'), '--sort', '--format', 'json']);
  assert.equal(near.code, 0, near.stderr);
  assert.doesNotMatch(near.stderr, /--sort moved/);
});

test('pair warns of a step of scale where two files of one market meet (a day in dollars, the next in cents), naming the second file', async () => {
  const T = 1723118400000000;
  const rows = (from: number, n: number, bid: number, ask: number) => Array.from({ length: n }, (_, i) => `${T + (from + i) * 1000},${bid},${ask}`);
  const dir = tempFiles({
    'day1.csv': ['time,bid,ask', ...rows(0, 50, 100, 102)].join('\n') + '\n',
    'day2.csv': ['time,bid,ask', ...rows(50, 50, 10000, 10200)].join('\n') + '\n',
    'other.csv': ['time,bid,ask', ...rows(0, 100, 100, 102).map((l) => l.replace(/^(\d+)/, (t) => String(Number(t) + 500)))].join('\n') + '\n',
  });
  const r = await leadlagInProcess(['pair', `${join(dir, 'day1.csv')},${join(dir, 'day2.csv')}`, join(dir, 'other.csv'), '--bootstrap', '0', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  // Tick 50 (T + 50 ms) is the second file's first: 101 → 10100.
  assert.match(r.stderr, /warning: .*day2\.csv: the mid steps from 101 to 10100 at 2024-08-08T12:00:00\.050000Z: a change of units/);
});

test('pair and classify: a --block that cuts the span into more bootstrap blocks than drawable is a usage error; --bootstrap 0 needs no blocks', async () => {
  // The fixtures span almost 80 s: about 80 000 000 blocks of 1 µs, more than 2^24 = 16 777 216.
  const trades = ['--trades', fx('tardis', 'spot_trades.csv')];
  for (const args of [['pair', ...TARDIS], ['classify', ...TARDIS, ...trades]]) {
    const r = await leadlagInProcess([...args, '--block', '1us', '--format', 'json']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--block 1 µs cuts the span .* into 7\d{7} bootstrap blocks, more than 16777216 .*use a longer --block or --bootstrap 0/);
    assert.equal(r.stdout, '');
  }
  const off = await leadlagInProcess(['pair', ...TARDIS, '--block', '1us', '--bootstrap', '0', '--format', 'json']);
  assert.equal(off.code, 0, off.stderr);
});

test('a --block under a second is warned of by every command that takes it (and by merge of its states); a second is not', async () => {
  const warning = /warning: --block 999\.999 ms is shorter than a second: the intervals and the 6-block rule take the blocks as independent/;
  const trades = ['--trades', fx('tardis', 'spot_trades.csv')];
  for (const args of [['pair', ...TARDIS], ['xcorr', ...TARDIS], ['hy', ...TARDIS], ['classify', ...TARDIS, ...trades], ['report', ...TARDIS]]) {
    const short = await leadlagInProcess([...args, '--block', '999999us', '--bootstrap', '0', '--format', 'json']);
    assert.equal(short.code, 0, short.stderr);
    assert.match(short.stderr, warning, args[0]);
    const second = await leadlagInProcess([...args, '--block', '1s', '--bootstrap', '0', '--format', 'json']);
    assert.doesNotMatch(second.stderr, /is shorter than a second/, args[0]);
  }
  const dir = tempFiles({});
  const state = join(dir, 'p.state');
  assert.equal((await leadlagInProcess(['pair', ...TARDIS, '--block', '999999us', '--state', state, '-q'])).code, 0);
  assert.match((await leadlagInProcess(['merge', state, '--format', 'json'])).stderr, warning);
});

test('requireBootstrapBlocks: up to 2^24 blocks pass, one more is refused (hand-worked spans)', async () => {
  const { requireBootstrapBlocks } = await import('../src/cli/inputs.js');
  const { UsageError } = await import('../src/errors.js');
  const max = 2 ** 24;
  // Blocks of 10 µs from 0: [0, 10·max − 1] touches blocks 0 … max − 1; one µs more reaches block max.
  requireBootstrapBlocks({ start: 0, end: 10 * max - 1 }, 10, 1000);
  assert.throws(() => requireBootstrapBlocks({ start: 0, end: 10 * max }, 10, 1000), UsageError);
  requireBootstrapBlocks({ start: 0, end: 10 * max }, 10, 0);
});
