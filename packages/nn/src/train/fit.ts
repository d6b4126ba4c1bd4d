import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import type { Hyperparameters, Optimizer } from '../optim/optimizer.js';
import type { LRScheduler } from '../optim/scheduler.js';
import type { ReduceLROnPlateau } from '../optim/plateau.js';
import { type BatchSource, batchesOf } from './batches.js';
import { Averages, type Metrics, type Model, evaluate, metricFns } from './evaluate.js';
import { compileStep, trainingStep } from './compile-step.js';

/** What each epoch produced (validation values when there is validation data). */
export interface EpochLog {
  epoch: number;
  trainLoss: number;
  valLoss?: number;
  /** Training metrics (measured on the training batches as they were trained on). */
  train: Record<string, number>;
  /** Validation metrics. */
  val: Record<string, number>;
  /** The learning rate of the first parameter group during the epoch. */
  lr: number;
  /** Milliseconds the epoch took. */
  ms: number;
}

/** After each batch. */
export interface BatchLog {
  epoch: number;
  batch: number;
  /** Batches per epoch when known (a DataLoader or whole arrays), else undefined. */
  batches: number | undefined;
  loss: number;
  samples: number;
}

/** Hooks for progress bars, plots and logging. Returning `false` from onEpochEnd stops training. */
export interface FitCallbacks {
  onEpochStart?: (epoch: number) => void;
  onBatchEnd?: (log: BatchLog) => void;
  onEpochEnd?: ((log: EpochLog) => boolean) | ((log: EpochLog) => void);
}

/** What early stopping watches: a loss (lower is better) or a metric such as `valAccuracy` (higher is better). */
export type Monitor = 'valLoss' | 'trainLoss' | `val${Capitalize<string>}` | `train${Capitalize<string>}`;

/** Options of early stopping. */
export interface EarlyStopping {
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Default 'valLoss' with validation data, else 'trainLoss'. */
  monitor?: Monitor;
  /** 'min' for losses (default for names ending in Loss), 'max' otherwise. */
  mode?: 'min' | 'max';
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Load the best epoch's weights at the end (default false). */
  restoreBestWeights?: boolean;
}

/** Options of `fit`. */
export interface FitOptions {
  train: BatchSource;
  val?: BatchSource;
  loss: (pred: Tensor, target: Tensor) => Tensor;
  optimizer: Optimizer<Hyperparameters>;
  epochs: number;
  /** Batch size when `train`/`val` are whole arrays ({ x, y }); ignored for iterables. */
  batchSize?: number;
  /** Shuffle whole-array training data every epoch (default true), from `seed` (default 0). */
  shuffle?: boolean;
  seed?: number;
  earlyStopping?: EarlyStopping;
  callbacks?: FitCallbacks;
  metrics?: Metrics;
  /** Stepped once per epoch (ReduceLROnPlateau with the monitored value). */
  scheduler?: LRScheduler | ReduceLROnPlateau;
  /**
   * Train with a compiled step (`compileStep`: the same bits, less overhead per batch; true, the
   * default) or eagerly (false).
   */
  compile?: boolean;
}

/** The result of `fit`: per-epoch history and where it stopped. */
export interface History {
  trainLoss: number[];
  valLoss: number[];
  /** Per metric name, prefixed: `trainAccuracy`, `valAccuracy`, ... */
  metrics: Record<string, number[]>;
  epochs: EpochLog[];
  /** The epoch with the best monitored value (with early stopping), else the last. */
  bestEpoch: number;
  stoppedEarly: boolean;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function batchCount(source: BatchSource, batchSize: number | undefined): number | undefined {
  if ('x' in source && 'y' in source && !(Symbol.iterator in source)) {
    const n = (source.x as { shape: readonly number[] }).shape[0]!;
    return Math.ceil(n / (batchSize ?? n));
  }
  const len = (source as { length?: unknown }).length;
  return typeof len === 'number' ? len : undefined;
}

/**
 * Trains `model` for up to `epochs` epochs: for each batch, forward, loss, backward, optimizer
 * step; then a validation pass (eval mode, no graph). Supports early stopping on any logged
 * value with patience (optionally restoring the best weights), callbacks, metrics and a
 * learning-rate scheduler. Returns the loss and metric history.
 * @example
 * ```ts
 * const history = fit(model, {
 *   train: new DataLoader(trainSet, { batchSize: 32, shuffle: true }), val: { x: xVal, y: yVal },
 *   loss: crossEntropy, optimizer: new Adam(model.parameters()), epochs: 20, metrics: ['accuracy'],
 *   earlyStopping: { patience: 3, restoreBestWeights: true },
 * });
 * ```
 */
export function fit(model: Model, options: FitOptions): History {
  const { train, val, loss, optimizer, epochs, batchSize, metrics, callbacks = {}, earlyStopping, scheduler } = options;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new T.RangeError('fit', `epochs must be a non-negative integer, got ${epochs}`);
  const rng = (options.shuffle ?? true) ? new Rng(options.seed ?? 0) : null;
  const fns = metricFns(metrics);
  const history: History = { trainLoss: [], valLoss: [], metrics: {}, epochs: [], bestEpoch: -1, stoppedEarly: false };
  const monitor: string = earlyStopping?.monitor ?? (val !== undefined ? 'valLoss' : 'trainLoss');
  const mode = earlyStopping?.mode ?? (monitor.endsWith('Loss') ? 'min' : 'max');
  let best = mode === 'min' ? Infinity : -Infinity;
  let bestWeights: Map<string, Tensor> | null = null;
  let waited = 0;
  const batches = batchCount(train, batchSize);
  const step = (options.compile ?? true) ? compileStep(model, loss, optimizer) : trainingStep(model, loss, optimizer);
  const record = (name: string, value: number): void => {
    const series = history.metrics[name];
    if (series === undefined) history.metrics[name] = [value];
    else series.push(value);
  };

  for (let epoch = 0; epoch < epochs; epoch++) {
    const started = Date.now();
    callbacks.onEpochStart?.(epoch);
    model.train();
    const lr = optimizer.paramGroups[0]?.lr ?? NaN;
    const avg = new Averages();
    let b = 0;
    for (const [x, y] of batchesOf('fit', train, batchSize, rng)) {
      const { loss: l, output: pred } = step(x, y);
      const n = x.shape[0] ?? 1;
      const value = l.item();
      avg.add(
        n,
        value,
        fns.map(([k, f]) => [k, f(pred.detach(), y)]),
      );
      callbacks.onBatchEnd?.({ epoch, batch: b++, batches, loss: value, samples: n });
    }
    const log: EpochLog = { epoch, trainLoss: avg.loss, train: avg.metrics(), val: {}, lr, ms: 0 };
    history.trainLoss.push(log.trainLoss);
    for (const [k, v] of Object.entries(log.train)) record(`train${capitalize(k)}`, v);
    if (val !== undefined) {
      const r = evaluate(model, val, { loss, metrics: metrics ?? [], batchSize });
      log.valLoss = r.loss;
      log.val = r.metrics;
      history.valLoss.push(r.loss);
      for (const [k, v] of Object.entries(r.metrics)) record(`val${capitalize(k)}`, v);
    }
    log.ms = Date.now() - started;
    history.epochs.push(log);

    const values: Record<string, number> = {
      trainLoss: log.trainLoss,
      ...(log.valLoss === undefined ? {} : { valLoss: log.valLoss }),
    };
    for (const [k, v] of Object.entries(log.train)) values[`train${capitalize(k)}`] = v;
    for (const [k, v] of Object.entries(log.val)) values[`val${capitalize(k)}`] = v;
    if (scheduler !== undefined) {
      if ('isBetter' in scheduler) scheduler.step(values[monitor] ?? log.valLoss ?? log.trainLoss);
      else scheduler.step();
    }
    const stopByCallback = callbacks.onEpochEnd?.(log) === false;

    if (earlyStopping !== undefined) {
      const current = values[monitor];
      if (current === undefined)
        throw new TypeError(
          `fit: early stopping monitors "${monitor}", but the epoch logged only ${Object.keys(values).join(', ')}`,
        );
      const delta = earlyStopping.minDelta ?? 0;
      const improved = mode === 'min' ? current < best - delta : current > best + delta;
      if (improved) {
        best = current;
        history.bestEpoch = epoch;
        waited = 0;
        if (earlyStopping.restoreBestWeights === true) bestWeights = model.stateDict();
      } else if (++waited >= earlyStopping.patience) {
        history.stoppedEarly = true;
        break;
      }
    } else {
      history.bestEpoch = epoch;
    }
    if (stopByCallback) break;
  }
  if (bestWeights !== null) model.loadStateDict(bestWeights);
  return history;
}
