import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fastFiles, groupOf } from './fast/groups.js';

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
