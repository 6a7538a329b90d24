/**
 * The output half of the I/O layer: every command hands one `Output` to Context.emit, which
 * prints it as a human table or as csv / tsv / json on stdout, written as it is made
 * ({@link outputChunks}).
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
export { counted, duration, fixed, fixedNotZero, isoMicros, spanJson } from '../core/human-text.js';

export type Cell = string | number | boolean | null;

/** One flat table for csv/tsv: a header row and rows of cells (null prints as an empty field). */
export interface MachineTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** The same rows made as they are written (a row per window and lag); `rows` is them made whole. */
  readonly lazyRows?: () => Iterable<readonly Cell[]>;
}

/**
 * An Output whose JSON document and machine table are made only when a format reads them, and
 * made again at every read (a getter each): with --by they hold a row per window (and lag), and
 * made for every format they were most of a run's memory. `doc` gives the document with its long
 * arrays as {@link JsonRows} (lazyJson); `json` is that document made whole.
 */
export function lazyOutput(doc: () => unknown, machine: () => MachineTable, human: (style: Style) => string): Output {
  return {
    get json() {
      return plainJson(doc());
    },
    lazyJson: doc,
    get machine() {
      return machine();
    },
    human,
  };
}

/** A table whose rows are made as they are written ({@link MachineTable.lazyRows}); reading `rows` makes them all. */
export function lazyTable(columns: readonly string[], rows: () => Iterable<readonly Cell[]>): MachineTable {
  return {
    columns,
    get rows() {
      return [...rows()];
    },
    lazyRows: rows,
  };
}

export interface Output {
  /** The JSON document (docs/definitions.md §6 shapes); may be a getter that makes it at each read ({@link lazyOutput}). */
  readonly json: unknown;
  /**
   * The same document with its long arrays as {@link JsonRows}, whose items are made as they
   * are written (jsonChunks); `json` is this document with them made ({@link plainJson}).
   */
  readonly lazyJson?: () => unknown;
  /** The csv/tsv table; may be a getter that makes it at each read. */
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

/**
 * An array of a JSON document whose items are made as they are written ({@link jsonChunks}):
 * `--by`'s windows, each of which can hold a row per lag, so that the document of thousands of
 * windows need not be held whole. As a value it is the array of its items (toJSON), so
 * JSON.stringify of a document that holds one writes the same text.
 */
export class JsonRows<T> {
  constructor(
    readonly length: number,
    private readonly itemAt: (i: number) => T,
  ) {}

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.itemAt(i);
  }

  toJSON(): T[] {
    return [...this];
  }
}

/**
 * The text of JSON.stringify(doc, jsonNumbers, 2) and a line break, in pieces: the document
 * without its {@link JsonRows} (each stood in for by a placeholder string), then each JsonRows
 * where its placeholder stands, an item at a time (each item's text as JSON.stringify writes
 * it, indented to its place). Memory: the document's other members and one item's text.
 */
export function* jsonChunks(doc: unknown): Generator<string> {
  const lazy: JsonRows<unknown>[] = [];
  // A mark no member's text can hold by chance: a NUL (written \u0000) and a random tag.
  const tag = Math.random().toString(36).slice(2);
  const text = JSON.stringify(standIns(doc, lazy, tag), jsonNumbers, 2);
  if (text === undefined) return;
  const mark = new RegExp(`"\\\\u0000${tag}:(\\d+)\\\\u0000"`, 'g');
  let from = 0;
  for (const m of text.matchAll(mark)) {
    yield text.slice(from, m.index);
    // The placeholder's indent: the spaces that open its line.
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    const indent = /^ */.exec(text.slice(lineStart, m.index))![0];
    yield* rowsChunks(lazy[Number(m[1])]!, indent);
    from = m.index + m[0].length;
  }
  yield `${text.slice(from)}\n`;
}

/** `v` with each JsonRows inside plain objects and arrays replaced by its placeholder (the rows kept in `lazy`). */
function standIns(v: unknown, lazy: JsonRows<unknown>[], tag: string): unknown {
  return replaceRows(v, (rows) => {
    lazy.push(rows);
    return `\u0000${tag}:${lazy.length - 1}\u0000`;
  });
}

/** A document with its JsonRows made into arrays: the value JSON.stringify writes for it. */
export function plainJson(doc: unknown): unknown {
  return replaceRows(doc, (rows) => rows.toJSON().map(plainJson));
}

/**
 * `v` with each JsonRows inside plain objects and arrays replaced by `by(rows)`; other values as
 * they are. Only the objects and arrays on a path to a JsonRows are copied: a document without
 * one (a million lags of hy) is returned itself.
 */
function replaceRows(v: unknown, by: (rows: JsonRows<unknown>) => unknown): unknown {
  if (v instanceof JsonRows) return by(v);
  if (Array.isArray(v)) {
    const out = v.map((x) => replaceRows(x, by));
    return out.some((x, i) => x !== v[i]) ? out : v;
  }
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const entries = Object.entries(v);
    const out = entries.map(([k, x]) => [k, replaceRows(x, by)] as const);
    return out.some(([, x], i) => x !== entries[i]![1]) ? Object.fromEntries(out) : v;
  }
  return v;
}

/** A JsonRows as JSON.stringify writes an array at `indent`: one item's text at a time. */
function* rowsChunks(rows: JsonRows<unknown>, indent: string): Generator<string> {
  if (rows.length === 0) {
    yield '[]';
    return;
  }
  const inner = `${indent}  `;
  let i = 0;
  for (const item of rows) {
    // An item's own lines move in by the array's place (strings hold no raw line break).
    const text = JSON.stringify(item, jsonNumbers, 2) ?? 'null';
    yield `${i++ === 0 ? '[\n' : ',\n'}${inner}${text.replaceAll('\n', `\n${inner}`)}`;
  }
  yield `\n${indent}]`;
}

/** Characters (UTF-16 units) per write of a document written in pieces: few writes, little held. */
export const WRITE_CHARS = 1 << 20;

/** The pieces joined into texts of at least `size` characters (the last one shorter). */
export async function* batched(pieces: AsyncIterable<string> | Iterable<string>, size: number): AsyncGenerator<string> {
  let held: string[] = [];
  let length = 0;
  for await (const p of pieces) {
    held.push(p);
    length += p.length;
    if (length >= size) {
      yield held.join('');
      held = [];
      length = 0;
    }
  }
  if (length > 0) yield held.join('');
}

/** Renders `out` in `format` as the exact text to put on stdout. */
export async function renderOutput(out: Output, format: Format, style: Style): Promise<string> {
  return joined(outputChunks(out, format, style));
}

/** The JSON document as the format writes it: with its long arrays made as written where it has them (lazyJson). */
export function writtenJson(out: Output): unknown {
  return out.lazyJson?.() ?? out.json;
}

async function joined(pieces: AsyncIterable<string>): Promise<string> {
  const all: string[] = [];
  for await (const p of pieces) all.push(p);
  return all.join('');
}

/**
 * {@link renderOutput}'s text in pieces, made as they are written: the JSON document's and the
 * machine table's long parts (lazyJson, lazyRows) a window at a time.
 */
export async function* outputChunks(out: Output, format: Format, style: Style): AsyncGenerator<string> {
  switch (format) {
    case 'json':
      yield* jsonChunks(writtenJson(out));
      return;
    case 'csv':
      yield* delimitedChunks(out.machine, ',');
      return;
    case 'tsv':
      yield* tsvChunks(out.machine);
      return;
    case 'table':
      yield ensureNewline(out.human(style));
  }
}

/**
 * Rows per call of fast-csv. A field is quoted by its own text alone, so the table written a slice
 * at a time is the same text; written whole, fast-csv held a row object and a text per field at
 * once (hy's per-window lags over half an hour, 42 MB of csv: 958 MB at the peak).
 */
const CSV_SLICE = 4096;

async function* delimitedChunks(table: MachineTable, delimiter: string): AsyncGenerator<string> {
  const { writeToString } = await import('fast-csv');
  const write = (rows: string[][]) => writeToString(rows, { delimiter, includeEndRowDelimiter: true });
  yield await write([[...table.columns]]);
  let slice: string[][] = [];
  for (const row of table.lazyRows?.() ?? table.rows) {
    slice.push(row.map(cellText));
    if (slice.length === CSV_SLICE) {
      yield await write(slice);
      slice = [];
    }
  }
  if (slice.length > 0) yield await write(slice);
}

/**
 * TSV as `cut -f` and `awk -F'\t'` read it: one tab between fields and none inside, so a field's
 * tab, line break or carriage return is written as \t, \n or \r and a backslash as \\ (the
 * escapes of PostgreSQL's text format and of linear TSV); no quoting.
 */
function* tsvChunks(table: MachineTable): Generator<string> {
  yield `${table.columns.map(tsvField).join('\t')}\n`;
  for (const row of table.lazyRows?.() ?? table.rows) yield `${row.map((c) => tsvField(cellText(c))).join('\t')}\n`;
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
export async function csvText(table: MachineTable): Promise<string> {
  return joined(delimitedChunks(table, ','));
}
