/**
 * Opening inputs: a path, `-` for stdin, or any Readable; plain or gzip (recognised by
 * its magic bytes or a `.gz` name; a gzip file inflated straight into the reader's buffer,
 * inflate.ts, a gzip stream through zlib's gunzip stream), or for paths a
 * single-file zip archive (a `.zip` name or the zip magic; Binance's downloads), read
 * with yauzl, which streams the entry without loading the archive. Every failure to
 * open or read — missing file, directory, permission denied, corrupt or truncated
 * gzip or zip — becomes an OpenError (exit 66).
 */
import { mkdtemp, open as openFile, type FileHandle } from 'node:fs/promises';
import { createReadStream, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { shellQuote } from './shell-quote.js';
import { readableTwice } from './identity.js';
import type yauzl from 'yauzl';
import { DataError, OpenError, OutputError } from '../errors.js';
import { inflatingSource, syncInflaterAvailable } from './inflate.js';
import { openError, type ByteSource } from './byte-source.js';
import { readAt } from './file-read.js';
import { FOREIGN_PACKING, OWN_LAYER, withoutOwnLayer } from './extensions.js';

/** Where bytes come from. */
export type InputSpec = string | { readonly stream: Readable; readonly name: string };

/** The display name of an input. */
export function inputName(input: InputSpec): string {
  if (typeof input !== 'string') return input.name;
  return input === '-' ? '<stdin>' : input;
}

const CHUNK = 1 << 20;
/** Inflated chunks a .gz input may hold ahead of the parser (inflater). */
const INFLATE_AHEAD = 3;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Opens an input for reading. A regular file is read with positioned reads (zip archives
 * through their central directory); anything else — `-`, a FIFO, a process substitution
 * (`/dev/fd/N`), `/dev/stdin` on a pipe, a character device — is read once, front to back, as
 * a stream, and recognised by its first bytes the same way (gzip, zip, plain), so it gives
 * the same result as the file itself. The first bytes are also checked for UTF-16.
 * @throws OpenError when the input cannot be opened; DataError for UTF-16 or binary input.
 */
export async function openInput(input: InputSpec): Promise<ByteSource> {
  const [src, layer] = await openBytes(input);
  return checkedText(src, layer);
}

/**
 * The compression leadlag took off an input before its text, for messages about what is inside:
 * gzip, or a zip's one entry (`entry`, itself gunzipped when its name ends in .gz).
 */
type Layer = { readonly kind: 'gzip' } | { readonly kind: 'zip'; readonly entry: string; readonly gunzipped: boolean } | undefined;

const GZIP_LAYER: Layer = { kind: 'gzip' };

async function openBytes(input: InputSpec): Promise<[ByteSource, Layer]> {
  const name = inputName(input);
  if (typeof input !== 'string') return sniffStream(name, input.stream);
  if (input === '-') {
    refuseDirectoryOnStdin(name);
    return sniffStream(name, process.stdin);
  }
  let fh: FileHandle;
  let size: number;
  try {
    fh = await openFile(input, 'r');
    const st = await fh.stat();
    if (st.isDirectory()) {
      await fh.close();
      throw new OpenError(name, 'is a directory, not a file');
    }
    if (!st.isFile()) {
      // Not seekable (or not worth seeking): read it as the stream it is.
      return sniffStream(name, createReadStream('', { fd: fh, highWaterMark: CHUNK }));
    }
    size = st.size;
  } catch (e) {
    throw openError(name, e);
  }
  const head = new Uint8Array(4);
  let headLen: number;
  try {
    headLen = (await fh.read(head, 0, 4, 0)).bytesRead;
  } catch (e) {
    await fh.close();
    throw openError(name, e);
  }
  if (input.toLowerCase().endsWith('.zip') || isZip(head, headLen)) {
    await fh.close();
    return zipSource(name, input, size);
  }
  const gzip = input.endsWith('.gz') || isGzip(head, headLen);
  if (!gzip) return [fileSource(name, fh, size), undefined];
  if (headLen > 0 && !isGzip(head, headLen)) {
    // Named .gz, not gzip: zlib's "incorrect header check" said corrupt data of a file that may
    // be plain text under a wrong name (read, it would be taken for what its name says it is not).
    await fh.close();
    const text = [...head.subarray(0, headLen)].every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
    throw new OpenError(name, `the file is named .gz but does not hold gzip data (it begins ${text ? `as text: ${JSON.stringify(Buffer.from(head.subarray(0, headLen)).toString('latin1'))}…` : 'with other bytes'}); if it is plain text, give it a name without .gz`);
  }
  if (syncInflaterAvailable()) return [inflatingSource(name, fh, size), GZIP_LAYER];
  await fh.close();
  const raw = createReadStream(input, { highWaterMark: CHUNK });
  const gunzip = raw.pipe(inflater());
  raw.on('error', (e) => gunzip.destroy(e));
  return [streamSource(name, gunzip[Symbol.asyncIterator](), null, size, () => raw.bytesRead, () => raw.destroy()), GZIP_LAYER];
}

/**
 * A gunzip stream that inflates ahead of the parser: zlib works in libuv's thread pool, and with
 * the stream's default 16 KiB read-side buffer it stopped after each 1 MiB chunk until the parser
 * took it, so inflating and parsing took turns. INFLATE_AHEAD chunks may wait, so the two
 * overlap on two cores (memory: 3 MiB per .gz input).
 */
function inflater(): ReturnType<typeof createGunzip> {
  // zlib hands its options on to the Transform stream it is (the types list zlib's own only).
  const options = { chunkSize: CHUNK, readableHighWaterMark: INFLATE_AHEAD * CHUNK };
  return createGunzip(options);
}

function isZip(head: Uint8Array, len: number): boolean {
  return len >= 4 && ZIP_MAGIC.every((b, i) => head[i] === b);
}

function isGzip(head: Uint8Array, len: number): boolean {
  return len >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
}

/** `leadlag pair - b.csv < some-directory`: say so, rather than "the file is empty". */
function refuseDirectoryOnStdin(name: string): void {
  let dir = false;
  try {
    dir = fstatSync(0).isDirectory();
  } catch {
    return; // no stdin at all: reading it will tell
  }
  if (dir) throw new OpenError(name, 'standard input is a directory, not a file');
}

/**
 * A stream recognised by its first bytes: gzip is decompressed as it arrives; a zip archive,
 * which can only be read from its end, is first copied to a temporary file (removed once
 * open); anything else is passed through.
 */
async function sniffStream(name: string, stream: Readable): Promise<[ByteSource, Layer]> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let total = 0;
  const pull = async (): Promise<Buffer | null> => {
    let r: IteratorResult<Buffer | string>;
    try {
      r = await it.next();
    } catch (e) {
      throw openError(name, e);
    }
    if (r.done) return null;
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    total += b.length;
    return b;
  };
  // Enough bytes to tell the formats apart (a pipe may deliver them one at a time).
  const parts: Buffer[] = [];
  let got = 0;
  while (got < 4) {
    const b = await pull();
    if (b === null) break;
    parts.push(b);
    got += b.length;
  }
  const head = Buffer.concat(parts);
  const rest: AsyncIterator<Buffer> = {
    next: async () => {
      const b = await pull();
      return b === null ? { done: true, value: undefined } : { done: false, value: b };
    },
    return: async () => {
      await it.return?.();
      return { done: true, value: undefined };
    },
  };
  if (isZip(head, head.length)) return zipFromStream(name, head, rest);
  if (!isGzip(head, head.length)) return [streamSource(name, rest, head, undefined, () => total, () => stream.destroy()), undefined];
  const gunzip = inflater();
  void (async () => {
    try {
      gunzip.write(head);
      for (;;) {
        const n = await rest.next();
        if (n.done) break;
        if (!gunzip.write(n.value)) await new Promise((res) => gunzip.once('drain', res));
      }
      gunzip.end();
    } catch (e) {
      gunzip.destroy(e as Error);
    }
  })();
  return [streamSource(name, gunzip[Symbol.asyncIterator](), null, undefined, () => total, () => stream.destroy()), GZIP_LAYER];
}

/** A zip archive arriving on a stream: spooled to a private temporary file, then read as a file. */
async function zipFromStream(name: string, head: Buffer, rest: AsyncIterator<Buffer>): Promise<[ByteSource, Layer]> {
  // Loaded here, not with this module: the reader threads load this module, and atomic.js (with
  // node:crypto) added to every thread's start what only a zip on a pipe needs.
  const { holdTemporary, outputError, writeAll } = await import('./atomic.js');
  const spoolError = (e: unknown) => spoolErrorOf(name, outputError(tmpdir(), e), e);
  const dir = await mkdtemp(join(tmpdir(), 'leadlag-zip-')).catch((e: unknown) => Promise.reject(spoolError(e)));
  // Removed however the run ends: an error (the process exits at once), or a signal mid-spool.
  const release = holdTemporary(dir);
  const path = join(dir, 'input.zip');
  let size = head.length;
  try {
    try {
      const out = await openFile(path, 'wx', 0o600);
      try {
        await writeAll(out, head);
        for (;;) {
          const n = await rest.next();
          if (n.done) break;
          size += n.value.length;
          await writeAll(out, n.value);
        }
      } finally {
        await out.close();
      }
    } catch (e) {
      throw e instanceof OpenError || e instanceof DataError ? e : spoolError(e);
    }
    return await zipSource(name, path, size);
  } finally {
    // yauzl holds its own descriptor, so the name can go at once (synchronously: a run that
    // fails exits before an asynchronous removal would finish).
    release();
  }
}

/**
 * The temporary folder cannot take a zip arriving on a stream (full, missing, read-only): said as
 * such, with the ways around it, rather than as an internal error.
 */
function spoolErrorOf(name: string, reason: Error, err: unknown): OutputError {
  const problem = reason instanceof OutputError ? reason.problem : String(err);
  return new OutputError(tmpdir(), `${problem}; a zip on ${name} is copied to a temporary file there first: set TMPDIR to a folder with room, or unzip it on the way in (unzip -p FILE | leadlag … - …)`);
}

/**
 * Refuses input that is not 8-bit text before any parser sees it: UTF-16 (a byte-order mark,
 * or NUL bytes at every other position of the first bytes) with how to convert it, other data
 * with NUL bytes as binary.
 */
function checkedText(src: ByteSource, layer: Layer): ByteSource {
  const SNIFF = 64;
  let head: Buffer | null = null;
  let pos = 0;
  const fill = async (): Promise<Buffer> => {
    const b = Buffer.allocUnsafe(SNIFF);
    let n = 0;
    for (;;) {
      const k = await src.readInto(b, n, SNIFF - n);
      if (k === 0) break;
      n += k;
      if (n === SNIFF) break;
    }
    const h = b.subarray(0, n);
    const problem = textProblem(h, src.name, layer);
    if (problem) throw new DataError(src.name, 1, problem);
    return h;
  };
  return {
    name: src.name,
    bytesTotal: src.bytesTotal,
    bytesRead: () => src.bytesRead(),
    async readInto(buf, offset, len) {
      head ??= await fill();
      if (pos < head.length) {
        const n = Math.min(len, head.length - pos);
        buf.set(head.subarray(pos, pos + n), offset);
        pos += n;
        return n;
      }
      return src.readInto(buf, offset, len);
    },
    close: () => src.close(),
  };
}

/** The command that converts `name` to UTF-8 beside it: its own name for a plain regular file, else FILE (stdin, a pipe, or compressed bytes iconv cannot read). */
function utf16Hint(name: string): string {
  const plain = !name.startsWith('<') && !OWN_LAYER.test(name) && readableTwice(name);
  const file = plain ? name : 'FILE';
  return `convert it to UTF-8 first, e.g. iconv -f UTF-16 -t UTF-8 ${shellQuote(file)} > ${shellQuote(`${file.replace(/\.csv$/i, '')}.utf8.csv`)}`;
}

/**
 * Compressed formats leadlag does not read, by their first bytes (each format's magic number):
 * named, so that a Databento `.csv.zst` is not reported as a quote inside a CSV field.
 */
const COMPRESSED: readonly { readonly format: string; readonly magic: readonly number[]; readonly tool: string }[] = [
  { format: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], tool: 'zstd -dc' },
  { format: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], tool: 'xz -dc' },
  // 'BZh', a block size 1-9, then the first block's magic (π's digits, 31 41 59 26 53 59) or the end-of-stream magic of an empty one
  { format: 'bzip2', magic: [0x42, 0x5a, 0x68], tool: 'bzip2 -dc' },
  { format: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18], tool: 'lz4 -dc' },
  { format: '7z', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], tool: '7z x -so' },
];

function isBzip2(h: Uint8Array): boolean {
  if (h.length < 10 || !(h[3]! >= 0x31 && h[3]! <= 0x39)) return false;
  const block = [...h.subarray(4, 10)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return block === '314159265359' || block === '177245385090';
}

/** The compressed format of an input that begins with `h`, with the command that decompresses it. */
function compressedFormat(h: Uint8Array): (typeof COMPRESSED)[number] | undefined {
  return COMPRESSED.find((c) => h.length >= c.magic.length && c.magic.every((b, i) => h[i] === b) && (c.format !== 'bzip2' || isBzip2(h)));
}

/**
 * What may lie inside a gzip or zip layer that leadlag does not take off: the formats it does
 * not read, and gzip or zip again (an input compressed twice). `piped`: its tool reads a pipe;
 * 7z and zip keep their directory at the end, so they need a file.
 */
function layeredFormat(h: Uint8Array): { readonly format: string; readonly tool: string; readonly piped: boolean; readonly ext: string } | undefined {
  if (isGzip(h, h.length)) return { format: 'gzip', tool: 'gzip -dc', piped: true, ext: 'gz' };
  if (isZip(h, h.length)) return { format: 'zip', tool: 'unzip -p', piped: false, ext: 'zip' };
  const packed = compressedFormat(h);
  return packed === undefined ? undefined : { format: packed.format, tool: packed.tool, piped: packed.format !== '7z', ext: packed.format };
}

/**
 * Advice for compressed data inside the layer leadlag took off: both layers must come off, the
 * outer first, with commands that run as written (a zip's entry named, so that `unzip -p` does not
 * add a Mac archive's `__MACOSX/` files; an entry leadlag gunzipped gunzipped again).
 */
function layeredAdvice(inner: NonNullable<ReturnType<typeof layeredFormat>>, name: string, layer: NonNullable<Layer>): string {
  const stdin = name.startsWith('<');
  const file = stdin ? 'FILE' : shellQuote(name);
  const outer =
    layer.kind === 'zip'
      ? `unzip -p ${file} ${shellQuote(layer.entry)}${layer.gunzipped ? ' | gzip -dc' : ''}`
      : stdin
        ? '… | gzip -dc'
        : `gzip -dc ${file}`;
  const where = `inside its ${layer.kind === 'zip' && layer.gunzipped ? 'zip and gzip layers' : `${layer.kind} layer`}`;
  const what = `the ${stdin ? 'input' : 'file'} holds ${inner.format}-compressed data ${where}; leadlag takes off one layer of gzip or zip and reads the text under it`;
  if (inner.piped) return `${what}: decompress both, the outer first, e.g. ${outer} | ${inner.tool} | leadlag … - …`;
  // The inner archive is written out first; never over the input (q.7z holding gzip'd 7z).
  const base = stdin ? 'FILE' : withoutOwnLayer(name);
  let out = base.toLowerCase().endsWith(`.${inner.ext}`) ? base : `${base}.${inner.ext}`;
  if (out === name) out = `${out}.${inner.ext}`;
  const read = inner.format === 'zip' ? `unzip -p ${shellQuote(out)}` : `7z x -so ${shellQuote(out)}`;
  return `${what}: decompress both, the outer first, e.g. ${outer} > ${shellQuote(out)} && ${read} | leadlag … - …`;
}

/**
 * Why the first bytes of an input named `name` are not UTF-8 / ASCII text, or undefined when they
 * may be. `layer` is the compression already taken off them (found by the input's own first
 * bytes, whatever its name), so data inside it gets advice that removes both.
 */
export function textProblem(h: Uint8Array, name = 'FILE', layer?: Layer): string | undefined {
  if (layer !== undefined) {
    const inner = layeredFormat(h);
    if (inner !== undefined) return layeredAdvice(inner, name, layer);
  }
  const packed = compressedFormat(h);
  if (packed !== undefined) {
    const stdin = name.startsWith('<');
    const what = `the file is ${packed.format}-compressed; leadlag reads plain text, gzip and zip`;
    if (stdin) return `${what}: decompress it before it reaches leadlag, e.g. ${packed.tool} FILE | leadlag … - …`;
    // The suggested output is never the input itself: a name without the format's extension gets .csv.
    const stripped = name.replace(FOREIGN_PACKING, '');
    const out = stripped !== name && stripped !== '' ? stripped : `${name}.csv`;
    return `${what}: decompress it first, e.g. ${packed.tool} ${shellQuote(name)} > ${shellQuote(out)}, or pipe it: ${packed.tool} ${shellQuote(name)} | leadlag … - …`;
  }
  if (h.length >= 2 && ((h[0] === 0xff && h[1] === 0xfe) || (h[0] === 0xfe && h[1] === 0xff))) {
    return `the file is UTF-16 text (${h[0] === 0xff ? 'little' : 'big'}-endian, with a byte-order mark); leadlag reads UTF-8: ${utf16Hint(name)}`;
  }
  let nulEven = 0;
  let nulOdd = 0;
  for (let i = 0; i < h.length; i++) if (h[i] === 0) i % 2 === 0 ? nulEven++ : nulOdd++;
  if (nulEven + nulOdd === 0) return binaryWithoutNul(h) ? 'the file is binary data, not CSV text (control bytes and bytes that are no UTF-8 in its first bytes)' : undefined;
  const pairs = Math.floor(h.length / 2);
  if (pairs >= 2 && (nulOdd >= pairs * 0.75 || nulEven >= pairs * 0.75) && Math.min(nulEven, nulOdd) === 0) {
    return `the file looks like UTF-16 text (${nulOdd > 0 ? 'little' : 'big'}-endian, NUL bytes between the characters); leadlag reads UTF-8: ${utf16Hint(name)}`;
  }
  return 'the file holds NUL bytes: binary data, not CSV text';
}

/**
 * Data with no NUL byte in its first bytes that is still no text: a control byte other than tab,
 * line feed, carriage return or form feed, and a byte sequence that is no UTF-8 (a sequence cut
 * by the end of `h` aside). Both, so that text in a legacy 8-bit encoding (é in Windows-1252, no
 * control bytes) still reaches the header's own message. Random bytes hold both within 64 bytes
 * all but about once in two thousand; before, their header was shown as replacement characters.
 */
function binaryWithoutNul(h: Uint8Array): boolean {
  let control = false;
  for (const b of h) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control = true;
  return control && !isUtf8Prefix(h);
}

/** Whether `h` is valid UTF-8 but for a sequence its end cuts short. */
function isUtf8Prefix(h: Uint8Array): boolean {
  for (let i = 0; i < h.length; ) {
    const b = h[i]!;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return false;
    for (let k = 1; k <= n; k++) {
      if (i + k >= h.length) return true;
      if ((h[i + k]! & 0xc0) !== 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Zip compression methods other than stored (0) and deflate (8), by number (APPNOTE 4.4.5). */
const ZIP_METHODS: Record<number, string> = { 9: 'Deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'zstd', 95: 'xz', 98: 'PPMd' };

/**
 * The one file of a zip archive (directories and macOS `__MACOSX/` metadata aside), gunzipped
 * too if its name ends in `.gz`. Progress counts compressed bytes, estimated from the entry's
 * compression ratio (the inflated stream does not expose them).
 */
async function zipSource(name: string, path: string, size: number): Promise<[ByteSource, Layer]> {
  // Loaded here, not with this module: every reader thread loads open.ts, few read archives.
  const { default: unzip } = await import('yauzl');
  let zip: yauzl.ZipFile;
  try {
    zip = await unzip.openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (e) {
    throw new OpenError(name, `corrupt zip archive (${(e as Error).message})`);
  }
  try {
    const files: yauzl.Entry[] = [];
    for await (const entry of zip.eachEntry()) {
      if (!entry.fileName.endsWith('/') && !entry.fileName.startsWith('__MACOSX/')) files.push(entry);
    }
    if (files.length !== 1) {
      const listed = files.slice(0, 3).map((f) => f.fileName).join(', ');
      throw new OpenError(name, files.length === 0 ? 'the zip archive holds no file' : `the zip archive holds ${files.length} files (${listed}${files.length > 3 ? ', …' : ''}); leadlag reads single-file archives, so unzip the one you want`);
    }
    const entry = files[0]!;
    if (entry.isEncrypted()) throw new OpenError(name, `the zip archive is encrypted (${entry.fileName}); leadlag cannot decrypt it: unzip it first (unzip -P or 7z x) and give the file`);
    // A sound archive in a method yauzl does not inflate (bzip2, LZMA, zstd, …) is not corrupt.
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      const method = ZIP_METHODS[entry.compressionMethod] ?? `method ${entry.compressionMethod}`;
      throw new OpenError(name, `the zip archive's file (${entry.fileName}) is compressed with ${method}; leadlag reads zip entries stored or deflated: unzip it first (unzip or 7z x) and give the file, or gzip it`);
    }
    const inflated = await zip.openReadStreamPromise(entry);
    const gunzipped = entry.fileName.toLowerCase().endsWith('.gz');
    const inner = gunzipped ? inflated.pipe(createGunzip({ chunkSize: CHUNK })) : inflated;
    if (inner !== inflated) inflated.on('error', (e) => inner.destroy(e));
    let out = 0;
    inflated.on('data', (b: Buffer) => (out += b.length));
    const ratio = entry.uncompressedSize > 0 ? entry.compressedSize / entry.uncompressedSize : 1;
    const source = streamSource(name, inner[Symbol.asyncIterator](), null, size, () => Math.min(size, Math.round(out * ratio)), () => zip.close());
    return [source, { kind: 'zip', entry: entry.fileName, gunzipped }];
  } catch (e) {
    zip.close();
    if (e instanceof OpenError) throw e;
    throw new OpenError(name, `corrupt zip archive (${(e as Error).message})`);
  }
}

function fileSource(name: string, fh: FileHandle, size: number): ByteSource {
  let read = 0;
  return {
    name,
    bytesTotal: size,
    bytesRead: () => read,
    async readInto(buf, offset, len) {
      try {
        const bytesRead = await readAt(fh, buf, offset, len, read);
        read += bytesRead;
        return bytesRead;
      } catch (e) {
        throw openError(name, e);
      }
    },
    close: () => fh.close().catch(() => undefined),
  };
}

/** A ByteSource over chunks already recognised (see sniffStream); `head` is served first. */
function streamSource(
  name: string,
  it: AsyncIterator<Buffer | string>,
  head: Buffer | null,
  bytesTotal: number | undefined,
  compressedRead: () => number,
  onClose?: () => void,
): ByteSource {
  let pending: Buffer | null = head && head.length > 0 ? head : null;
  let pendingPos = 0;
  let done = false;
  return {
    name,
    bytesTotal,
    bytesRead: compressedRead,
    async readInto(buf, offset, len) {
      while (!pending || pendingPos >= pending.length) {
        if (done) return 0;
        let r: IteratorResult<Buffer | string>;
        try {
          r = await it.next();
        } catch (e) {
          throw openError(name, e);
        }
        if (r.done) {
          done = true;
          return 0;
        }
        pending = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        pendingPos = 0;
      }
      const n = Math.min(len, pending.length - pendingPos);
      buf.set(pending.subarray(pendingPos, pendingPos + n), offset);
      pendingPos += n;
      return n;
    },
    async close() {
      done = true;
      await it.return?.();
      onClose?.();
    },
  };
}
