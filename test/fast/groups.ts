/**
 * `npm run test:fast` runs the kernel, I/O and report test files (`core-*`, `io-*`, `report-*`)
 * in two processes, one per core, each importing every other file, instead of one process per
 * file as `npm test` does. A process per file costs a Node start and a cold JIT for every one of
 * some fifty files: about 40 % of the fast suite's CPU on a 2-core machine (63 s against 37 s of
 * CPU, 35 s against 21 s of wall time, measured when this was written). The full suite keeps one
 * process per file, so a test that leans on state another file left behind still shows there.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The compiled test files the fast suite runs. */
export const FAST_FILE = /^(core|io|report)-.*\.test\.js$/;

/** An entry file of the fast suite: one process. */
const GROUP_ENTRY = /^group-(\d+)\.js$/;

/** The fast suite's files in `dir`, in name order. */
export function fastFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => FAST_FILE.test(name))
    .sort();
}

/** Group `group` of `groups` (0-based): every `groups`-th file from the `group`-th, so the heavy files spread by name. */
export function groupOf(files: readonly string[], group: number, groups: number): string[] {
  return files.filter((_, i) => i % groups === group);
}

/**
 * The test files (names in the directory above) of the group whose entry file is `entryUrl`
 * (`group-K.js`: the K-th of as many groups as there are `group-*.js` files beside it).
 */
export function filesOfEntry(entryUrl: string): string[] {
  const entries = readdirSync(fileURLToPath(new URL('.', entryUrl))).filter((name) => GROUP_ENTRY.test(name));
  const group = Number(GROUP_ENTRY.exec(basename(fileURLToPath(entryUrl)))![1]) - 1;
  return groupOf(fastFiles(fileURLToPath(new URL('..', entryUrl))), group, entries.length);
}

/**
 * Imports the test files of the group whose entry file is `entryUrl` (see filesOfEntry). A file
 * that fails to load becomes a failing test named after it, and the rest still run.
 */
export async function importGroup(entryUrl: string): Promise<void> {
  const dir = fileURLToPath(new URL('..', entryUrl));
  for (const name of filesOfEntry(entryUrl)) {
    try {
      await import(pathToFileURL(dir + name).href);
    } catch (err) {
      test(`${basename(name)} loads`, () => {
        throw err;
      });
    }
  }
}
