/**
 * `.zip` input (Binance's downloads are single-file zips), end to end through the CLI's entry
 * point in this process (leadlagInProcess). The archives are built by a minimal zip writer
 * (test/zip-writer.ts), independent of the library leadlag reads them with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipOf } from './zip-writer.js';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';

const SPOT = readFileSync(join(FIXTURES, 'tardis', 'spot_quotes.csv'));
const PERP = join(FIXTURES, 'tardis', 'perp_quotes.csv');

test('a single-file .zip reads exactly like the plain file (also a zipped .gz, and a directory entry beside it)', async () => {
  const dir = tempFiles({
    'spot.zip': zipOf({ 'spot_quotes.csv': SPOT }),
    'spot-gz.zip': zipOf({ 'folder/': Buffer.alloc(0), 'folder/spot_quotes.csv.gz': gzipSync(SPOT) }),
    'no-suffix': zipOf({ 'spot_quotes.csv': SPOT }),
  });
  const plain = await leadlagInProcess(['pair', join(FIXTURES, 'tardis', 'spot_quotes.csv'), PERP, '--format', 'json']);
  for (const f of ['spot.zip', 'spot-gz.zip', 'no-suffix']) {
    const r = await leadlagInProcess(['pair', join(dir, f), PERP, '--format', 'json']);
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    assert.equal(r.stdout, plain.stdout, f);
  }
});

test('zip errors: several files, no file, corrupt archive → exit 66 naming the archive', async () => {
  const dir = tempFiles({
    'two.zip': zipOf({ 'a.csv': SPOT, 'b.csv': SPOT }),
    'empty.zip': zipOf({}),
    'corrupt.zip': Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)]),
  });
  for (const [f, says] of [['two.zip', '2 files'], ['empty.zip', 'no file'], ['corrupt.zip', 'corrupt zip']] as const) {
    const r = await leadlagInProcess(['pair', join(dir, f), PERP]);
    assert.equal(r.code, 66, `${f}: ${r.stderr}`);
    assert.ok(r.stderr.includes(join(dir, f)) && r.stderr.includes(says), r.stderr);
    assert.equal(r.stdout, '');
  }
});
