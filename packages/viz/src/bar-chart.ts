import { rangeError } from './errors.js';
import { escapeXml, px } from './escape.js';
import { formatTick } from './format.js';
import { PALETTE } from './line-chart.js';
import type { Series } from './plot.js';
import { niceTicks } from './ticks.js';

/** A grouped bar chart: one group per category, one bar per series in each group. */
export interface BarChartSpec {
  title: string;
  /** Names of the groups along the x axis (e.g. the classes). */
  categories: readonly string[];
  /** One bar per category each; a non-finite value draws no bar (its group shows `n/a`). */
  series: readonly Series[];
  xLabel?: string;
  yLabel?: string;
  /** Top of the y axis (default: a round number above the largest value). */
  yMax?: number;
}

/** Checks that every series has one value per category and the values are not negative. */
export function checkBars(spec: BarChartSpec): void {
  const n = spec.categories.length;
  spec.series.forEach((s) => {
    if (s.values.length !== n)
      throw rangeError('barChartSvg', `series "${s.name}" has ${s.values.length} values for ${n} categories`);
    s.values.forEach((v, i) => {
      if (typeof v !== 'number' || v < 0)
        throw rangeError('barChartSvg', `series "${s.name}" value ${i} is ${String(v)}; expected a number >= 0`);
    });
  });
  if (spec.yMax !== undefined && !(spec.yMax > 0))
    throw rangeError('barChartSvg', `yMax must be > 0; got ${spec.yMax}`);
}

/**
 * An inline SVG grouped bar chart with a y axis, grid lines, category labels, a legend and a
 * tooltip (`<title>`) per bar. No scripts, no external references.
 * @throws RangeError for a series whose length is not the number of categories, or a negative value.
 * @example
 * ```ts
 * import { barChartSvg } from '@chainrule/viz';
 * const svg = barChartSvg({
 *   title: 'Per-class scores', categories: ['cat', 'dog'], yMax: 1,
 *   series: [{ name: 'precision', values: [0.9, 0.8] }, { name: 'recall', values: [0.85, 0.88] }],
 * });
 * ```
 */
export function barChartSvg(spec: BarChartSpec, size: { width?: number; height?: number } = {}): string {
  checkBars(spec);
  const n = spec.categories.length,
    k = Math.max(1, spec.series.length);
  const { width = Math.max(360, 90 + n * (k * 12 + 14)), height = 320 } = size;
  const m = { left: 60, right: 16, top: 52, bottom: 46 };
  const w = width - m.left - m.right,
    h = height - m.top - m.bottom;
  const finite = spec.series.flatMap((s) => s.values.filter(Number.isFinite));
  const ticks = niceTicks(0, spec.yMax ?? Math.max(1e-12, ...finite), 6).filter((t) => t <= (spec.yMax ?? Infinity));
  const top = spec.yMax ?? ticks[ticks.length - 1]!;
  const Y = (v: number): number => m.top + h - (Math.min(v, top) / top) * h;
  const group = w / Math.max(1, n),
    bar = (group * 0.8) / k;
  const out: string[] = [
    `<svg class="bars" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" ` +
      `aria-label="${escapeXml(spec.title)}">`,
    `<text x="${m.left}" y="18" class="title">${escapeXml(spec.title)}</text>`,
  ];
  for (const t of ticks) {
    out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${px(Y(t))}" y2="${px(Y(t))}" class="grid"/>`);
    out.push(`<text x="${m.left - 6}" y="${px(Y(t) + 4)}" text-anchor="end" class="tick">${formatTick(t)}</text>`);
  }
  spec.categories.forEach((c, i) => {
    const x0 = m.left + i * group + group * 0.1;
    spec.series.forEach((s, j) => {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) return;
      out.push(
        `<rect x="${px(x0 + j * bar)}" y="${px(Y(v))}" width="${px(bar)}" height="${px(m.top + h - Y(v))}" ` +
          `fill="${PALETTE[j % PALETTE.length]}">` +
          `<title>${escapeXml(`${c}, ${s.name}: ${formatTick(v)}`)}</title></rect>`,
      );
    });
    const missing = spec.series.some((s) => !Number.isFinite(s.values[i]!));
    out.push(
      `<text x="${px(m.left + (i + 0.5) * group)}" y="${m.top + h + 17}" text-anchor="middle" ` +
        `class="tick">${escapeXml(c)}${missing ? ' (n/a)' : ''}</text>`,
    );
  });
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + h}" class="axis"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" class="axis"/>`);
  if (spec.xLabel !== undefined)
    out.push(
      `<text x="${px(m.left + w / 2)}" y="${height - 8}" text-anchor="middle" ` +
        `class="label">${escapeXml(spec.xLabel)}</text>`,
    );
  if (spec.yLabel !== undefined)
    out.push(
      `<text transform="translate(14 ${px(m.top + h / 2)}) rotate(-90)" text-anchor="middle" ` +
        `class="label">${escapeXml(spec.yLabel)}</text>`,
    );
  spec.series.forEach((s, j) => {
    const lx = m.left + j * 110;
    out.push(
      `<rect x="${lx}" y="27" width="12" height="8" fill="${PALETTE[j % PALETTE.length]}"/>` +
        `<text x="${lx + 17}" y="35" class="legend">${escapeXml(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
