/**
 * Every reading command's JSON lists the rows its readers skipped (`skipped_rows`), so that a
 * script that reads the output alone, under -q or with stderr thrown away, can tell a result
 * over fewer rows than the files hold (src/cli/skipped-rows.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';
import { skippedRowsOf } from '../src/cli/skipped-rows.js';
import type { ReadReport } from '../src/io/types.js';

const T = join(FIXTURES, 'tardis');
const lines = (f: string) => readFileSync(join(T, f), 'utf8').trimEnd().split('\n');

/**
 * The spot fixture in two files (a market given as a,b), the first with line 5 cut short, the
 * second (835 lines: its header and the fixture's rows from line 801 on) with lines 11 and 831,
 * and the trades with line 21: hand-placed, so the expected lines are those numbers.
 */
function damaged(): { spot: string; trades: string } {
  const spot = lines('spot_quotes.csv');
  const header = spot[0]!;
  const first = spot.slice(0, 800);
  const second = [header, ...spot.slice(800)];
  assert.equal(second.length, 835);
  const cut = (rows: string[], line: number) => (rows[line - 1] = rows[line - 1]!.split(',').slice(0, 3).join(','));
  cut(first, 5);
  for (const line of [11, 831]) cut(second, line);
  const trades = lines('spot_trades.csv');
  trades[20] = trades[20]!.split(',').slice(0, 2).join(','); // line 21
  const dir = tempFiles({ 'spot-1.csv': `${first.join('\n')}\n`, 'spot-2.csv': `${second.join('\n')}\n`, 'trades.csv': `${trades.join('\n')}\n` });
  return { spot: `${join(dir, 'spot-1.csv')},${join(dir, 'spot-2.csv')}`, trades: join(dir, 'trades.csv') };
}

const PERP = join(T, 'perp_quotes.csv');

test('skipped_rows: pair, xcorr, hy, classify and report name the file, kind, count and lines of what was skipped, under -q', async () => {
  const { spot, trades } = damaged();
  const [first, second] = spot.split(',') as [string, string];
  const quoteRow = [
    { file: first, kind: 'short row', count: 1, first_lines: [5] },
    { file: second, kind: 'short row', count: 2, first_lines: [11, 831] },
  ];
  const runs: [string, string[], unknown][] = [
    ['pair', ['pair', spot, PERP, '--bootstrap', '50'], quoteRow],
    ['xcorr', ['xcorr', spot, PERP, '--bootstrap', '50'], quoteRow],
    ['hy', ['hy', spot, PERP, '--bootstrap', '50'], quoteRow],
    // classify reads the trades too: their row comes after the quotes'.
    ['classify', ['classify', spot, PERP, '--trades', trades], [...quoteRow, { file: trades, kind: 'short row', count: 1, first_lines: [21] }]],
  ];
  for (const [name, args, expected] of runs) {
    const r = await leadlagInProcess([...args, '--skip-bad-rows', '-q', '--format', 'json']);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.equal(r.stderr, '', name);
    assert.deepEqual(JSON.parse(r.stdout).skipped_rows, expected, name);
  }
  // report nests each analysis's own JSON, skipped_rows included, and lists every input's at
  // its top: the quotes', then the trades' (classify's read).
  const tradeRow = { file: trades, kind: 'short row', count: 1, first_lines: [21] };
  const report = await leadlagInProcess(['report', spot, PERP, '--trades', trades, '--bootstrap', '50', '--skip-bad-rows', '-q', '--format', 'json']);
  assert.equal(report.code, 0, report.stderr);
  const doc = JSON.parse(report.stdout);
  for (const a of ['pair', 'xcorr', 'hy']) assert.deepEqual(doc[a].skipped_rows, quoteRow, a);
  assert.deepEqual(doc.classify.skipped_rows, [...quoteRow, tradeRow]);
  assert.deepEqual(doc.skipped_rows, [...quoteRow, tradeRow]);
  // Without classify's result (too few triggers at 20 bp), the trades' rows are still listed.
  const none = await leadlagInProcess(['report', join(T, 'spot_quotes.csv'), PERP, '--trades', trades, '--threshold', '20bp', '--bootstrap', '0', '--skip-bad-rows', '-q', '--format', 'json']);
  assert.equal(none.code, 0, none.stderr);
  const partial = JSON.parse(none.stdout);
  assert.ok(partial.classify_unavailable !== undefined && partial.classify === undefined);
  assert.deepEqual(partial.skipped_rows, [tradeRow]);
});

test('skipped_rows lists one-sided quotes, which are skipped without --skip-bad-rows', async () => {
  // Line 7 of the spot fixture with its bid and its amount emptied.
  const rows = lines('spot_quotes.csv');
  const f = rows[6]!.split(',');
  f[6] = '';
  f[7] = '';
  rows[6] = f.join(',');
  const dir = tempFiles({ 'spot.csv': `${rows.join('\n')}\n` });
  const r = await leadlagInProcess(['pair', join(dir, 'spot.csv'), PERP, '--bootstrap', '0', '-q', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).skipped_rows, [{ file: join(dir, 'spot.csv'), kind: 'one-sided quote', count: 1, first_lines: [7] }]);
});

test('skipped_rows is absent when nothing was skipped (a clean run keeps its bytes), and in classify csv the same rows as keys', async () => {
  const clean = await leadlagInProcess(['pair', join(T, 'spot_quotes.csv'), PERP, '--bootstrap', '0', '--format', 'json']);
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal('skipped_rows' in JSON.parse(clean.stdout), false);
  const { spot, trades } = damaged();
  const csv = await leadlagInProcess(['classify', spot, PERP, '--trades', trades, '--skip-bad-rows', '-q', '--format', 'csv']);
  assert.equal(csv.code, 0, csv.stderr);
  assert.match(csv.stdout, /^skipped_rows\.2\.first_lines\.0,21$/m);
});

test('merge of states over data with skipped rows prints the one run\'s skipped_rows, byte for byte, for pair, xcorr, hy and classify', async () => {
  // The damaged spot (rows cut short at lines 11 and 831 of its second file, which holds
  // 12:00:39 to 12:01:20) and trades (line 21), cut at 12:00:20 and 12:00:50: the first job
  // does not read the second spot file, the second reads it up to its range's end and margin
  // (short of line 831), the third to its end; the one run's list is the state's that read
  // furthest, whatever the order of the states.
  const { spot, trades } = damaged();
  const dir = tempFiles({});
  const day = '2024-08-08T12:00';
  const cuts = [undefined, `${day}:20Z`, `${day}:50Z`, undefined];
  const runs: [string, string[]][] = [
    ['pair', ['pair', spot, PERP, '--bootstrap', '50', '--block', '1s']],
    ['xcorr', ['xcorr', spot, PERP, '--bootstrap', '50', '--block', '1s']],
    ['hy', ['hy', spot, PERP, '--bootstrap', '50', '--block', '1s']],
    ['classify', ['classify', spot, PERP, '--trades', trades, '--block', '1s']],
  ];
  for (const [name, args] of runs) {
    const one = await leadlagInProcess([...args, '--skip-bad-rows', '-q', '--format', 'json']);
    assert.equal(one.code, 0, `${name}: ${one.stderr}`);
    assert.ok(JSON.parse(one.stdout).skipped_rows.length > 0, name);
    const states: string[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const state = join(dir, `${name}-${i}.state`);
      const range = [...(cuts[i] === undefined ? [] : ['--start', cuts[i]!]), ...(cuts[i + 1] === undefined ? [] : ['--end', cuts[i + 1]!])];
      const job = await leadlagInProcess([...args, ...range, '--skip-bad-rows', '-q', '--state', state]);
      assert.equal(job.code, 0, `${name} job ${i}: ${job.stderr}`);
      states.push(state);
    }
    for (const order of [states, [...states].reverse()]) {
      const merged = await leadlagInProcess(['merge', ...order, '-q', '--format', 'json']);
      assert.equal(merged.code, 0, `${name} merge: ${merged.stderr}`);
      assert.equal(merged.stdout, one.stdout, name);
    }
  }
});

test('skippedRowsOf lists a market stream file by file, in reading order, markets in the order given', () => {
  const file = (name: string, skipped: ReadReport['skipped']) => ({ file: name, skipped }) as ReadReport;
  const a1 = file('a1.csv', [{ kind: 'short row', count: 2, firstLines: [5, 9] }]);
  const a2 = file('a2.csv', [{ kind: 'one-sided quote', count: 1, firstLines: [3] }, { kind: 'crossed quote', count: 1, firstLines: [4] }]);
  // A stream's own `skipped` is the merge by kind (multi.ts): the list ignores it for the files'.
  const a = { ...file('a1.csv,a2.csv', [{ kind: 'short row', count: 2, firstLines: [] }]), perFile: [a1, a2] } as ReadReport;
  const b = file('b.csv', []);
  assert.deepEqual(skippedRowsOf([a, b]), [
    { file: 'a1.csv', kind: 'short row', count: 2, firstLines: [5, 9] },
    { file: 'a2.csv', kind: 'one-sided quote', count: 1, firstLines: [3] },
    { file: 'a2.csv', kind: 'crossed quote', count: 1, firstLines: [4] },
  ]);
});
