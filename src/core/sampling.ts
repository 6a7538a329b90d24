/**
 * Train/test sampling of labelled triggers for `classify` (docs/definitions.md §5).
 */
import type { Random } from './random.js';

/** A training set with fewer than {@link MIN_PER_CLASS} triggers of a class: nothing meaningful to train. */
export class TooFewTriggersError extends Error {
  override readonly name = 'TooFewTriggersError';
  constructor(
    /** Triggers labelled 1 (lead). */
    readonly leads: number,
    /** Triggers labelled 0 (noise). */
    readonly noise: number,
    /** Of those, the ones the training set would take. */
    readonly trainLeads: number,
    readonly trainNoise: number,
    /** How the training set is drawn from them, e.g. `70 % of each class`. */
    drawn: string,
  ) {
    super(`too few labelled triggers to train on: of ${leads} lead and ${noise} noise, the training set takes ${trainLeads} lead and ${trainNoise} noise (${drawn}; needs ${MIN_PER_CLASS} of each to train)`);
  }
}

/**
 * The least number of training triggers of each class: the one rule of hold-out, balanced and
 * every walk-forward fold, applied to what the model trains on (not to all the triggers, of
 * which the hold-out trains on only 70 %).
 */
export const MIN_PER_CLASS = 10;

/** Whether a training set of `leads` and `noise` triggers has {@link MIN_PER_CLASS} of each. */
export function trainsEnough(leads: number, noise: number): boolean {
  return leads >= MIN_PER_CLASS && noise >= MIN_PER_CLASS;
}

/** Share of a class (hold-out cap) or of the balanced sample that goes to training. */
const TRAIN_SHARE = 0.7;

/**
 * The smallest balanced sample per class whose 70 % reaches MIN_PER_CLASS: ⌊0.7 · 15⌋ = 10,
 * ⌊0.7 · 14⌋ = 9. A smaller `--per-class` with `--balanced` can never train.
 */
export const MIN_BALANCED_PER_CLASS = Math.ceil(MIN_PER_CLASS / TRAIN_SHARE);

/**
 * How many triggers of each class train, [noise, leads], from the counts of each class:
 * hold-out min(perClass, ⌊0.7·m_c⌋) per class; balanced ⌊0.7·n⌋ of each, n = min(perClass,
 * #lead, #noise). O(1).
 */
export function trainingSizes(noise: number, leads: number, options: Pick<SamplingOptions, 'mode' | 'perClass'>): [number, number] {
  if (options.mode === 'holdout') return [Math.min(options.perClass, Math.floor(TRAIN_SHARE * noise)), Math.min(options.perClass, Math.floor(TRAIN_SHARE * leads))];
  const k = Math.floor(TRAIN_SHARE * Math.min(options.perClass, leads, noise));
  return [k, k];
}

export interface SamplingOptions {
  /** 'holdout' (Table 3) or 'balanced' (Table 4). */
  readonly mode: 'holdout' | 'balanced';
  /** Cap on the triggers per class (§5 default 1000), integer ≥ 1. */
  readonly perClass: number;
  /** 'random' (default) or 'time': train on the earlier triggers, test on the later ones. */
  readonly split: 'random' | 'time';
}

/** Row indices into the labelled table, each ascending (= time order). */
export interface TrainTestSplit {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
  /**
   * split 'time' only: rows that would have been tested but precede the last training row, so
   * are left out to keep the test set strictly later than everything trained on (0 otherwise).
   */
  readonly embargoed: number;
}

/**
 * Splits labelled triggers into a training and a test set, per class.
 *
 * Precondition: `labels[i]` is 0 (noise) or 1 (lead) and rows are in time order, so index
 * order is time order.
 *
 * - holdout: per class c with m_c rows, k_c = min(perClass, floor(0.7·m_c)) rows train and
 *   all the other m_c − k_c rows test (at least 30 % of each class is always tested).
 *   split 'random': the k_c are a uniform random sample. split 'time': the k_c earliest.
 * - balanced: n = min(perClass, #lead, #noise); per class a uniform random sample of n rows,
 *   of which floor(0.7·n) train and the other n − floor(0.7·n) test, so both sets are
 *   balanced. split 'random': the 70 % are random within the sample. split 'time': the
 *   70 % are the earliest of the sample (the sample itself is still random over the whole
 *   span, so the test set covers the latest part of it); the embargo below may unbalance it.
 *   With split 'time' the test rows that precede the last training row (of either class) are
 *   left out (`embargoed`), so every test row is later than every training row.
 *
 * Randomness: partial Fisher–Yates shuffles drawing from `rng`, class 0 first, then
 * class 1; the same seed gives the same split. 'time' holdout draws nothing.
 *
 * @throws TooFewTriggersError when the training set would hold fewer than MIN_PER_CLASS rows of
 *   a class (hold-out: fewer than 15 rows of it; balanced: fewer than 15 of either, or a
 *   perClass below 15).
 * @throws RangeError on a label other than 0/1 or a perClass that is not an integer ≥ 1.
 * Cost: O(rows) time and memory.
 */
export function sampleTrainTest(labels: Uint8Array, options: SamplingOptions, rng: Random): TrainTestSplit {
  if (!Number.isInteger(options.perClass) || options.perClass < 1) {
    throw new RangeError(`perClass must be an integer ≥ 1, got ${options.perClass}`);
  }
  const byClass = indicesByClass(labels);
  const [noise, leads] = byClass;
  const sizes = trainingSizes(noise.length, leads.length, options);
  const balancedN = Math.min(options.perClass, leads.length, noise.length);
  if (!trainsEnough(sizes[1], sizes[0])) {
    const drawn = options.mode === 'holdout' ? '70 % of each class' : `70 % of a balanced sample of ${balancedN} of each class`;
    throw new TooFewTriggersError(leads.length, noise.length, sizes[1], sizes[0], drawn);
  }
  const train: Uint32Array[] = [];
  const test: Uint32Array[] = [];
  byClass.forEach((rows, c) => {
    const part = options.mode === 'holdout' ? splitHoldout(rows, sizes[c]!, options.split, rng) : splitBalanced(rows, balancedN, options.split, rng);
    train.push(part.train);
    test.push(part.test);
  });
  const trainRows = mergeSorted(train[0]!, train[1]!);
  const testRows = mergeSorted(test[0]!, test[1]!);
  if (options.split === 'random') return { train: trainRows, test: testRows, embargoed: 0 };
  return embargo(trainRows, testRows);
}

/**
 * Keeps only the test rows later than the last training row of either class: each class
 * trains on its earliest rows, but the classes thin out differently over time, and a test
 * row of one class earlier than a training row of the other would let the model see the
 * future of the period it is tested on.
 */
function embargo(train: Uint32Array, test: Uint32Array): TrainTestSplit {
  const cutoff = train.length === 0 ? -1 : train[train.length - 1]!;
  let first = 0;
  while (first < test.length && test[first]! < cutoff) first++;
  return { train, test: test.slice(first), embargoed: first };
}

/**
 * Training rows (ascending row indices, rows in time order) less the last ones whose label window
 * (t, t + purgeUs] reaches `firstTestUs`: their labels are decided by the other market's jumps in
 * the test period, which a model trained on them would have seen (walkForwardFolds purges the
 * same way). Returns a view of `train`.
 */
export function purgeLabelWindows(train: Uint32Array, t: Float64Array, firstTestUs: number, purgeUs: number): Uint32Array {
  let end = train.length;
  while (end > 0 && t[train[end - 1]!]! + purgeUs >= firstTestUs) end--;
  return train.subarray(0, end);
}

/** The row indices of class 0 and of class 1, each ascending. */
function indicesByClass(labels: Uint8Array): [Uint32Array, Uint32Array] {
  let ones = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y > 1) throw new RangeError(`label at row ${i} is ${y}, expected 0 or 1`);
    ones += y;
  }
  const zero = new Uint32Array(labels.length - ones);
  const one = new Uint32Array(ones);
  let z = 0;
  let o = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) one[o++] = i;
    else zero[z++] = i;
  }
  return [zero, one];
}

/** One class's training and test rows, ascending. */
interface ClassPart {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

/** k rows train (random sample or the k earliest), the rest test. */
function splitHoldout(rows: Uint32Array, k: number, split: 'random' | 'time', rng: Random): ClassPart {
  if (split === 'time') return { train: rows.slice(0, k), test: rows.slice(k) };
  const shuffled = partialShuffle(rows, k, rng);
  return { train: sortedCopy(shuffled.subarray(0, k)), test: sortedCopy(shuffled.subarray(k)) };
}

/** A random sample of n rows, then floor(0.7·n) of it train (random or earliest) and the rest test. */
function splitBalanced(rows: Uint32Array, n: number, split: 'random' | 'time', rng: Random): ClassPart {
  const k = Math.floor(TRAIN_SHARE * n);
  const shuffled = partialShuffle(rows, n, rng);
  if (split === 'time') {
    const sample = sortedCopy(shuffled.subarray(0, n));
    return { train: sample.slice(0, k), test: sample.slice(k) };
  }
  // The first n of a Fisher–Yates pass are already in random order, so its first k are a random 70 %.
  return { train: sortedCopy(shuffled.subarray(0, k)), test: sortedCopy(shuffled.subarray(k, n)) };
}

/**
 * A copy of `rows` whose first k entries are a uniform random k-subset in random order
 * (the first k steps of Fisher–Yates). Draws exactly k numbers.
 */
function partialShuffle(rows: Uint32Array, k: number, rng: Random): Uint32Array {
  const a = rows.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(a.length - i);
    const tmp = a[i]!;
    a[i] = a[j]!;
    a[j] = tmp;
  }
  return a;
}

function sortedCopy(a: Uint32Array): Uint32Array {
  return a.slice().sort();
}

/** Merges two ascending index arrays into one ascending array. */
function mergeSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** One walk-forward fold: row indices into the labelled table, each ascending. */
export interface WalkForwardFold {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
  /** Rows before the cut left out of training because their label window reaches the test block. */
  readonly purged: number;
}

/**
 * Walk-forward folds over rows in time order (`t` increasing, µs): the rows are cut into
 * K + 1 consecutive blocks of ⌊n/(K + 1)⌋ or so rows (cut j at row ⌊j·n/(K + 1)⌋); fold j
 * (j = 1 … K) tests on block j and trains on every row before its first test row — less the
 * rows whose label window (t, t + purgeUs] reaches the first test trigger, since their label
 * was decided by data of the test period. Every training row is therefore earlier than every
 * test row (the `--split time` embargo holds by construction; checked).
 *
 * @throws RangeError unless 1 ≤ folds and n ≥ folds + 1, or when t is not increasing.
 * Cost: O(n) per fold.
 */
export function walkForwardFolds(t: Float64Array, folds: number, purgeUs: number): WalkForwardFold[] {
  const n = t.length;
  if (!Number.isInteger(folds) || folds < 1) throw new RangeError(`folds must be an integer ≥ 1, got ${folds}`);
  if (n < folds + 1) throw new RangeError(`${n} rows cannot make ${folds} walk-forward folds`);
  for (let i = 1; i < n; i++) if (!(t[i]! > t[i - 1]!)) throw new RangeError(`row times must increase (row ${i})`);
  const cut = (j: number) => Math.floor((j * n) / (folds + 1));
  const out: WalkForwardFold[] = [];
  for (let j = 1; j <= folds; j++) {
    const from = cut(j);
    const to = cut(j + 1);
    const firstTest = t[from]!;
    let trainEnd = from;
    while (trainEnd > 0 && t[trainEnd - 1]! + purgeUs >= firstTest) trainEnd--;
    const train = new Uint32Array(trainEnd).map((_, i) => i);
    const test = new Uint32Array(to - from).map((_, i) => from + i);
    if (train.length > 0 && test.length > 0 && !(t[train[train.length - 1]!]! < t[test[0]!]!)) throw new Error('walk-forward: a training row is not earlier than the test rows');
    out.push({ train, test, purged: from - trainEnd });
  }
  return out;
}
