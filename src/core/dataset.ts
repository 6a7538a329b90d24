/**
 * The labelled data set of `classify` (docs/definitions.md §5): the labelling algebra that
 * turns feature rows and pairing roles into (features, label) rows, and the row selections
 * every evaluation uses. No I/O.
 */
import { Role } from './pairing.js';
import type { FeatureTable } from './features.js';
import type { Span } from './types.js';

/** The labelled data set: one row per spot jump in the span that leads (1) or is noise (0), in time order. */
export interface Dataset {
  /** Feature names, one per column of X. */
  readonly names: readonly string[];
  /** Trigger times, µs, increasing. */
  readonly t: Float64Array;
  readonly labels: Uint8Array;
  /** Row-major n × names.length. */
  readonly X: Float64Array;
}

/**
 * Keeps the triggers in the span that lead (label 1) or are noise (label 0); followers and
 * simultaneous jumps are left out (§5). `roleA[k]` is the role of trigger `aStart + k` of
 * `rows` (the feature rows of every trigger, in time order). O(rows · features).
 */
export function labelled(rows: FeatureTable, names: readonly string[], aStart: number, roleA: Int8Array): Dataset {
  if (rows.columns.length !== names.length) throw new RangeError(`${rows.columns.length} feature columns but ${names.length} names`);
  const keep: number[] = [];
  for (let k = 0; k < roleA.length; k++) if (roleA[k] === Role.leads || roleA[k] === Role.noise) keep.push(aStart + k);
  const n = keep.length;
  const f = names.length;
  const t = new Float64Array(n);
  const labels = new Uint8Array(n);
  const X = new Float64Array(n * f);
  const cols = rows.columns;
  for (let i = 0; i < n; i++) {
    const r = keep[i]!;
    t[i] = rows.t[r]!;
    labels[i] = roleA[r - aStart] === Role.leads ? 1 : 0;
    for (let c = 0; c < f; c++) X[i * f + c] = cols[c]![r]!;
  }
  return { names, t, labels, X };
}

/** Whether a trigger at t (µs) belongs to the span: both ends included, as §1's span. */
export function inSpan(t: number, span: Span): boolean {
  return t >= span.start && t <= span.end;
}

/**
 * The spot jumps `labelled` leaves out (§5): they are paired with a perp jump that came first
 * (the spot jump follows it) or at the same time (simultaneous). With the leads and the noise
 * they make up every spot jump in the span, pair's total_spot_jumps.
 */
export interface LeftOut {
  readonly follows: number;
  readonly simultaneous: number;
}

/**
 * Counts the left-out spot jumps whose times lie in the span (inSpan, as the data set's rows).
 * `t[aStart + k]` is the time of the jump whose role is `roleA[k]` (as in `labelled`). O(roleA).
 */
export function leftOutIn(t: ArrayLike<number>, aStart: number, roleA: Int8Array, span: Span): LeftOut {
  let follows = 0;
  let simultaneous = 0;
  for (let k = 0; k < roleA.length; k++) {
    if (!inSpan(t[aStart + k]!, span)) continue;
    if (roleA[k] === Role.follows) follows++;
    else if (roleA[k] === Role.simultaneous) simultaneous++;
  }
  return { follows, simultaneous };
}

/** The rows `idx` of a data set (in the order given). O(idx · features). */
export function take(d: Dataset, idx: ArrayLike<number>): Dataset {
  const f = d.names.length;
  const X = new Float64Array(idx.length * f);
  const labels = new Uint8Array(idx.length);
  const t = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    labels[i] = d.labels[r]!;
    t[i] = d.t[r]!;
    X.set(d.X.subarray(r * f, r * f + f), i * f);
  }
  return { names: d.names, t, labels, X };
}

/** Column `c` of a data set's feature matrix. O(rows). */
export function column(d: Dataset, c: number): Float64Array {
  const f = d.names.length;
  const out = new Float64Array(d.labels.length);
  for (let i = 0; i < out.length; i++) out[i] = d.X[i * f + c]!;
  return out;
}

/** Number of label-1 (lead) rows. */
export function countLeads(labels: Uint8Array): number {
  let n = 0;
  for (const y of labels) n += y;
  return n;
}

/** Share of label-1 rows: the average precision of a random guess; NaN when there are none. */
export function prevalence(labels: Uint8Array): number {
  return labels.length === 0 ? NaN : countLeads(labels) / labels.length;
}
