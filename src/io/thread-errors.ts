/**
 * Errors across threads: a worker (worker.ts, inspect-worker.ts) sends the error it met as data,
 * and the main thread throws it again as the same class, so that it reaches the user as the
 * same message and exit code as when the work runs in the main thread. A module of its own: a
 * worker's entry module runs its work on import.
 */
import { DataError, OpenError, UsageError } from '../errors.js';

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly file?: string;
  readonly line?: number;
  readonly problem?: string;
  readonly value?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof DataError) return { name: e.name, message: e.message, file: e.file, line: e.line, problem: e.problem, value: e.value };
  if (e instanceof OpenError) return { name: e.name, message: e.message, file: e.file, problem: e.problem };
  // A column option naming a column the file lacks is found by the reader, in the worker.
  if (e instanceof UsageError) return { name: e.name, message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, stack: err.stack };
}

/** The error a worker reported, as the same class it was thrown as. */
export function deserializeError(s: SerializedError): Error {
  if (s.name === 'DataError') return new DataError(s.file!, s.line, s.problem!, s.value);
  if (s.name === 'OpenError') return new OpenError(s.file!, s.problem!);
  if (s.name === 'UsageError') return new UsageError(s.message);
  const e = new Error(`${s.message} (in a worker thread)`);
  if (s.stack) e.stack = s.stack;
  return e;
}
