/**
 * The rendering of outputs (src/io/output.ts): csv written a slice of rows at a time is the text
 * fast-csv writes for the whole table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeToString } from 'fast-csv';
import { Chalk } from 'chalk';
import { renderOutput, type Cell, type Output, type Style } from '../src/io/output.js';
import { mulberry32 } from './prng.js';

const plain: Style = { c: new Chalk({ level: 0 }), colour: false };

/** Fields that csv must quote (delimiter, quote, line breaks) among plain ones, numbers and nulls. */
function awkwardRows(n: number, seed: number): Cell[][] {
  const rnd = mulberry32(seed);
  const texts = ['a', 'b,c', 'say "hi"', 'line\nbreak', 'cr\rhere', ' padded ', '', 'x;y', 'tab\there'];
  // Values in quarters print as String prints them (machineNumber leaves them whole).
  return Array.from({ length: n }, (_, i) => [i, texts[Math.floor(rnd() * texts.length)]!, rnd() < 0.1 ? null : Math.floor(rnd() * 4e6 - 2e6) / 4, rnd() < 0.5]);
}

test('csv of a table longer than one slice is the text fast-csv writes for the whole table', async () => {
  // 10 000 rows: the header and three slices of 4 096 rows (the last one short). The expected
  // text is fast-csv's own over every row at once, cells turned into text as cellText does
  // (null empty, these numbers and booleans by String), which is how the renderer wrote it before.
  const rows = awkwardRows(10_000, 7);
  const columns = ['i', 'text', 'value', 'flag'];
  const out: Output = { json: null, machine: { columns, rows }, human: () => '' };
  const text = (c: Cell) => (c === null ? '' : String(c));
  const want = await writeToString([columns, ...rows.map((r) => r.map(text))], { delimiter: ',', includeEndRowDelimiter: true });
  assert.ok(want.includes('"say ""hi"""') && want.includes('"b,c"') && want.includes('"line\nbreak"'), 'quoted fields present');
  assert.equal(await renderOutput(out, 'csv', plain), want);
  // No rows: the header alone.
  assert.equal(await renderOutput({ ...out, machine: { columns, rows: [] } }, 'csv', plain), 'i,text,value,flag\n');
});
