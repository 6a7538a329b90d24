/**
 * Shared helpers of the input-layer tests: temp files, reading a source to the end
 * into plain arrays, and a seeded PRNG.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openInput } from '../src/io/sources.js';
import type { InputSpec } from '../src/io/open.js';
import type { ReadOptions, ReadReport } from '../src/io/types.js';
import type { InternalReadOptions } from '../src/io/reader.js';
export { mulberry32 } from './prng.js';

let dir: string | undefined;

/** A fresh file with this content in the process's temp directory; `.gz` names are gzipped. */
export function tmpFile(name: string, content: string | Buffer): string {
  if (dir === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'leadlag-io-'));
    process.on('exit', () => rmSync(made, { recursive: true, force: true }));
    dir = made;
  }
  const path = join(dir, name);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return path;
}

export const STRICT: ReadOptions = { clock: 'exchange', sort: false, skipBadRows: false, worker: false };
export const SKIP: ReadOptions = { ...STRICT, skipBadRows: true };

export interface Quotes {
  t: number[];
  price: number[];
  bid: number[];
  ask: number[];
  lengths: number[];
  report: ReadReport;
}

export interface Trades {
  t: number[];
  price: number[];
  qty: number[];
  side: number[];
  lengths: number[];
  report: ReadReport;
}

/** Reads a quote file (or stream) to the end into plain arrays; `lengths` are the batches'. */
export async function readQuotes(input: InputSpec, opts: InternalReadOptions = STRICT): Promise<Quotes> {
  const src = openInput(input, 'quotes', opts);
  const out = { t: [] as number[], price: [] as number[], bid: [] as number[], ask: [] as number[], lengths: [] as number[] };
  for await (const b of src) {
    out.lengths.push(b.length);
    for (let i = 0; i < b.length; i++) {
      out.t.push(b.t[i]!);
      out.price.push(b.price[i]!);
      out.bid.push(b.bid[i]!);
      out.ask.push(b.ask[i]!);
    }
  }
  return { ...out, report: src.report() };
}

export async function readTrades(input: InputSpec, opts: InternalReadOptions = STRICT): Promise<Trades> {
  const src = openInput(input, 'trades', opts);
  const out = { t: [] as number[], price: [] as number[], qty: [] as number[], side: [] as number[], lengths: [] as number[] };
  for await (const b of src) {
    out.lengths.push(b.length);
    for (let i = 0; i < b.length; i++) {
      out.t.push(b.t[i]!);
      out.price.push(b.price[i]!);
      out.qty.push(b.qty[i]!);
      out.side.push(b.side[i]!);
    }
  }
  return { ...out, report: src.report() };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected an error, got a result');
}


/** Reference ISO-8601 → µs via Date.UTC and the fraction's digits as text (floor to µs). */
export function isoReferenceMicros(text: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(text);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const frac = Number(((m[7] ?? '') + '000000').slice(0, 6));
  let off = 0;
  const z = m[8];
  if (z && z !== 'Z') {
    const digits = z.slice(1).replace(':', '');
    off = (z[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  return (ms - off) * 1000 + frac;
}
