import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureEngine, featureNames, type FeatureParams, type FeatureTable } from '../src/core/features.js';
import type { TickBatch, TradeBatch } from '../src/core/types.js';
import { mulberry32 } from './prng.js';

interface Quote {
  t: number;
  bid: number;
  ask: number;
}
interface Trade {
  t: number;
  price: number;
  qty: number;
}
interface Trigger {
  t: number;
  sign: 1 | -1;
}

const quotes = (qs: readonly Quote[]): TickBatch => ({
  length: qs.length,
  t: Float64Array.from(qs, (q) => q.t),
  price: Float64Array.from(qs, (q) => (q.bid + q.ask) / 2),
  bid: Float64Array.from(qs, (q) => q.bid),
  ask: Float64Array.from(qs, (q) => q.ask),
});
const trades = (ts: readonly Trade[]): TradeBatch => ({
  length: ts.length,
  t: Float64Array.from(ts, (x) => x.t),
  price: Float64Array.from(ts, (x) => x.price),
  qty: Float64Array.from(ts, (x) => x.qty),
  side: new Int8Array(ts.length),
});

const EXT: FeatureParams = { windowUs: 3000, gridUs: 1000, tradeWindowUs: 20_000, volSteps: 20, tradeSide: 'quotes', set: 'extended' };

/**
 * Feeds the engine the three streams merged in time (spot quotes, then trades, then perp quotes
 * at equal times — the order the CLI's merge gives), one event per push, every trigger announced
 * before any data.
 */
function runExtended(params: FeatureParams, spot: readonly Quote[], tr: readonly Trade[], perp: readonly Quote[], triggers: readonly Trigger[]): FeatureTable {
  const engine = new FeatureEngine(params);
  for (const g of triggers) engine.addTrigger(g.t, g.sign);
  const events = [
    ...spot.map((q, i) => ({ t: q.t, k: 0, i })),
    ...tr.map((x, i) => ({ t: x.t, k: 1, i })),
    ...perp.map((q, i) => ({ t: q.t, k: 2, i })),
  ].sort((a, b) => a.t - b.t || a.k - b.k || a.i - b.i);
  for (const e of events) {
    if (e.k === 0) engine.pushQuotes(quotes([spot[e.i]!]));
    else if (e.k === 1) engine.pushTrades(trades([tr[e.i]!]));
    else engine.pushPerpQuotes(quotes([perp[e.i]!]));
  }
  engine.finish();
  return engine.rows();
}

const NAMES = featureNames('extended', EXT);
/** Row r as { name: value } for readable failures. */
function named(tab: FeatureTable, r: number): Record<string, number> {
  return Object.fromEntries(NAMES.map((n, c) => [n, tab.columns[c]![r]!]));
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

test('featureNames: the base names follow W and 20·G; the extended set appends fourteen', () => {
  assert.deepEqual(featureNames('base', EXT), ['ret_3ms', 'vol_20ms', 'spread_bps', 'net_signed_volume', 'trade_count']);
  assert.deepEqual(featureNames('base', { windowUs: 500, gridUs: 2000, volSteps: 20 }).slice(0, 2), ['ret_500us', 'vol_40ms']);
  assert.equal(NAMES.length, 19);
  assert.deepEqual(NAMES.slice(5, 9), ['jump_bps', 'jump_sign', 'perp_ret_3ms', 'perp_ret_20ms']);
  // W = 20·G: the perp's two returns are one column.
  assert.deepEqual(featureNames('extended', { windowUs: 20_000, gridUs: 1000, volSteps: 20 }).filter((n) => n.startsWith('perp_ret')), ['perp_ret_20ms']);
});

// Spot (mid):  1000: 99/101 (100)   2500: 100/102 (101)   5000: 104/106 (105)
//              1_003_000: 105/107 (106)   1_003_500: 103/105 (104)
// Perp (mid):  500: 99/101 (100)   3000: 101/103 (102)   5000: 102/104 (103)   1_003_500: 104/106 (105)
// Trades (side against the as-of spot quote):
//   4500 @106 ×2 (quote 2500, ≥ ask 102: +1)      904_000 @105 ×1 (quote 5000, inside: 0)
//   904_001 @106 ×3 (≥ ask 106: +1)               1_003_999 @103 ×5 (quote 1_003_500, ≤ bid 103: −1)
// Triggers: 4000 (down), 5000 (up), 1_004_000 (down).
const SPOT: Quote[] = [
  { t: 1000, bid: 99, ask: 101 },
  { t: 2500, bid: 100, ask: 102 },
  { t: 5000, bid: 104, ask: 106 },
  { t: 1_003_000, bid: 105, ask: 107 },
  { t: 1_003_500, bid: 103, ask: 105 },
];
const PERP: Quote[] = [
  { t: 500, bid: 99, ask: 101 },
  { t: 3000, bid: 101, ask: 103 },
  { t: 5000, bid: 102, ask: 104 },
  { t: 1_003_500, bid: 104, ask: 106 },
];
const TRADES: Trade[] = [
  { t: 4500, price: 106, qty: 2 },
  { t: 904_000, price: 105, qty: 1 },
  { t: 904_001, price: 106, qty: 3 },
  { t: 1_003_999, price: 103, qty: 5 },
];
const TRIGGERS: Trigger[] = [
  { t: 4000, sign: -1 },
  { t: 5000, sign: 1 },
  { t: 1_004_000, sign: -1 },
];
const L = Math.log;

test('FeatureEngine extended: an up jump at 5000 µs, worked by hand', () => {
  const r = named(runExtended(EXT, SPOT, TRADES, PERP, TRIGGERS), 1);
  // M over [2000, 5000): M(2000) = 100 (quote 1000), then 101 (2500): min 100; M(5000) = 105.
  close(r['jump_bps']!, (L(105) - L(100)) * 1e4, 'jump_bps');
  assert.equal(r['jump_sign'], 1);
  // P(5000) = 103 (the perp tick at exactly t is in its past); P(2000) = 100; P(−15000) = the first perp mid, 100.
  close(r['perp_ret_3ms']!, L(103) - L(100), 'perp_ret_3ms');
  close(r['perp_ret_20ms']!, L(103) - L(100), 'perp_ret_20ms');
  close(r['perp_spread_bps']!, (2 / 103) * 1e4, 'perp_spread_bps');
  assert.equal(r['perp_age_ms'], 0);
  close(r['basis_bps']!, (L(103) - L(105)) * 1e4, 'basis_bps');
  // A second earlier (−995 000 µs) both markets are before their first quote: first mids 100 and 100, basis 0.
  close(r['basis_change_1s_bps']!, (L(103) - L(105)) * 1e4, 'basis_change_1s_bps');
  // Trades in (−95 000, 5000] and (−995 000, 5000]: only 4500, +2.
  assert.deepEqual([r['net_signed_volume_100ms'], r['trade_count_100ms'], r['net_signed_volume_1s'], r['trade_count_1s']], [2, 1, 2, 1]);
  assert.equal(r['jumps_1s'], 1, 'the trigger at 4000 is within the second before');
  close(r['seconds_of_day']!, 0.005, 'seconds_of_day');
});

test('FeatureEngine extended: a down jump at 1 004 000 µs, worked by hand', () => {
  const r = named(runExtended(EXT, SPOT, TRADES, PERP, TRIGGERS), 2);
  // M over [1 001 000, 1 004 000): 105 (quote 5000), 106 (1 003 000), 104 (1 003 500, before t): max 106; M(t) = 104.
  close(r['jump_bps']!, (L(106) - L(104)) * 1e4, 'jump_bps');
  assert.equal(r['jump_sign'], -1);
  // P(t) = 105; P(1 001 000) = P(984 000) = 103.
  close(r['perp_ret_3ms']!, L(105) - L(103), 'perp_ret_3ms');
  close(r['perp_ret_20ms']!, L(105) - L(103), 'perp_ret_20ms');
  close(r['perp_spread_bps']!, (2 / 105) * 1e4, 'perp_spread_bps');
  assert.equal(r['perp_age_ms'], 0.5, 'last perp update at 1 003 500, 500 µs before');
  const basis = (L(105) - L(104)) * 1e4;
  close(r['basis_bps']!, basis, 'basis_bps');
  // At 4000: P = 102 (3000), M = 101 (2500).
  close(r['basis_change_1s_bps']!, basis - (L(102) - L(101)) * 1e4, 'basis_change_1s_bps');
  // (904 000, 1 004 000]: 904 001 (+3) and 1 003 999 (−5); 904 000 sits exactly on the edge and is out.
  assert.deepEqual([r['net_signed_volume_100ms'], r['trade_count_100ms']], [-2, 2]);
  // (4000, 1 004 000]: +2, 0, +3, −5.
  assert.deepEqual([r['net_signed_volume_1s'], r['trade_count_1s']], [0, 4]);
  // Earlier triggers in (4000, 1 004 000): 5000 only (4000 is exactly a second before: out).
  assert.equal(r['jumps_1s'], 1);
  close(r['seconds_of_day']!, 1.004, 'seconds_of_day');
  // The base features are unchanged by the extended set: ret over W and the 20 ms trade window.
  close(r['ret_3ms']!, L(104) - L(105), 'ret_3ms');
  assert.deepEqual([r['net_signed_volume'], r['trade_count']], [-5, 1]);
});

test('FeatureEngine extended: the down trigger at 4000 µs sees no jump against its window, perp 1 ms stale', () => {
  const r = named(runExtended(EXT, SPOT, TRADES, PERP, TRIGGERS), 0);
  // M over [1000, 4000): 100, 101; M(4000) = 101 = the max → 0.
  assert.equal(r['jump_bps'], 0);
  assert.equal(r['perp_age_ms'], 1, 'last perp update at 3000');
  assert.equal(r['jumps_1s'], 0);
});

test('FeatureEngine extended: seconds_of_day is the UTC time of day', () => {
  // 2024-08-08T00:00:00Z = 19 943 days · 86 400 s = 1 723 075 200 s; trigger at 01:00:00.5.
  const day = 1_723_075_200_000_000;
  const q = [{ t: day + 3_600_000_000, bid: 99, ask: 101 }];
  const r = named(runExtended(EXT, q, [], q, [{ t: day + 3_600_500_000, sign: 1 }]), 0);
  assert.equal(r['seconds_of_day'], 3600.5);
});

test('FeatureEngine extended: the base columns equal those of the base set', () => {
  const ext = runExtended(EXT, SPOT, TRADES, PERP, TRIGGERS);
  const base = runExtended({ ...EXT, set: 'base' }, SPOT, TRADES, [], TRIGGERS);
  assert.equal(base.columns.length, 5);
  for (let c = 0; c < 5; c++) assert.deepEqual(ext.columns[c], base.columns[c]);
});

/** A random three-stream market over ~3 s, with triggers at some spot quote times. */
function randomMarket(seed: number): { spot: Quote[]; tr: Trade[]; perp: Quote[]; triggers: Trigger[] } {
  const rnd = mulberry32(seed);
  const walk = (n: number, step: number): Quote[] => {
    let t = 0;
    let m = 100;
    return Array.from({ length: n }, () => {
      t += 1 + Math.floor(rnd() * step);
      m *= 1 + (rnd() - 0.5) * 0.002;
      const half = 0.01 + rnd() * 0.05;
      return { t, bid: m - half, ask: m + half };
    });
  };
  const spot = walk(400, 8000);
  const perp = walk(600, 5000);
  let t = 0;
  const tr = Array.from({ length: 300 }, () => {
    t += Math.floor(rnd() * 10_000);
    return { t, price: 100 * (1 + (rnd() - 0.5) * 0.004), qty: 1 + Math.floor(rnd() * 5) };
  });
  const triggers = spot.filter(() => rnd() < 0.15).map((q) => ({ t: q.t, sign: (rnd() < 0.5 ? 1 : -1) as 1 | -1 }));
  return { spot, tr, perp, triggers };
}

test('FeatureEngine extended: no feature reads data after t (every tick after each trigger perturbed, its row unchanged)', () => {
  for (const seed of [1, 2]) {
    const m = randomMarket(seed);
    const full = runExtended(EXT, m.spot, m.tr, m.perp, m.triggers);
    assert.ok(m.triggers.length > 20);
    const rnd = mulberry32(seed + 100);
    m.triggers.forEach((g, k) => {
      // Every price, spread and quantity strictly after t changes; times stay, so the merge order is the same.
      const shake = (q: Quote): Quote => (q.t > g.t ? { t: q.t, bid: q.bid * (1 + rnd() * 0.01), ask: q.ask * (1 + rnd() * 0.02) + 0.5 } : q);
      const spot = m.spot.map(shake);
      const perp = m.perp.map(shake);
      const tr = m.tr.map((x) => (x.t > g.t ? { t: x.t, price: x.price * (1 + (rnd() - 0.5) * 0.01), qty: x.qty + 7 } : x));
      // Later triggers move too (their signs flip): jumps_1s must count only earlier ones.
      const triggers = m.triggers.map((h) => (h.t > g.t ? { t: h.t, sign: (-h.sign) as 1 | -1 } : h));
      const shaken = runExtended(EXT, spot, tr, perp, triggers);
      assert.deepEqual(named(shaken, k), named(full, k), `trigger ${k} at ${g.t} µs`);
    });
  }
});
