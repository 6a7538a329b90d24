/** Small quote files for every bad-input rule, shared by the CLI error tests and the parser-equality test. */
export const GOOD = 'ts_us,bid,ask\n1000,99,101\n2000,99,101\n3000,99.5,100.5\n';

export const BAD_INPUT_FILES: Record<string, string | Buffer> = {
  'good.csv': GOOD,
  'unknown-header.csv': 'when,what\n1,2\n',
  'missing-column.csv': 'ts_us,bid\n1000,99\n',
  'non-numeric.csv': 'ts_us,bid,ask\n1000,99,101\n2000,abc,101\n',
  'nan-price.csv': 'ts_us,bid,ask\n1000,99,101\n2000,NaN,101\n',
  'zero-price.csv': 'ts_us,price\n1000,100\n2000,0\n',
  'negative-price.csv': 'ts_us,price\n1000,100\n2000,-5\n',
  'crossed.csv': 'ts_us,bid,ask\n1000,99,101\n2000,102,101\n',
  'bad-time.csv': 'time,bid,ask\n2024-08-08 23:54:14.087891+00:00,99,101\n2024-13-45 99:00:00,99,101\n',
  'short-row.csv': 'ts_us,bid,ask\n1000,99,101\n2000,99\n',
  'backwards.csv': 'ts_us,bid,ask\n1000,99,101\n3000,99,101\n2000,99,101\n',
  'later.csv': 'ts_us,bid,ask\n9000000,99,101\n9001000,99,101\n',
  'corrupt.csv.gz': Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
  'empty.csv': '',
  'header-only.csv': 'ts_us,bid,ask\n',
  'cr-only.csv': 'ts_us,bid,ask\r1000,99,101\r2000,99,101\r',
};
