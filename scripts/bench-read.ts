/**
 * Times a bare read of quote/trade files through the input layer and prints MB/s and rows/s.
 *
 *   node dist/scripts/bench-read.js [--trades] [--csv] [--no-worker] FILE...
 *     Reads all FILEs at once (two files → two workers when workers are on).
 *   node dist/scripts/bench-read.js --generate ROWS OUT.csv
 *     Writes a synthetic Tardis quotes file (for measuring; don't commit it).
 */
import { createWriteStream, statSync } from 'node:fs';
import { openQuotes, openTrades } from '../src/io/sources.js';
import type { ReadOptions } from '../src/io/types.js';

async function generate(rows: number, out: string): Promise<void> {
  const w = createWriteStream(out);
  w.write('exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\n');
  let t = 1723161254087891;
  let mid = 6180000; // cents ×100: prices with 1–2 decimals
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    t += Math.floor(rnd() * 2000);
    mid += Math.floor(rnd() * 5) - 2;
    const bid = (mid / 100).toFixed(2);
    const ask = ((mid + 10) / 100).toFixed(1);
    chunk += `binance-futures,BTCUSDT,${t},${t + 1000 + Math.floor(rnd() * 900)},${(rnd() * 3).toFixed(3)},${ask},${bid},${(rnd() * 5).toFixed(3)}\n`;
    if (chunk.length > 1 << 20) {
      if (!w.write(chunk)) await new Promise<void>((r) => w.once('drain', () => r()));
      chunk = '';
    }
  }
  w.write(chunk);
  await new Promise<void>((r) => w.end(r));
}

async function readAll(file: string, trades: boolean, opts: ReadOptions): Promise<number> {
  const src = trades ? openTrades(file, opts) : openQuotes(file, opts);
  let n = 0;
  for await (const b of src) n += b.length;
  return src.report().rows;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--generate') {
    await generate(Number(argv[1]), argv[2]!);
    return;
  }
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const files = argv.filter((a) => !a.startsWith('--'));
  const opts: ReadOptions = {
    clock: 'exchange',
    sort: false,
    skipBadRows: true,
    parser: flags.has('--csv') ? 'csv' : 'fast',
    worker: !flags.has('--no-worker'),
  };
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  const t0 = performance.now();
  const rows = (await Promise.all(files.map((f) => readAll(f, flags.has('--trades'), opts)))).reduce((a, b) => a + b, 0);
  const s = (performance.now() - t0) / 1000;
  const mode = `${opts.parser}, ${opts.worker ? 'worker' : 'in-thread'}`;
  console.log(`${files.length} file(s), ${(bytes / 1e6).toFixed(1)} MB, ${rows} rows in ${s.toFixed(2)} s (${mode}): ` +
    `${(bytes / 1e6 / s).toFixed(0)} MB/s, ${(rows / 1e6 / s).toFixed(2)} M rows/s`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
