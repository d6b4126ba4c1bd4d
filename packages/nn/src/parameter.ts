import { type NDArray } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';

/**
 * A learnable tensor: a leaf that requires grad. A `Module` finds the parameters among its own
 * properties (and those given to `registerParameter`), so optimizers and state dicts see them.
 * Set `requiresGrad_(false)` to freeze one: it stays in the state dict, optimizers skip it.
 * @example
 * ```ts
 * import { Parameter } from '@chainrule/nn';
 * import { zeros } from '@chainrule/tensor';
 * const w = new Parameter(zeros([3, 2]));
 * w.requiresGrad; // true
 * ```
 */
export class Parameter extends Tensor {
  constructor(value: NDArray, requiresGrad = true) {
    super(value, { requiresGrad });
  }
}
