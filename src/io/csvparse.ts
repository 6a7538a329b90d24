/**
 * The csv-parse side of reading: the options both paths share, the sync parse of a
 * single quoted line (used by the fast parser), the streaming reference path
 * (`parser: 'csv'`), and the mapping of csv-parse's errors to DataError.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { Options } from 'csv-parse';
import type * as CsvSync from 'csv-parse/sync';
import { DataError } from '../errors.js';

/**
 * csv-parse loads when a file first needs it: most files hold no quoted line, and loading it
 * was about 20 of the 45 ms each reader worker spent loading the parser. The fast parser's
 * one-line parse is synchronous, hence its package's CommonJS build through require.
 */
const requireHere = createRequire(import.meta.url);
let parseSync: typeof CsvSync.parse | undefined;

function syncParser(): typeof CsvSync.parse {
  return (parseSync ??= (requireHere('csv-parse/sync') as typeof CsvSync).parse);
}

/** csv-parse options of both paths: `\n` or `\r\n` ends a record, blank lines are skipped, rows may be ragged. */
export const CSV_OPTIONS: Options = {
  relax_column_count: true,
  skip_empty_lines: true,
  record_delimiter: ['\r\n', '\n'],
};

export const UNCLOSED_QUOTE = 'malformed CSV: a quote is never closed';

const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: UNCLOSED_QUOTE,
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
export function parseQuotedRecord(text: string, file: string, line: number, delimiter = ','): string[] {
  let records: string[][];
  try {
    records = syncParser()(text, { ...CSV_OPTIONS, delimiter }) as string[][];
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
 * Records of a byte stream through csv-parse's streaming API, in runs, with their start lines
 * (csv-parse reports the line a record ends on; the start is one past the previous
 * record's end plus the blank lines skipped in between). A leading UTF-8 BOM is dropped.
 *
 * Malformed quoting is fatal, but only once every record before it has been handed
 * on (so an earlier bad row is reported first, as the line-by-line fast path does):
 * csv-parse skips the broken record and goes on, the first such error is remembered
 * with its start line and thrown when a later record or the end arrives.
 * @throws DataError (at the record's start line) for malformed quoting.
 */
export async function* csvRecords(chunks: AsyncIterable<Buffer>, file: string, delimiter = ','): AsyncGenerator<LocatedRecord[]> {
  const { parse: parseStream } = await import('csv-parse');
  let lastLine = 0;
  let lastEmpty = 0;
  let produced = 0;
  /** The first malformed record: its error, start line, and how many records csv-parse produced before it. */
  let broken: { error: unknown; line: number; after: number } | undefined;
  const options = {
    ...CSV_OPTIONS,
    delimiter,
    bom: true,
    skip_records_with_error: true,
    on_record: (fields: string[], ctx: CsvInfo): LocatedRecord => {
      const line = lastLine + 1 + (ctx.empty_lines - lastEmpty);
      lastLine = ctx.lines;
      lastEmpty = ctx.empty_lines;
      produced++;
      return { fields, line };
    },
  } as unknown as Options;
  const parser = parseStream(options);
  parser.on('skip', (e: Error & Partial<CsvInfo>) => {
    if (!broken) broken = { error: e, line: lastLine + 1 + ((e.empty_lines ?? lastEmpty) - lastEmpty), after: produced };
  });
  const source = Readable.from(chunks, { objectMode: false });
  source.on('error', (e) => parser.destroy(e));
  // Records are taken from 'data' events in runs (pausing the parser while a run is
  // handed on): far cheaper than one async-iterator step per record.
  let run: LocatedRecord[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | null = null;
  const signal = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  parser.on('data', (rec: LocatedRecord) => {
    run.push(rec);
    if (run.length >= RUN) parser.pause();
    signal();
  });
  parser.on('end', () => {
    ended = true;
    signal();
  });
  parser.on('error', (e) => {
    failure = e;
    signal();
  });
  source.pipe(parser);
  try {
    let consumed = 0;
    for (;;) {
      while (run.length === 0 && !ended && failure === undefined) await new Promise<void>((res) => (wake = res));
      if (run.length === 0) {
        if (failure !== undefined) throw failure;
        break;
      }
      const taken = run;
      run = [];
      parser.resume();
      if (broken && consumed + taken.length > broken.after) {
        yield taken.slice(0, broken.after - consumed);
        break;
      }
      consumed += taken.length;
      yield taken;
    }
    if (broken) throw csvError(broken.error, file, broken.line);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Records handed on per run by csvRecords. */
const RUN = 4096;
