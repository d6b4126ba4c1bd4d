import { type Tensor, noGrad } from '@chainrule/autograd';
import { ModuleError } from './errors.js';
import { checkOptions } from './layers/options.js';

/** Options of `zeroGrad` on a module or an optimizer, as PyTorch's `zero_grad(set_to_none=True)`. */
export interface ZeroGradOptions {
  /**
   * `true` (the default): each gradient becomes `null`, freeing it. `false`: each existing gradient
   * is filled with zeros in place (the same Tensor, its version bumped), for code that keeps a
   * reference to it.
   */
  setToNone?: boolean;
}

/**
 * Clears the gradients of `params` (see ZeroGradOptions); an unknown option key is a ModuleError
 * naming `op`, and nothing is cleared then.
 *
 * @example
 * ```ts
 * import { Linear } from '@chainrule/nn';
 * const layer = new Linear(2, 1);
 * layer.forward(layer.weight).sum().backward();
 * layer.zeroGrad({ setToNone: false }); // layer.weight.grad is a tensor of zeros
 * ```
 */
export function zeroGrads(op: string, params: Iterable<Tensor>, options: ZeroGradOptions | undefined): void {
  checkOptions(op, options, ['setToNone']);
  const setToNone = options?.setToNone ?? true;
  if (typeof setToNone !== 'boolean') {
    throw new ModuleError(op, `setToNone must be a boolean, got ${typeof setToNone}`);
  }
  for (const p of params) {
    if (setToNone) p.grad = null;
    else if (p.grad !== null) {
      const g = p.grad;
      noGrad(() => g.copyInPlace(0));
    }
  }
}
