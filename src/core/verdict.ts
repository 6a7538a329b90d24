/**
 * Verdicts: the one plain sentence an analysis ends with, and the rules that decide when its
 * evidence is too weak to act on. One home for the wording, so every command says "p = 0.04"
 * and "weak" the same way (docs/pair.md, "Verdict").
 */
import { binomialTwoSidedHalf } from './binomial.js';
import { duration, fixed } from './human-text.js';

/** Significance level of every test a verdict reports. */
export const ALPHA = 0.05;

/**
 * Pairs must be at least this many times the chance pairs (their mean over the shifted copies)
 * before a lead is believed: below it, much of what pairs would pair by coincidence too.
 */
export const MIN_CHANCE_RATIO = 2;

/**
 * A p-value as a reader sees it: `< 0.001` below 0.001, three decimals below 0.01, two above,
 * `1` for exactly 1, `n/a` for NaN. A p below {@link ALPHA} that would round up to it (0.049 to
 * "0.05") gets the decimals it needs to stay below: the verdict beside it calls it significant.
 *
 * @example formatPValue(0.03515625) // "0.04"
 * @example formatPValue(0.0496) // "0.0496"
 */
export function formatPValue(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  if (p < 0.001) return '< 0.001';
  if (p === 1) return '1';
  let decimals = p < 0.01 ? 3 : 2;
  while (p < ALPHA && Number(p.toFixed(decimals)) >= ALPHA && decimals < 8) decimals++;
  // Closer to α than eight decimals show: say on which side.
  if (p < ALPHA && Number(p.toFixed(decimals)) >= ALPHA) return `< ${ALPHA}`;
  return p.toFixed(decimals);
}

/** `p = 0.04`, `p < 0.001`: {@link formatPValue} in a sentence. */
export function formatP(p: number): string {
  const v = formatPValue(p);
  return v.startsWith('<') ? `p ${v}` : `p = ${v}`;
}

/** Fewest led pairs from which the sign test can reject at α (all on one side: 2·0.5⁶ = 0.031). */
export const SIGN_TEST_MIN = 6;

/**
 * Whether the two-sided sign test over `n` led pairs can reach p < α at all: its smallest p,
 * all n on one side, is 2·0.5ⁿ (binomialTwoSidedHalf(n, 0)).
 */
export function signTestCanReject(n: number): boolean {
  return binomialTwoSidedHalf(n, 0) < ALPHA;
}

/**
 * A ratio as `1.3×` (one decimal; `∞×` when the denominator is 0 and the numerator is not). A
 * ratio below {@link MIN_CHANCE_RATIO} keeps the decimals that show it below (1.951 is `1.95×`,
 * not `2.0×`): the verdict that rests on it must not read as if it contradicted the number.
 */
export function formatRatio(numerator: number, denominator: number): string {
  if (denominator === 0) return numerator === 0 ? '0×' : '∞×';
  const ratio = numerator / denominator;
  let digits = 1;
  // fixed rounds as every human number does (7/20 is 0.4×, as a chance mean of 0.35 is 0.4).
  while (digits < 6 && ratio < MIN_CHANCE_RATIO && Number(fixed(ratio, digits)) >= MIN_CHANCE_RATIO) digits++;
  return `${fixed(ratio, digits)}×`;
}

/** What a pair verdict is built from: one feed's Table 1 counts, leader test and chance baseline. */
export interface PairEvidence {
  readonly names: readonly [string, string];
  readonly aLeadsB: number;
  readonly bLeadsA: number;
  readonly paired: number;
  readonly pValue: number;
  readonly chanceMean: number;
  readonly chanceMax: number;
  /** Blocks holding a led pair's leader, and their length (PairStats.ledBlocks); null where not counted (no block rule). */
  readonly ledBlocks: { readonly count: number; readonly blockUs: number } | null;
}

/**
 * Fewest blocks (of `--block`) the evidence of a claim must lie in, in every command: events
 * close in time are not independent, and over 2–5 blocks a block bootstrap's interval is little
 * more than one block against another (a sign-flip test over five cannot reach p < 0.0625).
 */
export const MIN_CLAIM_BLOCKS = 6;

/**
 * Fewest blocks that must hold a led pair before the sign test is taken to test who leads: it
 * takes the led pairs as independent, and pairs close in time are not (a review's 8 co-jumps
 * within 0.7 s read "spot leads perp, p = 0.008").
 */
export const MIN_LED_BLOCKS = MIN_CLAIM_BLOCKS;

/**
 * `lead`: one market leads, believably; `none`: tested, no significant lead; `untested`: the sign
 * test cannot decide (fewer than SIGN_TEST_MIN led pairs, or a lead whose led pairs lie in fewer
 * than MIN_LED_BLOCKS blocks); `no-pairs`: nothing to judge.
 */
export type PairVerdictKind = 'lead' | 'none' | 'untested' | 'no-pairs';

export interface PairVerdict {
  readonly kind: PairVerdictKind;
  /** The leading market's name when kind is `lead`. */
  readonly leader?: string;
  readonly sentence: string;
}

/**
 * The pairs clear the chance baseline when there are more of them than the luckiest shifted
 * copy formed and at least MIN_CHANCE_RATIO times the copies' mean.
 */
export function aboveChance(paired: number, chanceMean: number, chanceMax: number): boolean {
  return paired > chanceMax && paired >= MIN_CHANCE_RATIO * chanceMean;
}

/**
 * The verdict on who leads (docs/pair.md, "Verdict"): a lead is stated only when the leader
 * test is significant (p < ALPHA) and the pairs clear the chance baseline; otherwise the
 * sentence says "no significant lead" and which of the two failed. Where the test cannot decide
 * the verdict is `untested` and says why: too few led pairs to reject at all, or a lead whose led
 * pairs lie in fewer than MIN_LED_BLOCKS blocks (their p is optimistic; a p ≥ α or a weak
 * baseline stays "no significant lead", which dependence within a burst cannot overturn).
 *
 * @example pairVerdict({ names: ['spot', 'perp'], aLeadsB: 12, bLeadsA: 3, paired: 15, pValue: 0.035, chanceMean: 11.5, chanceMax: 14, ledBlocks: null }).sentence
 *   // "no significant lead: spot 12 vs perp 3 pairs, p = 0.04, but only 1.3× the chance pairs"
 */
export function pairVerdict(e: PairEvidence): PairVerdict {
  const [a, b] = e.names;
  if (e.paired === 0) return { kind: 'no-pairs', sentence: `no pairs: nothing says whether ${a} or ${b} leads` };
  const counts = `${a} ${e.aLeadsB} vs ${b} ${e.bLeadsA} pairs, ${formatP(e.pValue)}`;
  if (!signTestCanReject(e.aLeadsB + e.bLeadsA)) {
    return { kind: 'untested', sentence: `too few led pairs to test who leads: ${counts} (even all on one side, fewer than ${SIGN_TEST_MIN} give p ≥ 0.05)` };
  }
  const ratio = e.chanceMean === 0 ? undefined : formatRatio(e.paired, e.chanceMean);
  const times = ratio === undefined ? 'no shifted copy formed a pair' : `${ratio} the chance pairs`;
  const significant = e.pValue < ALPHA;
  const believable = aboveChance(e.paired, e.chanceMean, e.chanceMax);
  if (significant && believable) {
    // Pairs close in time, led the same way together, make the p too small: only a lead needs the blocks.
    const burst = burstClause(e);
    if (burst !== null) return { kind: 'untested', sentence: `too few blocks to test who leads: ${counts}, ${times}, but ${burst}` };
    const leader = e.aLeadsB > e.bLeadsA ? a : b;
    const follower = leader === a ? b : a;
    return { kind: 'lead', leader, sentence: `${leader} leads ${follower}: ${counts}, ${times}${simultaneousNote(e)}` };
  }
  const baseline = !believable ? weakBaseline(e.paired, e.chanceMean, e.chanceMax) : ratio === undefined ? times : `the pairs are ${times}`;
  const joint = significant ? 'but' : believable ? 'though' : 'and';
  return { kind: 'none', sentence: `no significant lead: ${counts}, ${joint} ${baseline}` };
}

/**
 * A lead among few of the pairs: where most pairs are simultaneous (a review's 100 of 106), the
 * sign test speaks of the led ones only, and the sentence says how few they are.
 */
function simultaneousNote(e: PairEvidence): string {
  const simultaneous = e.paired - e.aLeadsB - e.bLeadsA;
  return simultaneous * 2 > e.paired ? `; but most pairs (${simultaneous} of ${e.paired}) are simultaneous, leading neither way` : '';
}

/**
 * Why led pairs in fewer than MIN_LED_BLOCKS blocks test nothing, or null where they lie in
 * enough (or were not counted): the p takes them as independent, which pairs close in time are not.
 */
function burstClause(e: PairEvidence): string | null {
  const b = e.ledBlocks;
  if (b === null || b.count >= MIN_LED_BLOCKS) return null;
  const where = b.count === 1 ? 'one block' : `only ${b.count} blocks`;
  return `the led pairs lie in ${where} of ${duration(b.blockUs)}, and a lead needs them in at least ${MIN_LED_BLOCKS}: pairs close in time are not independent, so that p is optimistic`;
}

/**
 * Why pairs that are not above chance (aboveChance false) are not: a shifted copy formed as many,
 * or they are under MIN_CHANCE_RATIO times the copies' mean — `only 1.9× the chance pairs`.
 */
export function weakBaseline(paired: number, chanceMean: number, chanceMax: number): string {
  if (paired <= chanceMax && paired >= MIN_CHANCE_RATIO * chanceMean) {
    return `a shifted copy formed ${chanceMax} chance pairs against ${paired} real ones`;
  }
  return `only ${chanceMean === 0 ? '0×' : formatRatio(paired, chanceMean)} the chance pairs`;
}

/**
 * `a Tardis …`, `an exchange …`: the indefinite article by the first letter (a vowel takes `an`).
 * A spelling rule, not a phonetic one: names are spelt the way a user typed them.
 */
export function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}
