/**
 * `npm run bench`: the performance targets of leadlag, measured as a user runs it and stated
 * as RATIOS — to the machine's floor (scripts/bench-floor.ts: the newline count of both quote
 * files on two threads), to a peer (scripts/bench-duckdb.ts: Table 2 in DuckDB SQL) and to
 * `node -e 0` — so that a figure means the same on another machine.
 *
 * Generates (once, deterministically, into the git-ignored bench-data/) a full-size and a
 * half-size two-market Tardis data set, gzip copies of its quote files and copies cut into six
 * files a market (as a month of daily files reaches leadlag), then runs every command
 * in its own process, ROUND BY ROUND: each round runs every command once, in the same order,
 * so that a burst of machine noise hits all commands alike; a command's time is the median of
 * its rounds, its memory the largest peak resident set (VmHWM) of any round. Before timing,
 * DuckDB's r per lag must agree with `leadlag xcorr --bootstrap 0` to 1e-9, and `pair` over the
 * cut copies must print what it prints over the whole files (else the bench stops: a comparison
 * of different numbers is no comparison).
 *
 * Prints one table per data set (median wall time, MB/s, peak MB) and then every target with
 * its ratio and PASS or FAIL; exits 1 if any target fails. Run it on a quiet machine: the
 * ratios of a loaded one mostly measure the other load.
 *
 *   npm run bench [-- --rounds 5] [--sets full,half] [--quick]
 *
 * --quick: 6- and 3-minute data sets and 2 rounds, to try the bench (start-up then weighs
 * more, so the throughput ratios are not the real ones).
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, closeSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { ensureBenchData, FILE_NAMES } from './gen-data.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'leadlag');
/** Minutes of data per set: the full benchmark and half of it (memory must not grow with length). */
const SETS = { full: 60, half: 30 } as const;
const QUICK_SETS = { full: 6, half: 3 } as const;
type SetName = keyof typeof SETS;
/** Agreement required between DuckDB's r and leadlag's. */
const R_TOLERANCE = 1e-9;
const MEMORY_CAP_MB = 300;
/**
 * Start-up runs per round: the start-up commands (node -e 0, --version, every CMD --help) run
 * this many times in turn in each round, so that their medians, of a tenth of a second each,
 * rest on 3 × rounds samples (15 by default) where one slow sample weighs less.
 */
const STARTUP_REPEATS = 3;

interface Measure {
  readonly seconds: number;
  /** CPU time of every thread of the process (user + system), from its exit. */
  readonly cpuSeconds: number;
  readonly peakMB: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node ARGS` and measures wall time and peak RSS (VmHWM of the process, polled). */
function measure(args: readonly string[]): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKB = 0;
    const cpuBefore = childrenCpuSeconds();
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const poll = setInterval(() => (peakKB = Math.max(peakKB, vmHwmKB(child.pid!))), 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      // The child has been waited for: its CPU (every thread's) is now in this process's children's times.
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: childrenCpuSeconds() - cpuBefore, peakMB: peakKB / 1024, code, stdout, stderr });
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

/** Clock ticks per second of /proc's times (USER_HZ: 100 on every Linux architecture Node runs on). */
const USER_HZ = 100;

/**
 * CPU seconds (user + system) of this process's children that have been waited for: the bench
 * runs one child at a time, so the difference across a run is that child's, every thread's,
 * exactly (Linux /proc; 0 elsewhere).
 */
function childrenCpuSeconds(): number {
  try {
    // Fields after the command name (which may hold spaces, inside parentheses): cutime and cstime are the 14th and 15th.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / USER_HZ;
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

/** FILE.gz beside FILE, written once (atomically: a stopped bench leaves no half file). */
async function gzipCopy(file: string): Promise<string> {
  const gz = `${file}.gz`;
  if (existsSync(gz) && statSync(gz).mtimeMs >= statSync(file).mtimeMs) return gz;
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), createGzip(), createWriteStream(`${gz}.tmp`));
  renameSync(`${gz}.tmp`, gz);
  return gz;
}

/** Files a market the split copies cut the quote files into (a day of data in six files of four hours, as it were). */
const SPLIT_PARTS = 6;

/**
 * The quote files cut by time into `parts` files a market, in DIR/spot/ and DIR/perp/, written
 * once (atomically, like gzipCopy): many files a market is how a month of daily files reaches
 * leadlag, and `pair` over them must cost what it costs over one file.
 */
function splitCopies(dir: string, files: { spot: string; perp: string }, parts: number): { spot: string; perp: string } {
  const out = { spot: join(dir, 'spot'), perp: join(dir, 'perp') };
  const newest = Math.max(statSync(files.spot).mtimeMs, statSync(files.perp).mtimeMs);
  if (existsSync(dir) && statSync(dir).mtimeMs >= newest) return out;
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const market of ['spot', 'perp'] as const) {
    mkdirSync(join(tmp, market), { recursive: true });
    splitFile(files[market], join(tmp, market), parts);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return out;
}

/**
 * FILE (a time-ordered CSV with a `timestamp` column) as `parts` files in `into`, each with the
 * header: the cuts are the first rows at or after equal shares of the span, found by bisection
 * on byte offsets, so rows of one time stay in one file (files of a market must not overlap).
 */
function splitFile(file: string, into: string, parts: number): void {
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const head = Buffer.alloc(1 << 16);
    const headLen = readSync(fd, head, 0, head.length, 0);
    const headerEnd = head.indexOf(10) + 1;
    if (headerEnd <= 0 || headerEnd > headLen) throw new Error(`${file}: no header line`);
    const header = head.subarray(0, headerEnd);
    const timeCol = header.toString('utf8').trimEnd().split(',').indexOf('timestamp');
    if (timeCol < 0) throw new Error(`${file}: no timestamp column`);
    const probe = Buffer.alloc(1 << 16);
    // The first line starting at or after byte `pos` (≥ the first data row), and its time.
    const lineAt = (pos: number): { start: number; time: number } => {
      let start = pos;
      if (pos > headerEnd) {
        const n = readSync(fd, probe, 0, probe.length, pos - 1);
        const nl = probe.subarray(0, n).indexOf(10);
        start = nl < 0 ? size : pos + nl;
      }
      if (start >= size) return { start: size, time: Infinity };
      const n = readSync(fd, probe, 0, probe.length, start);
      const line = probe.subarray(0, n).toString('latin1').split('\n', 1)[0]!;
      return { start, time: Number(line.split(',')[timeCol]) };
    };
    const first = lineAt(headerEnd).time;
    // The last row's time: the last full line of the file's tail.
    const tailLen = readSync(fd, probe, 0, probe.length, Math.max(headerEnd, size - probe.length));
    const lines = probe.subarray(0, tailLen).toString('latin1').trimEnd().split('\n');
    const last = Number(lines[lines.length - 1]!.split(',')[timeCol]);
    const cuts = [headerEnd];
    for (let k = 1; k < parts; k++) {
      const at = first + ((last - first) * k) / parts;
      // The least byte p whose next line starts at a time at or after `at` (the times of the
      // lines from p on never decrease as p grows): that line is the cut.
      let lo = cuts[cuts.length - 1]!;
      let hi = size;
      while (lo < hi) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (lineAt(mid).time >= at) hi = mid;
        else lo = mid + 1;
      }
      cuts.push(lineAt(lo).start);
    }
    cuts.push(size);
    const buf = Buffer.allocUnsafe(1 << 22);
    const name = basename(file).replace(/\.csv$/, '');
    for (let k = 0; k < parts; k++) {
      const outFd = openSync(join(into, `${name}-${k + 1}.csv`), 'w');
      try {
        writeSync(outFd, header);
        for (let pos = cuts[k]!; pos < cuts[k + 1]!; ) {
          const n = readSync(fd, buf, 0, Math.min(buf.length, cuts[k + 1]! - pos), pos);
          if (n === 0) throw new Error(`${file}: ended at byte ${pos} while being cut`);
          if (writeSync(outFd, buf, 0, n) !== n) throw new Error(`${into}: a short write`);
          pos += n;
        }
      } finally {
        closeSync(outFd);
      }
    }
  } finally {
    closeSync(fd);
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Bench {
  readonly key: string;
  readonly label: string;
  readonly args: readonly string[];
  /** Input bytes, for MB/s (0: not a data command). */
  readonly bytes: number;
  /** A leadlag command on the data: held to the memory cap. */
  readonly capped: boolean;
}

interface Result extends Bench {
  readonly seconds: number;
  /** Median CPU seconds of the rounds (every thread). */
  readonly cpuSeconds: number;
  readonly peakMB: number;
}

interface SetFiles {
  readonly spot: string;
  readonly perp: string;
  readonly trades: string;
  readonly spotGz: string;
  readonly perpGz: string;
  /** The quote files cut into SPLIT_PARTS files a market (splitCopies): directories. */
  readonly spotSplit: string;
  readonly perpSplit: string;
  readonly quoteBytes: number;
  readonly tradeBytes: number;
}

async function prepareSet(set: SetName, minutes: number, quick: boolean): Promise<SetFiles> {
  const dir = join(ROOT, 'bench-data', quick ? `quick-${set}` : set);
  process.stdout.write(`[${set}] ${minutes} min of Tardis CSV in ${dir}: `);
  const made = ensureBenchData(dir, { minutes });
  const spot = join(dir, FILE_NAMES.spotQuotes);
  const perp = join(dir, FILE_NAMES.perpQuotes);
  const trades = join(dir, FILE_NAMES.spotTrades);
  const [spotGz, perpGz] = [await gzipCopy(spot), await gzipCopy(perp)];
  const split = splitCopies(`${dir}-split`, { spot, perp }, SPLIT_PARTS);
  console.log(made.generated ? `generated in ${made.seconds!.toFixed(1)} s` : 'present');
  const quoteBytes = statSync(spot).size + statSync(perp).size;
  const quoteRows = dataRows(spot) + dataRows(perp);
  console.log(`  spot + perp quotes: ${(quoteRows / 1e6).toFixed(2)} M rows, ${(quoteBytes / 1e6).toFixed(0)} MB (.gz ${((statSync(spotGz).size + statSync(perpGz).size) / 1e6).toFixed(0)} MB); spot trades: ${dataRows(trades)} rows`);
  return { spot, perp, trades, spotGz, perpGz, spotSplit: split.spot, perpSplit: split.perp, quoteBytes, tradeBytes: statSync(trades).size };
}

/** The commands of one data set (keys are prefixed with the set's name). */
function dataBenches(set: SetName, f: SetFiles, withReport: boolean): Bench[] {
  const q = f.quoteBytes;
  const ll = (key: string, label: string, args: string[], bytes = q): Bench => ({ key: `${set}:${key}`, label, args: [BIN, ...args], bytes, capped: true });
  const benches: Bench[] = [
    { key: `${set}:floor`, label: 'floor: newline count', args: [join(ROOT, 'dist/scripts/bench-floor.js'), f.spot, f.perp], bytes: q, capped: false },
    ll('pair', 'pair', ['pair', f.spot, f.perp, '--format', 'json']),
    ll('pair.gz', 'pair .gz', ['pair', f.spotGz, f.perpGz, '--format', 'json']),
    // Inflating alone, for the least .gz / plain ratio the machine's cores allow (gzBound).
    { key: `${set}:inflate`, label: 'inflate .gz alone', args: [join(ROOT, 'dist/scripts/bench-inflate.js'), f.spotGz, f.perpGz], bytes: q, capped: false },
    // The cut copies are read by nothing else in a round: their newline count first, as the
    // floor's precedes `pair` over the whole files, so that both pairs find their files in the
    // page cache alike (this machine's held 3-5 GB, less than the bench's files).
    { key: `${set}:floor.split`, label: `floor, ${SPLIT_PARTS} files a market`, args: [join(ROOT, 'dist/scripts/bench-floor.js'), ...splitFiles(f)], bytes: q, capped: false },
    ll('pair.split', `pair, ${SPLIT_PARTS} files a market`, ['pair', f.spotSplit, f.perpSplit, '--format', 'json']),
    ll('xcorr', 'xcorr -5..5', ['xcorr', f.spot, f.perp, '--lags', '-5..5', '--format', 'json']),
    ll('xcorr.gz', 'xcorr -5..5 .gz', ['xcorr', f.spotGz, f.perpGz, '--lags', '-5..5', '--format', 'json']),
    ll('xcorr1000', 'xcorr -1000..1000', ['xcorr', f.spot, f.perp, '--lags', '-1000..1000', '--format', 'json']),
    ll('xcorr50', 'xcorr 50..500, 1 ms', ['xcorr', f.spot, f.perp, '--lags', '50..500', '--grid', '1ms', '--format', 'json']),
    { key: `${set}:duckdb`, label: 'DuckDB SQL -5..5', args: [join(ROOT, 'dist/scripts/bench-duckdb.js'), f.spot, f.perp, '--lags=-5..5'], bytes: q, capped: false },
    ll('hy', 'hy 2001 lags', ['hy', f.spot, f.perp, '--lags', '-10ms..10ms', '--step', '10us', '--bootstrap', '0', '--format', 'json']),
    ll('hy1000', 'hy 2001 lags, R=1000', ['hy', f.spot, f.perp, '--lags', '-10ms..10ms', '--step', '10us', '--bootstrap', '1000', '--format', 'json']),
    ll('classify', 'classify', ['classify', f.spot, f.perp, '--trades', f.trades, '--format', 'json'], q + f.tradeBytes),
    ll('inspect', 'inspect', ['inspect', f.spot, f.perp, f.trades, '--format', 'json'], q + f.tradeBytes),
  ];
  if (withReport) {
    // The target is the one read of pair, xcorr, hy and the quality facts (classify trains a model on its own read).
    benches.push(ll('report', 'report', ['report', f.spot, f.perp, '--format', 'json']));
    benches.push(ll('report.html', 'report --trades --html', ['report', f.spot, f.perp, '--trades', f.trades, '--html', join(mkdtempSync(join(tmpdir(), 'leadlag-bench-report-')), 'report.html')], q + f.tradeBytes));
  }
  return benches;
}

/** Start-up: independent of the data, so measured once. */
function startBenches(commands: readonly string[]): Bench[] {
  return [
    { key: 'node', label: 'node -e 0', args: ['-e', '0'], bytes: 0, capped: false },
    { key: 'version', label: 'leadlag --version', args: [BIN, '--version'], bytes: 0, capped: false },
    ...commands.map((c) => ({ key: `help:${c}`, label: `leadlag ${c} --help`, args: [BIN, c, '--help'], bytes: 0, capped: false })),
  ];
}

/** The commands the built CLI has (`report` joins the bench once it exists). */
async function cliCommands(): Promise<string[]> {
  const help = await measure([BIN, '--help']);
  if (help.code !== 0) throw new Error(`leadlag --help failed (exit ${help.code}): ${help.stderr}`);
  // The names at the start of the lines of the "Commands:" section, up to its blank line.
  const section = help.stdout.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  const names = [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!);
  return [...new Set(names)].filter((n) => n !== 'help');
}

/** DuckDB's r per lag against leadlag's (without bootstrap): stops the bench on any difference over 1e-9. */
async function checkPeer(f: SetFiles): Promise<void> {
  const [ll, duck] = [
    await measure([BIN, 'xcorr', f.spot, f.perp, '--lags', '-5..5', '--bootstrap', '0', '--format', 'json']),
    await measure([join(ROOT, 'dist/scripts/bench-duckdb.js'), f.spot, f.perp, '--lags=-5..5']),
  ];
  if (ll.code !== 0) throw new Error(`leadlag xcorr failed (exit ${ll.code}): ${ll.stderr}`);
  if (duck.code !== 0) throw new Error(`bench-duckdb failed (exit ${duck.code}): ${duck.stderr}`);
  const ours = new Map((JSON.parse(ll.stdout) as { lags: { lag: number; r: number | null }[] }).lags.map((l) => [l.lag, l.r]));
  const theirs = (JSON.parse(duck.stdout) as { lags: { lag: number; r: number | null }[] }).lags;
  if (theirs.length !== ours.size) throw new Error(`DuckDB gives ${theirs.length} lags, leadlag ${ours.size}: the comparison is not of the same computation`);
  let worst = 0;
  for (const { lag, r } of theirs) {
    const mine = ours.get(lag);
    if (r === null || mine === null || mine === undefined) throw new Error(`lag ${lag}: r is missing (DuckDB ${r}, leadlag ${mine})`);
    worst = Math.max(worst, Math.abs(r - mine));
    if (!(Math.abs(r - mine) <= R_TOLERANCE)) throw new Error(`lag ${lag}: DuckDB r = ${r}, leadlag r = ${mine}, |Δ| = ${Math.abs(r - mine).toExponential(2)} > ${R_TOLERANCE}: the comparison is not honest`);
  }
  console.log(`  DuckDB agrees with leadlag xcorr --bootstrap 0 on r at lags -5..5 (largest |Δr| ${worst.toExponential(1)} ≤ ${R_TOLERANCE})`);
}

/** The cut copies' files, spot's then perp's. */
function splitFiles(f: SetFiles): string[] {
  return [f.spotSplit, f.perpSplit].flatMap((dir) => readdirSync(dir).sort().map((name) => join(dir, name)));
}

/** `pair` over the split copies must print what it prints over the whole files, or the bench stops. */
async function checkSplit(f: SetFiles): Promise<void> {
  const [whole, split] = [await measure([BIN, 'pair', f.spot, f.perp, '--format', 'json']), await measure([BIN, 'pair', f.spotSplit, f.perpSplit, '--format', 'json'])];
  for (const m of [whole, split]) if (m.code !== 0) throw new Error(`leadlag pair failed (exit ${m.code}): ${m.stderr}`);
  if (whole.stdout !== split.stdout) throw new Error(`leadlag pair over ${SPLIT_PARTS} files a market differs from pair over the whole files: the comparison is not of the same computation`);
  console.log(`  pair over ${SPLIT_PARTS} files a market prints what it prints over the two whole files`);
}

/** Runs every bench once per round, in the same order each round; median time, largest peak. */
async function runRounds(benches: readonly Bench[], rounds: number): Promise<Map<string, Result>> {
  const times = new Map<string, number[]>(benches.map((b) => [b.key, []]));
  const cpu = new Map<string, number[]>(benches.map((b) => [b.key, []]));
  const peaks = new Map<string, number>(benches.map((b) => [b.key, 0]));
  for (let r = 1; r <= rounds; r++) {
    process.stdout.write(`round ${r}/${rounds}: `);
    for (const b of benches) {
      const m = await measure(b.args);
      if (m.code !== 0) throw new Error(`${b.label} failed (exit ${m.code}): ${m.stderr.trim()}\n  node ${b.args.join(' ')}`);
      times.get(b.key)!.push(m.seconds);
      cpu.get(b.key)!.push(m.cpuSeconds);
      peaks.set(b.key, Math.max(peaks.get(b.key)!, m.peakMB));
      process.stdout.write('.');
    }
    process.stdout.write('\n');
  }
  return new Map(benches.map((b) => [b.key, { ...b, seconds: median(times.get(b.key)!), cpuSeconds: median(cpu.get(b.key)!), peakMB: peaks.get(b.key)! }]));
}

function row(cells: (string | number)[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
}

function printTable(title: string, results: readonly Result[]): void {
  const widths = [26, 9, 7, 8, 8];
  console.log(`\n${title}`);
  console.log(row(['command', 'median s', 'MB/s', 'peak MB', 'CPU s'], widths));
  for (const r of results) console.log(row([r.label, r.seconds.toFixed(3), r.bytes ? (r.bytes / 1e6 / r.seconds).toFixed(0) : '', r.peakMB.toFixed(0), r.cpuSeconds.toFixed(2)], widths));
}

interface Target {
  readonly what: string;
  readonly value: number;
  readonly limit: number;
  /** How the value is shown: a ratio (×) or megabytes. */
  readonly unit: '×' | 'MB';
  /** A line printed under the target. */
  readonly note?: string;
}

/**
 * The least `.gz` / plain ratio this machine allows `cmd` with zlib's engine, from CPU time: a
 * run on the gzip copies does all the plain run's work but reading the plain bytes, which costs
 * less than the floor's whole run (it reads them and counts their newlines), and inflates them
 * instead, which costs at least what inflating alone does (bench-inflate.ts, the same engine;
 * both processes start Node and two threads, so their start-ups cancel). Its CPU is then at
 * least cpu(plain) − cpu(floor) + cpu(inflate), and its wall time at least that over the cores.
 * A bound that assumes every core kept busy; reading alone costs about half the floor here, so
 * the real least lies above it.
 */
function gzBound(res: Map<string, Result>, set: SetName, cmd: string): Target['note'] {
  const t = (k: string) => res.get(`${set}:${k}`)!;
  const [plain, floor, inflate] = [t(cmd), t('floor'), t('inflate')];
  const cores = availableParallelism();
  const least = (plain.cpuSeconds - floor.cpuSeconds + inflate.cpuSeconds) / (cores * plain.seconds);
  return `at least ${least.toFixed(2)}× on ${cores} cores with zlib = (CPU ${plain.cpuSeconds.toFixed(2)} s − floor's ${floor.cpuSeconds.toFixed(2)} s + inflating's ${inflate.cpuSeconds.toFixed(2)} s) / (${cores} × ${plain.seconds.toFixed(3)} s)`;
}

function targets(res: Map<string, Result>, sets: readonly SetName[], commands: readonly string[]): Target[] {
  const t = (k: string) => res.get(k)!;
  const ratio = (what: string, a: string, b: string, limit: number): Target => ({ what, value: t(a).seconds / t(b).seconds, limit, unit: '×' });
  const out: Target[] = [];
  const main = sets.includes('full') ? 'full' : sets[0]!;
  const m = (k: string) => `${main}:${k}`;
  out.push(
    ratio(`pair / floor [${main}]`, m('pair'), m('floor'), 1.6),
    ratio(`xcorr -5..5 / floor [${main}]`, m('xcorr'), m('floor'), 1.6),
    { ...ratio(`pair .gz / pair plain [${main}]`, m('pair.gz'), m('pair'), 1.15), note: gzBound(res, main, 'pair') },
    // leadlag's own target, beside issue 16's: a month arrives as daily files.
    ratio(`pair ${SPLIT_PARTS} files a market / 1 file [${main}]`, m('pair.split'), m('pair'), 1.1),
    { ...ratio(`xcorr .gz / xcorr plain [${main}]`, m('xcorr.gz'), m('xcorr'), 1.15), note: gzBound(res, main, 'xcorr') },
    ratio(`xcorr -1000..1000 / -5..5 [${main}]`, m('xcorr1000'), m('xcorr'), 1.3),
    ratio(`xcorr 50..500 (1 ms) / -5..5 [${main}]`, m('xcorr50'), m('xcorr'), 1.1),
    ratio(`xcorr / DuckDB wall [${main}]`, m('xcorr'), m('duckdb'), 0.2),
    { what: `xcorr / DuckDB peak memory [${main}]`, value: t(m('xcorr')).peakMB / t(m('duckdb')).peakMB, limit: 0.25, unit: '×' },
    ratio(`hy 2001 lags / pair [${main}]`, m('hy'), m('pair'), 1.5),
    ...(commands.includes('report') ? [ratio(`report (one read: pair, xcorr, hy, quality) / pair [${main}]`, m('report'), m('pair'), 1.3)] : []),
    ratio(`hy R=1000 / hy R=0 [${main}]`, m('hy1000'), m('hy'), 1.5),
    ratio('leadlag --version / node -e 0', 'version', 'node', 1.6),
    ...commands.map((c) => ratio(`leadlag ${c} --help / node -e 0`, `help:${c}`, 'node', 1.6)),
  );
  for (const set of sets) {
    for (const r of res.values()) if (r.capped && r.key.startsWith(`${set}:`)) out.push({ what: `peak memory of ${r.label} [${set}]`, value: r.peakMB, limit: MEMORY_CAP_MB, unit: 'MB' });
  }
  return out;
}

function printTargets(list: readonly Target[]): number {
  console.log('\ntargets');
  let failed = 0;
  for (const t of list) {
    const ok = t.value <= t.limit;
    if (!ok) failed++;
    const shown = t.unit === '×' ? `${t.value.toFixed(2)}× (≤ ${t.limit}×)` : `${t.value.toFixed(0)} MB (≤ ${t.limit} MB)`;
    console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${t.what.padEnd(40)} ${shown}`);
    if (t.note !== undefined) console.log(`        ${t.note}`);
  }
  console.log(`${list.length - failed} of ${list.length} targets met`);
  return failed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sets: { type: 'string', default: 'full,half' }, rounds: { type: 'string' }, quick: { type: 'boolean', default: false } } });
  const quick = values.quick!;
  const sets = values.sets!.split(',') as SetName[];
  for (const s of sets) if (!(s in SETS)) throw new Error(`unknown set ${s} (full, half)`);
  const rounds = Math.max(1, Number(values.rounds ?? (quick ? 2 : 5)));
  const minutes = quick ? QUICK_SETS : SETS;
  console.log(`leadlag benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${rounds} alternating rounds${quick ? ' (--quick)' : ''}`);
  const commands = await cliCommands();
  // The same start-up benches several times in each round: runRounds gathers their samples by key.
  const benches: Bench[] = Array.from({ length: STARTUP_REPEATS }, () => startBenches(commands)).flat();
  for (const set of sets) {
    const files = await prepareSet(set, minutes[set], quick);
    if (set === sets[0]) {
      await checkPeer(files);
      await checkSplit(files);
    }
    benches.push(...dataBenches(set, files, commands.includes('report')));
  }
  const results = await runRounds(benches, rounds);
  printTable('start-up', [...results.values()].filter((r) => !r.key.includes(':') || r.key.startsWith('help:')));
  for (const set of sets) printTable(`[${set}] ${minutes[set]} min`, [...results.values()].filter((r) => r.key.startsWith(`${set}:`)));
  for (const r of results.values()) if (r.key.endsWith(':report.html')) rmSync(dirname(r.args.at(-1)!), { recursive: true, force: true });
  if (printTargets(targets(results, sets, commands)) > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
});
