/**
 * What every input becomes once opened (open.ts), and how a failure to open or read one is
 * said: apart from open.ts so that the gzip inflater (inflate.ts), which open.ts uses, needs
 * nothing from it.
 */
import { OpenError } from '../errors.js';

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

/** A system error in a few plain words. */
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
