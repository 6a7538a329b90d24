/**
 * Inputs that cannot seek — a FIFO, a process substitution, `/dev/stdin` on a pipe, standard
 * input, a character device — read through a real shell, and compared with the output of the
 * same command on the regular file (the expected value: the file path was right before these
 * inputs were supported, and is covered by the other tests). Gzip and zip are recognised on
 * pipes by their first bytes as they are on files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FIXTURES, isOneLineError, leadlag, shell, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';
import { zipOf } from './zip-writer.js';
import { openQuotes } from '../src/io/sources.js';
import { STRICT } from './io-helpers.js';

const SPOT = join(FIXTURES, 'tardis', 'spot_quotes.csv');
const PERP = join(FIXTURES, 'tardis', 'perp_quotes.csv');
const TRADES = join(FIXTURES, 'tardis', 'spot_trades.csv');
const spotBytes = readFileSync(SPOT);
const dir = tempFiles({
  'spot.csv.gz': gzipSync(spotBytes),
  'spot.zip': zipOf({ 'spot_quotes.csv': spotBytes }),
  'spot-gz.zip': zipOf({ 'spot_quotes.csv.gz': gzipSync(spotBytes) }),
});
const q = (p: string) => `'${p}'`;

/** What the command prints for the plain files (in this process: the reference, not the point). */
async function reference(args: string[]): Promise<string> {
  const r = await leadlagInProcess(args);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const pairCsv = reference(['pair', SPOT, PERP, '--threshold', '5bp', '--format', 'csv']);
const xcorrCsv = reference(['xcorr', SPOT, PERP, '--lags', '-3..3', '--format', 'csv']);

test('pair <(cat file) and <(cat file.gz) and <(cat file.zip): process substitution reads like the file', async () => {
  const want = await pairCsv;
  for (const src of [SPOT, join(dir, 'spot.csv.gz'), join(dir, 'spot.zip'), join(dir, 'spot-gz.zip')]) {
    const r = await shell(`leadlag pair <(cat ${q(src)}) ${q(PERP)} --threshold 5bp --format csv`);
    assert.equal(r.code, 0, `${src}: ${r.stderr}`);
    assert.equal(r.stdout, want, src);
  }
});

test('xcorr on two FIFOs (mkfifo) fed by background writers reads like the files', async () => {
  const r = await shell(
    `cd ${q(dir)} && rm -f a b && mkfifo a b && (cat ${q(SPOT)} > a &) && (cat ${q(PERP)} > b &) && leadlag xcorr a b --lags -3..3 --format csv`,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, await xcorrCsv);
});

test('/dev/stdin on a pipe and - on a pipe (plain, gzip and zip) read like the file', async () => {
  const want = await pairCsv;
  for (const [feed, name] of [
    [SPOT, '/dev/stdin'],
    [join(dir, 'spot.csv.gz'), '/dev/stdin'],
    [join(dir, 'spot.zip'), '-'],
    [join(dir, 'spot.csv.gz'), '-'],
  ] as const) {
    const r = await shell(`cat ${q(feed)} | leadlag pair ${name} ${q(PERP)} --threshold 5bp --format csv`);
    assert.equal(r.code, 0, `${feed} as ${name}: ${r.stderr}`);
    assert.equal(r.stdout, want, `${feed} as ${name}`);
  }
});

test('a zip on a pipe is spooled to a temporary folder that is gone after the run: read, failed, or interrupted mid-spool', { timeout: 60_000 }, async () => {
  // A private TMPDIR (os.tmpdir() reads it), so that what is left there is this test's alone.
  const tmp = tempFiles({});
  const env = { TMPDIR: tmp };
  const zip = join(dir, 'spot.zip');
  const read = await shell(`cat ${q(zip)} | leadlag pair - ${q(PERP)} --format csv`, { env });
  assert.equal(read.code, 0, read.stderr);
  // Cut short: a corrupt archive, exit 66; before, the process exited before the folder's removal ran.
  const cut = await shell(`head -c 3000 ${q(zip)} | leadlag pair - ${q(PERP)}`, { env });
  assert.equal(cut.code, 66, cut.stderr);
  // SIGINT while the archive is still arriving: the signal's exit, nothing left behind.
  // (The writer pauses 4 s, past the signal at 1.5 s, and then ends with the rest unsent.)
  const stopped = await shell(`(head -c 20000 ${q(zip)}; sleep 4) | leadlag pair - ${q(PERP)} & pid=$!; sleep 1.5; kill -INT $(pgrep -P $pid 2>/dev/null || echo $pid) 2>/dev/null; kill -INT $pid 2>/dev/null; wait $pid; echo "exit $?"`, { env });
  assert.match(stopped.stdout, /exit 130/, stopped.stderr);
  assert.deepEqual(readdirSync(tmp), []);
});

test('classify with all three inputs through process substitution gives the same report as the files', async () => {
  const args = ['--threshold', '5bp', '--trees', '5', '--per-class', '10', '--format', 'json'];
  const want = await reference(['classify', SPOT, PERP, '--trades', TRADES, ...args]);
  const r = await shell(`leadlag classify <(cat ${q(SPOT)}) <(cat ${q(PERP)}) --trades <(cat ${q(TRADES)}) ${args.join(' ')}`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, want);
});

test('inspect on a process substitution reports what it reports for the file (but for the name)', async () => {
  const want = (await reference(['inspect', SPOT, '--format', 'csv'])).replaceAll(SPOT, 'F');
  const r = await shell(`leadlag inspect <(cat ${q(SPOT)}) --format csv`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.replace(/\/dev\/fd\/\d+|\/proc\/self\/fd\/\d+/g, 'F'), want);
});

test('a character device is read as a stream: /dev/null is an empty file, /dev/zero binary data (one line, exit 65)', async () => {
  const empty = await leadlag(['pair', '/dev/null', PERP]);
  assert.equal(empty.code, 65);
  assert.ok(isOneLineError(empty.stderr) && empty.stderr.includes('/dev/null') && empty.stderr.includes('empty'), empty.stderr);
  const zero = await leadlag(['pair', '/dev/zero', PERP]);
  assert.equal(zero.code, 65);
  assert.ok(isOneLineError(zero.stderr) && zero.stderr.includes('NUL'), zero.stderr);
});

test('a first market that fails, with a FIFO nobody writes to as the second: the error and its exit code at once', { timeout: 60_000 }, async () => {
  // The FIFO must not be opened ahead of its turn: opening blocks a thread until a writer comes,
  // and that thread would hold up the exit (timeout's 124 after 20 s instead of the error's code).
  const bad = join(dir, 'bad-row.csv');
  await shell(`head -3 ${q(SPOT)} > ${q(bad)} && echo 'x,y,not-a-time,1,1,1,1,1' >> ${q(bad)}`);
  for (const [first, code] of [[join(dir, 'no-such-file.csv'), 66], [bad, 65]] as const) {
    const r = await shell(`cd ${q(dir)} && rm -f silent && mkfifo silent && timeout 20 "$LEADLAG_NODE" "$LEADLAG_BIN" pair ${q(first)} silent`);
    assert.equal(r.code, code, `${first}: ${r.stderr}`);
    assert.ok(isOneLineError(r.stderr), r.stderr);
  }
});

test('openQuotes on a FIFO, in a worker thread too, yields the same ticks as the file', async () => {
  const fifo = join(dir, 'in-process-fifo');
  execFileSync('mkfifo', [fifo]);
  const collect = async (path: string, worker: boolean) => {
    const ts: number[] = [];
    const mids: number[] = [];
    for await (const b of openQuotes(path, { ...STRICT, worker })) {
      ts.push(...b.t);
      mids.push(...b.price);
    }
    return { ts, mids };
  };
  const want = await collect(SPOT, false);
  for (const worker of [false, true]) {
    // A FIFO opens once a writer comes; the writer is a child process so this thread stays free.
    const writer = shell(`cat ${q(SPOT)} > ${q(fifo)}`);
    const got = await collect(fifo, worker);
    await writer;
    assert.deepEqual(got, want, `worker ${worker}`);
  }
});
