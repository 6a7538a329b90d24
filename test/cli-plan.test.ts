/**
 * `leadlag plan`'s refusals: every rule that keeps it from printing jobs that cannot run or that
 * would overwrite each other's states, through the command line (exit code and the one-line
 * message) on tiny daily files whose names carry their dates (plan reads no tick, so the files
 * are empty). The jobs run end to end in cli-parallel.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFiles, type CliResult } from './cli-helpers.js';
import { leadlagInProcess as leadlag } from './context-helpers.js';

/** spot/ and perp/ holding 2024-08-08 and 2024-08-09 each (the layout the README shows): two daily jobs. */
function twoDays(): { dir: string; spot: string; perp: string } {
  const dir = tempFiles({});
  for (const m of ['spot', 'perp']) {
    mkdirSync(join(dir, m));
    for (const d of ['08', '09']) writeFileSync(join(dir, m, `${m}-2024-08-${d}.csv`), '');
  }
  return { dir, spot: join(dir, 'spot'), perp: join(dir, 'perp') };
}

/** Asserts the run failed with `code` and one line on stderr (and the pointer to help for a usage error) matching `message`. */
function assertRefused(r: CliResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr.split('\n')[0]!, message);
}

test('plan --manifest refuses a pair name given twice, naming the manifest, the line and the name (exit 65)', async () => {
  const { dir, spot, perp } = twoDays();
  const manifest = join(dir, 'pairs.csv');
  // Line 1 is the header, BTC is on line 2 and again on line 3: both would write states/BTC-0000.state.
  writeFileSync(manifest, `pair,spot_files,perp_files\nBTC,${spot},${perp}\nBTC,${spot},${perp}\n`);
  const r = await leadlag(['plan', '--manifest', manifest]);
  assertRefused(r, 65, /^leadlag: \S+pairs\.csv:3: the pair is on line 2 already; its jobs would write the same state files \(BTC-0000\.state, …\) .*: "BTC"$/);
  // btc and BTC are one file on a case-insensitive file system (line 3 again).
  writeFileSync(manifest, `pair,spot_files,perp_files\nBTC,${spot},${perp}\nbtc,${spot},${perp}\n`);
  assertRefused(await leadlag(['plan', '--manifest', manifest]), 65, /pairs\.csv:3: the pair is on line 2 already as BTC \(names that differ only in case.*: "btc"$/);
  // Two names: 2 pairs × 2 days = 4 jobs and a header.
  writeFileSync(manifest, `pair,spot_files,perp_files\nBTC,${spot},${perp}\nETH,${spot},${perp}\n`);
  const ok = await leadlag(['plan', '--manifest', manifest]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim().split('\n').length, 5);
});

test('plan --label refuses a name that is no file name, saying which characters go (exit 2)', async () => {
  const { spot, perp } = twoDays();
  // BTC/USDT would name states/BTC/USDT-0000.state, in a directory no one made: every job would fail.
  assertRefused(await leadlag(['plan', spot, perp, '--label', 'BTC/USDT']), 2, /^leadlag: --label may hold letters, digits, _ \. and - only .*got "BTC\/USDT"; e\.g\. BTCUSDT or BTC-USDT$/);
  assertRefused(await leadlag(['plan', spot, perp, '--label', 'BTC USDT']), 2, /got "BTC USDT"/);
  // The allowed characters pass and name the states: job 0 of BTC-USDT.
  const ok = await leadlag(['plan', spot, perp, '--label', 'BTC-USDT_1.0']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout.split('\n')[1]!, /\tstates\/BTC-USDT_1\.0-0000\.state$/);
});

test('plan refuses a named input that does not exist, naming it (exit 66), before looking for dates', async () => {
  const { dir, spot, perp } = twoDays();
  // A file named outright: the jobs would fail on it; it was reported as a day missing from the second market.
  const missing = join(perp, 'nonexist-2024-08-08.csv');
  assertRefused(await leadlag(['plan', join(spot, 'spot-2024-08-08.csv'), missing]), 66, new RegExp(`^leadlag: ${missing}: no such file$`));
  // A missing directory: it was a usage error asking for a date in its name.
  const nodir = join(dir, 'nodir/');
  assertRefused(await leadlag(['plan', spot, nodir]), 66, new RegExp(`^leadlag: ${nodir}: no such file$`));
  // The same in a manifest row, with the manifest's line (2: the header is line 1).
  const manifest = join(dir, 'pairs.csv');
  writeFileSync(manifest, `pair,spot_files,perp_files\nBTC,${spot},${nodir}\n`);
  assertRefused(await leadlag(['plan', '--manifest', manifest]), 66, new RegExp(`^leadlag: ${nodir}: no such file \\(${manifest} line 2\\)$`));
  // A missing manifest: the usual words, not the system's ENOENT.
  const none = join(dir, 'nonexist.csv');
  assertRefused(await leadlag(['plan', '--manifest', none]), 66, new RegExp(`^leadlag: ${none}: no such file$`));
  // A glob that matches nothing stays what it is for every command (exit 66).
  assertRefused(await leadlag(['plan', spot, join(dir, 'nope', '*.csv')]), 66, /: no file matches this pattern$/);
});
