import * as T from '@chainrule/tensor';
import { type Rng, defaultRng } from '@chainrule/tensor';
import { Tensor, mul } from '@chainrule/autograd';

/**
 * Inverted dropout: in training, each element is zeroed with probability p and the survivors
 * are scaled by 1/(1 − p), so evaluation needs no rescaling. The mask comes from `rng`.
 * With `training` false (or p = 0) it returns x unchanged.
 * @example
 * ```ts
 * import { dropout } from '@chainrule/nn';
 * import { ones } from '@chainrule/autograd';
 * import { Rng } from '@chainrule/tensor';
 * dropout(ones([2, 4]), 0.5, true, new Rng(1)).toArray(); // zeros and 2s
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, rng: Rng = defaultRng): Tensor {
  if (!(p >= 0 && p <= 1)) throw new T.RangeError('dropout', `p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const keep = T.ge(T.rand(x.shape, { rng, dtype: 'float64' }), p);
  const mask = T.mul(T.cast(keep, x.dtype), 1 / (1 - p));
  return mul(x, new Tensor(mask));
}
