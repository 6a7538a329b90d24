/**
 * `npm run demo`: every analysis leadlag has, run through the built CLI on the bundled
 * fixtures, exactly as a user would type it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fx = 'fixtures/tardis';
const runs: string[][] = [
  ['pair', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`],
  ['xcorr', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--lags', '-5..5', '--block', '1s'],
  ['hy', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--lags', '-10ms..10ms', '--block', '4s'],
  ['classify', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--trades', `${fx}/spot_trades.csv`],
  ['classify', `${fx}/spot_quotes.csv`, `${fx}/perp_quotes.csv`, '--trades', `${fx}/spot_trades.csv`, '--balanced'],
];

let failed = 0;
for (const args of runs) {
  process.stdout.write(`\n$ leadlag ${args.join(' ')}\n\n`);
  const r = spawnSync(process.execPath, ['bin/leadlag', ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
