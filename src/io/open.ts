/**
 * Opening inputs: a path, `-` for stdin, or any Readable; plain or gzip (recognised by
 * its magic bytes or a `.gz` name, decompressed by zlib streaming), or for paths a
 * single-file zip archive (a `.zip` name or the zip magic; Binance's downloads), read
 * with yauzl, which streams the entry without loading the archive. Every failure to
 * open or read — missing file, directory, permission denied, corrupt or truncated
 * gzip or zip — becomes an OpenError (exit 66).
 */
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { OpenError } from '../errors.js';

/** Where bytes come from. */
export type InputSpec = string | { readonly stream: Readable; readonly name: string };

/** A pull-based byte source; `readInto` copies into the caller's (reused) buffer. */
export interface ByteSource {
  /** Name used in messages ('<stdin>' for `-`). */
  readonly name: string;
  /** Size of the (compressed) file in bytes; undefined for streams. */
  readonly bytesTotal: number | undefined;
  /** Bytes of the (compressed) input consumed so far. */
  bytesRead(): number;
  /** Reads up to `len` bytes into buf at `offset`; 0 means the end. */
  readInto(buf: Uint8Array, offset: number, len: number): Promise<number>;
  close(): Promise<void>;
}

/** The display name of an input. */
export function inputName(input: InputSpec): string {
  if (typeof input !== 'string') return input.name;
  return input === '-' ? '<stdin>' : input;
}

const CHUNK = 1 << 20;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
    case 'Z_NEED_DICT':
      return `corrupt gzip data (${e.message})`;
    default:
      return e?.message ?? String(err);
  }
}

/** An OpenError for any failure while opening or reading `name`. */
export function openError(name: string, err: unknown): OpenError {
  if (err instanceof OpenError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.message === 'unexpected end of file') return new OpenError(name, 'corrupt gzip data (truncated file)');
  return new OpenError(name, describe(err));
}

/**
 * Opens an input for reading.
 * @throws OpenError when the file cannot be opened.
 */
export async function openInput(input: InputSpec): Promise<ByteSource> {
  const name = inputName(input);
  if (typeof input !== 'string') return streamSource(name, input.stream, undefined, () => 0);
  if (input === '-') return streamSource(name, process.stdin, undefined, () => 0);
  let fh: FileHandle;
  let size: number;
  try {
    fh = await openFile(input, 'r');
    const st = await fh.stat();
    if (st.isDirectory()) {
      await fh.close();
      throw new OpenError(name, 'is a directory, not a file');
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
  if (input.toLowerCase().endsWith('.zip') || (headLen === 4 && ZIP_MAGIC.every((b, i) => head[i] === b))) {
    await fh.close();
    return zipSource(name, input, size);
  }
  const gzip = input.endsWith('.gz') || (headLen >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1);
  if (!gzip) return fileSource(name, fh, size);
  await fh.close();
  const raw = createReadStream(input, { highWaterMark: CHUNK });
  const gunzip = raw.pipe(createGunzip({ chunkSize: CHUNK }));
  raw.on('error', (e) => gunzip.destroy(e));
  return streamSource(name, gunzip, size, () => raw.bytesRead, () => raw.destroy());
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * The one file of a zip archive (directories and macOS `__MACOSX/` metadata aside), gunzipped
 * too if its name ends in `.gz`. Progress counts compressed bytes, estimated from the entry's
 * compression ratio (the inflated stream does not expose them).
 */
async function zipSource(name: string, path: string, size: number): Promise<ByteSource> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
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
    const inflated = await zip.openReadStreamPromise(entry);
    const inner = entry.fileName.toLowerCase().endsWith('.gz') ? inflated.pipe(createGunzip({ chunkSize: CHUNK })) : inflated;
    if (inner !== inflated) inflated.on('error', (e) => inner.destroy(e));
    let out = 0;
    inflated.on('data', (b: Buffer) => (out += b.length));
    const ratio = entry.uncompressedSize > 0 ? entry.compressedSize / entry.uncompressedSize : 1;
    return streamSource(name, inner, size, () => Math.min(size, Math.round(out * ratio)), () => zip.close());
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
        const { bytesRead } = await fh.read(buf, offset, len, read);
        read += bytesRead;
        return bytesRead;
      } catch (e) {
        throw openError(name, e);
      }
    },
    close: () => fh.close().catch(() => undefined),
  };
}

/** A ByteSource over a stream; stdin that starts with the gzip magic is decompressed too. */
function streamSource(
  name: string,
  stream: Readable,
  bytesTotal: number | undefined,
  compressedRead: () => number,
  onClose?: () => void,
): ByteSource {
  let it: AsyncIterator<Buffer> = stream[Symbol.asyncIterator]();
  let pending: Buffer | null = null;
  let pendingPos = 0;
  let total = 0;
  let first = bytesTotal === undefined; // only raw streams are sniffed for gzip
  let done = false;
  let gunzipped = false;
  return {
    name,
    bytesTotal,
    bytesRead: () => (bytesTotal === undefined ? total : compressedRead()),
    async readInto(buf, offset, len) {
      while (!pending || pendingPos >= pending.length) {
        if (done) return 0;
        let r: IteratorResult<Buffer>;
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
        if (!gunzipped) total += pending.length;
        if (first) {
          first = false;
          if (pending.length >= 2 && pending[0] === GZIP_MAGIC_0 && pending[1] === GZIP_MAGIC_1) {
            const gunzip = createGunzip({ chunkSize: CHUNK });
            const head = pending;
            const rest = it;
            void (async () => {
              try {
                gunzip.write(head);
                for (;;) {
                  const n = await rest.next();
                  if (n.done) break;
                  total += n.value.length;
                  if (!gunzip.write(n.value)) await new Promise((res) => gunzip.once('drain', res));
                }
                gunzip.end();
              } catch (e) {
                gunzip.destroy(e as Error);
              }
            })();
            it = gunzip[Symbol.asyncIterator]();
            gunzipped = true;
            pending = null;
          }
        }
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
