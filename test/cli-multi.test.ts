/**
 * Several files per market (docs/time.md) through the built CLI: the exit codes and stderr
 * lines of refused inputs. The reading itself is tested in process in io-multi.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, leadlag } from './cli-helpers.js';

const SPOT = join(FIXTURES, 'tardis', 'spot_quotes.csv');
const PERP = join(FIXTURES, 'tardis', 'perp_quotes.csv');

test('CLI: one file given twice for a market exits 65 saying so; a bad --by exits 2', async () => {
  const r = await leadlag(['pair', `${SPOT},${SPOT}`, PERP]);
  assert.equal(r.code, 65);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^leadlag: .*spot_quotes\.csv: the file is given twice for one market: pass each file once\n$/);
  const bad = await leadlag(['xcorr', SPOT, PERP, '--by', '5']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--by must be a length such as 30s, 5m, 1h or 1d/);
});
