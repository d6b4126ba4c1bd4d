/**
 * A small standalone SVG plot in data coordinates: polylines, dots and, under them, whatever an
 * example draws itself (a contour map) through the same scales. For the examples whose pictures
 * are not "a value per epoch" (those use @chainrule/viz's `lineChartSvg`).
 */
import { niceTicks } from '@chainrule/viz';

/** A curve or a set of points, in data coordinates. */
export interface XySeries {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  /** Draw dots of this radius instead of a line. */
  dots?: number;
  /** Draw the line dashed. */
  dashed?: boolean;
  /** Leave out of the legend (default false). */
  noLegend?: boolean;
}

/** Maps data coordinates to pixels. */
export interface Scales {
  sx: (x: number) => number;
  sy: (y: number) => number;
}

/** What to draw. */
export interface XyPlot {
  title: string;
  xLabel: string;
  yLabel: string;
  x: readonly [number, number];
  y: readonly [number, number];
  series: readonly XySeries[];
  /** Extra SVG drawn under the series, clipped to the plot area. */
  underlay?: (s: Scales) => string;
  width?: number;
  height?: number;
}

const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '0');
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * The plot as a standalone SVG document.
 * @example
 * ```ts
 * const svg = xySvg({ title: 't', xLabel: 'x', yLabel: 'y', x: [0, 1], y: [0, 1],
 *   series: [{ name: 'y = x', color: '#1f77b4', points: [[0, 0], [1, 1]] }] });
 * ```
 */
export function xySvg(p: XyPlot): string {
  const width = p.width ?? 640;
  const height = p.height ?? 420;
  const m = { left: 56, right: 190, top: 32, bottom: 44 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const sx = (x: number): number => m.left + ((x - p.x[0]) / (p.x[1] - p.x[0])) * w;
  const sy = (y: number): number => m.top + h - ((y - p.y[0]) / (p.y[1] - p.y[0])) * h;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` font-family="system-ui,sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<defs><clipPath id="plot"><rect x="${m.left}" y="${m.top}" width="${w}" height="${h}"/></clipPath></defs>`,
    `<text x="${m.left}" y="20" font-size="14" font-weight="600">${esc(p.title)}</text>`,
  ];
  for (const t of niceTicks(p.x[0], p.x[1], 6).filter((v) => v >= p.x[0] && v <= p.x[1])) {
    out.push(`<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="${m.top}" y2="${m.top + h}" stroke="#eee"/>`);
    out.push(`<text x="${f(sx(t))}" y="${m.top + h + 16}" font-size="11" text-anchor="middle">${t}</text>`);
  }
  for (const t of niceTicks(p.y[0], p.y[1], 6).filter((v) => v >= p.y[0] && v <= p.y[1])) {
    out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${f(sy(t))}" y2="${f(sy(t))}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 6}" y="${f(sy(t) + 4)}" font-size="11" text-anchor="end">${t}</text>`);
  }
  out.push(`<g clip-path="url(#plot)">`);
  if (p.underlay !== undefined) out.push(p.underlay({ sx, sy }));
  for (const s of p.series) {
    if (s.dots !== undefined) {
      for (const [x, y] of s.points)
        out.push(`<circle cx="${f(sx(x))}" cy="${f(sy(y))}" r="${s.dots}" fill="${s.color}"/>`);
    } else {
      const d = s.points.map(([x, y]) => `${f(sx(x))},${f(sy(Math.max(-1e6, Math.min(1e6, y))))}`).join(' ');
      const dash = s.dashed === true ? ' stroke-dasharray="5 3"' : '';
      out.push(`<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    }
  }
  out.push('</g>');
  out.push(`<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${m.left + w / 2}" y="${height - 8}" font-size="12" text-anchor="middle">${esc(p.xLabel)}</text>`);
  out.push(
    `<text x="14" y="${m.top + h / 2}" font-size="12" text-anchor="middle" ` +
      `transform="rotate(-90 14 ${m.top + h / 2})">${esc(p.yLabel)}</text>`,
  );
  p.series
    .filter((s) => s.noLegend !== true)
    .forEach((s, i) => {
      const y = m.top + 10 + 18 * i;
      out.push(`<rect x="${m.left + w + 12}" y="${y - 8}" width="12" height="8" fill="${s.color}"/>`);
      out.push(`<text x="${m.left + w + 30}" y="${y}" font-size="12">${esc(s.name)}</text>`);
    });
  out.push('</svg>');
  return out.join('\n');
}
