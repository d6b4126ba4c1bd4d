import { type ChartSpec, linePlot } from '@chainrule/viz';
import type { EpochRecord } from '../training/loop.js';

/** The loss and accuracy curves of a run, as chart specs (the HTML report draws these). */
export function curveCharts(history: readonly EpochRecord[]): ChartSpec[] {
  return [
    {
      title: 'Loss per sample',
      yLabel: 'loss',
      series: [
        { name: 'train', values: history.map((r) => r.trainLoss) },
        { name: 'validation', values: history.map((r) => r.valLoss) },
      ],
    },
    {
      title: 'Validation accuracy',
      yLabel: 'accuracy (%)',
      series: [{ name: 'validation', values: history.map((r) => 100 * r.valAccuracy) }],
    },
  ];
}

/**
 * linePlot labels its x axis with sample indices 0..n-1; epochs count from 1, so the axis line
 * `   0      n-1` is relabelled `   1        n`.
 */
function epochAxis(plot: string, epochs: number): string {
  return plot.replace(/^( *)0( +)(\d+)$/m, (line, indent: string, gap: string, last: string) => {
    if (Number(last) !== epochs - 1) return line;
    const width = gap.length + last.length; // columns from after "0" to the end
    return `${indent}1${String(epochs).padStart(width)}`;
  });
}

/** The same curves as terminal plots, x axis in epochs. */
export function terminalCurves(history: readonly EpochRecord[], width = 60): string {
  return curveCharts(history)
    .map((chart) =>
      epochAxis(linePlot(chart.series, { title: `${chart.title}, by epoch`, width, height: 10 }), history.length),
    )
    .join('\n\n');
}
