/**
 * `npm run bench`: the performance figures of the issue, measured as a user runs leadlag.
 *
 * Generates (once, deterministically, into the git-ignored bench-data/) a 1-hour and a
 * 30-minute two-market Tardis data set, then runs a bare read of the two quote files (the
 * floor: parsing alone) and `pair`, `xcorr --lags -5..5`, `hy` (2 001 lags of 10 µs, without and
 * with 1000 bootstrap replicates), `classify` and `report` (one read for pair, xcorr, hy and the
 * data-quality scan) through the built CLI,
 * each in its own process, and prints wall time, MB/s and rows/s of input and peak resident
 * memory. The half-size set shows that memory does not grow with the length of the data.
 *
 *   npm run bench [-- --sets full,half] [--runs 1]
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readSync, closeSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBenchData, FILE_NAMES } from './gen-data.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'leadlag');
const SETS = { full: 60, half: 30 } as const;

interface Measure {
  readonly seconds: number;
  readonly peakMB: number;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs a command and measures wall time and peak RSS (VmHWM of the process, polled). */
function measure(args: string[]): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakKB = 0;
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const poll = setInterval(() => (peakKB = Math.max(peakKB, vmHwmKB(child.pid!))), 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMB: peakKB / 1024, code, stderr });
    });
  });
}

/** Peak resident set (kB) of a live process so far; 0 once it is gone. VmHWM only grows. */
function vmHwmKB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Data rows of a CSV file (lines minus the header), counted once and cached beside it. */
function dataRows(file: string): number {
  const cache = `${file}.rows`;
  if (existsSync(cache) && statSync(cache).mtimeMs >= statSync(file).mtimeMs) return Number(readFileSync(cache, 'utf8'));
  const buf = Buffer.allocUnsafe(1 << 22);
  const fd = openSync(file, 'r');
  let lines = 0;
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
    for (let i = buf.indexOf(10, 0); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
  }
  closeSync(fd);
  writeFileSync(cache, String(lines - 1));
  return lines - 1;
}

function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sets: { type: 'string', default: 'full,half' }, runs: { type: 'string', default: '1' } } });
  const sets = values.sets!.split(',') as (keyof typeof SETS)[];
  const runs = Math.max(1, Number(values.runs));
  console.log(`leadlag benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  for (const set of sets) {
    const dir = join(ROOT, 'bench-data', set);
    process.stdout.write(`\n[${set}] ${SETS[set]} min of Tardis CSV in ${dir}: `);
    const made = ensureBenchData(dir, { minutes: SETS[set] });
    console.log(made.generated ? `generated in ${made.seconds!.toFixed(1)} s` : 'present');
    const spot = join(dir, FILE_NAMES.spotQuotes);
    const perp = join(dir, FILE_NAMES.perpQuotes);
    const trades = join(dir, FILE_NAMES.spotTrades);
    const quoteBytes = statSync(spot).size + statSync(perp).size;
    const quoteRows = dataRows(spot) + dataRows(perp);
    const tradeBytes = statSync(trades).size;
    const tradeRows = dataRows(trades);
    console.log(`  spot + perp quotes: ${(quoteRows / 1e6).toFixed(2)} M rows, ${(quoteBytes / 1e9).toFixed(2)} GB; spot trades: ${tradeRows} rows`);
    const commands: [string, string[], number, number][] = [
      ['bare read (floor)', [join(ROOT, 'dist/scripts/bench-read.js'), spot, perp], quoteBytes, quoteRows],
      ['pair', [BIN, 'pair', spot, perp, '--format', 'json'], quoteBytes, quoteRows],
      ['xcorr --lags -5..5', [BIN, 'xcorr', spot, perp, '--lags', '-5..5', '--format', 'json'], quoteBytes, quoteRows],
      ['hy 2001 lags', [BIN, 'hy', spot, perp, '--lags', '-10ms..10ms', '--step', '10us', '--bootstrap', '0', '--format', 'json'], quoteBytes, quoteRows],
      ['hy 2001 lags, R=1000', [BIN, 'hy', spot, perp, '--lags', '-10ms..10ms', '--step', '10us', '--bootstrap', '1000', '--format', 'json'], quoteBytes, quoteRows],
      ['classify', [BIN, 'classify', spot, perp, '--trades', trades, '--format', 'json'], quoteBytes + tradeBytes, quoteRows + tradeRows],
      // pair, xcorr -5..5 and the data-quality scan from one read (target: ≤ 1.3× pair, ≤ 300 MB).
      ['report', [BIN, 'report', spot, perp, '--format', 'json'], quoteBytes, quoteRows],
    ];
    const widths = [22, 8, 8, 12, 11];
    console.log(row(['command', 'wall s', 'MB/s', 'M rows/s', 'peak RSS MB'], widths));
    for (const [name, args, bytes, rows] of commands) {
      let best: Measure | undefined;
      for (let i = 0; i < runs; i++) {
        const m = await measure(args);
        if (m.code !== 0) throw new Error(`${name} failed (exit ${m.code}): ${m.stderr}`);
        if (!best || m.seconds < best.seconds) best = m;
      }
      console.log(row([name, best!.seconds.toFixed(2), (bytes / 1e6 / best!.seconds).toFixed(0), (rows / 1e6 / best!.seconds).toFixed(2), best!.peakMB.toFixed(0)], widths));
    }
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
