import * as T from '@chainrule/tensor';
import { ModuleError } from '../errors.js';
import { type Hyperparameters, Optimizer } from './optimizer.js';
import { checkChoice, checkNumber, checkOptions } from './options.js';
import { describeValue } from './state-check.js';

const PLATEAU_KINDS = new Map([
  ['mode', 'string'],
  ['factor', 'number'],
  ['patience', 'number'],
  ['threshold', 'number'],
  ['thresholdMode', 'string'],
  ['cooldown', 'number'],
  ['minLr', 'number'],
  ['eps', 'number'],
] as const);

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
    const op = 'ReduceLROnPlateau';
    if (!(optimizer instanceof Optimizer))
      throw new ModuleError(op, `needs an Optimizer, got ${describeValue(optimizer)}`);
    const o = checkOptions(op, '', options, PLATEAU_KINDS) as PlateauOptions;
    this.mode = checkChoice(op, 'mode', o.mode ?? 'min', ['min', 'max']);
    this.factor = o.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor >= 0))
      throw new T.RangeError('ReduceLROnPlateau', `factor must be in [0, 1), got ${this.factor}`);
    this.patience = o.patience ?? 10;
    if (!Number.isSafeInteger(this.patience) || this.patience < 0)
      throw new T.RangeError(op, `patience must be a non-negative integer, got ${this.patience}`);
    this.threshold = o.threshold ?? 1e-4;
    checkNumber(op, 'threshold', this.threshold, (x) => x >= 0, 'a finite number >= 0');
    this.thresholdMode = checkChoice(op, 'thresholdMode', o.thresholdMode ?? 'rel', ['rel', 'abs']);
    this.cooldown = o.cooldown ?? 0;
    if (!Number.isSafeInteger(this.cooldown) || this.cooldown < 0)
      throw new T.RangeError(op, `cooldown must be a non-negative integer, got ${this.cooldown}`);
    this.minLr = o.minLr ?? 0;
    checkNumber(op, 'minLr', this.minLr, (x) => x >= 0, 'a finite learning rate >= 0');
    this.eps = o.eps ?? 1e-8;
    checkNumber(op, 'eps', this.eps, (x) => x >= 0, 'a finite number >= 0');
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
    if (typeof metric !== 'number')
      throw new ModuleError(
        'ReduceLROnPlateau.step',
        `the metric must be a number (for a loss tensor, pass loss.item()), got ${describeValue(metric)}`,
      );
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
