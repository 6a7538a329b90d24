/**
 * The output half of the I/O layer: every command hands one `Output` to `writeOutput`,
 * which prints it as a human table or as csv / tsv / json on stdout.
 *
 * Machine formats carry the same numbers at full precision (shortest round-trip
 * representation), one header row, no colour and nothing else on stdout (docs/definitions.md §6).
 */
import type { ChalkInstance } from 'chalk';
import { machineNumber } from '../core/decimal.js';
import { writeFileAtomic } from './atomic.js';
import { boxTable } from './table.js';

import type { Format } from './format-names.js';
export { FORMATS, type Format } from './format-names.js';
// The people's number and time text lives in core (messages there use it too); the renderers import it from here.
export { duration, fixed, isoMicros } from '../core/human-text.js';

export type Cell = string | number | boolean | null;

/** One flat table for csv/tsv: a header row and rows of cells (null prints as an empty field). */
export interface MachineTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface Output {
  /** The JSON document (docs/definitions.md §6 shapes). */
  readonly json: unknown;
  /** The csv/tsv table. */
  readonly machine: MachineTable;
  /** The human rendering, given a colour instance (level 0 when colour is off). */
  readonly human: (style: Style) => string;
}

/** What the human renderers may use: colours that vanish when colour is off, and a table builder. */
export interface Style {
  readonly c: ChalkInstance;
  readonly colour: boolean;
}

export interface ColourChoice {
  /** From `--color` / `--no-color`; undefined when not given. */
  readonly flag: boolean | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly isTTY: boolean;
}

/**
 * Colour only on a terminal; `NO_COLOR` (any non-empty value) and `--no-color` turn it off,
 * `FORCE_COLOR` (non-empty and not "0"/"false") turns it on. An explicit flag wins over the environment.
 */
export function wantColour({ flag, env, isTTY }: ColourChoice): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (force === '0' || force === 'false') return false;
  return isTTY && env.TERM !== 'dumb';
}

/**
 * chalk and fast-csv are loaded when the output is made, not with this module: a command
 * imports this module before it starts its reader threads, and the two took 45 ms of that.
 */
export async function makeStyle(colour: boolean): Promise<Style> {
  const { Chalk } = await import('chalk');
  return { c: new Chalk({ level: colour ? 1 : 0 }), colour };
}

/** Renders `out` in `format` as the exact text to put on stdout. */
export async function renderOutput(out: Output, format: Format, style: Style): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(out.json, jsonNumbers, 2)}\n`;
    case 'csv':
      return renderDelimited(out.machine, ',');
    case 'tsv':
      return renderTsv(out.machine);
    case 'table':
      return ensureNewline(out.human(style));
  }
}

/**
 * Rows per call of fast-csv. A field is quoted by its own text alone, so the table written a slice
 * at a time is the same text; written whole, fast-csv held a row object and a text per field at
 * once (hy's per-window lags over half an hour, 42 MB of csv: 958 MB at the peak).
 */
const CSV_SLICE = 4096;

async function renderDelimited(table: MachineTable, delimiter: string): Promise<string> {
  const { writeToString } = await import('fast-csv');
  const write = (rows: string[][]) => writeToString(rows, { delimiter, includeEndRowDelimiter: true });
  const parts = [await write([[...table.columns]])];
  for (let i = 0; i < table.rows.length; i += CSV_SLICE) parts.push(await write(table.rows.slice(i, i + CSV_SLICE).map((r) => r.map(cellText))));
  return parts.join('');
}

/**
 * TSV as `cut -f` and `awk -F'\t'` read it: one tab between fields and none inside, so a field's
 * tab, line break or carriage return is written as \t, \n or \r and a backslash as \\ (the
 * escapes of PostgreSQL's text format and of linear TSV); no quoting.
 */
function renderTsv(table: MachineTable): string {
  const rows = [table.columns, ...table.rows.map((r) => r.map(cellText))];
  return rows.map((r) => r.map(tsvField).join('\t')).join('\n') + '\n';
}

function tsvField(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Full precision without float noise (machineNumber); non-finite numbers are empty cells. */
function cellText(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(machineNumber(v)) : '';
  return String(v);
}

/** JSON has no NaN or Infinity: they become null so `jq` never sees invalid JSON. */
function jsonNumbers(_key: string, v: unknown): unknown {
  if (typeof v !== 'number') return v;
  return Number.isFinite(v) ? machineNumber(v) : null;
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

/** A box table (see table.ts): colour only inside cells, so widths stay right when piped; no rules between body rows. */
export function humanTable(head: string[], rows: Cell[][], style: Style, align?: ('left' | 'right')[]): string {
  return boxTable(
    head.map((h) => style.c.bold(h)),
    rows.map((r) => r.map((v) => (v === null ? 'n/a' : String(v)))),
    align,
  );
}

/** A fraction as a percentage for people: 0.0007 → "0.07 %", 1e-7 → "0.00001 %" (6 significant digits, no trailing zeros). */
export function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))} %`;
}

/** Writes a whole text file (feature dumps, saved models) atomically (see atomic.ts); failures become OutputError (exit 73). */
export function writeTextFile(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, text);
}

/** CSV text of a machine table (full precision, one header row). */
export function csvText(table: MachineTable): Promise<string> {
  return renderDelimited(table, ',');
}
