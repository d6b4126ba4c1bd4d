/**
 * Parameter initializers. Each fills a tensor in place (under noGrad, so parameters can be
 * initialized) from a seeded generator and returns it. Fans follow PyTorch: for a weight of
 * shape [out, in, ...kernel], fanIn = in·k and fanOut = out·k with k the kernel size.
 *
 * @example
 * ```ts
 * import { init, Linear } from '@chainrule/nn';
 * import { Rng } from '@chainrule/tensor';
 * const fc = new Linear(784, 30);
 * init.kaimingNormal(fc.weight, { nonlinearity: 'relu', rng: new Rng(1) });
 * init.zeros(fc.bias!);
 * ```
 */
import * as T from '@chainrule/tensor';
import { type NDArray, type Rng, defaultRng } from '@chainrule/tensor';
import { Tensor, noGrad } from '@chainrule/autograd';
import { ModuleError } from './errors.js';

/** The nonlinearities `calculateGain` knows. */
export type Nonlinearity = 'linear' | 'identity' | 'conv' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

/** Which fan the Kaiming initializers preserve: the forward pass's (fanIn) or the backward pass's (fanOut). */
export type FanMode = 'fanIn' | 'fanOut';

/** A seeded generator (the default one when omitted). */
export interface InitRng {
  rng?: Rng;
}

function write(t: Tensor, values: NDArray): Tensor {
  noGrad(() => t.copyInPlace(new Tensor(values)));
  return t;
}

function uniformArray(t: Tensor, low: number, high: number, rng: Rng | undefined): NDArray {
  const u = T.rand(t.shape, { rng: rng ?? defaultRng, dtype: 'float64' });
  return T.cast(T.add(T.mul(u, high - low), low), t.dtype);
}

function normalArray(t: Tensor, mean: number, std: number, rng: Rng | undefined): NDArray {
  const z = T.randn(t.shape, { rng: rng ?? defaultRng, dtype: 'float64' });
  return T.cast(T.add(T.mul(z, std), mean), t.dtype);
}

/** Fills with 0. */
export function zeros(t: Tensor): Tensor {
  return write(t, T.zeros(t.shape, t.dtype));
}

/** Fills with 1. */
export function ones(t: Tensor): Tensor {
  return write(t, T.ones(t.shape, t.dtype));
}

/** Fills with `value`. */
export function constant(t: Tensor, value: number): Tensor {
  return write(t, T.full(t.shape, value, t.dtype));
}

/** Samples U(low, high). */
export function uniform(t: Tensor, low = 0, high = 1, options: InitRng = {}): Tensor {
  return write(t, uniformArray(t, low, high, options.rng));
}

/** Samples N(mean, std²). */
export function normal(t: Tensor, mean = 0, std = 1, options: InitRng = {}): Tensor {
  return write(t, normalArray(t, mean, std, options.rng));
}

/** [fanIn, fanOut] of a weight shaped [out, in, ...kernel] (needs at least 2 axes). */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 2)
    throw new ModuleError(
      'init.fans',
      `fan in and fan out need a weight with at least 2 axes, got shape ${T.fmtShape(shape)}`,
    );
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1]! * receptive, shape[0]! * receptive];
}

/**
 * The recommended gain for a nonlinearity (PyTorch's table): 1 for linear/sigmoid, 5/3 for tanh,
 * √2 for ReLU, √(2 / (1 + slope²)) for leaky ReLU, 3/4 for SELU.
 */
export function calculateGain(nonlinearity: Nonlinearity, param = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'conv':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu':
      return Math.sqrt(2 / (1 + param * param));
    case 'selu':
      return 3 / 4;
  }
}

/** Options of the Xavier (Glorot) initializers. */
export interface XavierOptions extends InitRng {
  gain?: number;
}

/** Glorot uniform: U(-a, a) with a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform(t: Tensor, options: XavierOptions = {}): Tensor {
  const [fanIn, fanOut] = fans(t.shape);
  const a = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -a, a, options);
}

/** Glorot normal: N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, options: XavierOptions = {}): Tensor {
  const [fanIn, fanOut] = fans(t.shape);
  return normal(t, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/** Options of the Kaiming (He) initializers. */
export interface KaimingOptions extends InitRng {
  /** The negative slope of the leaky ReLU that follows (0: plain ReLU). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const [fanIn, fanOut] = fans(t.shape);
  const fan = (options.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** He uniform: U(-b, b) with b = gain·√(3 / fan). PyTorch's Linear uses a = √5, giving b = 1/√fanIn. */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform(t, -bound, bound, options);
}

/** He normal: N(0, σ²) with σ = gain / √fan. */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, options), options);
}
