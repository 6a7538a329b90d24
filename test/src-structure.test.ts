/**
 * The source tree's shape (the README's Development section): pure kernels in src/core, with
 * no I/O and nothing from the layers above them, and no module that needs itself to load (a
 * static import cycle: a module can then run before its imports have their values). A command
 * that uses another module only sometimes (a `--state` run) loads it with `await import(…)`,
 * which is not a static import.
 *
 * The imports are read from the TypeScript sources with a regular expression over `import …
 * from '…'` and `export … from '…'` statements (type-only imports left out: they vanish at
 * compile time).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** A module's static imports: relative ones as paths of .ts files under src, others as written ('node:fs', 'commander'). */
export function staticImports(path: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?\sfrom\s+'([^']+)'/gms)) {
    if (m[2] !== undefined) continue;
    const spec = m[3]!;
    out.push(spec.startsWith('.') ? normalize(join(dirname(path), spec.replace(/\.js$/, '.ts'))) : spec);
  }
  return out;
}

/** The cycles of a graph, each as the modules on it from its smallest name (an empty list when there is none). */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (u: string): void => {
    path.push(u);
    onPath.add(u);
    for (const v of graph.get(u) ?? []) {
      if (onPath.has(v)) {
        const cycle = path.slice(path.indexOf(v));
        const k = cycle.indexOf([...cycle].sort()[0]!);
        const key = [...cycle.slice(k), ...cycle.slice(0, k)];
        cycles.set(key.join(' → '), key);
      } else if (!done.has(v) && graph.has(v)) visit(v);
    }
    path.pop();
    onPath.delete(u);
    done.add(u);
  };
  for (const u of [...graph.keys()].sort()) if (!done.has(u)) visit(u);
  return [...cycles.values()];
}

const graph = new Map(sourceFiles(SRC).map((f) => [f, staticImports(f, readFileSync(f, 'utf8'))]));
const name = (f: string) => relative(SRC, f);

test('the import reader and the cycle finder, on hand-made cases', () => {
  const text = [
    "import { a } from './a.js';",
    "import type { T } from './types.js';",
    'import {',
    '  b,',
    "} from '../io/b.js';",
    "export { c } from './c.js';",
    "import { readFileSync } from 'node:fs';",
    "const later = await import('./lazy.js');",
  ].join('\n');
  assert.deepEqual(staticImports('/r/src/core/x.ts', text), ['/r/src/core/a.ts', '/r/src/io/b.ts', '/r/src/core/c.ts', 'node:fs']);
  const g = new Map<string, string[]>([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a', 'd']],
    ['d', []],
    ['e', ['e']],
  ]);
  assert.deepEqual(cyclesOf(g), [['a', 'b', 'c'], ['e']]);
  assert.deepEqual(cyclesOf(new Map([['a', ['b']], ['b', []]])), []);
});

test('src has no static import cycle', () => {
  assert.ok(graph.size > 100, `read ${graph.size} modules`);
  assert.deepEqual(cyclesOf(graph).map((c) => c.map(name).join(' → ')), []);
});

test('src/core imports no Node built-in, no package and nothing from the layers above it', () => {
  const core = join(SRC, 'core');
  const outside: string[] = [];
  for (const [file, imports] of graph) {
    if (!file.startsWith(core)) continue;
    for (const i of imports) {
      const inCore = i.startsWith(core);
      const errors = i === join(SRC, 'errors.ts');
      if (!inCore && !errors) outside.push(`${name(file)} imports ${i.startsWith(SRC) ? name(i) : i}`);
    }
  }
  assert.deepEqual(outside, []);
});
