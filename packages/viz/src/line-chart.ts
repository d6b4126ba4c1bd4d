import { escapeXml, px } from './escape.js';
import { formatTick } from './format.js';
import type { Series } from './plot.js';
import { niceTicks } from './ticks.js';

/** One chart of a report: several curves sharing axes. */
export interface ChartSpec {
  title: string;
  series: readonly Series[];
  /** Default `epoch`. */
  xLabel?: string;
  yLabel?: string;
  /** The x value of the first point (default 1: epochs count from 1). */
  xStart?: number;
}

/** Pixel size of a chart. */
export interface ChartSize {
  width?: number;
  height?: number;
}

/** Colours of the series, in order (colour-blind-safe Okabe–Ito palette). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/**
 * An inline SVG line chart with axes, ticks, grid lines, axis labels and a legend. Non-finite
 * values break a line. No scripts, no external references.
 * @example lineChartSvg({ title: 'loss', series: [{ name: 'train', values: [0.9, 0.5, 0.3] }] });
 */
export function lineChartSvg(spec: ChartSpec, size: ChartSize = {}): string {
  const { width = 520, height = 320 } = size;
  const m = { left: 60, right: 16, top: 52, bottom: 46 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const xStart = spec.xStart ?? 1;
  const n = Math.max(1, ...spec.series.map((s) => s.values.length));
  const finite = spec.series.flatMap((s) => s.values.filter(Number.isFinite));
  const yTicks = niceTicks(Math.min(...finite), Math.max(...finite), 6);
  const xTicks = niceTicks(xStart, xStart + n - 1, 8).filter(
    (t) => t >= xStart && t <= xStart + n - 1 && Number.isInteger(t),
  );
  const [y0, y1] = [yTicks[0]!, yTicks[yTicks.length - 1]!];
  const X = (x: number): number => m.left + (n > 1 ? ((x - xStart) / (n - 1)) * w : w / 2);
  const Y = (y: number): number => m.top + h - ((y - y0) / (y1 - y0)) * h;
  const out: string[] = [];
  out.push(
    `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" ` +
      `aria-label="${escapeXml(spec.title)}">`,
  );
  out.push(`<text x="${m.left}" y="18" class="title">${escapeXml(spec.title)}</text>`);
  for (const t of yTicks) {
    out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${px(Y(t))}" y2="${px(Y(t))}" class="grid"/>`);
    out.push(
      `<text x="${m.left - 6}" y="${px(Y(t) + 4)}" text-anchor="end" class="tick">${escapeXml(formatTick(t))}</text>`,
    );
  }
  for (const t of xTicks) {
    out.push(`<line x1="${px(X(t))}" x2="${px(X(t))}" y1="${m.top + h}" y2="${m.top + h + 4}" class="axis"/>`);
    out.push(`<text x="${px(X(t))}" y="${m.top + h + 17}" text-anchor="middle" class="tick">${t}</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + h}" class="axis"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" class="axis"/>`);
  out.push(
    `<text x="${m.left + w / 2}" y="${height - 8}" text-anchor="middle" ` +
      `class="label">${escapeXml(spec.xLabel ?? 'epoch')}</text>`,
  );
  if (spec.yLabel !== undefined) {
    out.push(
      `<text transform="translate(14 ${px(m.top + h / 2)}) rotate(-90)" text-anchor="middle" ` +
        `class="label">${escapeXml(spec.yLabel)}</text>`,
    );
  }
  spec.series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length]!;
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${px(X(xStart + i))} ${px(Y(v))}`;
      pen = true;
    });
    out.push(
      `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2" ` +
        `class="series"><title>${escapeXml(s.name)}</title></path>`,
    );
    if (s.values.length <= 40) {
      s.values.forEach((v, i) => {
        if (Number.isFinite(v))
          out.push(`<circle cx="${px(X(xStart + i))}" cy="${px(Y(v))}" r="2.5" fill="${colour}"/>`);
      });
    }
    // legend: one swatch and name per series, in a row under the title
    const lx = m.left + k * 130;
    out.push(
      `<rect x="${lx}" y="28" width="14" height="4" fill="${colour}"/><text x="${lx + 19}" y="34" ` +
        `class="legend">${escapeXml(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
