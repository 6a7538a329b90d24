/**
 * The report page: one self-contained HTML file (inline CSS and inline SVG, no script, no font,
 * image or style fetched from anywhere), so it opens the same from a mail attachment, offline.
 * Pure: sections in, a string out.
 */

export interface PageTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | null>>;
  readonly note?: string;
}

export interface PageFigure {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  /** A rendered SVG document. */
  readonly svg: string;
}

export interface Page {
  readonly title: string;
  /** The verdict, one sentence per line, the first the headline. */
  readonly verdict: readonly string[];
  /** Warnings a reader must see next to the verdict (weak evidence, data problems). */
  readonly warnings: readonly string[];
  readonly parameters: ReadonlyArray<readonly [string, string]>;
  readonly inputs: PageTable;
  readonly sections: ReadonlyArray<{ readonly heading: string; readonly figures: readonly PageFigure[]; readonly tables: readonly PageTable[] }>;
  /** Shown in the footer: the program and version that wrote the page, and when. */
  readonly generator: string;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:980px;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.verdict{background:#f3f7fb;border-left:4px solid #0072B2;padding:.7rem 1rem;margin:1rem 0}
.verdict p{margin:.25rem 0}.verdict p:first-child{font-size:1.1rem;font-weight:600}
.warnings{background:#fff8ec;border-left:4px solid #E69F00;padding:.5rem 1rem;margin:1rem 0}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .55rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.2rem 0}figcaption{font-size:.9rem;color:#444;max-width:760px}
.note{font-size:.85rem;color:#555}footer{margin-top:3rem;font-size:.8rem;color:#777}
`;

/** The whole page as HTML. Every text is escaped; the SVGs are trusted output of the renderer. */
export function renderPage(p: Page): string {
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // No network: a CSP that forbids every fetch makes that a property of the page, not a promise.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(p.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${esc(p.title)}</h1>`,
    `<div class="verdict" id="verdict">${p.verdict.map((v) => `<p>${esc(v)}</p>`).join('')}</div>`,
  ];
  if (p.warnings.length > 0) parts.push(`<div class="warnings" id="warnings">${p.warnings.map((w) => `<p>⚠ ${esc(w)}</p>`).join('')}</div>`);
  for (const s of p.sections) {
    parts.push(`<h2>${esc(s.heading)}</h2>`);
    for (const f of s.figures) parts.push(figureHtml(f));
    for (const t of s.tables) parts.push(tableHtml(t));
  }
  parts.push('<h2>Parameters and inputs</h2>');
  parts.push(tableHtml({ title: 'Parameters', columns: ['parameter', 'value'], rows: p.parameters }));
  parts.push(tableHtml(p.inputs));
  parts.push(`<footer>${esc(p.generator)}</footer></body></html>`);
  return `${parts.join('\n')}\n`;
}

function figureHtml(f: PageFigure): string {
  return `<figure id="fig-${esc(f.id)}" class="figure">${f.svg}<figcaption><strong>${esc(f.title)}.</strong> ${esc(f.caption)}</figcaption></figure>`;
}

function tableHtml(t: PageTable): string {
  const head = `<tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  // Numbers (and n/a in their place) align right, text left.
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td${typeof c === 'number' || c === null || /^[<>≤≥]?\s*-?[\d.]+( ?(%|ms|µs|s))?$/.test(c) ? ' class="num"' : ''}>${esc(c === null ? 'n/a' : String(c))}</td>`).join('')}</tr>`).join('');
  const note = t.note === undefined ? '' : `<p class="note">${esc(t.note)}</p>`;
  return `<h3>${esc(t.title)}</h3><table>${head}${body}</table>${note}`;
}

/** HTML text escaping for element content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
