import * as T from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { batchNorm, layerNorm } from '../functional/normalization.js';
import { checkInputDtype } from './input-checks.js';
import { checkEps, checkMomentum, normState } from './norm-state.js';
import { type LayerOptions, checkOptions, checkPositiveInt, layerDtype } from './options.js';

/** Throws unless `eps` is a finite positive number (a zero or negative one divides by √0 or √negative). */

/** Options of `BatchNorm1d`. */
export interface BatchNormLayerOptions extends Omit<LayerOptions, 'rng'> {
  eps?: number;
  /** The weight of each new batch in the running averages (default 0.1). */
  momentum?: number;
  /** Learnable scale γ and shift β (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true). */
  trackRunningStats?: boolean;
}

/**
 * Batch normalization for [N, C] or [N, C, L] inputs. Training normalizes with the batch's
 * statistics and updates the running mean and variance (buffers `running_mean`, `running_var`,
 * `num_batches_tracked`, PyTorch's names, saved in the state dict); eval mode uses them.
 * @example
 * ```ts
 * const bn = new BatchNorm1d(16);
 * bn.forward(randn([32, 16])); // updates the running statistics
 * bn.eval().forward(randn([1, 16])); // uses them
 * ```
 */
export class BatchNorm1d extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    options: BatchNormLayerOptions = {},
  ) {
    super();
    checkOptions('BatchNorm1d', options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    checkPositiveInt('BatchNorm1d', 'numFeatures', numFeatures);
    const dtype = layerDtype('BatchNorm1d', options);
    this.eps = options.eps ?? 1e-5;
    checkEps('BatchNorm1d', this.eps);
    this.momentum = options.momentum ?? 0.1;
    checkMomentum('BatchNorm1d', this.momentum, false);
    const state = normState(this, numFeatures, dtype, options.affine ?? true, options.trackRunningStats ?? true);
    this.weight = state.weight;
    this.bias = state.bias;
    this.runningMean = state.runningMean;
    this.runningVar = state.runningVar;
    this.numBatchesTracked = state.numBatchesTracked;
  }

  forward(x: Tensor): Tensor {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      throw new T.ShapeError(
        'BatchNorm1d',
        `expected input [N, ${this.numFeatures}] or [N, ${this.numFeatures}, L], got ${T.fmtShape(x.shape)}`,
      );
    }
    // the dtype of what the layer holds now (Module.to may have changed it), null if it holds nothing
    checkInputDtype('BatchNorm1d', x, (this.weight ?? this.runningMean)?.dtype ?? null);
    const running =
      this.runningMean !== null && this.runningVar !== null
        ? { mean: this.runningMean, variance: this.runningVar }
        : null;
    const out = batchNorm(x, {
      weight: this.weight,
      bias: this.bias,
      running,
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
    });
    // counted only once the batch went through: a failed forward changes no buffer
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

/** Options of `LayerNorm`. */
export interface LayerNormOptions extends Omit<LayerOptions, 'rng'> {
  eps?: number;
  /** Learnable γ and β of the normalized shape (default true). */
  elementwiseAffine?: boolean;
}

/** Layer normalization over the trailing `normalizedShape` axes of each sample. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine', 'dtype']);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    for (const d of this.normalizedShape) checkPositiveInt('LayerNorm', 'normalizedShape', d);
    const dtype = layerDtype('LayerNorm', options);
    this.eps = options.eps ?? 1e-5;
    checkEps('LayerNorm', this.eps);
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(T.ones(this.normalizedShape, dtype)) : null;
    this.bias = affine ? new Parameter(T.zeros(this.normalizedShape, dtype)) : null;
  }

  forward(x: Tensor): Tensor {
    checkInputDtype('LayerNorm', x, this.weight?.dtype ?? null);
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${T.fmtShape(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}
