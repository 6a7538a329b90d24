/**
 * The output half of the I/O layer: every command hands one `Output` to `writeOutput`,
 * which prints it as a human table or as csv / tsv / json on stdout.
 *
 * Machine formats carry the same numbers at full precision (shortest round-trip
 * representation), one header row, no colour and nothing else on stdout (docs/definitions.md §6).
 */
import { writeToString } from 'fast-csv';
import { Chalk, type ChalkInstance } from 'chalk';
import { machineNumber } from '../core/decimal.js';
import { writeFileAtomic } from './atomic.js';
import { boxTable } from './table.js';

import type { Format } from './format-names.js';
export { FORMATS, type Format } from './format-names.js';

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

export function makeStyle(colour: boolean): Style {
  return { c: new Chalk({ level: colour ? 1 : 0 }), colour };
}

/** Renders `out` in `format` as the exact text to put on stdout. */
export async function renderOutput(out: Output, format: Format, style: Style): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(out.json, jsonNumbers, 2)}\n`;
    case 'csv':
    case 'tsv':
      return renderDelimited(out.machine, format === 'csv' ? ',' : '\t');
    case 'table':
      return ensureNewline(out.human(style));
  }
}

async function renderDelimited(table: MachineTable, delimiter: string): Promise<string> {
  const rows = [table.columns, ...table.rows.map((r) => r.map(cellText))];
  const text = await writeToString(rows as string[][], { delimiter, includeEndRowDelimiter: true });
  return text;
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

/** Fixed-decimal formatting for human tables: never "NaN", never "-0.0000". */
export function fixed(v: number | null, digits: number): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A fraction as a percentage for people: 0.0007 → "0.07 %", 1e-7 → "0.00001 %" (6 significant digits, no trailing zeros). */
export function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))} %`;
}

/** Formats a µs time as ISO-8601 UTC with µs precision. */
export function isoMicros(us: number): string {
  if (!Number.isFinite(us)) return 'n/a';
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  const iso = new Date(ms).toISOString(); // 2024-08-08T23:54:14.087Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** Formats a µs duration for people: "812 µs", "3.25 ms", "5.6 s", "1 h 02 min". */
export function duration(us: number): string {
  if (!Number.isFinite(us)) return 'n/a';
  if (us < 1000) return `${fixed(us, 0)} µs`;
  if (us < 1e6) return `${trimZeros((us / 1000).toFixed(3))} ms`;
  const s = us / 1e6;
  if (s < 120) return `${trimZeros(s.toFixed(3))} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m} min ${String(Math.floor(s - m * 60)).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m - h * 60).padStart(2, '0')} min`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Writes a whole text file (feature dumps, saved models) atomically (see atomic.ts); failures become OutputError (exit 73). */
export function writeTextFile(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, text);
}

/** CSV text of a machine table (full precision, one header row). */
export function csvText(table: MachineTable): Promise<string> {
  return renderDelimited(table, ',');
}
