import * as T from '@chainrule/tensor';
import { type Tensor, linear } from '@chainrule/autograd';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { checkInputDtype } from './input-checks.js';
import { type LayerOptions, checkOptions, checkPositiveInt, emptyParameter, layerDtype } from './options.js';

/** Options of `Linear`. */
export interface LinearOptions extends LayerOptions {
  /** Whether to add a learnable bias (default true). */
  bias?: boolean;
}

/**
 * A fully connected layer: y = x Wᵀ + b, with W of shape [outFeatures, inFeatures] (PyTorch's
 * layout). Input [..., inFeatures] → output [..., outFeatures]. W and b start as
 * U(-1/√inFeatures, 1/√inFeatures), PyTorch's default.
 * @example
 * ```ts
 * import { Linear } from '@chainrule/nn';
 * import { randn } from '@chainrule/autograd';
 * const fc = new Linear(3, 4);
 * fc.forward(randn([10, 3])).shape; // [10, 4]
 * ```
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkOptions('Linear', options, ['bias', 'rng', 'dtype']);
    checkPositiveInt('Linear', 'inFeatures', inFeatures);
    checkPositiveInt('Linear', 'outFeatures', outFeatures);
    const dtype = layerDtype('Linear', options);
    this.weight = emptyParameter([outFeatures, inFeatures], dtype);
    init.kaimingUniform(this.weight, { a: Math.sqrt(5), rng: options.rng });
    this.bias = options.bias === false ? null : emptyParameter([outFeatures], dtype);
    if (this.bias !== null) {
      const bound = 1 / Math.sqrt(inFeatures);
      init.uniform(this.bias, -bound, bound, { rng: options.rng });
    }
  }

  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new T.ShapeError('Linear', `expected input of shape [..., ${this.inFeatures}], got ${T.fmtShape(x.shape)}`);
    }
    checkInputDtype('Linear', x, this.weight.dtype);
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
