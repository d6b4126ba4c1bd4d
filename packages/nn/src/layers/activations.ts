/**
 * Activation layers: modules wrapping the functions in `functional/activations` (and
 * @chainrule/autograd's sigmoid, tanh, relu, softmax and logSoftmax), for use in `Sequential`.
 * None has parameters.
 * @example
 * ```ts
 * import { Sequential, Linear, ReLU, GELU } from '@chainrule/nn';
 * const net = new Sequential(new Linear(2, 8), new GELU('tanh'), new Linear(8, 1));
 * ```
 */
import * as T from '@chainrule/tensor';
import { type Tensor, logSoftmax, relu, sigmoid, softmax, tanh } from '@chainrule/autograd';
import { Module } from '../module.js';
import * as F from '../functional/activations.js';
import { checkOptions } from './options.js';

/** Throws a RangeError naming `op` unless `value` is a finite number. */
function checkFinite(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new T.RangeError(
      op,
      `${name} must be a finite number, got ${typeof value === 'number' ? value : typeof value}`,
    );
  }
}

/** x ↦ x. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** The binary step: 1 where x ≥ 0, else 0 (zero gradient). */
export class Step extends Module {
  forward(x: Tensor): Tensor {
    return F.step(x);
  }
}

/** The logistic sigmoid σ(x) = 1 / (1 + e^{-x}). */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** tanh(x). */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** Soboleva's modified tanh (e^{ax} - e^{-bx}) / (e^{cx} + e^{-dx}). */
export class SobolevaTanh extends Module {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  constructor(options: F.SmhtOptions = {}) {
    super();
    checkOptions('SobolevaTanh', options, ['a', 'b', 'c', 'd']);
    ({ a: this.a = 1, b: this.b = 1, c: this.c = 1, d: this.d = 1 } = options);
  }
  forward(x: Tensor): Tensor {
    return F.smht(x, { a: this.a, b: this.b, c: this.c, d: this.d });
  }
  override extraRepr(): string {
    return `a=${this.a}, b=${this.b}, c=${this.c}, d=${this.d}`;
  }
}

/** x / (1 + |x|). */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return F.softsign(x);
  }
}

/** max(0, x). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x for x > 0, slope·x otherwise. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkFinite('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** x·Φ(x), exact (erf) or with the tanh approximation. */
export class GELU extends Module {
  constructor(readonly approximate: F.GeluApproximate = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') {
      const got = typeof approximate === 'string' ? `'${approximate}'` : String(approximate);
      throw new T.RangeError('GELU', `approximate must be one of 'none', 'tanh', got ${got}`);
    }
  }
  forward(x: Tensor): Tensor {
    return F.gelu(x, this.approximate);
  }
  override extraRepr(): string {
    return this.approximate === 'none' ? '' : `approximate='${this.approximate}'`;
  }
}

/** log(1 + e^{βx}) / β, linear above the threshold. */
export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
    checkFinite('Softplus', 'beta', beta);
    if (beta === 0) throw new T.RangeError('Softplus', 'beta must be non-zero, got 0');
    checkFinite('Softplus', 'threshold', threshold);
  }
  forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** x for x > 0, α(e^x - 1) otherwise. */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    checkFinite('ELU', 'alpha', alpha);
  }
  forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** softmax along an axis (default the last). */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    // names the layer, the axis and the rank (a 0-d input takes axis 0 or -1, as PyTorch)
    T.normalizeAxis('Softmax', this.axis, Math.max(x.ndim, 1));
    return softmax(x, this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** log-softmax along an axis (default the last). */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    T.normalizeAxis('LogSoftmax', this.axis, Math.max(x.ndim, 1));
    return logSoftmax(x, this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}
