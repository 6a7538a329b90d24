/**
 * Every command's consumers read a batch within their push and copy what they keep, so the
 * reader workers may take a batch's buffer back once the next batch is asked for (ReadOptions
 * lend, set for every command in readOptionsOf). A consumer that kept a view would read an
 * emptied array. The check: the same data as plain files of 4 MiB or more (parsed in workers,
 * batches lent) and as gzip files under 4 MiB (parsed in the main thread, batches fresh) must
 * give the same output, up to the file names and sizes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leadlag } from './cli-helpers.js';
import { FILE_NAMES, writeDataset } from '../scripts/gen-data.js';

/** The size from which sources.ts parses a file in a worker (WORKER_MIN_BYTES). */
const WORKER_MIN_BYTES = 4 << 20;

test('lent batches: plain files in workers and gzip files in the main thread give the same output for every command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadlag-lent-'));
  try {
    // 35 s of the default shape: about 5 and 9 MB of quotes, 0.7 and 1.1 MB gzipped.
    const plain = join(dir, 'plain');
    const gz = join(dir, 'gz');
    const { startUs } = writeDataset(plain, { seed: 11, seconds: 35, format: 'tardis' });
    const iso = (s: number) => new Date(startUs / 1000 + s * 1000).toISOString();
    writeDataset(gz, { seed: 11, seconds: 35, format: 'tardis', gzip: true });
    const files = (d: string, ext: string) => [FILE_NAMES.spotQuotes, FILE_NAMES.perpQuotes, FILE_NAMES.spotTrades].map((n) => join(d, n + ext));
    const [ps, pp, pt] = files(plain, '');
    const [gs, gp, gt] = files(gz, '.gz');
    for (const f of [ps!, pp!]) assert.ok(statSync(f).size >= WORKER_MIN_BYTES, `${f} is parsed in a worker`);
    for (const f of [gs!, gp!]) assert.ok(statSync(f).size < WORKER_MIN_BYTES, `${f} is parsed in the main thread`);
    const runs: [string, (s: string, p: string, t: string) => string[]][] = [
      ['pair', (s, p) => ['pair', s, p]],
      ['xcorr', (s, p) => ['xcorr', s, p, '--lags', '-30..30']],
      ['xcorr --by', (s, p) => ['xcorr', s, p, '--lags', '-5..5', '--by', '10s']],
      // A range: the batches reach the analysis as slices (views) cut at its edges.
      ['pair --start --end', (s, p) => ['pair', s, p, '--start', iso(5), '--end', iso(25)]],
      ['hy', (s, p) => ['hy', s, p]],
      ['classify', (s, p, t) => ['classify', s, p, '--trades', t, '--features', 'extended', '--threshold', '0.0003']],
      ['inspect', (s, p) => ['inspect', s, p]],
      ['report', (s, p) => ['report', s, p]],
    ];
    for (const [name, args] of runs) {
      // A shared slot given back is filled with NaN first (sources.ts), so a view kept too long shows.
      const poison = { env: { LEADLAG_POISON_LENT: '1' } };
      const [lent, fresh] = await Promise.all([leadlag([...args(ps!, pp!, pt!), '--format', 'json'], poison), leadlag([...args(gs!, gp!, gt!), '--format', 'json'])]);
      assert.equal(lent.code, 0, `${name}: ${lent.stderr}`);
      assert.equal(fresh.code, 0, `${name}: ${fresh.stderr}`);
      assert.ok(lent.stdout.length > 100, name);
      assert.equal(comparable(lent.stdout, plain, ''), comparable(fresh.stdout, gz, '.gz'), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The JSON with the data set's directory, the `.gz` ending and the files' byte counts taken out. */
function comparable(json: string, dir: string, ext: string): string {
  return json
    .split(dir)
    .join('DIR')
    .split(`.csv${ext}`)
    .join('.csv')
    .replace(/"bytes": \d+/g, '"bytes": 0');
}
