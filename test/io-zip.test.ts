/**
 * `.zip` input (Binance's downloads are single-file zips), end to end through the CLI. The
 * archives are built here by a minimal zip writer (local headers, central directory, end
 * record; deflate via zlib), independent of the library leadlag reads them with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { FIXTURES, leadlag, tempFiles } from './cli-helpers.js';

function zipOf(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = Buffer.from(name);
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const SPOT = readFileSync(join(FIXTURES, 'tardis', 'spot_quotes.csv'));
const PERP = join(FIXTURES, 'tardis', 'perp_quotes.csv');

test('a single-file .zip reads exactly like the plain file (also a zipped .gz, and a directory entry beside it)', async () => {
  const dir = tempFiles({
    'spot.zip': zipOf({ 'spot_quotes.csv': SPOT }),
    'spot-gz.zip': zipOf({ 'folder/': Buffer.alloc(0), 'folder/spot_quotes.csv.gz': gzipSync(SPOT) }),
    'no-suffix': zipOf({ 'spot_quotes.csv': SPOT }),
  });
  const plain = await leadlag(['pair', join(FIXTURES, 'tardis', 'spot_quotes.csv'), PERP, '--format', 'json']);
  for (const f of ['spot.zip', 'spot-gz.zip', 'no-suffix']) {
    const r = await leadlag(['pair', join(dir, f), PERP, '--format', 'json']);
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
    const r = await leadlag(['pair', join(dir, f), PERP]);
    assert.equal(r.code, 66, `${f}: ${r.stderr}`);
    assert.ok(r.stderr.includes(join(dir, f)) && r.stderr.includes(says), r.stderr);
    assert.equal(r.stdout, '');
  }
});
