/**
 * Batch, mini-batch and stochastic gradient descent (the notes): the 784-30-10 sigmoid network on
 * 1,000 digits, trained by full-batch gradient descent (one update per epoch, on the exact
 * gradient), mini-batches of 10, and single examples (one update per digit, on a noisy gradient).
 * Per epoch, the full batch makes 1 step, mini-batches 100 and SGD 1,000: measured against
 * epochs, the smaller the batch the faster the loss falls; measured against wall time, the
 * mini-batch wins, because a batch of 10 costs little more than one example (the matrix products
 * use the hardware better) while its gradient is far less noisy.
 *
 * Run: npx tsx examples/batch-sizes.ts   (writes runs/batch-sizes/loss.svg)
 */
import { join } from 'node:path';
import { Linear, SGD, Sequential, Sigmoid, crossEntropy, fit } from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';
import { writeChartsSvg } from './lib/charts-file.js';
import { digits } from './lib/digits.js';
import { isMain } from './lib/is-main.js';

/** One batch size's run: the training loss after each epoch, and the seconds each epoch ended at. */
export interface BatchRun {
  name: string;
  batchSize: number;
  lr: number;
  loss: number[];
  seconds: number[];
}

/** Trains from the same start with each batch size (learning rates tuned per size, as usual). */
export function batchSizes(options: { trainSize?: number; epochs?: number; seed?: number } = {}): BatchRun[] {
  const n = options.trainSize ?? 1000;
  const data = digits({ train: n });
  const settings: [string, number, number][] = [
    ['full batch (gradient descent)', n, 3],
    ['mini-batch of 10', 10, 0.5],
    ['one example (SGD)', 1, 0.05],
  ];
  return settings.map(([name, batchSize, lr]) => {
    const rng = new Rng(options.seed ?? 1);
    const model = new Sequential(new Linear(784, 30, { rng }), new Sigmoid(), new Linear(30, 10, { rng }));
    const loss: number[] = [];
    const seconds: number[] = [];
    const started = performance.now();
    fit(model, {
      train: { x: data.train.images, y: data.train.labels },
      batchSize,
      seed: options.seed ?? 1,
      loss: crossEntropy,
      optimizer: new SGD(model.parameters(), { lr }),
      epochs: options.epochs ?? 20,
      callbacks: {
        onEpochEnd: (log) => {
          loss.push(log.trainLoss);
          seconds.push((performance.now() - started) / 1000);
        },
      },
    });
    return { name, batchSize, lr, loss, seconds };
  });
}

if (isMain(import.meta.url)) {
  const runs = batchSizes();
  console.log('784-30-10 sigmoid, cross-entropy, 1,000 digits, 20 epochs, the same start.\n');
  console.log('run                              lr    loss after 1 / 5 / 20 epochs      seconds for 20 epochs');
  for (const r of runs) {
    const at = (e: number) => r.loss[e - 1]!.toFixed(3);
    console.log(
      `${r.name.padEnd(32)} ${String(r.lr).padEnd(5)} ${at(1)} / ${at(5)} / ${at(20)}`.padEnd(72) +
        `${r.seconds[r.seconds.length - 1]!.toFixed(2)}`,
    );
  }
  // against wall time: the loss each run had reached when the fastest run had finished
  const budget = Math.min(...runs.map((r) => r.seconds[r.seconds.length - 1]!));
  console.log(`\nloss reached within ${budget.toFixed(2)} s (the time the fastest run took):`);
  for (const r of runs) {
    const done = r.seconds.filter((t) => t <= budget).length;
    console.log(
      `  ${r.name.padEnd(32)} ` +
        (done === 0 ? '(no epoch finished)' : `${r.loss[done - 1]!.toFixed(3)} after ${done} epochs`),
    );
  }
  const path = writeChartsSvg(join('runs', 'batch-sizes', 'loss.svg'), [
    { title: 'training loss by epoch', yLabel: 'loss', series: runs.map((r) => ({ name: r.name, values: r.loss })) },
  ]);
  console.log(`\npicture: ${path}`);
}
