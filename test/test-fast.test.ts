import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fastFiles, filesOfEntry, groupOf } from './fast/groups.js';

const DIST_TEST = fileURLToPath(new URL('.', import.meta.url));

test('test:fast: its groups share out every core-, io- and report- test file, each exactly once', () => {
  // The expected list is read from the directory independently of fastFiles's pattern.
  const wanted = readdirSync(DIST_TEST)
    .filter((name) => name.endsWith('.test.js') && ['core-', 'io-', 'report-'].some((p) => name.startsWith(p)))
    .sort();
  assert.deepEqual(fastFiles(DIST_TEST), wanted);
  assert.ok(wanted.length > 40, `${wanted.length} files`);
  for (let groups = 1; groups <= 4; groups++) {
    const taken = Array.from({ length: groups }, (_, g) => groupOf(wanted, g, groups));
    assert.deepEqual(taken.flat().sort(), wanted, `${groups} groups`);
    const sizes = taken.map((g) => g.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${groups} groups: sizes ${sizes}`);
  }
});

test('test:fast: one entry file per group, group-1.js to group-K.js', () => {
  const entries = readdirSync(new URL('./fast/', import.meta.url)).filter((name) => /^group-\d+\.js$/.test(name)).sort();
  assert.deepEqual(entries, entries.map((_, i) => `group-${i + 1}.js`));
  assert.ok(entries.length >= 1);
});

test('test:fast: the entry files, as npm run test:fast starts them, import every such file exactly once', () => {
  // What each group-K.js process imports (the mapping from entry file to group), not only the
  // partition: an entry that took the wrong group would drop files without a failing test.
  const wanted = readdirSync(DIST_TEST)
    .filter((name) => name.endsWith('.test.js') && ['core-', 'io-', 'report-'].some((p) => name.startsWith(p)))
    .sort();
  const entries = readdirSync(new URL('./fast/', import.meta.url)).filter((name) => /^group-\d+\.js$/.test(name));
  const imported = entries.flatMap((name) => filesOfEntry(new URL(`./fast/${name}`, import.meta.url).href));
  assert.deepEqual(imported.sort(), wanted);
});
