import * as T from '@chainrule/tensor';
import type { Hyperparameters, Optimizer } from './optimizer.js';

/** A scheduler's state: the epoch count and the learning rates it started from. */
export interface SchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
}

/**
 * The base of the epoch-based learning-rate schedulers: it remembers each group's initial
 * learning rate and sets `lr = lrAt(base, epoch)` on every `step()` (call it once per epoch,
 * after the optimizer's steps).
 */
export abstract class LRScheduler {
  /** The number of `step()` calls so far. */
  lastEpoch = 0;
  readonly baseLrs: number[];

  constructor(readonly optimizer: Optimizer<Hyperparameters>) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of a group that started at `base`, after `epoch` steps. */
  protected abstract lrAt(base: number, epoch: number): number;

  /** Advances one epoch and sets the new learning rates. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lrAt(this.baseLrs[i]!, this.lastEpoch);
    });
  }

  /** The current learning rate of each group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /** Restores the epoch and base rates and sets the learning rates they give. */
  loadStateDict(state: SchedulerStateDict): void {
    if (state.baseLrs.length !== this.baseLrs.length) {
      throw new T.ShapeError(
        'LRScheduler.loadStateDict',
        `the state has ${state.baseLrs.length} group(s), the optimizer ${this.baseLrs.length}`,
      );
    }
    this.lastEpoch = state.lastEpoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...state.baseLrs);
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lrAt(this.baseLrs[i]!, this.lastEpoch);
    });
  }
}

/**
 * Multiplies the learning rate by γ every `stepSize` epochs: η = η₀ γ^⌊epoch / stepSize⌋.
 * @example
 * ```ts
 * const sched = new StepLR(opt, { stepSize: 10, gamma: 0.5 });
 * for (let epoch = 0; epoch < 30; epoch++) { trainOneEpoch(); sched.step(); }
 * ```
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: Optimizer<Hyperparameters>, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    if (!Number.isInteger(options.stepSize) || options.stepSize < 1)
      throw new T.RangeError('StepLR', `stepSize must be a positive integer, got ${options.stepSize}`);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
  }
  protected lrAt(base: number, epoch: number): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** Multiplies the learning rate by γ every epoch: η = η₀ γ^epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: Optimizer<Hyperparameters>, options: { gamma: number }) {
    super(optimizer);
    this.gamma = options.gamma;
  }
  protected lrAt(base: number, epoch: number): number {
    return base * this.gamma ** epoch;
  }
}

/** Cosine annealing from η₀ to ηmin over tMax epochs: η = ηmin + (η₀ − ηmin)(1 + cos(π·epoch/tMax))/2. */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: Optimizer<Hyperparameters>, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    if (!(options.tMax > 0)) throw new T.RangeError('CosineAnnealingLR', `tMax must be positive, got ${options.tMax}`);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
  }
  protected lrAt(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
