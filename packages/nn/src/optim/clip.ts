import * as T from '@chainrule/tensor';
import { Tensor, noGrad } from '@chainrule/autograd';
import { ModuleError } from '../errors.js';
import { checkOptions } from './options.js';
import { describeValue } from './state-check.js';

/** Options of `clipGradNorm`. */
export interface ClipOptions {
  /**
   * Throw (changing nothing) when the total norm is NaN or infinite, as PyTorch's
   * `error_if_nonfinite` (default false).
   */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so their total norm is at most `maxNorm` (PyTorch's
 * clip_grad_norm_): the norm is over all gradients as one vector (`normType` 2 by default,
 * any p > 0 or Infinity). Gradients are multiplied in place by maxNorm / (norm + 1e-6) where that
 * is below 1, else by 1 (as PyTorch's clamped coefficient; a NaN norm also multiplies by 1).
 * Returns the total norm before clipping, a 0-d float64 Tensor (computed by kernels, never read
 * into JavaScript, so a compiled step that clips replays). Every gradient is checked (a Tensor of
 * its parameter's shape and a float dtype) before any is scaled, and a gradient shared by two
 * parameters is scaled once.
 * @example
 * ```ts
 * loss.backward();
 * clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * ```
 */
export function clipGradNorm(
  params: Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: ClipOptions = {},
): Tensor {
  const op = 'clipGradNorm';
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0))
    throw new T.RangeError(op, `maxNorm must be >= 0, got ${describeValue(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0))
    throw new T.RangeError(op, `normType must be > 0 or Infinity, got ${describeValue(normType)}`);
  const { errorIfNonfinite = false } = checkOptions(op, '', options, new Map([['errorIfNonfinite', 'boolean']]));
  if (params instanceof Tensor)
    throw new ModuleError(op, 'params must be an iterable of Tensors, got a single Tensor (wrap it: [p])');
  if (typeof params !== 'object' || params === null || !(Symbol.iterator in params))
    throw new ModuleError(op, `params must be an iterable of Tensors, got ${describeValue(params)}`);
  const grads = new Set<Tensor>();
  let i = 0;
  for (const p of params as Iterable<unknown>) {
    const at = i++;
    if (!(p instanceof Tensor)) throw new ModuleError(op, `parameter ${at} is not a Tensor (got ${describeValue(p)})`);
    const g: unknown = p.grad;
    if (g === null) continue;
    if (!(g instanceof Tensor))
      throw new ModuleError(op, `the gradient of parameter ${at} is not a Tensor (got ${describeValue(g)})`);
    if (!T.shapesEqual(g.shape, p.shape))
      throw new T.ShapeError(
        op,
        `parameter ${at} has shape ${T.fmtShape(p.shape)} but its gradient ${T.fmtShape(g.shape)} (nothing was scaled)`,
      );
    if (!T.isFloat(g.dtype))
      throw new T.DTypeError(op, `the gradient of parameter ${at} is ${g.dtype}; gradients are float32 or float64`);
    grads.add(g);
  }
  // the total norm in float64, by kernels only (nothing read into JavaScript, so a compiled step
  // replays it): Σ|g|ᵖ over all gradients, then its 1/p-th power; max |g| for p = ∞
  let total = T.zeros([], 'float64');
  for (const g of grads) {
    const a = T.abs(T.cast(g.value, 'float64'));
    if (normType === Infinity) total = a.size === 0 ? total : T.maximum(total, T.max(a));
    else total = T.add(total, T.sum(T.pow(a, normType)));
  }
  if (normType !== Infinity) total = T.pow(total, 1 / normType);
  if (errorIfNonfinite) T.hostCheck(op, checkFinite, total, normType);
  // scale by maxNorm / (norm + 1e-6) where that is below 1 (not where the norm is NaN), else by 1
  const coef = T.div(maxNorm, T.add(total, 1e-6));
  const scale = T.where(T.lt(coef, 1), coef, 1);
  noGrad(() => {
    for (const g of grads) g.mulInPlace(new Tensor(T.cast(scale, g.dtype)));
  });
  return new Tensor(total);
}

/** Throws (before anything is scaled) when the total norm is NaN or infinite. */
function checkFinite(total: T.NDArray, normType: number): void {
  const value = total.data[total.offset]!;
  if (!Number.isFinite(value))
    throw new T.RangeError(
      'clipGradNorm',
      `the total ${normType}-norm of the gradients is ${value}; nothing was scaled (errorIfNonfinite is set)`,
    );
}
