/**
 * Several @chainrule/viz line charts in one standalone SVG file: `lineChartSvg` draws a chart for
 * an HTML page (no xmlns, styled by the page's CSS); this wraps a grid of them in a root `<svg>`
 * with the namespace and the styles, so the file opens on its own in a browser or an image viewer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ChartSpec, lineChartSvg } from '@chainrule/viz';

const STYLE =
  'text{font-family:system-ui,sans-serif}.title{font-size:14px;font-weight:600}.tick{font-size:11px;fill:#555}' +
  '.label{font-size:12px;fill:#333}.legend{font-size:12px}.grid{stroke:#e5e5e5}.axis{stroke:#444}';

/** Layout of the grid of charts. */
export interface ChartsLayout {
  /** Charts per row (default: all in one row). */
  columns?: number;
  /** Size of each chart in pixels (default 520 × 320). */
  width?: number;
  height?: number;
}

/**
 * The standalone SVG of `charts`, laid out row by row.
 * @example
 * ```ts
 * const svg = chartsSvg([{ title: 'loss', series: [{ name: 'train', values: [0.9, 0.5, 0.3] }] }]);
 * svg.startsWith('<svg xmlns'); // true
 * ```
 */
export function chartsSvg(charts: readonly ChartSpec[], layout: ChartsLayout = {}): string {
  const { width = 520, height = 320 } = layout;
  const columns = Math.max(1, Math.min(layout.columns ?? charts.length, charts.length));
  const rows = Math.ceil(charts.length / columns);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${columns * width}" height="${rows * height}" ` +
      `viewBox="0 0 ${columns * width} ${rows * height}">`,
    `<style>${STYLE}</style>`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  charts.forEach((chart, k) => {
    const x = (k % columns) * width;
    const y = Math.floor(k / columns) * height;
    out.push(`<g transform="translate(${x} ${y})">`, lineChartSvg(chart, { width, height }), '</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}

/**
 * Writes `chartsSvg(charts, layout)` to `path` (making its folder) and returns the path.
 * @example
 * ```ts
 * writeChartsSvg('runs/demo/loss.svg', [{ title: 'loss', series: [{ name: 'train', values: [0.9, 0.5] }] }]);
 * ```
 */
export function writeChartsSvg(path: string, charts: readonly ChartSpec[], layout: ChartsLayout = {}): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, chartsSvg(charts, layout));
  return path;
}
