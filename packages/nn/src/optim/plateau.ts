import * as T from '@chainrule/tensor';
import type { Hyperparameters, Optimizer } from './optimizer.js';

/** Options of `ReduceLROnPlateau` (PyTorch's). */
export interface PlateauOptions {
  /** 'min' for a loss, 'max' for an accuracy (default 'min'). */
  mode?: 'min' | 'max';
  /** The factor the learning rate is multiplied by (default 0.1). */
  factor?: number;
  /** How many epochs without improvement to wait (default 10). */
  patience?: number;
  /** The smallest change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel': relative to the best value, 'abs': absolute (default 'rel'). */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** The lowest learning rate (default 0). */
  minLr?: number;
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the learning rate by `factor` when a monitored metric has stopped improving for
 * `patience` epochs. Call `step(metric)` once per epoch with the validation loss (or accuracy
 * with mode 'max').
 * @example
 * ```ts
 * const sched = new ReduceLROnPlateau(opt, { patience: 3, factor: 0.5 });
 * sched.step(valLoss);
 * ```
 */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLr: number;
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(
    readonly optimizer: Optimizer<Hyperparameters>,
    options: PlateauOptions = {},
  ) {
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor >= 0))
      throw new T.RangeError('ReduceLROnPlateau', `factor must be in [0, 1), got ${this.factor}`);
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    this.eps = options.eps ?? 1e-8;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `value` beats the best so far by more than the threshold. */
  isBetter(value: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min')
      return this.thresholdMode === 'rel' ? value < best * (1 - threshold) : value < best - threshold;
    return this.thresholdMode === 'rel' ? value > best * (1 + threshold) : value > best + threshold;
  }

  /** Records one epoch's metric; reduces the learning rates after `patience` bad epochs. */
  step(metric: number): void {
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      for (const g of this.optimizer.paramGroups) {
        const next = Math.max(g.lr * this.factor, this.minLr);
        if (g.lr - next > this.eps) g.lr = next;
      }
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /** The current learning rate of each group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}
