/**
 * The activation functions of the notes' table (and a few more), as functions of tensors.
 * Each is built from differentiable ops, so gradients of any order work. The sigmoid, tanh, relu,
 * softmax and logSoftmax are @chainrule/autograd's own ops and are not repeated here.
 */
import * as T from '@chainrule/tensor';
import {
  type Tensor,
  abs,
  add,
  customOp,
  div,
  erf,
  exp,
  expm1,
  gt,
  mul,
  softplus as agSoftplus,
  sub,
  tanh,
  where,
  zerosLike,
  Tensor as TensorClass,
} from '@chainrule/autograd';

/** identity(x) = x; derivative 1. */
export function identity(x: Tensor): Tensor {
  return x;
}

const stepOp = customOp({
  name: 'step',
  forward: (x) => T.cast(T.ge(x, 0), x.dtype),
  // d step(x) = 0 everywhere (undefined at 0, taken as 0)
  backward: (_g, [x]) => [zerosLike(x!)],
});

/** The binary step: 1 where x ≥ 0, else 0. Its gradient is 0 everywhere (nothing to learn from). */
export function step(x: Tensor): Tensor {
  return stepOp(x);
}

/** Parameters of Soboleva's modified tanh. */
export interface SmhtOptions {
  a?: number;
  b?: number;
  c?: number;
  d?: number;
}

/**
 * Soboleva's modified hyperbolic tangent: (e^{ax} - e^{-bx}) / (e^{cx} + e^{-dx}); all four
 * default to 1, which is tanh. Numerator and denominator are divided by e^m with m the larger of
 * cx and -dx (a constant), so the exponentials overflow only when the result itself does.
 */
export function smht(x: Tensor, options: SmhtOptions = {}): Tensor {
  const { a = 1, b = 1, c = 1, d = 1 } = options;
  const m = new TensorClass(T.maximum(T.mul(x.value, c), T.mul(x.value, -d)));
  const num = sub(exp(sub(mul(x, a), m)), exp(sub(mul(x, -b), m)));
  const den = add(exp(sub(mul(x, c), m)), exp(sub(mul(x, -d), m)));
  return div(num, den);
}

/** softsign(x) = x / (1 + |x|); derivative 1 / (1 + |x|)². */
export function softsign(x: Tensor): Tensor {
  return div(x, add(abs(x), 1));
}

/** leakyRelu(x) = x for x > 0, slope·x otherwise. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

/** Which GELU: the exact erf form or the tanh approximation. */
export type GeluApproximate = 'none' | 'tanh';

/**
 * GELU(x) = x·Φ(x) = ½x(1 + erf(x/√2)); with `'tanh'`, ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 */
export function gelu(x: Tensor, approximate: GeluApproximate = 'none'): Tensor {
  if (approximate === 'tanh') {
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

/**
 * softplus(x) = log(1 + e^{βx}) / β, linear (x) where βx > threshold, as PyTorch; stable for
 * large inputs (softplus(800) = 800). Its derivative is σ(βx).
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const bx = beta === 1 ? x : mul(x, beta);
  const big = gt(bx, threshold);
  // double where: the masked branch never sees the large inputs, so no inf leaks into gradients
  const soft = agSoftplus(where(big, 0, bx));
  const smooth = beta === 1 ? soft : div(soft, beta);
  return where(big, x, smooth);
}

/** ELU(x) = x for x > 0, α(e^x - 1) otherwise; derivative 1 or αe^x. */
export function elu(x: Tensor, alpha = 1): Tensor {
  const positive = gt(x, 0);
  // double where: expm1 only sees non-positive inputs, so a large x cannot put inf into the gradient
  return where(positive, x, mul(expm1(where(positive, 0, x)), alpha));
}
