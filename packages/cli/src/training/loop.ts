import { DataLoader, type Module, TensorDataset, l2Penalty } from '@chainrule/nn';
import { Tensor } from '@chainrule/autograd';
import type { NDArray } from '@chainrule/tensor';
import type { ClassificationLoss } from './loss.js';
import { type LabeledSet, evaluate } from './metrics.js';
import type { Stepper } from './optimizers.js';

/** How to train. */
export interface LoopConfig {
  epochs: number;
  batchSize: number;
  /** Seed of the mini-batch shuffles. */
  seed: number;
  /** The notes' L2 strength λ: the loss gets λ/(2n) Σw² over the weights, n the training set size. 0: off. */
  l2: number;
}

/** What happened in one epoch. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean data loss over the epoch's mini-batches (without the L2 term), weighted by batch size. */
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  /** Wall time of the epoch's training steps, without the validation pass. */
  seconds: number;
  samplesPerSecond: number;
}

/** Hooks to show progress. */
export interface LoopCallbacks {
  onEpochStart?(epoch: number, batches: number): void;
  /** After each step: the batch number (1-based), its data loss and its size. */
  onBatch?(batch: number, loss: number, samples: number): void;
  onEpochEnd?(record: EpochRecord): void;
}

/**
 * Mini-batch training: each epoch reshuffles `train` (seeded), and for every batch clears the
 * gradients, computes loss (+ L2 term), backpropagates and steps; then it evaluates on `val`.
 * @example
 * ```ts
 * const history = trainLoop(model, optimizer, classificationLoss('mse', 10), split.train, split.val,
 *   { epochs: 10, batchSize: 10, seed: 0, l2: 0 });
 * ```
 */
export function trainLoop(
  model: Module,
  optimizer: Stepper,
  loss: ClassificationLoss,
  train: LabeledSet,
  val: LabeledSet,
  config: LoopConfig,
  callbacks: LoopCallbacks = {},
): EpochRecord[] {
  const loader = new DataLoader(new TensorDataset(train.images, train.labels), { batchSize: config.batchSize, shuffle: true, seed: config.seed });
  const n = train.images.shape[0]!;
  const history: EpochRecord[] = [];
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    callbacks.onEpochStart?.(epoch, loader.length);
    model.train();
    const started = performance.now();
    let lossSum = 0;
    let seen = 0;
    let batch = 0;
    for (const [x, y] of loader as Iterable<[NDArray, NDArray]>) {
      optimizer.zeroGrad();
      const dataLoss = loss(model.forward(new Tensor(x)), y);
      const total = config.l2 > 0 ? dataLoss.add(l2Penalty(model, config.l2, n)) : dataLoss;
      total.backward();
      optimizer.step();
      const value = dataLoss.item();
      const size = x.shape[0]!;
      lossSum += value * size;
      seen += size;
      callbacks.onBatch?.(++batch, value, size);
    }
    const seconds = (performance.now() - started) / 1000;
    const v = evaluate(model, val, loss);
    const record: EpochRecord = { epoch, trainLoss: lossSum / seen, valLoss: v.loss, valAccuracy: v.accuracy, seconds, samplesPerSecond: seen / seconds };
    history.push(record);
    callbacks.onEpochEnd?.(record);
  }
  return history;
}
