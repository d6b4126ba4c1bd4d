/**
 * @chainrule/viz: seeing training. A terminal progress bar, terminal line plots, and a
 * self-contained HTML report with SVG curves and a confusion-matrix heat map. It depends on no
 * other package: it draws numbers, whatever computed them.
 *
 * @example
 * ```ts
 * import { linePlot, renderTrainingReport } from '@chainrule/viz';
 * import { writeFileSync } from 'node:fs';
 * const losses = [2.3, 1.1, 0.7, 0.5, 0.42];
 * console.log(linePlot([{ name: 'train', values: losses }], { height: 8 }));
 * writeFileSync(
 *   'report.html',
 *   renderTrainingReport({ title: 'run 1', curves: [{ title: 'loss', series: [{ name: 'train', values: losses }] }] }),
 * );
 * ```
 */
export type { TextSink } from './sink.js';
export { type ProgressBarOptions, type ProgressInfo, ProgressBar } from './progress.js';
export { type Series, type LinePlotOptions, PLOT_MARKERS, linePlot } from './plot.js';
export { type ChartSpec, type ChartSize, PALETTE, lineChartSvg } from './line-chart.js';
export { type ConfusionSpec, confusionMatrixSvg } from './confusion.js';
export { type BarChartSpec, barChartSvg } from './bar-chart.js';
export { type TrainingReport, renderTrainingReport } from './report.js';
export { formatDuration, formatRate, formatTick } from './format.js';
export { niceTicks } from './ticks.js';
