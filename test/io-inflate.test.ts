/**
 * The gzip inflater that writes into the reader's buffer (src/io/inflate.ts) against zlib's
 * gunzip stream, which it replaces: the same bytes, and the same OpenError words, for several
 * members, zero padding, trailing garbage, truncated, corrupt and empty files, with reads and
 * buffers small enough to cut members, headers and output anywhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, gzipSync } from 'node:zlib';
import { inflatingSource, syncInflaterAvailable } from '../src/io/inflate.js';
import { openError } from '../src/io/byte-source.js';
import { mulberry32, tmpFile } from './io-helpers.js';

type Outcome = { bytes: Buffer } | { error: string };

/** The stream path this replaces: file → gunzip stream, errors through openError. */
async function viaStream(path: string): Promise<Outcome> {
  const parts: Buffer[] = [];
  try {
    for await (const b of createReadStream(path).pipe(createGunzip())) parts.push(b as Buffer);
  } catch (e) {
    return { error: openError(path, e).message };
  }
  return { bytes: Buffer.concat(parts) };
}

/** inflatingSource read to the end with reads of `len` bytes, `chunk` compressed bytes at a time. */
async function viaSource(path: string, chunk: number, len: number): Promise<Outcome> {
  const fh = await open(path, 'r');
  const src = inflatingSource(path, fh, (await fh.stat()).size, chunk);
  const parts: Buffer[] = [];
  try {
    for (;;) {
      const buf = Buffer.alloc(len + 3);
      // An offset, so that writing at the wrong place shows.
      const n = await src.readInto(buf, 3, len);
      if (n === 0) break;
      parts.push(buf.subarray(3, 3 + n));
    }
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    await src.close();
  }
  return { bytes: Buffer.concat(parts) };
}

function text(rng: () => number, n: number): Buffer {
  // CSV-like text with some repetition, so that it compresses the way tick files do.
  return Buffer.from(Array.from({ length: n }, (_, i) => `${1723161254000000 + i},${(60000 + Math.floor(rng() * 100) / 100).toFixed(2)}\n`).join(''));
}

/**
 * The gzip files compared: members, padding, garbage, truncation and corruption, the first
 * member (`a`) `aLines` lines long. Each set draws its text from its own mulberry32(7).
 */
function gzipCases(aLines: number, cLines: number): Record<string, Buffer> {
  const rng = mulberry32(7);
  const a = gzipSync(text(rng, aLines));
  const b = gzipSync(text(rng, 10));
  const c = gzipSync(text(rng, cLines), { level: 1 });
  const corrupt = Buffer.from(a);
  corrupt[Math.floor(corrupt.length / 2)]! ^= 0xff;
  return {
    'one member': a,
    // Several members (as gzip files written in pieces are; the bench data's are).
    'three members': Buffer.concat([a, b, c]),
    'zero padding after the members': Buffer.concat([a, b, Buffer.alloc(700)]),
    // The data ends at zero padding, whatever follows (as the stream ends).
    'zero padding, then a member': Buffer.concat([a, Buffer.alloc(20), b]),
    'zero padding, then garbage': Buffer.concat([a, Buffer.alloc(20), Buffer.from('not gzip at all')]),
    'garbage after the members': Buffer.concat([a, Buffer.from('not gzip at all')]),
    'truncated in the data': a.subarray(0, Math.floor(a.length / 2)),
    'truncated in the trailer': a.subarray(0, a.length - 3),
    'truncated in the second header': Buffer.concat([a, b.subarray(0, 5)]),
    'a corrupt byte': corrupt,
    'empty file': Buffer.alloc(0),
    'a header only': a.subarray(0, 10),
  };
}

/** Every case read by viaSource with each [chunk, len] of `reads`, against the stream. */
async function sameAsStream(set: string, cases: Record<string, Buffer>, reads: ReadonlyArray<readonly [number, number]>): Promise<void> {
  for (const [name, bytes] of Object.entries(cases)) {
    // Not named .gz: tmpFile would gzip the bytes once more.
    const path = tmpFile(`inflate-${set}-${name.replaceAll(' ', '-')}.bin`, bytes);
    const expected = await viaStream(path);
    for (const [chunk, len] of reads) {
      assert.deepEqual(await viaSource(path, chunk, len), expected, `${name} (${set}), chunk ${chunk}, len ${len}`);
    }
  }
}

test('the inflater gives the gunzip stream\'s bytes and errors, for any read and buffer size', { timeout: 120_000 }, async () => {
  assert.equal(syncInflaterAvailable(), true, 'Node 20 has the handle; the stream path is the fallback elsewhere');
  // The default read and output buffer (64 Ki), over a first member of 3 000 lines (78 000
  // bytes inflated, 12 140 compressed): a read fills its buffer in the middle of a member.
  await sameAsStream('long', gzipCases(3000, 500), [[1 << 20, 1 << 16]]);
  // Compressed reads of 64 and 7 bytes (headers, trailers and members cut anywhere) and output
  // buffers of 64 Ki, 13 and 1 bytes, over a first member of 200 lines (5 200 bytes inflated,
  // 826 compressed: still 13 reads of 64 bytes and 118 of 7, 'truncated in the data' cut inside
  // the deflate data, and the corrupt byte still the same error as in the 3 000 lines, 'incorrect
  // data check'). Every member end, header, padding, garbage and truncation point is still
  // crossed at every read and buffer size; a longer member only repeats the reads in its middle,
  // where inflate.ts does the same thing each time (these reads took nearly all of the 13 s
  // over 3 000 lines).
  await sameAsStream('short', gzipCases(200, 100), [[64, 1 << 16], [7, 13], [7, 1], [1 << 20, 1]]);
});

test('the inflater refuses a read outside the buffer (the native write would abort the process)', async () => {
  const bytes = gzipSync(Buffer.from('a,b\n'));
  const path = tmpFile('inflate-bounds.bin', bytes);
  const fh = await open(path, 'r');
  const src = inflatingSource(path, fh, bytes.length);
  try {
    await assert.rejects(src.readInto(Buffer.alloc(10), 5, 10), RangeError);
    await assert.rejects(src.readInto(Buffer.alloc(10), -1, 2), RangeError);
  } finally {
    await src.close();
  }
});

test('the inflater counts compressed bytes read, for progress', { timeout: 60_000 }, async () => {
  const bytes = gzipSync(text(mulberry32(3), 2000));
  const path = tmpFile('inflate-progress.bin', bytes);
  const fh = await open(path, 'r');
  const src = inflatingSource(path, fh, bytes.length, 100);
  try {
    assert.equal(src.bytesTotal, bytes.length);
    const buf = Buffer.alloc(1000);
    await src.readInto(buf, 0, buf.length);
    // Compressed bytes are read 100 at a time, only as the output needs them: some reads of
    // 100, far from the whole file (2 000 lines inflate to about 60 KB).
    const first = src.bytesRead();
    assert.ok(first > 0 && first % 100 === 0 && first < bytes.length / 2, `${first} of ${bytes.length}`);
    while ((await src.readInto(buf, 0, buf.length)) > 0);
    assert.equal(src.bytesRead(), bytes.length);
  } finally {
    await src.close();
  }
});
