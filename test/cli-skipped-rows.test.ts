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
 * The spot fixture in two files (a market given as a,b), the second with line 11 cut short, and
 * the trades with line 21 cut short: hand-placed, so the expected lines are those numbers.
 */
function damaged(): { spot: string; trades: string } {
  const spot = lines('spot_quotes.csv');
  const header = spot[0]!;
  const first = spot.slice(0, 800);
  const second = [header, ...spot.slice(800)];
  second[10] = second[10]!.split(',').slice(0, 3).join(','); // line 11 of the second file
  const trades = lines('spot_trades.csv');
  trades[20] = trades[20]!.split(',').slice(0, 2).join(','); // line 21
  const dir = tempFiles({ 'spot-1.csv': `${first.join('\n')}\n`, 'spot-2.csv': `${second.join('\n')}\n`, 'trades.csv': `${trades.join('\n')}\n` });
  return { spot: `${join(dir, 'spot-1.csv')},${join(dir, 'spot-2.csv')}`, trades: join(dir, 'trades.csv') };
}

const PERP = join(T, 'perp_quotes.csv');

test('skipped_rows: pair, xcorr, hy, classify and report name the file, kind, count and lines of what was skipped, under -q', async () => {
  const { spot, trades } = damaged();
  const second = spot.split(',')[1]!;
  const quoteRow = [{ file: second, kind: 'short row', count: 1, first_lines: [11] }];
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
  // report nests each analysis's own JSON, skipped_rows included.
  const report = await leadlagInProcess(['report', spot, PERP, '--bootstrap', '50', '--skip-bad-rows', '-q', '--format', 'json']);
  assert.equal(report.code, 0, report.stderr);
  const doc = JSON.parse(report.stdout);
  for (const a of ['pair', 'xcorr', 'hy']) assert.deepEqual(doc[a].skipped_rows, quoteRow, a);
});

test('skipped_rows is absent when nothing was skipped (as in a merge of states), and in classify csv the same rows as keys', async () => {
  const clean = await leadlagInProcess(['pair', join(T, 'spot_quotes.csv'), PERP, '--bootstrap', '0', '--format', 'json']);
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal('skipped_rows' in JSON.parse(clean.stdout), false);
  const { spot, trades } = damaged();
  const csv = await leadlagInProcess(['classify', spot, PERP, '--trades', trades, '--skip-bad-rows', '-q', '--format', 'csv']);
  assert.equal(csv.code, 0, csv.stderr);
  assert.match(csv.stdout, /^skipped_rows\.1\.first_lines\.0,21$/m);
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
