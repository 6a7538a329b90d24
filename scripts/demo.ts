/**
 * `npm run demo`: every analysis leadlag has, run through the built CLI on the bundled
 * fixtures, exactly as a user would type it; it ends with the fixtures' report page (in the
 * git-ignored dist/demo/) and says where it is.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fx = 'fixtures/tardis';
// The page lands in the build directory: git-ignored, and rebuilt by every demo.
const page = join('dist', 'demo', 'report.html');
mkdirSync(join(root, 'dist', 'demo'), { recursive: true });
const states = [join('dist', 'demo', 'first-half.state'), join('dist', 'demo', 'second-half.state')];
const runs: string[][] = [
  ['pair', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`],
  ['xcorr', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--lags', '-5..5', '--block', '1s'],
  ['hy', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--lags', '-10ms..10ms', '--block', '4s'],
  ['classify', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--trades', `${fx}/spot_trades.csv`],
  ['classify', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--trades', `${fx}/spot_trades.csv`, '--balanced'],
  ['pair', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--by', '20s', '--feed', 'native'],
  ['inspect', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, `${fx}/spot_trades.csv`],
  // Two jobs that own the halves of the data, and their merge: the first pair's table again.
  ['pair', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--end', '2024-08-08T12:00:40Z', '--state', states[0]!],
  ['pair', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--start', '2024-08-08T12:00:40Z', '--state', states[1]!],
  ['merge', ...states],
  ['report', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--trades', `${fx}/spot_trades.csv`, '--block', '1s', '--html', page],
];

let failed = 0;
for (const args of runs) {
  process.stdout.write(`\n$ leadlag ${args.join(' ')}\n\n`);
  const r = spawnSync(process.execPath, ['bin/leadlag', ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (failed === 0) process.stdout.write(`\nThe fixtures' report page: ${join(root, page)}\nOpen it in any browser (it fetches nothing).\n`);
process.exitCode = failed === 0 ? 0 : 1;
