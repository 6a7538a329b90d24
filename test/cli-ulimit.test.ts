/**
 * Under a low `ulimit -v` no WebAssembly memory can be had: V8 reserves about 10 GiB of address
 * space for each. The parser's line kernel, the pair kernel's arena and the bootstrap's SIMD sums
 * then run their JavaScript paths, so every command but `classify` gives the same bytes as with
 * the kernels; `classify` needs XGBoost's own memory and stops, before writing any output, with
 * exit 71 and a sentence that names the limit. Files of 4 MiB or more, so that the readers'
 * workers meet the limit too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOneLineError, shell } from './cli-helpers.js';
import { FILE_NAMES, writeDataset } from '../scripts/gen-data.js';

/** Virtual memory (KiB) for the limited runs: room for Node and its threads, none for a WebAssembly memory. */
const LIMIT_KB = 4_000_000;

/** Why the limited runs cannot show anything here, or undefined when they can. */
function cannotLimit(): string | undefined {
  const probe = spawnSync('bash', ['-c', `ulimit -v ${LIMIT_KB} && exec "$0" -e 'new WebAssembly.Memory({ initial: 1 })'`, process.execPath], { encoding: 'utf8' });
  if (probe.error !== undefined) return `no bash here (${probe.error.message})`;
  if (probe.status === 0) return `a WebAssembly memory can be had under ulimit -v ${LIMIT_KB} here`;
  if (!/could not allocate memory/.test(probe.stderr)) return `node fails under ulimit -v ${LIMIT_KB} for another reason: ${probe.stderr.slice(0, 200)}`;
  return undefined;
}

const skip = cannotLimit();

test('ulimit -v: without WebAssembly memory pair, xcorr, hy and report give the same bytes; classify stops with exit 71', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadlag-ulimit-'));
  try {
    // 35 s of the default shape: about 5 and 9 MB of quotes, each parsed in a worker.
    writeDataset(dir, { seed: 5, seconds: 35, format: 'tardis' });
    const [spot, perp, trades] = [FILE_NAMES.spotQuotes, FILE_NAMES.perpQuotes, FILE_NAMES.spotTrades].map((n) => join(dir, n));
    for (const f of [spot!, perp!]) assert.ok(statSync(f).size >= 4 << 20, `${f} is parsed in a worker`);
    const q = (s: string) => `'${s}'`;
    const runs = [
      `pair ${q(spot!)} ${q(perp!)}`,
      // Lags beyond the kernel's threshold (the pair kernel's arena) and a bootstrap of many lags (the SIMD sums).
      `xcorr ${q(spot!)} ${q(perp!)} --lags -300..300 --block 2s`,
      `hy ${q(spot!)} ${q(perp!)}`,
      `report ${q(spot!)} ${q(perp!)}`,
    ];
    for (const run of runs) {
      const [free, limited] = await Promise.all([shell(`leadlag ${run} --format json`), shell(`ulimit -v ${LIMIT_KB} && leadlag ${run} --format json`)]);
      assert.equal(free.code, 0, `${run}: ${free.stderr}`);
      assert.ok(free.stdout.length > 500, run);
      assert.deepEqual(limited, free, run);
    }
    // With outputs asked for, the refusal comes before any is written: no feature table on
    // stdout (the same path as a feature file), no model file.
    const classify = await shell(`ulimit -v ${LIMIT_KB} && leadlag classify ${q(spot!)} ${q(perp!)} --trades ${q(trades!)} --format json --dump-features - --save-model ${q(join(dir, 'model.json'))}`);
    assert.equal(classify.code, 71, classify.stderr);
    assert.equal(classify.stdout, '');
    assert.ok(isOneLineError(classify.stderr), classify.stderr);
    assert.match(classify.stderr, /XGBoost cannot start: .*WebAssembly memory.*ulimit -v/);
    assert.deepEqual(readdirSync(dir).sort(), [...Object.values(FILE_NAMES)].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
