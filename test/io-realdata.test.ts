/**
 * The reader on the real Binance recordings in /work/shared/data (skipped when absent).
 * Expected counts come from the data's README (rows per file) and from an independent
 * straightforward reading in the test (zlib + split + Date.parse-free ISO reference).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { STRICT, isoReferenceMicros, readQuotes, readTrades } from './io-helpers.js';

const DIR = '/work/shared/data/binance-btcusdt-20240808';
const skip = existsSync(DIR) ? false : `${DIR} is not present`;

/** Reference ticks: split lines, reference ISO times, Number prices, last row of each time wins. */
function referenceQuotes(path: string): { t: number[]; price: number[]; rows: number } {
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter((l) => l !== '');
  const t: number[] = [];
  const price: number[] = [];
  for (const line of lines.slice(1)) {
    const [time, , bid, ask] = line.split(',');
    const us = isoReferenceMicros(time!);
    const mid = (Number(bid) + Number(ask)) / 2;
    if (t.length > 0 && t[t.length - 1] === us) price[price.length - 1] = mid;
    else {
      t.push(us);
      price.push(mid);
    }
  }
  return { t, price, rows: lines.length - 1 };
}

test('real quotes: row counts as documented, ticks equal a straightforward reference reading', { skip }, async () => {
  const documented: Record<string, number> = { 'spot_quotes.csv.gz': 28040, 'perp_quotes.csv.gz': 66089, 'coinm_quotes.csv.gz': 19136 };
  for (const [name, rows] of Object.entries(documented)) {
    const path = join(DIR, name);
    const q = await readQuotes(path, { ...STRICT, worker: true });
    assert.equal(q.report.rows, rows, name);
    assert.equal(q.report.format, 'exchange-quotes');
    const ref = referenceQuotes(path);
    assert.equal(ref.rows, rows);
    assert.deepEqual(q.t, ref.t, name);
    assert.deepEqual(q.price, ref.price, name);
    assert.deepEqual(q.report.skipped, []);
    // The general CSV parser reads the same ticks: on the spot file (the three files share one
    // layout, and the generated files of io-paths.test.ts compare the two parsers on every rule).
    if (name !== 'spot_quotes.csv.gz') continue;
    const csv = await readQuotes(path, { ...STRICT, parser: 'csv' });
    assert.deepEqual(csv.t, q.t);
    assert.deepEqual(csv.price, q.price);
  }
});

test('real trades: 9 757 spot trades, sides from is_market_maker', { skip }, async () => {
  const path = join(DIR, 'spot_trades.csv.gz');
  const tr = await readTrades(path, { ...STRICT, worker: true });
  assert.equal(tr.report.rows, 9757);
  assert.equal(tr.report.records, 9757);
  assert.equal(tr.report.format, 'exchange-trades');
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter((l) => l !== '').slice(1);
  assert.deepEqual(
    tr.side,
    lines.map((l) => (l.split(',')[4] === 'true' ? -1 : 1)),
  );
  assert.deepEqual(
    tr.qty,
    lines.map((l) => Number(l.split(',')[3])),
  );
});

test('classify --split time on the real data: training triggers whose label window reaches the test period are purged (counted from the dumped features)', { skip }, async () => {
  const { leadlagInProcess } = await import('./context-helpers.js');
  const { tempFiles } = await import('./cli-helpers.js');
  const dump = join(tempFiles({}), 'features.csv');
  const args = ['classify', join(DIR, 'spot_quotes.csv.gz'), join(DIR, 'perp_quotes.csv.gz'), '--trades', join(DIR, 'spot_trades.csv.gz'), '--threshold', '0.5bp', '--jump-window', '50ms', '--pair-window', '20ms', '--split', 'time', '--format', 'json', '--quiet', '--dump-features', dump];
  const r = await leadlagInProcess(args);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { n_train: number; n_embargoed: number; n_purged: number };
  // Independently, from the dumped rows (time order): each class's earliest floor(0.7·count) train;
  // the first test row is the first later than the last training row; training rows with
  // t + 20 ms ≥ that time are purged.
  const rows = readFileSync(dump, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const byClass = [0, 1].map((c) => rows.map((x, i) => ({ t: Number(x[0]), label: Number(x[1]), i })).filter((x) => x.label === c));
  const train = byClass.flatMap((c) => c.slice(0, Math.floor(0.7 * c.length))).sort((a, b) => a.i - b.i);
  const last = train[train.length - 1]!.i;
  const firstTest = rows.map((x, i) => ({ t: Number(x[0]), i })).find((x) => x.i > last && !train.some((y) => y.i === x.i))!;
  const purged = train.filter((x) => x.t + 20_000 >= firstTest.t).length;
  assert.ok(purged > 0, 'the real data has training triggers within 20 ms of the test period');
  assert.equal(out.n_purged, purged);
  assert.equal(out.n_train, train.length - purged);
});

test('report --trades on an independent perp: where classify ranks the labels above chance, the report says that pair finds no more pairs than chance', { skip }, async () => {
  // A perp of ±1 bp steps at random times (5.8 a second) with no link to spot, over spot's span
  // (as a hunt made it): its "leads" are coincidences that spot's bursts make predictable.
  const { leadlagInProcess } = await import('./context-helpers.js');
  const { tempFiles } = await import('./cli-helpers.js');
  const { mulberry32 } = await import('./prng.js');
  const spotRows = gunzipSync(readFileSync(join(DIR, 'spot_quotes.csv.gz'))).toString('utf8').trim().split('\n').slice(1);
  const t0 = isoReferenceMicros(spotRows[0]!.split(',')[0]!);
  const t1 = isoReferenceMicros(spotRows[spotRows.length - 1]!.split(',')[0]!);
  const perp = (seed: number) => {
    const rand = mulberry32(seed);
    const times = Array.from({ length: Math.floor((5.8 * (t1 - t0)) / 1e6) }, () => Math.floor(t0 + rand() * (t1 - t0))).sort((x, y) => x - y);
    let p = 61_800;
    const lines = ['ts_us,bid,ask', `${t0 - 1e6},${(p - 0.05).toFixed(2)},${(p + 0.05).toFixed(2)}`];
    let last = -1;
    for (const t of times) {
      if (t === last) continue;
      last = t;
      p = Math.round(p * (1 + (rand() < 0.5 ? -1 : 1) * 1e-4) * 10) / 10;
      lines.push(`${t},${(p - 0.05).toFixed(2)},${(p + 0.05).toFixed(2)}`);
    }
    lines.push(`${t1 + 1e6},${(p - 0.05).toFixed(2)},${(p + 0.05).toFixed(2)}`);
    return `${lines.join('\n')}\n`;
  };
  let claims = 0;
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const file = join(tempFiles({ 'perp.csv': perp(seed) }), 'perp.csv');
    const page = join(tempFiles({}), 'page.html');
    const r = await leadlagInProcess(['report', join(DIR, 'spot_quotes.csv.gz'), file, '--trades', join(DIR, 'spot_trades.csv.gz'), '--threshold', '0.5bp', '--jump-window', '50ms', '--pair-window', '100ms', '--format', 'json', '--quiet', '--html', page]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { classify: { verdict: string; chance: { paired_events: number; chance_pairs_mean: number; chance_pairs_max: number } }; classify_caveat: string | null; pair: { native: { paired_events: number; chance_pairs_mean: number; chance_pairs_max: number } } };
    // classify's own chance pairs are pair's (native feed, same options), from its own read and pairing.
    assert.deepEqual([j.classify.chance.paired_events, j.classify.chance.chance_pairs_mean, j.classify.chance.chance_pairs_max], [j.pair.native.paired_events, j.pair.native.chance_pairs_mean, j.pair.native.chance_pairs_max]);
    const claimed = j.classify.verdict.startsWith('XGBoost ranks leads above chance');
    if (!claimed) continue;
    claims++;
    assert.match(j.classify.verdict, /This ranks the labels \(a lead is a spot jump that a perp jump followed\), but the pairs they come from are not above chance/);
    // The pairs are within twice the chance pairs: the caveat says so as pair's verdict does.
    assert.ok(j.pair.native.paired_events < 2 * j.pair.native.chance_pairs_mean, JSON.stringify(j.pair.native));
    assert.match(j.classify_caveat ?? '', new RegExp(`^but the pairs they come from are not above chance \\(${j.pair.native.paired_events} pairs, [\\d.]+ by chance on average: only [\\d.]+× the chance pairs\\): many of the leads may be coincidences`));
    assert.ok(j.classify.verdict.endsWith(j.classify_caveat!), 'the verdict carries the caveat');
    // The page's classify note carries it too.
    assert.ok(readFileSync(page, 'utf8').includes(j.classify_caveat!.replace(/'/g, '&#39;')) || readFileSync(page, 'utf8').includes(j.classify_caveat!), 'the page says the caveat');
  }
  assert.ok(claims > 0, 'some independent perp has its labels ranked above chance');
});
