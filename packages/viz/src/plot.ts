import { rangeError } from './errors.js';
import { formatTick } from './format.js';

/** One named line of a plot. */
export interface Series {
  name: string;
  values: readonly number[];
}

/** Size and range of a terminal plot. */
export interface LinePlotOptions {
  /** Plot columns, not counting the y-axis labels (default 60). */
  width?: number;
  /** Plot rows (default 12). */
  height?: number;
  /** A line above the plot. */
  title?: string;
  /** Fixed y range; values outside it are not drawn. Default: the data's range. */
  yMin?: number;
  yMax?: number;
}

/** Markers of the series, in order. */
export const PLOT_MARKERS = ['*', '+', 'o', 'x', '#', '@', '%', '&'];

/**
 * A line plot in plain text: `height` rows of `width` cells, y-axis labels on the left, the
 * x-axis (indices) below, and a legend when there are several series. The largest value lands on
 * the top row and the smallest on the bottom row; consecutive points are joined. Non-finite
 * values leave gaps.
 * @example
 * ```ts
 * console.log(linePlot([{ name: 'train', values: trainLoss }, { name: 'val', values: valLoss }], { height: 10 }));
 * ```
 */
export function linePlot(series: readonly number[] | readonly Series[], options: LinePlotOptions = {}): string {
  const list: Series[] = isNumbers(series) ? [{ name: 'y', values: series }] : [...series];
  const { width = 60, height = 12 } = options;
  if (!Number.isInteger(width) || width < 2)
    throw rangeError('linePlot', `width must be an integer >= 2, got ${width}`);
  if (!Number.isInteger(height) || height < 2)
    throw rangeError('linePlot', `height must be an integer >= 2, got ${height}`);
  const [lo, hi] = yRange(list, options);
  const grid: string[][] = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  const length = Math.max(0, ...list.map((s) => s.values.length));
  // position of sample i: column i·(width-1)/(length-1), row (hi - v)/(hi - lo)·(height-1) from the top
  const col = (i: number): number => (length > 1 ? (i * (width - 1)) / (length - 1) : 0);
  const row = (v: number): number => ((hi - v) / (hi - lo)) * (height - 1);
  const inRange = (v: number): boolean => Number.isFinite(v) && v >= lo && v <= hi;
  list.forEach((s, k) => {
    const mark = PLOT_MARKERS[k % PLOT_MARKERS.length]!;
    const put = (c: number, r: number): void => {
      grid[Math.round(r)]![Math.round(c)] = mark;
    };
    s.values.forEach((v, i) => {
      if (!inRange(v)) return;
      const next = s.values[i + 1];
      if (next !== undefined && inRange(next)) {
        const [c0, r0, c1, r1] = [col(i), row(v), col(i + 1), row(next)];
        const steps = Math.max(1, Math.ceil(Math.max(Math.abs(c1 - c0), Math.abs(r1 - r0))));
        for (let t = 0; t <= steps; t++) put(c0 + ((c1 - c0) * t) / steps, r0 + ((r1 - r0) * t) / steps);
      } else put(col(i), row(v));
    });
  });
  // label the top and bottom rows and every 4th row between, keeping 2 rows clear above the bottom
  const labels = grid.map((_, r) =>
    r === 0 || r === height - 1 || (r % 4 === 0 && r < height - 2)
      ? formatTick(hi - ((hi - lo) * r) / (height - 1))
      : '',
  );
  const lw = Math.max(...labels.map((l) => l.length));
  const lines: string[] = [];
  if (options.title !== undefined) lines.push(options.title);
  grid.forEach((cells, r) => {
    lines.push(`${labels[r]!.padStart(lw)} ${labels[r] === '' ? '│' : '┤'}${cells.join('')}`);
  });
  lines.push(`${' '.repeat(lw)} └${'─'.repeat(width)}`);
  const last = String(Math.max(0, length - 1));
  lines.push(`${' '.repeat(lw + 2)}0${last.padStart(width - 1)}`);
  if (list.length > 1)
    lines.push(
      `${' '.repeat(lw + 2)}${list.map((s, k) => `${PLOT_MARKERS[k % PLOT_MARKERS.length]} ${s.name}`).join('   ')}`,
    );
  return lines.join('\n');
}

function isNumbers(x: readonly number[] | readonly Series[]): x is readonly number[] {
  return x.length === 0 || typeof x[0] === 'number';
}

/** The y range: given, or the finite data's min and max, widened when flat. */
function yRange(list: readonly Series[], options: LinePlotOptions): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of list) {
    for (const v of s.values) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  lo = options.yMin ?? lo;
  hi = options.yMax ?? hi;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo > hi) throw rangeError('linePlot', `yMin ${lo} is above yMax ${hi}`);
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.5, hi + (Math.abs(hi) || 1) * 0.5];
  return [lo, hi];
}
