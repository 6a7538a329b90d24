/**
 * Adversarial inputs and outputs, generated: devices, pipes, archives, encodings, numbers,
 * times, output targets and signals. Every case must end in either a clean answer (exit 0,
 * stderr at most warnings) or one error line `leadlag: …` with the right exit code — never a
 * stack trace, an "internal error" or a raw errno. A case that is a plain command line (no
 * pipe, redirection, FIFO or signal: most number, time, encoding and archive cases) runs in
 * this process through the entry point's `run` (the code main() exits with, stderr as text);
 * every other case runs through a real shell.
 *
 * The expected codes come from the rules as documented (README "Exit codes" and "Bad input"):
 * a number is a usable price when it is a plain decimal, finite and > 0 (and so is the mid of
 * two such); a time in a `_us` column when it is a plain decimal within ±(2^53 − 1) µs; an
 * input that cannot be opened or decompressed is 66, bad content 65, an unwritable output 73,
 * an unwritable stdout 74, an output naming an input 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FIXTURES, shell, tempFiles, type CliResult } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';
import { zipOf } from './zip-writer.js';

const SPOT = join(FIXTURES, 'tardis', 'spot_quotes.csv');
const PERP = join(FIXTURES, 'tardis', 'perp_quotes.csv');
const TRADES = join(FIXTURES, 'tardis', 'spot_trades.csv');
const T0 = 1723118400000000; // 2024-08-08 12:00 UTC in µs

interface Case {
  readonly name: string;
  /** A bash script; `leadlag` runs the CLI, the working directory holds the generated files. */
  readonly script: string;
  /** Exit codes that are right for this case. */
  readonly codes: readonly number[];
}

const files: Record<string, string | Buffer> = {};
const cases: Case[] = [];
const add = (name: string, script: string, ...codes: number[]) => cases.push({ name, script, codes });
const spotBytes = readFileSync(SPOT);

// ── numbers: one row of a price-only file and of a bid = ask file holds the value ──

/** The documented rule for a usable price: a plain decimal (quotes and spaces aside), finite, > 0. */
function usablePrice(text: string): boolean {
  const t = text.replace(/^"(.*)"$/, '$1').trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return false;
  const v = Number(t);
  return Number.isFinite(v) && v > 0;
}

const NUMBERS = ['100', ' 100 ', '+100', '100.', '.5', '"100"', '1e2', '1E-2', '5e-324', '1e-400', '1e308', '1.7976931348623157e308', '1e309', `1${'0'.repeat(400)}`, '99999999999999999999999', '0', '-0', '-1', 'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '0x10', '1_000', '١٠٠', '１００', '', '100abc', '1e', '--1'];
NUMBERS.forEach((v, i) => {
  files[`price-${i}.csv`] = `ts_us,price\n${T0},100\n${T0 + 1000},${v}\n${T0 + 2000},100.5\n`;
  files[`bidask-${i}.csv`] = `ts_us,bid,ask\n${T0},100,100\n${T0 + 1000},${v},${v}\n${T0 + 2000},100.5,100.5\n`;
  const price = usablePrice(v);
  const value = Number(v.replace(/"/g, ''));
  // An empty bid and ask is a one-sided book: always skipped with a warning, never an error.
  const mid = v === '' || (price && Number.isFinite((value + value) / 2));
  add(`price ${JSON.stringify(v)} (pair)`, `leadlag pair price-${i}.csv price-${i}.csv --threshold 1bp`, price ? 0 : 65);
  add(`bid = ask = ${JSON.stringify(v)} (xcorr)`, `leadlag xcorr bidask-${i}.csv bidask-${i}.csv`, mid ? 0 : 65);
  // inspect counts bad rows instead of failing on them.
  add(`bid = ask = ${JSON.stringify(v)} (inspect)`, `leadlag inspect bidask-${i}.csv`, 0);
});

// ── times in a `_us` column (the unit is fixed by the name) and ISO strings ──

const MAX_SAFE = 2 ** 53 - 1;
/** The documented rule for a µs epoch time: a plain decimal within ±(2^53 − 1) µs. */
function usableMicros(text: string): boolean {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return false;
  return Math.abs(Number(text)) <= MAX_SAFE;
}
const TIMES = ['0', '-1', '1', '1e3', `${T0}`, `${T0}.5`, '-62135596800000000', '253402300800000000', `${MAX_SAFE}`, `-${MAX_SAFE}`, `${MAX_SAFE + 2}`, '1e20', '99999999999999999999', '8.64e21', 'abc', ''];
TIMES.forEach((t, i) => {
  files[`time-${i}.csv`] = `ts_us,price\n${t},100\n${t},100.5\n`;
  add(`time ${JSON.stringify(t)} µs`, `leadlag pair time-${i}.csv time-${i}.csv --threshold 1bp`, usableMicros(t) ? 0 : 65);
});
// ISO times: valid calendar instants inside the representable years read; others are bad data.
const ISO: [string, number][] = [
  ['2024-08-08T12:00:00Z', 0],
  ['2024-08-08T12:00:00.123456789Z', 0],
  ['1970-01-01T00:00:00Z', 0],
  ['2024-02-29T00:00:00Z', 0],
  ['2023-02-29T00:00:00Z', 65],
  ['2024-13-01T00:00:00Z', 65],
  ['2024-08-08T25:00:00Z', 65],
  ['9999-12-31T23:59:59Z', 65],
  ['+275760-09-13T00:00:00Z', 65],
  ['yesterday', 65],
];
// The first usable time decides ISO or epoch, whatever the column's name.
ISO.push(['2024-08-08T12:00:00Z (in ts_us)', 0]);
ISO.forEach(([t, code], i) => {
  const inUs = t.endsWith(' (in ts_us)');
  const text = t.replace(' (in ts_us)', '');
  files[`iso-${i}.csv`] = `${inUs ? 'ts_us' : 'time'},price\n${text},100\n${text},100.5\n`;
  add(`ISO time ${t}`, `leadlag pair iso-${i}.csv iso-${i}.csv --threshold 1bp`, code);
});

// ── encodings and line ends ──

const good = `ts_us,bid,ask\n${T0},100,100.1\n${T0 + 1000},100.2,100.3\n${T0 + 2000},100,100.1\n`;
Object.assign(files, {
  'utf8-bom.csv': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)]),
  'utf16le-bom.csv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good, 'utf16le')]),
  'utf16le.csv': Buffer.from(good, 'utf16le'),
  'utf16be.csv': Buffer.from(good, 'utf16le').swap16(),
  'latin1-extra.csv': Buffer.from(`ts_us,bid,ask,note\n${T0},100,100.1,caf\xe9\n${T0 + 1000},100.2,100.3,na\xefve\n`, 'latin1'),
  'nul-in-field.csv': `ts_us,bid,ask\n${T0},100,100.1\n${T0 + 1000},100.2,100.3\n${T0 + 2000},10\u00000,100.1\n`,
  'crlf.csv': good.replaceAll('\n', '\r\n'),
  'mixed-eol.csv': good.replace('\n', '\r\n'),
  'cr-only.csv': good.replaceAll('\n', '\r'),
  'lone-cr-row.csv': good.replace(`\n${T0 + 1000}`, `\r${T0 + 1000}`),
  'no-final-newline.csv': good.trimEnd(),
  'blank-lines.csv': good.replaceAll('\n', '\n\n'),
  'header-only.csv': 'ts_us,bid,ask\n',
  'empty.csv': '',
});
add('UTF-8 with a BOM', 'leadlag pair utf8-bom.csv utf8-bom.csv --threshold 1bp', 0);
for (const f of ['utf16le-bom.csv', 'utf16le.csv', 'utf16be.csv']) add(`UTF-16 ${f}`, `leadlag pair ${f} crlf.csv`, 65);
add('Latin-1 bytes in an ignored column', 'leadlag pair latin1-extra.csv latin1-extra.csv --threshold 1bp', 0);
add('a NUL byte inside a price (past the first bytes)', 'leadlag pair nul-in-field.csv crlf.csv', 65);
add('CRLF line ends', 'leadlag pair crlf.csv crlf.csv --threshold 1bp', 0);
add('mixed CRLF and LF', 'leadlag pair mixed-eol.csv crlf.csv --threshold 1bp', 0);
add('lone CR line ends', 'leadlag pair cr-only.csv crlf.csv', 65);
add('a lone CR inside a data row', 'leadlag pair lone-cr-row.csv crlf.csv', 65);
add('no final newline', 'leadlag pair no-final-newline.csv crlf.csv --threshold 1bp', 0);
add('blank lines everywhere', 'leadlag pair blank-lines.csv crlf.csv --threshold 1bp', 0);
add('header only', 'leadlag pair header-only.csv crlf.csv', 65);
add('empty file', 'leadlag pair empty.csv crlf.csv', 65);

// ── archives ──

Object.assign(files, {
  'spot.csv.gz': gzipSync(spotBytes),
  'truncated.csv.gz': gzipSync(spotBytes).subarray(0, 5000),
  'garbage.csv.gz': gzipSync(Buffer.from('this is not a csv file at all\n')),
  'empty.csv.gz': gzipSync(Buffer.alloc(0)),
  'double.csv.gz': gzipSync(gzipSync(spotBytes)),
  'plain-named.csv.gz': spotBytes,
  'plain-named.zip': spotBytes,
  'spot.zip': zipOf({ 'spot_quotes.csv': spotBytes }),
  'spot-gz.zip': zipOf({ 'spot_quotes.csv.gz': gzipSync(spotBytes) }),
  'two.zip': zipOf({ 'a.csv': spotBytes, 'b.csv': spotBytes }),
  'empty.zip': zipOf({}),
  'encrypted.zip': zipOf({ 'spot_quotes.csv': spotBytes }, { encrypted: true }),
  'truncated.zip': zipOf({ 'spot_quotes.csv': spotBytes }).subarray(0, 3000),
});
const P = `'${PERP}'`;
add('gzip', `leadlag pair spot.csv.gz ${P}`, 0);
add('truncated gzip', `leadlag pair truncated.csv.gz ${P}`, 66);
add('gzip of text that is not CSV', `leadlag pair garbage.csv.gz ${P}`, 65);
add('gzip of nothing', `leadlag pair empty.csv.gz ${P}`, 65);
add('gzip of gzip', `leadlag pair double.csv.gz ${P}`, 65);
add('plain text named .gz', `leadlag pair plain-named.csv.gz ${P}`, 66);
add('plain text named .zip', `leadlag pair plain-named.zip ${P}`, 66);
add('zip', `leadlag pair spot.zip ${P}`, 0);
add('zip of a .gz', `leadlag pair spot-gz.zip ${P}`, 0);
add('zip with two files', `leadlag pair two.zip ${P}`, 66);
add('empty zip', `leadlag pair empty.zip ${P}`, 66);
add('encrypted zip', `leadlag pair encrypted.zip ${P}`, 66);
add('truncated zip', `leadlag pair truncated.zip ${P}`, 66);
add('truncated zip on a pipe', `cat truncated.zip | leadlag pair - ${P}`, 66);
add('truncated gzip on a pipe', `cat truncated.csv.gz | leadlag pair - ${P}`, 66);
add('zip through process substitution', `leadlag pair <(cat spot.zip) ${P}`, 0);
// A zip on a pipe is copied to TMPDIR first: a TMPDIR that is not there is said as such (was an internal error, 70).
add('zip on a pipe with TMPDIR missing', `cat spot.zip | TMPDIR=/nonexistent-tmpdir leadlag pair - ${P}`, 73);

// ── devices and pipes ──

add('/dev/null', `leadlag pair /dev/null ${P}`, 65);
add('/dev/zero', `leadlag pair /dev/zero ${P}`, 65);
add('/dev/full as an input (reads as zeros)', `leadlag pair /dev/full ${P}`, 65);
add('/dev/urandom', `leadlag pair /dev/urandom ${P}`, 65);
add('a directory with no data file', `mkdir -p nodata && leadlag pair nodata ${P}`, 66);
add('a missing file', `leadlag pair missing.csv ${P}`, 66);
add('a directory on stdin', `leadlag pair - ${P} < .`, 66);
add('stdin closed', `leadlag pair - ${P} <&-`, 65, 66);
add('an empty FIFO', `rm -f ef && mkfifo ef && (: > ef &) && leadlag pair ef ${P}`, 65);
add('a FIFO with gzip', `rm -f gf && mkfifo gf && (cat spot.csv.gz > gf &) && leadlag pair gf ${P}`, 0);
add('inspect of a FIFO fed trades', `rm -f tf && mkfifo tf && (cat '${TRADES}' > tf &) && leadlag inspect tf`, 0);

// ── output targets ──

const classify = `leadlag classify '${SPOT}' ${P} --trades '${TRADES}' --trees 3 -q`;
add('stdout on a full disk', `leadlag pair spot.zip ${P} > /dev/full`, 74);
add('stdout on a full disk, machine format', `leadlag xcorr spot.zip ${P} --format json > /dev/full`, 74);
// A disk with room for only part of the output: a write that takes some of the bytes and no
// error. `ulimit -f 4` lets a file grow to 4 KiB (SIGXFSZ ignored, so the next write fails with
// EFBIG); Table 1 in a box is about 4.7 KB. Before, the table was cut at 4096 bytes with exit 0.
add('stdout on a file that fills up mid-table', `rm -f part.txt; trap '' XFSZ; ulimit -f 4; leadlag pair spot.zip ${P} > part.txt`, 74);
add('stdout on a file that fills up mid-document, machine format', `rm -f part.json; trap '' XFSZ; ulimit -f 4; leadlag xcorr spot.zip ${P} --lags -200..200 --format json > part.json`, 74);
// 4001 lags of csv (~0.8 MB) outgrow the pipe; without the bootstrap they are ready at once.
add('stdout closed early', `set -o pipefail; leadlag xcorr spot.zip ${P} --lags -2000..2000 --bootstrap 0 | head -c 1 > /dev/null`, 0);
add('stderr on a full disk, bad input', `leadlag pair missing.csv ${P} 2> /dev/full`, 66);
add('--dump-features to /dev/full', `${classify} --dump-features /dev/full`, 73);
add('--dump-features to a directory', `${classify} --dump-features .`, 73);
// A name ending in / is a folder's, even one not there: before, the file was written as `newdir`.
add('--dump-features to a folder name not made yet', `rm -rf newdir && ${classify} --dump-features newdir/; code=$?; test ! -e newdir && exit $code`, 2);
add('--dump-features into a missing directory', `${classify} --dump-features nowhere/f.csv`, 73);
add('--save-model over the trades input', `${classify} --save-model '${TRADES}'`, 2);
add('--dump-features through a symlink to the spot input', `ln -sf '${SPOT}' spot-link.csv && ${classify} --dump-features spot-link.csv`, 2);
add('--dump-features to /dev/stdout', `${classify} --format json --dump-features /dev/stdout | head -c 0`, 0);
// One new file named through a folder and through a link to it: before, both were written, the last one kept.
add('two outputs that are one new file through a linked folder', `rm -rf od od2 && mkdir od && ln -s od od2 && ${classify} --dump-features od/new --save-model od2/new`, 2);
// Two outputs, the one written second too big for the disk (`ulimit -f 8`: the model of 3 trees,
// 5 KB, fits and is written first; the features, 9 KB, do not): both keep their old contents.
// Written one after the other, the model was replaced and the features not.
add('classify\'s two outputs when one cannot be written: neither replaced', `printf 'OLDF\\n' > f2.csv && printf 'OLDM\\n' > m2.json && (trap '' XFSZ; ulimit -f 8; ${classify} --dump-features f2.csv --save-model m2.json > /dev/null); code=$?; grep -qx OLDF f2.csv && grep -qx OLDM m2.json && exit $code`, 73);
// /dev/stdout on a pipe is opened as a path (blocking), not written through descriptor 1, which
// the runtime makes non-blocking: the page (about 100 KB) came out cut at the pipe's 64 KiB, exit 73.
add('--html /dev/stdout on a slow pipe: the whole page', `set -o pipefail; n=$(leadlag report '${SPOT}' ${P} --trades '${TRADES}' --html /dev/stdout -q --bootstrap 0 | (sleep 1; wc -c)) && test "$n" -gt 70000`, 0);
// A target written in place comes after the renamed ones: its reader leaving early (| true) no
// longer takes the model with it.
add('classify --dump-features /dev/stdout | true still writes --save-model', `set -o pipefail; printf 'OLDM\\n' > m4.json && ${classify} --dump-features /dev/stdout --save-model m4.json | true; ! grep -q OLDM m4.json && grep -q xgboost m4.json`, 0);
// A reader of --dump-features - that is gone (`| true`: its first write fails) ends the run
// quietly; the model is written by then. (The report goes to stderr with the features on stdout.)
add('classify --dump-features - | true still writes --save-model', `set -o pipefail; printf 'OLDM\\n' > m3.json && ${classify} --dump-features - --save-model m3.json 2> /dev/null | true; ! grep -q OLDM m3.json && grep -q xgboost m3.json`, 0);
// `>>` keeps what the file held: before, /dev/stdout was followed to the file and renamed over.
add('--html /dev/stdout appended to a log keeps the log', `printf 'keep\\n' > keep.txt && leadlag report '${SPOT}' ${P} --html /dev/stdout -q >> keep.txt && grep -qx keep keep.txt && grep -q '</html>' keep.txt`, 0);
add('--state /dev/stderr appended to a log keeps the log', `printf 'keep\\n' > keep2.txt && leadlag pair '${SPOT}' ${P} --state /dev/stderr -q 2>> keep2.txt && grep -qx keep keep2.txt && grep -q leadlag-state keep2.txt`, 0);
add('--dump-features into a process substitution', `${classify} --dump-features >(wc -l > /dev/null)`, 0);

// ── signals: a read blocked on a FIFO that never ends, terminated ──

// (SIGINT is left to cli-reliability.test.ts: a non-interactive shell starts background jobs
// with SIGINT ignored.) Node is started directly, not through the function, so the signal reaches it.
// The holder opens the FIFO read-write, which does not wait for a reader (`sleep 5 > hf2` did,
// for ever, when the signal came before leadlag had opened it), and keeps our pipes free.
add('SIGTERM while reading a FIFO held open', `rm -f hf2 && mkfifo hf2 && { (exec 3<>hf2; sleep 5) > /dev/null 2>&1 & } && { "$LEADLAG_NODE" "$LEADLAG_BIN" pair hf2 ${P} & pid=$!; sleep 0.5; kill -TERM $pid; wait $pid; }`, 143);

const dir = tempFiles(files);

/** Clean answer or one error line: what every case must satisfy whatever its code. */
function assertWellBehaved(c: Case, r: CliResult): void {
  assert.ok(c.codes.includes(r.code ?? -1), `${c.name}: exit ${r.code}, expected ${c.codes.join(' or ')}; stderr ${JSON.stringify(r.stderr)}`);
  assert.ok(!r.stderr.includes('internal error'), `${c.name}: ${r.stderr}`);
  assert.ok(!/\n\s+at |Error: |\bE[A-Z]{3,}:/.test(r.stderr), `${c.name}: no stack trace or raw errno: ${r.stderr}`);
  // Usage errors (exit 2) end with the README's pointer to the command's help.
  const lines = r.stderr.split('\n').filter((l) => l !== '' && !(r.code === 2 && /^\(run 'leadlag help \w+' for usage\)$/.test(l)));
  if (c.script.includes('2> /dev/full')) {
    assert.equal(r.stderr, '', `${c.name}: stderr went to /dev/full`);
  } else if (r.code! > 128) {
    // Killed by a signal: bash may say so; leadlag itself prints nothing.
    assert.deepEqual(lines.filter((l) => l.startsWith('leadlag')), [], `${c.name}: nothing from leadlag`);
  } else if (r.code === 0) {
    for (const l of lines) assert.match(l, /^leadlag: warning: /, `${c.name}: only warnings on success`);
  } else {
    assert.ok(lines.length >= 1, `${c.name}: an error says why`);
    for (const l of lines.slice(0, -1)) assert.match(l, /^leadlag: warning: /, c.name);
    assert.match(lines.at(-1)!, /^leadlag: (?!warning)/, `${c.name}: one error line`);
  }
}

/**
 * The arguments of a plain command line `leadlag A B …` (words without shell syntax, a path
 * in single quotes at most); undefined when it needs a shell.
 */
function plainArgs(script: string): string[] | undefined {
  const words = script.split(' ');
  if (words[0] !== 'leadlag' || words.some((w) => /[|<>&;$()*"\\]/.test(w) || (w.includes("'") && !/^'[^']*'$/.test(w)))) return undefined;
  return words.slice(1).map((w) => w.replace(/^'(.*)'$/, '$1'));
}

test(`adversarial inputs and outputs (${cases.length} generated cases): a clean answer or one error line with the right exit code`, { timeout: 600_000 }, async () => {
  const failures: string[] = [];
  const check = (c: Case, r: CliResult) => {
    try {
      assertWellBehaved(c, r);
    } catch (e) {
      failures.push((e as Error).message);
    }
  };
  const plain = cases.filter((c) => plainArgs(c.script) !== undefined);
  const shelled = cases.filter((c) => plainArgs(c.script) === undefined);
  assert.ok(plain.length > 100 && shelled.length >= 15, `${plain.length} in process, ${shelled.length} in a shell`);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < shelled.length; i = next++) check(shelled[i]!, await shell(shelled[i]!.script, { cwd: dir }));
  };
  // The shell cases three at a time; the plain ones meanwhile, one after another, in process,
  // in the shell's working directory (the generated files), so their names mean the same.
  const inProcess = async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      for (const c of plain) check(c, await leadlagInProcess(plainArgs(c.script)!));
    } finally {
      process.chdir(cwd);
    }
  };
  await Promise.all([worker(), worker(), worker(), inProcess()]);
  assert.deepEqual(failures, []);
});
