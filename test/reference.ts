/**
 * Independent, deliberately naive implementations of docs/definitions.md §1, §2, §4 and §5 for the tests:
 * plain arrays, linear scans and two-pass statistics, sharing no code with src/. Slow
 * (quadratic in places) and only meant for small inputs.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface Quote {
  t: number;
  bid: number;
  ask: number;
  mid: number;
}

/** Parses a generic `ts_us,bid,ask` file (optionally gzipped) and collapses bursts: the last row at a time wins. */
export function readGenericQuotes(path: string): Quote[] {
  let bytes = readFileSync(path);
  if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  const lines = bytes.toString('utf8').trim().split('\n').slice(1);
  const out: Quote[] = [];
  for (const line of lines) {
    const [t, bid, ask] = line.split(',').map(Number) as [number, number, number];
    const q = { t, bid, ask, mid: (bid + ask) / 2 };
    if (out.length > 0 && out[out.length - 1]!.t === t) out[out.length - 1] = q;
    else out.push(q);
  }
  return out;
}

export interface Trade {
  t: number;
  price: number;
  qty: number;
  /** The file's aggressor side: +1 buy, −1 sell. */
  flag: number;
}

/** Parses a Tardis trades file (µs times). */
export function readTardisTrades(path: string): Trade[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const f = line.split(',');
    return { t: Number(f[2]), price: Number(f[6]), qty: Number(f[7]), flag: f[5] === 'buy' ? 1 : f[5] === 'sell' ? -1 : 0 };
  });
}

/** The last quote with t ≤ x, by linear scan; undefined before the first. */
function asOf(quotes: Quote[], x: number): Quote | undefined {
  let found: Quote | undefined;
  for (const q of quotes) {
    if (q.t <= x) found = q;
    else break;
  }
  return found;
}

/** docs/definitions.md §4 by the book: LOCF grid by scan, log-returns, two-pass Pearson per lag. */
export function referenceXcorr(a: Quote[], b: Quote[], gridUs: number, lags: number[]) {
  const { rA, rB } = gridReturns(a, b, gridUs);
  return lags.map((lag) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < rA.length; i++) {
      const j = i + lag;
      if (j >= 0 && j < rB.length) {
        xs.push(rA[i]!);
        ys.push(rB[j]!);
      }
    }
    return { lag, n: xs.length, r: pearson(xs, ys) };
  });
}

/**
 * The bootstrap blocks (of `blockUs`, on the absolute clock) that hold a co-movement: a pair of
 * non-zero returns (r_A[n], r_B[n + τ]) at some lag, filed in the block of n·G (docs/xcorr.md),
 * by the same LOCF grid as referenceXcorr.
 */
export function referenceMovingBlocks(a: Quote[], b: Quote[], gridUs: number, lags: number[], blockUs: number): number {
  const { n0, rA, rB } = gridReturns(a, b, gridUs);
  const blocks = new Set<number>();
  // rA[i] is the return ending at grid point n0 + 1 + i.
  for (let i = 0; i < rA.length; i++) {
    if (rA[i] === 0) continue;
    for (const lag of lags) {
      const j = i + lag;
      if (j >= 0 && j < rB.length && rB[j] !== 0) blocks.add(Math.floor(((n0 + 1 + i) * gridUs) / blockUs));
    }
  }
  return blocks.size;
}

/**
 * Both markets' log-returns on the LOCF grid n·G over the overlap of their ticks (grid points
 * n0 … n1): rA[i] is A's return ending at grid point n0 + 1 + i.
 */
function gridReturns(a: Quote[], b: Quote[], gridUs: number): { n0: number; rA: number[]; rB: number[] } {
  const n0 = Math.ceil(Math.max(a[0]!.t, b[0]!.t) / gridUs);
  const n1 = Math.floor(Math.min(a[a.length - 1]!.t, b[b.length - 1]!.t) / gridUs);
  const locf = (qs: Quote[]) => {
    const v: number[] = [];
    let j = 0;
    for (let n = n0; n <= n1; n++) {
      while (j + 1 < qs.length && qs[j + 1]!.t <= n * gridUs) j++;
      v.push(qs[j]!.mid);
    }
    return v;
  };
  const ret = (v: number[]) => v.slice(1).map((x, i) => Math.log(x) - Math.log(v[i]!));
  return { n0, rA: ret(locf(a)), rB: ret(locf(b)) };
}

function pearson(xs: number[], ys: number[]): number | null {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** docs/definitions.md §5 features at trigger time t, by the book (side from the as-of quote, or the file's flag). */
export function referenceFeatures(quotes: Quote[], trades: Trade[], t: number, windowUs = 3000, gridUs = 1000, tradeSide: 'quotes' | 'flag' = 'quotes') {
  const M = (x: number) => (asOf(quotes, x) ?? quotes[0]!).mid;
  const ret = Math.log(M(t)) - Math.log(M(t - windowUs));
  let ss = 0;
  for (let m = 1; m <= 20; m++) ss += (Math.log(M(t - (m - 1) * gridUs)) - Math.log(M(t - m * gridUs))) ** 2;
  const q = asOf(quotes, t)!;
  const spread = ((q.ask - q.bid) / q.mid) * 1e4;
  let nsv = 0;
  let count = 0;
  for (const tr of trades) {
    if (tr.t > t - 20_000 && tr.t <= t) {
      const at = asOf(quotes, tr.t);
      const byQuote = at === undefined ? 0 : tr.price >= at.ask ? 1 : tr.price <= at.bid ? -1 : 0;
      const side = tradeSide === 'flag' && tr.flag !== 0 ? tr.flag : byQuote;
      nsv += side * tr.qty;
      count++;
    }
  }
  return { ret, vol: Math.sqrt(ss), spread, nsv, count };
}

/**
 * docs/definitions.md §2 written out literally, O(n²): for each i ≥ 1 find k by scanning, take
 * lo = max(k, L), min and max of p[lo..i−1], apply the two tests.
 */
export function bruteDetect(t: number[], p: number[], theta: number, W: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let L = 0;
  for (let i = 1; i < t.length; i++) {
    let k = 0;
    for (let j = 0; j < t.length; j++) if (t[j]! <= t[i]! - W) k = j;
    const lo = Math.max(k, L);
    let min = Infinity;
    let max = -Infinity;
    for (let j = lo; j < i; j++) {
      min = Math.min(min, p[j]!);
      max = Math.max(max, p[j]!);
    }
    const upMove = (p[i]! - min) / min;
    const downMove = (p[i]! - max) / max;
    const up = upMove >= theta;
    const down = downMove <= -theta;
    if (!up && !down) continue;
    const sign = up && down ? (upMove >= -downMove ? 1 : -1) : up ? 1 : -1;
    out.push([t[i]!, sign]);
    L = i;
  }
  return out;
}

/**
 * Type 7 by the book, written here independently: h = (n − 1)q, interpolate x[⌊h⌋]..x[⌊h⌋+1].
 * h is exact: q is read as the decimal fraction k/10^d its text shows (0.99 = 99/100), and on
 * integer data the interpolated value is one exact division, (x·10^d + (y − x)·rem)/10^d.
 */
export function type7(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const [int, frac = ''] = String(q).split('.');
  if (String(q).includes('e') || frac.length > 6) {
    const h = (sorted.length - 1) * q;
    const lo = Math.floor(h);
    return h === lo ? sorted[lo]! : sorted[lo]! + (h - lo) * (sorted[lo + 1]! - sorted[lo]!);
  }
  const scale = 10 ** frac.length;
  const num = (sorted.length - 1) * Number(int + frac);
  const lo = Math.floor(num / scale);
  const rem = num - lo * scale;
  const x = sorted[lo]!;
  if (rem === 0) return x;
  const y = sorted[lo + 1]!;
  return Number.isInteger(x) && Number.isInteger(y) ? (x * scale + (y - x) * rem) / scale : x + ((y - x) * rem) / scale;
}
