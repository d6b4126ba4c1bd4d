import {
  DataLoader,
  type Hyperparameters,
  type Module,
  type Optimizer,
  TensorDataset,
  fit,
  l2Penalty,
} from '@chainrule/nn';
import { Tensor, oneHot } from '@chainrule/autograd';
import type { NDArray } from '@chainrule/tensor';
import type { LossName } from '../model/architecture.js';
import { type ClassificationLoss, classificationLoss } from './loss.js';
import type { LabeledSet } from './metrics.js';

/** How to train. */
export interface LoopConfig {
  loss: LossName;
  classes: number;
  epochs: number;
  batchSize: number;
  /** Seed of the mini-batch shuffles. */
  seed: number;
  /** The notes' L2 strength λ: the loss gets λ/(2n) Σw² over the weights, n the training set size. 0: off. */
  l2: number;
  /** Stop after this many epochs without a better validation accuracy and keep the best weights (0: off). */
  patience: number;
  /** Applied to each training batch of images (a seeded augmentation, see `digitAugmentation`); none when absent. */
  augment?: (images: Tensor) => Tensor;
  /** Compile the training step (fit's default, true) or train eagerly (false). */
  compile?: boolean;
}

/** What happened in one epoch. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean loss over the epoch's mini-batches, weighted by batch size (with the L2 term when on). */
  trainLoss: number;
  /** Loss on the validation set (with the same L2 term, so the two compare). */
  valLoss: number;
  valAccuracy: number;
  /** Wall time of the epoch's training steps, without the validation pass. */
  seconds: number;
  samplesPerSecond: number;
}

/** Hooks to show progress. */
export interface LoopCallbacks {
  onEpochStart?(epoch: number): void;
  /** After each step: the batch number (1-based), its loss and its size. */
  onBatch?(batch: number, loss: number, samples: number): void;
  onEpochEnd?(record: EpochRecord): void;
}

/** What `trainLoop` returns. */
export interface LoopResult {
  history: EpochRecord[];
  /** With early stopping, the epoch whose weights the model holds at the end (1-based). */
  bestEpoch: number;
  stoppedEarly: boolean;
}

/**
 * Mini-batch training with @chainrule/nn's `fit`: a seeded DataLoader reshuffles `train` every
 * epoch; each batch clears the gradients, computes the loss (+ L2 term), backpropagates and
 * steps; each epoch ends with a validation pass (in one chunk, no graph).
 * @example
 * ```ts
 * const { history } = trainLoop(model, optimizer, split.train, split.val,
 *   { loss: 'mse', classes: 10, epochs: 10, batchSize: 10, seed: 0, l2: 0, patience: 0 });
 * ```
 */
export function trainLoop(
  model: Module,
  optimizer: Optimizer<Hyperparameters>,
  train: LabeledSet,
  val: LabeledSet,
  config: LoopConfig,
  callbacks: LoopCallbacks = {},
): LoopResult {
  // the quadratic cost compares with one-hot targets; cross-entropy takes the labels
  const targets = (labels: NDArray): Tensor =>
    config.loss === 'mse' ? oneHot(new Tensor(labels), config.classes, train.images.dtype) : new Tensor(labels);
  const base: ClassificationLoss = classificationLoss(config.loss, config.classes);
  const n = train.images.shape[0]!;
  const dataLoss = (pred: Tensor, target: Tensor): Tensor => base(pred, target, true);
  const loss =
    config.l2 > 0
      ? (pred: Tensor, target: Tensor): Tensor => dataLoss(pred, target).add(l2Penalty(model, config.l2, n))
      : dataLoss;
  const loader = new DataLoader(new TensorDataset(new Tensor(train.images), targets(train.labels)), {
    batchSize: config.batchSize,
    shuffle: true,
    seed: config.seed,
    ...(config.augment === undefined ? {} : { transform: augmentBatch(config.augment) }),
  });

  const history: EpochRecord[] = [];
  let started = 0;
  let finished = 0;
  let samples = 0;
  const result = fit(model, {
    train: loader,
    val: { x: new Tensor(val.images), y: targets(val.labels) },
    batchSize: val.images.shape[0], // the validation pass in one chunk (training batches come from the loader)
    loss,
    optimizer,
    epochs: config.epochs,
    metrics: ['accuracy'],
    compile: config.compile ?? true,
    ...(config.patience > 0
      ? { earlyStopping: { patience: config.patience, monitor: 'valAccuracy' as const, restoreBestWeights: true } }
      : {}),
    callbacks: {
      onEpochStart: (epoch) => {
        started = performance.now();
        samples = 0;
        callbacks.onEpochStart?.(epoch + 1);
      },
      onBatchEnd: (log) => {
        samples += log.samples;
        finished = performance.now();
        callbacks.onBatch?.(log.batch + 1, log.loss, log.samples);
      },
      onEpochEnd: (log) => {
        const seconds = (finished - started) / 1000;
        const record: EpochRecord = {
          epoch: log.epoch + 1,
          trainLoss: log.trainLoss,
          valLoss: log.valLoss ?? NaN,
          valAccuracy: log.val.accuracy ?? NaN,
          seconds,
          samplesPerSecond: samples / seconds,
        };
        history.push(record);
        callbacks.onEpochEnd?.(record);
      },
    },
  });
  return { history, bestEpoch: result.bestEpoch + 1, stoppedEarly: result.stoppedEarly };
}

/** A DataLoader transform that augments the images of an (images, targets) batch. */
function augmentBatch(augment: (images: Tensor) => Tensor): (batch: [Tensor, Tensor]) => [Tensor, Tensor] {
  return ([images, targets]) => [augment(images), targets];
}
