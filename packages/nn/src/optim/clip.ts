import * as T from '@chainrule/tensor';
import { type Tensor, noGrad } from '@chainrule/autograd';

/**
 * Scales all gradients together so their total norm is at most `maxNorm` (PyTorch's
 * clip_grad_norm_): the norm is over all gradients as one vector (`normType` 2 by default,
 * any p > 0 or Infinity). Gradients are scaled in place by maxNorm / (norm + 1e-6) when that is
 * below 1. Returns the total norm before clipping.
 * @example
 * ```ts
 * loss.backward();
 * clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * ```
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  if (!(maxNorm >= 0)) throw new T.RangeError('clipGradNorm', `maxNorm must be >= 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new T.RangeError('clipGradNorm', `normType must be > 0 or Infinity, got ${normType}`);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  let total = 0;
  for (const g of grads) {
    const a = T.abs(T.cast(g.value, 'float64'));
    if (normType === Infinity) total = Math.max(total, a.size === 0 ? 0 : T.max(a).item());
    else total += T.sum(T.pow(a, normType)).item();
  }
  if (normType !== Infinity) total = total ** (1 / normType);
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1)
    noGrad(() => {
      for (const g of grads) g.mulInPlace(coef);
    });
  return total;
}
