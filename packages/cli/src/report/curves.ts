import { type ChartSpec, linePlot } from '@chainrule/nn';
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

/** The same curves as terminal plots. */
export function terminalCurves(history: readonly EpochRecord[], width = 60): string {
  const height = 10;
  // a single epoch draws as a lone point; the x axis counts epochs from 0, as linePlot indexes
  return curveCharts(history)
    .map((chart) => linePlot(chart.series, { title: `${chart.title} (x: epoch ${history.length > 1 ? `1..${history.length}` : '1'})`, width, height }))
    .join('\n\n');
}
