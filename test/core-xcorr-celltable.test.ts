/**
 * LagCellTable (src/core/xcorr-cells.ts) keeps cells in pages of about 64 KiB: many cells share
 * a page when there are few lags, a cell has a page of its own at 2 001 lags. These tests write
 * known numbers into cells across page boundaries, drop cells from the front and read the parts
 * back; every expected value is the number written (fields are only copied into the parts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedCells } from '../src/core/cells.js';
import { LagCellTable, PART_FIELDS, PART_WIDTH } from '../src/core/xcorr-cells.js';

const F = (name: (typeof PART_FIELDS)[number]): number => PART_FIELDS.indexOf(name);

/** The numbers written into cell c, lag k: Σxy = c + k/10, sides Σx = c, Σx² = k, Σy = −c, Σy² = c·k. */
function fill(table: LagCellTable, first: number, cells: number, lags: number): void {
  for (let c = first; c < first + cells; c++) {
    for (let k = 0; k < lags; k++) {
      table.addPair(k, c, 1, c + k / 10);
      table.setSides(k, c, c, k, -c, c * k);
    }
  }
}

function assertCell(sums: Float64Array, row: number, cell: number, lags: number): void {
  for (let k = 0; k < lags; k++) {
    const o = (row * lags + k) * PART_WIDTH;
    const want = { n_effective: 1, sxy: cell + k / 10, abs_sum: Math.abs(cell + k / 10), sx: cell, sxx: k, sy: -cell, syy: cell * k };
    for (const [name, v] of Object.entries(want)) assert.equal(sums[o + F(name as (typeof PART_FIELDS)[number])], v, `cell ${cell}, lag ${k}: ${name}`);
  }
}

test('cell table: cells across pages, a partial drop from the front, parts and copies read back what was written', () => {
  // 1 lag: 2 048 cells a page; 3 lags: 682; 2 001 lags: one cell a page.
  for (const [lags, cells, drop] of [[1, 5000, 3000], [3, 1500, 700], [2001, 5, 2]] as const) {
    const table = new LagCellTable(fixedCells(1), lags);
    table.start(100);
    fill(table, 100, cells, lags);
    // The copy (parts of a run not yet over) holds the same cells.
    const copied = table.copy(100 + cells - 1).parts(Array.from({ length: lags }, (_, k) => k), 0, 0, () => 0);
    assert.equal(copied.cells, cells);
    for (const c of [0, cells >> 1, cells - 1]) assertCell(copied.sums, c, 100 + c, lags);
    table.dropFirst(drop);
    assert.equal(table.firstCell, 100 + drop);
    const parts = table.parts(Array.from({ length: lags }, (_, k) => k), 0, 0, () => 0);
    assert.equal(parts.cells, cells - drop);
    for (let row = 0; row < parts.cells; row++) assertCell(parts.sums, row, 100 + drop + row, lags);
    // New cells after the drop start from zero, in the page after the last one reached.
    table.addPair(0, 100 + cells + 10, 2, 3);
    const later = table.parts([0], 0, 0, () => 0);
    assert.equal(later.cells, cells - drop + 11);
    assert.equal(later.sums[(cells - drop + 5) * lags * PART_WIDTH + F('sxy')], 0, 'a cell reached but never written');
    // A dropped cell is a caller's bug, said so.
    assert.throws(() => table.pairsOf(100 + drop - 1), /was dropped/);
  }
});
