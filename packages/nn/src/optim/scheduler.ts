import * as T from '@chainrule/tensor';
import { ModuleError } from '../errors.js';
import { type Hyperparameters, Optimizer } from './optimizer.js';
import { checkNumber, checkObject, checkOptions, unknownKeyError } from './options.js';
import { describeValue } from './state-check.js';

const NUM = 'number' as const;

/** A scheduler's state: the epoch count and the learning rates it started from. */
export interface SchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
}

/**
 * The base of the epoch-based learning-rate schedulers: it remembers each group's initial
 * learning rate and sets `lr = lrAt(base, epoch)` on every `step()` (call it once per epoch,
 * after the optimizer's steps). `step` and `loadStateDict` compute and check every group's new
 * rate (finite and ≥ 0) before they change anything.
 */
export abstract class LRScheduler {
  /** The number of `step()` calls so far. */
  lastEpoch = 0;
  readonly baseLrs: number[];

  constructor(readonly optimizer: Optimizer<Hyperparameters>) {
    if (!(optimizer instanceof Optimizer))
      throw new ModuleError(this.constructor.name, `needs an Optimizer, got ${describeValue(optimizer)}`);
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of a group that started at `base`, after `epoch` steps. */
  protected abstract lrAt(base: number, epoch: number): number;

  /** Every group's rate at `epoch` from `bases`, checked; throws before anything is written. */
  private ratesAt(op: string, bases: readonly number[], epoch: number): number[] {
    const groups = this.optimizer.paramGroups.length;
    if (groups !== bases.length)
      throw new ModuleError(
        op,
        `the optimizer has ${groups} parameter group(s), the scheduler ${bases.length} base rate(s) ` +
          '(make the scheduler after adding groups)',
      );
    return bases.map((base, i) => {
      const lr = this.lrAt(base, epoch);
      if (!(Number.isFinite(lr) && lr >= 0))
        throw new T.RangeError(op, `group ${i}'s learning rate at epoch ${epoch} would be ${lr} (it must be >= 0)`);
      return lr;
    });
  }

  /** Advances one epoch and sets the new learning rates. */
  step(): void {
    const lrs = this.ratesAt(`${this.constructor.name}.step`, this.baseLrs, this.lastEpoch + 1);
    this.lastEpoch++;
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
    });
  }

  /** The current learning rate of each group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /**
   * Restores the epoch and base rates and sets the learning rates they give. Checks first (the
   * keys, `lastEpoch` a non-negative integer, one finite base rate ≥ 0 per group): on a problem
   * it throws and changes nothing.
   */
  loadStateDict(state: SchedulerStateDict): void {
    const op = `${this.constructor.name}.loadStateDict`;
    checkObject(op, 'the state', state);
    for (const k of Object.keys(state))
      if (k !== 'lastEpoch' && k !== 'baseLrs') throw unknownKeyError(op, 'key', k, ['lastEpoch', 'baseLrs']);
    const epoch: unknown = state.lastEpoch;
    if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0)
      throw new T.RangeError(op, `lastEpoch must be a non-negative integer, got ${describeValue(epoch)}`);
    const bases: unknown = state.baseLrs;
    if (!Array.isArray(bases)) throw new ModuleError(op, `baseLrs must be an array, got ${describeValue(bases)}`);
    if (bases.length !== this.baseLrs.length) {
      throw new T.ShapeError(op, `the state has ${bases.length} group(s), the optimizer ${this.baseLrs.length}`);
    }
    bases.forEach((b: unknown, i) => {
      checkNumber(op, `baseLrs[${i}]`, b, (x) => x >= 0, 'a finite learning rate >= 0');
    });
    const lrs = this.ratesAt(op, bases as number[], epoch);
    this.lastEpoch = epoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...(bases as number[]));
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
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
    const o = checkOptions(
      'StepLR',
      '',
      options,
      new Map([
        ['stepSize', NUM],
        ['gamma', NUM],
      ]),
    );
    if (!Number.isInteger(o.stepSize) || (o.stepSize as number) < 1)
      throw new T.RangeError('StepLR', `stepSize must be a positive integer, got ${describeValue(o.stepSize)}`);
    checkNumber('StepLR', 'gamma', o.gamma ?? 0.1, (x) => x >= 0, 'a finite number >= 0');
    this.stepSize = o.stepSize as number;
    this.gamma = (o.gamma as number | undefined) ?? 0.1;
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
    const o = checkOptions('ExponentialLR', '', options, new Map([['gamma', NUM]]));
    checkNumber('ExponentialLR', 'gamma', o.gamma, (x) => x >= 0, 'a finite number >= 0');
    this.gamma = o.gamma as number;
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
    const o = checkOptions(
      'CosineAnnealingLR',
      '',
      options,
      new Map([
        ['tMax', NUM],
        ['etaMin', NUM],
      ]),
    );
    checkNumber('CosineAnnealingLR', 'tMax', o.tMax, (x) => x > 0, 'positive');
    checkNumber('CosineAnnealingLR', 'etaMin', o.etaMin ?? 0, (x) => x >= 0, 'a finite learning rate >= 0');
    this.tMax = o.tMax as number;
    this.etaMin = (o.etaMin as number | undefined) ?? 0;
  }
  protected lrAt(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
