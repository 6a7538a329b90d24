/**
 * `leadlag report`: its one read gives each analysis exactly the numbers of the analysis's own
 * command with the same options (the nested JSON equals the command's JSON member for member),
 * over the whole files and under --start/--end with --by, where each pass is cut to its own
 * read range; the verdict, the long table and the atomic --html and --plot writes. Command
 * lines run in this process (leadlagInProcess).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, leadlag, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';
import { hyPlacement } from '../src/cli/report-run.js';

const T = join(FIXTURES, 'tardis');
const SPOT = join(T, 'spot_quotes.csv');
const PERP = join(T, 'perp_quotes.csv');
const TRADES = join(T, 'spot_trades.csv');

async function json(args: string[]): Promise<Record<string, unknown>> {
  const r = await leadlagInProcess([...args, '--format', 'json', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('report --format json nests exactly what pair, xcorr --lags -5..5, hy and classify print on the same files', async () => {
  const [report, pair, xcorr, hy, classify] = await Promise.all([
    json(['report', SPOT, PERP, '--trades', TRADES]),
    json(['pair', SPOT, PERP]),
    json(['xcorr', SPOT, PERP, '--lags', '-5..5']),
    json(['hy', SPOT, PERP]),
    json(['classify', SPOT, PERP, '--trades', TRADES]),
  ]);
  assert.deepEqual(report.pair, pair);
  assert.deepEqual(report.xcorr, xcorr);
  assert.deepEqual(report.hy, hy);
  assert.deepEqual(report.classify, classify);
  const v = report.verdict as { leader: string | null; lag_us: number | null; lag_ci_us: number[] | null; methods: { method: string; leader: string | null }[] };
  // hy's and pair's own verdicts on the fixtures name spot; the report's lead is hy's θ̂ with its interval.
  assert.match((hy as { verdict: string }).verdict, /^spot leads perp/);
  assert.match((pair as { verdict: string }).verdict, /^spot leads perp/);
  assert.equal(v.leader, 'spot');
  const h = hy as { lag_us: number; ci: { lag_us: number[] } };
  assert.equal(v.lag_us, h.lag_us);
  assert.deepEqual(v.lag_ci_us, h.ci.lag_us);
  assert.deepEqual(v.methods.map((m) => m.method), ['hy', 'pair (native ticks)', 'pair (1 ms grid)', 'xcorr']);
});

test('report: hy on its own thread and on the main thread (LEADLAG_HY_THREAD) gives hy\'s own numbers', async () => {
  const hy = await json(['hy', SPOT, PERP]);
  for (const setting of ['on', 'off']) {
    const r = await leadlagInProcess(['report', SPOT, PERP, '--format', 'json', '--quiet'], { env: { LEADLAG_HY_THREAD: setting } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Record<string, unknown>).hy, hy, `LEADLAG_HY_THREAD=${setting}`);
  }
});

test('hyPlacement: a thread with 4 cores or more, the main thread below; LEADLAG_HY_THREAD=on|off overrides', () => {
  assert.deepEqual([1, 2, 3, 4, 16].map((cores) => hyPlacement(undefined, cores)), ['here', 'here', 'here', 'thread', 'thread']);
  assert.equal(hyPlacement('on', 2), 'thread');
  assert.equal(hyPlacement('off', 16), 'here');
  assert.equal(hyPlacement('', 2), 'here');
});

test('report --bootstrap 0: hy and xcorr are untested, not "no significant lead"; the tested methods\' agreement is said as such', async () => {
  const report = await json(['report', SPOT, PERP, '--bootstrap', '0']);
  const v = report.verdict as { leader: string; agree: boolean; text: string[]; methods: { method: string; leader: string | null; tested: boolean; estimate_leader: string | null }[] };
  // Without the bootstrap hy has no sign-flip test and xcorr no interval on the summed r; their
  // estimates still put spot first (hy's θ̂ > 0 on the fixtures, as in the first test). pair's sign test runs.
  assert.deepEqual(v.methods.map((m) => [m.method, m.leader, m.tested, m.estimate_leader]), [
    ['hy', null, false, 'spot'],
    ['pair (native ticks)', 'spot', true, 'spot'],
    ['pair (1 ms grid)', 'spot', true, 'spot'],
    ['xcorr', null, false, 'spot'],
  ]);
  assert.equal(v.agree, false);
  assert.match(v.text[0]!, /^spot leads perp by [\d.]+ ms \(no interval\), per pair \(native ticks\)\.$/);
  assert.equal(v.text[3], 'The tested methods agree: pair (native ticks), pair (1 ms grid); untested: hy (its estimate: spot first), xcorr (its estimate: spot first).');
});

test('report under --start/--end with --by: each analysis still equals its own command (each pass cut to its own read range)', async () => {
  const range = ['--start', '2024-08-08T12:00:20Z', '--end', '2024-08-08T12:01:00Z', '--by', '10s', '--null-step', '100ms'];
  const timeOnly = range.filter((_, i) => i < 6);
  const [report, pair, xcorr, hy] = await Promise.all([
    json(['report', SPOT, PERP, ...range, '--lags', '-3..3', '--hy-lags', '-5ms..5ms', '--hy-step', '500us']),
    json(['pair', SPOT, PERP, ...range]),
    json(['xcorr', SPOT, PERP, '--lags', '-3..3', ...timeOnly]),
    json(['hy', SPOT, PERP, '--lags', '-5ms..5ms', '--step', '500us', ...timeOnly]),
  ]);
  assert.deepEqual(report.pair, pair);
  assert.deepEqual(report.xcorr, xcorr);
  assert.deepEqual(report.hy, hy);
});

test('--plot writes the command\'s figure alone as SVG: xcorr, hy and pair', async () => {
  const dir = tempFiles({});
  for (const [cmd, extra] of [['xcorr', ['--lags', '-5..5']], ['hy', []], ['pair', []]] as const) {
    const file = join(dir, `${cmd}.svg`);
    const r = await leadlagInProcess([cmd, SPOT, PERP, ...extra, '--plot', file, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const svg = readFileSync(file, 'utf8');
    assert.match(svg, /^<svg /);
    assert.ok((svg.match(/<path /g) ?? []).length > 2, `${cmd}: drawn paths`);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['hy.svg', 'pair.svg', 'xcorr.svg']);
  const bad = await leadlagInProcess(['xcorr', SPOT, PERP, '--plot', join(dir, 'x.png')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--plot writes SVG/);
});

test('report --format csv: one row per JSON leaf, the analysis first, then the dotted key', async () => {
  const r = await leadlagInProcess(['report', SPOT, PERP, '--format', 'csv', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'analysis,key,value');
  assert.ok(lines.includes('verdict,leader,spot'));
  assert.ok(lines.some((l) => l.startsWith('pair,native.spot_leads_perp,')));
  assert.ok(lines.some((l) => l.startsWith('xcorr,lags.0.lag,-5')));
});

test('report prints one screen: the verdict first, then each analysis; --html names the page it wrote', async () => {
  const dir = tempFiles({});
  const page = join(dir, 'r.html');
  const r = await leadlagInProcess(['report', SPOT, PERP, '--html', page, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  // The lead itself is checked against hy's own JSON above; here, that it heads the screen.
  assert.match(lines[1]!, /^spot leads perp by [\d.]+ ms \(95 % interval /);
  assert.ok(lines.length <= 30, `${lines.length} lines`);
  assert.equal(lines.at(-1), `page: ${page}`);
  const html = readFileSync(page, 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok((html.match(/<figure /g) ?? []).length >= 4);
  assert.deepEqual(readdirSync(dir), ['r.html'], 'no temporary file left behind');
});

test('report --html with no jumps at θ: no NaN anywhere on the page, and each delay histogram says there are no pairs', async () => {
  // θ = 1 %: the fixtures' quotes never move 1 % within 3 ms, so neither feed has a jump, hence no pair and no delay.
  const page = join(tempFiles({}), 'r.html');
  const r = await leadlagInProcess(['report', SPOT, PERP, '--threshold', '1%', '--html', page, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(page, 'utf8');
  assert.doesNotMatch(html, /NaN|Infinity/);
  for (const id of ['delays-native', 'delays-1ms-grid']) {
    const figure = html.slice(html.indexOf(`<figure id="fig-${id}"`));
    assert.match(figure, /<figcaption><strong>[^<]*<\/strong> No pairs: /, id);
  }
});

test('report --trades with too few triggers of a class: the other analyses, a classify section that says why, a warning, exit 0', async () => {
  // The fixtures' first 10 s hold 8 lead and 4 noise triggers: classify alone refuses them (exit 65,
  // a training set of floor(0.7·8) = 5 and floor(0.7·4) = 2, fewer than 10 of each); report must
  // still give pair, xcorr and hy and say why classify has no result.
  const range = ['--end', '2024-08-08T12:00:10Z'];
  const page = join(tempFiles({}), 'r.html');
  const [r, classify, pair] = await Promise.all([
    leadlagInProcess(['report', SPOT, PERP, '--trades', TRADES, ...range, '--html', page, '--format', 'json']),
    leadlagInProcess(['classify', SPOT, PERP, '--trades', TRADES, ...range, '--quiet']),
    json(['pair', SPOT, PERP, ...range]),
  ]);
  assert.equal(classify.code, 65);
  const [, leads, noise] = /(\d+) lead and (\d+) noise/.exec(classify.stderr)!;
  assert.deepEqual([leads, noise], ['8', '4']);
  const why = 'too few labelled triggers to train on: of 8 lead and 4 noise, the training set takes 5 lead and 2 noise';
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stderr.includes(`warning: classify has no result: `) && r.stderr.includes(why), r.stderr);
  const report = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(report.pair, pair);
  assert.equal(report.classify, undefined);
  const missing = report.classify_unavailable as { leads: number; noise: number; train_leads: number; train_noise: number; min_per_class: number; reason: string };
  assert.deepEqual([missing.leads, missing.noise, missing.train_leads, missing.train_noise, missing.min_per_class], [8, 4, 5, 2, 10]);
  const html = readFileSync(page, 'utf8');
  assert.match(html, /<h3>Classifier: no result<\/h3>/);
  assert.ok(html.includes(`No classifier was trained: ${why}`), 'the reason on the page');
  assert.ok((html.match(/<figure /g) ?? []).length >= 4, 'the other analyses\' figures');
});

test('report --trades --html: the classifier section gives the intervals and the verdict the terminal and JSON give', async () => {
  const page = join(tempFiles({}), 'r.html');
  const r = await leadlagInProcess(['report', SPOT, PERP, '--trades', TRADES, '--html', page, '--format', 'json', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const k = (JSON.parse(r.stdout) as { classify: { verdict: string; classes: Record<'1', { precision_ci: [number, number]; recall_ci: [number, number] }>; baselines: { xgboost: { ci: [number, number] } } } }).classify;
  const html = readFileSync(page, 'utf8');
  const section = html.slice(html.indexOf('Classifier on the test triggers'));
  const span = (ci: [number, number]) => `${ci[0].toFixed(3)} … ${ci[1].toFixed(3)}`;
  // Once the page gave precision, recall and AP alone, without their intervals or the verdict
  // that says the evidence is weak.
  for (const ci of [k.classes['1'].precision_ci, k.classes['1'].recall_ci, k.baselines.xgboost.ci]) assert.ok(section.includes(span(ci)), span(ci));
  const escaped = k.verdict.replaceAll('&', '&amp;').replaceAll("'", '&#39;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  assert.ok(section.includes(escaped), k.verdict);
});

test('report --by: the trends the page\'s figure points to are on the page and in the terminal\'s windows block', async () => {
  const page = join(tempFiles({}), 'r.html');
  const r = await leadlagInProcess(['report', SPOT, PERP, '--by', '20s', '--html', page, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  // Each method's trends, named as its own command names them (the block listed the spreads alone).
  for (const line of ['pair: trend of spot\'s share of led pairs:', 'xcorr: trend of the best lag (µs):', 'xcorr: trend of R² at the best lag:', 'hy: trend of θ̂ (µs):', 'hy: trend of the LLR:']) assert.ok(r.stdout.includes(`  ${line}`), line);
  const html = readFileSync(page, 'utf8');
  const section = html.slice(html.indexOf('Stability across the windows'));
  assert.ok(html.includes('Stability across the windows') && section.includes('trend of the best lag (µs)') && section.includes('trend of θ̂ (µs)'));
});

test('--html into a missing directory: exit 73 and nothing written', async () => {
  const dir = tempFiles({});
  const r = await leadlagInProcess(['report', SPOT, PERP, '--html', join(dir, 'no', 'r.html'), '--quiet']);
  assert.equal(r.code, 73, r.stderr);
  assert.equal(existsSync(join(dir, 'no')), false);
});

test('--html or --plot naming an input is refused before anything is read (exit 2)', async () => {
  const r = await leadlagInProcess(['report', SPOT, PERP, '--html', PERP]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--html .* is the same file as the input/);
  const p = await leadlagInProcess(['hy', SPOT, PERP, '--plot', join(tempFiles({ 'a.svg': 'x' }), 'a.svg'), '--quiet']);
  assert.equal(p.code, 0, p.stderr);
});

test('report\'s data-quality facts equal what inspect says of the same pair', async () => {
  const [report, inspect] = await Promise.all([json(['report', SPOT, PERP]), leadlagInProcess(['inspect', SPOT, PERP, '--format', 'json', '--quiet'])]);
  assert.equal(inspect.code, 0, inspect.stderr);
  const pair = (JSON.parse(inspect.stdout) as Record<string, unknown>[]).find((e) => e.kind === 'pair') as Record<string, unknown> & { assessment: Record<string, { ok: boolean; text: string }> };
  const q = report.quality as { grid_steps: number; both_move_steps: number; jumps: { native: number[]; locf: number[] }; markets: { threshold_ticks: number }[]; assessments: { estimator: string; ok: boolean; text: string }[] };
  assert.equal(q.grid_steps, pair.grid_steps);
  assert.equal(q.both_move_steps, pair.both_move_steps);
  assert.deepEqual(q.jumps, { native: [pair.jumps_a, pair.jumps_b], locf: [pair.grid_jumps_a, pair.grid_jumps_b] });
  assert.deepEqual(q.markets.map((m) => m.threshold_ticks), [pair.threshold_ticks_a, pair.threshold_ticks_b]);
  assert.deepEqual(Object.fromEntries(q.assessments.map((a) => [a.estimator, { ok: a.ok, text: a.text }])), pair.assessment);
});

test('report: a pair sign test over fewer than 6 led pairs cannot reject, so pair counts as untested', async () => {
  // At 0.3 % the fixtures hold no jump at all (Table 1 is empty): the sign test over 0 pairs
  // gives p = 1 whatever happens, and the smallest p over n pairs, 2·0.5ⁿ, is below 0.05 only
  // from n = 6 on. hy and xcorr still find spot leading; they alone are the tested methods.
  const r = await json(['report', SPOT, PERP, '--threshold', '0.3%']);
  const v = r.verdict as { methods: { method: string; tested: boolean; leader: string | null }[]; text: string[] };
  const pair = v.methods.filter((m) => m.method.startsWith('pair'));
  assert.equal(pair.length, 2);
  for (const m of pair) assert.deepEqual([m.tested, m.leader], [false, null], m.method);
  assert.equal(v.text.at(-1), 'The tested methods agree: hy, xcorr; untested: pair (native ticks), pair (1 ms grid).');
});

test('report: hy\'s advice names report\'s own option, --hy-lags', async () => {
  // Lags 1 ms … 10 ms lie on one side of 0: hy's verdict asks for lags on both sides, by the
  // option report takes for them (hy's own --lags is report's xcorr lags).
  const r = await json(['report', SPOT, PERP, '--hy-lags', '1ms..10ms']);
  assert.match((r.hy as { verdict: string }).verdict, /request lags on both sides \(e\.g\. --hy-lags -10ms\.\.10ms\)\.$/);
  const own = await leadlagInProcess(['hy', SPOT, PERP, '--lags', '1ms..10ms', '--format', 'json', '-q']);
  assert.match((JSON.parse(own.stdout) as { verdict: string }).verdict, /\(e\.g\. --lags -10ms\.\.10ms\)\.$/);
});

test('report --trades refuses a quote input that can be read only once (it read as empty: a false data error)', async () => {
  // classify reads the quotes again, merged with the trades; standard input gave its bytes to the first read.
  const r = await leadlag(['report', '-', PERP, '--trades', TRADES, '--bootstrap', '0'], { input: readFileSync(SPOT) });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /report --trades reads the quotes twice .* cannot take - \(standard input\); give paths, or leave out --trades/);
  // Without --trades the quotes are read once: standard input is fine.
  const once = await leadlag(['report', '-', PERP, '--bootstrap', '0', '--format', 'json', '-q'], { input: readFileSync(SPOT) });
  assert.equal(once.code, 0, once.stderr);
});

test('report\'s pair lines say which direction each median delay is', async () => {
  // delays[0] is spot leading perp (pair's order): the fixtures' perp follows spot by 2–4 ms.
  const r = await leadlagInProcess(['report', SPOT, PERP, '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /native: .*; median delay spot → perp [23]\.\d{3} ms, perp → spot \d\.\d{3} ms/);
});

test('report --by in a table says each method\'s spread across the windows (it printed no window at all)', async () => {
  const spot = join(FIXTURES, 'tardis', 'spot_quotes.csv');
  const perp = join(FIXTURES, 'tardis', 'perp_quotes.csv');
  const r = await leadlagInProcess(['report', spot, perp, '--by', '20s', '--bootstrap', '100', '--lags', '-5..5']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nwindows \(--by: every window's rows in --format json or csv/);
  // The same lines the commands print under their own tables, prefixed by the method.
  const x = await leadlagInProcess(['xcorr', spot, perp, '--by', '20s', '--bootstrap', '100', '--lags', '-5..5']);
  const lagLine = x.stdout.split('\n').find((l) => l.startsWith('lag across '))!;
  assert.ok(r.stdout.includes(`  xcorr: ${lagLine}`), lagLine);
  assert.match(r.stdout, /\n {2}hy: lag across \d+ windows/);
  assert.match(r.stdout, /\n {2}pair: /);
});

test('report\'s xcorr line prints a tiny difference and its interval in significant digits, as xcorr does, not as 0.0000', async () => {
  // spot against a byte-identical copy: r(0) = 1 and S₊ − S₋ is rounding, its replicates a few
  // 1e-7 either side of 0 (xcorr's verdict prints them so); before, "[0.0000, 0.0000]".
  const dir = tempFiles({ 'copy.csv': readFileSync(SPOT, 'utf8') });
  const r = await leadlagInProcess(['report', SPOT, join(dir, 'copy.csv'), '--no-color']);
  assert.equal(r.code, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.includes('Σr(τ>0) − Σr(τ<0)'))!;
  assert.match(line, /Σr\(τ>0\) − Σr\(τ<0\) = \S+ \[-?\d\.\de-\d+, -?\d\.\de-\d+\]$/);
});

test('report --trades is checked before the quotes are read; an empty --html is a usage error', async () => {
  // Quotes whose last row is bad: read first, they would fail with exit 65 before the trades
  // were opened (after the whole quote pass, on a month of data). The trades' error comes first.
  const quotes = readFileSync(SPOT, 'utf8').trimEnd().split('\n');
  const dir = tempFiles({ 'spot.csv': `${[...quotes, 'binance,BTCUSDT,bad,row,1,2,3,4'].join('\n')}\n` });
  const missing = await leadlagInProcess(['report', join(dir, 'spot.csv'), PERP, '--trades', join(dir, 'none.csv')]);
  assert.equal(missing.code, 66, missing.stderr);
  assert.match(missing.stderr, /none\.csv: no such file/);
  const notTrades = await leadlagInProcess(['report', join(dir, 'spot.csv'), PERP, '--trades', PERP]);
  assert.equal(notTrades.code, 65, notTrades.stderr);
  assert.match(notTrades.stderr, /not trades \(--trades takes trades/);
  // Trades on a pipe are read once, by classify: no first look that would leave it empty
  // (the review found '<stdin>: no rows: the file is empty').
  const piped = await leadlag(['report', SPOT, PERP, '--trades', '-', '--format', 'json', '--bootstrap', '100'], { input: readFileSync(TRADES) });
  assert.equal(piped.code, 0, piped.stderr);
  assert.doesNotMatch(piped.stderr, /empty/);
  assert.ok(JSON.parse(piped.stdout).classify !== undefined, 'classify ran on the piped trades');
  // Before, `--html ""` said ": cannot write: no such directory" (exit 73).
  const empty = await leadlagInProcess(['report', SPOT, PERP, '--html', '']);
  assert.equal(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /--html needs a file name to write, got ""/);
});

test('report\'s data checks: a market whose one move lies at the overlap\'s edge has moved for pair, not for xcorr and hy (as inspect judges it)', async () => {
  // Spot: a tick before perp begins, and one 0.17 % higher at perp's last tick (the overlap's
  // end). The grid's last point and every hy interval miss that move; pair counts its jump.
  // Before, report said "pair: spot never moves" beside "1 spot jump".
  const dir = tempFiles({ 'two.csv': 'ts_us,price\n1723118399000000,60000\n1723118479999957,60100\n' });
  const spot = join(dir, 'two.csv');
  const report = await leadlagInProcess(['report', spot, PERP, '--quiet']);
  const inspect = await leadlagInProcess(['inspect', spot, PERP, '--quiet']);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /native: 1 spot \//);
  const checks = (text: string) => ['pair', 'xcorr', 'hy'].map((m) => new RegExp(`${m}: ([^\n]*)`).exec(text.split('\n').filter((l) => /^ *(✗ |✓ )?(pair|xcorr|hy): /.test(l)).join('\n'))?.[1]);
  // xcorr and hy have nothing to work on, and say why beside pair's jump.
  const edge = 'spot holds one price at every grid step of the overlap, though pair counts a jump of it (a move at the overlap\'s edge, or undone within a step)';
  assert.deepEqual(checks(report.stdout), ['1 spot jump at θ = 0.07 % — lower the threshold', `${edge} — nothing to correlate`, `${edge} — nothing to estimate`]);
  assert.deepEqual(checks(inspect.stdout), checks(report.stdout));
  // A move undone within one 1 ms step, mid-overlap (a review): the same words, which name both causes.
  const blip = join(tempFiles({ 'blip.csv': 'ts_us,price\n1723118399000000,60000\n1723118440000200,60100\n1723118440000400,60000\n' }), 'blip.csv');
  const b = await leadlagInProcess(['inspect', blip, PERP, '--quiet']);
  assert.match(b.stdout, /xcorr: spot holds one price at every grid step of the overlap, though pair counts a jump of it/);
});
