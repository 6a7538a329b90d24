/** --plot (src/cli/plot.ts) against --state: a state run draws no figure, so the pair is refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';

const SPOT = join(FIXTURES, 'tardis', 'spot_quotes.csv');
const PERP = join(FIXTURES, 'tardis', 'perp_quotes.csv');

test('--plot with --state is a usage error (exit 2) for pair, xcorr and hy, and writes neither file', async () => {
  for (const command of ['pair', 'xcorr', 'hy']) {
    const dir = tempFiles({});
    const r = await leadlagInProcess([command, SPOT, PERP, '--plot', join(dir, 'a.svg'), '--state', join(dir, 'b.state')]);
    assert.equal(r.code, 2, `${command}: ${r.stderr}`);
    assert.match(r.stderr, /--plot goes without --state/);
    assert.deepEqual(readdirSync(dir), [], command);
    // The same path for both was written as a state under --plot's name.
    const same = await leadlagInProcess([command, SPOT, PERP, '--plot', join(dir, 'p.svg'), '--state', join(dir, 'p.svg')]);
    assert.equal(same.code, 2, `${command}: ${same.stderr}`);
    assert.deepEqual(readdirSync(dir), [], command);
  }
});
