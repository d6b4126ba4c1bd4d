import { type Tensor, noGrad } from '@chainrule/autograd';
import type { Module } from '../module.js';
import { type BatchSource, batchesOf } from './batches.js';
import { accuracy } from './metrics.js';

/** A metric of one batch (predictions and targets); `fit` and `evaluate` average it over samples. */
export type MetricFn = (pred: Tensor, target: Tensor) => number;

/** Metrics by name; `'accuracy'` is the built-in class accuracy. */
export type Metrics = readonly 'accuracy'[] | Readonly<Record<string, MetricFn>>;

/** A model `fit` and `evaluate` can call: one tensor in, one out. */
export type Model = Module<[Tensor], Tensor>;

/** Options of `evaluate`. */
export interface EvaluateOptions {
  loss?: (pred: Tensor, target: Tensor) => Tensor;
  metrics?: Metrics;
  batchSize?: number;
}

/** Averages over a pass: the loss and each metric, weighted by batch size. */
export interface EvaluateResult {
  loss: number;
  metrics: Record<string, number>;
  samples: number;
}

export function metricFns(metrics: Metrics | undefined): [string, MetricFn][] {
  if (metrics === undefined) return [];
  if (Array.isArray(metrics))
    return (metrics as readonly string[]).map((m) => {
      if (m !== 'accuracy') throw new TypeError(`unknown metric "${m}" (give a function for custom metrics)`);
      return ['accuracy', (p: Tensor, t: Tensor) => accuracy(p, t)];
    });
  return Object.entries(metrics as Record<string, MetricFn>);
}

/** Sums of loss and metrics over batches, weighted by batch size. */
export class Averages {
  samples = 0;
  lossSum = 0;
  readonly sums = new Map<string, number>();
  add(n: number, loss: number, values: [string, number][]): void {
    this.samples += n;
    this.lossSum += loss * n;
    for (const [k, v] of values) this.sums.set(k, (this.sums.get(k) ?? 0) + v * n);
  }
  get loss(): number {
    return this.lossSum / this.samples;
  }
  metrics(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.sums) out[k] = v / this.samples;
    return out;
  }
}

/**
 * One pass over data in eval mode without recording a graph: the mean loss (NaN without a
 * loss function) and metrics. The model's mode is restored afterwards.
 * @example
 * ```ts
 * const { loss, metrics } = evaluate(model, { x: xTest, y: yTest }, { loss: crossEntropy, metrics: ['accuracy'] });
 * ```
 */
export function evaluate(model: Model, data: BatchSource, options: EvaluateOptions = {}): EvaluateResult {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const fns = metricFns(options.metrics);
      const avg = new Averages();
      for (const [x, y] of batchesOf('evaluate', data, options.batchSize, null)) {
        const pred = model.forward(x);
        const loss = options.loss === undefined ? NaN : options.loss(pred, y).item();
        avg.add(
          x.shape[0] ?? 1,
          loss,
          fns.map(([k, f]) => [k, f(pred, y)]),
        );
      }
      return { loss: avg.loss, metrics: avg.metrics(), samples: avg.samples };
    });
  } finally {
    model.train(wasTraining);
  }
}
