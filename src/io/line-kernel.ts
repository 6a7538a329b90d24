/**
 * The fast path's common line in WebAssembly (src/io/wasm/line-scan.wat, built into
 * line-scan-wasm.ts by scripts/build-wasm.ts): a line of plain fields whose mapped columns are
 * unsigned decimals, the whole of a usual tick file. The kernel takes exactly the lines the
 * JavaScript loop of FastParser.parseLines would read through its fused scan, with the same
 * numbers bit for bit, and refuses every other line, which that loop then reads as before.
 * Over the bench hour's larger file it reads the lines in a third of the loop's time.
 *
 * A LineKernel is one reader's: its memory holds the reader's two read buffers (the file's
 * bytes are read straight into them, so nothing is copied in) and the rows the kernel took
 * from the last call (copied out by the parser into its RowScratch, row by row, for the sink).
 * Its memory never grows, so the buffers' views stay valid.
 */
import { LINE_SCAN_WASM } from './line-scan-wasm.js';
import { growTo, moduleOnce, wasm, type WasmMemory } from '../core/wasm-module.js';
import { ROLE_CLOCK2, ROLE_SIDE, ROLE_SYMBOL, type FormatPlan } from './formats.js';
import { POW10 } from './numbers.js';

/** Rows the kernel takes per call, at most. */
export const KERNEL_ROWS = 4096;
/** The largest read buffer a kernel holds (the reader's: a 1 MiB read behind up to 1 MiB of a carried line, and a byte it may append). */
export const KERNEL_BUFFER_BYTES = 2 * ((1 << 20) + 1);
/** The widest header the kernel reads (its role table's size). */
const MAX_COLUMNS = 448;
/** The roles the kernel writes in the column of their number: time, bid, ask, price, quantity (ROLE_TIME … ROLE_QTY). */
const KERNEL_ROLES = ROLE_SIDE;
/** The kernel's column for the second clock (ROLE_CLOCK2, which inspect reads): the one after the others. */
export const KERNEL_CLOCK2 = KERNEL_ROLES;
/** Output columns: those roles', then the second clock's. */
const KERNEL_COLUMNS = KERNEL_ROLES + 1;
/** The kernel's role for the symbol column (ROLE_SYMBOL): compared with the file's first symbol, no output. */
const KERNEL_SYMBOL = KERNEL_COLUMNS;
/** The longest first symbol the kernel compares with (its bytes' room below the buffers); a longer one leaves the lines to the JavaScript loop. */
const MAX_SYMBOL_BYTES = 320;
const DOT = 46;

// Addresses of the kernel's layout (see the .wat).
const AT_NCOLS = 0;
const AT_TIME_EXP = 4;
const AT_DELIMITER = 8;
const AT_OUT = 12;
const AT_COL_BYTES = 16;
const AT_LINES = 20;
const AT_CLOCK2_EXP = 24;
/** The first symbol's length; −1 while none is compared (unknown, or one the kernel leaves to the loop). */
const AT_SYMBOL_LENGTH = 28;
const AT_ROLES = 64;
const AT_POW10 = 512;
const AT_SYMBOL = 704;
const AT_BUFFERS = 1024;

interface Exports {
  readonly memory: WasmMemory;
  readonly scan: (p: number, end: number, max: number) => number;
  readonly stopAt: () => number;
}

/** Kernels released by readers that have finished, for the next (see LineKernel.acquire). */
const idle: Exports[] = [];

/** The compiled module, null where the engine cannot compile it: the JavaScript loop then reads every line, to the same rows. */
const kernelModule = moduleOnce(LINE_SCAN_WASM);

/**
 * A fresh instance, null when its memory cannot be had: a WebAssembly memory reserves its
 * address space up front (about 10 GiB in V8), which a low `ulimit -v` refuses; the JavaScript
 * loop then reads every line.
 */
function newInstance(module: object): Exports | null {
  try {
    return new wasm.Instance(module).exports as Exports;
  } catch {
    return null;
  }
}

/** Whether `plan` is one the kernel reads: a delimiter below '.', no column past its table, no role it does not write. */
export function kernelReads(plan: FormatPlan): boolean {
  if (plan.delimiter >= DOT || plan.ncols > MAX_COLUMNS) return false;
  for (let c = 0; c < plan.ncols; c++) {
    const role = plan.colRole[c]!;
    if (role >= KERNEL_ROLES && role !== ROLE_CLOCK2 && role !== ROLE_SYMBOL) return false;
  }
  return true;
}

export class LineKernel {
  /** The two read buffers, in the kernel's memory. */
  readonly buffers: readonly [Buffer, Buffer];
  /** What the last scan took: column r holds role r's values (time in µs), row by row; column KERNEL_CLOCK2 the second clock's (µs). */
  readonly columns: Float64Array[];
  private readonly starts: Int32Array;
  private readonly exports: Exports;
  private readonly i32: Int32Array;
  /** The first symbol the kernel compares with, as last written (setSymbol), and the plan's delimiter. */
  private symbol: Uint8Array | null = null;
  private delimiter = 0;

  private constructor(exports: Exports, bufferBytes: number) {
    this.exports = exports;
    const slot = (KERNEL_BUFFER_BYTES + 15) & ~15;
    const out = AT_BUFFERS + 2 * slot;
    const colBytes = KERNEL_ROWS * 8;
    const lines = out + KERNEL_COLUMNS * colBytes;
    const bytes = lines + KERNEL_ROWS * 4;
    const buffer = growTo(exports.memory, bytes);
    this.buffers = [Buffer.from(buffer, AT_BUFFERS, bufferBytes), Buffer.from(buffer, AT_BUFFERS + slot, bufferBytes)];
    this.columns = Array.from({ length: KERNEL_COLUMNS }, (_, r) => new Float64Array(buffer, out + r * colBytes, KERNEL_ROWS));
    this.starts = new Int32Array(buffer, lines, KERNEL_ROWS);
    this.i32 = new Int32Array(buffer, 0, AT_POW10 / 4);
    new Float64Array(buffer, AT_POW10, POW10.length).set(POW10);
    this.i32[AT_OUT / 4] = out;
    this.i32[AT_COL_BYTES / 4] = colBytes;
    this.i32[AT_LINES / 4] = lines;
    this.i32[AT_SYMBOL_LENGTH / 4] = -1;
  }

  /**
   * A kernel with two read buffers of `bufferBytes` (at most KERNEL_BUFFER_BYTES), for one
   * reader until it calls release(); null where WebAssembly cannot run it or the buffers would
   * not fit. Released kernels are kept for the next reader of this thread: a thread makes as
   * many as it has readers with kernels open at once (reader.ts gives one only to reads of
   * 256 KiB or more: a file read in full, not the first rows of each of many files).
   */
  static acquire(bufferBytes: number): LineKernel | null {
    if (bufferBytes > KERNEL_BUFFER_BYTES) return null;
    const module = kernelModule();
    if (module === null) return null;
    const exports = idle.pop() ?? newInstance(module);
    return exports === null ? null : new LineKernel(exports, bufferBytes);
  }

  /** Gives the kernel's memory back for the next reader; its buffers must not be used after. */
  release(): void {
    idle.push(this.exports);
  }

  /** Whether `buf` is one of this kernel's buffers (a buffer grown for a long line is not). */
  owns(buf: Uint8Array): boolean {
    return buf.buffer === this.exports.memory.buffer;
  }

  /** Sets the plan's columns; the caller has checked kernelReads(plan). */
  setPlan(plan: FormatPlan): void {
    const i32 = this.i32;
    i32[AT_NCOLS / 4] = plan.ncols;
    i32[AT_DELIMITER / 4] = plan.delimiter;
    const roles = new Int8Array(this.exports.memory.buffer, AT_ROLES, plan.ncols);
    for (let c = 0; c < plan.ncols; c++) {
      const role = plan.colRole[c]!;
      roles[c] = role === ROLE_CLOCK2 ? KERNEL_CLOCK2 : role === ROLE_SYMBOL ? KERNEL_SYMBOL : role;
    }
    this.symbol = null;
    this.delimiter = plan.delimiter;
    this.i32[AT_SYMBOL_LENGTH / 4] = -1;
  }

  /**
   * The file's first symbol, which every line's symbol field must equal byte for byte (a line
   * naming another, or any line while it is unknown or too long to hold, is refused: the
   * JavaScript loop judges it).
   */
  setSymbol(symbol: Uint8Array): void {
    if (symbol === this.symbol) return;
    this.symbol = symbol;
    // A symbol with a line end, a quote or the delimiter in it (a quoted field's) is never
    // compared here: the compare's bound is the line's '\n', and an unquoted line with the same
    // bytes would be more fields (a long row to the loop). An empty one is compared (length 0).
    const fits = symbol.length <= MAX_SYMBOL_BYTES && !symbol.includes(10) && !symbol.includes(13) && !symbol.includes(34) && !symbol.includes(this.delimiter);
    if (fits) new Uint8Array(this.exports.memory.buffer, AT_SYMBOL, symbol.length).set(symbol);
    this.i32[AT_SYMBOL_LENGTH / 4] = fits ? symbol.length : -1;
  }

  /**
   * Takes the lines of buf[p, end) (buf one of this kernel's buffers, end just past a '\n')
   * until the first line it refuses or KERNEL_ROWS rows; returns the rows taken (into
   * `columns`). `timeExp`: the time column's exponent to µs (TimeConverter.fastExponent, ≥ 0);
   * `clock2Exp` the second clock's, where the plan reads one (≥ 0; −1 refuses every line).
   */
  scan(buf: Uint8Array, p: number, end: number, timeExp: number, clock2Exp = -1): number {
    this.i32[AT_TIME_EXP / 4] = timeExp;
    this.i32[AT_CLOCK2_EXP / 4] = clock2Exp;
    const base = buf.byteOffset;
    return this.exports.scan(base + p, base + end, KERNEL_ROWS);
  }

  /** Where the last scan of `buf` stopped: `end`, or the start of the next line to read. */
  stop(buf: Uint8Array): number {
    return this.exports.stopAt() - buf.byteOffset;
  }

  /** Where each row of the last scan starts, as an address in the kernel's memory (less `buf.byteOffset`: an index in buf). */
  get lineStarts(): Int32Array {
    return this.starts;
  }
}
