/**
 * Human tables with one column per input file that fit a terminal's width: full names when
 * they fit, else the shortest distinct path suffixes with a legend, else without the meaning
 * column, else the files in groups of as many columns as fit (one per table at least).
 */
import { humanTable, type Cell, type Style } from '../io/output.js';

/** Rows of labelled facts, one value column per file, and a meaning per row. */
export interface ColumnTable {
  readonly labels: readonly string[];
  readonly meanings: readonly string[];
  readonly columns: ReadonlyArray<{ readonly name: string; readonly cells: readonly Cell[] }>;
}

/** Longest line in terminal columns, without colour codes. */
export function textWidth(s: string): number {
  // eslint-disable-next-line no-control-regex
  return Math.max(...s.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => [...l].length));
}

/** The table rendered as wide as `width` allows (Infinity: as given). Cost: a few renderings. */
export function fitColumnTable(t: ColumnTable, style: Style, width: number): string {
  const { c } = style;
  const render = (from: number, to: number, names: readonly string[], meaning: boolean): string => {
    const cols = t.columns.slice(from, to);
    const rows: Cell[][] = t.labels.map((label, i) => [label, ...cols.map((col) => col.cells[i]!), ...(meaning ? [c.dim(t.meanings[i]!)] : [])]);
    const head = ['', ...names.slice(from, to), ...(meaning ? ['meaning'] : [])];
    return humanTable(head, rows, style, ['left', ...cols.map(() => 'right' as const), ...(meaning ? ['left' as const] : [])]);
  };
  const n = t.columns.length;
  const full = t.columns.map((col) => col.name);
  const whole = render(0, n, full, true);
  if (textWidth(whole) <= width) return whole;
  const short = shortNames(full);
  const legend = short.some((s, i) => s !== full[i]) ? short.map((s, i) => `\n${c.dim(`${s} = ${full[i]}`)}`).join('') : '';
  for (const meaning of [true, false]) {
    const named = render(0, n, short, meaning);
    if (textWidth(named) <= width) return named + legend;
  }
  const groups: string[] = [];
  let from = 0;
  while (from < n) {
    let to = from + 1;
    while (to < n && textWidth(render(from, to + 1, short, false)) <= width) to++;
    groups.push(render(from, to, short, false));
    from = to;
  }
  return groups.join('\n') + legend;
}

/** The shortest distinct path suffixes: base names, with parent folders added where base names repeat. */
export function shortNames(paths: readonly string[]): string[] {
  const parts = paths.map((p) => p.split(/[/\\]/).filter((s) => s !== ''));
  const depth = paths.map(() => 1);
  const name = (i: number) => parts[i]!.slice(-depth[i]!).join('/') || paths[i]!;
  for (;;) {
    const names = paths.map((_, i) => name(i));
    let changed = false;
    names.forEach((nm, i) => {
      if (depth[i]! < parts[i]!.length && names.some((m, j) => j !== i && m === nm)) {
        depth[i]!++;
        changed = true;
      }
    });
    // Every round deepens at least one name, and no name deepens past its path: this ends.
    if (!changed) return names;
  }
}
