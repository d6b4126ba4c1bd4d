/**
 * One-pass activation gradients for the usual backward (no graph of it recorded): the rule table's
 * sigmoid, tanh and relu rules call `fusedActivationGrad` first and fall back to their composition
 * of differentiable ops (which a recorded backward needs, to differentiate again) when it returns
 * null. Both give the same bits (`activationGrad` in @chainrule/tensor reproduces the chain).
 */
import { type ActivationGradOp, activationGrad } from '@chainrule/tensor';
import { isGradEnabled } from '../grad-mode.js';
import { Tensor } from '../tensor.js';

/**
 * g·f′ of `op` in one pass (`saved` is the output of sigmoid and tanh, the input of relu), or null
 * while the backward is being recorded: then the caller composes it.
 * @example
 * ```ts
 * const gx = fusedActivationGrad('sigmoid', g, output) ?? F.mul(g, F.mul(output, F.sub(1, output)));
 * ```
 */
export function fusedActivationGrad(op: ActivationGradOp, g: Tensor, saved: Tensor): Tensor | null {
  if (isGradEnabled() || g.dtype !== saved.dtype) return null;
  return new Tensor(activationGrad(op, g.value, saved.value));
}
