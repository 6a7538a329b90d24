/**
 * src/io/atomic.ts in-process: whole-or-nothing writes, the refusals of prepareOutputs, and
 * the box table renderer against cli-table3 (the library it replaced, as the reference).
 */
import { test } from 'node:test';
import { inspectInput } from '../src/io/inspect-scan.js';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { checkCreatable, openAtomicWriter, prepareOutputs, tempName, writeAll, writeFileAtomic, type PartialWriter } from '../src/io/atomic.js';
import { OutputError, UsageError } from '../src/errors.js';
import { boxTable, displayWidth } from '../src/io/table.js';
import { openQuotes } from '../src/io/sources.js';
import { DataError } from '../src/errors.js';
import { groupDigits, MAX_SORT_ROWS } from '../src/io/sort-limit.js';
import { tempFiles } from './cli-helpers.js';
import { mulberry32, STRICT, tmpFile } from './io-helpers.js';

const dir = tempFiles({ 'input.csv': 'ts,price\n1,2\n' });
const temps = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

test('writeFileAtomic(path, string | Buffer) writes the content; over an existing file it keeps that file\'s mode', async () => {
  const f = join(dir, 'a.txt');
  await writeFileAtomic(f, 'hello\n');
  assert.equal(readFileSync(f, 'utf8'), 'hello\n');
  chmodSync(f, 0o640);
  const big = Buffer.alloc(3 * (1 << 20) + 5, 7); // more than one write slice
  await writeFileAtomic(f, big);
  assert.deepEqual(readFileSync(f), big);
  assert.equal(statSync(f).mode & 0o777, 0o640);
  assert.deepEqual(temps(), []);
});

test('openAtomicWriter: nothing is visible before commit; abort leaves the old file and no temporary file', async () => {
  const f = join(dir, 'b.txt');
  writeFileSync(f, 'OLD');
  const w = await openAtomicWriter(f);
  await w.write('new ');
  await w.write(Buffer.from('content'));
  assert.equal(readFileSync(f, 'utf8'), 'OLD', 'not visible before commit');
  assert.equal(temps().length, 1, 'one temporary file beside the target');
  await w.abort();
  assert.equal(readFileSync(f, 'utf8'), 'OLD');
  assert.deepEqual(temps(), []);
  const w2 = await openAtomicWriter(f);
  await w2.write('new content');
  await w2.commit();
  await w2.abort(); // harmless after commit
  assert.equal(readFileSync(f, 'utf8'), 'new content');
});

test('writeFileAtomic through a symlink replaces the link\'s target and keeps the link', async () => {
  const target = join(dir, 'target.txt');
  const link = join(dir, 'link.txt');
  writeFileSync(target, 'OLD');
  symlinkSync(target, link);
  await writeFileAtomic(link, 'NEW');
  assert.equal(readFileSync(target, 'utf8'), 'NEW');
  assert.ok(statSync(link).isFile());
  assert.equal(readFileSync(link, 'utf8'), 'NEW');
});

test('prepareOutputs refuses an output that is an input (UsageError naming both) or another output; checkCreatable refuses a directory or a missing parent (OutputError)', async () => {
  const input = join(dir, 'input.csv');
  symlinkSync(input, join(dir, 'input-link.csv'));
  await assert.rejects(prepareOutputs([{ option: '--dump-features', path: join(dir, 'input-link.csv') }], [input]), (e: unknown) => e instanceof UsageError && e.message.includes('input-link.csv') && e.message.includes(input));
  await assert.rejects(
    prepareOutputs([{ option: '--a', path: join(dir, 'o.txt') }, { option: '--b', path: join(dir, '.', 'o.txt') }], []),
    (e: unknown) => e instanceof UsageError && e.message.includes('--a') && e.message.includes('--b'),
  );
  await prepareOutputs([{ option: '--a', path: join(dir, 'fresh.txt') }], [input, join(dir, 'missing-input.csv')]);
  mkdirSync(join(dir, 'sub'));
  await assert.rejects(checkCreatable(join(dir, 'sub')), (e: unknown) => e instanceof OutputError && e.message.includes('is a directory'));
  await assert.rejects(checkCreatable(join(dir, 'none', 'x.txt')), (e: unknown) => e instanceof OutputError && e.message.includes('no such directory'));
  assert.deepEqual(temps(), [], 'the probe file is gone');
});

/** A file handle on a device of `room` bytes that takes at most `most` bytes a call, as write(2) may: what it was handed, in order. */
function smallDevice(room: number, most: number): PartialWriter & { readonly got: number[] } {
  const got: number[] = [];
  return {
    got,
    async write(buffer, offset, length) {
      const n = Math.min(length, most, room - got.length);
      for (let i = 0; i < n; i++) got.push(buffer[offset + i]!);
      return { bytesWritten: n };
    },
  };
}

test('writeAll writes the rest after a short write, and a write that takes nothing is a full device (ENOSPC)', async () => {
  const bytes = Uint8Array.from({ length: 10 }, (_, i) => i + 1);
  // Room for all ten bytes, three a call: four calls (3 + 3 + 3 + 1) write them all in order.
  const roomy = smallDevice(100, 3);
  await writeAll(roomy, bytes);
  assert.deepEqual(roomy.got, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  // Room for seven: the third call writes 1 byte (7 − 6), the fourth none, which must fail.
  const full = smallDevice(7, 3);
  await assert.rejects(writeAll(full, bytes), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC');
  assert.deepEqual(full.got, [1, 2, 3, 4, 5, 6, 7]);
});

/** A directory on a tmpfs of `kib` KiB, or undefined where this process may not mount one (not root, a container). */
function smallTmpfs(kib: number): { dir: string; unmount(): void } | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const at = join(tempFiles({}), 'small');
  mkdirSync(at);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', at]).status !== 0) return undefined;
  return { dir: at, unmount: () => void spawnSync('umount', [at]) };
}

test('on a device that fills up, writeFileAtomic fails with exit 73 and leaves the old file whole and no temporary file', async (t) => {
  const fs = smallTmpfs(40);
  if (fs === undefined) return t.skip('cannot mount a tmpfs here (needs root on Linux)');
  try {
    const f = join(fs.dir, 'out.html');
    writeFileSync(f, 'OLD');
    // 100 KiB into 40 KiB: write(2) takes what fits and reports no error; only the next call fails.
    await assert.rejects(writeFileAtomic(f, Buffer.alloc(100 * 1024, 65)), (e: unknown) => e instanceof OutputError && e.exitCode === 73 && e.message.includes('no space left'));
    assert.equal(readFileSync(f, 'utf8'), 'OLD');
    assert.deepEqual(readdirSync(fs.dir), ['out.html']);
  } finally {
    fs.unmount();
  }
});

test('a target whose name takes all 255 bytes gets a temporary name that fits beside it, and is written', async () => {
  const long = 'é'.repeat(125) + '.svg'; // 254 bytes: é is two in UTF-8
  const temp = tempName(join(dir, long));
  assert.ok(Buffer.byteLength(temp.slice(dir.length + 1)) <= 255, temp);
  assert.ok(temp.startsWith(join(dir, '.é')) && temp.endsWith('.tmp'));
  assert.ok(!temp.includes('\ufffd'), 'cut at a character, not inside one');
  await writeFileAtomic(join(dir, long), 'svg');
  assert.equal(readFileSync(join(dir, long), 'utf8'), 'svg');
  assert.deepEqual(temps(), []);
});

test('--sort refuses a file over its row limit with a data error at the first row past it', async () => {
  // maxSortRows 3: the 4th data row (line 5) is one too many; 3 rows sort fine.
  const f = tmpFile('sort-limit.csv', 'ts_us,price\n4,10\n3,10\n2,10\n1,10\n');
  const three = tmpFile('sort-three.csv', 'ts_us,price\n3,10\n2,10\n1,10\n');
  const read = async (path: string) => {
    let n = 0;
    for await (const b of openQuotes(path, { ...STRICT, sort: true, maxSortRows: 3 } as typeof STRICT)) n += b.length;
    return n;
  };
  await assert.rejects(read(f), (e: unknown) => e instanceof DataError && e.line === 5 && e.message.includes('--sort') && e.message.includes('3 rows'));
  assert.equal(await read(three), 3);
  // inspect --sort holds the rows too and stops at the same limit, with the same message.
  const scan = (path: string) => inspectInput(path, { clock: 'exchange', sort: true, maxSortRows: 3 });
  await assert.rejects(scan(f), (e: unknown) => e instanceof DataError && e.line === 5 && e.file === f && e.message.includes('3 rows'));
  assert.equal((await scan(three)).timeline.rows, 3);
});

test('groupDigits(n) writes a whole number as toLocaleString(\'en-US\') does, without loading ICU', () => {
  // The reference is ICU's own grouping; the edges are the lengths where a comma appears.
  for (const n of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, MAX_SORT_ROWS, 123_456_789, Number.MAX_SAFE_INTEGER]) {
    assert.equal(groupDigits(n), n.toLocaleString('en-US'), String(n));
  }
  assert.equal(groupDigits(MAX_SORT_ROWS), '10,000,000');
});

/** The renderer it replaces: cli-table3 with the rules between body rows taken out. */
function cliTable3(head: string[], rows: string[][], align: ('left' | 'right')[]): string {
  const table = new Table({ head, style: { head: [], border: [] }, colAligns: align });
  for (const r of rows) table.push(r);
  let seen = false;
  return table
    .toString()
    .split('\n')
    .filter((line) => {
      if (!line.startsWith('├')) return true;
      const keep = !seen;
      seen = true;
      return keep;
    })
    .join('\n');
}

test('boxTable(head, rows, align) draws exactly what cli-table3 drew, on random cells with colour codes and wide characters', () => {
  const rnd = mulberry32(9);
  const pieces = ['a', 'Z', '0', '-0.0123', ' ', '│', '█', 'τ', 'µ', '◀', '→', '漢', 'ｶ', 'n/a', '[0.1, 0.2]'];
  // Colour as chalk writes it: every code closed again (bold, red, green, dim).
  const styles = [(s: string) => `\u001b[1m${s}\u001b[22m`, (s: string) => `\u001b[31m${s}\u001b[39m`, (s: string) => `\u001b[32m${s}\u001b[39m`, (s: string) => `\u001b[2m${s}\u001b[22m`];
  const piece = () => {
    const text = pieces[Math.floor(rnd() * pieces.length)]!;
    return rnd() < 0.3 ? styles[Math.floor(rnd() * styles.length)]!(text) : text;
  };
  const cell = () => Array.from({ length: Math.floor(rnd() * 6) }, piece).join('');
  for (let k = 0; k < 200; k++) {
    const ncol = 1 + Math.floor(rnd() * 5);
    const nrow = Math.floor(rnd() * 6);
    const head = Array.from({ length: ncol }, cell);
    const rows = Array.from({ length: nrow }, () => Array.from({ length: ncol }, cell));
    const align = Array.from({ length: ncol }, () => (rnd() < 0.5 ? 'left' : 'right') as 'left' | 'right');
    assert.equal(boxTable(head, rows, align), cliTable3(head, rows, align), JSON.stringify({ head, rows, align }));
  }
});

test('displayWidth: colour codes take no width, CJK two columns, ◀ and █ one', () => {
  assert.equal(displayWidth('\u001b[1mab\u001b[22m'), 2);
  assert.equal(displayWidth('漢字'), 4);
  assert.equal(displayWidth('◀█│'), 3);
});

test('after an output is written, a signal during a long computation ends the process at once (no handler left to wait for)', async () => {
  // A handler runs only between turns of the event loop; left installed after the write, it would
  // hold SIGINT until the 3 s loop ends. Without it, the kernel's default ends the process at once.
  const out = join(tempFiles({}), 'model.json');
  const script = `
    const { writeFileAtomic } = await import(${JSON.stringify(new URL('../src/io/atomic.js', import.meta.url).href)});
    await writeFileAtomic(${JSON.stringify(out)}, 'whole\\n');
    await new Promise((r) => setTimeout(r, 50));
    process.stdout.write('busy\\n');
    const until = Date.now() + 3000;
    while (Date.now() < until) {}
    process.stdout.write('survived\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let sentAt = 0;
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    if (sentAt === 0 && stdout.includes('busy')) {
      sentAt = Date.now();
      child.kill('SIGINT');
    }
  });
  const signal = await new Promise<NodeJS.Signals | null>((res) => child.on('close', (_code, sig) => res(sig)));
  const after = Date.now() - sentAt;
  assert.equal(signal, 'SIGINT');
  assert.ok(!stdout.includes('survived'), 'killed inside the loop');
  assert.ok(after < 2000, `ended ${after} ms after the signal, not when the 3 s loop ended`);
  assert.equal(readFileSync(out, 'utf8'), 'whole\n');
});

test('a signal caught just before the last output is committed is not swallowed: the process dies of it', async () => {
  // The race the handlers' late removal closes, forced: the rename of the commit completes in the
  // thread pool, then the signal is caught (its handler runs at the next poll, after the rename's
  // callback, which ends the commit). Handlers removed in that callback would leave the caught
  // signal with none, and the process would go on ('survived', exit 0).
  const target = join(tempFiles({}), 'features.csv');
  const script = `
    const { existsSync } = await import('node:fs');
    const { openAtomicWriter } = await import(${JSON.stringify(new URL('../src/io/atomic.js', import.meta.url).href)});
    const w = await openAtomicWriter(${JSON.stringify(target)});
    await w.write('whole\\n');
    const committed = w.commit();
    await new Promise((res) => {
      const spin = () => {
        if (!existsSync(${JSON.stringify(target)})) return void setImmediate(spin);
        // The rename is done; let the pool thread post its completion before the signal comes.
        const until = Date.now() + 20;
        while (Date.now() < until) {}
        process.kill(process.pid, 'SIGTERM');
        res();
      };
      setImmediate(spin);
    });
    await committed;
    setTimeout(() => process.stdout.write('survived\\n'), 300);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  const signal = await new Promise<NodeJS.Signals | null>((res) => child.on('close', (_code, sig) => res(sig)));
  assert.equal(signal, 'SIGTERM', `the process died of the signal (stdout: ${JSON.stringify(stdout)})`);
  assert.equal(readFileSync(target, 'utf8'), 'whole\n', 'the output, committed before the signal, is whole');
});
