/**
 * Output files that are never half written and never an input: every file leadlag writes
 * (`--dump-features`, `--save-model`, and any later report, state or plot file) goes through
 * this module.
 *
 * - `prepareOutputs` runs before any input is read: it refuses an output that is the same
 *   file as an input or as another output (same device and inode after following links;
 *   exit 2) and checks that each output can be created (exit 73), so a bad path fails in
 *   a second instead of after the whole computation.
 * - `writeFileAtomic` / `openAtomicWriter` write into a temporary file in the target's
 *   directory and rename it over the target only once it is complete. On an error, or on
 *   SIGINT / SIGTERM / SIGHUP, the temporary file is removed and an existing target is left
 *   untouched. A target that exists and is not a regular file (a FIFO, `/dev/stdout`, a
 *   process substitution `>(gzip > f.gz)`) cannot be replaced and is written in place.
 */
import { constants, rmSync, write as writeFd, type Stats } from 'node:fs';
import { access, lstat, open, readlink, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { fstatSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OutputError, UsageError, shownName } from '../errors.js';

/** An output file and the option that named it (for messages). */
export interface OutputTarget {
  readonly option: string;
  readonly path: string;
}

/** Bytes handed to the file system per write: between two writes a signal can be handled. */
const SLICE = 1 << 20;

const WRITE_PROBLEMS: Record<string, string> = {
  EISDIR: 'is a directory',
  ENOENT: 'no such directory',
  ENOTDIR: 'a parent is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EBADF: 'not open for writing',
  ENXIO: 'no reader on the other end (a FIFO)',
  ENAMETOOLONG: 'file name too long',
};

/** The OutputError (exit 73) for a failure writing `path`; EPIPE passes through as is. */
export function outputError(path: string, err: unknown): Error {
  if (err instanceof OutputError) return err;
  const e = err as NodeJS.ErrnoException;
  // An output that is a pipe whose reader has gone (`--dump-features >(head)`): like a closed
  // stdout, the reader wanted no more; the entry point ends quietly.
  if (e?.code === 'EPIPE') return e;
  return new OutputError(path, WRITE_PROBLEMS[e?.code ?? ''] ?? e?.message ?? String(err));
}

/** A file name to suggest under a folder given where a file was wanted. */
const DEFAULT_NAMES: Readonly<Record<string, string>> = { '--html': 'report.html', '--state': 'run.state', '--save-model': 'model.json', '--dump-features': 'features.csv', '--plot': 'plot.html' };

/**
 * Refuses, before anything is read, outputs that would destroy an input or each other, and
 * checks that every output can be created. `inputs` may hold `-` (standard input: its file,
 * when it is redirected from one, counts too); inputs that do not exist are left to the reader.
 * @throws UsageError (exit 2) naming both files when an output is an input or another output;
 *   OutputError (exit 73) when an output cannot be created.
 */
export async function prepareOutputs(outputs: readonly OutputTarget[], inputs: readonly string[]): Promise<void> {
  const inputIds = await Promise.all(inputs.map(async (p) => ({ path: p, id: await fileId(p) })));
  const seen: { target: OutputTarget; key: string }[] = [];
  for (const target of outputs) {
    // Elsewhere `-` means a standard stream: a file named `-` written here would surprise.
    if (target.path === '-') throw new UsageError(`${target.option} names a file to write; - is not one here (write ./- for a file of that name)`);
    // An empty value (--html "", an unset shell variable) names no file: a usage error, not a write failure.
    if (target.path === '') throw new UsageError(`${target.option} needs a file name to write, got ${JSON.stringify(target.path)}`);
    // `out/` names a folder: its file would have been written as `out`, beside it.
    if (target.path.endsWith('/')) throw new UsageError(`${target.option} ${shownName(target.path)} names a folder (it ends in /); give a file's name, e.g. ${shownName(`${target.path}${DEFAULT_NAMES[target.option] ?? 'out'}`)}`);
    const id = await fileId(target.path);
    const input = id === undefined ? undefined : inputIds.find((i) => i.id === id);
    if (input) {
      const name = input.path === '-' ? 'standard input' : `the input ${shownName(input.path)}`;
      throw new UsageError(`${target.option} ${shownName(target.path)} is the same file as ${name}; refusing to overwrite an input`);
    }
    const key = id ?? `path:${resolve(await resolveTarget(target.path))}`;
    const twin = seen.find((s) => s.key === key);
    if (twin) throw new UsageError(`${target.option} ${shownName(target.path)} and ${twin.target.option} ${shownName(twin.target.path)} are the same file`);
    seen.push({ target, key });
    await checkCreatable(target.path);
  }
}

/** "dev:ino" of the file `path` names (links followed; `-` is file descriptor 0), undefined when it does not exist. */
async function fileId(path: string): Promise<string | undefined> {
  try {
    const st = path === '-' ? fstatSync(0) : await stat(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * The path a write really goes to: a symlink to a file is followed (the link stays, its
 * target is replaced), a dangling one points at the file it names.
 */
async function resolveTarget(path: string): Promise<string> {
  const st = await stat(path).catch(() => undefined);
  // A device, FIFO or `/dev/fd/N` (whose link names no path) is used as named.
  if (st && !st.isFile()) return path;
  try {
    return await realpath(path);
  } catch {
    try {
      if ((await lstat(path)).isSymbolicLink()) return resolve(dirname(path), await readlink(path));
    } catch {
      // not there at all: the path itself, in its folder's real place
    }
    // Two names of one new file through a linked folder (o/new, o2/new with o2 → o) must meet.
    const dir = await realpath(dirname(path)).catch(() => undefined);
    return dir === undefined ? path : join(dir, basename(path));
  }
}

/**
 * Checks that `path` can be written now: not a directory, not a read-only file, and its
 * directory accepts a new file (a probe file is created and removed).
 * @throws OutputError (exit 73).
 */
export async function checkCreatable(path: string): Promise<void> {
  // One of this process's open descriptors (/dev/stdout) is written where it stands, if open.
  const fd = descriptorOf(path);
  if (fd !== undefined) {
    try {
      fstatSync(fd);
    } catch (e) {
      throw outputError(path, e);
    }
    return;
  }
  const target = await resolveTarget(path);
  try {
    const st = await stat(target).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    if (st?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (st && !st.isFile()) return; // a FIFO or device is written in place
    if (st) await access(target, constants.W_OK);
    const probe = tempName(target);
    track(probe);
    try {
      await (await open(probe, 'wx')).close();
      await unlink(probe);
    } finally {
      untrack(probe);
    }
  } catch (e) {
    throw outputError(path, e);
  }
}

/**
 * Writes `data` to `path` atomically: readers of `path` see the old file or the complete new
 * one, never a part.
 * @throws OutputError (exit 73); the target is then unchanged and no temporary file is left.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const w = await openAtomicWriter(path);
  try {
    await writeWhole(w, data);
  } catch (e) {
    await w.abort();
    throw e;
  }
  await w.commit();
}

/** Hands a writer all of `data`, SLICE bytes at a time. */
async function writeWhole(w: AtomicWriter, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let i = 0; i < bytes.length; i += SLICE) await w.write(bytes.subarray(i, Math.min(bytes.length, i + SLICE)));
}

/**
 * Several files written as one: each whole in its temporary file and synced first, the renames
 * last, one after another. A failure while writing or syncing (a full disk, a signal) leaves
 * every target as it was; before, classify's feature file was replaced and its model not.
 * @throws OutputError (exit 73); no temporary file is left.
 */
export async function writeFilesAtomic(files: readonly { readonly path: string; readonly data: string | Uint8Array }[]): Promise<void> {
  // Targets written in place (/dev/stdout, a FIFO, >(…)) can be neither held back nor undone, and
  // a reader there may leave early (EPIPE: a quiet exit): they come after the files' renames.
  const inPlace = await Promise.all(files.map(async (f) => (await placeOf(f.path)).inPlace));
  await writeRenamed(files.filter((_, i) => !inPlace[i]));
  for (const f of files.filter((_, i) => inPlace[i])) await writeFileAtomic(f.path, f.data);
}

/** writeFilesAtomic's files replaced by a rename: all written and synced, then renamed. */
async function writeRenamed(files: readonly { readonly path: string; readonly data: string | Uint8Array }[]): Promise<void> {
  const writers: AtomicWriter[] = [];
  try {
    for (const f of files) {
      const w = await openAtomicWriter(f.path);
      writers.push(w);
      await writeWhole(w, f.data);
      await w.ready();
    }
  } catch (e) {
    await Promise.all(writers.map((w) => w.abort()));
    throw e;
  }
  for (const w of writers) await w.commit();
}

/** A file being written: `write` any number of times, then `commit` (or `abort`). */
export interface AtomicWriter {
  /** The path given to openAtomicWriter. */
  readonly path: string;
  write(chunk: string | Uint8Array): Promise<void>;
  /** Syncs and closes the temporary file, leaving only the rename to commit (which calls it if not yet called). */
  ready(): Promise<void>;
  /** Makes the file visible under its name; after an error the target is unchanged. */
  commit(): Promise<void>;
  /** Removes the temporary file; the target is unchanged. Safe to call twice or after commit. */
  abort(): Promise<void>;
}

/**
 * Opens a streaming atomic writer for `path` (see writeFileAtomic). The temporary file is
 * `.NAME.PID-RANDOM.tmp` beside the target; it keeps the mode of an existing target.
 * @throws OutputError (exit 73) when the temporary file cannot be created.
 */
export async function openAtomicWriter(path: string): Promise<AtomicWriter> {
  const place = await placeOf(path);
  if (place.fd !== undefined) return descriptorWriter(path, place.fd);
  const { target, existing } = place;
  if (place.inPlace) return inPlaceWriter(path, target);
  const temp = tempName(target);
  // Tracked before it exists: a signal may come while the file is being created.
  track(temp);
  let fh: FileHandle;
  try {
    fh = await open(temp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
  } catch (e) {
    untrack(temp);
    throw outputError(path, e);
  }
  let state: 'open' | 'ready' | 'committed' | 'aborted' = 'open';
  const abort = async (): Promise<void> => {
    if (state !== 'open' && state !== 'ready') return;
    if (state === 'open') await fh.close().catch(() => undefined);
    state = 'aborted';
    await unlink(temp).catch(() => undefined);
    untrack(temp);
  };
  const ready = async (): Promise<void> => {
    if (state === 'ready') return;
    if (state !== 'open') throw new Error(`${path}: ready after the file was ${state}`);
    try {
      await fh.sync();
      await fh.close();
    } catch (e) {
      await abort();
      throw outputError(path, e);
    }
    state = 'ready';
  };
  return {
    path,
    async write(chunk) {
      if (state !== 'open') throw new Error(`${path}: write after the file was ${state}`);
      try {
        await writeAll(fh, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      } catch (e) {
        await abort();
        throw outputError(path, e);
      }
    },
    ready,
    async commit() {
      await ready();
      try {
        await rename(temp, target);
      } catch (e) {
        await abort();
        throw outputError(path, e);
      }
      state = 'committed';
      untrack(temp);
    },
    abort,
  };
}

/**
 * 1 or 2 where `path` names this process's stdout or stderr — `/dev/stdout`, `/dev/fd/1`,
 * `/proc/self/fd/2` … — and that descriptor is on a regular file; else undefined. Such a path
 * (`--html /dev/stdout >> log`) leads to the file: replaced by a rename, it lost what `>>`
 * meant to keep, and opened afresh it would be written from its start. It is written through
 * the descriptor itself instead, at the shell's offset, as a redirection expects. On a pipe or a
 * terminal the path is opened as before (the runtime makes its own descriptor 1 non-blocking on
 * a pipe, and a write past the pipe's 64 KiB then failed); other descriptors are not used at all
 * (the runtime holds some of its own).
 */
function descriptorOf(path: string): number | undefined {
  const m = /^\/dev\/(?:(stdout)|(stderr)|fd\/([12]))$|^\/proc\/(?:self|thread-self|(\d+))\/fd\/([12])$/.exec(resolve(path));
  if (m === null) return undefined;
  if (m[4] !== undefined && Number(m[4]) !== process.pid) return undefined;
  const fd = m[1] !== undefined ? 1 : m[2] !== undefined ? 2 : Number(m[3] ?? m[5]);
  try {
    return fstatSync(fd).isFile() ? fd : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How `path` is written: through one of the process's descriptors (descriptorOf), or to its
 * resolved target, in place when that exists and is no regular file (a FIFO, a device, a
 * terminal: it cannot be replaced), else by a rename over it (`existing`: its stat, for the mode).
 */
async function placeOf(path: string): Promise<{ readonly fd: number; readonly inPlace: true } | { readonly fd?: undefined; readonly inPlace: boolean; readonly target: string; readonly existing: Stats | undefined }> {
  const fd = descriptorOf(path);
  if (fd !== undefined) return { fd, inPlace: true };
  const target = await resolveTarget(path);
  const existing = await stat(target).catch(() => undefined);
  return { inPlace: existing !== undefined && !existing.isFile() && !existing.isDirectory(), target, existing };
}

/** Writes into an open descriptor of the process (descriptorOf): nothing to commit, nothing to undo, and the descriptor stays open. */
function descriptorWriter(path: string, fd: number): AtomicWriter {
  const sink: PartialWriter = {
    write: (buffer, offset, length) => new Promise((res, rej) => writeFd(fd, buffer, offset, length, null, (e, bytesWritten) => (e ? rej(e) : res({ bytesWritten })))),
  };
  return {
    path,
    async write(chunk) {
      try {
        await writeAll(sink, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      } catch (e) {
        throw outputError(path, e);
      }
    },
    ready: async () => {},
    commit: async () => {},
    abort: async () => {},
  };
}

/** A FIFO or device cannot be replaced, and holds no old content to protect: write into it. */
async function inPlaceWriter(path: string, target: string): Promise<AtomicWriter> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(target, 'w');
  } catch (e) {
    throw outputError(path, e);
  }
  const close = async () => {
    const h = fh;
    fh = undefined;
    await h?.close().catch(() => undefined);
  };
  return {
    path,
    async write(chunk) {
      try {
        await writeAll(fh!, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      } catch (e) {
        await close();
        throw outputError(path, e);
      }
    },
    ready: async () => {},
    commit: close,
    abort: close,
  };
}

/** What a file handle's write must do for writeAll: write some bytes of a range, saying how many. */
export interface PartialWriter {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
}

/**
 * Writes every byte of `bytes`. One write(2) may take fewer bytes than it was given: on a
 * device that fills up it writes what fits and reports no error, and only the next call fails.
 * Taking the first count as the whole once committed a cut-off file over the old one and
 * exited 0; so the rest is written again, and a write that makes no progress is a full device.
 * @throws an ENOSPC error when a write takes no byte.
 */
export async function writeAll(fh: PartialWriter, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done);
    if (!(bytesWritten > 0)) throw Object.assign(new Error('no space left on the device'), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}

/**
 * The temporary file beside `target`: `.NAME.PID-RANDOM.tmp`, with NAME cut so that the whole
 * stays within the 255 bytes a file name may have (a target's own name may use them all).
 */
export function tempName(target: string): string {
  const suffix = `.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  return join(dirname(target), `.${cutToBytes(basename(target), NAME_MAX - 1 - Buffer.byteLength(suffix))}${suffix}`);
}

/** Bytes in a file name on the file systems leadlag writes to (ext4, xfs, btrfs, tmpfs, APFS). */
const NAME_MAX = 255;

/** `name` cut to at most `max` UTF-8 bytes, at a character's edge. */
function cutToBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  let out = '';
  for (const ch of name) {
    if (Buffer.byteLength(out + ch) > max) break;
    out += ch;
  }
  return out;
}

// ── temporary files alive in this process, removed on exit and on a deadly signal ──

const live = new Set<string>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The handlers are installed with the first temporary file and removed two turns of the event
 * loop after the last one is gone. Not at once: a signal caught while they are installed is
 * handled only at the next poll of the event loop, and when the commit ran first, removing them
 * at once swallowed it and the process went on to exit 0. Two turns hold at least one poll, which
 * delivers a signal caught before. Not for the rest of the process either: a handler runs only
 * between the event loop's turns, so Ctrl-C during a long computation would wait for it, where
 * without a handler the kernel ends the process at once.
 */
let handlersInstalled = false;

function track(temp: string): void {
  live.add(temp);
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', removeLiveTemps);
}

function untrack(temp: string): void {
  if (!live.delete(temp) || live.size > 0) return;
  setImmediate(() => setImmediate(removeHandlersWhenIdle));
}

function removeHandlersWhenIdle(): void {
  if (live.size > 0 || !handlersInstalled) return;
  removeHandlers();
}

function removeHandlers(): void {
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', removeLiveTemps);
  handlersInstalled = false;
}

/**
 * A temporary path of this process that is not an output's (a directory and what it holds, or a
 * file): removed on exit and on a deadly signal, as the outputs' temporary files are, until the
 * returned function removes it and lets it go.
 */
export function holdTemporary(path: string): () => void {
  track(path);
  return () => {
    removeNow(path);
    untrack(path);
  };
}

/** Synchronous: runs from 'exit' and signal handlers, where nothing asynchronous completes. */
function removeLiveTemps(): void {
  for (const t of live) removeNow(t);
  live.clear();
}

function removeNow(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // already gone, or not ours to remove any more
  }
}

/** Removes the temporary files, then dies of the same signal, as if no handler had been installed. */
function onSignal(signal: NodeJS.Signals): void {
  removeLiveTemps();
  removeHandlers();
  process.kill(process.pid, signal);
}
