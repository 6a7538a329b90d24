/**
 * What `leadlag report` prints: one screen of the verdict and each analysis's key figures;
 * in JSON each analysis's own JSON (exactly what its command prints) plus `verdict`,
 * `quality` and `inputs`; in csv/tsv the same JSON as a long key–value table.
 */
import { renderPair, verdictOf } from './commands/pair.js';
import { renderHy, verdict as hyVerdict } from './commands/hy.js';
import { intervalText, r4, renderXcorr, verdict as xcorrVerdict } from './commands/xcorr-render.js';
import { chanceCaveat, renderClassify, verdict as classifyVerdict } from './classify-render.js';
import { counted, duration, fixed, isoMicros, JsonRows, lazyOutput, lazyTable, percent, spanJson, writtenJson, type Cell, type Output, type Style } from '../io/output.js';
import { formatPValue } from '../core/verdict.js';
import { lastLag } from '../core/lattice.js';
import type { ReportData } from '../report/data.js';
import { verdictJson } from '../report/verdict.js';
import { skippedRowsMember } from './skipped-rows.js';
import type { PairQuality } from './quality-pass.js';
import { stabilityLines } from './windows.js';
import { pairTrends } from './pair-windows.js';
import { XCORR_TRENDS } from './xcorr-windows.js';
import { HY_TRENDS } from './hy-windows.js';

/** The report's output: its JSON document and long table hold every analysis's rows, and with --by hy's row per window and lag (lazyOutput). */
export function renderReport(d: ReportData, htmlFile?: string): Output {
  const doc = () => reportJson(d, htmlFile);
  return lazyOutput(doc, () => lazyTable(['analysis', 'key', 'value'], () => leafRows(doc())), (style) => humanReport(d, style, htmlFile));
}

/** The report's JSON document, the analyses' own documents with their windows made as written (Output.lazyJson). */
function reportJson(d: ReportData, htmlFile: string | undefined): Record<string, unknown> {
  const json: Record<string, unknown> = {
    verdict: verdictJson(d.verdict),
    pair: writtenJson(renderPair(d.pair)),
    xcorr: writtenJson(renderXcorr(d.xcorr)),
    hy: writtenJson(renderHy(d.hy)),
  };
  if (d.classify !== undefined) json.classify = renderClassify(d.classify).json;
  // Kept as its own member for scripts; the classify verdict above carries the same words.
  if (d.classify !== undefined) json.classify_caveat = chanceCaveat(d.classify);
  const missing = d.classifyUnavailable;
  if (missing !== undefined) json.classify_unavailable = { reason: missing.reason, leads: missing.leads, noise: missing.noise, train_leads: missing.trainLeads, train_noise: missing.trainNoise, min_per_class: missing.minPerClass };
  json.quality = qualityJson(d.quality);
  json.inputs = d.inputs.map((i) => ({ market: i.market, files: i.files, bytes: i.bytes, format: i.format, rows: i.rows, first_us: nullIfNaN(i.firstUs), last_us: nullIfNaN(i.lastUs) }));
  json.span = spanJson(d.span);
  Object.assign(json, skippedRowsMember(d.skipped));
  if (htmlFile !== undefined) json.html = htmlFile;
  return json;
}

function nullIfNaN(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function qualityJson(q: PairQuality): Record<string, unknown> {
  return {
    markets: q.markets.map((m) => ({ file: m.file, format: m.format, time_column: m.timeColumn, rows: m.rows, ticks: m.ticks, skipped_rows: m.skippedRows, tick_size: nullIfNaN(m.tick.tick), price_min: nullIfNaN(m.priceMin), price_max: nullIfNaN(m.priceMax), threshold_ticks: nullIfNaN(m.thresholdTicks) })),
    grid_steps: q.moves.steps,
    both_move_steps: q.moves.bothMove,
    jumps: { native: q.jumps.native, locf: q.jumps.locf },
    assessments: q.assessments.map((a) => ({ estimator: a.estimator, ok: a.ok, text: a.text })),
  };
}

/** The JSON flattened: one row per leaf, the first member name as the analysis, the rest as a dotted key. */
export function longRows(json: Record<string, unknown>): Cell[][] {
  return [...leafRows(json)];
}

/** {@link longRows} made as they are written: a JsonRows (--by's windows) is walked an item at a time, by index. */
function* leafRows(json: Record<string, unknown>): Generator<Cell[]> {
  function* walk(analysis: string, key: string, v: unknown): Generator<Cell[]> {
    const entries = v instanceof JsonRows ? indexed(v) : v !== null && typeof v === 'object' ? Object.entries(v as Record<string, unknown>) : undefined;
    if (entries === undefined) {
      yield [analysis, key, v as Cell];
      return;
    }
    for (const [k, x] of entries) yield* walk(analysis, key === '' ? `${k}` : `${key}.${k}`, x);
  }
  for (const [analysis, v] of Object.entries(json)) yield* walk(analysis, '', v);
}

/** The items with their indices, each made when reached. */
function* indexed<T>(items: Iterable<T>): Generator<[number, T]> {
  let i = 0;
  for (const x of items) yield [i++, x];
}

function humanReport(d: ReportData, style: Style, htmlFile: string | undefined): string {
  const { c } = style;
  const [a, b] = d.names;
  const p = d.pair.params;
  const lines = [
    c.bold(`leadlag report: ${a} vs ${b}, ${isoMicros(d.span.start)} → ${isoMicros(d.span.end)} (${duration(d.span.end - d.span.start)})`),
    ...d.verdict.sentences.map((s, i) => (i === 0 ? c.bold(s) : s)),
    '',
    c.bold('hy') + c.dim(` (Hayashi–Yoshida on native ticks, lags ${signedMs(d.hy.lattice.fromUs)} … ${signedMs(lastLag(d.hy.lattice))} every ${duration(d.hy.lattice.stepUs)})`),
    `  ${hyLine(d)}`,
    `  ${hyVerdict(d.hy)}`,
    c.bold('pair') + c.dim(` (jump ≥ ${percent(p.threshold)} within ${duration(p.windowUs)}, pairs within ${duration(p.pairWindowUs)})`),
    ...d.pair.feeds.map((f) => {
      const t = f.stats.table;
      const feed = f.feed === 'native' ? 'native' : `${duration(p.gridUs)} grid`;
      const delay = (i: 0 | 1) => (f.delays[i]!.n === 0 ? 'n/a' : `${fixed(f.delays[i]!.median / 1000, 3)} ms`);
      return `  ${feed}: ${t.totalA} ${a} / ${t.totalB} ${b} jumps, ${counted(t.paired, 'pair')} (chance ${fixed(f.stats.chance.mean, 1)}), ${a} leads ${t.aLeadsB}, ${b} leads ${t.bLeadsA}, simultaneous ${t.simultaneous}, p ${formatPValue(f.stats.leaderPValue)}; median delay ${a} → ${b} ${delay(0)}, ${b} → ${a} ${delay(1)}`;
    }),
    `  ${verdictOf(d.pair)}`,
    c.bold('xcorr') + c.dim(` (${duration(d.xcorr.gridUs)} log-returns, lags ${d.xcorr.lags.map((l) => l.lag).join(',')})`),
    `  ${xcorrBest(d)}`,
    `  ${xcorrVerdict(d.xcorr)}`,
  ];
  if (d.classify !== undefined) {
    const k = d.classify;
    lines.push(c.bold('classify') + c.dim(` (${k.nTest} test triggers)`), `  average precision ${fixed(k.averagePrecision ?? NaN, 3)} vs base rate ${fixed(k.testPrevalence, 3)}; lead precision ${fixed(k.report.classes[1].precision, 3)}, recall ${fixed(k.report.classes[1].recall, 3)}`, `  ${classifyVerdict(k)}`);
  }
  if (d.classifyUnavailable !== undefined) lines.push(c.bold('classify') + c.dim(' (no result)'), `  ${d.classifyUnavailable.reason}.`);
  // --by: each method's spread of the lag and who leads across the windows; the rows themselves
  // are in json and csv, and on the page.
  const windows = windowLines(d);
  if (windows.length > 0) {
    lines.push(c.bold('windows') + c.dim(' (--by: every window\'s rows in --format json or csv; xcorr\'s best lag per window on the --html page)'));
    for (const l of windows) lines.push(`  ${l}`);
  }
  const q = d.quality;
  lines.push(c.bold('data') + c.dim(` (${q.moves.steps} grid steps, ${q.moves.bothMove} where both move)`), ...q.assessments.map((x) => `  ${x.ok ? '✓' : '✗'} ${x.text}`));
  if (htmlFile !== undefined) lines.push('', `page: ${htmlFile}`);
  return lines.join('\n');
}

/** Each method's stability lines under --by, its trends included (as its command prints them): `xcorr: trend of …`. */
export function windowLines(d: ReportData): string[] {
  const methods = [
    ['pair', d.pair.by?.stability, pairTrends(d.names)],
    ['xcorr', d.xcorr.by?.stability, XCORR_TRENDS],
    ['hy', d.hy.by?.stability, HY_TRENDS],
  ] as const;
  return methods.flatMap(([method, s, trends]) => (s === undefined ? [] : stabilityLines(s, d.names, trends).map((l) => `${method}: ${l}`)));
}

function signedMs(us: number): string {
  return us < 0 ? `-${duration(-us)}` : duration(us);
}

function hyLine(d: ReportData): string {
  const e = d.hy.estimate;
  const inf = d.hy.inference;
  if (e.lagUs === null) return 'θ̂ n/a: every contrast is 0';
  const ci = inf?.lagUs ? ` [${signedMs(inf.lagUs.low)}, ${signedMs(inf.lagUs.high)}]` : '';
  return `θ̂ = ${signedMs(e.lagUs)}${ci}, ρ = ${fixed(e.rho, 4)}, LLR ${fixed(e.llr, 3)}, p ${inf === null ? 'off' : formatPValue(inf.pValue)}; ${e.nA} / ${e.nB} ticks`;
}

function xcorrBest(d: ReportData): string {
  const best = d.xcorr.best;
  if (best === undefined) return 'no lag has a defined correlation';
  // Tiny values in significant digits, as xcorr prints them (r4), not as 0.0000.
  const ci = best.ciLow === null || best.ciHigh === null ? '(no interval)' : intervalText(best.ciLow, best.ciHigh);
  const diff = d.xcorr.summed.difference;
  const sum = diff === null || diff.value === null ? '' : `; Σr(τ>0) − Σr(τ<0) = ${r4(diff.value)}${diff.interval === null ? '' : ` ${intervalText(diff.interval.low, diff.interval.high)}`}`;
  return `best lag ${best.lag} (${duration(Math.abs(best.lagUs))}${best.lagUs < 0 ? `, ${d.names[1]} first` : best.lagUs > 0 ? `, ${d.names[0]} first` : ''}), r = ${r4(best.r)} ${ci}${sum}`;
}
