import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureEngine, type FeatureParams, type FeatureTable } from '../src/core/features.js';
import type { TickBatch, TradeBatch } from '../src/core/types.js';
import { mulberry32 } from './prng.js';

// ---------------------------------------------------------------- fixtures

interface Quote {
  t: number;
  bid: number;
  ask: number;
}
interface Trade {
  t: number;
  price: number;
  qty: number;
  flag: number;
}

const mid = (q: Quote): number => (q.bid + q.ask) / 2;

function quoteBatch(qs: readonly Quote[]): TickBatch {
  return {
    length: qs.length,
    t: Float64Array.from(qs, (q) => q.t),
    price: Float64Array.from(qs, mid),
    bid: Float64Array.from(qs, (q) => q.bid),
    ask: Float64Array.from(qs, (q) => q.ask),
  };
}

function tradeBatch(ts: readonly Trade[]): TradeBatch {
  return {
    length: ts.length,
    t: Float64Array.from(ts, (x) => x.t),
    price: Float64Array.from(ts, (x) => x.price),
    qty: Float64Array.from(ts, (x) => x.qty),
    side: Int8Array.from(ts, (x) => x.flag),
  };
}

const trade = (t: number, price: number, qty: number, flag = 0): Trade => ({ t, price, qty, flag });

/** The merged push order: by time, quotes before trades at equal times. */
type Event = { kind: 'q'; q: Quote } | { kind: 'x'; x: Trade };
function merged(quotes: readonly Quote[], trades: readonly Trade[]): Event[] {
  const out: Event[] = [];
  let i = 0;
  let j = 0;
  while (i < quotes.length || j < trades.length) {
    if (j >= trades.length || (i < quotes.length && quotes[i]!.t <= trades[j]!.t)) out.push({ kind: 'q', q: quotes[i++]! });
    else out.push({ kind: 'x', x: trades[j++]! });
  }
  return out;
}

type Announce = 'upfront' | 'late';

/**
 * Feeds the engine the merged stream in chunks of at most `chunk` same-kind events.
 * 'upfront': every trigger before any data. 'late': a trigger is announced only after the
 * quote chunk that holds the first quote later than it (how a grid jump becomes known),
 * i.e. after data beyond it — quotes and trades — has been pushed; the rest at the end.
 */
function run(
  params: FeatureParams,
  quotes: readonly Quote[],
  trades: readonly Trade[],
  triggers: readonly number[],
  announce: Announce,
  chunk = 1,
): FeatureTable {
  const engine = new FeatureEngine(params);
  let next = 0;
  if (announce === 'upfront') for (const t of triggers) engine.addTrigger(t);
  const events = merged(quotes, trades);
  for (let i = 0; i < events.length; ) {
    const kind = events[i]!.kind;
    let j = i;
    while (j < events.length && j - i < chunk && events[j]!.kind === kind) j++;
    const slice = events.slice(i, j);
    if (kind === 'q') {
      engine.pushQuotes(quoteBatch(slice.map((e) => (e as { q: Quote }).q)));
      const last = (slice[slice.length - 1] as { q: Quote }).q.t;
      while (announce === 'late' && next < triggers.length && triggers[next]! < last) engine.addTrigger(triggers[next++]!);
    } else {
      engine.pushTrades(tradeBatch(slice.map((e) => (e as { x: Trade }).x)));
    }
    i = j;
  }
  if (announce === 'late') while (next < triggers.length) engine.addTrigger(triggers[next++]!);
  engine.finish();
  return engine.rows();
}

const DEFAULTS: FeatureParams = { windowUs: 3000, gridUs: 1000, tradeWindowUs: 20_000, volSteps: 20, tradeSide: 'quotes' };

/** Row r of a table as a plain object, for readable assertion failures. */
function row(tab: FeatureTable, r: number) {
  return { t: tab.t[r], ret: tab.ret[r], vol: tab.vol[r], spread: tab.spread[r], nsv: tab.nsv[r], count: tab.count[r] };
}

// ---------------------------------------------------------------- hand-worked

// Quotes (t µs: bid/ask → mid):  1000: 99/101 → 100,  2500: 100/102 → 101,  5000: 104/106 → 105
const Q3: Quote[] = [
  { t: 1000, bid: 99, ask: 101 },
  { t: 2500, bid: 100, ask: 102 },
  { t: 5000, bid: 104, ask: 106 },
];

test('FeatureEngine: ret_3ms uses M(t − W) as of the last quote before it when none is exactly there', () => {
  // t = 5000: M(5000) = 105; t − W = 2000 has no quote, the last one ≤ 2000 is at 1000 → 100.
  // t = 4000: M(4000) = 101 (quote 2500); t − W = 1000 is a quote exactly → 100.
  const tab = run(DEFAULTS, Q3, [], [4000, 5000], 'upfront');
  assert.equal(tab.ret[0], Math.log(101) - Math.log(100));
  assert.equal(tab.ret[1], Math.log(105) - Math.log(100));
});

test('FeatureEngine: before the first quote M is the first quote’s mid', () => {
  // t = 1500: M(1500) = 100 and t − W = −1500 precedes every quote → first mid 100 → ret 0.
  // vol over 20 steps back from 1500: only the step 1500 → 500 ... all mids 100 → 0.
  const tab = run(DEFAULTS, Q3, [], [1500], 'upfront');
  assert.equal(tab.ret[0], 0);
  assert.equal(tab.vol[0], 0);
});

test('FeatureEngine: vol_20ms sums the squared G-step log-returns in order m = 1..S', () => {
  // S = 3, G = 1000, t = 5000: points 5000, 4000, 3000, 2000 → M = 105, 101, 101, 100.
  const params = { ...DEFAULTS, volSteps: 3 };
  const d1 = Math.log(105) - Math.log(101);
  const d2 = Math.log(101) - Math.log(101);
  const d3 = Math.log(101) - Math.log(100);
  const tab = run(params, Q3, [], [5000], 'upfront');
  assert.equal(tab.vol[0], Math.sqrt(d1 * d1 + d2 * d2 + d3 * d3));
  // With the default 20 steps (docs/definitions.md §5) from 5000 back to −15000 the extra steps are all 100 → 100: same value.
  const full = run(DEFAULTS, Q3, [], [5000], 'upfront');
  assert.equal(full.vol[0], Math.sqrt(d1 * d1 + d2 * d2 + d3 * d3));
});

test('FeatureEngine: spread_bps is of the last quote at or before t', () => {
  // t = 2500 (exact quote): (102 − 100) / 101 · 1e4; t = 4999: still the quote at 2500.
  // t = 5000: (106 − 104) / 105 · 1e4.
  const tab = run(DEFAULTS, Q3, [], [2500, 4999, 5000], 'upfront');
  assert.equal(tab.spread[0], (2 / 101) * 1e4);
  assert.equal(tab.spread[1], (2 / 101) * 1e4);
  assert.equal(tab.spread[2], (2 / 105) * 1e4);
});

// Trades against Q3, with the side each must get:
//   500  @100 ×1: before the first quote             →  0
//   1000 @101 ×2: quote at exactly 1000 (99/101), ≥ ask → +1
//   2000 @99  ×3: as-of quote 1000, ≤ bid 99          → −1
//   2500 @101 ×4: quote at exactly 2500 (100/102), inside → 0 (the 1000 quote would say +1)
//   2500 @102 ×5: ≥ ask 102                           → +1
//   3000 @100 ×6: as-of 2500, ≤ bid 100               → −1
const T6: Trade[] = [trade(500, 100, 1), trade(1000, 101, 2), trade(2000, 99, 3), trade(2500, 101, 4), trade(2500, 102, 5), trade(3000, 100, 6)];

test('FeatureEngine: trade side by backward as-of quote, exact times included, 0 before the first quote', () => {
  // All six trades are in (3000 − 20000, 3000]: nsv = 0 + 2 − 3 + 0 + 5 − 6 = −2, count 6.
  const tab = run(DEFAULTS, Q3, T6, [3000], 'upfront');
  assert.equal(tab.nsv[0], -2);
  assert.equal(tab.count[0], 6);
});

test('FeatureEngine: the trade window is (t − 20 ms, t]: a trade at exactly t − 20 ms is out, at t is in', () => {
  // Window 2000 µs, t = 3000 → (1000, 3000]: the trade at 1000 is out; 2000 (−3), 2500 (0, +5), 3000 (−6) in.
  const tab = run({ ...DEFAULTS, tradeWindowUs: 2000 }, Q3, T6, [3000], 'upfront');
  assert.equal(tab.nsv[0], -3 + 0 + 5 - 6);
  assert.equal(tab.count[0], 4);
  // The default 20 ms window: trades at 21000 (out: exactly t − 20 ms for t = 41000) and 41000 (in).
  const late = run(DEFAULTS, Q3, [trade(21_000, 106, 1), trade(41_000, 106, 2)], [41_000], 'upfront');
  assert.equal(late.nsv[0], 2);
  assert.equal(late.count[0], 1);
});

test('FeatureEngine: tradeSide flag uses the file’s own aggressor side where a trade has one', () => {
  // 1000 @ 101 flagged −1: the quote rule would say +1 (101 ≥ ask 101), the flag wins → −2.
  // 2000 @ 99 flagged +1 → +3. 2500 @ 102 unflagged (0): the quote rule against the 2500
  // quote (bid 100, ask 102) gives +1 → +4. Sum −2 + 3 + 4.
  const flagged = [trade(1000, 101, 2, -1), trade(2000, 99, 3, 1), trade(2500, 102, 4, 0)];
  const tab = run({ ...DEFAULTS, tradeSide: 'flag' }, Q3, flagged, [3000], 'upfront');
  assert.equal(tab.nsv[0], -2 + 3 + 4);
  assert.equal(tab.count[0], 3);
});

test('FeatureEngine: a trigger announced late equals the same trigger announced up front', () => {
  const triggers = [1000, 2500, 3000, 4000, 5000, 7000];
  const early = run(DEFAULTS, Q3, T6, triggers, 'upfront');
  const late = run(DEFAULTS, Q3, T6, triggers, 'late');
  assert.equal(late.length, triggers.length);
  for (let r = 0; r < triggers.length; r++) assert.deepEqual(row(late, r), row(early, r));
});

test('FeatureEngine: a trigger is computed only once data strictly after it has arrived', () => {
  const engine = new FeatureEngine(DEFAULTS);
  engine.pushQuotes(quoteBatch(Q3.slice(0, 2)));
  engine.addTrigger(2500);
  assert.equal(engine.rows().length, 0, 'trades at 2500 may still come');
  engine.pushTrades(tradeBatch([trade(2500, 102, 5)]));
  assert.equal(engine.rows().length, 0, 'more trades at 2500 may still come');
  engine.pushTrades(tradeBatch([trade(2600, 102, 1)]));
  assert.equal(engine.rows().length, 1);
  assert.equal(engine.rows().nsv[0], 5); // the 2600 trade is after t
});

test('FeatureEngine.farTrades: trades more than 5 % beyond the quote at their time, of those with a quote before them', () => {
  const engine = new FeatureEngine(DEFAULTS);
  // Before any quote: not checked.
  engine.pushTrades(tradeBatch([trade(100, 1, 1)]));
  engine.pushQuotes(quoteBatch([{ t: 1000, bid: 100, ask: 101 }]));
  // Bounds: 100 · 0.95 = 95 and 101 · 1.05 = 106.05. 95.01 and 106 are within, 94.99 and
  // 106.1 beyond; an exchange's trade at the bid or the ask is within.
  engine.pushTrades(tradeBatch([trade(1100, 100, 1), trade(1200, 95.01, 1), trade(1300, 106, 1), trade(1400, 94.99, 1), trade(1500, 106.1, 1)]));
  const f = engine.farTrades();
  assert.deepEqual([f.far, f.checked], [2, 5]);
  assert.deepEqual(f.first, { t: 1400, price: 94.99, bid: 100, ask: 101 });
});

test('FeatureEngine: pushes out of merged time order and triggers out of order are rejected', () => {
  const engine = new FeatureEngine(DEFAULTS);
  engine.pushQuotes(quoteBatch(Q3.slice(0, 2)));
  engine.pushTrades(tradeBatch([trade(2500, 101, 1)]));
  assert.throws(() => engine.pushQuotes(quoteBatch([{ t: 2500, bid: 1, ask: 2 }])), /merged in time order/);
  assert.throws(() => engine.pushTrades(tradeBatch([trade(2400, 101, 1)])), /merged in time order/);
  engine.addTrigger(2600);
  assert.throws(() => engine.addTrigger(2599), /earlier than the previous/);
});

test('FeatureEngine: a trigger older than the retention floor is rejected, not silently wrong', () => {
  const engine = new FeatureEngine(DEFAULTS);
  engine.pushQuotes(quoteBatch(Q3.slice(0, 2))); // floor: none yet
  engine.pushQuotes(quoteBatch(Q3.slice(2))); // floor: 2500, the quote before this batch
  assert.throws(() => engine.addTrigger(2000), /released/);
  engine.addTrigger(2500);
});

test('FeatureEngine: memory stays bounded by the look-back horizon, not the number of ticks', () => {
  // 10 000 quotes 1 ms apart, a trade at each, one tick per push, a trigger every 100 ticks.
  // H = max(W, 20 G) = 20 ms: at most ~21 quotes and ~21 trades need keeping.
  const engine = new FeatureEngine(DEFAULTS);
  let maxQuotes = 0;
  let maxTrades = 0;
  for (let i = 1; i <= 10_000; i++) {
    const t = i * 1000;
    engine.pushQuotes(quoteBatch([{ t, bid: 100 + (i % 7), ask: 101 + (i % 7) }]));
    engine.pushTrades(tradeBatch([trade(t, 101, 1)]));
    if (i % 100 === 0) engine.addTrigger(t);
    const held = engine.retained();
    maxQuotes = Math.max(maxQuotes, held.quotes);
    maxTrades = Math.max(maxTrades, held.trades);
  }
  engine.finish();
  assert.equal(engine.rows().length, 100);
  assert.ok(maxQuotes <= 23, `quotes held: ${maxQuotes}`);
  assert.ok(maxTrades <= 23, `trades held: ${maxTrades}`);
});

// ---------------------------------------------------------------- property test


function randomMarket(rand: () => number): { quotes: Quote[]; trades: Trade[]; triggers: number[] } {
  const quotes: Quote[] = [];
  const trades: Trade[] = [];
  let t = 1_000_000 + Math.floor(rand() * 1000);
  let m = 100;
  const n = 50 + Math.floor(rand() * 400);
  for (let i = 0; i < n; i++) {
    // Gaps from 1 µs to an idle 60 ms, often landing on whole ms (grid points).
    const r = rand();
    t += r < 0.1 ? 1 + Math.floor(rand() * 5) : r < 0.9 ? 1000 * (1 + Math.floor(rand() * 3)) : Math.floor(rand() * 60_000) + 1;
    m *= 1 + (rand() - 0.5) * 0.002;
    const half = 0.005 + Math.floor(rand() * 4) * 0.01;
    quotes.push({ t, bid: m - half, ask: m + half });
  }
  const first = quotes[0]!.t;
  const last = quotes[quotes.length - 1]!.t;
  let tt = first - 30_000;
  while (tt < last + 30_000) {
    const r = rand();
    // Some trades share a time, some sit exactly on a quote time.
    if (r < 0.2) tt += 0;
    else if (r < 0.4) tt = quotes.find((q) => q.t > tt)?.t ?? tt + 1;
    else tt += 1 + Math.floor(rand() * 4000);
    const q = quotes.filter((x) => x.t <= tt).pop() ?? quotes[0]!;
    const c = rand();
    const price = c < 0.3 ? q.ask : c < 0.6 ? q.bid : c < 0.8 ? mid(q) : c < 0.9 ? q.ask + 0.01 : q.bid - 0.01;
    trades.push(trade(tt, price, Math.round(rand() * 1000) / 100 + 0.01, rand() < 0.5 ? 1 : -1));
  }
  // Triggers: native-like (quote times) and grid-like (whole ms), some beyond the last quote.
  const triggers = new Set<number>();
  for (const q of quotes) if (rand() < 0.15) triggers.add(q.t);
  for (let g = Math.ceil(first / 1000) * 1000; g <= last + 5000; g += 1000) if (rand() < 0.03) triggers.add(g);
  return { quotes, trades, triggers: [...triggers].sort((a, b) => a - b) };
}

/** Straight from docs/definitions.md §5 with linear scans: the reference the engine must match. */
function bruteForce(p: FeatureParams, quotes: readonly Quote[], trades: readonly Trade[], triggers: readonly number[]) {
  const asOf = (x: number): Quote | undefined => {
    let found: Quote | undefined;
    for (const q of quotes) if (q.t <= x) found = q;
    return found;
  };
  const M = (x: number): number => mid(asOf(x) ?? quotes[0]!);
  const side = (x: Trade): number => {
    if (p.tradeSide === 'flag' && x.flag !== 0) return x.flag;
    const q = asOf(x.t);
    if (q === undefined) return 0;
    return x.price >= q.ask ? 1 : x.price <= q.bid ? -1 : 0;
  };
  return triggers.map((t) => {
    let sum = 0;
    for (let m = 1; m <= p.volSteps; m++) {
      const d = Math.log(M(t - (m - 1) * p.gridUs)) - Math.log(M(t - m * p.gridUs));
      sum += d * d;
    }
    const q = asOf(t);
    let nsv = 0;
    let count = 0;
    for (const x of trades) {
      if (t - p.tradeWindowUs < x.t && x.t <= t) {
        nsv += side(x) * x.qty;
        count++;
      }
    }
    return {
      t,
      ret: Math.log(M(t)) - Math.log(M(t - p.windowUs)),
      vol: Math.sqrt(sum),
      spread: q === undefined ? NaN : ((q.ask - q.bid) / mid(q)) * 1e4,
      nsv,
      count,
    };
  });
}

test('FeatureEngine: agrees with a brute force of docs/definitions.md §5 on random markets, whatever the chunking and announcement', () => {
  const rand = mulberry32(20240611);
  for (let trial = 0; trial < 40; trial++) {
    const { quotes, trades, triggers } = randomMarket(rand);
    const params: FeatureParams = {
      windowUs: [3000, 2500, 1000][trial % 3]!,
      gridUs: [1000, 500][trial % 2]!,
      tradeWindowUs: [20_000, 5000][trial % 2]!,
      volSteps: [20, 7][trial % 2]!,
      tradeSide: trial % 4 === 3 ? 'flag' : 'quotes',
    };
    const expected = bruteForce(params, quotes, trades, triggers);
    for (const [announce, chunk] of [['upfront', 1], ['late', 1], ['late', 17], ['upfront', 1000]] as const) {
      const tab = run(params, quotes, trades, triggers, announce, chunk);
      assert.equal(tab.length, triggers.length);
      for (let r = 0; r < triggers.length; r++) {
        const got = row(tab, r);
        const want = expected[r]!;
        const where = `trial ${trial}, ${announce}/${chunk}, trigger ${want.t}`;
        assert.equal(got.t, want.t, where);
        assert.equal(got.count, want.count, where);
        assert.ok(Math.abs(got.ret! - want.ret) <= 1e-15, `${where}: ret ${got.ret} vs ${want.ret}`);
        assert.ok(Math.abs(got.vol! - want.vol) <= 1e-15, `${where}: vol ${got.vol} vs ${want.vol}`);
        assert.ok(Math.abs(got.spread! - want.spread) <= 1e-12, `${where}: spread ${got.spread} vs ${want.spread}`);
        assert.ok(Math.abs(got.nsv! - want.nsv) <= 1e-9, `${where}: nsv ${got.nsv} vs ${want.nsv}`);
      }
    }
  }
});
