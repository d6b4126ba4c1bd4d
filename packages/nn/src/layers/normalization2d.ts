import * as T from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { batchNorm } from '../functional/normalization.js';
import { groupNorm, instanceNorm } from '../functional/normalization2d.js';
import { checkEps, checkMomentum, normState } from './norm-state.js';
import { type LayerOptions, checkOptions, checkPositiveInt, layerDtype } from './options.js';

/** Options of `BatchNorm2d` and `InstanceNorm2d`. */
export interface Norm2dOptions extends Omit<LayerOptions, 'rng'> {
  eps?: number;
  /** The weight of each new batch in the running averages (default 0.1); null: a cumulative average. */
  momentum?: number | null;
  /** Learnable scale γ and shift β (BatchNorm2d default true, InstanceNorm2d false). */
  affine?: boolean;
  /** Keep running statistics for eval mode (BatchNorm2d default true, InstanceNorm2d false). */
  trackRunningStats?: boolean;
}

/** Options of `GroupNorm`. */
export interface GroupNormOptions extends Omit<LayerOptions, 'rng'> {
  eps?: number;
  /** Learnable per-channel γ and β (default true). */
  affine?: boolean;
}

const NORM_KEYS = ['dtype', 'eps', 'momentum', 'affine', 'trackRunningStats'];

/** The shared state of BatchNorm2d and InstanceNorm2d: γ, β and the running statistics buffers. */
abstract class Norm2d extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;

  constructor(
    protected readonly opName: string,
    readonly numFeatures: number,
    options: Norm2dOptions,
    defaults: boolean,
  ) {
    super();
    checkOptions(opName, options, NORM_KEYS);
    checkPositiveInt(opName, 'numFeatures', numFeatures);
    const dtype = layerDtype(opName, options);
    this.eps = options.eps ?? 1e-5;
    checkEps(opName, this.eps);
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    checkMomentum(opName, this.momentum, true);
    const state = normState(
      this,
      numFeatures,
      dtype,
      options.affine ?? defaults,
      options.trackRunningStats ?? defaults,
    );
    this.weight = state.weight;
    this.bias = state.bias;
    this.runningMean = state.runningMean;
    this.runningVar = state.runningVar;
    this.numBatchesTracked = state.numBatchesTracked;
  }

  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures) {
      throw new T.ShapeError(this.opName, `expected input [N, ${this.numFeatures}, H, W], got ${T.fmtShape(x.shape)}`);
    }
    if (!T.isFloat(x.dtype))
      throw new T.DTypeError(this.opName, `expected a float input (float32 or float64), got ${x.dtype}`);
  }

  protected running(): { mean: Tensor; variance: Tensor } | null {
    return this.runningMean !== null && this.runningVar !== null
      ? { mean: this.runningMean, variance: this.runningVar }
      : null;
  }

  /** This batch's weight in the running averages: `momentum`, or 1/(batches so far + 1) for a cumulative average. */
  protected factor(): number {
    if (this.momentum !== null) return this.momentum;
    return 1 / ((this.numBatchesTracked?.item() ?? 0) + 1);
  }

  /** Counts a batch that went through (a failed forward changes no buffer). */
  protected counted(out: Tensor): Tensor {
    if (this.training && this.numBatchesTracked !== null) this.numBatchesTracked.addInPlace(1);
    return out;
  }

  override extraRepr(): string {
    return (
      `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, ` +
      `trackRunningStats=${this.runningMean !== null}`
    );
  }
}

/**
 * Batch normalization of [N, C, H, W] with statistics per channel over (N, H, W), PyTorch's
 * `BatchNorm2d`: training uses the batch's statistics and updates the running averages (buffers
 * `running_mean`, `running_var`, `num_batches_tracked`); eval mode uses the running averages.
 * @example
 * ```ts
 * const bn = new BatchNorm2d(8);
 * bn.forward(randn([4, 8, 5, 5])).shape; // [4, 8, 5, 5]
 * [...bn.stateDict().keys()]; // ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
 * ```
 */
export class BatchNorm2d extends Norm2d {
  constructor(numFeatures: number, options: Norm2dOptions = {}) {
    super('BatchNorm2d', numFeatures, options, true);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const [n, c, h, w] = x.shape as [number, number, number, number];
    if (this.training && n * h * w <= 1) {
      throw new T.ShapeError(
        'BatchNorm2d',
        `training needs more than one value per channel, got ${T.fmtShape(x.shape)}`,
      );
    }
    const out = batchNorm(x.reshape([n, c, h * w]), {
      weight: this.weight,
      bias: this.bias,
      running: this.running(),
      training: this.training,
      momentum: this.factor(),
      eps: this.eps,
    });
    return this.counted(out.reshape([n, c, h, w]));
  }
}

/**
 * Instance normalization of [N, C, H, W]: each (sample, channel) normalized over its H·W
 * positions, PyTorch's `InstanceNorm2d` (affine and trackRunningStats default false). With
 * `trackRunningStats`, training updates the running averages and eval mode normalizes with them
 * (`num_batches_tracked` is kept for the state dict but never counts, and a null momentum freezes
 * the averages, both as PyTorch).
 * @example
 * ```ts
 * const norm = new InstanceNorm2d(3, { affine: true });
 * norm.forward(randn([2, 3, 6, 6])).shape; // [2, 3, 6, 6]
 * ```
 */
export class InstanceNorm2d extends Norm2d {
  constructor(numFeatures: number, options: Norm2dOptions = {}) {
    super('InstanceNorm2d', numFeatures, options, false);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const running = this.running();
    const out = instanceNorm(x, {
      weight: this.weight,
      bias: this.bias,
      running,
      useInputStats: this.training || running === null,
      momentum: this.momentum ?? 0,
      eps: this.eps,
    });
    return out; // as PyTorch, instance norm never counts num_batches_tracked
  }
}

/**
 * Group normalization, PyTorch's `GroupNorm(numGroups, numChannels)`: [N, C, ...] with the C
 * channels in `numGroups` groups, each sample's group normalized by its own statistics, then a
 * per-channel γ and β (`weight`, `bias`). The same in training and eval mode.
 * @example
 * ```ts
 * const gn = new GroupNorm(2, 6);
 * gn.forward(randn([3, 6, 4, 4])).shape; // [3, 6, 4, 4]
 * ```
 */
export class GroupNorm extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly eps: number;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormOptions = {},
  ) {
    super();
    checkOptions('GroupNorm', options, ['dtype', 'eps', 'affine']);
    checkPositiveInt('GroupNorm', 'numGroups', numGroups);
    checkPositiveInt('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) {
      throw new T.RangeError('GroupNorm', `numGroups ${numGroups} must divide numChannels ${numChannels}`);
    }
    const dtype = layerDtype('GroupNorm', options);
    this.eps = options.eps ?? 1e-5;
    const affine = options.affine ?? true;
    this.weight = affine ? new Parameter(T.ones([numChannels], dtype)) : null;
    this.bias = affine ? new Parameter(T.zeros([numChannels], dtype)) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new T.ShapeError('GroupNorm', `expected input [N, ${this.numChannels}, ...], got ${T.fmtShape(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.weight !== null}`;
  }
}
