/**
 * The rendering of outputs (src/io/output.ts): csv written a slice of rows at a time is the text
 * fast-csv writes for the whole table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeToString } from 'fast-csv';
import { Chalk } from 'chalk';
import { batched, jsonChunks, JsonRows, lazyOutput, lazyTable, plainJson, renderOutput, type Cell, type Output, type Style } from '../src/io/output.js';
import { Writable } from 'node:stream';
import { Context } from '../src/cli/context.js';
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

test('a document with JsonRows is written as JSON.stringify writes its arrays, at any depth', async () => {
  // The expected text is Node's own JSON.stringify(…, null, 2) of the document with every
  // JsonRows written out as the array of its items by hand. Numbers are integers, quarters,
  // NaN and Infinity (null in JSON), which the renderer's number rule leaves as JSON.stringify
  // writes them; strings hold line breaks, quotes and a NUL, which must not be taken for the
  // renderer's own placeholders.
  const item = (i: number) => ({ i, text: `line ${i}\nnext "q" \u0000 end`, values: [i / 4, NaN, Infinity, -0], nested: { empty: [], none: {}, deep: [[i]] }, skip: undefined });
  const rows = (n: number) => new JsonRows(n, item);
  const byHand = (n: number) => Array.from({ length: n }, (_, i) => item(i));
  const lazy = { a: 1, windows: rows(3), inner: { rows: rows(2), after: 'x', empty: rows(0) }, list: [rows(1), 5, { r: rows(2) }], last: rows(4) };
  const written = { a: 1, windows: byHand(3), inner: { rows: byHand(2), after: 'x', empty: [] }, list: [byHand(1), 5, { r: byHand(2) }], last: byHand(4) };
  const want = `${JSON.stringify(written, null, 2)}\n`;
  assert.equal(await renderOutput({ json: null, lazyJson: () => lazy, machine: { columns: [], rows: [] }, human: () => '' }, 'json', plain), want);
  assert.equal([...jsonChunks(lazy)].join(''), want);
  assert.deepEqual(plainJson(lazy), written);
  // A root that is itself rows, and one that is empty.
  assert.equal([...jsonChunks(rows(2))].join(''), `${JSON.stringify(byHand(2), null, 2)}\n`);
  assert.equal([...jsonChunks(rows(0))].join(''), '[]\n');
});

test('JsonRows: an item is made when the text reaches it, and the pieces batch into writes of at least the size asked', async () => {
  let made = 0;
  const doc = { head: 'h', windows: new JsonRows(1000, (i) => ((made++), { i, pad: 'x'.repeat(100) })) };
  const pieces = jsonChunks(doc);
  pieces.next(); // the text before the windows
  pieces.next(); // the first window
  assert.equal(made, 1);
  const writes: string[] = [];
  for await (const w of batched(jsonChunks(doc), 10_000)) writes.push(w);
  assert.ok(writes.slice(0, -1).every((w) => w.length >= 10_000) && writes.length > 5, `${writes.length} writes`);
  assert.equal(writes.join(''), `${JSON.stringify(plainJson(doc), null, 2)}\n`);
});

test('lazyOutput: a table reads neither the JSON document nor the machine table; json and csv make them when read', async () => {
  // hy, pair, xcorr and report give their outputs this way: with --by the document and the table
  // hold a row per window (and lag), which a table-format run must not make.
  let docs = 0;
  let tables = 0;
  const out = lazyOutput(
    () => (docs++, { w: new JsonRows(2, (i) => ({ i })) }),
    () => (tables++, lazyTable(['a'], () => [[1], [2]])),
    () => 'table',
  );
  assert.equal(await renderOutput(out, 'table', plain), 'table\n');
  assert.deepEqual([docs, tables], [0, 0]);
  assert.deepEqual(out.json, { w: [{ i: 0 }, { i: 1 }] });
  assert.equal(await renderOutput(out, 'json', plain), '{\n  "w": [\n    {\n      "i": 0\n    },\n    {\n      "i": 1\n    }\n  ]\n}\n');
  assert.equal(await renderOutput(out, 'csv', plain), 'a\n1\n2\n');
  assert.equal(await renderOutput(out, 'tsv', plain), 'a\n1\n2\n');
  assert.deepEqual(out.machine.rows, [[1], [2]]);
  assert.deepEqual([docs, tables], [2, 3]); // json and out.json; csv, tsv and out.machine
});

test('Context.emit writes json, csv and tsv in pieces from the lazy document and rows, never made whole', async () => {
  // 9 000 items of 400 characters: about 3.6 MB of text in three csv slices of 4 096 rows, so at
  // least three writes of 1 MiB in each format. The whole forms throw if read (JsonRows.toJSON, the table's rows getter): emit must write from
  // lazyJson and lazyRows alone. The expected text is built here from the same items.
  const item = (i: number) => ({ i, pad: 'x'.repeat(400) });
  class Whole<T> extends JsonRows<T> {
    override toJSON(): T[] {
      throw new Error('the whole array was made');
    }
  }
  const rows = () => Array.from({ length: 9000 }, (_, i) => [i, 'x'.repeat(400)]);
  const out = lazyOutput(
    () => ({ items: new Whole(9000, item) }),
    () => ({ columns: ['i', 'pad'], get rows(): Cell[][] { throw new Error('the whole table was made'); }, lazyRows: rows }),
    () => '',
  );
  const want = {
    json: `${JSON.stringify({ items: Array.from({ length: 9000 }, (_, i) => item(i)) }, null, 2)}\n`,
    csv: `i,pad\n${rows().map((r) => r.join(',')).join('\n')}\n`,
    tsv: `i\tpad\n${rows().map((r) => r.join('\t')).join('\n')}\n`,
  };
  for (const format of ['json', 'csv', 'tsv'] as const) {
    const writes: string[] = [];
    const stdout = new Writable({ write(chunk, _enc, cb) { writes.push(String(chunk)); cb(); } });
    const ctx = new Context({ stdout, stderr: new Writable({ write: (_c, _e, cb) => cb() }), env: {} }, { format, quiet: true });
    await ctx.emit(out);
    assert.ok(writes.length >= 3, `${format}: ${writes.length} writes`);
    assert.equal(writes.join(''), want[format], format);
  }
});
