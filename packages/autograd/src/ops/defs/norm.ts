/**
 * Norms as composites of recorded ops (no records of their own): `vectorNorm` (torch.linalg.vector_norm),
 * `matrixNorm` (torch.linalg.matrix_norm for 'fro', 1, −1, ∞, −∞) and `norm` (torch.norm). Where the
 * plain formula's derivative is 0/0 or ∞·0 (a zero element, or a zero norm) the composites take
 * PyTorch's subgradient, 0, with the double-`where` form: the unsafe branch is evaluated on a safe
 * value, so no NaN reaches the gradient, and gradients of gradients stay finite there too.
 */
import * as T from '@chainrule/tensor';
import { Tensor } from '../../tensor.js';
import { checkOperand } from '../operands.js';
import { add, eq, mul, ne, pow, where } from './binary.js';
import { cast } from './cast.js';
import { max, min, sum } from './reduce.js';
import { squeeze } from './shape.js';
import { abs, sqrt } from './unary.js';

/** A norm's order: a number (±Infinity included) or the Frobenius norm. */
export type NormOrd = number | 'fro';

/** Axes to reduce (all when omitted or empty), as the reductions take them. */
export type NormDim = number | readonly number[] | undefined;

/** f(s) where s ≠ 0, and 0 where s = 0, with no gradient through f at 0 (the double-where form). */
function offZero(s: Tensor, f: (safe: Tensor) => Tensor): Tensor {
  const zero = eq(s, 0);
  return where(zero, 0, f(where(zero, 1, s)));
}

/** Refuses non-float input and a non-number order before anything is recorded. */
function checkNormInput(op: string, x: Tensor, ord: unknown): void {
  checkOperand(op, x, 'the input', false);
  if (!T.isFloat(x.dtype)) throw new T.DTypeError(op, `expected a float32 or float64 input, got ${x.dtype}`);
  if (typeof ord !== 'number' || Number.isNaN(ord)) {
    throw new T.RangeError(op, `ord must be a number (Infinity and -Infinity included), got ${String(ord)}`);
  }
}

/**
 * The vector p-norm of x over `dim` (all elements when omitted), as `torch.linalg.vector_norm`:
 * (Σ|x|^p)^(1/p) for any real p (fractional and negative included), max |x| for Infinity, min |x|
 * for −Infinity, and the count of nonzero elements for 0 (its gradient is zero). At a zero element
 * or a zero norm the gradient is PyTorch's subgradient, 0 (never NaN).
 * @throws DTypeError `vectorNorm: expected a float32 or float64 input, got int32`
 * @example
 * ```ts
 * import { tensor, vectorNorm } from '@chainrule/autograd';
 * vectorNorm(tensor([3, -4])).item(); // 5
 * vectorNorm(tensor([3, -4]), Infinity).item(); // 4
 * ```
 */
export function vectorNorm(x: Tensor, ord = 2, dim?: NormDim, keepDim = false): Tensor {
  checkNormInput('vectorNorm', x, ord);
  const axes = Array.isArray(dim) && dim.length === 0 ? undefined : dim;
  T.normalizeAxes('vectorNorm', axes, x.ndim); // validates before anything is recorded
  const a = abs(x);
  if (ord === Infinity) return max(a, axes, keepDim);
  if (ord === -Infinity) return min(a, axes, keepDim);
  if (ord === 0) {
    // the count of nonzero elements, plus a sum of zeros that carries x's (zero) gradient
    const never = new Tensor(T.zeros(x.shape, 'bool'));
    return add(sum(cast(ne(x, 0), x.dtype), axes, keepDim), sum(where(never, x, 0), axes, keepDim));
  }
  if (ord === 1) return sum(a, axes, keepDim);
  if (ord === 2) return offZero(sum(mul(x, x), axes, keepDim), sqrt);
  if (ord < 0) {
    // |0|^p = ∞ makes the norm 0; behind a where, so its gradient is 0 there, not NaN (PyTorch's)
    const zero = eq(x, 0);
    const powered = where(zero, Infinity, pow(where(zero, 1, a), ord));
    return pow(sum(powered, axes, keepDim), 1 / ord);
  }
  const powered = offZero(a, (safe) => pow(safe, ord));
  return offZero(sum(powered, axes, keepDim), (safe) => pow(safe, 1 / ord));
}

/** Two distinct axes of x, normalized, in the order given. */
function matrixAxes(x: Tensor, dim: readonly [number, number]): [number, number] {
  if (x.ndim < 2) {
    throw new T.ShapeError('matrixNorm', `expected a matrix or a batch of matrices, got ${T.fmtShape(x.shape)}`);
  }
  if (dim.length !== 2) throw new T.ShapeError('matrixNorm', `dim must name two axes, got [${dim.join(', ')}]`);
  const r = T.normalizeAxis('matrixNorm', dim[0], x.ndim),
    c = T.normalizeAxis('matrixNorm', dim[1], x.ndim);
  if (r === c) throw new T.ShapeError('matrixNorm', `dim must name two different axes, got [${dim.join(', ')}]`);
  return [r, c];
}

/**
 * A matrix norm over the axes `dim` (the last two by default), as `torch.linalg.matrix_norm`:
 * 'fro' (√Σx²), 1 and −1 (largest and smallest column sum of |x|), Infinity and −Infinity
 * (largest and smallest row sum). The spectral (2, −2) and nuclear norms need singular values and
 * are not provided.
 * @throws RangeError `matrixNorm: ord 2 is not supported (expected 'fro', 1, -1, Infinity or -Infinity)`
 * @example
 * ```ts
 * import { matrixNorm, tensor } from '@chainrule/autograd';
 * matrixNorm(tensor([[1, -2], [3, 4]]), 1).item(); // 6
 * ```
 */
export function matrixNorm(
  x: Tensor,
  ord: 'fro' | number = 'fro',
  dim: readonly [number, number] = [-2, -1],
  keepDim = false,
): Tensor {
  checkNormInput('matrixNorm', x, ord === 'fro' ? 2 : ord);
  const [r, c] = matrixAxes(x, dim);
  if (ord === 'fro') return vectorNorm(x, 2, [r, c], keepDim);
  if (ord !== 1 && ord !== -1 && ord !== Infinity && ord !== -Infinity) {
    throw new T.RangeError('matrixNorm', `ord ${ord} is not supported (expected 'fro', 1, -1, Infinity or -Infinity)`);
  }
  const [summed, picked] = Math.abs(ord) === 1 ? [r, c] : [c, r];
  const sums = sum(abs(x), summed, true);
  const out = ord > 0 ? max(sums, picked, true) : min(sums, picked, true);
  return keepDim ? out : squeeze(out, [r, c]);
}

/**
 * The norm of `torch.norm`: the vector p-norm of x over `dim` (all elements when omitted) for a
 * number `p`, and for 'fro' (the default) the 2-norm, which over the last two axes of a matrix is
 * its Frobenius norm. As in PyTorch, a number p is always a vector norm (for matrix norms by
 * ord, see `matrixNorm`).
 * @throws RangeError `norm: p must be a number or 'fro', got nuc`
 * @example
 * ```ts
 * import { norm, tensor } from '@chainrule/autograd';
 * norm(tensor([[1, 2], [2, 4]])).item(); // 5
 * norm(tensor([[3, 4], [6, 8]]), 2, 1).toArray(); // [5, 10]
 * ```
 */
export function norm(x: Tensor, p: NormOrd = 'fro', dim?: NormDim, keepDim = false): Tensor {
  if (p === 'fro') {
    const n = dim === undefined ? 0 : typeof dim === 'number' ? 1 : dim.length;
    if (n > 2) throw new T.ShapeError('norm', `'fro' takes at most two axes, got [${(dim as number[]).join(', ')}]`);
    return vectorNorm(x, 2, dim, keepDim);
  }
  if (typeof p !== 'number') throw new T.RangeError('norm', `p must be a number or 'fro', got ${String(p)}`);
  return vectorNorm(x, p, dim, keepDim);
}

/** The method forms of this family's functions (`x.norm()`). */
export const NORM_METHODS = { norm };
