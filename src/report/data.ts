/**
 * Everything `leadlag report` found, in one value: each command's own report, the data-quality
 * facts, the inputs' fingerprints, the parameters and the verdict. The terminal, JSON and HTML
 * renderings are all made from it.
 */
import type { PairReport } from '../cli/commands/pair.js';
import type { XcorrReport } from '../cli/commands/xcorr-render.js';
import type { ClassifyReport } from '../cli/classify-render.js';
import type { HyReport } from '../cli/commands/hy.js';
import type { PairQuality } from '../cli/quality-pass.js';
import type { ReportVerdict } from './verdict.js';
import type { SkippedRows } from '../cli/skipped-rows.js';

/** What identifies one market's input: its files, their size and first and last timestamps. */
export interface InputFingerprint {
  /** The market's name (--names). */
  readonly market: string;
  readonly files: readonly string[];
  readonly bytes: number;
  readonly format: string;
  readonly rows: number;
  /** µs; NaN when empty. */
  readonly firstUs: number;
  readonly lastUs: number;
}

/** classify asked for (--trades) without a result: too few labelled triggers of a class to train on. */
export interface ClassifyUnavailable {
  /** Labelled triggers of each class, the training set they give, and the least of each it needs. */
  readonly leads: number;
  readonly noise: number;
  readonly trainLeads: number;
  readonly trainNoise: number;
  readonly minPerClass: number;
  /** classify's own message. */
  readonly reason: string;
}

export interface ReportData {
  readonly names: readonly [string, string];
  readonly span: { readonly start: number; readonly end: number };
  readonly inputs: readonly InputFingerprint[];
  /** Every row the readers skipped: the quotes' in the report's read, then the trades' in classify's (cli/skipped-rows.ts). */
  readonly skipped: readonly SkippedRows[];
  /** Every parameter of the run as a reader reads it, in a stable order. */
  readonly params: ReadonlyArray<readonly [string, string]>;
  readonly pair: PairReport;
  readonly xcorr: XcorrReport;
  readonly hy: HyReport;
  /** classify's report with --trades, when it has one. */
  readonly classify?: ClassifyReport;
  /** With --trades but no classify result: why (too few triggers of a class). */
  readonly classifyUnavailable?: ClassifyUnavailable;
  readonly quality: PairQuality;
  readonly verdict: ReportVerdict;
  /** `leadlag 0.1.0`, for the page's footer. */
  readonly generator: string;
}
