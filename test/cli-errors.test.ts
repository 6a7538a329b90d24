/**
 * End-to-end: every bad-input rule (docs/definitions.md §7 and the pair issue) through the built CLI.
 * Each case checks the exit code, that stderr is one line naming the file (and the line and
 * value where there is one), that no stack trace is printed and that stdout stays empty.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, leadlag, tempFiles } from './cli-helpers.js';
import { BAD_INPUT_FILES, GOOD } from './bad-inputs.js';

const dir = tempFiles(BAD_INPUT_FILES);
mkdirSync(join(dir, 'a-directory'));
const p = (name: string) => join(dir, name);

interface Case {
  name: string;
  args: string[];
  code: number;
  /** Substrings stderr must contain (file, line, value, hint). */
  says: string[];
}

const cases: Case[] = [
  { name: 'missing file', args: [p('nope.csv'), p('good.csv')], code: 66, says: [p('nope.csv')] },
  { name: 'a directory', args: [p('a-directory'), p('good.csv')], code: 66, says: [p('a-directory')] },
  { name: 'corrupt gzip', args: [p('corrupt.csv.gz'), p('good.csv')], code: 66, says: [p('corrupt.csv.gz')] },
  { name: 'unknown header', args: [p('unknown-header.csv'), p('good.csv')], code: 65, says: [`${p('unknown-header.csv')}:1`] },
  { name: 'missing column', args: [p('missing-column.csv'), p('good.csv')], code: 65, says: [`${p('missing-column.csv')}:1`, 'ask'] },
  { name: 'non-numeric price', args: [p('good.csv'), p('non-numeric.csv')], code: 65, says: [`${p('non-numeric.csv')}:3`, '"abc"'] },
  { name: 'NaN price', args: [p('nan-price.csv'), p('good.csv')], code: 65, says: [`${p('nan-price.csv')}:3`, '"NaN"'] },
  { name: 'zero price', args: [p('zero-price.csv'), p('good.csv')], code: 65, says: [`${p('zero-price.csv')}:3`, '"0"'] },
  { name: 'negative price', args: [p('negative-price.csv'), p('good.csv')], code: 65, says: [`${p('negative-price.csv')}:3`, '"-5"'] },
  { name: 'crossed quote', args: [p('crossed.csv'), p('good.csv')], code: 65, says: [`${p('crossed.csv')}:3`, 'crossed', '102'] },
  { name: 'unparsable time', args: [p('bad-time.csv'), p('good.csv')], code: 65, says: [`${p('bad-time.csv')}:3`, '2024-13-45 99:00:00'] },
  { name: 'short row', args: [p('short-row.csv'), p('good.csv')], code: 65, says: [`${p('short-row.csv')}:3`] },
  { name: 'time going backwards', args: [p('backwards.csv'), p('good.csv')], code: 65, says: [`${p('backwards.csv')}:4`, '--sort'] },
  { name: 'files that do not overlap', args: [p('good.csv'), p('later.csv')], code: 65, says: [p('good.csv'), p('later.csv'), 'overlap'] },
  { name: 'empty file', args: [p('empty.csv'), p('good.csv')], code: 65, says: [p('empty.csv')] },
  { name: 'lines ending in a lone CR', args: [p('cr-only.csv'), p('good.csv')], code: 65, says: [`${p('cr-only.csv')}:1`, 'lone CR', '"ts_us,bid,ask"'] },
  { name: 'header only', args: [p('header-only.csv'), p('good.csv')], code: 65, says: [p('header-only.csv')] },
  { name: '--threshold -1', args: [p('good.csv'), p('good.csv'), '--threshold', '-1'], code: 2, says: ['--threshold'] },
  { name: '--threshold abc', args: [p('good.csv'), p('good.csv'), '--threshold', 'abc'], code: 2, says: ['--threshold', 'abc'] },
  { name: '--pair-window soon', args: [p('good.csv'), p('good.csv'), '--pair-window', 'soon'], code: 2, says: ['--pair-window', 'soon'] },
  { name: '--grid 0', args: [p('good.csv'), p('good.csv'), '--grid', '0'], code: 2, says: ['--grid'] },
  { name: 'unknown option', args: [p('good.csv'), p('good.csv'), '--frobnicate'], code: 2, says: ['--frobnicate'] },
  { name: 'missing argument', args: [p('good.csv')], code: 2, says: ['perp'] },
  { name: 'a trades file given as quotes', args: [join(FIXTURES, 'tardis', 'spot_trades.csv'), p('good.csv')], code: 65, says: [`${join(FIXTURES, 'tardis', 'spot_trades.csv')}:1`, 'Tardis trades', '--trades'] },
  { name: 'stdin twice', args: ['-', '-'], code: 2, says: ['standard input'] },
  { name: 'stdin twice, by two of its names', args: ['-', '/dev/stdin'], code: 2, says: ['only one input can be standard input'] },
  { name: '--format xml', args: [p('good.csv'), p('good.csv'), '--format', 'xml'], code: 2, says: ['--format', 'xml'] },
];

for (const c of cases) {
  test(`pair, bad input: ${c.name} → exit ${c.code} with a located one-line message`, async () => {
    const r = await leadlag(['pair', ...c.args]);
    assert.equal(r.code, c.code, r.stderr);
    assert.equal(r.stdout, '', 'nothing on stdout');
    for (const s of c.says) assert.ok(r.stderr.includes(s), `stderr ${JSON.stringify(r.stderr)} should mention ${s}`);
    assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace: ${r.stderr}`);
    if (c.code !== 2) assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
  });
}

test('pair --skip-bad-rows skips and reports each kind with line numbers instead of failing', async () => {
  // Line 3 is non-numeric, line 4 crossed, line 6 goes back in time (3500 after 4000).
  const bad = tempFiles({
    'mixed.csv': 'ts_us,bid,ask\n1000,99,101\n2000,abc,101\n3000,102,101\n4000,99,101\n3500,99,101\n5000,99,101\n',
  });
  const r = await leadlag(['pair', join(bad, 'mixed.csv'), p('good.csv'), '--skip-bad-rows', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  // The skipped-row warnings (a 4 ms file also draws warnings about its span and its lack of jumps).
  const lines = r.stderr.trimEnd().split('\n').filter((l) => l.includes('skipped'));
  assert.equal(lines.length, 3, r.stderr);
  assert.ok(lines.some((l) => /non-numeric/.test(l) && /line 3\b/.test(l)), r.stderr);
  assert.ok(lines.some((l) => /crossed/.test(l) && /line 4\b/.test(l)), r.stderr);
  assert.ok(lines.some((l) => /backwards|order/.test(l) && /line 6\b/.test(l)), r.stderr);
  const quiet = await leadlag(['pair', join(bad, 'mixed.csv'), p('good.csv'), '--skip-bad-rows', '--quiet']);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stderr, '');
});

test('pair --sort accepts rows out of time order', async () => {
  const r = await leadlag(['pair', p('backwards.csv'), p('good.csv'), '--sort', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
});

test('an unreadable file (no permission) exits 66', { skip: process.getuid?.() === 0 ? 'root can read anything' : false }, async () => {
  const d = tempFiles({ 'secret.csv': GOOD });
  chmodSync(join(d, 'secret.csv'), 0o000);
  const r = await leadlag(['pair', join(d, 'secret.csv'), p('good.csv')]);
  assert.equal(r.code, 66);
  assert.ok(r.stderr.includes('secret.csv'));
});

test('the fixture directory exists (sanity for the other suites)', () => {
  assert.ok(FIXTURES.endsWith('fixtures'));
});
