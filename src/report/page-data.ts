/**
 * The report page's content from the report's data: its sections in reading order, each with
 * its figures (specifications, rendered by the caller) and tables. Pure.
 */
import type { ClassifyUnavailable, ReportData } from './data.js';
import type { Figure } from './specs.js';
import type { Page, PageTable } from './page.js';
import { delayFigures, hyFigure, prFigure, tableOneFigure, windowFigure, xcorrFigure } from './figures.js';
import { ms, type MethodCall } from './verdict.js';
import { formatPValue } from '../core/verdict.js';
import { verdict as classifyVerdict } from '../cli/classify-render.js';
import { windowLines } from '../cli/report-render.js';
import { duration, fixed, isoMicros } from '../io/output.js';

export interface SectionPlan {
  readonly heading: string;
  readonly figures: readonly Figure[];
  readonly tables: readonly PageTable[];
}

/** The page's sections in order (a section with nothing to show is left out). */
export function reportSections(d: ReportData): SectionPlan[] {
  const sections: SectionPlan[] = [
    { heading: 'Methods', figures: [], tables: [methodsTable(d)] },
    { heading: 'Hayashi–Yoshida contrast on native ticks (hy)', figures: [hyFigure(d.hy)], tables: [] },
    { heading: 'Lagged correlation of grid returns (xcorr)', figures: [xcorrFigure(d.xcorr)], tables: [] },
    { heading: 'Jump pairing (pair)', figures: [tableOneFigure(d.pair), ...delayFigures(d.pair)], tables: [tableOne(d)] },
  ];
  const windows = windowFigure(d.xcorr);
  if (windows !== undefined) sections.push({ heading: 'Over time (--by)', figures: [windows], tables: [stabilityTable(d)] });
  if (d.classify !== undefined) {
    const pr = prFigure(d.classify);
    sections.push({ heading: 'Lead or noise: the classifier', figures: pr === undefined ? [] : [pr], tables: [classifyTable(d)] });
  }
  if (d.classifyUnavailable !== undefined) sections.push({ heading: 'Lead or noise: the classifier', figures: [], tables: [noClassifierTable(d.classifyUnavailable)] });
  sections.push({ heading: 'Data quality', figures: [], tables: [qualityTable(d)] });
  return sections;
}

/** Every figure of the page, in page order. */
export function reportFigures(d: ReportData): Figure[] {
  return reportSections(d).flatMap((s) => s.figures);
}

/** The page, given each figure's rendered SVG by id. */
export function reportPage(d: ReportData, svg: ReadonlyMap<string, string>): Page {
  const [a, b] = d.names;
  return {
    title: `Lead-lag report: ${a} vs ${b}`,
    verdict: d.verdict.sentences,
    warnings: d.quality.assessments.filter((x) => !x.ok).map((x) => x.text),
    parameters: d.params,
    inputs: inputsTable(d),
    sections: reportSections(d).map((s) => ({ heading: s.heading, tables: s.tables, figures: s.figures.map((f) => ({ id: f.id, title: f.title, caption: f.caption, svg: svg.get(f.id) ?? '' })) })),
    generator: `${d.generator} · span ${isoMicros(d.span.start)} → ${isoMicros(d.span.end)}`,
  };
}

function methodsTable(d: ReportData): PageTable {
  return {
    title: 'Who leads, by method',
    columns: ['method', 'leader', 'lead', '95 % interval', 'p-value', 'its verdict'],
    rows: d.verdict.methods.map((c) => [c.method, leaderCell(c), c.lagUs === null ? null : ms(c.lagUs), c.intervalUs === null ? null : `${ms(c.intervalUs[0])} … ${ms(c.intervalUs[1])}${c.intervalCaveat ? ` (${c.intervalCaveat})` : ''}`, c.pValue === null ? null : formatPValue(c.pValue), c.sentence]),
    note: 'hy: |θ̂| with its block-bootstrap interval, p of the sign-flip test of no relation at any lag (θ = 0 included: it does not test who leads, the interval of θ̂ does); pair: median leader → follower delay of the leading direction, p of the sign test; xcorr: the best lag when it lies on the leading side. Untested: the method could not test who leads here (its own verdict says why: no bootstrap, too few blocks or pairs, lags on one side), so its lead is an estimate only.',
  };
}

/** `spot`, `none` (tested, no significant lead) or `untested (estimate: perp first)`. */
function leaderCell(c: MethodCall): string {
  if (c.leader !== null) return c.leader;
  if (c.tested) return 'none';
  return c.estimateLeader === null ? 'untested' : `untested (estimate: ${c.estimateLeader} first)`;
}

/** Each method's spread of the lag, who leads across the windows and its trends: the stability summary the figure's caption points to. */
function stabilityTable(d: ReportData): PageTable {
  return { title: 'Stability across the windows', columns: ['method', 'summary'], rows: windowLines(d).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]) };
}

function tableOne(d: ReportData): PageTable {
  const feeds = d.pair.feeds;
  const first = feeds[0]!;
  const head = feeds.map((f) => (f.feed === 'native' ? 'native ticks' : `${duration(d.pair.params.gridUs)} grid`));
  const rows = first.metrics.map(([name, , meaning], i) => [name, ...feeds.map((f) => num(f.metrics[i]![1], name)), meaning]);
  return { title: 'Table 1', columns: ['metric', ...head, 'meaning'], rows };
}

function num(v: number, name: string): string | number {
  if (name === 'leader_p_value') return formatPValue(v);
  return Number.isInteger(v) ? v : Number(fixed(v, 1));
}

/** classify's numbers with their 95 % intervals (Wilson for precision and recall, block bootstrap for AP) and its verdict, as the terminal gives them. */
function classifyTable(d: ReportData): PageTable {
  const c = d.classify!;
  const aps = c.aps.map((s) => [`average precision: ${s.name.replace('_', ' ')}`, fix(s.ap, 3), span(s.ci)] as const);
  const lead = c.intervals[1];
  return {
    title: 'Classifier on the test triggers',
    columns: ['measure', 'value', '95 % interval'],
    rows: [
      ['test triggers', c.nTest, ''],
      ['share that lead (base rate)', fix(c.testPrevalence, 3), ''],
      ['threshold', fix(c.threshold, 4), ''],
      ['lead precision', fix(c.report.classes[1].precision, 3), span(lead.precision)],
      ['lead recall', fix(c.report.classes[1].recall, 3), span(lead.recall)],
      ...aps,
    ],
    note: classifyVerdict(c),
  };
}

function span(i: { readonly low: number; readonly high: number } | null): string {
  return i === null ? 'n/a' : `${fix(i.low, 3)} … ${fix(i.high, 3)}`;
}

/** Why the classifier has no result: the labelled triggers of each class, the training set they give, and the least it needs. */
function noClassifierTable(u: ClassifyUnavailable): PageTable {
  return {
    title: 'Classifier: no result',
    columns: ['labelled triggers', 'count', 'training set', 'training needs'],
    rows: [['lead', u.leads, u.trainLeads, u.minPerClass], ['noise', u.noise, u.trainNoise, u.minPerClass]],
    note: `No classifier was trained: ${u.reason}. The other analyses above are complete.`,
  };
}

function qualityTable(d: ReportData): PageTable {
  const q = d.quality;
  const [a, b] = d.names;
  const both = (f: (m: (typeof q.markets)[0]) => string | number) => [f(q.markets[0]), f(q.markets[1])];
  const share = (n: number, of: number) => (of === 0 ? 'n/a' : `${Number(((100 * n) / of).toPrecision(3))} %`);
  const rows: (string | number)[][] = [
    ['format', ...both((m) => m.format)],
    ['time column', ...both((m) => m.timeColumn)],
    ['rows read', ...both((m) => m.rows)],
    ['ticks (after collapsing bursts)', ...both((m) => m.ticks)],
    ['rows skipped', ...both((m) => m.skippedRows)],
    ['tick size', ...both((m) => (Number.isFinite(m.tick.tick) ? m.tick.tick : 'n/a'))],
    ['θ in ticks', ...both((m) => (Number.isFinite(m.thresholdTicks) ? Number(m.thresholdTicks.toPrecision(3)) : 'n/a'))],
    ['jumps at θ (native / grid)', `${q.jumps.native[0]} / ${q.jumps.locf[0]}`, `${q.jumps.native[1]} / ${q.jumps.locf[1]}`],
  ];
  const judged = q.assessments.map((x) => `${x.ok ? '✓' : '✗'} ${x.text}`).join(' · ');
  return { title: 'Inputs as the analyses read them', columns: ['', a, b], rows, note: `Steps where both move: ${q.moves.bothMove} of ${q.moves.steps} (${share(q.moves.bothMove, q.moves.steps)}). ${judged}` };
}

function inputsTable(d: ReportData): PageTable {
  return {
    title: 'Inputs',
    columns: ['market', 'files', 'bytes', 'rows', 'first timestamp', 'last timestamp'],
    rows: d.inputs.map((i) => [i.market, i.files.join(', '), i.bytes, i.rows, Number.isFinite(i.firstUs) ? isoMicros(i.firstUs) : null, Number.isFinite(i.lastUs) ? isoMicros(i.lastUs) : null]),
  };
}

function fix(x: number | undefined, digits: number): string {
  return x === undefined || !Number.isFinite(x) ? 'n/a' : fixed(x, digits);
}
