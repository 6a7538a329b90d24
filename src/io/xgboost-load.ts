/**
 * Loads ml-xgboost (XGBoost compiled to WebAssembly by an old emscripten) without letting
 * its runtime print to the user's terminal or take over the process.
 *
 * What the runtime does on load (node_modules/ml-xgboost/dist/wasm/xgboost.js), and what we
 * do about it:
 * - It tries `WebAssembly.instantiateStreaming(fetch(<file path>))`, which always fails in
 *   Node, and reports it through `Module.printErr` (= console.warn, i.e. stderr) as two
 *   lines, "wasm streaming compile failed: TypeError: Failed to parse URL from …" and
 *   "falling back to ArrayBuffer instantiation", before instantiating from the file.
 *   `Module.printErr` is looked up at call time and the failure is reported
 *   asynchronously, so replacing it right after the synchronous require catches both; we
 *   drop exactly those two lines.
 * - C++ stdout/stderr (XGBoost's log lines, abort messages) also go through
 *   `Module.print` (= console.log, i.e. stdout!) and `Module.printErr`. Both now go to
 *   stderr prefixed "xgboost: ", so nothing but our output ever reaches stdout.
 * - It adds `process.on('uncaughtException', ex => { throw ex })` (rethrowing from the
 *   handler turns any uncaught error into exit code 7). We remove every process listener
 *   the load added.
 * - A C `exit()` would call `process.exit(status)`; `Module.exit` now throws instead, so
 *   only src/cli/main.ts decides exit codes.
 * - A failed instantiation calls `abort`, which would leave the ready-promise pending
 *   forever; `Module.onAbort` rejects our promise instead.
 *
 * This module must be the only place that loads ml-xgboost: the runtime is a CommonJS
 * singleton and prints its load noise only on the first require.
 */
import { createRequire } from 'node:module';
import type { XGBoostClass } from '../core/model.js';
import { ResourceError } from '../errors.js';

interface EmscriptenModule {
  print: (text: unknown) => void;
  printErr: (text: unknown) => void;
  exit: (status: number) => void;
  onAbort?: (what: unknown) => void;
}

/** The two lines the runtime always prints when loading under Node. */
const LOAD_NOISE = /^(wasm streaming compile failed: |falling back to ArrayBuffer instantiation)/;

/** Process events whose listeners we check the runtime did not leave behind. */
const WATCHED_EVENTS = ['uncaughtException', 'unhandledRejection', 'exit', 'beforeExit', 'SIGINT', 'SIGTERM'] as const;

/** `process` seen as a plain emitter: its typed overloads do not accept an event-name variable. */
const processEvents: NodeJS.EventEmitter = process;

let loading: Promise<XGBoostClass> | undefined;

/** The ml-xgboost class, loaded once (≈ 0.2 s the first time). */
export function loadXGBoost(): Promise<XGBoostClass> {
  loading ??= load();
  return loading;
}

async function load(): Promise<XGBoostClass> {
  const require = createRequire(import.meta.url);
  const before = new Map(WATCHED_EVENTS.map((e) => [e, new Set(processEvents.listeners(e))]));
  let runtime: EmscriptenModule;
  let ready: Promise<XGBoostClass>;
  try {
    runtime = require('ml-xgboost/dist/wasm/xgboost.js') as EmscriptenModule;
    tameRuntime(runtime);
    // The package entry requires the same runtime file (module cache) and resolves to the class.
    ready = require('ml-xgboost') as Promise<XGBoostClass>;
  } catch (e) {
    throw isMemoryRefused(e) ? memoryRefused(e) : e;
  } finally {
    removeAddedListeners(before);
  }
  const aborted = new Promise<never>((_, reject) => {
    runtime.onAbort = (what) => reject(new Error(`XGBoost failed to load: ${String(what)}`));
  });
  return Promise.race([ready, aborted]);
}

/** The runtime creates its WebAssembly memory as it loads; V8 says this when the reservation is refused. */
function isMemoryRefused(e: unknown): boolean {
  return e instanceof RangeError && /WebAssembly\.Memory\(\): could not allocate memory/.test(e.message);
}

function memoryRefused(cause: unknown): ResourceError {
  return new ResourceError(
    'XGBoost cannot start: the system refused its WebAssembly memory, which reserves about 10 GiB of address space (little of it is used); a limit on virtual memory (`ulimit -v`) is the usual cause: raise it, e.g. `ulimit -v unlimited`',
    { cause },
  );
}

function tameRuntime(runtime: EmscriptenModule): void {
  const toStderr = (text: unknown): void => {
    process.stderr.write(`xgboost: ${String(text)}\n`);
  };
  runtime.printErr = (text) => {
    if (!LOAD_NOISE.test(String(text))) toStderr(text);
  };
  runtime.print = toStderr;
  runtime.exit = (status) => {
    throw new Error(`XGBoost tried to exit the process with status ${status}`);
  };
}

function removeAddedListeners(before: Map<(typeof WATCHED_EVENTS)[number], Set<Function>>): void {
  for (const [event, old] of before) {
    for (const listener of processEvents.listeners(event)) {
      if (!old.has(listener)) processEvents.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
}
