/**
 * The synthetic data generator (scripts/gen-data.ts) and the bundled fixtures
 * (scripts/gen-fixtures.ts → fixtures/).
 *
 * The Table 1 checks use a reference implementation written here from docs/definitions.md §2
 * and §3 in the plainest way (brute-force windows, a linear search for each
 * pair), independent of src/core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  BENCH_SHAPE,
  FIXTURE_SHAPE,
  FILE_NAMES,
  IsoTimeWriter,
  LineWriter,
  MemorySink,
  QUOTE_FORMATS,
  QuoteCsvWriter,
  Rng,
  TRADE_FORMATS,
  TradeCsvWriter,
  ensureBenchData,
  generate,
  writeDataset,
  type GenSummary,
  type QuoteFormat,
  type Shape,
  type TradeFormat,
} from '../scripts/gen-data.js';
import { FIXTURES_DIR, FIXTURE_SECONDS, FIXTURE_SEED, buildFixtures, stored } from '../scripts/gen-fixtures.js';

const GEN_DATA_JS = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'gen-data.js');

// ───────────────────────────── helpers ─────────────────────────────

interface Rendered {
  readonly quotes: Record<'spot' | 'perp', Record<QuoteFormat, string>>;
  readonly trades: Record<TradeFormat, string>;
  readonly summary: GenSummary;
}

/** One generator run written in every format at once. */
function renderAll(seed: number, seconds: number, shape: Shape): Rendered {
  const sinks = new Map<string, MemorySink>();
  const sink = (key: string): MemorySink => {
    const s = new MemorySink();
    sinks.set(key, s);
    return s;
  };
  const spot = QUOTE_FORMATS.map((f) => new QuoteCsvWriter(f, 'spot', sink(`spot/${f}`), seed));
  const perp = QUOTE_FORMATS.map((f) => new QuoteCsvWriter(f, 'perp', sink(`perp/${f}`), seed));
  const trades = TRADE_FORMATS.map((f) => new TradeCsvWriter(f, sink(`trades/${f}`), seed));
  const summary = generate({ seed, seconds, shape }, { spotQuotes: spot, perpQuotes: perp, spotTrades: trades });
  for (const w of [...spot, ...perp, ...trades]) w.close();
  const text = (key: string): string => sinks.get(key)?.bytes().toString('latin1') ?? '';
  const byFormat = (m: string): Record<QuoteFormat, string> =>
    Object.fromEntries(QUOTE_FORMATS.map((f) => [f, text(`${m}/${f}`)])) as Record<QuoteFormat, string>;
  return {
    quotes: { spot: byFormat('spot'), perp: byFormat('perp') },
    trades: Object.fromEntries(TRADE_FORMATS.map((f) => [f, text(`trades/${f}`)])) as Record<TradeFormat, string>,
    summary,
  };
}

/** Rows as arrays of cells, header apart. */
function table(csv: string): { header: string[]; rows: string[][] } {
  const lines = csv.split('\n');
  assert.equal(lines.at(-1), '', 'the file ends with a newline');
  lines.pop();
  return { header: (lines[0] ?? '').split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function column(t: { header: string[]; rows: string[][] }, name: string): string[] {
  const i = t.header.indexOf(name);
  assert.ok(i >= 0, `column ${name} in ${t.header.join(',')}`);
  return t.rows.map((r) => r[i] ?? '');
}

/** `2024-08-08 12:00:01.0869+00:00` → µs since the epoch, by string surgery (no Date parsing of the fraction). */
function isoToUs(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\+00:00$/.exec(s);
  assert.ok(m, `ISO time ${s}`);
  const [, y, mo, d, h, mi, se, frac] = m;
  const sec = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) / 1000;
  return sec * 1e6 + Number((frac ?? '').padEnd(6, '0'));
}

interface Quotes {
  readonly t: number[];
  readonly bid: number[];
  readonly ask: number[];
}

function quotesOf(format: QuoteFormat, csv: string): Quotes {
  const tab = table(csv);
  switch (format) {
    case 'tardis':
      return { t: column(tab, 'timestamp').map(Number), bid: column(tab, 'bid_price').map(Number), ask: column(tab, 'ask_price').map(Number) };
    case 'exchange':
      return { t: column(tab, 'time').map(isoToUs), bid: column(tab, 'bid_price').map(Number), ask: column(tab, 'ask_price').map(Number) };
    case 'binance':
      return {
        t: column(tab, 'transaction_time').map((x) => Number(x) * 1000),
        bid: column(tab, 'best_bid_price').map(Number),
        ask: column(tab, 'best_ask_price').map(Number),
      };
    case 'generic':
      return { t: column(tab, 'ts_us').map(Number), bid: column(tab, 'bid').map(Number), ask: column(tab, 'ask').map(Number) };
  }
}

/** docs/definitions.md §1: the last row at each timestamp is the tick; price = mid. */
function collapse(q: Quotes): { t: number[]; p: number[] } {
  const t: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < q.t.length; i++) {
    const mid = ((q.bid[i] ?? 0) + (q.ask[i] ?? 0)) / 2;
    if (t.length > 0 && t[t.length - 1] === q.t[i]) p[p.length - 1] = mid;
    else {
      t.push(q.t[i] ?? 0);
      p.push(mid);
    }
  }
  return { t, p };
}

interface Jump {
  readonly t: number;
  readonly sign: number;
}

/** docs/definitions.md §2 verbatim: k = last index with t_k ≤ t_i − W (else 0), R = p[max(k, L) .. i−1]. O(n · ticks per window). */
function referenceJumps(t: readonly number[], p: readonly number[], theta = 0.0007, w = 3000): Jump[] {
  const jumps: Jump[] = [];
  let reset = 0;
  for (let i = 1; i < t.length; i++) {
    let k = 0;
    for (let j = i - 1; j >= 0; j--) {
      if ((t[j] ?? 0) <= (t[i] ?? 0) - w) {
        k = j;
        break;
      }
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = Math.max(k, reset); j < i; j++) {
      lo = Math.min(lo, p[j] ?? 0);
      hi = Math.max(hi, p[j] ?? 0);
    }
    const pi = p[i] ?? 0;
    const up = (pi - lo) / lo;
    const down = (pi - hi) / hi;
    if (up >= theta || down <= -theta) {
      jumps.push({ t: t[i] ?? 0, sign: up >= -down ? 1 : -1 });
      reset = i;
    }
  }
  return jumps;
}

/** docs/definitions.md §2 grid feed: LOCF values at multiples of G from the first ≥ the first tick to the last ≤ end. */
function locf(s: { t: number[]; p: number[] }, end: number, g = 1000): { t: number[]; p: number[] } {
  const t: number[] = [];
  const p: number[] = [];
  let j = 0;
  for (let x = Math.ceil((s.t[0] ?? 0) / g) * g; x <= end; x += g) {
    while (j + 1 < s.t.length && (s.t[j + 1] ?? 0) <= x) j++;
    t.push(x);
    p.push(s.p[j] ?? 0);
  }
  return { t, p };
}

interface Table1 {
  spot: number;
  perp: number;
  pairs: number;
  spotLeads: number;
  perpLeads: number;
  simultaneous: number;
  noiseSpot: number;
  noisePerp: number;
  /** Spot jumps that lead a perp jump in a pair (label 1) and spot jumps in no pair (label 0). */
  label1: Jump[];
  label0: Jump[];
}

/** docs/definitions.md §3: walk jumps by (time, A before B); pair each with the earliest unpaired same-sign jump of the other market within D. */
function referencePairing(a: Jump[], b: Jump[], start: number, end: number, d = 5000): Table1 {
  const all = [
    ...a.filter((x) => x.t >= start && x.t <= end).map((x) => ({ ...x, m: 0, mate: -1 })),
    ...b.filter((x) => x.t >= start && x.t <= end).map((x) => ({ ...x, m: 1, mate: -1 })),
  ].sort((x, y) => x.t - y.t || x.m - y.m);
  const r: Table1 = { spot: 0, perp: 0, pairs: 0, spotLeads: 0, perpLeads: 0, simultaneous: 0, noiseSpot: 0, noisePerp: 0, label1: [], label0: [] };
  all.forEach((x, i) => {
    if (x.m === 0) r.spot++;
    else r.perp++;
    if (x.mate >= 0) return;
    const j = all.findIndex((y) => y.mate < 0 && y.m !== x.m && y.sign === x.sign && y.t >= x.t && y.t <= x.t + d && y !== x);
    if (j < 0) return;
    const y = all[j];
    if (y === undefined) return;
    x.mate = j;
    y.mate = i;
    r.pairs++;
    if (y.t === x.t) r.simultaneous++;
    else if (x.m === 0) {
      r.spotLeads++;
      r.label1.push(x);
    } else r.perpLeads++;
  });
  for (const x of all) {
    if (x.mate >= 0) continue;
    if (x.m === 0) {
      r.noiseSpot++;
      r.label0.push(x);
    } else r.noisePerp++;
  }
  return r;
}

function table1(spotCsv: string, perpCsv: string, format: QuoteFormat, feed: 'native' | 'locf'): Table1 {
  const a = collapse(quotesOf(format, spotCsv));
  const b = collapse(quotesOf(format, perpCsv));
  const start = Math.max(a.t[0] ?? 0, b.t[0] ?? 0);
  const end = Math.min(a.t.at(-1) ?? 0, b.t.at(-1) ?? 0);
  const fa = feed === 'native' ? a : locf(a, end);
  const fb = feed === 'native' ? b : locf(b, end);
  return referencePairing(referenceJumps(fa.t, fa.p), referenceJumps(fb.t, fb.p), start, end);
}

function fixtureText(path: string): string {
  const bytes = readFileSync(join(FIXTURES_DIR, path));
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [relative(FIXTURES_DIR, join(dir, e.name))],
  );
}

// Shared runs (each takes well under 0.2 s).
const fixtureRun = renderAll(FIXTURE_SEED, FIXTURE_SECONDS, FIXTURE_SHAPE);
const busyRun = renderAll(11, 4, BENCH_SHAPE);

// ───────────────────────────── the PRNG and the byte writers ─────────────────────────────

test('Rng: the same seed and stream give the same sequence; other streams and seeds differ', () => {
  const draw = (seed: number, stream: number): number[] => {
    const r = new Rng(seed, stream);
    return Array.from({ length: 50 }, () => r.u32());
  };
  assert.deepEqual(draw(7, 1), draw(7, 1));
  assert.notDeepEqual(draw(7, 1), draw(7, 2));
  assert.notDeepEqual(draw(7, 1), draw(8, 1));
  assert.notDeepEqual(draw(7, 1), draw(7 + 2 ** 32, 1), 'seeds above 2^32 are not folded onto small ones');
});

test('Rng: uniform() stays in [0, 1) and int(lo, hi) covers every value of a small range', () => {
  const r = new Rng(3);
  const seen = new Set<number>();
  for (let i = 0; i < 10_000; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    const k = r.int(-2, 2);
    assert.ok(k >= -2 && k <= 2 && Number.isInteger(k));
    seen.add(k);
  }
  assert.equal(seen.size, 5);
});

test('LineWriter: uint and fixed print what String and BigInt arithmetic print', () => {
  const r = new Rng(5);
  const sink = new MemorySink();
  const w = new LineWriter(sink);
  const expected: string[] = [];
  const cases = [0, 1, 9, 10, 999_999_999, 1_000_000_000, 2 ** 53 - 1, 1723118400005941];
  for (let i = 0; i < 500; i++) cases.push(Math.floor(r.uniform() * 2 ** 53), r.int(0, 1_000_000));
  for (const n of cases) {
    w.reserve();
    w.uint(n);
    w.byte(10);
    expected.push(String(n));
    const d = r.int(0, 9);
    const units = Math.floor(r.uniform() * 1e15);
    w.reserve();
    w.fixed(units, d);
    w.byte(10);
    const s = BigInt(units).toString().padStart(d + 1, '0');
    expected.push(d === 0 ? s : `${s.slice(0, s.length - d)}.${s.slice(s.length - d)}`);
  }
  w.close();
  assert.deepEqual(sink.bytes().toString('latin1').split('\n').slice(0, -1), expected);
});

test('IsoTimeWriter: µs times round-trip, with and without trailing fractional zeros', () => {
  const r = new Rng(9);
  const times = [1723118400000000, 1723118400000001, 1723118400100000, 1723161254087891, 1704067199999999];
  for (let i = 0; i < 300; i++) times.push(1723118400000000 + Math.floor(r.uniform() * 86400e6));
  for (const trim of [false, true]) {
    const sink = new MemorySink();
    const w = new LineWriter(sink);
    const iso = new IsoTimeWriter();
    for (const t of times) {
      w.reserve();
      iso.write(w, t, trim);
      w.byte(10);
    }
    w.close();
    const lines = sink.bytes().toString('latin1').split('\n').slice(0, -1);
    assert.deepEqual(lines.map(isoToUs), times);
    // Whole seconds by Date, an independent formatter.
    lines.forEach((l, i) => assert.equal(`${l.slice(0, 10)}T${l.slice(11, 19)}`, new Date(Math.floor((times[i] ?? 0) / 1e6) * 1e3).toISOString().slice(0, 19)));
    if (trim) assert.ok(lines.includes('2024-08-08 12:00:00+00:00') && lines.includes('2024-08-08 12:00:00.1+00:00'));
    else assert.ok(lines.every((l) => /\.\d{6}\+00:00$/.test(l)));
  }
});

// ───────────────────────────── determinism and the fixtures ─────────────────────────────

test('generate: the same seed writes the same bytes in every format; another seed does not', () => {
  const again = renderAll(FIXTURE_SEED, FIXTURE_SECONDS, FIXTURE_SHAPE);
  assert.deepEqual(again.quotes, fixtureRun.quotes);
  assert.deepEqual(again.trades, fixtureRun.trades);
  const other = renderAll(FIXTURE_SEED + 1, 5, FIXTURE_SHAPE);
  assert.notEqual(other.quotes.spot.tardis, renderAll(FIXTURE_SEED, 5, FIXTURE_SHAPE).quotes.spot.tardis);
});

test('fixtures: regenerating them reproduces every committed file byte for byte (.gz by content)', () => {
  const built = buildFixtures();
  const onDisk = listFiles(FIXTURES_DIR).sort();
  assert.deepEqual(onDisk, built.map((f) => f.path).sort(), 'no missing and no stale fixture files');
  for (const f of built) {
    const bytes = readFileSync(join(FIXTURES_DIR, f.path));
    if (f.gzip) assert.ok(gunzipSync(bytes).equals(f.content), `${f.path} (decompressed) differs; run npm run fixtures`);
    else assert.ok(bytes.equals(f.content), `${f.path} differs; run npm run fixtures`);
  }
  const total = built.reduce((n, f) => n + stored(f).length, 0);
  assert.ok(total < 1_000_000, `fixtures total ${total} bytes, under 1 MB`);
});

test('fixtures: tardis, exchange and generic carry the same µs times and prices', () => {
  for (const m of ['spot', 'perp'] as const) {
    const path = (dir: string): string => `${dir}/${m}_quotes.csv${dir === 'generic' && m === 'perp' ? '.gz' : ''}`;
    const generic = quotesOf('generic', fixtureText(path('generic')));
    assert.ok(generic.t.length > 1000);
    assert.deepEqual(quotesOf('tardis', fixtureText(path('tardis'))), generic);
    assert.deepEqual(quotesOf('exchange', fixtureText(path('exchange'))), generic);
  }
  const tardis = table(fixtureText('tardis/spot_trades.csv'));
  const exchange = table(fixtureText('exchange/spot_trades.csv'));
  assert.deepEqual(column(exchange, 'time').map(isoToUs), column(tardis, 'timestamp').map(Number));
  assert.deepEqual(column(exchange, 'price').map(Number), column(tardis, 'price').map(Number));
  assert.deepEqual(column(exchange, 'quantity').map(Number), column(tardis, 'amount').map(Number));
  // is_market_maker true = the buyer was the maker = a sell aggressor.
  assert.deepEqual(column(exchange, 'is_market_maker').map((x) => (x === 'true' ? 'sell' : 'buy')), column(tardis, 'side'));
});

test('generate: the Binance layouts carry the same rows at millisecond resolution', () => {
  for (const run of [fixtureRun, busyRun]) {
    for (const m of ['spot', 'perp'] as const) {
      const us = quotesOf('generic', run.quotes[m].generic);
      const ms = quotesOf('binance', run.quotes[m].binance);
      assert.deepEqual(ms, { t: us.t.map((t) => Math.floor(t / 1000) * 1000), bid: us.bid, ask: us.ask });
    }
    const tardis = table(run.trades.tardis);
    const binance = table(run.trades.binance);
    assert.deepEqual(column(binance, 'time').map(Number), column(tardis, 'timestamp').map((t) => Math.floor(Number(t) / 1000)));
    assert.deepEqual(column(binance, 'qty'), column(tardis, 'amount'));
    const quote = column(binance, 'quote_qty').map(Number);
    column(binance, 'price').forEach((p, i) => {
      const expected = Number(p) * Number(column(binance, 'qty')[i]);
      assert.ok(Math.abs((quote[i] ?? 0) - expected) <= 1e-9 * expected, 'quote_qty = price × qty');
    });
  }
});

// ───────────────────────────── what the data looks like ─────────────────────────────

test('generate: quotes are never crossed, on a 0.01 tick, 1–3 ticks wide, and times never go backwards', () => {
  for (const run of [fixtureRun, busyRun]) {
    for (const m of ['spot', 'perp'] as const) {
      const tab = table(run.quotes[m].tardis);
      for (const name of ['bid_price', 'ask_price']) assert.ok(column(tab, name).every((x) => /^\d+\.\d\d$/.test(x)), name);
      const q = quotesOf('tardis', run.quotes[m].tardis);
      const local = column(tab, 'local_timestamp').map(Number);
      for (let i = 0; i < q.t.length; i++) {
        const ticks = Math.round(((q.ask[i] ?? 0) - (q.bid[i] ?? 0)) * 100);
        assert.ok(ticks >= 1 && ticks <= 3, `spread ${ticks} ticks at row ${i + 2}`);
        assert.ok(Number.isInteger(q.t[i]));
        if (i > 0) {
          assert.ok((q.t[i] ?? 0) >= (q.t[i - 1] ?? 0), `time goes backwards at row ${i + 2}`);
          assert.ok((local[i] ?? 0) >= (local[i - 1] ?? 0), 'local_timestamp never goes backwards');
        }
        assert.ok((local[i] ?? 0) > (q.t[i] ?? 0), 'local_timestamp after timestamp');
      }
    }
    const trades = table(run.trades.tardis);
    const t = column(trades, 'timestamp').map(Number);
    assert.ok(t.every((x, i) => i === 0 || x >= (t[i - 1] ?? 0)), 'trade times never go backwards');
    assert.ok(column(trades, 'amount').every((x) => /^\d+\.\d{3,8}$/.test(x) && Number(x) > 0), 'quantities with 3–8 decimals');
    assert.ok(column(trades, 'side').every((x) => x === 'buy' || x === 'sell'));
  }
});

test('generate: bursts, idle gaps of 50–100 ms, sub-ms updates, and a perp busier than spot', () => {
  for (const run of [fixtureRun, busyRun]) {
    assert.ok(run.summary.perpRows > run.summary.spotRows * 1.2);
    const spot = quotesOf('generic', run.quotes.spot.generic).t;
    const perp = quotesOf('generic', run.quotes.perp.generic).t;
    assert.ok(spot.some((t, i) => i > 0 && t === spot[i - 1]), 'a burst in spot');
    assert.ok(perp.some((t, i) => i > 0 && t === perp[i - 1]), 'a burst in perp');
    const both = [...spot, ...perp].sort((a, b) => a - b);
    const gaps = both.slice(1).map((t, i) => t - (both[i] ?? 0));
    assert.ok(gaps.some((g) => g > 0 && g < 1000), 'sub-millisecond updates');
  }
  const both = [...quotesOf('generic', busyRun.quotes.spot.generic).t, ...quotesOf('generic', busyRun.quotes.perp.generic).t].sort((a, b) => a - b);
  const gaps = both.slice(1).map((t, i) => t - (both[i] ?? 0));
  assert.ok(busyRun.summary.idleGaps > 0);
  assert.ok(gaps.some((g) => g >= 50_000 && g <= 100_000), 'an idle gap in the busy market');
  assert.ok(gaps.filter((g) => g > 100_000).length === 0, 'no silence longer than an idle gap in the busy market');
});

test('generate: the busy shape makes about 1 850 spot and 2 950 perp quote rows and 42 trades per second', () => {
  // ≈ 17 M quote rows and 150 000 trades per hour; ±15 % over 4 s.
  const perSecond = (n: number): number => n / 4;
  const near = (x: number, target: number): boolean => Math.abs(x - target) <= 0.15 * target;
  assert.ok(near(perSecond(busyRun.summary.spotRows), 1850), `spot ${busyRun.summary.spotRows}`);
  assert.ok(near(perSecond(busyRun.summary.perpRows), 2950), `perp ${busyRun.summary.perpRows}`);
  assert.ok(near(perSecond(busyRun.summary.trades), 42), `trades ${busyRun.summary.trades}`);
});

test('generate: in the busy shape most quote updates change a size, not the mid, as in real books; the fixtures re-quote every update', () => {
  // Sticky quotes (BENCH_SHAPE.quoteBandUsd): the real Binance BTCUSDT sample keeps the mid in
  // 90 % (spot) and 97 % (perp) of its quote rows. Counted here on the written rows, row after row.
  const keptShare = (csv: string): number => {
    const q = quotesOf('generic', csv);
    let kept = 0;
    for (let i = 1; i < q.t.length; i++) if (q.bid[i]! + q.ask[i]! === q.bid[i - 1]! + q.ask[i - 1]!) kept++;
    return kept / (q.t.length - 1);
  };
  for (const market of ['spot', 'perp'] as const) {
    const busy = keptShare(busyRun.quotes[market].generic);
    assert.ok(busy >= 0.85 && busy <= 0.98, `${market}: ${busy} of busy rows keep the mid`);
    // Without the band every update quotes the moving latent price: the mid changes at most rows.
    const quiet = keptShare(fixtureRun.quotes[market].generic);
    assert.ok(quiet < 0.5, `${market}: ${quiet} of fixture rows keep the mid`);
  }
});

test('fixtures: Table 1 (native and grid) finds exactly the events the generator placed', () => {
  const events = fixtureRun.summary.events;
  const spot = fixtureText('generic/spot_quotes.csv');
  const perp = fixtureText('generic/perp_quotes.csv.gz');
  for (const feed of ['native', 'locf'] as const) {
    const r = table1(spot, perp, 'generic', feed);
    assert.equal(r.spotLeads, events.lead, `${feed}: spot leads perp`);
    assert.equal(r.perpLeads, events['perp-lead'], `${feed}: perp leads spot`);
    assert.equal(r.simultaneous, events.simultaneous, `${feed}: simultaneous`);
    assert.equal(r.noiseSpot, events['spot-noise'], `${feed}: noise spot jumps`);
    assert.equal(r.noisePerp, events['perp-noise'], `${feed}: noise perp jumps`);
    assert.equal(r.pairs, r.spotLeads + r.perpLeads + r.simultaneous);
    assert.equal(r.spot, r.pairs + r.noiseSpot);
    assert.equal(r.perp, r.pairs + r.noisePerp);
  }
});

test('fixtures: a meaningful Table 1 and ≥ 30 triggers of each label, with more order flow before leads', () => {
  const r = table1(fixtureText('tardis/spot_quotes.csv'), fixtureText('tardis/perp_quotes.csv'), 'tardis', 'native');
  assert.ok(r.spot >= 100 && r.spot <= 400, `${r.spot} spot jumps`);
  assert.ok(r.perpLeads > 0 && r.simultaneous > 0 && r.noisePerp > 0);
  assert.ok(r.label1.length >= 30 && r.label0.length >= 30, `labels: ${r.label1.length} lead, ${r.label0.length} noise`);
  // docs/definitions.md §5 trade_count: spot trades with t − 20 ms < t_trade ≤ t.
  const trades = column(table(fixtureText('tardis/spot_trades.csv')), 'timestamp').map(Number);
  const meanCount = (js: Jump[]): number =>
    js.reduce((n, j) => n + trades.filter((t) => t > j.t - 20_000 && t <= j.t).length, 0) / js.length;
  assert.ok(meanCount(r.label1) > 1.5 * meanCount(r.label0), `${meanCount(r.label1)} vs ${meanCount(r.label0)}`);
});

test('fixtures: every layout of the same ticks gives the same Table 1', () => {
  const generic = table1(fixtureText('generic/spot_quotes.csv'), fixtureText('generic/perp_quotes.csv.gz'), 'generic', 'native');
  for (const f of ['tardis', 'exchange'] as const) {
    const r = table1(fixtureText(`${f}/spot_quotes.csv`), fixtureText(`${f}/perp_quotes.csv`), f, 'native');
    assert.deepEqual(r, generic, f);
  }
});

// ───────────────────────────── the CLI and the bench data ─────────────────────────────

test('gen-data CLI: writes the three files in the chosen format; bad options exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gen-data-'));
  try {
    const ok = spawnSync(process.execPath, [GEN_DATA_JS, '--out', dir, '--seconds', '2', '--seed', '5', '--format', 'exchange'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(readFileSync(join(dir, FILE_NAMES.spotQuotes), 'latin1').split('\n')[0], 'time,symbol,bid_price,ask_price');
    assert.equal(readFileSync(join(dir, FILE_NAMES.spotTrades), 'latin1').split('\n')[0], 'time,symbol,price,quantity,is_market_maker');
    assert.ok(statSync(join(dir, FILE_NAMES.perpQuotes)).size > 10_000);
    for (const bad of [['--format', 'nope'], ['--seed', '-1']]) {
      const r = spawnSync(process.execPath, [GEN_DATA_JS, '--out', dir, ...bad], { encoding: 'utf8' });
      assert.equal(r.status, 2, bad.join(' '));
      assert.match(r.stderr, /usage/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ensureBenchData: writes the Tardis files when absent, leaves current ones alone, makes stale ones again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gen-bench-'));
  try {
    const made = ensureBenchData(dir, { minutes: 0.02 });
    assert.equal(made.generated, true);
    for (const n of Object.values(FILE_NAMES)) assert.ok(existsSync(join(dir, n)), n);
    assert.ok(!readdirSync(dir).some((n) => n.endsWith('.partial')));
    assert.match(readFileSync(join(dir, FILE_NAMES.perpQuotes), 'latin1'), /^exchange,symbol,timestamp,local_timestamp,/);
    writeFileSync(join(dir, FILE_NAMES.spotQuotes), 'kept');
    assert.equal(ensureBenchData(dir, { minutes: 0.02 }).generated, false);
    assert.equal(readFileSync(join(dir, FILE_NAMES.spotQuotes), 'latin1'), 'kept');
    // Data made from another length (or seed, shape, generator) is made again, as is data whose
    // stamp is missing (an interrupted run, or data from before the stamp).
    assert.equal(ensureBenchData(dir, { minutes: 0.03 }).generated, true);
    assert.notEqual(readFileSync(join(dir, FILE_NAMES.spotQuotes), 'latin1'), 'kept');
    assert.equal(ensureBenchData(dir, { minutes: 0.03 }).generated, false);
    rmSync(join(dir, '.bench-stamp'));
    assert.equal(ensureBenchData(dir, { minutes: 0.03 }).generated, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeDataset: gzip output (one member per 4 MB flush) decompresses to the plain files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gen-gzip-'));
  try {
    // 18 s of the busy market: the perp file passes 4 MB, so it is written as several gzip members.
    const options = { seed: 3, seconds: 18, shape: BENCH_SHAPE, format: 'tardis' as const };
    writeDataset(join(dir, 'plain'), options);
    writeDataset(join(dir, 'gz'), { ...options, gzip: true });
    for (const n of Object.values(FILE_NAMES)) {
      const plain = readFileSync(join(dir, 'plain', n));
      assert.ok(gunzipSync(readFileSync(join(dir, 'gz', `${n}.gz`))).equals(plain), n);
    }
    assert.ok(statSync(join(dir, 'plain', FILE_NAMES.perpQuotes)).size > 4 * 2 ** 20);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
