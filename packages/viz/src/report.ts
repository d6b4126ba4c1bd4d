import { type BarChartSpec, barChartSvg, checkBars } from './bar-chart.js';
import { type ConfusionSpec, checkConfusion, confusionMatrixSvg } from './confusion.js';
import { escapeXml } from './escape.js';
import { type ChartSpec, lineChartSvg } from './line-chart.js';

/** What a training report shows. */
export interface TrainingReport {
  title: string;
  /** One line chart per entry (e.g. loss curves, accuracy curves). */
  curves: readonly ChartSpec[];
  /** Confusion counts, `confusion[true][predicted]`. */
  confusion?: readonly (readonly number[])[];
  /** Class names for the confusion matrix. */
  labels?: readonly string[];
  /** Bar charts drawn below the confusion matrix (e.g. per-class precision, recall and F1). */
  bars?: readonly BarChartSpec[];
  /** Paragraphs of text (settings, data source, timings). */
  notes?: string | readonly string[];
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 16px}h2{font-size:16px;margin:24px 0 8px}
.charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}
svg text{font-family:system-ui,sans-serif}.title{font-size:14px;font-weight:600}.tick{font-size:11px;fill:#555}
.label{font-size:12px;fill:#333}.legend{font-size:12px}.count{font-size:12px}
.grid{stroke:#e5e5e5}.axis{stroke:#444}.notes p{margin:4px 0;max-width:60em}`;

/**
 * A self-contained HTML page: one inline SVG line chart per entry of `curves`, a confusion-matrix
 * heat map with counts and the overall accuracy, the bar charts of `bars`, and notes. No scripts and
 * no external assets, so it opens anywhere and can be attached to a run.
 * @throws RangeError for a confusion matrix that is not square, has negative or non-finite counts,
 * or mismatched labels.
 * @example
 * ```ts
 * writeFileSync('report.html', renderTrainingReport({
 *   title: 'MNIST 784-30-10',
 *   curves: [{ title: 'loss', series: [{ name: 'train', values: trainLoss }, { name: 'val', values: valLoss }] }],
 *   confusion, labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
 *   notes: 'SGD lr 3.0, batch 10, 30 epochs',
 * }));
 * ```
 */
export function renderTrainingReport(report: TrainingReport): string {
  const spec: ConfusionSpec | undefined =
    report.confusion === undefined
      ? undefined
      : { matrix: report.confusion, title: '', ...(report.labels === undefined ? {} : { labels: report.labels }) };
  if (spec !== undefined) checkConfusion(spec);
  for (const b of report.bars ?? []) checkBars(b);
  const parts: string[] = [];
  parts.push(
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
      `<title>${escapeXml(report.title)}</title>\n<style>\n${STYLE}\n</style>\n</head>\n<body>`,
  );
  parts.push(`<h1>${escapeXml(report.title)}</h1>`);
  if (report.curves.length > 0) {
    parts.push('<section class="charts">');
    for (const chart of report.curves) parts.push(`<figure>\n${lineChartSvg(chart)}\n</figure>`);
    parts.push('</section>');
  }
  if (spec !== undefined) {
    const total = spec.matrix.flat().reduce((a, b) => a + b, 0);
    const correct = spec.matrix.reduce((a, row, i) => a + row[i]!, 0);
    const accuracy = total > 0 ? `${((100 * correct) / total).toFixed(2)}% (${correct} of ${total})` : 'n/a';
    parts.push(
      `<section>\n<h2>Confusion matrix</h2>\n<p>Accuracy ${accuracy}</p>\n` +
        `<figure>\n${confusionMatrixSvg(spec)}\n</figure>\n</section>`,
    );
  }
  if (report.bars !== undefined && report.bars.length > 0) {
    const figures = report.bars.map((b) => `<figure>\n${barChartSvg(b)}\n</figure>`);
    parts.push(`<section class="charts">\n${figures.join('\n')}\n</section>`);
  }
  const notes = report.notes === undefined ? [] : typeof report.notes === 'string' ? [report.notes] : report.notes;
  if (notes.length > 0)
    parts.push(
      `<section class="notes">\n<h2>Notes</h2>\n${notes.map((p) => `<p>${escapeXml(p)}</p>`).join('\n')}\n</section>`,
    );
  parts.push('</body>\n</html>\n');
  return parts.join('\n');
}
