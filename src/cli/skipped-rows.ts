/**
 * The rows the readers skipped, as every reading command's JSON carries them (`skipped_rows`,
 * README "Output"): stderr says them too, but `-q` and a pipeline's `2>/dev/null` lose stderr,
 * and a result over fewer rows than the files hold must not pass for one over all of them.
 * A merge of states lists the one run's (merge.ts skippedRowsRead).
 */
import type { ReadReport } from '../io/types.js';

/** One kind of row skipped in one file. */
export interface SkippedRows {
  readonly file: string;
  readonly kind: string;
  readonly count: number;
  /** The first few of their line numbers (validate.ts keeps five). */
  readonly firstLines: readonly number[];
}

/** Every file's skipped rows, file by file in reading order, `reads` in the order given (a market's stream holds its files: ReadReport.perFile). */
export function skippedRowsOf(reads: readonly ReadReport[]): SkippedRows[] {
  return reads.flatMap((market) => (market.perFile ?? [market]).flatMap((f) => f.skipped.map((s) => ({ file: f.file, kind: s.kind, count: s.count, firstLines: s.firstLines }))));
}

/**
 * The JSON member `skipped_rows`, to spread into a command's document: present only when some row
 * was skipped, so that a clean run's document keeps its bytes (and a merge of states written
 * before states recorded skipped rows still prints the one run's), and a script asks
 * `.skipped_rows` whether any was.
 */
export function skippedRowsMember(rows: readonly SkippedRows[] | undefined): { skipped_rows?: { file: string; kind: string; count: number; first_lines: number[] }[] } {
  if (rows === undefined || rows.length === 0) return {};
  return { skipped_rows: rows.map((s) => ({ file: s.file, kind: s.kind, count: s.count, first_lines: [...s.firstLines] })) };
}
