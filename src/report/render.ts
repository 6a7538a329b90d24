/**
 * Rendering the report's Vega-Lite figures to standalone SVG, in Node, without a browser.
 *
 * vega and vega-lite are loaded on first use only: they take a quarter of a second to import,
 * which the commands that draw nothing must not pay.
 */
import type { Figure, Spec } from './specs.js';

interface Renderer {
  (spec: Spec): Promise<string>;
}

let renderer: Promise<Renderer> | undefined;

async function loadRenderer(): Promise<Renderer> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  return async (spec: Spec) => {
    const compiled = vl.compile(spec as never).spec;
    // renderer 'none' with toSVG: the scenegraph is built and serialised, nothing is drawn; no
    // loader is given network access (all data is inline in the specification).
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: vega.loader({ mode: 'file' }) });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  };
}

/** The figure as an SVG document (a string starting with `<svg`). */
export async function renderSvg(figure: Figure): Promise<string> {
  renderer ??= loadRenderer();
  return (await renderer)(figure.spec);
}

/** The figures rendered, by id (in parallel: vega's parse and layout are synchronous anyway). */
export async function renderAll(figures: readonly Figure[]): Promise<Map<string, string>> {
  const svgs = await Promise.all(figures.map((f) => renderSvg(f)));
  return new Map(figures.map((f, i) => [f.id, svgs[i]!]));
}
