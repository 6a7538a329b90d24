import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aboveChance, formatP, formatRatio, pairVerdict, signTestCanReject, type PairEvidence } from '../src/core/verdict.js';

test('formatP: < 0.001, three decimals below 0.01, two above, 1 exactly', () => {
  assert.equal(formatP(0.03515625), 'p = 0.04');
  assert.equal(formatP(0.0042), 'p = 0.004');
  assert.equal(formatP(0.0009), 'p < 0.001');
  assert.equal(formatP(0), 'p < 0.001');
  assert.equal(formatP(1), 'p = 1');
  assert.equal(formatP(0.5), 'p = 0.50');
  assert.equal(formatP(NaN), 'p = n/a');
  // Below α = 0.05 a p never reads as 0.05: 0.049 and 0.0496 keep the digits that show it
  // (toFixed(2) gives "0.05" for both); 0.05 itself, and 0.0504 (rounds down to it), print as 0.05.
  assert.equal(formatP(0.049), 'p = 0.049');
  assert.equal(formatP(0.0496), 'p = 0.0496');
  assert.equal(formatP(0.05), 'p = 0.05');
  assert.equal(formatP(0.0504), 'p = 0.05');
  assert.equal(formatP(0.0449), 'p = 0.04');
  // 0.04999999999 rounds to 0.05 at eight decimals too: it reads "p < 0.05".
  assert.equal(formatP(0.04999999999), 'p < 0.05');
});

test('formatRatio: one decimal; a zero denominator', () => {
  assert.equal(formatRatio(15, 11.5), '1.3×');
  assert.equal(formatRatio(3, 0), '∞×');
  assert.equal(formatRatio(0, 0), '0×');
  // Below the 2× rule a ratio is never shown as 2.0×: 40 / 20.5 = 1.9512… (the hunt's case, a
  // verdict of "only 2.0× the chance pairs"), 39.99 / 20 = 1.9995; at and above 2, one decimal.
  assert.equal(formatRatio(40, 20.5), '1.95×');
  assert.equal(formatRatio(39.99, 20), '1.9995×');
  assert.equal(formatRatio(40, 20), '2.0×');
  assert.equal(formatRatio(40.9, 20), '2.0×');
  assert.equal(formatRatio(39, 20.5), '1.9×');
  // A decimal tie rounds as every human number does (core/human-text.ts fixed): 7 / 20 = 0.35 is 0.4×, not toFixed's 0.3×.
  assert.equal(formatRatio(7, 20), '0.4×');
});

test('aboveChance: more than the luckiest copy and at least twice the mean', () => {
  assert.equal(aboveChance(15, 11.5, 14), false); // 1.3× the mean
  assert.equal(aboveChance(30, 5, 31), false); // 6× the mean but a copy formed 31
  assert.equal(aboveChance(30, 5, 12), true);
  assert.equal(aboveChance(30, 15, 20), true); // exactly 2×
  assert.equal(aboveChance(1, 0, 0), true);
});

const base: PairEvidence = { names: ['spot', 'perp'], aLeadsB: 12, bLeadsA: 3, paired: 15, pValue: 1152 / 32768, chanceMean: 11.5, chanceMax: 14, ledBlocks: null };

test('pairVerdict: significant but barely above chance is no lead (the issue\'s example)', () => {
  const v = pairVerdict(base);
  assert.equal(v.kind, 'none');
  assert.equal(v.sentence, 'no significant lead: spot 12 vs perp 3 pairs, p = 0.04, but only 1.3× the chance pairs');
});

test('pairVerdict: significant and well above chance names the leader', () => {
  const v = pairVerdict({ ...base, chanceMean: 1.5, chanceMax: 4 });
  assert.equal(v.kind, 'lead');
  assert.equal(v.leader, 'spot');
  assert.equal(v.sentence, 'spot leads perp: spot 12 vs perp 3 pairs, p = 0.04, 10.0× the chance pairs');
  const perp = pairVerdict({ ...base, aLeadsB: 3, bLeadsA: 12, chanceMean: 1.5, chanceMax: 4 });
  assert.equal(perp.leader, 'perp');
  assert.match(perp.sentence, /^perp leads spot: /);
  // 6 led pairs among 106 (100 simultaneous): the lead is said with how few pairs it rests on.
  // Exactly half simultaneous (12 + 3 led, 15 simultaneous) is not "most".
  const few = pairVerdict({ ...base, aLeadsB: 6, bLeadsA: 0, paired: 106, pValue: 2 / 64, chanceMean: 0, chanceMax: 0 });
  assert.equal(few.sentence, 'spot leads perp: spot 6 vs perp 0 pairs, p = 0.03, no shifted copy formed a pair; but most pairs (100 of 106) are simultaneous, leading neither way');
  assert.doesNotMatch(pairVerdict({ ...base, paired: 30, chanceMean: 1.5, chanceMax: 4 }).sentence, /simultaneous/);
  // A lead whose led pairs lie in fewer than 6 blocks is untested: the sign test took them as
  // independent, which one burst's are not (8 co-jumps within 0.7 s read "spot leads perp,
  // p = 0.008"). 6 blocks and more, or blocks not counted: the lead stands.
  const burst = { ...base, aLeadsB: 8, bLeadsA: 0, paired: 8, pValue: 2 / 256, chanceMean: 0, chanceMax: 0 };
  const one = pairVerdict({ ...burst, ledBlocks: { count: 1, blockUs: 10_000_000 } });
  assert.equal(one.kind, 'untested');
  assert.equal(one.leader, undefined);
  assert.equal(one.sentence, 'too few blocks to test who leads: spot 8 vs perp 0 pairs, p = 0.008, no shifted copy formed a pair, but the led pairs lie in one block of 10 s, and a lead needs them in at least 6: pairs close in time are not independent, so that p is optimistic');
  assert.match(pairVerdict({ ...burst, ledBlocks: { count: 5, blockUs: 500_000 } }).sentence, /lie in only 5 blocks of 500 ms, and a lead/);
  assert.equal(pairVerdict({ ...burst, ledBlocks: { count: 6, blockUs: 10_000_000 } }).kind, 'lead');
  assert.equal(pairVerdict(burst).kind, 'lead'); // ledBlocks null: not counted, no block rule
  // Few blocks do not turn a failed test into an untested one: a p ≥ 0.05 (7 vs 6) or a weak
  // baseline (the 1.3× above) stays "no significant lead", which a too small p cannot overturn.
  assert.equal(pairVerdict({ ...base, aLeadsB: 7, bLeadsA: 6, paired: 13, pValue: 1, ledBlocks: { count: 1, blockUs: 10_000_000 } }).kind, 'none');
  assert.equal(pairVerdict({ ...base, ledBlocks: { count: 1, blockUs: 10_000_000 } }).kind, 'none');
  // Too few led pairs for the test to reject at all: untested whatever the blocks.
  assert.equal(pairVerdict({ ...base, aLeadsB: 5, bLeadsA: 0, paired: 5, pValue: 2 / 32, chanceMean: 0, chanceMax: 0 }).kind, 'untested');
});

test('pairVerdict: not significant, with and without a believable baseline', () => {
  const even = { ...base, aLeadsB: 7, bLeadsA: 6, paired: 15, pValue: 1 };
  assert.equal(pairVerdict({ ...even, chanceMean: 1, chanceMax: 3 }).sentence, 'no significant lead: spot 7 vs perp 6 pairs, p = 1, though the pairs are 15.0× the chance pairs');
  assert.equal(pairVerdict(even).sentence, 'no significant lead: spot 7 vs perp 6 pairs, p = 1, and only 1.3× the chance pairs');
  // Above twice the mean but a shifted copy formed as many pairs as the real series.
  assert.equal(pairVerdict({ ...base, chanceMean: 5, chanceMax: 15 }).sentence, 'no significant lead: spot 12 vs perp 3 pairs, p = 0.04, but a shifted copy formed 15 chance pairs against 15 real ones');
});

test('pairVerdict: no chance pairs at all is said in words, not as ∞×', () => {
  assert.equal(pairVerdict({ ...base, chanceMean: 0, chanceMax: 0 }).sentence, 'spot leads perp: spot 12 vs perp 3 pairs, p = 0.04, no shifted copy formed a pair');
  assert.equal(pairVerdict({ ...base, aLeadsB: 8, bLeadsA: 4, paired: 12, pValue: 0.388, chanceMean: 0, chanceMax: 0 }).sentence, 'no significant lead: spot 8 vs perp 4 pairs, p = 0.39, though no shifted copy formed a pair');
});

test('pairVerdict: fewer than 6 led pairs cannot show a lead, and the verdict says so', () => {
  // 3 + 1 = 4 led pairs: even 4 vs 0 gives 2·0.5⁴ = 0.125 ≥ 0.05. 6 vs 0 gives 2·0.5⁶ = 0.031.
  assert.equal(pairVerdict({ ...base, aLeadsB: 3, bLeadsA: 1, paired: 4, pValue: 0.625, chanceMean: 0, chanceMax: 0 }).sentence, 'too few led pairs to test who leads: spot 3 vs perp 1 pairs, p = 0.63 (even all on one side, fewer than 6 give p ≥ 0.05)');
  assert.equal(signTestCanReject(5), false);
  assert.equal(signTestCanReject(6), true);
});

test('pairVerdict: no pairs says nothing can be concluded', () => {
  const v = pairVerdict({ ...base, aLeadsB: 0, bLeadsA: 0, paired: 0, pValue: 1, chanceMean: 0, chanceMax: 0 });
  assert.equal(v.kind, 'no-pairs');
  assert.equal(v.sentence, 'no pairs: nothing says whether spot or perp leads');
});
