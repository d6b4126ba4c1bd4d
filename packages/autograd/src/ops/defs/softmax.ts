/**
 * Statistics and the softmax family, as compositions of recorded ops: they have no derivative
 * rules of their own (their gradients come from the ops they are made of).
 */
import * as T from '@chainrule/tensor';
import { Tensor } from '../../tensor.js';
import { countOver } from '../operands.js';
import { add, div, sub } from './binary.js';
import { floatInput } from '../coerce.js';
import { reshape } from './shape.js';
import { sum } from './reduce.js';
import { exp, log, sqrt, square } from './unary.js';

type Axes = T.Axes;

/** Σx / n over the axes (a float result; NaN for an empty reduction). */
export function mean(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  const axes = T.normalizeAxes('mean', axis, x.ndim);
  return div(sum(floatInput(x), axes, keepDims), countOver(x.shape, axes));
}
/** Σ(x - mean)² / (n - correction); correction 1 (the default) is unbiased. */
export function variance(x: Tensor, axis?: Axes, options: T.VarianceOptions = {}): Tensor {
  const { correction = 1, keepDims = false } = options;
  const axes = T.normalizeAxes('var', axis, x.ndim);
  const n = countOver(x.shape, axes);
  const xf = floatInput(x);
  const centered = sub(xf, mean(xf, axes, true));
  return div(sum(square(centered), axes, keepDims), Math.max(n - correction, 0));
}
/** √variance. */
export function std(x: Tensor, axis?: Axes, options: T.VarianceOptions = {}): Tensor {
  return sqrt(variance(x, axis, options));
}
/**
 * log Σ e^x = m + log Σ e^{x-m} with m the (constant) max: never overflows; its gradient is softmax.
 * Over an empty axis it is log 0 = -∞ (as the tensor package, PyTorch and SciPy), with an empty gradient.
 */
export function logsumexp(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  const axes = T.normalizeAxes('logsumexp', axis, x.ndim);
  const xf = floatInput(x);
  // Σ over nothing is 0; recorded through sum, so the (empty) gradient reaches x
  if (axes.some((a) => x.shape[a] === 0)) return add(sum(xf, axes, keepDims), -Infinity);
  const m = T.max(xf.value, axes, true);
  const shift = new Tensor(T.where(T.lt(T.abs(m), Infinity), m, 0));
  const out = add(log(sum(exp(sub(xf, shift)), axes, true)), shift);
  return keepDims
    ? out
    : reshape(
        out,
        out.shape.filter((_, i) => !axes.includes(i)),
      );
}
/** e^x / Σe^x along `axis` (default the last), computed stably from the shifted values (empty for an empty x). */
export function softmax(x: Tensor, axis = -1): Tensor {
  return exp(logSoftmax(x, T.normalizeAxis('softmax', axis, x.ndim)));
}
/** x - logsumexp(x) along `axis`: log-probabilities that never overflow. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return sub(floatInput(x), logsumexp(x, T.normalizeAxis('logSoftmax', axis, x.ndim), true));
}

/** The method forms of this family's functions. */
export const SOFTMAX_METHODS = { mean, variance, std, logsumexp, softmax, logSoftmax };
