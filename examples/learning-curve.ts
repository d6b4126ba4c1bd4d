/**
 * More data reduces overfitting (the notes, after Nielsen chapter 3): the 784-30-10 sigmoid
 * network trained to convergence on 250 to 8,000 digits. With few digits it fits its training set
 * almost perfectly and does much worse on digits it has not seen; as the training set grows, the
 * gap between training and test accuracy shrinks and test accuracy rises, with no change to the
 * network or the training.
 *
 * Run: npx tsx examples/learning-curve.ts   (writes runs/learning-curve/curve.svg)
 */
import { join } from 'node:path';
import { writeChartsSvg } from './lib/charts-file.js';
import { digitAccuracy, trainDigitMlp } from './lib/digit-mlp.js';
import { digits } from './lib/digits.js';
import { isMain } from './lib/is-main.js';

/** One training-set size's outcome. */
export interface CurvePoint {
  trainSize: number;
  trainAccuracy: number;
  testAccuracy: number;
}

/** Trains one network per size, the same start and the same number of SGD steps' worth of epochs. */
export function learningCurve(
  sizes: readonly number[] = [250, 500, 1000, 2000, 4000, 8000],
  options: { epochs?: number; seed?: number } = {},
): CurvePoint[] {
  const data = digits({ train: Math.max(...sizes) });
  return sizes.map((n) => {
    const train = { images: data.train.images.slice(0, 0, n), labels: data.train.labels.slice(0, 0, n) };
    // the same number of updates for every size (up to 60 epochs), so small sets are fitted fully
    const epochs = options.epochs ?? Math.min(60, Math.ceil((30 * 8000) / n / 4));
    const model = trainDigitMlp(train, { lr: 0.5, hidden: 30 }, epochs, options.seed ?? 1);
    return { trainSize: n, trainAccuracy: digitAccuracy(model, train), testAccuracy: digitAccuracy(model, data.test) };
  });
}

if (isMain(import.meta.url)) {
  console.log('784-30-10 sigmoid, cross-entropy, SGD lr 0.5, batch 10; test on the same 1,000 digits.\n');
  console.log('train digits   train accuracy   test accuracy   gap');
  const points = learningCurve();
  for (const p of points) {
    console.log(
      `${String(p.trainSize).padStart(12)}   ${(100 * p.trainAccuracy).toFixed(1).padStart(13)}%` +
        `   ${(100 * p.testAccuracy).toFixed(1).padStart(12)}%` +
        `   ${(100 * (p.trainAccuracy - p.testAccuracy)).toFixed(1)}`,
    );
  }
  const path = writeChartsSvg(join('runs', 'learning-curve', 'curve.svg'), [
    {
      title: 'accuracy (%) by training-set size (250, 500, ... digits)',
      xLabel: 'size step',
      xStart: 0,
      yLabel: 'accuracy (%)',
      series: [
        { name: 'train', values: points.map((p) => 100 * p.trainAccuracy) },
        { name: 'test', values: points.map((p) => 100 * p.testAccuracy) },
      ],
    },
  ]);
  console.log(`\npicture: ${path}`);
}
