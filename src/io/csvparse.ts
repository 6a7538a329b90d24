/**
 * The csv-parse side of reading: the options both paths share, the sync parse of a
 * single quoted line (used by the fast parser), the streaming reference path
 * (`parser: 'csv'`), and the mapping of csv-parse's errors to DataError.
 */
import { Readable } from 'node:stream';
import { parse as parseStream, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { DataError } from '../cli/errors.js';

/** csv-parse options of both paths: `\n` or `\r\n` ends a record, blank lines are skipped, rows may be ragged. */
export const CSV_OPTIONS: Options = {
  relax_column_count: true,
  skip_empty_lines: true,
  record_delimiter: ['\r\n', '\n'],
};

const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'malformed CSV: a quote is never closed',
  INVALID_OPENING_QUOTE: 'malformed CSV: a quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'malformed CSV: text after a closing quote',
};

/** A DataError for a csv-parse failure at a record starting on `line`; other errors pass through. */
export function csvError(err: unknown, file: string, line: number): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('CSV_') && !code.startsWith('INVALID_')) return err;
  return new DataError(file, line, CSV_PROBLEMS[code] ?? `malformed CSV (${code})`);
}

/**
 * Splits the text of one record (a line with quotes, possibly continued over the
 * following lines until its quotes balance) with csv-parse.
 * @throws DataError when the quoting is malformed.
 */
export function parseQuotedRecord(text: string, file: string, line: number): string[] {
  let records: string[][];
  try {
    records = parseSync(text, CSV_OPTIONS) as string[][];
  } catch (e) {
    throw csvError(e, file, line);
  }
  // Balanced quotes make exactly one record; anything else is malformed, reported like csv-parse would.
  if (records.length !== 1) throw new DataError(file, line, 'malformed CSV: a quoted field spans records');
  return records[0]!;
}

/** A record from the streaming path with the 1-based line it starts on. */
export interface LocatedRecord {
  readonly fields: string[];
  readonly line: number;
}

interface CsvInfo {
  readonly lines: number;
  readonly empty_lines: number;
}

/**
 * Records of a byte stream through csv-parse's streaming API, with their start lines
 * (csv-parse reports the line a record ends on; the start is one past the previous
 * record's end plus the blank lines skipped in between).
 * A leading UTF-8 BOM is dropped.
 * @throws DataError (at the record's start line) for malformed quoting.
 */
export async function* csvRecords(chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<LocatedRecord> {
  const parser = parseStream({ ...CSV_OPTIONS, bom: true, info: true });
  const source = Readable.from(chunks, { objectMode: false });
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  let lastLine = 0;
  let lastEmpty = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: CsvInfo }>) {
      const line = lastLine + 1 + (item.info.empty_lines - lastEmpty);
      lastLine = item.info.lines;
      lastEmpty = item.info.empty_lines;
      yield { fields: item.record, line };
    }
  } catch (e) {
    const emptyNow = (e as Partial<CsvInfo>).empty_lines;
    throw csvError(e, file, lastLine + 1 + (typeof emptyNow === 'number' ? emptyNow - lastEmpty : 0));
  } finally {
    source.destroy();
    parser.destroy();
  }
}
