/**
 * A gzip file inflated in the reading thread, straight into the reader's buffer.
 *
 * Why not zlib's stream: a gunzip stream inflates in libuv's thread pool into a fresh 1 MiB
 * buffer per chunk, which the reader then copies into its own. Over the bench hour's perp file
 * (466 MB inflated per half hour) the stream took 0.92–0.99 s of CPU, 0.24–0.31 s of it the
 * kernel's, faulting in the fresh buffers' pages; inflating into one reused buffer took
 * 0.43 s. So this inflates with zlib's own engine (the stream's native handle, synchronously,
 * as zlib's sync functions do) into the bytes the reader asks to fill.
 *
 * The handle and its state array are not public API: {@link syncInflaterAvailable} checks that
 * they are there and inflate a small member whole, and where they do not the caller keeps the
 * stream. The native side is the stream's, so every byte, every further gzip member and every
 * error is the same.
 */
import { readAt } from './file-read.js';
import type { FileHandle } from 'node:fs/promises';
import { constants, createGunzip, gzipSync, type Gunzip } from 'node:zlib';
import { openError, type ByteSource } from './byte-source.js';

/** The parts of a zlib object's native handle used here (what zlib's own sync path uses). */
interface ZlibInternals {
  readonly _handle: {
    writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  } | null;
  /** [avail_out, avail_in] after a write. */
  readonly _writeState: Uint32Array;
}

function internals(z: Gunzip): ZlibInternals | undefined {
  const i = z as unknown as Partial<ZlibInternals>;
  return typeof i._handle?.writeSync === 'function' && i._writeState instanceof Uint32Array && i._writeState.length >= 2 ? (i as ZlibInternals) : undefined;
}

let available: boolean | undefined;

/**
 * Whether this Node's zlib objects have the native handle this module drives, and it behaves
 * as expected: a small gzip member must come out whole, with its input used up.
 */
export function syncInflaterAvailable(): boolean {
  if (available === undefined) {
    const z = createGunzip();
    z.on('error', () => {});
    try {
      available = inflatesWhole(z);
    } catch {
      available = false;
    } finally {
      z.close();
    }
  }
  return available;
}

/** Whether `z`'s handle, written synchronously, gives back a small member whole, its input used up. */
function inflatesWhole(z: Gunzip): boolean {
  const zi = internals(z);
  if (zi === undefined || zi._handle === null) return false;
  const text = Buffer.from('time,bid,ask\n');
  const member = gzipSync(text);
  const out = Buffer.alloc(64);
  zi._handle.writeSync(constants.Z_FINISH, member, 0, member.length, out, 0, out.length);
  const [availOut, availIn] = zi._writeState as unknown as [number, number];
  return !z.errored && availIn === 0 && out.subarray(0, out.length - availOut).equals(text);
}

/**
 * The inflated bytes of the gzip file open as `fh` (`size` bytes), read `chunk` compressed
 * bytes at a time. `bytesRead` counts compressed bytes, as the stream's did.
 * @throws OpenError (from readInto) for corrupt or truncated gzip data, with the stream's words.
 */
export function inflatingSource(name: string, fh: FileHandle, size: number, chunk = 1 << 20): ByteSource {
  const z = createGunzip();
  // zlib reports a data error by destroying the object, which emits 'error' a tick later: the
  // error is read from `errored` right after the write, and the event must not go unheard.
  z.on('error', () => {});
  const zi = internals(z)!;
  const input = Buffer.allocUnsafe(chunk);
  let inOff = 0;
  let inLen = 0;
  let position = 0;
  let fileEnded = false;
  let done = false;

  async function refill(): Promise<void> {
    let n: number;
    try {
      n = await readAt(fh, input, 0, chunk, position);
    } catch (e) {
      throw openError(name, e);
    }
    position += n;
    inOff = 0;
    inLen = n;
    if (n === 0) fileEnded = true;
  }

  /** The data ends before the file does: nothing more is read (progress shows the whole file). */
  function endHere(): void {
    inLen = 0;
    done = true;
    position = size;
  }

  /** Inflates into buf[offset, offset + len); the bytes it wrote. */
  function inflateInto(buf: Uint8Array, offset: number, len: number): number {
    const handle = zi._handle;
    if (handle === null) throw openError(name, z.errored ?? new Error('the gzip reader was closed'));
    // At the end of the file, Z_FINISH makes an unfinished member an error ('unexpected end of file').
    handle.writeSync(fileEnded ? constants.Z_FINISH : constants.Z_NO_FLUSH, input, inOff, inLen, buf, offset, len);
    if (z.errored) throw openError(name, z.errored);
    const [availOut, availIn] = zi._writeState as unknown as [number, number];
    inOff += inLen - availIn;
    inLen = availIn;
    return len - availOut;
  }

  return {
    name,
    bytesTotal: size,
    bytesRead: () => position,
    async readInto(buf, offset, len) {
      // The native write asserts its bounds (an abort, not an exception): check them here.
      if (!(offset >= 0 && len >= 0 && offset + len <= buf.length)) throw new RangeError(`readInto: [${offset}, ${offset + len}) is outside a buffer of ${buf.length}`);
      let wrote = 0;
      while (wrote === 0 && !done && len > 0) {
        if (inLen === 0 && !fileEnded) await refill();
        const before = inLen;
        wrote = inflateInto(buf, offset, len);
        // Input the engine takes nothing of, with room to write, follows the last member (zero
        // padding): the stream ends there, whatever follows, as zlib's stream and sync paths end.
        if (wrote === 0 && inLen > 0 && inLen === before) endHere();
        // Nothing more comes out once the file has ended and no input is left.
        if (wrote === 0 && fileEnded && inLen === 0) done = true;
      }
      return wrote;
    },
    async close() {
      done = true;
      z.close();
      await fh.close().catch(() => undefined);
    },
  };
}
